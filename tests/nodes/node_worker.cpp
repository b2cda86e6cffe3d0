// A client process of the node tests:
//
//   node_worker ENDPOINT CERT KEY CA MODE ID ARG
//
//   write-and-count ID W:N   writes k0..k(W-1) = i in space "space-ID",
//                            then adds 1 to state cell "counter" of space
//                            "shared" N times with compare-and-swap
//                            (retrying on a miss); exits 0 when all done.
//   die-in-transaction       begins a transaction, writes "doomed", says
//                            "in transaction" and is killed by itself
//                            (SIGKILL) without committing.

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include <unistd.h>

#include <strata/strata.hpp>

using namespace strata;

namespace {

int fail(const std::string& what, const caf::error& err) {
  std::cerr << what << ": " << describe(err) << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    std::cerr << "usage: node_worker ENDPOINT CERT KEY CA MODE ID ARG\n";
    return 2;
  }
  ConnectOptions opts;
  opts.tls = {argv[2], argv[3], argv[4], ""};
  auto db = Strata::connect(argv[1], opts);
  if (!db)
    return fail("connect", db.error());
  std::string mode = argv[5], id = argv[6], arg = argv[7];

  if (mode == "die-in-transaction") {
    auto s = db->session();
    if (auto r = s.begin(); !r)
      return fail("begin", r.error());
    if (auto r = s.kv_put("doomed", 1); !r)
      return fail("put", r.error());
    std::cout << "in transaction" << std::endl;
    ::kill(::getpid(), SIGKILL);
  }

  if (mode == "write-and-count") {
    int writes = std::stoi(arg.substr(0, arg.find(':')));
    int increments = std::stoi(arg.substr(arg.find(':') + 1));
    if (auto r = db->set_space("space-" + id); !r)
      return fail("set_space", r.error());
    for (int i = 0; i < writes; ++i)
      if (auto r = db->kv_put("k" + std::to_string(i), int64_t{i}); !r)
        return fail("put", r.error());
    if (auto r = db->set_space("shared"); !r)
      return fail("set_space", r.error());
    for (int i = 0; i < increments;) {
      auto cur = db->state_get_versioned("counter");
      if (!cur)
        return fail("read", cur.error());
      std::optional<uint64_t> expected;
      int64_t next = 1;
      if (*cur) {
        expected = (*cur)->version;
        next = *(*cur)->value.as_int() + 1;
      }
      auto swapped = db->state_cas("counter", expected, Value(next));
      if (!swapped)
        return fail("cas", swapped.error());
      if (*swapped)
        ++i;
    }
    std::cout << "done\n";
    return 0;
  }
  std::cerr << "unknown mode " << mode << "\n";
  return 2;
}
