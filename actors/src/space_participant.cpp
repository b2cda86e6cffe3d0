// The participant side of two-phase commit in a space actor, and one-phase
// commits (space_internal.hpp). Which transaction waits for which, and
// which is refused, is decided by HeldEntries (held_entries.hpp); this file
// turns those answers into messages, log records and store writes.

#include "space_internal.hpp"

#include <chrono>
#include <limits>

namespace strata::actors::space {

namespace {

// How long a drop or a copy (fork) of a space waits for the transactions
// prepared in it (when_nothing_prepared).
constexpr auto drop_wait = std::chrono::seconds(5);

bool always_durable(const SpaceState& st) {
  return st.args.ctx->store_options.durability == Durability::Always;
}

caf::error held_by_younger() {
  return make_error(errc::TransactionConflict, "key is being committed by another transaction");
}

// The vote of a prepare arriving while a drop or copy of the space waits
// for the transactions prepared here (so that steady traffic cannot starve
// it).
caf::error being_dropped(const SpaceState& st) {
  return make_error(errc::TransactionConflict,
                    "space \"" + st.args.space + "\" is being dropped or copied");
}

void note_reads(SpaceState& st, const TxnWork& work, uint64_t ts) {
  st.txns.note_reads(work, ts, st.args.clock->stable());
}

// Runs `commit(work, touched)` now, or once no older prepared transaction
// holds an entry it reads or writes (HeldEntries::held_by_older): whether
// it conflicts depends on what they did (a blind write or another JSON
// path does not; a key created under a prefix it listed does), and
// applying after them keeps each entry's versions in timestamp order.
// `commit` answers through `rp`. The work is copied only when the commit
// has to wait.
template <class T, class F>
caf::result<T> when_older_decided(self_ptr self, const TxnWork& work, uint64_t ts,
                                  caf::typed_response_promise<T> rp, F commit) {
  auto touched = Touched::of(work);
  if (!self->state.txns.held_by_older(touched, ts)) {
    commit(work, touched);
    return rp;
  }
  self->state.deferred.push_back(DeferredRequest{
      [self, touched, ts] { return self->state.txns.held_by_older(touched, ts); },
      [commit, work, touched]() mutable { commit(work, touched); },
      [rp](const caf::error& err) mutable { rp.deliver(err); }});
  return rp;
}

// Two-phase commit, participant side: validates, logs PREPARED, holds the
// entries written, and votes yes once the record is on stable storage.
void prepare_now(self_ptr self, const TxnTicket& ticket, const TxnWork& work,
                 const Touched& touched, caf::typed_response_promise<bool> rp) {
  auto& st = self->state;
  if (st.drops_waiting > 0) {
    rp.deliver(being_dropped(st));
    return;
  }
  // Held by a younger transaction (an older one would have been waited for).
  bool younger_under = false;
  for (const auto& [tag, prefix] : touched.prefixes)
    younger_under = younger_under || st.txns.held_under(tag, prefix);
  if (younger_under || st.txns.any_held(touched.keys)) {
    rp.deliver(held_by_younger());
    return;
  }
  if (st.txns.read_by_younger(work, ticket.commit_ts)) {
    rp.deliver(make_error(errc::TransactionConflict,
                          "a later transaction read what this one writes"));
    return;
  }
  if (auto err = st.store->txn_validate(work)) {
    rp.deliver(err);
    return;
  }
  note_reads(st, work, ticket.commit_ts);
  PreparedTxn txn{ticket.id, work.snapshot, work.ops, ticket.commit_ts, ticket.participants};
  if (auto err = st.args.txn_log->log_prepared(st.args.space, txn)) {
    rp.deliver(err);
    return;
  }
  if (crash_point(*st.args.ctx, CommitStep::ParticipantAfterRecord))
    crash_now();  // written, not yet synced
  st.txns.hold(std::move(txn));
  vote_after_log_sync(self, ticket, std::move(rp));
}

// One-phase commit: validation and application in one step, with a
// timestamp taken here, so no reader can see it half-applied.
void commit_one_phase_now(self_ptr self, const TxnWork& work,
                          caf::typed_response_promise<uint64_t> rp) {
  auto& st = self->state;
  if (auto err = st.store->txn_validate(work, false)) {
    rp.deliver(err);
    return;
  }
  auto ts = st.args.clock->next();
  bool always = always_durable(st);
  if (auto err = st.store->txn_apply(work.ops, ts, 0, !always)) {
    rp.deliver(err);
    return;
  }
  note_reads(st, work, ts);
  after_write(self);
  if (always)
    reply_after_sync(self, std::move(rp), ts);
  else
    rp.deliver(ts);
}

// This space's PREPARED records in the branch's transaction log that its
// store holds no applied marker for: transactions in doubt after a restart
// until the coordinator's decision arrives. (Records of applied
// transactions stay until the coordinator forgets them.)
result<std::vector<PreparedTxn>> in_doubt_here(SpaceState& st) {
  auto records = st.args.txn_log->prepared(st.args.space);
  if (!records)
    return records.error();
  std::vector<PreparedTxn> out;
  for (auto& txn : *records) {
    auto applied = st.store->txn_applied(txn.txn_id);
    if (!applied)
      return applied.error();
    if (!*applied)
      out.push_back(std::move(txn));
  }
  return out;
}

}  // namespace

caf::result<bool> prepare(self_ptr self, const TxnTicket& ticket, const TxnWork& work) {
  if (crash_point(*self->state.args.ctx, CommitStep::ParticipantBeforePrepare))
    crash_now();
  auto rp = self->make_response_promise<bool>();
  return when_older_decided(self, work, ticket.commit_ts, rp,
                            [self, ticket, rp](const TxnWork& w, const Touched& touched) {
                              prepare_now(self, ticket, w, touched, rp);
                            });
}

caf::result<uint64_t> commit_one_phase(self_ptr self, const TxnWork& work) {
  // Its timestamp, taken when it applies, is younger than every prepared
  // transaction's: it waits for those holding its entries.
  auto rp = self->make_response_promise<uint64_t>();
  return when_older_decided(self, work, std::numeric_limits<uint64_t>::max(), rp,
                            [self, rp](const TxnWork& w, const Touched&) {
                              commit_one_phase_now(self, w, rp);
                            });
}

// sync=false leaves the apply to the flush timer's fsync (or the
// coordinator's txn_flush): the participants' PREPARED records already
// make the commit durable (txn_decide).
caf::error decide(self_ptr self, uint64_t txn_id, uint64_t commit_ts, bool sync) {
  auto& st = self->state;
  auto it = st.txns.prepared().find(txn_id);
  if (it == st.txns.prepared().end())
    return {};  // already decided: the decision is idempotent
  caf::error err;
  if (commit_ts != 0)
    err = st.store->txn_apply(it->second.ops, commit_ts, txn_id, sync);
  else
    err = st.args.txn_log->discard_prepared(st.args.space, txn_id);
  if (err)
    // Keep the record and the entries held (and the requests waiting for
    // them) until the space reopens and asks again: the coordinator logs
    // the decision for a participant that failed to apply it.
    return err;
  auto txn = st.txns.release(txn_id);
  // Reads at snapshots at or above its timestamp no longer wait for it.
  st.args.clock->resolved_in(txn->commit_ts, st.args.space);
  // Arms the flush timer for the apply (unsynced here); the coordinator
  // has the store synced (txn_flush) before it forgets the transaction.
  if (commit_ts != 0)
    after_write(self);
  run_deferred(self);
  return {};
}

caf::result<uint64_t> status(self_ptr self, uint64_t txn_id) {
  auto& st = self->state;
  if (st.txns.contains(txn_id))
    return txn_status_prepared;
  auto applied = st.store->txn_applied(txn_id);
  if (!applied)
    return std::move(applied.error());
  if (*applied)
    return txn_status_applied;
  // Dropped since it applied the transaction: the drop turned its record
  // into a commit decision (TxnLog::drop_space).
  if (st.args.txn_log) {
    auto logged = st.args.txn_log->decision(txn_id);
    if (!logged)
      return std::move(logged.error());
    if (*logged && (*logged)->commit_ts != 0)
      return txn_status_applied;
  }
  return txn_status_unknown;
}

// New prepares vote no meanwhile, so that steady two-space traffic cannot
// starve it; a transaction left in doubt (its coordinator unreachable, its
// apply failing) makes it give up after `drop_wait`.
template <class T>
caf::result<T> when_nothing_prepared(self_ptr self, std::function<result<T>()> fn) {
  auto& st = self->state;
  if (st.txns.empty())
    return read(fn());
  ++st.drops_waiting;
  auto deadline = std::chrono::steady_clock::now() + drop_wait;
  self->delayed_send(self, drop_wait, drop_wait_atom::value);
  return defer(
      self,
      [self, deadline] {
        return !self->state.txns.empty() && std::chrono::steady_clock::now() < deadline;
      },
      [self, fn]() -> result<T> {
        auto& st = self->state;
        --st.drops_waiting;
        if (!st.txns.empty())
          return make_error(errc::ConstraintViolation,
                            "space \"" + st.args.space +
                                "\" still has a transaction being committed (or one whose "
                                "apply failed, held until the space reopens); try again");
        return fn();
      });
}

template caf::result<bool> when_nothing_prepared(self_ptr, std::function<result<bool>()>);
template caf::result<std::vector<uint64_t>> when_nothing_prepared(
    self_ptr, std::function<result<std::vector<uint64_t>>()>);

// Its records in the branch's transaction log go first (those left are of
// transactions it applied, whose markers go with the store): a record
// outliving the marker would read as in doubt after a restart, and
// recovery would apply it again into the dropped space.
result<bool> drop_space(self_ptr self, bool force) {
  auto& st = self->state;
  if (!st.store->exists())
    return false;
  if (!force) {
    auto empty = st.store->is_empty();
    if (!empty)
      return empty.error();
    if (!*empty)
      return make_error(errc::ConstraintViolation, "space is non-empty");
  }
  if (auto err = st.args.txn_log->drop_space(st.args.space))
    return err;
  if (auto err = st.store->destroy())
    return err;
  note_closed(st);
  // The actor stays the owner of the (now absent) store: a later write
  // re-creates the space empty and registers it again.
  st.registered = false;
  self->send(st.args.registry, space_unregister_atom::value, st.args.space);
  return true;
}

// Transactions prepared here before a restart are in doubt: hold their
// entries and ask the coordinator what became of them.
void first_open(self_ptr self) {
  auto& st = self->state;
  if (st.store && !st.args.txn_log)
    st.open_error = st.args.txn_log_error ? st.args.txn_log_error
                                          : make_error(errc::Io, "no transaction log");
  if (!st.store || !st.args.txn_log)
    return;
  auto in_doubt = in_doubt_here(st);
  if (!in_doubt) {
    st.open_error = std::move(in_doubt.error());
    return;
  }
  for (auto& txn : *in_doubt) {
    uint64_t id = txn.txn_id;
    st.args.clock->observe(txn.commit_ts);
    TxnTicket ticket{id, txn.commit_ts, txn.participants};
    st.txns.hold(std::move(txn));
    self->request(st.args.coordinator, caf::infinite, txn_resolve_atom::value, ticket)
        .then([self, id](uint64_t commit_ts) { (void)decide(self, id, commit_ts, true); },
              [](const caf::error&) {
                // The coordinator is gone (shutdown): the record stays in
                // doubt until the next open.
              });
  }
}

}  // namespace strata::actors::space
