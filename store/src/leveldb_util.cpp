#include "leveldb_util.hpp"

#include "key_codec.hpp"
#include "strata/store/log_tail.hpp"

#include <filesystem>

#include <cstdarg>

#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>

#include "strata/store/files.hpp"

namespace strata::store {

namespace {

// LevelDB's info log, kept nowhere. Each store would otherwise hold an
// open LOG file (a descriptor, and a stdio FILE: glibc unlinks a closing
// FILE from a list of all open ones, so with thousands of stores open
// every close cost a scan — 14% of a 10,000-space run), and write a LOG
// and LOG.old per space. What matters in it reaches callers as a Status.
class NullLogger final : public leveldb::Logger {
 public:
  void Logv(const char*, va_list) override {}
};

leveldb::Logger* null_logger() {
  static NullLogger logger;  // stateless, shared by every store
  return &logger;
}

}  // namespace

result<std::unique_ptr<leveldb::DB>> open_leveldb(const StoreOptions& options,
                                                  const std::string& dir, OpenMode mode,
                                                  std::string_view what) {
  bool create = mode != OpenMode::Existing;
  if (create && options.durability != Durability::Cache) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      return make_error(errc::Io, "cannot create " + dir + ": " + ec.message());
  }
  // A torn tail would be appended to (reuse_logs, below): cut it first.
  if (mode != OpenMode::CreateNew && options.durability != Durability::Cache)
    if (auto err = trim_log_tails(dir))
      return err;
  leveldb::Options opts;
  opts.env = options.env;
  opts.create_if_missing = create;
  opts.error_if_exists = mode == OpenMode::CreateNew;
  opts.block_cache = options.block_cache;
  opts.filter_policy = options.filter_policy;
  opts.max_open_files = options.max_open_files;
  opts.write_buffer_size = options.write_buffer_bytes;
  // Reopening appends to the existing log and manifest instead of turning
  // the log into a table file and writing a new manifest: 0.23 ms instead
  // of 2.1 ms to reopen a small store here (raw LevelDB, 500 stores). A
  // database of many spaces closes idle stores and reopens them on demand
  // (actors/open_stores.hpp), so this is on the path of every such
  // request. Recovery after a crash reads the same log either way.
  opts.reuse_logs = true;
  opts.info_log = null_logger();
  // A damaged log record or table found while opening fails the open with
  // Corruption instead of being skipped (without it LevelDB drops the rest
  // of a log block and opens with acknowledged writes missing). A torn
  // record at the end of the log, what a crash mid-write leaves, is not
  // damage: LevelDB ignores it either way.
  opts.paranoid_checks = true;
  leveldb::DB* raw = nullptr;
  auto st = leveldb::DB::Open(opts, dir, &raw);
  if (!st.ok())
    return io_error(st, std::string(mode == OpenMode::CreateNew ? "cannot create " : "cannot open ") +
                            std::string(what) + " " + dir);
  return std::unique_ptr<leveldb::DB>(raw);
}

caf::error repair_store(const std::string& dir) {
  // The table format every store is opened with (the filter policy is
  // Strata's: see runtime/src/database.cpp).
  std::unique_ptr<const leveldb::FilterPolicy> filter{leveldb::NewBloomFilterPolicy(10)};
  leveldb::Options opts;
  opts.filter_policy = filter.get();
  opts.paranoid_checks = true;
  opts.info_log = null_logger();
  auto st = leveldb::RepairDB(dir, opts);
  if (!st.ok())
    return io_error(st, "cannot repair " + dir);
  // What a repair salvaged is not what a space store's record count
  // counted (key_codec.cpp): the store counts again when it needs to.
  leveldb::DB* raw = nullptr;
  st = leveldb::DB::Open(opts, dir, &raw);
  std::unique_ptr<leveldb::DB> db{raw};
  if (st.ok())
    st = db->Delete(leveldb::WriteOptions{}, keys::record_count());
  if (!st.ok())
    return io_error(st, "cannot reopen " + dir + " after its repair");
  return {};
}

}  // namespace strata::store
