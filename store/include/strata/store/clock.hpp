#pragma once

// CommitClock — the source of commit timestamps for one branch.
//
// Thread-safety: all members are safe to call from any thread; the space
// actors of one branch share one clock.
// Invariant: every value returned by next() is strictly greater than every
// value previously returned or observed.

#include <atomic>
#include <cstdint>

namespace strata::store {

class CommitClock {
 public:
  CommitClock() = default;
  CommitClock(const CommitClock&) = delete;
  CommitClock& operator=(const CommitClock&) = delete;

  /// A fresh timestamp: the wall clock in microseconds since the epoch, or
  /// last + 1 when the wall clock has not moved past the last one (or went
  /// backwards), and always greater than `floor`.
  uint64_t next(uint64_t floor = 0) noexcept;

  /// Records a timestamp read from storage, so that later next() values
  /// stay above it even if the wall clock went backwards across a restart.
  void observe(uint64_t ts) noexcept;

  /// The last timestamp handed out or observed.
  uint64_t last() const noexcept { return last_.load(std::memory_order_acquire); }

 private:
  std::atomic<uint64_t> last_{0};
};

}  // namespace strata::store
