#include "strata/actors/space_actor.hpp"
#include "strata/actors/exceptions.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <deque>
#include <limits>

#include <caf/all.hpp>

#include "weak_send.hpp"

#include "strata/store/space_store.hpp"

namespace strata::actors {

namespace {

// How long a drop or a copy (fork) of a space waits for the transactions
// prepared in it (when_nothing_prepared).
constexpr auto drop_wait = std::chrono::seconds(5);

using self_ptr = space_actor::stateful_pointer<SpaceState>;

[[noreturn]] void crash_now() {
  std::raise(SIGKILL);
  std::abort();
}

// Runs after every successful write: registers the space on its first write
// (SPEC 4.3) and arms the standard-mode sync timer.
void note_open(self_ptr self);

void after_write(self_ptr self) {
  auto& st = self->state;
  if (!st.slot && st.store->exists())
    note_open(self);  // the write created the store
  if (!st.registered && st.store->exists()) {
    st.registered = true;
    self->send(st.args.registry, space_register_atom::value, st.args.space);
  }
  if (!st.flush_scheduled && st.store->needs_sync()) {
    st.flush_scheduled = true;
    self->delayed_send(self, std::chrono::milliseconds(100), flush_atom::value);
  }
}

// -- hibernation (open_stores.hpp) -------------------------------------------------

// Registers the open store with the database's budget of open stores; the
// budget may ask this actor to close it later (hibernate).
void note_open(self_ptr self) {
  auto& st = self->state;
  if (st.slot || !st.store || !st.store->exists())
    return;
  st.slot = st.args.ctx->open_stores->opened([me = detail::weak_self(self)] {
    detail::send_if_alive<space_actor>(me, hibernate_atom::value);
  });
}

void note_closed(SpaceState& st) {
  if (st.slot)
    st.args.ctx->open_stores->closed(st.slot);
  st.slot.reset();
}

// Whether anything in flight needs the open store: then it stays open.
bool busy(const SpaceState& st) {
  return !st.prepared.empty() || !st.held.empty() || !st.deferred.empty() ||
         !st.awaiting_sync.empty() || !st.syncing.empty() || !st.log_syncing.empty() ||
         (st.lane && st.lane->busy()) || st.group_sync_scheduled || st.drops_waiting > 0;
}

// Closes the store of an idle space (its destructor syncs the log); the
// actor stays, with what it remembers of transactions, and reopens the
// store on its next request. A busy space declines and counts as used.
void hibernate(self_ptr self) {
  auto& st = self->state;
  if (!st.slot || !st.store)
    return;
  if (busy(st)) {
    st.args.ctx->open_stores->touch(*st.slot);
    return;
  }
  st.store.reset();
  st.hibernated = true;
  note_closed(st);
}

void first_open(self_ptr self);

// Reopens a hibernated store. Errors: Io (the store could not be opened:
// the request fails, and the next one tries again).
caf::error wake_up(self_ptr self) {
  auto& st = self->state;
  const auto& ctx = *st.args.ctx;
  auto opened = store::SpaceStore::open(ctx.space_dir(st.args.branch, st.args.space),
                                        ctx.store_options, *st.args.clock);
  if (!opened)
    return std::move(opened.error());  // out of descriptors: guard holds it
  st.store = std::move(*opened);
  st.hibernated = false;
  note_open(self);
  if (st.first_open_pending) {
    st.first_open_pending = false;
    st.registered = st.store->exists();
    first_open(self);
    return st.open_error;
  }
  return {};
}

// Whether opening failed for want of file descriptors (LevelDB reports
// the system's message only).
bool out_of_descriptors(const caf::error& err) {
  return message_of(err).find("Too many open files") != std::string::npos;
}

// Keeps the request being handled for later: it is sent to this actor again
// (same sender, same request id) once another store of the database has
// closed. The handler answers nothing meanwhile (admit).
void hold_back(self_ptr self) {
  auto& st = self->state;
  auto* e = self->current_mailbox_element();
  st.held_back.push_back(caf::make_mailbox_element(e->sender, e->mid, std::move(e->stages),
                                                   e->move_content_to_message()));
  if (!st.waiting_for_room) {
    st.waiting_for_room = true;
    const auto& stores = st.args.ctx->open_stores;
    stores->wait_for_room([me = detail::weak_self(self)] {
      detail::send_if_alive<space_actor>(me, room_atom::value);
    });
    stores->make_room(stores->capacity() / 8 + 1);
  }
}

// Sends the held-back requests to this actor again, in order.
void replay_held_back(self_ptr self) {
  auto& st = self->state;
  st.waiting_for_room = false;
  auto held = std::move(st.held_back);
  st.held_back.clear();
  for (auto& e : held) {
    st.replaying.insert(e.get());
    self->enqueue(std::move(e), self->context());
  }
}

// What a handler answers after guard(): nothing to say (go on), the error,
// or — for a request held back — no answer now (it is answered when it is
// served again).
template <class T>
std::optional<caf::result<T>> admit(self_ptr self, caf::error err) {
  auto& st = self->state;
  if (st.hold_current) {
    st.hold_current = false;
    hold_back(self);
    return caf::result<T>{caf::delegated<T>{}};
  }
  if (err)
    return caf::result<T>{std::move(err)};
  return std::nullopt;
}

// A delete is a write command: it registers the space even when nothing
// was there to delete (SPEC 4.3). The store stays absent until then.
template <class T>
result<T> registering(store::SpaceStore& store, result<T>&& r) {
  if (r && !store.exists())
    if (auto err = store.create())
      return err;
  return std::move(r);
}

bool out_of_descriptors(const caf::error& err);
void hold_back(self_ptr self);

// The reply of a write run by its handler. A write that could not create
// the space's store for want of file descriptors is held back and runs
// again once another store has closed.
template <class T>
caf::result<T> written(self_ptr self, result<T>&& r) {
  if (!r) {
    if (out_of_descriptors(r.error())) {
      hold_back(self);
      return caf::delegated<T>{};
    }
    return std::move(r.error());
  }
  after_write(self);
  return std::move(*r);
}

// Entries held by a prepared transaction cannot be written until its
// decision is applied: the transaction validated its reads against them.
bool any_held(const SpaceState& st, const std::vector<HeldKey>& keys) {
  if (st.held.empty())
    return false;
  for (const auto& k : keys)
    if (st.held.count(k) != 0)
      return true;
  return false;
}

std::vector<HeldKey> keys_of(char tag, const std::vector<KvEntry>& entries) {
  std::vector<HeldKey> out;
  for (const auto& e : entries)
    out.emplace_back(tag, e.key);
  return out;
}

// Answers a request once `blocked` turns false (a prepared transaction's
// decision applied here): `fn` then runs and its result is the reply; if
// the actor stops first, the reply is the error it stops with.
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

// Runs a direct write now, or, while a prepared transaction holds one of
// its entries, once that transaction's decision has been applied.
template <class F>
auto write_on(self_ptr self, std::vector<HeldKey> keys, F fn)
    -> caf::result<typename std::decay_t<decltype(fn())>::value_type> {
  if (!any_held(self->state, keys))
    return written(self, fn());
  return defer(self, [self, keys = std::move(keys)] { return any_held(self->state, keys); },
               [self, fn] {
                 auto r = fn();
                 if (r)
                   after_write(self);
                 return r;
               });
}

// Runs the deferred requests no longer blocked, in order.
void run_deferred(self_ptr self) {
  auto& st = self->state;
  std::deque<DeferredRequest> still;
  while (!st.deferred.empty()) {
    auto w = std::move(st.deferred.front());
    st.deferred.pop_front();
    if (w.blocked())
      still.push_back(std::move(w));
    else
      w.run();
  }
  st.deferred = std::move(still);
}

// What a plain read (of the newest state, outside any snapshot) waits for:
// a prepared transaction holding the entry it reads, any entry under the
// prefix it lists, or — for the event log — appending events here. Such a
// transaction may already be committed in another space; the read is
// served once its decision is applied here, so that a reader who saw the
// commit in one space never finds another space behind it.
std::function<bool()> holding(self_ptr self, char tag, std::string key) {
  return [self, k = HeldKey{tag, std::move(key)}] { return self->state.held.count(k) != 0; };
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// Whether an entry of family `tag` under `prefix` is held by a transaction
// for which `by(txn_id)` is true.
template <class Pred>
bool held_under(const SpaceState& st, char tag, const std::string& prefix, Pred by) {
  for (auto h = st.held.lower_bound(HeldKey{tag, prefix});
       h != st.held.end() && h->first.first == tag && starts_with(h->first.second, prefix); ++h)
    if (by(h->second))
      return true;
  return false;
}

std::function<bool()> holding_under(self_ptr self, char tag, std::string prefix) {
  return [self, tag, prefix = std::move(prefix)] {
    return held_under(self->state, tag, prefix, [](uint64_t) { return true; });
  };
}

std::function<bool()> holding_events(self_ptr self) {
  return [self] {
    for (const auto& entry : self->state.prepared)
      for (const auto& op : entry.second.ops)
        if (op.kind == TxnOpKind::EventAppend)
          return true;
    return false;
  };
}

std::vector<HeldKey> held_keys(const std::vector<TxnOp>& ops) {
  std::vector<HeldKey> out;
  for (const auto& op : ops)
    if (op.kind != TxnOpKind::EventAppend)
      out.emplace_back(entry_tag(op.kind), op.key);
  return out;
}

std::vector<HeldKey> read_keys(const TxnWork& work) {
  std::vector<HeldKey> out = held_keys(work.ops);
  for (const auto& r : work.reads)
    if (!r.range)
      out.emplace_back(r.tag, r.key);
  return out;
}

// Replies once the writes made so far are on stable storage. Always-mode
// commits (and txn_flush requests) arriving together share one fsync: the
// sync request queues behind them in the mailbox. (Votes wait for the
// branch's transaction log instead: vote_after_log_sync.)
void after_group_sync(self_ptr self, std::function<void(const caf::error&)> reply) {
  auto& st = self->state;
  st.awaiting_sync.push_back(std::move(reply));
  if (!st.group_sync_scheduled) {
    st.group_sync_scheduled = true;
    self->send(self, group_sync_atom::value);
  }
}

using SyncReplies = std::vector<std::function<void(const caf::error&)>>;

// Delivers the outcome of an fsync. A failed fsync leaves acknowledged
// writes in the OS only: the actor stops, so that the supervisor reopens
// the store and callers see the failure instead of silently losing
// durability.
void synced(self_ptr self, SyncReplies replies, const caf::error& err) {
  for (auto& reply : replies)
    reply(err);
  if (!err)
    return;
  // Nothing written here from now on is acknowledged: the replies still
  // waiting for a later fsync, and the requests waiting for a prepared
  // transaction's decision, get this error as the actor stops
  // (~SpaceState).
  self->state.stop_error = err;
  self->quit(err);
}

// Syncs every write made so far, then answers the replies waiting for it.
// Inline when exactly one reply waits, nothing else is queued and no fsync
// is in flight (a lone committer: no thread hand-off on its path).
// Otherwise on the space's sync lane, so that the requests queued
// meanwhile are served while the disk flushes; their writes join the next
// fsync, which the lane starts as soon as the one in flight ends.
void start_sync(self_ptr self) {
  auto& st = self->state;
  auto replies = std::move(st.awaiting_sync);
  st.awaiting_sync.clear();
  const auto& syncer = st.args.ctx->syncer;
  bool in_flight = st.lane && st.lane->busy();
  bool lone = replies.size() == 1 && self->mailbox().empty() && !in_flight;
  if (!syncer || !st.store || lone) {
    synced(self, std::move(replies), st.store ? st.store->sync() : caf::error{});
    return;
  }
  auto job = st.store->sync_job();
  if (!job && !in_flight) {
    // Nothing written since the last fsync, and that one has finished.
    synced(self, std::move(replies), caf::error{});
    return;
  }
  if (!st.lane) {
    // The job syncs the store's directory, which never changes. The lane
    // holds the actor weakly: it is the actor's state that owns the lane.
    st.lane = std::make_shared<SyncLane>(*syncer, [job, me = detail::weak_self(self)](uint64_t n) {
      auto err = job();
      detail::send_if_alive<space_actor>(me, synced_atom::value, n, err);
      return !err;
    });
  }
  auto n = ++st.sync_requests;
  for (auto& reply : replies)
    st.syncing.emplace_back(n, std::move(reply));
  st.lane->request(n);
}

bool always_durable(const SpaceState& st) {
  return st.args.ctx->store_options.durability == Durability::Always;
}

// Applies (commit_ts != 0) or discards a prepared transaction and releases
// its entries. sync=false leaves the apply to the flush timer's fsync (or
// the coordinator's txn_flush): the participants' PREPARED records already
// make the commit durable (txn_decide).
caf::error decide(self_ptr self, uint64_t txn_id, uint64_t commit_ts, bool sync = true) {
  auto& st = self->state;
  auto it = st.prepared.find(txn_id);
  if (it == st.prepared.end())
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
  for (auto h = st.held.begin(); h != st.held.end();)
    h = h->second == txn_id ? st.held.erase(h) : std::next(h);
  // Reads at snapshots at or above its timestamp no longer wait for it.
  st.args.clock->resolved_in(it->second.commit_ts, st.args.space);
  st.prepared.erase(it);
  // Arms the flush timer for the apply (unsynced here); the coordinator
  // has the store synced (txn_flush) before it forgets the transaction.
  if (commit_ts != 0)
    after_write(self);
  run_deferred(self);
  return {};
}

template <class T>
caf::result<T> read(result<T>&& r) {
  if (!r)
    return std::move(r.error());
  return std::move(*r);
}

// The message form of an optional result: a Maybe* type is {found, value}.
template <class M, class T>
result<M> maybe_as(result<std::optional<T>>&& r) {
  if (!r)
    return std::move(r.error());
  if (!*r)
    return M{};
  return M{true, std::move(**r)};
}

result<MaybeVersioned> maybe(result<std::optional<VersionedValue>>&& r) {
  return maybe_as<MaybeVersioned>(std::move(r));
}

result<MaybeValue> maybe(result<std::optional<Value>>&& r) {
  return maybe_as<MaybeValue>(std::move(r));
}

result<MaybeEvent> maybe(result<std::optional<Event>>&& r) {
  return maybe_as<MaybeEvent>(std::move(r));
}

result<MaybeHistory> maybe(result<std::optional<std::vector<VersionedValue>>>&& r) {
  return maybe_as<MaybeHistory>(std::move(r));
}

// Serves a plain read now, or once `blocked` (holding...) turns false.
template <class F>
auto read_on(self_ptr self, std::function<bool()> blocked, F fn)
    -> caf::result<typename std::decay_t<decltype(fn())>::value_type> {
  if (!blocked())
    return read(fn());
  return defer(self, std::move(blocked), std::move(fn));
}

// read_on for one entry, a prefix of a family, or the event log. The
// common case — no prepared transaction here — reads at once without
// building the predicate (which copies the key).
template <class F>
auto read_entry(self_ptr self, char tag, const std::string& key, F fn) {
  if (self->state.held.empty())
    return read(fn());
  return read_on(self, holding(self, tag, key), std::move(fn));
}

template <class F>
auto read_under(self_ptr self, char tag, const std::string& prefix, F fn) {
  if (self->state.held.empty())
    return read(fn());
  return read_on(self, holding_under(self, tag, prefix), std::move(fn));
}

template <class F>
auto read_events(self_ptr self, F fn) {
  if (self->state.prepared.empty())
    return read(fn());
  return read_on(self, holding_events(self), std::move(fn));
}

// Whether a read at snapshot `as_of` has to wait: a two-phase commit at or
// below it is still to be applied (or discarded) here — prepared here and
// undecided, or not arrived yet (the branch's clock knows the space owes
// it; a commit takes its timestamp before its prepares travel). Reading
// now would miss a commit the snapshot holds, one that may already show in
// another space. Arms the clock's wake-up when it has to wait.
bool behind(self_ptr self, uint64_t as_of) {
  auto& st = self->state;
  for (const auto& entry : st.prepared)
    if (entry.second.commit_ts <= as_of)
      return true;
  if (st.owed_wake_armed)
    return st.args.clock->owes(st.args.space, as_of);
  auto wake = [me = detail::weak_self(self)] {
    detail::send_if_alive<space_actor>(me, owed_wake_atom::value);
  };
  if (!st.args.clock->owes(st.args.space, as_of, wake))
    return false;
  st.owed_wake_armed = true;
  return true;
}

// Serves a read at snapshot `as_of` now, or once the space has applied
// every two-phase commit at or below it (behind). A time-travel read
// beyond the present waits only for the commits in flight when it
// arrives: later ones could keep it waiting forever.
template <class F>
auto read_at_snapshot(self_ptr self, uint64_t as_of, F fn)
    -> caf::result<typename std::decay_t<decltype(fn())>::value_type> {
  as_of = std::min(as_of, self->state.args.clock->last());
  if (!behind(self, as_of))
    return read(fn());
  return defer(self, [self, as_of] { return behind(self, as_of); }, std::move(fn));
}

// Whether a prepared transaction that took its commit timestamp before
// `ts` holds an entry the work reads or writes, or one under a prefix it
// listed. A commit meeting entries held by older transactions waits for
// their decisions and is validated after them: whether it conflicts
// depends on what they did (a blind write or another JSON path does not;
// a key created under a prefix it listed does), and applying after them
// keeps each entry's versions in timestamp order. A commit meeting a
// younger holder of an entry it reads or writes is refused instead
// (TransactionConflict): waits only ever go from younger to older
// transactions, so they never form a cycle across spaces.
struct Touched {
  std::vector<HeldKey> keys;      ///< read or written
  std::vector<HeldKey> prefixes;  ///< (tag, prefix) of listings
};

Touched touched_by(const TxnWork& work) {
  Touched t{read_keys(work), {}};
  for (const auto& r : work.reads)
    if (r.range)
      t.prefixes.emplace_back(r.tag, r.key);
  return t;
}

bool held_by_older(const SpaceState& st, const Touched& touched, uint64_t ts) {
  auto older = [&st, ts](uint64_t txn_id) {
    auto p = st.prepared.find(txn_id);
    return p != st.prepared.end() && p->second.commit_ts < ts;
  };
  for (const auto& k : touched.keys)
    if (auto h = st.held.find(k); h != st.held.end() && older(h->second))
      return true;
  for (const auto& [tag, prefix] : touched.prefixes)
    if (held_under(st, tag, prefix, older))
      return true;
  return false;
}

// Records the reads of `work`, committed or prepared at timestamp `ts`.
void note_reads(SpaceState& st, const TxnWork& work, uint64_t ts) {
  if (st.read_at.size() + st.listed_at.size() >= 256) {
    auto floor = st.args.clock->stable();
    for (auto it = st.read_at.begin(); it != st.read_at.end();)
      it = it->second <= floor ? st.read_at.erase(it) : std::next(it);
    st.listed_at.erase(std::remove_if(st.listed_at.begin(), st.listed_at.end(),
                                      [floor](const auto& l) { return l.second <= floor; }),
                       st.listed_at.end());
  }
  for (const auto& r : work.reads) {
    if (r.range) {
      st.listed_at.emplace_back(HeldKey{r.tag, r.key}, ts);
    } else {
      auto& at = st.read_at[HeldKey{r.tag, r.key}];
      at = std::max(at, ts);
    }
  }
}

// Whether a transaction younger than `ts` read (or listed a prefix holding)
// an entry `work` writes: a write at `ts` would change what it read.
bool read_by_younger(const SpaceState& st, const TxnWork& work, uint64_t ts) {
  for (const auto& k : held_keys(work.ops)) {
    if (auto it = st.read_at.find(k); it != st.read_at.end() && it->second > ts)
      return true;
    for (const auto& [listed, at] : st.listed_at)
      if (at > ts && listed.first == k.first && starts_with(k.second, listed.second))
        return true;
  }
  return false;
}

caf::error held_by_younger() {
  return make_error(errc::TransactionConflict, "key is being committed by another transaction");
}

// Runs `commit(work, touched)` now, or once no older prepared transaction
// holds an entry it reads or writes (see held_by_older); `commit` answers
// through `rp`. The work is copied only when the commit has to wait.
template <class T, class F>
caf::result<T> when_older_decided(self_ptr self, const TxnWork& work, uint64_t ts,
                                  caf::typed_response_promise<T> rp, F commit) {
  auto touched = touched_by(work);
  if (!held_by_older(self->state, touched, ts)) {
    commit(work, touched);
    return rp;
  }
  self->state.deferred.push_back(DeferredRequest{
      [self, touched, ts] { return held_by_older(self->state, touched, ts); },
      [commit, work, touched]() mutable { commit(work, touched); },
      [rp](const caf::error& err) mutable { rp.deliver(err); }});
  return rp;
}

// Answers `rp` with `ok` once the writes made so far are on stable storage
// (or with the error when they cannot be).
template <class T>
void reply_after_sync(self_ptr self, caf::typed_response_promise<T> rp, T ok) {
  after_group_sync(self, [rp, ok](const caf::error& err) mutable {
    if (err)
      rp.deliver(err);
    else
      rp.deliver(ok);
  });
}

// The vote of a prepare arriving while a drop or copy of the space waits
// for the transactions prepared here (so that steady traffic cannot starve
// it).
caf::error being_dropped(const SpaceState& st) {
  return make_error(errc::TransactionConflict,
                    "space \"" + st.args.space + "\" is being dropped or copied");
}

// Runs `fn` (a drop or a copy of the whole store) once no transaction is
// prepared here. New prepares vote no meanwhile, so that steady two-space
// traffic cannot starve it; a transaction left in doubt (its coordinator
// unreachable, its apply failing) makes it give up after `drop_wait`.
caf::result<bool> when_nothing_prepared(self_ptr self, std::function<result<bool>()> fn) {
  auto& st = self->state;
  if (st.prepared.empty())
    return read(fn());
  ++st.drops_waiting;
  auto deadline = std::chrono::steady_clock::now() + drop_wait;
  self->delayed_send(self, drop_wait, drop_wait_atom::value);
  return defer(
      self,
      [self, deadline] {
        return !self->state.prepared.empty() && std::chrono::steady_clock::now() < deadline;
      },
      [self, fn]() -> result<bool> {
        auto& st = self->state;
        --st.drops_waiting;
        if (!st.prepared.empty())
          return make_error(errc::ConstraintViolation,
                            "space \"" + st.args.space +
                                "\" still has a transaction being committed (or one whose "
                                "apply failed, held until the space reopens); try again");
        return fn();
      });
}

// Votes yes once the branch's transaction log is on stable storage up to
// this participant's PREPARED record. The other participants of the commit
// (and of the commits in flight meanwhile) log theirs in the same file, so
// one fsync on the branch's shared lane serves them all. A failed fsync
// votes no with the error: the coordinator then logs the abort, which
// overrides whatever records reached the disk.
void vote_after_log_sync(self_ptr self, const TxnTicket& ticket,
                         caf::typed_response_promise<bool> rp) {
  auto& st = self->state;
  auto vote = [rp](const caf::error& err) mutable { err ? rp.deliver(err) : rp.deliver(true); };
  if (!st.args.txn_sync) {
    vote(st.args.txn_log->sync());
    return;
  }
  auto n = ++st.log_sync_requests;
  st.log_syncing.emplace(n, std::move(vote));
  // Held weakly like the space's own lane: the vote is lost with the actor
  // (~SpaceState answers it).
  st.args.txn_sync->after_sync(ticket.id, ticket.participants.size(),
                               [me = detail::weak_self(self), n](const caf::error& err) {
                                 detail::send_if_alive<space_actor>(me, log_synced_atom::value, n,
                                                                    err);
                               });
}

// Two-phase commit, participant side: validates, logs PREPARED, holds the
// entries written, and votes yes once the record is on stable storage.
void prepare(self_ptr self, const TxnTicket& ticket, const TxnWork& work, const Touched& touched,
             caf::typed_response_promise<bool> rp) {
  auto& st = self->state;
  if (st.drops_waiting > 0) {
    rp.deliver(being_dropped(st));
    return;
  }
  if (any_held(st, touched.keys)) {
    rp.deliver(held_by_younger());
    return;
  }
  if (read_by_younger(st, work, ticket.commit_ts)) {
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
  if (fault_point(*st.args.ctx, "participant-after-record"))
    crash_now();  // written, not yet synced
  for (auto& k : held_keys(work.ops))
    st.held[k] = ticket.id;
  st.prepared.emplace(ticket.id, std::move(txn));
  vote_after_log_sync(self, ticket, std::move(rp));
}

// One-phase commit: validation and application in one step, with a
// timestamp taken here, so no reader can see it half-applied. Younger
// than every prepared transaction, it runs only once none holds an entry
// it touches (when_older_decided).
void commit_one_phase(self_ptr self, const TxnWork& work,
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

}  // namespace

SpaceState::~SpaceState() {
  if (slot && args.ctx)
    args.ctx->open_stores->closed(slot);
  for (auto& e : held_back)
    if (e->sender && e->mid.is_request())
      e->sender->enqueue(
          caf::make_mailbox_element(nullptr, e->mid.response_id(), {},
                                    make_error(errc::BranchClosed,
                                               "space \"" + args.space + "\" stopped before answering")),
          nullptr);
  if (awaiting_sync.empty() && syncing.empty() && log_syncing.empty() && deferred.empty())
    return;
  auto err = stop_error ? stop_error
                        : make_error(errc::BranchClosed, "space \"" + args.space +
                                                             "\" of branch \"" + args.branch +
                                                             "\" stopped before answering");
  for (auto& reply : awaiting_sync)
    reply(err);
  for (auto& pending : syncing)
    pending.second(err);
  for (auto& [n, vote] : log_syncing)
    vote(err);
  for (auto& request : deferred)
    request.fail(err);
}

// Drops the space's data (space_drop), once no transaction is prepared
// here. Its records in the branch's transaction log go first (those left
// are of transactions it applied, whose markers go with the store): a
// record outliving the marker would read as in doubt after a restart, and
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

namespace {

// What the first open of the store settles: transactions prepared here
// before a restart are in doubt: hold their entries and ask the
// coordinator what became of them.
void first_open(self_ptr self) {
  auto& st = self->state;
  if (st.store && !st.args.txn_log)
    st.open_error = st.args.txn_log_error ? st.args.txn_log_error
                                          : make_error(errc::Io, "no transaction log");
  if (st.store && st.args.txn_log) {
    auto in_doubt = in_doubt_here(st);
    if (!in_doubt) {
      st.open_error = std::move(in_doubt.error());
    } else {
      for (auto& txn : *in_doubt) {
        uint64_t id = txn.txn_id;
        for (auto& k : held_keys(txn.ops))
          st.held[k] = id;
        st.args.clock->observe(txn.commit_ts);
        TxnTicket ticket{id, txn.commit_ts, txn.participants};
        st.prepared.emplace(id, std::move(txn));
        self->request(st.args.coordinator, caf::infinite, txn_resolve_atom::value, ticket)
            .then([self, id](uint64_t commit_ts) { (void)decide(self, id, commit_ts); },
                  [](const caf::error&) {
                    // The coordinator is gone (shutdown): the record stays
                    // in doubt until the next open.
                  });
      }
    }
  }
}

}  // namespace

space_actor::behavior_type space_behavior(self_ptr self, SpaceActorArgs args) {
  self->set_exception_handler(exception_error);
  auto& st = self->state;
  st.args = std::move(args);
  const auto& ctx = *st.args.ctx;
  auto opened = store::SpaceStore::open(ctx.space_dir(st.args.branch, st.args.space),
                                        ctx.store_options, *st.args.clock);
  if (opened) {
    st.store = std::move(*opened);
    st.registered = st.store->exists();
    note_open(self);
    first_open(self);
  } else if (out_of_descriptors(opened.error())) {
    // Opened (and settled) by the first request that finds a descriptor.
    st.hibernated = true;
    st.first_open_pending = true;
  } else {
    st.open_error = std::move(opened.error());
  }
  // A store that failed to open answers every request with the reason, so
  // callers get a clear error instead of a dead actor. A hibernated store
  // is reopened first. Every request counts as a use of the store.
  auto guard = [self]() -> caf::error {
    auto& st = self->state;
    if (st.open_error)
      return st.open_error;
    // The store could not reopen after a failed write: answer the error and
    // stop; the branch starts this space's actor again, which reopens it.
    if (st.store && st.store->broken()) {
      st.stop_error = st.store->broken();
      self->quit(st.stop_error);
      return st.stop_error;
    }
    // Requests held back for want of descriptors keep their order: a
    // request arriving meanwhile waits behind them; a resent one goes on.
    if (!st.replaying.empty() && st.replaying.erase(self->current_mailbox_element()) == 0) {
      st.hold_current = true;
      return {};
    }
    if (!st.held_back.empty()) {
      st.hold_current = true;
      return {};
    }
    if (st.hibernated) {
      if (auto err = wake_up(self)) {
        if (!out_of_descriptors(err))
          return err;
        st.hold_current = true;
        return {};
      }
    }
    if (st.slot)
      st.args.ctx->open_stores->touch(*st.slot);
    return {};
  };
  return {
    [=](kv_put_atom, const std::string& key, const Value& value) -> caf::result<uint64_t> {
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      return write_on(self, {{'k', key}}, [=] { return self->state.store->kv_put(key, value); });
    },
    [=](kv_get_atom, const std::string& key) -> caf::result<MaybeVersioned> {
      if (auto held = admit<MaybeVersioned>(self, guard()))
        return std::move(*held);
      return read_entry(self, 'k', key, [=] { return maybe(self->state.store->kv_get(key)); });
    },
    [=](entry_version_atom, uint8_t tag, const std::string& key) -> caf::result<uint64_t> {
      // A prediction for a transaction's write: it does not wait for a
      // prepared transaction holding the entry (the commit may then give
      // a later version, as with any concurrent write).
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      return read(self->state.store->head_version(static_cast<char>(tag), key));
    },
    [=](kv_get_at_atom, const std::string& key, uint64_t as_of) -> caf::result<MaybeVersioned> {
      if (auto held = admit<MaybeVersioned>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of,
                              [=] { return maybe(self->state.store->kv_get_at(key, as_of)); });
    },
    [=](kv_getv_atom, const std::string& key) -> caf::result<MaybeHistory> {
      if (auto held = admit<MaybeHistory>(self, guard()))
        return std::move(*held);
      return read_entry(self, 'k', key, [=] { return maybe(self->state.store->kv_getv(key)); });
    },
    [=](kv_del_atom, const std::string& key) -> caf::result<bool> {
      if (auto held = admit<bool>(self, guard()))
        return std::move(*held);
      return write_on(self, {{'k', key}}, [=] {
        return registering(*self->state.store, self->state.store->kv_delete(key));
      });
    },
    [=](kv_list_atom, const ListOptions& opts) -> caf::result<std::vector<std::string>> {
      if (auto held = admit<std::vector<std::string>>(self, guard()))
        return std::move(*held);
      return read_under(self, 'k', opts.prefix,
                     [=] { return self->state.store->kv_list(opts); });
    },
    [=](kv_list_at_atom, const std::string& prefix,
        uint64_t as_of) -> caf::result<std::vector<std::string>> {
      if (auto held = admit<std::vector<std::string>>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of,
                              [=] { return self->state.store->kv_list_at(prefix, as_of); });
    },
    [=](kv_batch_atom,
        const std::vector<KvEntry>& entries) -> caf::result<std::vector<BatchItemResult>> {
      if (auto held = admit<std::vector<BatchItemResult>>(self, guard()))
        return std::move(*held);
      return write_on(self, keys_of('k', entries),
                      [=] { return self->state.store->kv_batch_put(entries); });
    },
    // -- state cells --
    [=](state_set_atom, const std::string& cell, const Value& value) -> caf::result<uint64_t> {
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      return write_on(self, {{'s', cell}}, [=] { return self->state.store->state_set(cell, value); });
    },
    [=](state_batch_atom,
        const std::vector<KvEntry>& entries) -> caf::result<std::vector<BatchItemResult>> {
      if (auto held = admit<std::vector<BatchItemResult>>(self, guard()))
        return std::move(*held);
      return write_on(self, keys_of('s', entries),
                      [=] { return self->state.store->state_batch_set(entries); });
    },
    [=](state_get_atom, const std::string& cell) -> caf::result<MaybeVersioned> {
      if (auto held = admit<MaybeVersioned>(self, guard()))
        return std::move(*held);
      return read_entry(self, 's', cell,
                     [=] { return maybe(self->state.store->state_get(cell)); });
    },
    [=](state_get_at_atom, const std::string& cell, uint64_t as_of) -> caf::result<MaybeVersioned> {
      if (auto held = admit<MaybeVersioned>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of,
                              [=] { return maybe(self->state.store->state_get_at(cell, as_of)); });
    },
    [=](state_getv_atom, const std::string& cell) -> caf::result<MaybeHistory> {
      if (auto held = admit<MaybeHistory>(self, guard()))
        return std::move(*held);
      return read_entry(self, 's', cell,
                     [=] { return maybe(self->state.store->state_getv(cell)); });
    },
    [=](state_init_atom, const std::string& cell, const Value& value) -> caf::result<uint64_t> {
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      return write_on(self, {{'s', cell}}, [=] { return self->state.store->state_init(cell, value); });
    },
    [=](state_cas_atom, const std::string& cell, bool has_expected, uint64_t expected,
        const Value& value) -> caf::result<MaybeVersion> {
      if (auto held = admit<MaybeVersion>(self, guard()))
        return std::move(*held);
      return write_on(self, {{'s', cell}}, [=]() -> result<MaybeVersion> {
        auto r = self->state.store->state_cas(
            cell, has_expected ? std::optional<uint64_t>{expected} : std::nullopt, value);
        if (!r)
          return r.error();
        return MaybeVersion::from(*r);
      });
    },
    [=](state_del_atom, const std::string& cell) -> caf::result<bool> {
      if (auto held = admit<bool>(self, guard()))
        return std::move(*held);
      return write_on(self, {{'s', cell}}, [=] {
        return registering(*self->state.store, self->state.store->state_delete(cell));
      });
    },
    [=](state_list_atom, const std::string& prefix) -> caf::result<std::vector<std::string>> {
      if (auto held = admit<std::vector<std::string>>(self, guard()))
        return std::move(*held);
      return read_under(self, 's', prefix,
                     [=] { return self->state.store->state_list(prefix); });
    },
    // -- JSON documents --
    [=](json_set_atom, const std::string& key, const std::string& path,
        const Value& value) -> caf::result<uint64_t> {
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      return write_on(self, {{'j', key}},
                      [=] { return self->state.store->json_set(key, path, value); });
    },
    [=](json_batch_atom,
        const std::vector<JsonEntry>& entries) -> caf::result<std::vector<BatchItemResult>> {
      if (auto held = admit<std::vector<BatchItemResult>>(self, guard()))
        return std::move(*held);
      std::vector<HeldKey> keys;
      for (const auto& e : entries)
        keys.emplace_back('j', e.key);
      return write_on(self, std::move(keys),
                      [=] { return self->state.store->json_batch_set(entries); });
    },
    [=](json_get_atom, const std::string& key, const std::string& path) -> caf::result<MaybeValue> {
      if (auto held = admit<MaybeValue>(self, guard()))
        return std::move(*held);
      return read_entry(self, 'j', key,
                     [=] { return maybe(self->state.store->json_get(key, path)); });
    },
    [=](json_get_at_atom, const std::string& key, const std::string& path,
        uint64_t as_of) -> caf::result<MaybeValue> {
      if (auto held = admit<MaybeValue>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of, [=] {
        return maybe(self->state.store->json_get_at(key, path, as_of));
      });
    },
    [=](json_doc_atom, const std::string& key) -> caf::result<MaybeVersioned> {
      if (auto held = admit<MaybeVersioned>(self, guard()))
        return std::move(*held);
      return read_entry(self, 'j', key,
                     [=] { return maybe(self->state.store->json_get_document(key)); });
    },
    [=](json_getv_atom, const std::string& key) -> caf::result<MaybeHistory> {
      if (auto held = admit<MaybeHistory>(self, guard()))
        return std::move(*held);
      return read_entry(self, 'j', key,
                     [=] { return maybe(self->state.store->json_getv(key)); });
    },
    [=](json_del_atom, const std::string& key, const std::string& path) -> caf::result<uint64_t> {
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      return write_on(self, {{'j', key}}, [=] {
        return registering(*self->state.store, self->state.store->json_delete(key, path));
      });
    },
    [=](json_list_atom, const ListOptions& opts) -> caf::result<JsonPageMsg> {
      if (auto held = admit<JsonPageMsg>(self, guard()))
        return std::move(*held);
      return read_under(self, 'j', opts.prefix, [=]() -> result<JsonPageMsg> {
        auto r = self->state.store->json_list(opts);
        if (!r)
          return std::move(r.error());
        JsonPageMsg out;
        out.keys = std::move(r->keys);
        out.has_cursor = r->cursor.has_value();
        out.cursor = r->cursor.value_or(std::string{});
        return out;
      });
    },
    [=](json_list_at_atom, const std::string& prefix,
        uint64_t as_of) -> caf::result<std::vector<std::string>> {
      if (auto held = admit<std::vector<std::string>>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of,
                              [=] { return self->state.store->json_list_at(prefix, as_of); });
    },
    // -- vector collections --
    [=](vec_create_atom, const std::string& name, uint64_t dimension, DistanceMetric metric,
        uint8_t kind) -> caf::result<uint64_t> {
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      if (kind > static_cast<uint8_t>(store::IndexKind::Hnsw))
        return make_error(errc::InvalidInput, "unknown index kind");
      return written(self, self->state.store->vector_create_collection(
                               name, dimension, metric, static_cast<store::IndexKind>(kind)));
    },
    [=](vec_drop_atom, const std::string& name) -> caf::result<bool> {
      if (auto held = admit<bool>(self, guard()))
        return std::move(*held);
      auto& store = *self->state.store;
      return written(self, registering(store, store.vector_delete_collection(name)));
    },
    [=](vec_colls_atom) -> caf::result<std::vector<CollectionInfo>> {
      if (auto held = admit<std::vector<CollectionInfo>>(self, guard()))
        return std::move(*held);
      return read(self->state.store->vector_list_collections());
    },
    [=](vec_stats_atom, const std::string& name) -> caf::result<CollectionInfo> {
      if (auto held = admit<CollectionInfo>(self, guard()))
        return std::move(*held);
      return read(self->state.store->vector_collection_stats(name));
    },
    [=](vec_upsert_atom, const std::string& coll, const VectorUpsert& v) -> caf::result<uint64_t> {
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      return written(self, self->state.store->vector_upsert(coll, v.key, v.embedding, v.metadata));
    },
    [=](vec_batch_atom, const std::string& coll,
        const std::vector<VectorUpsert>& entries) -> caf::result<std::vector<uint64_t>> {
      if (auto held = admit<std::vector<uint64_t>>(self, guard()))
        return std::move(*held);
      return written(self, self->state.store->vector_batch_upsert(coll, entries));
    },
    [=](vec_get_atom, const std::string& coll,
        const std::string& key) -> caf::result<MaybeVectorEntry> {
      if (auto held = admit<MaybeVectorEntry>(self, guard()))
        return std::move(*held);
      auto r = self->state.store->vector_get(coll, key);
      if (!r)
        return std::move(r.error());
      return *r ? MaybeVectorEntry{true, std::move(**r)} : MaybeVectorEntry{};
    },
    [=](vec_get_at_atom, const std::string& coll, const std::string& key,
        uint64_t as_of) -> caf::result<MaybeVectorEntry> {
      if (auto held = admit<MaybeVectorEntry>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of, [=]() -> result<MaybeVectorEntry> {
        auto r = self->state.store->vector_get_at(coll, key, as_of);
        if (!r)
          return std::move(r.error());
        return *r ? MaybeVectorEntry{true, std::move(**r)} : MaybeVectorEntry{};
      });
    },
    [=](vec_del_atom, const std::string& coll, const std::string& key) -> caf::result<bool> {
      if (auto held = admit<bool>(self, guard()))
        return std::move(*held);
      return written(self, self->state.store->vector_delete(coll, key));
    },
    [=](vec_keys_atom, const std::string& coll) -> caf::result<std::vector<std::string>> {
      if (auto held = admit<std::vector<std::string>>(self, guard()))
        return std::move(*held);
      return self->state.store->vector_keys(coll);
    },
    [=](vec_search_atom, const std::string& coll, const std::vector<float>& query, uint64_t k,
        const MetadataFilter& filter) -> caf::result<std::vector<VectorMatch>> {
      if (auto held = admit<std::vector<VectorMatch>>(self, guard()))
        return std::move(*held);
      return read(self->state.store->vector_search(coll, query, k, filter));
    },
    [=](vec_search_at_atom, const std::string& coll, const std::vector<float>& query, uint64_t k,
        const MetadataFilter& filter, uint64_t as_of) -> caf::result<std::vector<VectorMatch>> {
      if (auto held = admit<std::vector<VectorMatch>>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of, [=] {
        return self->state.store->vector_search_at(coll, query, k, filter, as_of);
      });
    },
    [=](state_list_at_atom, const std::string& prefix,
        uint64_t as_of) -> caf::result<std::vector<std::string>> {
      if (auto held = admit<std::vector<std::string>>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of,
                              [=] { return self->state.store->state_list_at(prefix, as_of); });
    },
    // -- event log --
    [=](event_append_atom, const std::string& type, const Value& payload) -> caf::result<uint64_t> {
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      return written(self, self->state.store->event_append(type, payload));
    },
    [=](event_batch_atom,
        const std::vector<EventEntry>& entries) -> caf::result<std::vector<BatchItemResult>> {
      if (auto held = admit<std::vector<BatchItemResult>>(self, guard()))
        return std::move(*held);
      return written(self, self->state.store->event_batch_append(entries));
    },
    [=](event_get_atom, uint64_t seq) -> caf::result<MaybeEvent> {
      if (auto held = admit<MaybeEvent>(self, guard()))
        return std::move(*held);
      return read_events(self, [=] { return maybe(self->state.store->event_get(seq)); });
    },
    [=](event_by_type_atom, const std::string& type, uint64_t after, uint64_t limit,
        uint64_t as_of) -> caf::result<std::vector<Event>> {
      if (auto held = admit<std::vector<Event>>(self, guard()))
        return std::move(*held);
      auto fn = [=] { return self->state.store->event_get_by_type(type, after, limit, as_of); };
      // The newest state (as_of at its maximum) waits like any plain read.
      if (as_of == std::numeric_limits<uint64_t>::max())
        return read_events(self, fn);
      return read_at_snapshot(self, as_of, fn);
    },
    [=](event_list_at_atom, const std::string& type,
        uint64_t as_of) -> caf::result<std::vector<Event>> {
      if (auto held = admit<std::vector<Event>>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of,
                              [=] { return self->state.store->event_list_at(type, as_of); });
    },
    [=](event_len_atom) -> caf::result<uint64_t> {
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      return read_events(self, [=] { return self->state.store->event_len(); });
    },
    [=](event_verify_atom) -> caf::result<ChainVerification> {
      if (auto held = admit<ChainVerification>(self, guard()))
        return std::move(*held);
      return read_events(self,
                     [=] { return self->state.store->event_verify_chain(); });
    },
    [=](space_check_atom) -> caf::result<StoreCheck> {
      if (auto held = admit<StoreCheck>(self, guard()))
        return std::move(*held);
      // Damage is the check's answer, not an error; an absent store (no
      // write yet) checks as empty.
      auto out = self->state.store->check();
      out.branch = self->state.args.branch;
      out.space = self->state.args.space;
      return out;
    },
    // -- transactions (participant side) --
    [=](event_len_at_atom, uint64_t as_of) -> caf::result<uint64_t> {
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of, [=] { return self->state.store->event_len_at(as_of); });
    },
    [=](txn_commit1_atom, const TxnWork& work) -> caf::result<uint64_t> {
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      // Its timestamp, taken when it applies, is younger than every
      // prepared transaction's: it waits for those holding its entries.
      auto rp = self->make_response_promise<uint64_t>();
      return when_older_decided(self, work, std::numeric_limits<uint64_t>::max(), rp,
                                [self, rp](const TxnWork& w, const Touched&) {
                                  commit_one_phase(self, w, rp);
                                });
    },
    [=](txn_prepare_atom, const TxnTicket& ticket, const TxnWork& work) -> caf::result<bool> {
      if (auto held = admit<bool>(self, guard()))
        return std::move(*held);
      if (fault_point(*self->state.args.ctx, "participant-before-prepare"))
        crash_now();
      auto rp = self->make_response_promise<bool>();
      return when_older_decided(self, work, ticket.commit_ts, rp,
                                [self, ticket, rp](const TxnWork& w, const Touched& touched) {
                                  prepare(self, ticket, w, touched, rp);
                                });
    },
    [=](txn_decide_atom, uint64_t txn_id, uint64_t commit_ts) -> caf::result<bool> {
      if (auto held = admit<bool>(self, guard()))
        return std::move(*held);
      // No fsync before acknowledging: the commit is already durable in the
      // PREPARED records of every participant, which stay in the branch's
      // log until the coordinator had this store synced (txn_flush).
      if (auto err = decide(self, txn_id, commit_ts, false))
        return err;
      return true;
    },
    [=](txn_status_atom, uint64_t txn_id) -> caf::result<uint64_t> {
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      auto& st = self->state;
      if (st.prepared.count(txn_id) != 0)
        return txn_status_prepared;
      auto applied = st.store->txn_applied(txn_id);
      if (!applied)
        return std::move(applied.error());
      if (*applied)
        return txn_status_applied;
      // Dropped since it applied the transaction: the drop turned its
      // record into a commit decision (TxnLog::drop_space).
      if (st.args.txn_log) {
        auto logged = st.args.txn_log->decision(txn_id);
        if (!logged)
          return std::move(logged.error());
        if (*logged && (*logged)->commit_ts != 0)
          return txn_status_applied;
      }
      return txn_status_unknown;
    },
    [=](txn_forget_atom, const std::vector<uint64_t>& txn_ids) {
      // Best effort: markers left now are forgotten at a later open.
      if (guard() || self->state.hold_current) {
        self->state.hold_current = false;
        return;
      }
      if (self->state.store)
        (void)self->state.store->txn_forget(txn_ids);
    },
    [=](hibernate_atom) { hibernate(self); },
    [=](room_atom) { replay_held_back(self); },
    [=](group_sync_atom) {
      self->state.group_sync_scheduled = false;
      start_sync(self);
    },
    [=](synced_atom, uint64_t covered, const caf::error& err) {
      auto& st = self->state;
      SyncReplies replies;
      while (!st.syncing.empty() && st.syncing.front().first <= covered) {
        replies.push_back(std::move(st.syncing.front().second));
        st.syncing.pop_front();
      }
      synced(self, std::move(replies), err);
    },
    [=](log_synced_atom, uint64_t n, const caf::error& err) {
      auto& st = self->state;
      auto it = st.log_syncing.find(n);
      if (it == st.log_syncing.end())
        return;
      auto reply = std::move(it->second);
      st.log_syncing.erase(it);
      reply(err);
    },
    [=](space_dump_atom) -> caf::result<std::vector<StoredPair>> {
      if (auto held = admit<std::vector<StoredPair>>(self, guard()))
        return std::move(*held);
      return self->state.store->dump();
    },
    [=](space_copy_atom, const std::string& dest_dir) -> caf::result<bool> {
      if (auto held = admit<bool>(self, guard()))
        return std::move(*held);
      // A fork: a transaction prepared here may be applied in another
      // space already, and its vote is not copied, so nothing in the fork
      // could finish it.
      return when_nothing_prepared(self,
                                   [self, dest_dir] { return self->state.store->copy_to(dest_dir); });
    },
    [=](space_create_atom) -> caf::result<bool> {
      if (auto held = admit<bool>(self, guard()))
        return std::move(*held);
      if (auto err = self->state.store->create())
        return err;
      after_write(self);
      return true;
    },
    [=](space_drop_atom, bool force) -> caf::result<bool> {
      if (auto held = admit<bool>(self, guard()))
        return std::move(*held);
      // Its decision must find the store it was validated against.
      return when_nothing_prepared(self, [self, force] { return drop_space(self, force); });
    },
    [=](drop_wait_atom) { run_deferred(self); },
    [=](owed_wake_atom) {
      self->state.owed_wake_armed = false;
      run_deferred(self);
    },
    [=](txn_flush_atom) -> caf::result<bool> {
      if (auto held = admit<bool>(self, guard()))
        return std::move(*held);
      auto rp = self->make_response_promise<bool>();
      reply_after_sync(self, rp, true);
      return rp;
    },
    [=](flush_atom) {
      self->state.flush_scheduled = false;
      start_sync(self);
    },
  };
}

}  // namespace strata::actors
