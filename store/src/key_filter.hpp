#pragma once

// KeyFilter: an in-memory set of fingerprints of every head-key
// (key_codec.cpp) a space store holds, so that the first write of a fresh
// entry needs no LevelDB read.
//
// Why it exists: a write must know whether its entry exists (its version
// is the head's + 1, and the old head moves to history). For a fresh key
// that lookup walks the memtables and every level's bloom filter to find
// nothing — 45% of the store's time in a fill of fresh keys (issue 15's
// profile). This filter answers "certainly absent" from memory, so a
// fresh write is one batch of one record.
//
// Why it cannot lie: it never forgets a key it was told about, so it only
// errs towards "maybe present" (then the store reads, as without it). The
// store adds every head-key of a batch before writing it (a write that
// then fails leaves a harmless extra key), builds the filter by scanning
// the heads on disk the first time a write needs it after (re)opening,
// and resets it whenever LevelDB is (re)opened.
//
// A hash set of 32-bit fingerprints (open addressing, linear probing, at
// most 3/4 full, doubled and rehashed when it fills). A fresh key — the
// common write — costs one probe sequence in one cache line or two,
// however many keys the space holds; two keys sharing a fingerprint make
// the second "maybe present" (one in 2^32 per key held: 0.02% at a
// million keys). It replaced a Bloom filter of doubling layers (a Bloom
// filter cannot grow without its keys, so it grew by adding layers): 2.6
// to 3.5 bytes per key, but a fresh key missed the cache once per large
// layer, 12% of a fill's put at 300,000 keys, and a quarter of the space
// actor's time under the service's pipelined puts. This set holds 5.3 to
// 10.7 bytes per key (1 to 2 MiB at 200,000 keys). Past max_keys it turns
// itself off and answers "maybe" for everything. Not thread-safe: one
// space actor owns its store.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace leveldb {
class WriteBatch;
}

namespace strata::store {

class KeyFilter {
 public:
  /// Past this many keys the filter switches itself off (32 MiB).
  static constexpr size_t max_keys = size_t{4} << 20;

  /// A filter; a disabled one is never usable (StoreOptions::key_filter).
  explicit KeyFilter(bool enabled = true) : enabled_(enabled), off_(!enabled) {}

  /// Whether the filter describes the store (built and not switched off).
  bool usable() const { return built_ && !off_; }
  /// Whether it should be built: neither built nor given up since reset.
  bool needs_build() const { return !built_ && !off_; }

  /// Forgets everything: not usable until `start` and the store's keys are
  /// added again.
  void reset();

  /// Begins a build; the caller then adds every head-key on disk and calls
  /// `finish`.
  void start() { reset(); }
  void finish() { built_ = true; }
  /// Gives up a build (the scan failed): unusable until the next reset,
  /// so a store whose heads cannot be scanned is not rescanned per write.
  void fail() { off_ = true; }

  /// Adds a key (while building).
  void add(std::string_view key);
  /// Adds the head-keys `batch` puts that it may not contain yet (so
  /// rewrites do not grow it); called before the batch is written. No-op
  /// unless usable (a later build finds them on disk).
  void add_heads(const leveldb::WriteBatch& batch);

  /// False only if `key` was certainly never added.
  bool may_contain(std::string_view key) const;

  /// Memory held by the table.
  size_t bytes() const;
  /// Fingerprints held: each key once (and keys sharing one, once).
  size_t keys() const { return count_; }

 private:
  // Adds a fingerprint unless held; grows the table first when full.
  void insert(uint32_t print);
  bool contains(uint32_t print) const;
  // The slot holding `print`, else the empty slot ending its probe
  // sequence. REQUIRES: a table with an empty slot.
  size_t slot_of(uint32_t print) const;
  // Frees the table.
  void release();

  std::vector<uint32_t> slots_;  // a power of two; 0 is an empty slot
  size_t count_ = 0;
  bool enabled_;
  bool built_ = false;
  bool off_;
};

}  // namespace strata::store
