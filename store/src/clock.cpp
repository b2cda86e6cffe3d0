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

void CommitClock::register_locked(uint64_t ts, const std::vector<std::string>& spaces) {
  auto& flight = in_flight_[ts];
  if (flight.refs++ == 0)
    flying_.fetch_add(1, std::memory_order_seq_cst);
  for (const auto& space : spaces) {
    if (std::find(flight.owing.begin(), flight.owing.end(), space) != flight.owing.end())
      continue;
    flight.owing.push_back(space);
    owed_[space].ts.insert(ts);
  }
}

uint64_t CommitClock::begin_commit(const std::vector<std::string>& spaces) {
  std::lock_guard<std::mutex> guard{in_flight_mtx_};
  // Counted in flight before next() publishes the timestamp: a reader that
  // sees it in last() (a snapshot) also sees flying_ > 0 and takes the lock
  // (owes), which it can only get once the registration is complete.
  flying_.fetch_add(1, std::memory_order_seq_cst);
  uint64_t ts = next();
  register_locked(ts, spaces);
  flying_.fetch_sub(1, std::memory_order_seq_cst);
  return ts;
}

void CommitClock::observe_in_flight(uint64_t ts, const std::vector<std::string>& spaces) {
  std::lock_guard<std::mutex> guard{in_flight_mtx_};
  flying_.fetch_add(1, std::memory_order_seq_cst);
  observe(ts);
  register_locked(ts, spaces);
  flying_.fetch_sub(1, std::memory_order_seq_cst);
}

void CommitClock::release_locked(uint64_t ts, const std::string& space, Wakes& wakes) {
  auto it = owed_.find(space);
  if (it == owed_.end())
    return;
  auto& owed = it->second;
  if (auto t = owed.ts.find(ts); t != owed.ts.end())
    owed.ts.erase(t);
  for (auto& w : owed.wakes)
    wakes.push_back(std::move(w));
  owed.wakes.clear();
  if (owed.ts.empty())
    owed_.erase(it);
}

void CommitClock::resolved_in(uint64_t ts, const std::string& space) {
  Wakes wakes;
  {
    std::lock_guard<std::mutex> guard{in_flight_mtx_};
    auto it = in_flight_.find(ts);
    if (it == in_flight_.end())
      return;
    auto& owing = it->second.owing;
    auto pos = std::find(owing.begin(), owing.end(), space);
    if (pos == owing.end())
      return;
    owing.erase(pos);
    release_locked(ts, space, wakes);
  }
  for (auto& w : wakes)
    w();
}

void CommitClock::end_commit(uint64_t ts) {
  Wakes wakes;
  {
    std::lock_guard<std::mutex> guard{in_flight_mtx_};
    auto it = in_flight_.find(ts);
    if (it == in_flight_.end() || --it->second.refs > 0)
      return;
    for (const auto& space : it->second.owing)
      release_locked(ts, space, wakes);
    in_flight_.erase(it);
    flying_.fetch_sub(1, std::memory_order_seq_cst);
  }
  for (auto& w : wakes)
    w();
}

uint64_t CommitClock::stable() const {
  std::lock_guard<std::mutex> guard{in_flight_mtx_};
  uint64_t s = last();
  if (!in_flight_.empty())
    s = std::min(s, in_flight_.begin()->first - 1);
  return s;
}

bool CommitClock::owes(const std::string& space, uint64_t ts, std::function<void()> wake) {
  if (flying_.load(std::memory_order_seq_cst) == 0)
    return false;
  std::lock_guard<std::mutex> guard{in_flight_mtx_};
  auto it = owed_.find(space);
  if (it == owed_.end() || *it->second.ts.begin() > ts)
    return false;
  if (wake)
    it->second.wakes.push_back(std::move(wake));
  return true;
}

}  // namespace strata::store
