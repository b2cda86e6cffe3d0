// strata::Session: buffers a transaction's writes, serves its reads from the
// snapshot plus its own writes, and commits through one space (one phase)
// or the branch's coordinator (two phases).

#include "strata/session.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>

#include "exec.hpp"
#include "handle_impl.hpp"
#include "strata/command.hpp"
#include "strata/messages/txn_types.hpp"
#include "strata/messages/json_path.hpp"
#include "strata/messages/limits.hpp"
#include "strata/store/vector_index.hpp"

namespace strata {

namespace detail {

/// A transaction's buffered work in one space, and what it lets the
/// transaction read back.
struct SpaceTxn {
  TxnWork work;
  /// (tag, key) -> value after this transaction's writes; empty = deleted.
  std::map<std::pair<Primitive, std::string>, std::optional<Value>> written;
  /// (tag, key) -> the version the next write will get (known once the
  /// transaction wrote the key, or read it and found it).
  std::map<std::pair<Primitive, std::string>, uint64_t> next_version;
  bool event_base_known = false;
  uint64_t event_base = 0;  ///< events visible at the snapshot
  std::vector<Value> appended;  ///< this transaction's event payloads
  std::map<std::string, CollectionView, std::less<>> collections;
};

/// A vector collection as a transaction sees it.
struct CollectionView {
  std::string name;
  std::optional<CollectionInfo> info;  ///< empty: absent in the transaction's view
  /// Created or dropped by the transaction: none of the snapshot's vectors
  /// are in it.
  bool fresh = false;
  /// Its own upserts by key (empty = deleted).
  std::map<std::string, std::optional<VectorUpsert>> own;
};

struct TxnState {
  uint64_t snapshot = 0;
  bool read_only = false;
  std::map<std::string, SpaceTxn> spaces;
};

}  // namespace detail

namespace {

constexpr uint64_t latest = std::numeric_limits<uint64_t>::max();

caf::error not_active() {
  return make_error(errc::TransactionNotActive, "no active transaction");
}

caf::error read_only_write() {
  return make_error(errc::InvalidInput, "write in a read-only transaction");
}

}  // namespace

template <class... Ts>
auto Session::call(const std::string& space, const Ts&... xs) {
  return handle_->on_space_named(space, xs...);
}

Session::Session(std::unique_ptr<detail::HandleImpl> handle) : handle_(std::move(handle)) {
}

Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
// An open transaction is simply dropped (a node's: rolled back there, as
// best it can be; the node also rolls back what a lost client left open).
Session::~Session() {
  if (handle_ && handle_->remote && remote_txn_ != 0)
    (void)handle_->remote_run(cmd::Rollback{Target{handle_->branch, handle_->space, remote_txn_}});
}

namespace {

// A read outside a transaction on a branch that does not exist finds
// nothing, as the handle's (SPEC 3.2): the reply's empty value.
template <class R>
R empty_if_branch_missing(R r) {
  if (!r && is(r.error(), errc::BranchNotFound))
    return R{typename R::value_type{}};
  return r;
}

}  // namespace

template <class C>
auto Session::remote(C c) {
  c.at = Target{handle_->branch, handle_->space, remote_txn_};
  return handle_->remote_run(std::move(c));
}

bool Session::in_transaction() const {
  return txn_ != nullptr || remote_txn_ != 0;
}

uint64_t Session::last_commit_timestamp() const {
  return last_commit_ts_;
}

const std::string& Session::current_space() const {
  return handle_->space;
}

const std::string& Session::current_branch() const {
  return handle_->branch;
}

result<void> Session::set_space(std::string_view name) {
  return handle_->set_space(name);
}

result<void> Session::set_branch(std::string_view name) {
  // A transaction never spans branches (SPEC 6.4).
  if (in_transaction())
    return make_error(errc::InvalidInput,
                      "cannot switch branches inside a transaction (commit or rollback first)");
  return handle_->set_branch(name);
}

using detail::to_void;
using detail::removed_count;
using detail::version_of;
using detail::wrote;

result<void> Session::begin() {
  if (in_transaction())
    return make_error(errc::TransactionAlreadyActive, "transaction already active");
  // On a database opened read-only only a read-only transaction may begin.
  if (auto err = refuse_if_read_only(handle_->db.get(), "Begin"))
    return err;
  if (handle_->remote) {
    auto id = remote(cmd::Begin{{}, false});
    if (!id)
      return id.error();
    remote_txn_ = *id;
    return {};
  }
  // The same start as a read-only transaction's; this one may write.
  if (auto r = begin_read_only(); !r)
    return r;
  txn_->read_only = false;
  return {};
}

result<void> Session::begin_read_only() {
  if (in_transaction())
    return make_error(errc::TransactionAlreadyActive, "transaction already active");
  if (handle_->remote) {
    auto id = remote(cmd::Begin{{}, true});
    if (!id)
      return id.error();
    remote_txn_ = *id;
    return {};
  }
  auto snap = handle_->snapshot();
  if (!snap)
    return snap.error();
  txn_ = std::make_unique<detail::TxnState>();
  txn_->snapshot = *snap;
  txn_->read_only = true;
  return {};
}

result<void> Session::rollback() {
  if (remote_txn_ != 0) {
    auto r = remote(cmd::Rollback{});
    remote_txn_ = 0;
    return to_void(std::move(r));
  }
  if (!txn_)
    return not_active();
  txn_.reset();
  return {};
}

result<void> Session::commit() {
  if (remote_txn_ != 0) {
    auto r = remote(cmd::Commit{});
    remote_txn_ = 0;  // the transaction ends whatever the outcome
    return to_void(std::move(r));
  }
  if (!txn_)
    return not_active();
  auto txn = std::move(txn_);
  std::vector<TxnPart> parts;
  bool writes = false;
  for (auto& [space, st] : txn->spaces) {
    st.work.snapshot = txn->snapshot;
    writes = writes || !st.work.ops.empty();
  }
  // A transaction that only read always commits.
  if (!writes) {
    last_commit_ts_ = 0;
    return {};
  }
  for (auto& [space, st] : txn->spaces) {
    if (st.work.ops.empty() && st.work.reads.empty())
      continue;
    auto actor = handle_->space_actor(space);
    if (!actor)
      return actor.error();
    parts.push_back(TxnPart{space, caf::actor_cast<caf::actor>(*actor), std::move(st.work)});
  }
  // Both commits wait for the disk: a two-space commit for its
  // participants' PREPARED records, a one-space commit in always
  // durability for its own writes.
  if (parts.size() == 1) {
    bool durable = handle_->db->options().durability == Durability::Always;
    auto ts = durable ? handle_->on_space_named<true>(parts[0].space, txn_commit1_atom::value,
                                                      parts[0].work)
                      : call(parts[0].space, txn_commit1_atom::value, parts[0].work);
    if (!ts)
      return ts.error();
    last_commit_ts_ = *ts;
    return {};
  }
  auto ts = handle_->on_coordinator_durable(txn_commit_atom::value, std::move(parts));
  if (!ts)
    return ts.error();
  last_commit_ts_ = *ts;
  return {};
}

// -- helpers for reads inside a transaction ------------------------------------

namespace {

using Key = std::pair<Primitive, std::string>;

// A read of the snapshot's vectors of a collection the transaction sees
// (it existed at the snapshot) that finds no collection: another writer
// dropped it since, and its stored vectors with it, so the snapshot can no
// longer be read. That is a conflict (the commit would fail on the
// collection's config anyway), not a missing collection.
template <class R>
R dropped_is_conflict(R r, const std::string& name) {
  if (!r && is(r.error(), errc::CollectionNotFound))
    return R{make_error(errc::TransactionConflict,
                        "collection '" + name +
                            "' was dropped after the transaction's snapshot")};
  return r;
}

// A buffered write's answer: its version, and timestamp 0 until the commit
// decides it (last_commit_timestamp).
result<WriteInfo> buffered(result<uint64_t>&& version) {
  if (!version)
    return std::move(version.error());
  return WriteInfo{*version, 0};
}

}  // namespace

result<uint64_t> Session::buffer_write(detail::SpaceTxn& st, Primitive tag, const std::string& key,
                                      std::optional<Value> after, TxnOp op) {
  if (txn_->read_only)
    return read_only_write();
  Key id{tag, key};
  auto it = st.next_version.find(id);
  if (it == st.next_version.end()) {
    // The newest record's version, a deletion's included; a blind write
    // records no read.
    auto head = call(handle_->space, entry_version_atom::value, tag, key);
    if (!head)
      return head.error();
    it = st.next_version.emplace(id, *head + 1).first;
  }
  // Each write takes a number, as outside a transaction; the commit stores
  // the entry's last one (SpaceStore::txn_apply).
  uint64_t version = it->second++;
  st.written[id] = std::move(after);
  st.work.ops.push_back(std::move(op));
  return version;
}

// -- KV ---------------------------------------------------------------------------

result<uint64_t> Session::buffered_set(Primitive tag, std::string_view key, Value value) {
  if (auto err = validate_entry(key, value, handle_->db->options().limits))
    return err;
  auto& st = txn_->spaces[handle_->space];
  std::string k(key);
  TxnOp op{tag == Primitive::Kv ? TxnOpKind::KvPut : TxnOpKind::StateSet, k, {}, value, false, 0};
  return buffer_write(st, tag, k, value, std::move(op));
}

result<uint64_t> Session::kv_put(std::string_view key, Value value) {
  return version_of(kv_put_versioned(key, std::move(value)));
}

result<WriteInfo> Session::kv_put_versioned(std::string_view key, Value value) {
  if (handle_->remote)
    return remote(cmd::KvPut{{}, std::string(key), std::move(value)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "KvPut"))
    return err;
  if (!txn_)
    return call(handle_->space, kv_put_atom::value, std::string(key), value);
  return buffered(buffered_set(Primitive::Kv, key, std::move(value)));
}

result<std::optional<VersionedValue>> Session::txn_get(Primitive tag, std::string_view key) {
  auto& st = txn_->spaces[handle_->space];
  Key id{tag, std::string(key)};
  if (auto it = st.written.find(id); it != st.written.end()) {
    if (!it->second)
      return std::optional<VersionedValue>{};
    return std::optional<VersionedValue>{VersionedValue{*it->second, st.next_version[id] - 1, 0}};
  }
  auto r = tag == Primitive::Kv ? call(handle_->space, kv_get_at_atom::value, id.second, txn_->snapshot)
                      : call(handle_->space, state_get_at_atom::value, id.second, txn_->snapshot);
  if (!r)
    return r.error();
  st.work.reads.push_back(TxnRead{tag, id.second, {}, false});
  auto found = std::move(*r).to_optional();
  // A later write of the key gets the next version: had anyone committed
  // the key after the snapshot, this read would fail the commit anyway.
  // (An absent key may have been deleted, whose version goes on from the
  // last one: that write still asks the space.)
  if (found)
    st.next_version.emplace(id, found->version + 1);
  return found;
}

result<WriteInfo> Session::buffered_delete(Primitive tag, std::string_view key) {
  if (auto err = validate_key(key, handle_->db->options().limits))
    return err;
  auto cur = txn_get(tag, key);
  if (!cur)
    return cur.error();
  auto& st = txn_->spaces[handle_->space];
  std::string k(key);
  TxnOp op{tag == Primitive::Kv ? TxnOpKind::KvDelete : TxnOpKind::StateDelete, k, {}, Value{}, false, 0};
  auto r = buffer_write(st, tag, k, std::nullopt, std::move(op));
  if (!r)
    return r.error();
  // Nothing was live: the delete answers as one outside a transaction.
  return cur->has_value() ? WriteInfo{*r, 0} : WriteInfo{};
}

result<std::optional<Value>> Session::kv_get(std::string_view key) {
  if (handle_->remote)
    return remote(cmd::KvGet{{}, std::string(key)});
  if (!txn_) {
    auto r = empty_if_branch_missing(call(handle_->space, kv_get_atom::value, std::string(key)));
    if (!r)
      return r.error();
    return r->found ? std::optional<Value>{std::move(r->value.value)} : std::nullopt;
  }
  auto v = txn_get(Primitive::Kv, key);
  if (!v)
    return v.error();
  return *v ? std::optional<Value>{std::move((*v)->value)} : std::nullopt;
}

result<bool> Session::kv_delete(std::string_view key) {
  return wrote(kv_delete_versioned(key));
}

result<WriteInfo> Session::kv_delete_versioned(std::string_view key) {
  if (handle_->remote)
    return remote(cmd::KvDelete{{}, std::string(key)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "KvDelete"))
    return err;
  if (!txn_)
    return call(handle_->space, kv_del_atom::value, std::string(key));
  return buffered_delete(Primitive::Kv, key);
}

template <class ListAtAtom>
result<std::vector<std::string>> Session::txn_keys(Primitive tag, std::string_view prefix) {
  std::string p(prefix);
  auto& st = txn_->spaces[handle_->space];
  auto keys = call(handle_->space, ListAtAtom::value, p, txn_->snapshot);
  if (!keys)
    return keys.error();
  st.work.reads.push_back(TxnRead{tag, p, {}, true});
  std::map<std::string, bool> merged;
  for (auto& k : *keys)
    merged[k] = true;
  for (auto& [key, value] : st.written)
    if (key.first == tag && key.second.compare(0, p.size(), p) == 0)
      merged[key.second] = value.has_value();
  std::vector<std::string> out;
  for (auto& [k, live] : merged)
    if (live)
      out.push_back(k);
  return out;
}

result<std::vector<std::string>> Session::kv_list(std::optional<std::string_view> prefix) {
  if (handle_->remote)
    return remote(cmd::KvList{{}, prefix ? std::optional<std::string>(std::string(*prefix)) : std::nullopt});
  if (!txn_) {
    ListOptions opts;
    opts.prefix = std::string(prefix.value_or(""));
    return empty_if_branch_missing(call(handle_->space, kv_list_atom::value, opts));
  }
  return txn_keys<kv_list_at_atom>(Primitive::Kv, prefix.value_or(""));
}

result<std::vector<std::string>> Session::state_list(std::optional<std::string_view> prefix) {
  if (handle_->remote)
    return remote(cmd::StateList{{}, prefix ? std::optional<std::string>(std::string(*prefix)) : std::nullopt});
  if (!txn_)
    return empty_if_branch_missing(
        call(handle_->space, state_list_atom::value, std::string(prefix.value_or(""))));
  return txn_keys<state_list_at_atom>(Primitive::State, prefix.value_or(""));
}

result<JsonListPage> Session::json_list(std::optional<std::string_view> prefix,
                                       std::optional<std::string_view> cursor, uint64_t limit) {
  auto opt = [](std::optional<std::string_view> v) {
    return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
  };
  if (handle_->remote)
    return remote(cmd::JsonList{{}, opt(prefix), opt(cursor), limit});
  if (!txn_) {
    auto r = empty_if_branch_missing(
        call(handle_->space, json_list_atom::value,
             ListOptions{std::string(prefix.value_or("")), opt(cursor), limit}));
    if (!r)
      return r.error();
    return detail::convert::page(std::move(*r));
  }
  auto keys = txn_keys<json_list_at_atom>(Primitive::Json, prefix.value_or(""));
  if (!keys)
    return keys.error();
  JsonListPage page;
  if (limit == 0)
    return page;
  for (auto& k : *keys) {
    if (cursor && k <= *cursor)
      continue;
    if (page.keys.size() >= limit) {
      page.cursor = page.keys.back();
      break;
    }
    page.keys.push_back(std::move(k));
  }
  return page;
}

namespace {

// Runs `one(item)` for each item; its version, or its error, per item.
template <class Item, class F>
std::vector<BatchItemResult> each_item(std::vector<Item>& items, F one) {
  std::vector<BatchItemResult> out;
  out.reserve(items.size());
  for (auto& item : items) {
    auto r = one(item);
    out.push_back(r ? BatchItemResult{*r, {}} : BatchItemResult{std::nullopt, r.error()});
  }
  return out;
}

}  // namespace

result<std::vector<BatchItemResult>> Session::kv_batch_put(std::vector<KvEntry> entries) {
  if (handle_->remote)
    return remote(cmd::KvBatchPut{{}, std::move(entries)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "KvBatchPut"))
    return err;
  if (!txn_)
    return call(handle_->space, kv_batch_atom::value, entries);
  return each_item(entries, [this](KvEntry& e) { return kv_put(e.key, std::move(e.value)); });
}

result<std::vector<BatchItemResult>> Session::state_batch_set(std::vector<KvEntry> entries) {
  if (handle_->remote)
    return remote(cmd::StateBatchSet{{}, std::move(entries)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "StateBatchSet"))
    return err;
  if (!txn_)
    return call(handle_->space, state_batch_atom::value, entries);
  return each_item(entries, [this](KvEntry& e) { return state_set(e.key, std::move(e.value)); });
}

result<std::vector<BatchItemResult>> Session::event_batch_append(std::vector<EventEntry> entries) {
  if (handle_->remote)
    return remote(cmd::EventBatchAppend{{}, std::move(entries)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "EventBatchAppend"))
    return err;
  if (!txn_)
    return call(handle_->space, event_batch_atom::value, entries);
  return each_item(entries, [this](EventEntry& e) {
    return event_append(e.type, std::move(e.payload));
  });
}

result<std::vector<BatchItemResult>> Session::json_batch_set(std::vector<JsonEntry> entries) {
  if (handle_->remote)
    return remote(cmd::JsonBatchSet{{}, std::move(entries)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "JsonBatchSet"))
    return err;
  if (!txn_)
    return call(handle_->space, json_batch_atom::value, entries);
  return each_item(entries, [this](JsonEntry& e) {
    return json_set(e.key, e.path, std::move(e.value));
  });
}

result<ScanPage> Session::kv_scan(const ListOptions& opts) {
  if (handle_->remote)
    return remote(cmd::KvScan{{}, opts});
  if (!txn_)
    return empty_if_branch_missing(call(handle_->space, kv_scan_atom::value, opts));
  uint64_t limit = opts.limit.value_or(default_scan_limit);
  if (limit > max_scan_limit)
    return make_error(errc::ConstraintViolation, "scan limit " + std::to_string(limit) +
                                                     " exceeds the maximum of " +
                                                     std::to_string(max_scan_limit));
  // The transaction's keys (a range read), then each entry as it sees it.
  auto keys = kv_list(opts.prefix);
  if (!keys)
    return keys.error();
  ScanPage page;
  if (limit == 0)
    return page;
  for (auto& key : *keys) {
    if (opts.cursor && key <= *opts.cursor)
      continue;
    if (page.items.size() >= limit) {
      page.cursor = page.items.back().key;
      break;
    }
    auto v = txn_get(Primitive::Kv, key);
    if (!v)
      return v.error();
    if (*v)
      page.items.push_back(KeyValue{std::move(key), std::move((*v)->value), (*v)->version,
                                    (*v)->timestamp});
  }
  return page;
}

// -- events -----------------------------------------------------------------------

result<uint64_t> Session::event_base(detail::SpaceTxn& st) {
  if (!st.event_base_known) {
    auto n = call(handle_->space, event_len_at_atom::value, txn_->snapshot);
    if (!n)
      return n.error();
    st.event_base = *n;
    st.event_base_known = true;
  }
  return st.event_base;
}

result<uint64_t> Session::event_append(std::string_view type, Value payload) {
  return version_of(event_append_versioned(type, std::move(payload)));
}

result<WriteInfo> Session::event_append_versioned(std::string_view type, Value payload) {
  if (handle_->remote)
    return remote(cmd::EventAppend{{}, std::string(type), std::move(payload)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "EventAppend"))
    return err;
  if (!txn_)
    return call(handle_->space, event_append_atom::value, std::string(type), payload);
  if (txn_->read_only)
    return read_only_write();
  if (auto err = validate_event(type, payload, handle_->db->options().limits))
    return err;
  auto& st = txn_->spaces[handle_->space];
  auto base = event_base(st);
  if (!base)
    return base.error();
  st.work.ops.push_back(TxnOp{TxnOpKind::EventAppend, {}, std::string(type), payload, false, 0});
  st.appended.push_back(std::move(payload));
  return WriteInfo{*base + st.appended.size(), 0};
}

result<std::optional<VersionedValue>> Session::event_get(uint64_t seq) {
  if (handle_->remote)
    return remote(cmd::EventGet{{}, seq});
  auto fetch = [&]() -> result<std::optional<VersionedValue>> {
    auto r = empty_if_branch_missing(call(handle_->space, event_get_atom::value, seq));
    if (!r)
      return r.error();
    if (!r->found || (txn_ && r->value.timestamp > txn_->snapshot))
      return std::optional<VersionedValue>{};
    return std::optional<VersionedValue>{
        VersionedValue{std::move(r->value.payload), r->value.sequence, r->value.timestamp}};
  };
  if (!txn_)
    return fetch();
  auto& st = txn_->spaces[handle_->space];
  auto base = event_base(st);
  if (!base)
    return base.error();
  if (seq > *base && seq <= *base + st.appended.size())
    return std::optional<VersionedValue>{VersionedValue{st.appended[seq - *base - 1], seq, 0}};
  return fetch();
}

result<uint64_t> Session::event_len() {
  if (handle_->remote)
    return remote(cmd::EventLen{});
  if (!txn_)
    return empty_if_branch_missing(call(handle_->space, event_len_atom::value));
  auto& st = txn_->spaces[handle_->space];
  auto base = event_base(st);
  if (!base)
    return base.error();
  return *base + st.appended.size();
}

// -- state cells ------------------------------------------------------------------

result<std::optional<VersionedValue>> Session::state_get_versioned(std::string_view cell) {
  if (handle_->remote)
    return remote(cmd::StateGetVersioned{{}, std::string(cell)});
  if (!txn_) {
    auto r =
        empty_if_branch_missing(call(handle_->space, state_get_atom::value, std::string(cell)));
    if (!r)
      return r.error();
    return std::move(*r).to_optional();
  }
  return txn_get(Primitive::State, cell);
}

result<std::optional<Value>> Session::state_get(std::string_view cell) {
  if (handle_->remote)
    return remote(cmd::StateGet{{}, std::string(cell)});
  auto v = state_get_versioned(cell);
  if (!v)
    return v.error();
  if (!*v)
    return std::optional<Value>{};
  return std::optional<Value>{std::move((*v)->value)};
}

result<uint64_t> Session::state_set(std::string_view cell, Value value) {
  return version_of(state_set_versioned(cell, std::move(value)));
}

result<WriteInfo> Session::state_set_versioned(std::string_view cell, Value value) {
  if (handle_->remote)
    return remote(cmd::StateSet{{}, std::string(cell), std::move(value)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "StateSet"))
    return err;
  if (!txn_)
    return call(handle_->space, state_set_atom::value, std::string(cell), value);
  return buffered(buffered_set(Primitive::State, cell, std::move(value)));
}

result<uint64_t> Session::state_init(std::string_view cell, Value value) {
  return version_of(state_init_versioned(cell, std::move(value)));
}

result<WriteInfo> Session::state_init_versioned(std::string_view cell, Value value) {
  if (handle_->remote)
    return remote(cmd::StateInit{{}, std::string(cell), std::move(value)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "StateInit"))
    return err;
  if (!txn_)
    return call(handle_->space, state_init_atom::value, std::string(cell), value);
  auto cur = state_get_versioned(cell);
  if (!cur)
    return cur.error();
  if (*cur)  // the cell as the transaction sees it (its own write: timestamp 0)
    return WriteInfo{(*cur)->version, (*cur)->timestamp};
  auto& st = txn_->spaces[handle_->space];
  std::string c(cell);
  return buffered(
      buffer_write(st, Primitive::State, c, value, TxnOp{TxnOpKind::StateInit, c, {}, value, false, 0}));
}

result<std::optional<uint64_t>> Session::state_cas(std::string_view cell,
                                                   std::optional<uint64_t> expected, Value value) {
  if (handle_->remote)
    return remote(cmd::StateCas{{}, std::string(cell), expected, std::move(value)});
  auto r = state_cas_detailed(cell, expected, std::move(value));
  if (!r)
    return r.error();
  return r->swapped ? std::optional<uint64_t>{r->version} : std::nullopt;
}

result<CasOutcome> Session::state_cas_detailed(std::string_view cell,
                                               std::optional<uint64_t> expected, Value value) {
  if (handle_->remote)
    return remote(cmd::StateCasDetailed{{}, std::string(cell), expected, std::move(value)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "StateCasDetailed"))
    return err;
  if (!txn_)
    return call(handle_->space, state_cas_atom::value, std::string(cell), expected.has_value(),
                expected.value_or(0), value);
  if (auto err = validate_entry(cell, value, handle_->db->options().limits))
    return err;
  auto& st = txn_->spaces[handle_->space];
  std::string c(cell);
  Key key{Primitive::State, c};
  bool own = st.written.count(key) != 0;
  auto cur = state_get_versioned(cell);
  if (!cur)
    return cur.error();
  const bool exists = cur->has_value();
  const uint64_t current_version = exists ? (*cur)->version : 0;
  bool hit = expected ? (exists && current_version == *expected) : !exists;
  if (!hit)  // a miss: nothing buffered
    return CasOutcome{false, 0, 0, std::move(*cur)};
  // Against the transaction's own write the check is done; against the
  // snapshot it is re-checked at commit.
  TxnOp op{own ? TxnOpKind::StateSet : TxnOpKind::StateCas, c, {}, value, expected.has_value(),
           expected.value_or(0)};
  auto v = buffer_write(st, Primitive::State, c, value, std::move(op));
  if (!v)
    return v.error();
  return CasOutcome{true, *v, 0, std::nullopt};  // the timestamp is the commit's
}

result<bool> Session::state_delete(std::string_view cell) {
  return wrote(state_delete_versioned(cell));
}

result<WriteInfo> Session::state_delete_versioned(std::string_view cell) {
  if (handle_->remote)
    return remote(cmd::StateDelete{{}, std::string(cell)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "StateDelete"))
    return err;
  if (!txn_)
    return call(handle_->space, state_del_atom::value, std::string(cell));
  return buffered_delete(Primitive::State, cell);
}

// -- JSON documents -----------------------------------------------------------------

result<std::optional<Value>> Session::document_view(detail::SpaceTxn& st, const std::string& key) {
  if (auto it = st.written.find({Primitive::Json, key}); it != st.written.end())
    return it->second;
  auto r = call(handle_->space, json_get_at_atom::value, key, std::string("$"), txn_->snapshot);
  if (!r)
    return r.error();
  return r->found ? std::optional<Value>{std::move(r->value)} : std::nullopt;
}

result<uint64_t> Session::json_set(std::string_view key, std::string_view path, Value value) {
  return version_of(json_set_versioned(key, path, std::move(value)));
}

result<WriteInfo> Session::json_set_versioned(std::string_view key, std::string_view path,
                                              Value value) {
  if (handle_->remote)
    return remote(cmd::JsonSet{{}, std::string(key), std::string(path), std::move(value)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "JsonSet"))
    return err;
  if (!txn_)
    return call(handle_->space, json_set_atom::value, std::string(key), std::string(path), value);
  if (txn_->read_only)
    return read_only_write();
  if (auto err = validate_key(key, handle_->db->options().limits))
    return err;
  auto parsed = JsonPath::parse(path);
  if (!parsed)
    return parsed.error();
  if (!all_finite(value))
    return make_error(errc::Serialization, "JSON documents cannot hold NaN or Infinity");
  auto& st = txn_->spaces[handle_->space];
  std::string k(key);
  auto doc = document_view(st, k);
  if (!doc)
    return doc.error();
  // Apply it to the transaction's view now, so that a bad path fails here.
  Value updated = *doc ? **doc : (parsed->is_root() ? Value{} : Value{Object{}});
  if (auto err = strata::json_set(updated, *parsed, value))
    return err;
  return buffered(buffer_write(st, Primitive::Json, k, updated,
                               TxnOp{TxnOpKind::JsonSet, k, parsed->to_string(), value, false, 0}));
}

result<std::optional<Value>> Session::json_get(std::string_view key, std::string_view path) {
  if (handle_->remote)
    return remote(cmd::JsonGet{{}, std::string(key), std::string(path)});
  if (!txn_) {
    auto r = empty_if_branch_missing(
        call(handle_->space, json_get_atom::value, std::string(key), std::string(path)));
    if (!r)
      return r.error();
    return r->found ? std::optional<Value>{std::move(r->value)} : std::nullopt;
  }
  auto parsed = JsonPath::parse(path);
  if (!parsed)
    return parsed.error();
  auto& st = txn_->spaces[handle_->space];
  std::string k(key);
  bool own = st.written.count({Primitive::Json, k}) != 0;
  auto doc = document_view(st, k);
  if (!doc)
    return doc.error();
  if (!own)
    st.work.reads.push_back(TxnRead{Primitive::Json, k, parsed->to_string(), false});
  if (!*doc)
    return std::optional<Value>{};
  const Value* at = strata::json_get(**doc, *parsed);
  return at ? std::optional<Value>{*at} : std::nullopt;
}

result<uint64_t> Session::json_delete(std::string_view key, std::string_view path) {
  return removed_count(json_delete_versioned(key, path));
}

result<WriteInfo> Session::json_delete_versioned(std::string_view key, std::string_view path) {
  if (handle_->remote)
    return remote(cmd::JsonDelete{{}, std::string(key), std::string(path)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "JsonDelete"))
    return err;
  if (!txn_)
    return call(handle_->space, json_del_atom::value, std::string(key), std::string(path));
  if (txn_->read_only)
    return read_only_write();
  auto parsed = JsonPath::parse(path);
  if (!parsed)
    return parsed.error();
  auto& st = txn_->spaces[handle_->space];
  std::string k(key);
  auto doc = document_view(st, k);
  if (!doc)
    return doc.error();
  if (!*doc)
    return WriteInfo{};
  std::optional<Value> after;
  if (!parsed->is_root()) {
    Value updated = **doc;
    if (strata::json_delete(updated, *parsed) == 0)
      return WriteInfo{};
    after = std::move(updated);
  }
  return buffered(buffer_write(st, Primitive::Json, k, std::move(after),
                               TxnOp{TxnOpKind::JsonDelete, k, parsed->to_string(), Value{},
                                     false, 0}));
}

// -- vector collections ---------------------------------------------------------------

namespace {

caf::error collection_not_found(std::string_view name) {
  return make_error(errc::CollectionNotFound, "collection not found: " + std::string(name));
}

// An embedding as the collection takes it (the store's own checks, made
// before anything is buffered).
caf::error check_embedding(const CollectionInfo& c, const std::vector<float>& embedding,
                           const Limits& limits) {
  if (embedding.size() > limits.max_vector_dim)
    return make_error(errc::ConstraintViolation,
                      "Vector dimension " + std::to_string(embedding.size()) +
                          " exceeds maximum " + std::to_string(limits.max_vector_dim));
  if (embedding.size() != c.dimension)
    return make_error(errc::DimensionMismatch, "dimension mismatch: expected " +
                                                   std::to_string(c.dimension) + ", got " +
                                                   std::to_string(embedding.size()));
  return {};
}

caf::error check_upsert(const CollectionInfo& c, const VectorUpsert& v, const Limits& limits) {
  if (auto err = validate_key(v.key, limits))
    return err;
  if (auto err = check_embedding(c, v.embedding, limits))
    return err;
  if (v.metadata)
    return validate_value(*v.metadata, limits);
  return {};
}

// What a transaction's upsert carries: the record without its index id.
Value upsert_value(const VectorUpsert& v) {
  Bytes bytes(v.embedding.size() * sizeof(float));
  std::memcpy(bytes.data(), v.embedding.data(), bytes.size());
  Object o;
  o.set("embedding", std::move(bytes));
  if (v.metadata)
    o.set("metadata", *v.metadata);
  return Value{std::move(o)};
}

}  // namespace

result<detail::CollectionView*> Session::collection_view(detail::SpaceTxn& st,
                                                        std::string_view name) {
  if (auto err = validate_collection_name(name))
    return err;
  if (auto it = st.collections.find(name); it != st.collections.end())
    return &it->second;
  std::string n(name);
  auto infos = call(handle_->space, vec_colls_at_atom::value, n, txn_->snapshot, false);
  if (!infos)
    return infos.error();
  st.work.reads.push_back(TxnRead{Primitive::Collection, n, {}, false});
  detail::CollectionView view;
  view.name = n;
  if (!infos->empty())
    view.info = std::move(infos->front());
  return &st.collections.emplace(n, std::move(view)).first->second;
}

result<detail::CollectionView*> Session::existing_collection(detail::SpaceTxn& st,
                                                            std::string_view name) {
  auto view = collection_view(st, name);
  if (view && !(*view)->info)
    return collection_not_found(name);
  return view;
}

result<std::vector<std::string>> Session::txn_vector_keys(detail::SpaceTxn& st,
                                                          detail::CollectionView& view) {
  std::map<std::string, bool> merged;
  if (!view.fresh) {
    auto keys = dropped_is_conflict(
        call(handle_->space, vec_keys_at_atom::value, view.name, txn_->snapshot), view.name);
    if (!keys)
      return keys.error();
    st.work.reads.push_back(TxnRead{Primitive::Vector, vector_entry_key(view.name, ""), {}, true});
    for (auto& k : *keys)
      merged[std::move(k)] = true;
  }
  for (const auto& [key, v] : view.own)
    merged[key] = v.has_value();
  std::vector<std::string> out;
  for (auto& [k, live] : merged)
    if (live)
      out.push_back(k);
  return out;
}

namespace {

// Forgets the version numbers a transaction predicted for the vectors of
// a collection it created or dropped: they start again from 1.
void restart_vector_versions(
    std::map<std::pair<Primitive, std::string>, uint64_t>& next_version,
    std::map<std::pair<Primitive, std::string>, std::optional<Value>>& written,
    const std::string& name) {
  auto prefix = vector_entry_key(name, "");
  auto drop = [&](auto& m) {
    auto it = m.lower_bound({Primitive::Vector, prefix});
    while (it != m.end() && it->first.first == Primitive::Vector &&
           it->first.second.compare(0, prefix.size(), prefix) == 0)
      it = m.erase(it);
  };
  drop(next_version);
  drop(written);
}

}  // namespace

result<uint64_t> Session::buffer_vector(detail::SpaceTxn& st, detail::CollectionView& view,
                                        VectorUpsert v) {
  auto entry = vector_entry_key(view.name, v.key);
  if (view.fresh)
    st.next_version.emplace(std::make_pair(Primitive::Vector, entry), 1);
  auto value = upsert_value(v);
  auto version = buffer_write(st, Primitive::Vector, entry, value,
                              TxnOp{TxnOpKind::VectorUpsert, entry, view.name, value, false, 0});
  if (version)
    view.own[v.key] = std::move(v);
  return version;
}

result<uint64_t> Session::vector_create_collection(std::string_view name, uint64_t dimension,
                                                   DistanceMetric metric, IndexKind index) {
  if (handle_->remote)
    return remote(cmd::VectorCreateCollection{{}, std::string(name), dimension, metric, index});
  if (auto err = refuse_if_read_only(handle_->db.get(), "VectorCreateCollection"))
    return err;
  if (!txn_)
    return call(handle_->space, vec_create_atom::value, std::string(name), dimension, metric,
                static_cast<uint8_t>(index));
  if (txn_->read_only)
    return read_only_write();
  if (auto err = validate_dimension(dimension))
    return err;
  auto& st = txn_->spaces[handle_->space];
  auto view = collection_view(st, name);
  if (!view)
    return view.error();
  auto& v = **view;
  if (v.info)
    return make_error(errc::CollectionExists, "collection already exists: " + v.name);
  Object config;
  config.set("dimension", static_cast<int64_t>(dimension));
  config.set("metric", to_string(metric));
  config.set("index", to_string(index));
  Value cfg{std::move(config)};
  auto version = buffer_write(st, Primitive::Collection, v.name, cfg,
                              TxnOp{TxnOpKind::CollectionCreate, v.name, {}, cfg, false, 0});
  if (!version)
    return version;
  CollectionInfo info;
  info.name = v.name;
  info.dimension = dimension;
  info.metric = metric;
  info.index_type = to_string(index);
  v.info = std::move(info);
  v.fresh = true;
  v.own.clear();
  restart_vector_versions(st.next_version, st.written, v.name);
  return version;
}

result<bool> Session::vector_delete_collection(std::string_view name) {
  if (handle_->remote)
    return remote(cmd::VectorDeleteCollection{{}, std::string(name)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "VectorDeleteCollection"))
    return err;
  if (!txn_)
    return call(handle_->space, vec_drop_atom::value, std::string(name));
  if (txn_->read_only)
    return read_only_write();
  auto& st = txn_->spaces[handle_->space];
  auto view = collection_view(st, name);
  if (!view)
    return view.error();
  auto& v = **view;
  if (!v.info)
    return false;
  // The drop deletes every stored vector of the collection: a read of
  // them all, so that a write into it committed after the snapshot (or
  // prepared before) conflicts or is waited for instead of being lost.
  if (!v.fresh)
    st.work.reads.push_back(TxnRead{Primitive::Vector, vector_entry_key(v.name, ""), {}, true});
  auto r = buffer_write(st, Primitive::Collection, v.name, std::nullopt,
                        TxnOp{TxnOpKind::CollectionDelete, v.name, {}, Value{}, false, 0});
  if (!r)
    return r.error();
  v.info.reset();
  v.fresh = true;
  v.own.clear();
  restart_vector_versions(st.next_version, st.written, v.name);
  return true;
}

result<std::vector<CollectionInfo>> Session::vector_list_collections() {
  if (handle_->remote)
    return remote(cmd::VectorListCollections{});
  if (!txn_)
    return empty_if_branch_missing(call(handle_->space, vec_colls_atom::value));
  auto& st = txn_->spaces[handle_->space];
  auto listed =
      call(handle_->space, vec_colls_at_atom::value, std::string(), txn_->snapshot, true);
  if (!listed)
    return listed.error();
  st.work.reads.push_back(TxnRead{Primitive::Collection, "", {}, true});
  std::map<std::string, CollectionInfo> out;
  for (auto& info : *listed) {
    // The counts read every vector of the collection.
    st.work.reads.push_back(TxnRead{Primitive::Vector, vector_entry_key(info.name, ""), {}, true});
    out[info.name] = std::move(info);
  }
  // The collections the transaction touched, as it sees them.
  for (auto& [name, view] : st.collections) {
    if (!view.info) {
      out.erase(name);
      continue;
    }
    if (!view.fresh && view.own.empty() && out.count(name) != 0)
      continue;
    auto keys = txn_vector_keys(st, view);
    if (!keys)
      return keys.error();
    auto info = *view.info;
    info.count = keys->size();
    out[name] = std::move(info);
  }
  std::vector<CollectionInfo> list;
  for (auto& [name, info] : out)
    list.push_back(std::move(info));
  return list;
}

result<CollectionInfo> Session::vector_collection_stats(std::string_view name) {
  if (handle_->remote)
    return remote(cmd::VectorCollectionStats{{}, std::string(name)});
  if (!txn_)
    return call(handle_->space, vec_stats_atom::value, std::string(name));
  auto& st = txn_->spaces[handle_->space];
  auto view = existing_collection(st, name);
  if (!view)
    return view.error();
  auto keys = txn_vector_keys(st, **view);
  if (!keys)
    return keys.error();
  auto info = *(*view)->info;
  info.count = keys->size();
  return info;
}

result<uint64_t> Session::vector_upsert(std::string_view collection, std::string_view key,
                                        std::vector<float> embedding,
                                        std::optional<Value> metadata) {
  return version_of(
      vector_upsert_versioned(collection, key, std::move(embedding), std::move(metadata)));
}

result<WriteInfo> Session::vector_upsert_versioned(std::string_view collection,
                                                   std::string_view key,
                                                   std::vector<float> embedding,
                                                   std::optional<Value> metadata) {
  if (handle_->remote)
    return remote(cmd::VectorUpsert{{}, std::string(collection), std::string(key),
                                    std::move(embedding), std::move(metadata)});
  VectorUpsert v{std::string(key), std::move(embedding), std::move(metadata)};
  if (!txn_) {
    if (auto err = refuse_if_read_only(handle_->db.get(), "VectorUpsert"))
      return err;
    return call(handle_->space, vec_upsert_atom::value, std::string(collection), v);
  }
  // In a transaction: a batch of one.
  auto r = vector_batch_upsert(collection, {std::move(v)});
  if (!r)
    return r.error();
  return WriteInfo{r->front(), 0};
}

result<std::vector<uint64_t>> Session::vector_batch_upsert(std::string_view collection,
                                                           std::vector<VectorUpsert> entries) {
  if (handle_->remote)
    return remote(cmd::VectorBatchUpsert{{}, std::string(collection), std::move(entries)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "VectorBatchUpsert"))
    return err;
  if (!txn_)
    return call(handle_->space, vec_batch_atom::value, std::string(collection), entries);
  if (txn_->read_only)
    return read_only_write();
  auto& st = txn_->spaces[handle_->space];
  auto view = existing_collection(st, collection);
  if (!view)
    return view.error();
  // Every entry is checked before any is buffered (all or nothing, as
  // outside a transaction).
  const auto& limits = handle_->db->options().limits;
  for (size_t i = 0; i < entries.size(); ++i)
    if (auto err = check_upsert(*(*view)->info, entries[i], limits))
      return entries.size() == 1
                 ? err
                 : make_error(kind_of(err), "entry " + std::to_string(i) + " ('" +
                                                entries[i].key + "'): " + message_of(err));
  std::vector<uint64_t> versions;
  for (auto& e : entries) {
    auto v = buffer_vector(st, **view, std::move(e));
    if (!v)
      return v.error();
    versions.push_back(*v);
  }
  return versions;
}

result<std::optional<VectorEntry>> Session::vector_get(std::string_view collection,
                                                       std::string_view key) {
  using out_type = std::optional<VectorEntry>;
  if (handle_->remote)
    return remote(cmd::VectorGet{{}, std::string(collection), std::string(key)});
  if (!txn_) {
    auto r = empty_if_branch_missing(
        call(handle_->space, vec_get_atom::value, std::string(collection), std::string(key)));
    if (!r)
      return r.error();
    return std::move(*r).to_optional();
  }
  if (auto err = validate_key(key, handle_->db->options().limits))
    return err;
  auto& st = txn_->spaces[handle_->space];
  auto view = existing_collection(st, collection);
  if (!view)
    return view.error();
  auto& v = **view;
  std::string k(key);
  auto entry = vector_entry_key(v.name, k);
  if (auto it = v.own.find(k); it != v.own.end()) {
    if (!it->second)
      return out_type{};
    auto version = st.next_version[{Primitive::Vector, entry}] - 1;
    return out_type{VectorEntry{k, it->second->embedding, it->second->metadata, version, 0}};
  }
  if (v.fresh)
    return out_type{};
  auto r = dropped_is_conflict(
      call(handle_->space, vec_get_at_atom::value, v.name, k, txn_->snapshot), v.name);
  if (!r)
    return r.error();
  st.work.reads.push_back(TxnRead{Primitive::Vector, entry, {}, false});
  auto found = std::move(*r).to_optional();
  if (found)
    st.next_version.emplace(std::make_pair(Primitive::Vector, entry), found->version + 1);
  return found;
}

result<bool> Session::vector_delete(std::string_view collection, std::string_view key) {
  return wrote(vector_delete_versioned(collection, key));
}

result<WriteInfo> Session::vector_delete_versioned(std::string_view collection,
                                                   std::string_view key) {
  if (handle_->remote)
    return remote(cmd::VectorDelete{{}, std::string(collection), std::string(key)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "VectorDelete"))
    return err;
  if (!txn_)
    return call(handle_->space, vec_del_atom::value, std::string(collection), std::string(key));
  if (txn_->read_only)
    return read_only_write();
  auto cur = vector_get(collection, key);  // checks the key and the collection
  if (!cur)
    return cur.error();
  auto& st = txn_->spaces[handle_->space];
  auto& view = st.collections.find(collection)->second;
  auto entry = vector_entry_key(view.name, key);
  if (view.fresh)
    st.next_version.emplace(std::make_pair(Primitive::Vector, entry), 1);
  auto r = buffer_write(st, Primitive::Vector, entry, std::nullopt,
                        TxnOp{TxnOpKind::VectorDelete, entry, view.name, Value{}, false, 0});
  if (!r)
    return r.error();
  view.own[std::string(key)] = std::nullopt;
  return cur->has_value() ? WriteInfo{*r, 0} : WriteInfo{};
}

result<std::vector<std::string>> Session::vector_list_keys(std::string_view collection) {
  if (handle_->remote)
    return remote(cmd::VectorListKeys{{}, std::string(collection)});
  if (!txn_)
    return call(handle_->space, vec_keys_atom::value, std::string(collection));
  auto& st = txn_->spaces[handle_->space];
  auto view = existing_collection(st, collection);
  if (!view)
    return view.error();
  return txn_vector_keys(st, **view);
}

result<std::vector<VectorMatch>> Session::vector_search(std::string_view collection,
                                                        std::vector<float> query, uint64_t k,
                                                        MetadataFilter filter) {
  if (handle_->remote)
    return remote(cmd::VectorSearch{{}, std::string(collection), std::move(query), k,
                                    std::move(filter)});
  if (!txn_)
    return call(handle_->space, vec_search_atom::value, std::string(collection), query, k,
                filter);
  auto& st = txn_->spaces[handle_->space];
  auto view = existing_collection(st, collection);
  if (!view)
    return view.error();
  auto& v = **view;
  const auto& info = *v.info;
  if (query.size() != info.dimension)
    return make_error(errc::DimensionMismatch, "dimension mismatch: expected " +
                                                   std::to_string(info.dimension) + ", got " +
                                                   std::to_string(query.size()));
  std::vector<VectorMatch> hits;
  if (k == 0)
    return hits;
  if (!v.fresh) {
    // The snapshot's best, with room for the ones this transaction replaced.
    auto found = dropped_is_conflict(
        call(handle_->space, vec_search_at_atom::value, v.name, query,
             std::max(k, k + static_cast<uint64_t>(v.own.size())), filter, txn_->snapshot),
        v.name);
    if (!found)
      return found.error();
    st.work.reads.push_back(TxnRead{Primitive::Vector, vector_entry_key(v.name, ""), {}, true});
    for (auto& m : *found)
      if (v.own.count(m.key) == 0)
        hits.push_back(std::move(m));
  }
  // Its own vectors, scored as the index scores (stable sort: on a tie the
  // snapshot's, which are older, come first).
  for (const auto& [key, own] : v.own) {
    if (!own)
      continue;
    const Value* meta = own->metadata ? &*own->metadata : nullptr;
    if (!filter.empty() && !filter.matches(meta))
      continue;
    float score = store::vector_score(info.metric, query.data(), own->embedding.data(),
                                      info.dimension);
    hits.push_back(VectorMatch{key, score, own->metadata});
  }
  std::stable_sort(hits.begin(), hits.end(),
                   [](const VectorMatch& a, const VectorMatch& b) { return a.score > b.score; });
  if (hits.size() > k)
    hits.resize(k);
  return hits;
}

}  // namespace strata
