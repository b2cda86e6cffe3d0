#pragma once

// SyncWorker — background threads of one database for fsyncs, so that a
// space actor does not hold a scheduler thread (and its mailbox) while the
// disk flushes. Two threads: two spaces' flushes (the participants of one
// commit) can be in flight together, which lets the file system batch them
// into one journal commit. Jobs start in the order posted. No CAF here: the
// poster decides how a job reports back (space actors send themselves a
// message).

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace strata::actors {

class SyncWorker {
 public:
  SyncWorker();
  /// Runs the jobs still queued, then joins the thread.
  ~SyncWorker();
  SyncWorker(const SyncWorker&) = delete;
  SyncWorker& operator=(const SyncWorker&) = delete;

  /// Queues `job`. Thread-safe. A job must not own this worker (its
  /// threads cannot join themselves): space actors' jobs hold a directory
  /// name and an actor handle, and an actor's state — holding the
  /// DatabaseContext — is gone before the actor's last handle is.
  void post(std::function<void()> job);

 private:
  void run();

  std::mutex mtx_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
  std::vector<std::thread> threads_;  // last: started once the rest exists
};

}  // namespace strata::actors
