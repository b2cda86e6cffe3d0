// strata::Session: buffers a transaction's writes, serves its reads from the
// snapshot plus its own writes, and commits through one space (one phase)
// or the branch's coordinator (two phases).

#include "strata/session.hpp"

#include <limits>
#include <map>

#include "exec.hpp"
#include "handle_impl.hpp"
#include "strata/command.hpp"
#include "strata/messages/txn_types.hpp"
#include "strata/messages/json_path.hpp"
#include "strata/messages/limits.hpp"

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
  if (handle_->remote)
    return remote(cmd::KvPut{{}, std::string(key), std::move(value)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "KvPut"))
    return err;
  if (!txn_)
    return call(handle_->space, kv_put_atom::value, std::string(key), value);
  return buffered_set(Primitive::Kv, key, std::move(value));
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

result<bool> Session::buffered_delete(Primitive tag, std::string_view key) {
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
  return cur->has_value();
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
  return *base + st.appended.size();
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
  if (handle_->remote)
    return remote(cmd::StateSet{{}, std::string(cell), std::move(value)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "StateSet"))
    return err;
  if (!txn_)
    return call(handle_->space, state_set_atom::value, std::string(cell), value);
  return buffered_set(Primitive::State, cell, std::move(value));
}

result<uint64_t> Session::state_init(std::string_view cell, Value value) {
  if (handle_->remote)
    return remote(cmd::StateInit{{}, std::string(cell), std::move(value)});
  if (auto err = refuse_if_read_only(handle_->db.get(), "StateInit"))
    return err;
  if (!txn_)
    return call(handle_->space, state_init_atom::value, std::string(cell), value);
  auto cur = state_get_versioned(cell);
  if (!cur)
    return cur.error();
  if (*cur)
    return (*cur)->version;
  auto& st = txn_->spaces[handle_->space];
  std::string c(cell);
  return buffer_write(st, Primitive::State, c, value, TxnOp{TxnOpKind::StateInit, c, {}, value, false, 0});
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
    return CasOutcome{false, 0, std::move(*cur)};
  // Against the transaction's own write the check is done; against the
  // snapshot it is re-checked at commit.
  TxnOp op{own ? TxnOpKind::StateSet : TxnOpKind::StateCas, c, {}, value, expected.has_value(),
           expected.value_or(0)};
  auto v = buffer_write(st, Primitive::State, c, value, std::move(op));
  if (!v)
    return v.error();
  return CasOutcome{true, *v, std::nullopt};
}

result<bool> Session::state_delete(std::string_view cell) {
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
  return buffer_write(st, Primitive::Json, k, updated,
                      TxnOp{TxnOpKind::JsonSet, k, parsed->to_string(), value, false, 0});
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
    return uint64_t{0};
  std::optional<Value> after;
  uint64_t removed = 1;
  if (!parsed->is_root()) {
    Value updated = **doc;
    removed = strata::json_delete(updated, *parsed);
    if (removed == 0)
      return uint64_t{0};
    after = std::move(updated);
  }
  auto r = buffer_write(st, Primitive::Json, k, std::move(after),
                        TxnOp{TxnOpKind::JsonDelete, k, parsed->to_string(), Value{}, false, 0});
  if (!r)
    return r.error();
  return removed;
}

}  // namespace strata
