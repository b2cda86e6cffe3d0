#pragma once

// KeyFilter: an in-memory Bloom filter over every head-key (key_codec.cpp)
// a space store holds, so that the first write of a fresh entry needs no
// LevelDB read.
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
// Bounded: layers that double as keys arrive (no rescans), each with one
// more bit per key than the last (12, 13, 14, ...) so that the false
// positives of all layers stay near 2% together — about 21 bits (under
// 3 bytes) per key and 1.8% at 100,000 keys. Blocked: a key's probes in a
// layer share one cache line, so a fresh key (absent from every layer)
// costs about one cache miss per layer. Past max_keys it turns itself off and
// answers "maybe" for everything. Not thread-safe: one space actor owns
// its store.

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
  /// Past this many keys the filter switches itself off (~12 MiB).
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

  /// False only if `key` was certainly never added. Keys answered false
  /// are remembered until the next add_heads (up to 64 of them), which
  /// adds them without looking them up again: a fresh key's write asks
  /// before building its batch, and the batch then adds it.
  bool may_contain(std::string_view key) const;

  /// Memory held by the bit arrays.
  size_t bytes() const;

 private:
  struct Layer {
    std::vector<uint64_t> bits;  // a power of two of bits
    size_t bits_per_key;
    int probes;
    size_t keys = 0;
    size_t capacity() const { return bits.size() * 64 / bits_per_key; }
  };
  void add_layer();
  // The same, given the key's hash (a key's bits depend on nothing else).
  void add_hash(uint64_t h);
  bool contains_hash(uint64_t h) const;

  static constexpr size_t max_absent = 64;

  std::vector<Layer> layers_;  // the last takes new keys
  // Hashes may_contain answered false for since the last add_heads (at
  // most max_absent): none of them is in the filter, as nothing else adds.
  mutable std::vector<uint64_t> absent_;
  size_t keys_ = 0;
  bool enabled_;
  bool built_ = false;
  bool off_;
};

}  // namespace strata::store
