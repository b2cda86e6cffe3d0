#pragma once

// SyncWorker — background threads of one database for fsyncs, so that a
// space actor does not hold a scheduler thread (and its mailbox) while the
// disk flushes. Two threads: two lanes' flushes (two spaces, or a space and
// its branch's transaction log) can be in flight together. Jobs start in the order posted; space actors
// post through a SyncLane each, and the participants of two-phase commits
// through their branch's SharedSyncLane (below). Only caf::error from CAF
// here: the lane's owner decides how an fsync reports back (space actors
// send themselves a message).

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <caf/error.hpp>

namespace strata::actors {

class SyncWorker {
 public:
  SyncWorker();
  /// Runs the jobs still queued, then joins the threads.
  ~SyncWorker();
  SyncWorker(const SyncWorker&) = delete;
  SyncWorker& operator=(const SyncWorker&) = delete;

  /// Queues `job`. Thread-safe. A job must not own this worker (its
  /// threads cannot join themselves): a lane's job holds the lane, whose
  /// sync function holds a directory name and a weak actor handle (or a
  /// weak SharedSyncLane).
  void post(std::function<void()> job);

 private:
  void run();

  std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::vector<std::thread> threads_;  // last: started once the rest exists
};

/// The fsyncs of one file set (a space's logs) on a SyncWorker, one at a
/// time. request(n) asks for an fsync that starts after request n was made;
/// the lane runs them back to back while requests keep coming — the next
/// one starts on the sync thread as soon as the previous ends, with no
/// round trip through the requester — and reports each with the newest
/// request it covers. Between fsyncs the lane goes to the back of the
/// worker's queue, so one busy lane does not starve the others.
/// Thread-safe.
class SyncLane : public std::enable_shared_from_this<SyncLane> {
 public:
  /// `sync(n)` runs one fsync covering request n and reports it; false
  /// stops the lane until the next request (a failed fsync).
  SyncLane(SyncWorker& worker, std::function<bool(uint64_t)> sync);

  /// Asks for an fsync covering request `n` (requests count up).
  void request(uint64_t n);

  /// True while an fsync is queued or running.
  bool busy() const;

  /// Waits until no fsync is queued or running (at most `timeout`); false
  /// on timeout. For tests and shutdown: the event itself, not a poll.
  bool wait_idle(std::chrono::milliseconds timeout) const;

  /// The highest request number asked for so far (0: none).
  uint64_t requested() const;

 private:
  void run();
  void schedule();  // posts run() to the worker (mtx_ held)

  SyncWorker& worker_;  // outlives the lane: the runtime stops it last
  std::function<bool(uint64_t)> sync_;
  mutable std::mutex mtx_;
  mutable std::condition_variable idle_;
  uint64_t requested_ = 0;
  bool busy_ = false;
};

/// A SyncLane the participants of two-phase commits share: the transaction
/// log of a branch, where each of them logs its PREPARED record.
/// after_sync(txn, n, done) runs `done` on a sync thread once an fsync that
/// started after the call has finished, with its error (none on success).
/// An fsync for transaction `txn` starts once all `n` participants asked
/// (their records are then all written, and one fsync covers them and
/// every record written meanwhile), or once settle(txn) said some will
/// not ask; an fsync in flight covers only what was asked before it.
/// After a failed fsync every caller, then and later, gets its error: the
/// OS may have dropped what it could not write and report the next fsync
/// clean, so the log cannot vouch for anything until it is reopened.
/// Thread-safe.
class SharedSyncLane {
 public:
  using Done = std::function<void(const caf::error&)>;
  /// `sync` runs one fsync of the shared files.
  static std::shared_ptr<SharedSyncLane> make(SyncWorker& worker,
                                              std::function<caf::error()> sync);

  /// A participant of `txn`, one of `participants`, wrote its record.
  void after_sync(uint64_t txn, size_t participants, Done done);
  /// Something else was written (the coordinator's forgets): no waiting
  /// for anyone.
  void after_sync(Done done);
  /// Some participant of `txn` will not ask (it voted no or failed): the
  /// others' records need not wait for it, now or when they ask later.
  void settle(uint64_t txn);
  /// Every participant of a settled `txn` has answered: forgets it.
  void forget(uint64_t txn);

  /// The lane its fsyncs run on (tests: whether one was asked for).
  const SyncLane& lane() const { return *lane_; }

 private:
  SharedSyncLane() = default;
  /// The fsync covering request `covered` ended with `err`.
  void finished(uint64_t covered, const caf::error& err);
  bool failed();

  static constexpr size_t settled = static_cast<size_t>(-1);

  std::mutex mtx_;
  uint64_t requests_ = 0;
  std::deque<std::pair<uint64_t, Done>> waiting_;  // ascending request numbers
  /// Transactions some participants asked for (how many), or `settled`.
  std::map<uint64_t, size_t> asked_;
  caf::error failed_;  ///< the first failed fsync's error
  std::shared_ptr<SyncLane> lane_;
};

}  // namespace strata::actors
