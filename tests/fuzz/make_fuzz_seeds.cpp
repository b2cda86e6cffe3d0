// Writes the binary seeds of the fuzz corpora: one file per kind of stored
// record (prefixed with the byte fuzz_records uses to pick its decoder)
// and two bundles. Usage: make_fuzz_seeds <tests/fuzz/corpus>

#include <cstdio>
#include <fstream>
#include <string>

#include <strata/messages/codec.hpp>
#include <strata/store/bundle.hpp>

using namespace strata;

namespace {

void write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(1);
  }
}

template <class T>
void record(const std::string& dir, const char* name, char selector, const T& rec) {
  std::string bytes(1, selector);
  encode(rec, bytes);
  write(dir + "/records/" + name, bytes);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_seeds <corpus dir>\n");
    return 2;
  }
  std::string dir = argv[1];
  Value doc{Object{{"name", "agent-7"}, {"tags", Array{Value{"a"}, Value{1}, Value{2.5}}},
                   {"nested", Object{{"ok", true}, {"none", Value{}}}}}};
  record(dir, "versioned", 0, VersionedRecord{3, 1700000000000000, false, doc, {"$.name"}});
  record(dir, "tombstone", 0, VersionedRecord{4, 1700000000000001, true, Value{}, {}});
  record(dir, "value", 1, doc);
  record(dir, "bytes", 1, Value{Bytes{0, 1, 2, 255}});
  Event e;
  e.sequence = 2;
  e.type = "tool_call";
  e.payload = Value{Object{{"tool", "search"}, {"ms", 12}}};
  e.timestamp = 1700000000000002;
  e.prev_hash = std::string(32, '\1');
  e.hash = std::string(32, '\2');
  record(dir, "event", 2, e);
  record(dir, "space_meta", 3, SpaceMeta{1, 1700000000000003});
  PreparedTxn p;
  p.txn_id = 9;
  p.snapshot = 100;
  p.commit_ts = 101;
  p.participants = {"billing", "memory"};
  p.ops.push_back(TxnOp{TxnOpKind::KvPut, "credits", "", Value{99}, false, 0});
  p.ops.push_back(TxnOp{TxnOpKind::StateCas, "tier", "", Value{2}, true, 1});
  record(dir, "prepared", 4, p);
  record(dir, "decision", 5, CommitDecision{9, 101, {"billing", "memory"}});
  write(dir + "/records/branch_meta",
        std::string(1, 6) + encode_branch_meta(BranchInfo{"experiment", 1700000000000004, "default"}));

  store::Bundle b;
  b.branch = "experiment";
  b.meta = encode_branch_meta(BranchInfo{"experiment", 1700000000000004, "default"});
  b.spaces.push_back(BundleSpace{"default", {{"hkk", "v1"}, {"mspace", "m"}}});
  b.spaces.push_back(BundleSpace{"memory", {}});
  auto tmp = dir + "/bundle/two_spaces";
  if (!store::write_bundle(tmp, b)) {
    std::fprintf(stderr, "cannot write %s\n", tmp.c_str());
    return 1;
  }
  store::Bundle empty;
  empty.branch = "b";
  empty.meta = encode_branch_meta(BranchInfo{"b", 1, ""});
  if (!store::write_bundle(dir + "/bundle/no_spaces", empty))
    return 1;
  std::printf("seeds written under %s\n", dir.c_str());
  return 0;
}
