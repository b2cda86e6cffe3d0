#pragma once

// What the actors of one database share: where it lives and how its stores
// are opened. Created by the runtime, immutable afterwards, passed to every
// actor at spawn (no global state).

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "strata/actors/open_stores.hpp"
#include "strata/actors/sync_worker.hpp"
#include "strata/store/clock.hpp"
#include "strata/store/options.hpp"

namespace strata::actors {

/// The commit clocks of a database's running branches, published by their
/// supervisors, so that a handle in the same process takes a transaction's
/// snapshot without a round trip through the branch (the clock is safe to
/// read from any thread). A handle on another node asks the branch instead.
/// Thread-safety: all members may be called from any thread.
class BranchClocks {
 public:
  /// Makes `clock` the clock of the running branch `branch`.
  void publish(const std::string& branch, std::shared_ptr<store::CommitClock> clock);
  /// Removes `branch`'s entry if it still holds `clock` (a branch started
  /// again under the same name may have published its own meanwhile).
  void withdraw(const std::string& branch, const store::CommitClock* clock);
  /// The clock of `branch`, or null when it is not running.
  std::shared_ptr<const store::CommitClock> find(const std::string& branch) const;

 private:
  mutable std::mutex mtx_;
  std::map<std::string, std::shared_ptr<store::CommitClock>, std::less<>> clocks_;
};

struct DatabaseContext {
  /// Root directory of the database (a virtual path in cache mode).
  std::string root;
  /// Options every space store is opened with; the pointers inside are owned
  /// by the runtime and outlive all actors.
  store::StoreOptions store_options;
  /// Runs space actors' fsyncs off the scheduler threads when other work
  /// is waiting (absent in cache durability and in tests that want every
  /// fsync inline).
  std::shared_ptr<SyncWorker> syncer;
  /// Clocks of the running branches (see BranchClocks).
  std::shared_ptr<BranchClocks> clocks = std::make_shared<BranchClocks>();
  /// The space stores open at once (open_stores.hpp); the runtime sizes it
  /// from the process's file descriptor limit.
  std::shared_ptr<OpenStores> open_stores = std::make_shared<OpenStores>(1024);
  /// Throughput budget of a space actor resumed inline on a caller thread.
  size_t inline_budget = 8;
  /// Fault injection for crash tests: the name of one protocol step at which
  /// the process kills itself (SIGKILL), e.g. "coordinator-after-decision".
  /// Empty in normal operation (OpenOptions::testing).
  std::string fault_point;
  /// How many times the fault point is passed before it fires (from
  /// OpenOptions::testing; 0 = the first time).
  mutable std::atomic<int64_t> fault_countdown{0};
  /// How long a coordinator keeps a finished two-phase commit's records
  /// before forgetting them (txn_coordinator.hpp). Tests change it through
  /// OpenOptions::testing.
  std::chrono::milliseconds txn_forget_delay{1000};

  /// Directory of a branch.
  std::string branch_dir(const std::string& branch) const;
  /// Directory of one space's store.
  std::string space_dir(const std::string& branch, const std::string& space) const;
};

/// True when `ctx` asks to crash at `point` (see DatabaseContext::fault_point).
inline bool fault_point(const DatabaseContext& ctx, const char* point) {
  return !ctx.fault_point.empty() && ctx.fault_point == point &&
         ctx.fault_countdown.fetch_sub(1) <= 0;
}

}  // namespace strata::actors
