#pragma once

// What the parts of the space actor share (private to actors/src):
//   space_actor.cpp       the store's lifecycle (open, hibernate, requests
//                         held back for want of descriptors), plain and
//                         snapshot reads, direct writes: the primitive
//                         handlers
//   space_sync.cpp        fsyncs: group syncs of the store, votes waiting
//                         for the branch's transaction log
//   space_participant.cpp the participant side of two-phase commit and
//                         one-phase commits, drops and copies waiting for
//                         prepared transactions, in-doubt records at open
// The rules of which request waits for which transaction are in
// HeldEntries (held_entries.hpp), which has no CAF in it.

#include <csignal>
#include <cstdlib>
#include <functional>

#include <caf/all.hpp>

#include "strata/actors/space_actor.hpp"

namespace strata::actors::space {

using self_ptr = space_actor::stateful_pointer<SpaceState>;

[[noreturn]] inline void crash_now() {
  std::raise(SIGKILL);
  std::abort();
}

// -- space_actor.cpp ------------------------------------------------------------

/// Runs after every successful write: registers the space on its first
/// write (SPEC 4.3), notes the open store, arms the standard-mode sync timer.
void after_write(self_ptr self);
/// The store was closed or destroyed: its place in the budget of open
/// stores is free.
void note_closed(SpaceState& st);
/// Runs the deferred requests no longer blocked, in order.
void run_deferred(self_ptr self);

template <class T>
caf::result<T> read(result<T>&& r) {
  if (!r)
    return std::move(r.error());
  return std::move(*r);
}

/// Answers a request once `blocked` turns false (a prepared transaction's
/// decision applied here): `fn` then runs and its result is the reply; if
/// the actor stops first, the reply is the error it stops with.
template <class F>
auto defer(self_ptr self, std::function<bool()> blocked, F fn)
    -> caf::result<typename std::decay_t<decltype(fn())>::value_type> {
  using T = typename std::decay_t<decltype(fn())>::value_type;
  auto rp = self->template make_response_promise<T>();
  self->state.deferred.push_back(DeferredRequest{
      std::move(blocked),
      [rp, fn]() mutable {
        auto r = fn();
        if (!r)
          rp.deliver(std::move(r.error()));
        else
          rp.deliver(std::move(*r));
      },
      [rp](const caf::error& err) mutable { rp.deliver(err); }});
  return rp;
}

// -- space_sync.cpp -------------------------------------------------------------

/// Calls `reply` once the writes made so far are on stable storage (or with
/// the error when they cannot be). Requests arriving together share one
/// fsync.
void after_group_sync(self_ptr self, std::function<void(const caf::error&)> reply);
/// Syncs every write made so far (group_sync, flush timer).
void start_sync(self_ptr self);
/// The sync lane finished the fsync covering request `covered`.
void synced_through(self_ptr self, uint64_t covered, const caf::error& err);
/// The branch's transaction log is synced for vote `n`.
void log_synced(self_ptr self, uint64_t n, const caf::error& err);
/// Votes yes through `rp` once the branch's transaction log is on stable
/// storage up to this participant's PREPARED record.
void vote_after_log_sync(self_ptr self, const TxnTicket& ticket,
                         caf::typed_response_promise<bool> rp);

/// Answers `rp` with `ok` once the writes made so far are on stable storage.
template <class T>
void reply_after_sync(self_ptr self, caf::typed_response_promise<T> rp, T ok) {
  after_group_sync(self, [rp, ok](const caf::error& err) mutable {
    if (err)
      rp.deliver(err);
    else
      rp.deliver(ok);
  });
}

// -- space_participant.cpp ------------------------------------------------------

/// txn_prepare: validates, logs PREPARED, holds the entries written, votes.
caf::result<bool> prepare(self_ptr self, const TxnTicket& ticket, const TxnWork& work);
/// txn_commit1: validates and applies in one step.
caf::result<uint64_t> commit_one_phase(self_ptr self, const TxnWork& work);
/// Applies (commit_ts != 0) or discards a prepared transaction and releases
/// its entries.
caf::error decide(self_ptr self, uint64_t txn_id, uint64_t commit_ts, bool sync);
/// txn_status: txn_status_unknown, _prepared or _applied.
caf::result<uint64_t> status(self_ptr self, uint64_t txn_id);
/// Runs `fn` (a drop or a copy of the whole store) once no transaction is
/// prepared here.
template <class T>
caf::result<T> when_nothing_prepared(self_ptr self, std::function<result<T>()> fn);
/// Drops the space's data (space_drop).
result<bool> drop_space(self_ptr self, bool force);
/// What the first open of the store settles: transactions in doubt.
void first_open(self_ptr self);

}  // namespace strata::actors::space
