#include "strata/actors/sync_worker.hpp"

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

}  // namespace strata::actors
