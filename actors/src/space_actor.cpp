// The space actor: the sole owner of one space's store. This file holds
// the store's lifecycle (open, hibernation, requests held back for want of
// file descriptors), reads and direct writes, and the handlers of every
// request; fsyncs are in space_sync.cpp and the participant side of
// transactions in space_participant.cpp (space_internal.hpp).

#include "strata/actors/exceptions.hpp"

#include <algorithm>
#include <deque>

#include "space_internal.hpp"
#include "weak_send.hpp"

#include "strata/store/space_store.hpp"

namespace strata::actors::space {

namespace {
void note_open(self_ptr self);
}  // namespace

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

namespace {

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

}  // namespace

void note_closed(SpaceState& st) {
  if (st.slot)
    st.args.ctx->open_stores->closed(st.slot);
  st.slot.reset();
}

namespace {

// Whether anything in flight needs the open store: then it stays open.
bool busy(const SpaceState& st) {
  return !st.txns.empty() || !st.deferred.empty() ||
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


// write_on for a collection's create or drop: waits while a prepared
// transaction holds its config or any of its vectors (a drop deletes them).
template <class F>
auto write_on_collection(self_ptr self, const std::string& name, F fn)
    -> caf::result<typename std::decay_t<decltype(fn())>::value_type> {
  auto blocked = [self, name] {
    auto& txns = self->state.txns;
    return txns.is_held({Primitive::Collection, name}) ||
           txns.held_under(Primitive::Vector, vector_entry_key(name, ""));
  };
  if (!blocked())
    return written(self, fn());
  return defer(self, blocked, [self, fn] {
    auto r = fn();
    if (r)
      after_write(self);
    return r;
  });
}

// The entries a plain write of vectors `keys` of collection `coll` waits
// for: the vectors, and the collection's config — a prepared transaction
// creating or dropping the collection decides whether the write finds it.
std::vector<HeldKey> vector_keys(const std::string& coll, const std::vector<std::string_view>& keys) {
  std::vector<HeldKey> out{{Primitive::Collection, coll}};
  for (auto k : keys)
    out.emplace_back(Primitive::Vector, vector_entry_key(coll, k));
  return out;
}

template <class Entry>
std::vector<HeldKey> keys_of(Primitive tag, const std::vector<Entry>& entries) {
  std::vector<HeldKey> out;
  out.reserve(entries.size());
  for (const auto& e : entries)
    out.emplace_back(tag, e.key);
  return out;
}

// Runs a direct write now, or, while a prepared transaction holds one of
// its entries, once that transaction's decision has been applied.
template <class F>
auto write_on(self_ptr self, std::vector<HeldKey> keys, F fn)
    -> caf::result<typename std::decay_t<decltype(fn())>::value_type> {
  if (!self->state.txns.any_held(keys))
    return written(self, fn());
  return defer(self, [self, keys = std::move(keys)] { return self->state.txns.any_held(keys); },
               [self, fn] {
                 auto r = fn();
                 if (r)
                   after_write(self);
                 return r;
               });
}

// write_on with the store call's arguments passed through: the common case
// (no prepared transaction here) calls the store at once on the message's
// own key and value — or entries — building no held-key list (`keys` is
// only called when the write must wait) and copying nothing; only a
// deferred write copies the arguments into its closure. (Issue 15: those
// copies were a measurable share of a put's path; the service's grouped
// writes take the batch form under load.)
template <class Keys, class Call, class... Args>
auto write_direct(self_ptr self, Keys keys, Call call, const Args&... args) {
  if (self->state.txns.none_held())
    return written(self, call(*self->state.store, args...));
  return write_on(self, keys(), [self, call, args...] { return call(*self->state.store, args...); });
}

// write_direct for one entry.
template <class Call, class... Args>
auto write_entry(self_ptr self, Primitive tag, const std::string& key, Call call,
                 const Args&... args) {
  return write_direct(
      self, [&] { return std::vector<HeldKey>{{tag, key}}; }, call, args...);
}

// write_direct for a batch of entries.
template <class Entry, class Call>
auto write_entries(self_ptr self, Primitive tag, const std::vector<Entry>& entries, Call call) {
  return write_direct(
      self, [&] { return keys_of(tag, entries); }, call, entries);
}

}  // namespace

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

namespace {

// The message form of an optional result (Maybe<T>).
template <class T>
result<Maybe<T>> maybe(result<std::optional<T>>&& r) {
  if (!r)
    return std::move(r.error());
  return Maybe<T>::from(std::move(*r));
}

// Serves a plain read now, or once `blocked` (holding...) turns false.
template <class F>
auto read_on(self_ptr self, std::function<bool()> blocked, F fn)
    -> caf::result<typename std::decay_t<decltype(fn())>::value_type> {
  if (!blocked())
    return read(fn());
  return defer(self, std::move(blocked), std::move(fn));
}

// read_on for one entry, a prefix of a family, or the event log: a plain
// read waits for a prepared transaction holding the entry it reads, any
// entry under the prefix it lists, or — for the event log — appending
// events here. Such a transaction may already be committed in another
// space; the read is served once its decision is applied here, so that a
// reader who saw the commit in one space never finds another space behind
// it. The
// common case — no prepared transaction here — reads at once without
// building the predicate (which copies the key).
template <class F>
auto read_entry(self_ptr self, Primitive tag, const std::string& key, F fn) {
  if (self->state.txns.none_held())
    return read(fn());
  return read_on(
      self, [self, k = HeldKey{tag, key}] { return self->state.txns.is_held(k); }, std::move(fn));
}

// read_entry with the store call's arguments passed through, copied only
// when the read must wait (see write_entry).
template <class Call, class... Args>
auto read_entry_with(self_ptr self, Primitive tag, const std::string& key, Call call,
                     const Args&... args) {
  if (self->state.txns.none_held())
    return read(call(*self->state.store, args...));
  return read_on(
      self, [self, k = HeldKey{tag, key}] { return self->state.txns.is_held(k); },
      [self, call, args...] { return call(*self->state.store, args...); });
}

template <class F>
auto read_under(self_ptr self, Primitive tag, const std::string& prefix, F fn) {
  if (self->state.txns.none_held())
    return read(fn());
  return read_on(
      self, [self, tag, prefix] { return self->state.txns.held_under(tag, prefix); },
      std::move(fn));
}

template <class F>
auto read_events(self_ptr self, F fn) {
  if (self->state.txns.empty())
    return read(fn());
  return read_on(self, [self] { return self->state.txns.appends_events(); }, std::move(fn));
}

// Whether a read at snapshot `as_of` has to wait: a two-phase commit at or
// below it is still to be applied (or discarded) here — prepared here and
// undecided, or not arrived yet (the branch's clock knows the space owes
// it; a commit takes its timestamp before its prepares travel). Reading
// now would miss a commit the snapshot holds, one that may already show in
// another space. Arms the clock's wake-up when it has to wait.
bool behind(self_ptr self, uint64_t as_of) {
  auto& st = self->state;
  if (st.txns.prepared_at_or_below(as_of))
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

}  // namespace


}  // namespace strata::actors::space

namespace strata::actors {

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

space_actor::behavior_type space_behavior(space::self_ptr self, SpaceActorArgs args) {
  using namespace space;
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
    [=](kv_put_atom, const std::string& key, const Value& value) -> caf::result<WriteInfo> {
      if (auto held = admit<WriteInfo>(self, guard()))
        return std::move(*held);
      return write_entry(
          self, Primitive::Kv, key,
          [](store::SpaceStore& s, const std::string& k, const Value& v) { return s.kv_put(k, v); },
          key, value);
    },
    [=](kv_get_atom, const std::string& key) -> caf::result<MaybeVersioned> {
      if (auto held = admit<MaybeVersioned>(self, guard()))
        return std::move(*held);
      return read_entry_with(
          self, Primitive::Kv, key,
          [](store::SpaceStore& s, const std::string& k) { return maybe(s.kv_get(k)); }, key);
    },
    [=](entry_version_atom, Primitive tag, const std::string& key) -> caf::result<uint64_t> {
      // A prediction for a transaction's write: it does not wait for a
      // prepared transaction holding the entry (the commit may then give
      // a later version, as with any concurrent write).
      if (auto held = admit<uint64_t>(self, guard()))
        return std::move(*held);
      return read(self->state.store->head_version(tag, key));
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
      return read_entry(self, Primitive::Kv, key, [=] { return maybe(self->state.store->kv_getv(key)); });
    },
    [=](kv_del_atom, const std::string& key) -> caf::result<WriteInfo> {
      if (auto held = admit<WriteInfo>(self, guard()))
        return std::move(*held);
      return write_entry(
          self, Primitive::Kv, key,
          [](store::SpaceStore& s, const std::string& k) { return registering(s, s.kv_delete(k)); },
          key);
    },
    [=](kv_list_atom, const ListOptions& opts) -> caf::result<std::vector<std::string>> {
      if (auto held = admit<std::vector<std::string>>(self, guard()))
        return std::move(*held);
      return read_under(self, Primitive::Kv, opts.prefix,
                     [=] { return self->state.store->kv_list(opts); });
    },
    [=](kv_scan_atom, const ListOptions& opts) -> caf::result<ScanPage> {
      if (auto held = admit<ScanPage>(self, guard()))
        return std::move(*held);
      return read_under(self, Primitive::Kv, opts.prefix,
                        [=] { return self->state.store->kv_scan(opts); });
    },
    [=](kv_scan_at_atom, const ListOptions& opts, uint64_t as_of) -> caf::result<ScanPage> {
      if (auto held = admit<ScanPage>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of,
                              [=] { return self->state.store->kv_scan_at(opts, as_of); });
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
      return write_entries(self, Primitive::Kv, entries,
                           [](store::SpaceStore& s, const auto& es) { return s.kv_batch_put(es); });
    },
    // -- state cells --
    [=](state_set_atom, const std::string& cell, const Value& value) -> caf::result<WriteInfo> {
      if (auto held = admit<WriteInfo>(self, guard()))
        return std::move(*held);
      return write_entry(
          self, Primitive::State, cell,
          [](store::SpaceStore& s, const std::string& c, const Value& v) { return s.state_set(c, v); },
          cell, value);
    },
    [=](state_batch_atom,
        const std::vector<KvEntry>& entries) -> caf::result<std::vector<BatchItemResult>> {
      if (auto held = admit<std::vector<BatchItemResult>>(self, guard()))
        return std::move(*held);
      return write_entries(
          self, Primitive::State, entries,
          [](store::SpaceStore& s, const auto& es) { return s.state_batch_set(es); });
    },
    [=](state_get_atom, const std::string& cell) -> caf::result<MaybeVersioned> {
      if (auto held = admit<MaybeVersioned>(self, guard()))
        return std::move(*held);
      return read_entry_with(
          self, Primitive::State, cell,
          [](store::SpaceStore& s, const std::string& c) { return maybe(s.state_get(c)); }, cell);
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
      return read_entry(self, Primitive::State, cell,
                     [=] { return maybe(self->state.store->state_getv(cell)); });
    },
    [=](state_init_atom, const std::string& cell, const Value& value) -> caf::result<WriteInfo> {
      if (auto held = admit<WriteInfo>(self, guard()))
        return std::move(*held);
      return write_on(self, {{Primitive::State, cell}}, [=] { return self->state.store->state_init(cell, value); });
    },
    [=](state_cas_atom, const std::string& cell, bool has_expected, uint64_t expected,
        const Value& value) -> caf::result<CasOutcome> {
      if (auto held = admit<CasOutcome>(self, guard()))
        return std::move(*held);
      return write_entry(
          self, Primitive::State, cell,
          [](store::SpaceStore& s, const std::string& c, bool has, uint64_t exp, const Value& v) {
            return s.state_cas(c, has ? std::optional<uint64_t>{exp} : std::nullopt, v);
          },
          cell, has_expected, expected, value);
    },
    [=](state_del_atom, const std::string& cell) -> caf::result<WriteInfo> {
      if (auto held = admit<WriteInfo>(self, guard()))
        return std::move(*held);
      return write_on(self, {{Primitive::State, cell}}, [=] {
        return registering(*self->state.store, self->state.store->state_delete(cell));
      });
    },
    [=](state_list_atom, const std::string& prefix) -> caf::result<std::vector<std::string>> {
      if (auto held = admit<std::vector<std::string>>(self, guard()))
        return std::move(*held);
      return read_under(self, Primitive::State, prefix,
                     [=] { return self->state.store->state_list(prefix); });
    },
    // -- JSON documents --
    [=](json_set_atom, const std::string& key, const std::string& path,
        const Value& value) -> caf::result<WriteInfo> {
      if (auto held = admit<WriteInfo>(self, guard()))
        return std::move(*held);
      return write_entry(
          self, Primitive::Json, key,
          [](store::SpaceStore& s, const std::string& k, const std::string& p, const Value& v) {
            return s.json_set(k, p, v);
          },
          key, path, value);
    },
    [=](json_batch_atom,
        const std::vector<JsonEntry>& entries) -> caf::result<std::vector<BatchItemResult>> {
      if (auto held = admit<std::vector<BatchItemResult>>(self, guard()))
        return std::move(*held);
      return write_entries(
          self, Primitive::Json, entries,
          [](store::SpaceStore& s, const auto& es) { return s.json_batch_set(es); });
    },
    [=](json_get_atom, const std::string& key, const std::string& path) -> caf::result<MaybeValue> {
      if (auto held = admit<MaybeValue>(self, guard()))
        return std::move(*held);
      return read_entry_with(
          self, Primitive::Json, key,
          [](store::SpaceStore& s, const std::string& k, const std::string& p) {
            return maybe(s.json_get(k, p));
          },
          key, path);
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
      return read_entry(self, Primitive::Json, key,
                     [=] { return maybe(self->state.store->json_get_document(key)); });
    },
    [=](json_getv_atom, const std::string& key) -> caf::result<MaybeHistory> {
      if (auto held = admit<MaybeHistory>(self, guard()))
        return std::move(*held);
      return read_entry(self, Primitive::Json, key,
                     [=] { return maybe(self->state.store->json_getv(key)); });
    },
    [=](json_del_atom, const std::string& key, const std::string& path) -> caf::result<WriteInfo> {
      if (auto held = admit<WriteInfo>(self, guard()))
        return std::move(*held);
      return write_on(self, {{Primitive::Json, key}}, [=] {
        return registering(*self->state.store, self->state.store->json_delete(key, path));
      });
    },
    [=](json_list_atom, const ListOptions& opts) -> caf::result<JsonPageMsg> {
      if (auto held = admit<JsonPageMsg>(self, guard()))
        return std::move(*held);
      return read_under(self, Primitive::Json, opts.prefix, [=]() -> result<JsonPageMsg> {
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
      return write_on_collection(self, name, [=] {
        return self->state.store->vector_create_collection(name, dimension, metric,
                                                          static_cast<store::IndexKind>(kind));
      });
    },
    [=](vec_drop_atom, const std::string& name) -> caf::result<bool> {
      if (auto held = admit<bool>(self, guard()))
        return std::move(*held);
      return write_on_collection(self, name, [=] {
        auto& store = *self->state.store;
        return registering(store, store.vector_delete_collection(name));
      });
    },
    [=](vec_colls_atom) -> caf::result<std::vector<CollectionInfo>> {
      if (auto held = admit<std::vector<CollectionInfo>>(self, guard()))
        return std::move(*held);
      return read_under(self, Primitive::Collection, "",
                        [=] { return self->state.store->vector_list_collections(); });
    },
    [=](vec_stats_atom, const std::string& name) -> caf::result<CollectionInfo> {
      if (auto held = admit<CollectionInfo>(self, guard()))
        return std::move(*held);
      return read_under(self, Primitive::Vector, vector_entry_key(name, ""),
                        [=] { return self->state.store->vector_collection_stats(name); });
    },
    [=](vec_upsert_atom, const std::string& coll, const VectorUpsert& v) -> caf::result<WriteInfo> {
      if (auto held = admit<WriteInfo>(self, guard()))
        return std::move(*held);
      return write_on(self, vector_keys(coll, {v.key}), [=] {
        return self->state.store->vector_upsert(coll, v.key, v.embedding, v.metadata);
      });
    },
    [=](vec_batch_atom, const std::string& coll,
        const std::vector<VectorUpsert>& entries) -> caf::result<std::vector<uint64_t>> {
      if (auto held = admit<std::vector<uint64_t>>(self, guard()))
        return std::move(*held);
      std::vector<std::string_view> keys;
      for (const auto& e : entries)
        keys.push_back(e.key);
      return write_on(self, vector_keys(coll, keys),
                      [=] { return self->state.store->vector_batch_upsert(coll, entries); });
    },
    [=](vec_get_atom, const std::string& coll,
        const std::string& key) -> caf::result<MaybeVectorEntry> {
      if (auto held = admit<MaybeVectorEntry>(self, guard()))
        return std::move(*held);
      return read_entry(self, Primitive::Vector, vector_entry_key(coll, key),
                        [=]() -> result<MaybeVectorEntry> {
                          auto r = self->state.store->vector_get(coll, key);
                          if (!r)
                            return std::move(r.error());
                          return MaybeVectorEntry::from(std::move(*r));
                        });
    },
    [=](vec_get_at_atom, const std::string& coll, const std::string& key,
        uint64_t as_of) -> caf::result<MaybeVectorEntry> {
      if (auto held = admit<MaybeVectorEntry>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of, [=]() -> result<MaybeVectorEntry> {
        auto r = self->state.store->vector_get_at(coll, key, as_of);
        if (!r)
          return std::move(r.error());
        return MaybeVectorEntry::from(std::move(*r));
      });
    },
    [=](vec_del_atom, const std::string& coll, const std::string& key) -> caf::result<WriteInfo> {
      if (auto held = admit<WriteInfo>(self, guard()))
        return std::move(*held);
      return write_on(self, vector_keys(coll, {key}),
                      [=] { return self->state.store->vector_delete(coll, key); });
    },
    [=](vec_keys_atom, const std::string& coll) -> caf::result<std::vector<std::string>> {
      if (auto held = admit<std::vector<std::string>>(self, guard()))
        return std::move(*held);
      return read_under(self, Primitive::Vector, vector_entry_key(coll, ""),
                        [=] { return self->state.store->vector_keys(coll); });
    },
    [=](vec_search_atom, const std::string& coll, const std::vector<float>& query, uint64_t k,
        const MetadataFilter& filter) -> caf::result<std::vector<VectorMatch>> {
      if (auto held = admit<std::vector<VectorMatch>>(self, guard()))
        return std::move(*held);
      return read_under(self, Primitive::Vector, vector_entry_key(coll, ""),
                        [=] { return self->state.store->vector_search(coll, query, k, filter); });
    },
    [=](vec_search_at_atom, const std::string& coll, const std::vector<float>& query, uint64_t k,
        const MetadataFilter& filter, uint64_t as_of) -> caf::result<std::vector<VectorMatch>> {
      if (auto held = admit<std::vector<VectorMatch>>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of, [=] {
        return self->state.store->vector_search_at(coll, query, k, filter, as_of);
      });
    },
    [=](vec_colls_at_atom, const std::string& name, uint64_t as_of,
        bool counts) -> caf::result<std::vector<CollectionInfo>> {
      if (auto held = admit<std::vector<CollectionInfo>>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of, [=] {
        return self->state.store->vector_collections_at(name, as_of, counts);
      });
    },
    [=](vec_keys_at_atom, const std::string& coll,
        uint64_t as_of) -> caf::result<std::vector<std::string>> {
      if (auto held = admit<std::vector<std::string>>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of,
                              [=] { return self->state.store->vector_keys_at(coll, as_of); });
    },
    [=](state_list_at_atom, const std::string& prefix,
        uint64_t as_of) -> caf::result<std::vector<std::string>> {
      if (auto held = admit<std::vector<std::string>>(self, guard()))
        return std::move(*held);
      return read_at_snapshot(self, as_of,
                              [=] { return self->state.store->state_list_at(prefix, as_of); });
    },
    // -- event log --
    [=](event_append_atom, const std::string& type, const Value& payload) -> caf::result<WriteInfo> {
      if (auto held = admit<WriteInfo>(self, guard()))
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
    [=](event_range_atom, uint64_t from_seq, uint64_t to_seq,
        uint64_t limit) -> caf::result<std::vector<Event>> {
      if (auto held = admit<std::vector<Event>>(self, guard()))
        return std::move(*held);
      return read_events(self, [=] { return self->state.store->event_range(from_seq, to_seq, limit); });
    },
    [=](event_verify_atom) -> caf::result<ChainVerification> {
      if (auto held = admit<ChainVerification>(self, guard()))
        return std::move(*held);
      return read_events(self,
                     [=] { return self->state.store->event_verify_chain(); });
    },
    [=](space_time_range_atom) -> caf::result<std::vector<uint64_t>> {
      if (auto held = admit<std::vector<uint64_t>>(self, guard()))
        return std::move(*held);
      // Waits, as a read of the whole space, for prepared transactions'
      // decisions: a commit already visible in another space counts.
      return read_on(self, [self] { return !self->state.txns.empty(); },
                     [self]() -> result<std::vector<uint64_t>> {
                       auto r = self->state.store->time_range();
                       if (!r)
                         return r.error();
                       if (!*r)
                         return std::vector<uint64_t>{};
                       return std::vector<uint64_t>{(*r)->first, (*r)->second};
                     });
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
      return commit_one_phase(self, work);
    },
    [=](txn_prepare_atom, const TxnTicket& ticket, const TxnWork& work) -> caf::result<bool> {
      if (auto held = admit<bool>(self, guard()))
        return std::move(*held);
      return prepare(self, ticket, work);
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
      return status(self, txn_id);
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
    [=](synced_atom, uint64_t covered, const caf::error& err) { synced_through(self, covered, err); },
    [=](log_synced_atom, uint64_t n, const caf::error& err) { log_synced(self, n, err); },
    [=](space_dump_atom) -> caf::result<std::vector<StoredPair>> {
      if (auto held = admit<std::vector<StoredPair>>(self, guard()))
        return std::move(*held);
      return self->state.store->dump();
    },
    [=](space_copy_atom, const std::string& dest_dir) -> caf::result<std::vector<uint64_t>> {
      if (auto held = admit<std::vector<uint64_t>>(self, guard()))
        return std::move(*held);
      // A fork: a transaction prepared here may be applied in another
      // space already, and its vote is not copied, so nothing in the fork
      // could finish it.
      return when_nothing_prepared<std::vector<uint64_t>>(
          self, [self, dest_dir]() -> result<std::vector<uint64_t>> {
            auto copied = self->state.store->copy_to(dest_dir);
            if (!copied)
              return copied.error();
            if (!*copied)
              return std::vector<uint64_t>{};
            return std::vector<uint64_t>{**copied};
          });
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
      return when_nothing_prepared<bool>(self,
                                         [self, force] { return drop_space(self, force); });
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

