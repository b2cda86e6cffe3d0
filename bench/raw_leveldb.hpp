#pragma once

// Raw LevelDB opened with the options Strata gives each space's store
// (store/src/leveldb_util.cpp open_leveldb, runtime/src/database.cpp), so
// that a side-by-side ratio measures what Strata adds on top of the same
// engine: a bloom filter of 10 bits a key, a 32 MiB block cache, 1,000 open
// table files, a 4 MiB write buffer, paranoid checks, reused logs and no info
// log. Reads should set ReadOptions::verify_checksums, as Strata's do.

#include <cstdarg>
#include <memory>
#include <string>

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>

#include "bench_util.hpp"

namespace strata::bench {

// Strata writes no LOG file per store; neither does the raw side, so that
// directory sizes compare like with like.
struct NullLevelDbLogger final : leveldb::Logger {
  void Logv(const char*, va_list) override {}
};

struct RawLevelDb {
  // Declared before `db`: the database uses them until it is closed.
  NullLevelDbLogger null_log;
  std::unique_ptr<leveldb::Cache> cache;
  std::unique_ptr<const leveldb::FilterPolicy> filter{leveldb::NewBloomFilterPolicy(10)};
  std::unique_ptr<leveldb::DB> db;

  explicit RawLevelDb(const std::string& dir, size_t cache_bytes = 32u << 20)
      : cache(leveldb::NewLRUCache(cache_bytes)) {
    leveldb::Options o;
    o.create_if_missing = true;
    o.paranoid_checks = true;
    o.block_cache = cache.get();
    o.filter_policy = filter.get();
    o.max_open_files = 1000;
    o.write_buffer_size = 4u << 20;
    o.reuse_logs = true;
    o.info_log = &null_log;
    leveldb::DB* raw = nullptr;
    auto st = leveldb::DB::Open(o, dir, &raw);
    if (!st.ok())
      fail("cannot open raw leveldb at " + dir + ": " + st.ToString());
    db.reset(raw);
  }
};

}  // namespace strata::bench
