#pragma once

// HeadCache: the newest stored records (head-keys, key_codec.cpp) of the
// entries a space store has recently overwritten, so that the next write
// of such an entry needs no LevelDB read.
//
// Why it exists: a write must know the entry's current version (the next
// one is +1) and must move the old head record into history unchanged, so
// without the cache every put is a Get plus a batch. Profiled (issue 15),
// that Get was 63% of the store's time for an overwrite. Agents rewrite
// the same keys and cells over and over (a memory slot, a counter, a
// claimed task), so a small cache of what was overwritten removes the read
// from the common write and serves reads of those entries too.
//
// What it holds, and why it cannot go stale: an entry is added only after
// a write-path read found on disk the head of an entry already written
// more than once (SpaceStore::head_of with `for_write`: a loaded key is not
// cached on its first rewrite, so updates spread over many keys do not
// churn the cache), and refreshed from the contents of every batch the store
// successfully writes (SpaceStore::write calls `apply`), which is the only
// way heads change while the store is open; the store clears it whenever it
// (re)opens its LevelDB. A fresh key is never added on its first write, so
// a bulk load does not churn the cache either.
//
// Bounded by bytes (keys, records and a per-entry overhead), least recently
// used evicted first. Not thread-safe: one space actor owns its store.

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace leveldb {
class WriteBatch;
}

namespace strata::store {

class HeadCache {
 public:
  /// A cache of at most `capacity_bytes` (0 disables it).
  explicit HeadCache(size_t capacity_bytes) : capacity_(capacity_bytes) {}

  HeadCache(const HeadCache&) = delete;
  HeadCache& operator=(const HeadCache&) = delete;

  /// The cached record under head-key `key`, or null; marks it recently used.
  /// The pointer is valid until the next non-const call.
  const std::string* find(std::string_view key);

  /// Caches `record` under head-key `key` (replacing what was there).
  /// Records too large to be worth a slot are not cached.
  void insert(std::string_view key, std::string_view record);

  /// Brings the cached heads up to date with `batch`, which was just
  /// written: a head it puts replaces a cached one, a head it deletes is
  /// dropped. Heads not cached stay uncached.
  void apply(const leveldb::WriteBatch& batch);

  void clear();

  size_t size() const { return index_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  struct Entry {
    std::string key;
    std::string record;
  };
  using Lru = std::list<Entry>;  // most recently used first

  static size_t cost(const Entry& e) { return e.key.size() + e.record.size() + kOverhead; }
  // One record may take at most an eighth of the cache: a few huge values
  // must not flush every small hot entry.
  bool fits(std::string_view key, std::string_view record) const {
    return key.size() + record.size() + kOverhead <= capacity_ / 8;
  }
  // Gives a cached entry a new record (dropping it if it no longer fits).
  void replace(Lru::iterator it, std::string_view record);
  void erase(Lru::iterator it);
  void evict_to(size_t capacity);

  // List node, hash node and the two strings' headers, roughly.
  static constexpr size_t kOverhead = 128;

  size_t capacity_;
  size_t bytes_ = 0;
  Lru lru_;
  // Views into the keys held by lru_'s nodes, which never move.
  std::unordered_map<std::string_view, Lru::iterator> index_;
};

}  // namespace strata::store
