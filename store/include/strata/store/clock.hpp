#pragma once

// CommitClock — the source of commit timestamps for one branch, and the
// registry of its two-phase commits in flight.
//
// Thread-safety: all members are safe to call from any thread; the space
// actors, the coordinator and the sessions of one branch share one clock.
// Invariant: every value returned by next() is strictly greater than every
// value previously returned or observed.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

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
  // A two-phase commit takes its timestamp before its participants apply
  // it, so for a moment some spaces show it and others do not. Such a
  // timestamp is "in flight" from begin_commit() until end_commit(), and
  // each participant space "owes" it until that space applied or
  // discarded it (resolved_in) or the flight ended (committed everywhere,
  // or aborted).
  //
  // A snapshot is the newest timestamp handed out — it holds every commit
  // acknowledged before it was taken. A read at a snapshot in a space that
  // still owes a commit at or below it waits until the space applied it
  // (owes(), with a wake-up): it neither misses a commit below its
  // snapshot nor sees part of one. Writes that take their timestamp inside
  // the one space actor that applies them need no registration (the actor
  // applies them before it serves any later read).

  /// A fresh timestamp (as next()) registered as in flight, owed by
  /// `spaces` (the participants).
  uint64_t begin_commit(const std::vector<std::string>& spaces);
  /// Registers a logged commit being settled after a restart.
  void observe_in_flight(uint64_t ts, const std::vector<std::string>& spaces);
  /// `space` applied the commit at `ts`, or discarded it (aborted): reads
  /// there no longer wait for it.
  void resolved_in(uint64_t ts, const std::string& space);
  /// The commit at `ts` is applied everywhere, or aborted: no space owes it.
  void end_commit(uint64_t ts);

  /// A snapshot for a new transaction: every commit acknowledged before
  /// the call is at or below it (see above for the reads at it).
  uint64_t snapshot() const noexcept { return last(); }

  /// The newest timestamp below every commit in flight: no commit will be
  /// applied at or below it any more (what a space may forget of older
  /// reads, see SpaceState::read_at).
  uint64_t stable() const;

  /// Whether `space` owes a commit in flight at or below `ts`. If it does
  /// and `wake` is set, `wake` is called once — outside the clock's lock,
  /// on the thread that resolves it — as soon as the space stops owing one
  /// of the commits it owes (resolved_in or end_commit); the caller then
  /// asks again.
  bool owes(const std::string& space, uint64_t ts, std::function<void()> wake = {});

 private:
  using Wakes = std::vector<std::function<void()>>;
  void register_locked(uint64_t ts, const std::vector<std::string>& spaces);
  // `space` no longer owes `ts`: collects the wakes waiting on the space.
  void release_locked(uint64_t ts, const std::string& space, Wakes& wakes);

  std::atomic<uint64_t> last_{0};
  // How many commits are in flight: reads skip the lock when none is.
  std::atomic<size_t> flying_{0};
  mutable std::mutex in_flight_mtx_;
  // Commits in flight (registered `refs` times: a settlement after a
  // restart may observe one twice) and the spaces that still owe each.
  struct Flight {
    int refs = 0;
    std::vector<std::string> owing;
  };
  std::map<uint64_t, Flight> in_flight_;
  // Per space, the timestamps it owes (ascending) and who waits for it.
  struct Owed {
    std::multiset<uint64_t> ts;
    Wakes wakes;
  };
  std::unordered_map<std::string, Owed> owed_;
};

}  // namespace strata::store
