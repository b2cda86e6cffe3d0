#include "strata/store/clock.hpp"

#include <algorithm>
#include <chrono>

namespace strata::store {

namespace {

uint64_t wall_clock_us() noexcept {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

uint64_t CommitClock::next(uint64_t floor) noexcept {
  auto wall = wall_clock_us();
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

void CommitClock::observe_wall_clock() noexcept {
  observe(wall_clock_us());
}

uint64_t CommitClock::begin_commit() {
  std::lock_guard<std::mutex> guard{in_flight_mtx_};
  uint64_t ts = next();
  in_flight_.insert(ts);
  return ts;
}

void CommitClock::end_commit(uint64_t ts) {
  std::lock_guard<std::mutex> guard{in_flight_mtx_};
  if (auto it = in_flight_.find(ts); it != in_flight_.end())
    in_flight_.erase(it);
}

void CommitClock::observe_in_flight(uint64_t ts) {
  std::lock_guard<std::mutex> guard{in_flight_mtx_};
  observe(ts);
  in_flight_.insert(ts);
}

uint64_t CommitClock::snapshot() const {
  std::lock_guard<std::mutex> guard{in_flight_mtx_};
  uint64_t s = last();
  if (!in_flight_.empty())
    s = std::min(s, *in_flight_.begin() - 1);
  return s;
}

}  // namespace strata::store
