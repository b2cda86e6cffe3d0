#pragma once

#include <cstddef>
#include <memory>

#include "strata/messages/limits.hpp"
#include "strata/messages/types.hpp"

namespace leveldb {
class Cache;
class Env;
class FilterPolicy;
}  // namespace leveldb

namespace strata {

namespace store {

/// What every space store of one database shares. Owned by the database;
/// must outlive every SpaceStore opened with it.
struct StoreOptions {
  Durability durability = Durability::Standard;
  /// The Env all stores use: LevelDB's default Env on disk, an in-memory
  /// Env for Durability::Cache. REQUIRES: non-null.
  leveldb::Env* env = nullptr;
  /// Block cache shared by all spaces, so that memory does not grow with the
  /// number of spaces. May be null (LevelDB then gives each store its own
  /// 8 MiB cache).
  leveldb::Cache* block_cache = nullptr;
  /// Bloom filter shared by all spaces; may be null (no filter).
  const leveldb::FilterPolicy* filter_policy = nullptr;
  /// Table files per space whose index and filter blocks LevelDB keeps
  /// loaded (its table cache). A cached table costs memory (about 2% of
  /// its size), not a descriptor: LevelDB's Env maps up to 1,000 table
  /// files process-wide and keeps at most a fifth of RLIMIT_NOFILE open
  /// beyond that, opening the rest per read. A space with few tables pays
  /// nothing for a large value; a large space evicting tables re-reads
  /// their index and filter on every miss (at 64, random gets on a space
  /// of a million records ran at 43%-45% of this setting's rate).
  int max_open_files = 1000;
  /// Memtable size per space before it is flushed to a table file.
  size_t write_buffer_bytes = 4u << 20;
  /// Bytes per open space for the heads of recently overwritten entries
  /// (a write of a cached entry needs no read; store/src/head_cache.hpp).
  /// Only spaces that are open hold one, and a space holds what it
  /// overwrote, so a database of many small idle spaces pays little.
  /// 0 disables it.
  size_t head_cache_bytes = 512u << 10;
  /// Whether each open space keeps a set of fingerprints of its keys in
  /// memory (5 to 11 bytes per key), so that a fresh entry's first write
  /// needs no read (store/src/key_filter.hpp). Off: every write reads the
  /// head.
  bool key_filter = true;
  Limits limits;
};

}  // namespace store
}  // namespace strata
