#include "strata/actors/sync_worker.hpp"

#include <algorithm>

namespace strata::actors {

namespace {

constexpr int thread_count = 2;

}  // namespace

SyncWorker::SyncWorker() {
  for (int i = 0; i < thread_count; ++i)
    threads_.emplace_back([this] { run(); });
}

SyncWorker::~SyncWorker() {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    t.join();
}

void SyncWorker::post(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void SyncWorker::run() {
  std::unique_lock<std::mutex> lock{mtx_};
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
    if (jobs_.empty())
      return;  // stopping, and everything queued has run
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    job = nullptr;  // drop what the job holds outside the lock
    lock.lock();
  }
}

SyncLane::SyncLane(SyncWorker& worker, std::function<bool(uint64_t)> sync)
    : worker_(worker), sync_(std::move(sync)) {
}

void SyncLane::request(uint64_t n) {
  std::lock_guard<std::mutex> guard{mtx_};
  requested_ = std::max(requested_, n);
  if (busy_)
    return;  // the fsync in flight is followed by one more
  busy_ = true;
  schedule();
}

void SyncLane::schedule() {
  worker_.post([self = shared_from_this()] { self->run(); });
}

bool SyncLane::busy() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return busy_;
}

void SyncLane::run() {
  uint64_t target = 0;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    target = requested_;
  }
  bool ok = sync_(target);
  std::lock_guard<std::mutex> guard{mtx_};
  if (ok && requested_ > target) {
    schedule();  // behind the other lanes' queued fsyncs
    return;
  }
  busy_ = false;
  idle_.notify_all();
}

bool SyncLane::wait_idle(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock{mtx_};
  return idle_.wait_for(lock, timeout, [this] { return !busy_; });
}

uint64_t SyncLane::requested() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return requested_;
}

std::shared_ptr<SharedSyncLane> SharedSyncLane::make(SyncWorker& worker,
                                                     std::function<caf::error()> sync) {
  std::shared_ptr<SharedSyncLane> shared{new SharedSyncLane};
  // The lane's job holds the shared lane weakly: the shared lane owns it.
  std::weak_ptr<SharedSyncLane> weak = shared;
  shared->lane_ = std::make_shared<SyncLane>(worker, [weak, sync = std::move(sync)](uint64_t n) {
    auto me = weak.lock();
    if (me && !me->failed())  // after a failure, answered at once
      me->finished(n, sync());
    // Always true: finished() reports a failure itself, and a lane that
    // stopped on one would miss a request made while it answered waiters.
    return true;
  });
  return shared;
}

void SharedSyncLane::after_sync(uint64_t txn, size_t participants, Done done) {
  uint64_t n = 0;
  caf::error failed;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (failed_) {
      failed = failed_;
    } else {
      n = ++requests_;
      waiting_.emplace_back(n, std::move(done));
      if (participants > 1) {
        auto& asked = asked_[txn];
        if (asked != settled && ++asked < participants)
          return;  // the next participant's record joins this one's fsync
        if (asked != settled)
          asked_.erase(txn);
      }
    }
  }
  if (failed) {
    done(failed);
    return;
  }
  lane_->request(n);
}

void SharedSyncLane::after_sync(Done done) {
  after_sync(0, 1, std::move(done));
}

void SharedSyncLane::settle(uint64_t txn) {
  uint64_t n = 0;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto& asked = asked_[txn];
    bool waiting = asked != 0 && asked != settled;
    // Kept until forget(): a participant that asks later starts at once.
    asked = settled;
    if (!waiting)
      return;
    n = requests_;
  }
  lane_->request(n);
}

bool SharedSyncLane::failed() {
  std::lock_guard<std::mutex> guard{mtx_};
  return bool(failed_);
}

void SharedSyncLane::forget(uint64_t txn) {
  std::lock_guard<std::mutex> guard{mtx_};
  asked_.erase(txn);
}

void SharedSyncLane::finished(uint64_t covered, const caf::error& err) {
  std::vector<Done> done;
  caf::error result;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    // After a failed fsync the OS may have dropped the unwritten pages and
    // report the next fsync clean: nothing logged here can be trusted any
    // more. Everyone waiting, and everyone who asks later, gets the error
    // (a no vote, always safe).
    if (err && !failed_)
      failed_ = err;
    while (!waiting_.empty() && (failed_ || waiting_.front().first <= covered)) {
      done.push_back(std::move(waiting_.front().second));
      waiting_.pop_front();
    }
    result = failed_ ? failed_ : err;
  }
  for (auto& d : done)
    d(result);
}

}  // namespace strata::actors
