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
}

std::shared_ptr<SharedSyncLane> SharedSyncLane::make(SyncWorker& worker,
                                                     std::function<caf::error()> sync) {
  std::shared_ptr<SharedSyncLane> shared{new SharedSyncLane};
  // The lane's job holds the shared lane weakly: the shared lane owns it.
  std::weak_ptr<SharedSyncLane> weak = shared;
  shared->lane_ = std::make_shared<SyncLane>(worker, [weak, sync = std::move(sync)](uint64_t n) {
    auto err = sync();
    bool ok = !err;
    if (auto me = weak.lock())
      me->finished(n, err);
    return ok;
  });
  return shared;
}

void SharedSyncLane::after_sync(uint64_t txn, size_t participants, Done done) {
  uint64_t n = 0;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    n = ++requests_;
    waiting_.emplace_back(n, std::move(done));
    auto& asked = asked_[txn];
    if (asked != settled && ++asked < participants)
      return;  // the next participant's record joins this one's fsync
    asked_.erase(txn);
  }
  lane_->request(n);
}

void SharedSyncLane::settle(uint64_t txn) {
  uint64_t n = 0;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto [it, fresh] = asked_.emplace(txn, settled);
    if (fresh)
      return;  // participants that still ask start their fsync at once
    asked_.erase(it);
    n = requests_;
  }
  lane_->request(n);
}

void SharedSyncLane::forget(uint64_t txn) {
  std::lock_guard<std::mutex> guard{mtx_};
  asked_.erase(txn);
}

void SharedSyncLane::finished(uint64_t covered, const caf::error& err) {
  std::vector<Done> done;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    // A failed fsync answers everyone waiting: the lane stops until asked
    // again, and a "no" (the error) is always a safe vote.
    while (!waiting_.empty() && (err || waiting_.front().first <= covered)) {
      done.push_back(std::move(waiting_.front().second));
      waiting_.pop_front();
    }
  }
  for (auto& d : done)
    d(err);
}

}  // namespace strata::actors
