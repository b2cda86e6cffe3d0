#pragma once

// The transaction coordinator of one branch: two-phase commit across the
// branch's space actors with "parallel commits" (docs/architecture.md,
// "Transactions").
//
//   1. prepare: the coordinator takes the commit timestamp (in flight until
//      applied everywhere, so no snapshot sees half of it), notes an intent
//      in the branch's transaction log (unsynced), and sends every
//      participant a ticket (id, commit timestamp, all participants) with
//      its work. A participant validates its reads against what was
//      committed after the snapshot, durably logs PREPARED with its write
//      set and the ticket in the same log, holds the entries it writes, and
//      votes yes; or votes no. The participants of a commit share the log
//      file, so one fsync makes all their records durable (store::TxnLog).
//   2. decide: all yes -> committed. That is the commit point: the vote
//      records alone prove it, so the coordinator needs no fsync of its own.
//      It tells every participant, which applies the logged write set,
//      leaves an applied marker and releases its entries, and replies to
//      the caller once all of them applied (a snapshot taken after the
//      reply holds the commit). Any no -> abort; made durable in the log when a participant
//      may have logged PREPARED anyway (a failed sync, a crashed actor).
//   3. recovery: a transaction is committed iff every participant holds its
//      PREPARED record or its applied marker, unless the log holds a
//      decision (which overrides). At start the coordinator settles every
//      logged decision and noted intent by asking the participants, and a
//      participant that finds a PREPARED record at open asks resolve(),
//      which settles it the same way.
//
// Records, markers and intents are forgotten a second or more after the
// last participant applied, in three steps, each once the one before is on
// disk: the participants sync their stores (txn_flush), the log drops the
// intents, decisions and records, the participants drop their markers
// (forget_due in txn_coordinator.cpp).

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <caf/actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "strata/actors/context.hpp"
#include "strata/actors/interfaces.hpp"
#include "strata/store/txn_log.hpp"

namespace strata::actors {

struct CoordinatorState {
  using reply_promise = caf::typed_response_promise<uint64_t>;

  CoordinatorState() = default;
  CoordinatorState(const CoordinatorState&) = delete;
  CoordinatorState& operator=(const CoordinatorState&) = delete;
  /// Answers every caller still waiting (CAF 0.17 sends nothing for a
  /// promise a stopped actor never kept): a decided commit with its
  /// timestamp (it is durable and completes when the branch opens again),
  /// anything else with BranchClosed.
  ~CoordinatorState();

  /// One commit in progress.
  struct Round {
    TxnTicket ticket;
    /// The participants (their work moves into the prepare requests).
    std::vector<TxnPart> parts;
    size_t answered = 0;
    size_t applied = 0;          ///< for the fault point after the first apply
    caf::error failure;          ///< the first "no" vote
    bool unclean_no = false;     ///< a no-vote that may have left a record
    bool decided = false;
    reply_promise reply;
    std::vector<reply_promise> waiters;  ///< resolve() callers
  };

  /// A transaction decided from its participants' records (or a logged
  /// decision) and finished by telling each of them.
  struct Settlement {
    TxnTicket ticket;
    size_t answered = 0;
    bool all_prepared = true;
    bool done = false;           ///< a status query failed: left in doubt
    std::optional<uint64_t> outcome;  ///< commit timestamp, or 0 for abort
    std::vector<reply_promise> waiters;
  };

  /// A finished transaction whose intent, decision, records and applied
  /// markers can go once its writes are surely on disk.
  struct Finished {
    std::chrono::steady_clock::time_point at;
    TxnTicket ticket;
    bool committed;  ///< the participants hold applied markers
  };

  std::shared_ptr<const DatabaseContext> ctx;
  std::shared_ptr<store::CommitClock> clock;
  caf::actor branch;  ///< the supervisor, to find participants by name
  std::string branch_name;
  /// The branch's transaction log (shared with its space actors).
  std::shared_ptr<store::TxnLog> log;
  /// Its fsyncs, which wait for every participant of a commit (null
  /// without a sync worker).
  std::shared_ptr<SharedSyncLane> log_sync;
  caf::error open_error;
  std::map<uint64_t, std::shared_ptr<Round>> rounds;
  std::map<uint64_t, std::shared_ptr<Settlement>> settling;
  /// Decisions some participant has not applied yet (it will ask when it
  /// reopens), by id: commit timestamp or 0. Logged, unless logging them
  /// failed: then they hold only while this actor runs.
  std::map<uint64_t, uint64_t> decisions;
  std::deque<Finished> to_forget;
  bool forget_scheduled = false;
  /// Batches whose forgets were written to the log, waiting for its fsync.
  std::map<uint64_t, std::vector<Finished>> forgetting;
  uint64_t forget_batches = 0;
  /// Callers of recover waiting for `settling` to empty.
  std::vector<caf::typed_response_promise<bool>> recovery_waiters;
  /// Pauses in force (txn_pause) by token, those whose callers wait for the
  /// commits in flight to end, and the commits held back meanwhile.
  std::set<uint64_t> pauses;
  std::map<uint64_t, caf::typed_response_promise<bool>> pause_waiters;
  std::vector<std::pair<std::vector<TxnPart>, reply_promise>> held_commits;

  static inline const char* name = "strata.coordinator";
};

coordinator_actor::behavior_type coordinator_behavior(
    coordinator_actor::stateful_pointer<CoordinatorState> self,
    std::shared_ptr<const DatabaseContext> ctx, std::shared_ptr<store::CommitClock> clock,
    std::string branch_name, caf::actor branch, std::shared_ptr<store::TxnLog> log,
    std::shared_ptr<SharedSyncLane> log_sync, caf::error log_error);

}  // namespace strata::actors
