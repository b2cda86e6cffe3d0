#pragma once

// OpenStores — how many space stores of a database may be open at once.
//
// Every open LevelDB holds file descriptors (its lock, info log, write-ahead
// log, manifest and cached table files), so a database with one space per
// agent or tenant runs out of them long before it runs out of memory: under
// `ulimit -n 1024` the 254th open space failed. Space actors register here
// while their store is open; when more are open than the capacity, the
// least recently used ones are asked to close their store (hibernate). An
// idle space actor closes it and reopens it on its next request; a busy one
// (a transaction prepared, requests waiting) declines and is asked again
// later. The capacity is a target, not a hard cap: a store is never kept
// closed while someone needs it.
//
// Thread-safety: all members may be called from any thread; an Entry's
// touch() is lock-free.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <vector>

namespace strata::actors {

class OpenStores {
 public:
  /// One open store. `ask_to_close` must be safe to call from any thread
  /// (it sends the owner a message) and must not call back into this
  /// object.
  struct Entry {
    std::atomic<uint64_t> last_use{0};
    std::function<void()> ask_to_close;
    std::atomic<bool> asked{false};
    /// Its place in the list (guarded by the list's mutex).
    std::list<std::shared_ptr<Entry>>::iterator pos;
    bool listed = false;
  };

  /// REQUIRES: capacity >= 1.
  explicit OpenStores(size_t capacity);

  /// How many stores may be open at once.
  size_t capacity() const noexcept { return capacity_; }
  /// How many are open now.
  size_t open() const;

  /// Registers a store that was just opened (counting as just used), and
  /// asks the least recently used others to close while more than the
  /// capacity are open. The returned entry stays registered until closed().
  std::shared_ptr<Entry> opened(std::function<void()> ask_to_close);
  /// Unregisters an entry (its store closed). Idempotent.
  void closed(const std::shared_ptr<Entry>& entry);
  /// Marks an entry used now (it declined to close, or served a request).
  void touch(Entry& entry) noexcept {
    entry.last_use.store(tick_.fetch_add(1, std::memory_order_relaxed),
                         std::memory_order_relaxed);
    if (entry.asked.load(std::memory_order_relaxed) &&
        entry.asked.exchange(false, std::memory_order_relaxed))
      asked_.fetch_sub(1, std::memory_order_relaxed);
  }
  /// Calls `wake` once (from any thread, outside the lock) when a store
  /// closes: a store that could not open for want of descriptors waits
  /// for that.
  void wait_for_room(std::function<void()> wake);
  /// Asks the least recently used stores to close until at most
  /// `capacity() - room` remain open (after a failed open for want of file
  /// descriptors).
  void make_room(size_t room);

  /// The capacity that fits `fd_limit` open files: one descriptor per
  /// open store, a fifth of the limit for table files and 128 kept for
  /// everything else; at least 8 stores.
  static size_t capacity_for(uint64_t fd_limit);

 private:
  // Picks entries to ask (least recently used first, not already asked)
  // until `target` would remain; the caller asks them outside the lock.
  std::vector<std::shared_ptr<Entry>> pick_locked(size_t target);

  const size_t capacity_;
  std::atomic<uint64_t> tick_{1};
  // Entries asked to close that have not closed (or been used) since.
  std::atomic<size_t> asked_{0};
  mutable std::mutex mtx_;
  std::list<std::shared_ptr<Entry>> entries_;
  std::vector<std::function<void()>> waiting_;
};

}  // namespace strata::actors
