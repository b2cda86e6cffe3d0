#pragma once

#include <deque>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "strata/actors/context.hpp"
#include "strata/actors/held_entries.hpp"
#include "strata/actors/interfaces.hpp"
#include "strata/store/space_store.hpp"
#include "strata/store/txn_log.hpp"

namespace strata::actors {

/// Everything a space actor is started with.
struct SpaceActorArgs {
  std::shared_ptr<const DatabaseContext> ctx;
  std::shared_ptr<store::CommitClock> clock;
  std::string branch;
  std::string space;
  /// Told when the space becomes registered (first write) or is dropped.
  space_registry registry;
  /// The branch's transaction coordinator, asked about in-doubt
  /// transactions found at open.
  coordinator_actor coordinator;
  /// The branch's transaction log, where this space logs its PREPARED
  /// records, and its fsyncs on the sync worker (null without a sync
  /// worker: votes then sync inline). A log that could not be opened is
  /// null with its error: the space then answers every request with it
  /// (what it holds may be overwritten by a transaction in doubt there).
  std::shared_ptr<store::TxnLog> txn_log;
  std::shared_ptr<SharedSyncLane> txn_sync;
  caf::error txn_log_error;
};

/// A direct write, or a read of the newest state, waiting for a prepared
/// transaction's decision: it runs once `blocked` turns false, or is
/// answered with `fail` if the actor stops first.
struct DeferredRequest {
  std::function<bool()> blocked;
  std::function<void()> run;
  std::function<void(const caf::error&)> fail;
};

struct SpaceState {
  SpaceState() = default;
  SpaceState(const SpaceState&) = delete;
  SpaceState& operator=(const SpaceState&) = delete;
  /// Answers every request still waiting here (for an fsync or for a
  /// prepared transaction's decision) with `stop_error`, or BranchClosed
  /// when the actor was told to stop (the branch was deleted, the database
  /// closed): CAF 0.17 sends nothing for a promise a stopped actor never
  /// kept, so the callers would wait forever.
  ~SpaceState();

  SpaceActorArgs args;
  std::unique_ptr<store::SpaceStore> store;
  /// Set when the store could not be opened; every request gets it.
  caf::error open_error;
  /// Why the actor stops on its own (a failed fsync).
  caf::error stop_error;
  bool registered = false;
  /// The store's place in the database's budget of open stores (null while
  /// no store is open), and whether the store was closed to save file
  /// descriptors (reopened on the next request).
  std::shared_ptr<OpenStores::Entry> slot;
  bool hibernated = false;
  /// The store has never been opened yet (no descriptor was free when the
  /// actor started): the first request opens it and settles what a
  /// restart left in doubt.
  bool first_open_pending = false;
  /// Requests that found the store closed and no file descriptor to reopen
  /// it with, in arrival order (later requests queue behind them): they
  /// are sent to this actor again once another store closes. `replaying`
  /// holds those resent and not yet served; `hold_current` tells the
  /// handler that its request was held back (it answers nothing now).
  std::deque<caf::mailbox_element_ptr> held_back;
  std::set<const caf::mailbox_element*> replaying;
  bool waiting_for_room = false;
  bool hold_current = false;
  bool flush_scheduled = false;
  /// Drops and copies waiting for the prepared transactions to be
  /// decided; new prepares vote no meanwhile.
  int drops_waiting = 0;
  /// Transactions prepared here and not yet decided, the entries they
  /// hold, and what recent transactions read (held_entries.hpp).
  HeldEntries txns;
  /// Direct writes to held entries, plain reads of them and reads at a
  /// snapshot this space has yet to apply a commit below, in arrival order.
  std::deque<DeferredRequest> deferred;
  /// Whether the branch's clock will wake the actor (owed_wake) when the
  /// space stops owing a commit in flight: one wake-up serves every read
  /// waiting for one.
  bool owed_wake_armed = false;
  /// Replies waiting for the next group fsync (always-mode commits,
  /// txn_flush).
  std::vector<std::function<void(const caf::error&)>> awaiting_sync;
  bool group_sync_scheduled = false;
  /// The space's fsyncs on the sync worker (created on first use), the
  /// number of requests made to it, and the replies waiting for an fsync
  /// covering their request number (ascending).
  std::shared_ptr<SyncLane> lane;
  uint64_t sync_requests = 0;
  std::deque<std::pair<uint64_t, std::function<void(const caf::error&)>>> syncing;
  /// Votes waiting for an fsync of the branch's transaction log, by number.
  std::map<uint64_t, std::function<void(const caf::error&)>> log_syncing;
  uint64_t log_sync_requests = 0;

  static inline const char* name = "strata.space";
};

/// The behaviour of a space actor: the sole owner of one space's store.
/// It opens the store at start (nothing is created before the first write)
/// and, in standard durability, syncs the log within 100 ms of a write.
space_actor::behavior_type space_behavior(space_actor::stateful_pointer<SpaceState> self,
                                          SpaceActorArgs args);

}  // namespace strata::actors
