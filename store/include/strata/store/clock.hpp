#pragma once

// CommitClock — the source of commit timestamps for one branch.
//
// Thread-safety: all members are safe to call from any thread; the space
// actors of one branch share one clock.
// Invariant: every value returned by next() is strictly greater than every
// value previously returned or observed.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>

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

  /// Observes the wall clock: a branch starts its clock there, so that a
  /// snapshot taken before a space first opens (and observes its newest
  /// stored timestamp) still covers what the space stored before. (Only a
  /// wall clock set back across a restart can leave stored timestamps above
  /// it; such a space is fully visible once it has opened.)
  void observe_wall_clock() noexcept;

  /// The last timestamp handed out or observed.
  uint64_t last() const noexcept { return last_.load(std::memory_order_acquire); }

  // -- snapshots and multi-space commits ------------------------------------
  // A two-phase commit picks its timestamp before its participants apply
  // it, so for a moment some spaces show it and others do not. Such a
  // timestamp is "in flight" from begin_commit() until end_commit(), and
  // snapshot() stays below every in-flight timestamp: a snapshot never sees
  // part of a transaction. Writes that take their timestamp inside the one
  // space actor that applies them need no registration (the actor applies
  // them before it serves any later read).

  /// A fresh timestamp (as next()) registered as in flight.
  uint64_t begin_commit();
  /// Marks a timestamp from begin_commit() (or observe_in_flight()) applied
  /// everywhere.
  void end_commit(uint64_t ts);
  /// Registers a logged commit being re-applied after a restart.
  void observe_in_flight(uint64_t ts);
  /// The newest timestamp a snapshot may read at: every write with a
  /// timestamp at or below it is fully applied.
  uint64_t snapshot() const;

 private:
  std::atomic<uint64_t> last_{0};
  mutable std::mutex in_flight_mtx_;
  std::multiset<uint64_t> in_flight_;
};

}  // namespace strata::store
