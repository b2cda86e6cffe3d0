#pragma once

// The transaction coordinator of one branch: presumed-abort two-phase commit
// across the branch's space actors (DESIGN.md "Transactions").
//
//   1. prepare: every participant validates its reads against what was
//      committed after the snapshot, durably logs PREPARED with its write
//      set, holds the entries it writes, and votes yes; or votes no.
//   2. decide: all yes -> the coordinator takes the commit timestamp (in
//      flight until applied everywhere, so no snapshot sees half of it),
//      durably logs COMMIT, then tells every participant, which applies
//      the logged write set and releases its entries. Any no -> abort.
//   3. recovery: at start the coordinator re-sends every logged, unfinished
//      decision; a participant that finds PREPARED records at open asks
//      resolve(id), and gets 0 (abort) for anything the log does not hold.

#include <chrono>
#include <deque>
#include <map>
#include <memory>

#include <caf/actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "strata/actors/context.hpp"
#include "strata/actors/interfaces.hpp"
#include "strata/store/decision_log.hpp"

namespace strata::actors {

struct CoordinatorState {
  /// One commit in progress.
  struct Round {
    std::vector<TxnPart> parts;
    size_t answered = 0;
    size_t acked = 0;
    caf::error failure;           ///< the first "no" vote
    bool decided = false;
    bool apply_failed = false;
    uint64_t commit_ts = 0;
    caf::typed_response_promise<uint64_t> reply;
    std::vector<caf::typed_response_promise<uint64_t>> waiters;  ///< resolve() callers
  };

  std::shared_ptr<const DatabaseContext> ctx;
  std::shared_ptr<store::CommitClock> clock;
  caf::actor branch;  ///< the supervisor, to find participants after a restart
  std::unique_ptr<store::DecisionLog> log;
  caf::error open_error;
  std::map<uint64_t, std::shared_ptr<Round>> rounds;
  /// Decisions found in the log at start, until every participant applied.
  std::map<uint64_t, CommitDecision> recovered;
  /// Rounds whose votes are all yes, waiting for the next group log write.
  std::vector<std::pair<uint64_t, std::shared_ptr<Round>>> to_log;
  bool log_scheduled = false;
  /// Applied decisions to forget once participants' writes are surely on
  /// disk (standard durability syncs within 100 ms), with when they were
  /// applied.
  std::deque<std::pair<std::chrono::steady_clock::time_point, uint64_t>> to_forget;
  bool forget_scheduled = false;
  /// Callers of recover waiting for `recovered` to empty.
  std::vector<caf::typed_response_promise<bool>> recovery_waiters;

  static inline const char* name = "strata.coordinator";
};

coordinator_actor::behavior_type coordinator_behavior(
    coordinator_actor::stateful_pointer<CoordinatorState> self,
    std::shared_ptr<const DatabaseContext> ctx, std::shared_ptr<store::CommitClock> clock,
    std::string branch_name, caf::actor branch);

}  // namespace strata::actors
