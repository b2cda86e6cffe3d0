#include "strata/actors/open_stores.hpp"

#include <algorithm>
#include <vector>

namespace strata::actors {

OpenStores::OpenStores(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {
}

size_t OpenStores::open() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return entries_.size();
}

std::shared_ptr<OpenStores::Entry> OpenStores::opened(std::function<void()> ask_to_close) {
  auto entry = std::make_shared<Entry>();
  entry->ask_to_close = std::move(ask_to_close);
  touch(*entry);
  std::vector<std::shared_ptr<Entry>> ask;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    entry->pos = entries_.insert(entries_.end(), entry);
    entry->listed = true;
    ask = pick_locked(capacity_);
  }
  for (auto& e : ask)
    e->ask_to_close();
  return entry;
}

void OpenStores::closed(const std::shared_ptr<Entry>& entry) {
  std::vector<std::function<void()>> wake;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!entry->listed)
      return;
    entries_.erase(entry->pos);
    entry->listed = false;
    if (entry->asked.exchange(false, std::memory_order_relaxed))
      asked_.fetch_sub(1, std::memory_order_relaxed);
    wake.swap(waiting_);
  }
  for (auto& w : wake)
    w();
}

void OpenStores::wait_for_room(std::function<void()> wake) {
  std::lock_guard<std::mutex> guard{mtx_};
  waiting_.push_back(std::move(wake));
}

void OpenStores::make_room(size_t room) {
  std::vector<std::shared_ptr<Entry>> ask;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    ask = pick_locked(capacity_ > room ? capacity_ - room : 0);
  }
  for (auto& e : ask)
    e->ask_to_close();
}

std::vector<std::shared_ptr<OpenStores::Entry>> OpenStores::pick_locked(size_t target) {
  // The common case, below the capacity, costs no scan.
  if (entries_.size() <= target)
    return {};
  // Approximately least recently used: the least recently used of the
  // first 64 entries of the list, and those looked at go to its back, so
  // that the next pick looks at others. (An exact pick scanned all entries
  // on every open: 28% of a 10,000-space run.)
  constexpr size_t sample = 64;
  std::vector<std::shared_ptr<Entry>> candidates;
  size_t pending = asked_.load(std::memory_order_relaxed);  // closing soon
  if (entries_.size() <= target + pending)
    return {};
  size_t want = entries_.size() - target - pending;
  auto it = entries_.begin();
  for (size_t seen = 0; it != entries_.end() && seen < std::max(sample, want); ++seen, ++it)
    if (!(*it)->asked.load(std::memory_order_relaxed))
      candidates.push_back(*it);
  entries_.splice(entries_.end(), entries_, entries_.begin(), it);
  want = std::min(want, candidates.size());
  std::partial_sort(candidates.begin(), candidates.begin() + want, candidates.end(),
                    [](const auto& a, const auto& b) {
                      return a->last_use.load(std::memory_order_relaxed) <
                             b->last_use.load(std::memory_order_relaxed);
                    });
  candidates.resize(want);
  for (auto& e : candidates)
    if (!e->asked.exchange(true, std::memory_order_relaxed))
      asked_.fetch_add(1, std::memory_order_relaxed);
  return candidates;
}

size_t OpenStores::capacity_for(uint64_t fd_limit) {
  // An open store holds one descriptor, its log: no info log, and the
  // disk Env (store/disk_env.hpp) holds no lock file and closes the
  // MANIFEST between its writes. Table files are LevelDB's to bound: its
  // Env maps up to 1,000 of them (no descriptor) and keeps at most a fifth
  // of the limit open beyond that, opening the others per read. The rest
  // is kept for everything else (sockets, bundles, a MANIFEST being
  // synced, a table being written, a sync thread's open log).
  constexpr uint64_t reserved = 128;
  uint64_t tables = fd_limit / 5;
  if (fd_limit <= reserved + tables + 8)
    return 8;
  return static_cast<size_t>(std::min<uint64_t>(fd_limit - reserved - tables, 1u << 20));
}

}  // namespace strata::actors
