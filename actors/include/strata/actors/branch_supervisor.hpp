#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include <caf/actor_addr.hpp>
#include <caf/error.hpp>

#include "strata/actors/context.hpp"
#include "strata/actors/interfaces.hpp"
#include "strata/actors/orphans.hpp"
#include "strata/store/txn_log.hpp"

namespace strata::actors {

struct BranchState {
  BranchState() = default;
  BranchState(const BranchState&) = delete;
  BranchState& operator=(const BranchState&) = delete;
  /// Withdraws the clock the branch published (DatabaseContext::clocks),
  /// whichever way the supervisor ends.
  ~BranchState();

  std::shared_ptr<const DatabaseContext> ctx;
  std::shared_ptr<store::CommitClock> clock;
  std::string branch;
  /// Where the space actors go if this supervisor crashes (null: nobody
  /// waits for them).
  std::shared_ptr<Orphans<space_actor>> orphans;
  /// Registered spaces (never contains "default", which always exists).
  std::set<std::string> catalog;
  /// The branch's transaction coordinator (linked; stops with the branch).
  coordinator_actor coordinator;
  /// The branch's transaction log, which the coordinator and every space
  /// actor share (null with `txn_log_error` if it could not be opened),
  /// and the lane its fsyncs take on the sync worker.
  std::shared_ptr<store::TxnLog> txn_log;
  caf::error txn_log_error;
  std::shared_ptr<SharedSyncLane> txn_sync;
  /// Pauses asked of the coordinator (forks), numbered.
  uint64_t pauses = 0;
  /// Live space actors by name, spawned on first use (monitored; a crashed
  /// one is replaced).
  std::map<std::string, space_actor> children;
  /// Set once the branch was told to stop: it waits for the down messages
  /// of the children still in `stopping_wait`, then quits with
  /// `stop_reason`.
  bool stopping = false;
  std::set<caf::actor_addr> stopping_wait;
  caf::error stop_reason;

  static inline const char* name = "strata.branch";
};

/// The supervisor of one branch: the catalog of its spaces and the parent of
/// one space actor per space. Children are linked: a crashed space actor is
/// restarted at once (its store reopened from disk, so acknowledged data is
/// kept), and when the supervisor stops its children stop with it.
branch_actor::behavior_type branch_behavior(branch_actor::stateful_pointer<BranchState> self,
                                            std::shared_ptr<const DatabaseContext> ctx,
                                            std::string branch,
                                            std::shared_ptr<Orphans<space_actor>> orphans);

}  // namespace strata::actors
