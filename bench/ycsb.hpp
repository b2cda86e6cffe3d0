#pragma once

// YCSB's key chooser and workload mixes, for bench/peers.
//
// ScrambledZipfian is YCSB's ScrambledZipfianGenerator (core/.../generator/
// ScrambledZipfianGenerator.java and ZipfianGenerator.java, Gray et al.'s
// "Quickly generating billion-record synthetic databases"): a zipfian
// draw with theta 0.99 over 10^10 items, whose zeta constant YCSB
// precomputes, hashed with YCSB's 64-bit FNV and taken modulo the record
// count. The hash spreads the popular items over the key space instead of
// crowding them at its start; a handful of records still take most of the
// requests.

#include <cmath>
#include <cstdint>
#include <random>

namespace strata::bench {

class ScrambledZipfian {
 public:
  /// Chooses among [0, items). REQUIRES: items >= 1.
  ScrambledZipfian(uint64_t items, uint64_t seed) : items_(items), rng_(seed) {}

  uint64_t next() { return fnv_hash64(zipfian()) % items_; }

 private:
  // YCSB's constants: ZipfianGenerator.ZIPFIAN_CONSTANT and the
  // ScrambledZipfianGenerator's ITEM_COUNT and its precomputed ZETAN.
  static constexpr double theta_ = 0.99;
  static constexpr double zipf_items_ = 1e10;
  static constexpr double zetan_ = 26.46902820178302;

  uint64_t zipfian() {
    double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    double uz = u * zetan_;
    if (uz < 1.0)
      return 0;
    if (uz < 1.0 + std::pow(0.5, theta_))
      return 1;
    return static_cast<uint64_t>(zipf_items_ * std::pow(eta_ * u - eta_ + 1, alpha_));
  }

  // YCSB's Utils.fnvhash64: FNV-1a over the value's 8 bytes, low byte first,
  // then Math.abs.
  static uint64_t fnv_hash64(uint64_t val) {
    uint64_t hash = 0xCBF29CE484222325ull;
    for (int i = 0; i < 8; ++i) {
      hash ^= val & 0xff;
      val >>= 8;
      hash *= 1099511628211ull;
    }
    return static_cast<int64_t>(hash) < 0 ? ~hash + 1 : hash;
  }

  static double zeta2() { return 1.0 + std::pow(0.5, theta_); }

  uint64_t items_;
  std::mt19937_64 rng_;
  double alpha_ = 1.0 / (1.0 - theta_);
  double eta_ = (1 - std::pow(2.0 / zipf_items_, 1 - theta_)) / (1 - zeta2() / zetan_);
};

/// One YCSB core workload: the share of each operation (they add up to 1).
/// Reads and updates pick their key with the zipfian chooser, scans their
/// first key; a scan reads 1 to max_scan keys (uniform), an insert writes a
/// key not loaded before.
struct Mix {
  const char* name;
  double read = 0;
  double update = 0;
  double scan = 0;
  double insert = 0;
};

inline constexpr uint32_t max_scan = 100;

/// YCSB's workloads A (update heavy), B (read mostly), C (read only) and E
/// (short ranges), as core/workloads/workload{a,b,c,e} define them.
inline constexpr Mix ycsb_a{"ycsb-a", 0.5, 0.5, 0, 0};
inline constexpr Mix ycsb_b{"ycsb-b", 0.95, 0.05, 0, 0};
inline constexpr Mix ycsb_c{"ycsb-c", 1.0, 0, 0, 0};
inline constexpr Mix ycsb_e{"ycsb-e", 0, 0, 0.95, 0.05};

}  // namespace strata::bench
