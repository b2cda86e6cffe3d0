#include "strata/store/clock.hpp"

#include <algorithm>
#include <chrono>

namespace strata::store {

uint64_t CommitClock::next(uint64_t floor) noexcept {
  auto wall = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
  uint64_t prev = last_.load(std::memory_order_relaxed);
  uint64_t candidate;
  do {
    candidate = std::max({wall, prev + 1, floor + 1});
  } while (!last_.compare_exchange_weak(prev, candidate, std::memory_order_acq_rel,
                                        std::memory_order_relaxed));
  return candidate;
}

void CommitClock::observe(uint64_t ts) noexcept {
  uint64_t prev = last_.load(std::memory_order_relaxed);
  while (prev < ts &&
         !last_.compare_exchange_weak(prev, ts, std::memory_order_acq_rel,
                                      std::memory_order_relaxed)) {
  }
}

}  // namespace strata::store
