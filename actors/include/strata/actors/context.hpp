#pragma once

// What the actors of one database share: where it lives and how its stores
// are opened. Created by the runtime, immutable afterwards, passed to every
// actor at spawn (no global state).

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "strata/actors/open_stores.hpp"
#include "strata/actors/sync_worker.hpp"
#include "strata/messages/commit_step.hpp"
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
  /// Crash tests only (testing::FaultInjector::crash_at): whether a commit
  /// reaching a step is to kill the process there. Empty in normal
  /// operation.
  std::function<bool(CommitStep)> crash_due;
  /// How long a coordinator keeps a finished two-phase commit's records
  /// before forgetting them (txn_coordinator.hpp). Tests change it through
  /// OpenOptions::testing.
  std::chrono::milliseconds txn_forget_delay{1000};

  /// Directory of a branch.
  std::string branch_dir(const std::string& branch) const;
  /// Directory of one space's store.
  std::string space_dir(const std::string& branch, const std::string& space) const;
};

/// True when a test asked to kill the process at `step` now
/// (DatabaseContext::crash_due).
inline bool crash_point(const DatabaseContext& ctx, CommitStep step) {
  return ctx.crash_due && ctx.crash_due(step);
}

}  // namespace strata::actors
