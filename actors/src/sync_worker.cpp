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

}  // namespace strata::actors
