#pragma once

// detail::Exec — what each command does: one function per cmd:: struct,
// shared by the handle's methods (thin wrappers), Strata::execute and
// execute_batch, and the service actor's executors. Internal to runtime/.
//
// A command runs on the actors of its target (branch, space), resolved and
// cached by the HandleImpl it runs on; a command whose target carries a
// transaction id runs in that transaction's Session instead.

#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include "handle_impl.hpp"
#include "strata/command.hpp"
#include "strata/strata.hpp"

namespace strata::detail {

// Composite commands, built on handle calls (branch_diff.cpp, strata.cpp).
result<BranchDiff> diff_branches(Strata& base, std::string_view a, std::string_view b);
result<MergeInfo> merge_branches(Strata& base, std::string_view source, std::string_view target,
                                 MergeStrategy strategy);
result<TimeRange> time_range(Strata& base, const std::string& branch);

template <class C>
using out_t = result<typename C::output>;

/// Runs commands on one HandleImpl. `handle` builds a fresh Strata handle
/// on the same database (composite commands run on one).
struct Exec {
  HandleImpl& h;
  Strata (*handle)(HandleImpl&);

  static constexpr uint64_t latest = std::numeric_limits<uint64_t>::max();

  template <class... Ts>
  auto on_space(const Target& at, const Ts&... xs) {
    return h.on_space_at(at.branch, at.space, xs...);
  }
  template <class... Ts>
  auto on_branch(const Target& at, const Ts&... xs) {
    return h.on_branch_named(at.branch, xs...);
  }
  template <class... Ts>
  auto on_root(const Ts&... xs) {
    return h.client.call(h.db->root(), xs...);
  }

  template <class T>
  static result<std::monostate> done(result<T>&& r) {
    if (!r)
      return std::move(r.error());
    return std::monostate{};
  }
  static result<std::optional<Value>> value_of(result<MaybeVersioned>&& r) {
    if (!r)
      return std::move(r.error());
    if (!r->found)
      return std::optional<Value>{};
    return std::optional<Value>{std::move(r->entry.value)};
  }
  static result<std::optional<VersionedValue>> versioned_of(result<MaybeVersioned>&& r) {
    if (!r)
      return std::move(r.error());
    return std::move(*r).to_optional();
  }
  static result<std::optional<std::vector<VersionedValue>>> history_of(result<MaybeHistory>&& r) {
    using out_type = std::optional<std::vector<VersionedValue>>;
    if (!r)
      return std::move(r.error());
    if (!r->found)
      return out_type{};
    return out_type{std::move(r->versions)};
  }
  static result<std::optional<Value>> optional_of(result<MaybeValue>&& r) {
    if (!r)
      return std::move(r.error());
    if (!r->found)
      return std::optional<Value>{};
    return std::optional<Value>{std::move(r->value)};
  }
  static result<std::optional<VectorEntry>> entry_of(result<MaybeVectorEntry>&& r) {
    if (!r)
      return std::move(r.error());
    if (!r->found)
      return std::optional<VectorEntry>{};
    return std::optional<VectorEntry>{std::move(r->entry)};
  }
  static VersionedValue versioned_of(Event&& e) {
    return VersionedValue{std::move(e.payload), e.sequence, e.timestamp};
  }

  // -- transactions -------------------------------------------------------------

  /// The session of transaction `at.txn`, switched to `at.space`.
  /// Errors: TransactionNotActive (unknown id), InvalidInput (another
  /// branch, bad space name).
  result<Session*> session_of(const Target& at) {
    auto it = h.txns.find(at.txn);
    if (it == h.txns.end())
      return make_error(errc::TransactionNotActive,
                        "no active transaction with id " + std::to_string(at.txn));
    Session& s = *it->second;
    if (s.current_branch() != at.branch)
      return make_error(errc::InvalidInput, "transaction " + std::to_string(at.txn) +
                                                " runs on branch \"" + s.current_branch() +
                                                "\", not \"" + at.branch + "\"");
    if (auto r = s.set_space(at.space); !r)
      return r.error();
    return &s;
  }

  out_t<cmd::Begin> operator()(const cmd::Begin& c) {
    if (c.at.txn != 0)
      return make_error(errc::TransactionAlreadyActive,
                        "Begin names transaction " + std::to_string(c.at.txn) +
                            " (a transaction does not nest)");
    auto s = std::make_unique<Session>(handle(h).session());
    if (auto r = s->set_branch(c.at.branch); !r)
      return r.error();
    if (auto r = s->set_space(c.at.space); !r)
      return r.error();
    if (auto r = c.read_only ? s->begin_read_only() : s->begin(); !r)
      return r.error();
    auto id = ++h.last_txn_id;
    h.txns.emplace(id, std::move(s));
    return id;
  }
  out_t<cmd::Commit> operator()(const cmd::Commit& c) { return end_txn(c.at, true); }
  out_t<cmd::Rollback> operator()(const cmd::Rollback& c) { return end_txn(c.at, false); }
  result<std::monostate> end_txn(const Target& at, bool commit) {
    auto it = h.txns.find(at.txn);
    if (it == h.txns.end())
      return make_error(errc::TransactionNotActive,
                        "no active transaction with id " + std::to_string(at.txn));
    auto s = std::move(it->second);
    h.txns.erase(it);
    return done(commit ? s->commit() : s->rollback());
  }

  // The commands a transaction can run, as Session calls.
  static auto txn(Session& s, const cmd::KvPut& c) { return s.kv_put(c.key, c.value); }
  static auto txn(Session& s, const cmd::KvGet& c) { return s.kv_get(c.key); }
  static auto txn(Session& s, const cmd::KvDelete& c) { return s.kv_delete(c.key); }
  static auto txn(Session& s, const cmd::KvList& c) { return s.kv_list(c.prefix); }
  static auto txn(Session& s, const cmd::EventAppend& c) {
    return s.event_append(c.type, c.payload);
  }
  static auto txn(Session& s, const cmd::EventGet& c) { return s.event_get(c.seq); }
  static auto txn(Session& s, const cmd::EventLen&) { return s.event_len(); }
  static auto txn(Session& s, const cmd::StateSet& c) { return s.state_set(c.cell, c.value); }
  static auto txn(Session& s, const cmd::StateGet& c) { return s.state_get(c.cell); }
  static auto txn(Session& s, const cmd::StateGetVersioned& c) {
    return s.state_get_versioned(c.cell);
  }
  static auto txn(Session& s, const cmd::StateInit& c) { return s.state_init(c.cell, c.value); }
  static auto txn(Session& s, const cmd::StateCas& c) {
    return s.state_cas(c.cell, c.expected, c.value);
  }
  static auto txn(Session& s, const cmd::StateDelete& c) { return s.state_delete(c.cell); }
  static auto txn(Session& s, const cmd::JsonSet& c) { return s.json_set(c.key, c.path, c.value); }
  static auto txn(Session& s, const cmd::JsonGet& c) { return s.json_get(c.key, c.path); }
  static auto txn(Session& s, const cmd::JsonDelete& c) { return s.json_delete(c.key, c.path); }

  template <class C, class = void>
  struct has_txn_form : std::false_type {};
  template <class C>
  struct has_txn_form<C, std::void_t<decltype(txn(std::declval<Session&>(), std::declval<const C&>()))>>
      : std::true_type {};

  /// Runs `c`: in its transaction when the target names one (a command
  /// without a transaction form is refused there), else directly.
  template <class C>
  out_t<C> run(const C& c) {
    if constexpr (std::is_same_v<C, cmd::Begin> || std::is_same_v<C, cmd::Commit> ||
                  std::is_same_v<C, cmd::Rollback>) {
      return (*this)(c);
    } else {
      if (c.at.txn == 0)
        return (*this)(c);
      if constexpr (has_txn_form<C>::value) {
        auto s = session_of(c.at);
        if (!s)
          return s.error();
        return txn(**s, c);
      } else {
        return make_error(errc::InvalidInput, std::string(command_name(Command{c})) +
                                                  " cannot run inside a transaction");
      }
    }
  }

  // -- spaces -------------------------------------------------------------------

  out_t<cmd::ListSpaces> operator()(const cmd::ListSpaces& c) {
    return on_branch(c.at, space_list_atom::value);
  }
  out_t<cmd::CreateSpace> operator()(const cmd::CreateSpace& c) {
    return done(on_branch(c.at, space_create_atom::value, c.name));
  }
  out_t<cmd::SpaceExists> operator()(const cmd::SpaceExists& c) {
    if (validate_space_name(c.name))
      return false;
    return on_branch(c.at, space_exists_atom::value, c.name);
  }
  out_t<cmd::DeleteSpace> operator()(const cmd::DeleteSpace& c) {
    return done(on_branch(c.at, space_drop_atom::value, c.name, false));
  }
  out_t<cmd::DeleteSpaceForce> operator()(const cmd::DeleteSpaceForce& c) {
    return done(on_branch(c.at, space_drop_atom::value, c.name, true));
  }
  out_t<cmd::TimeRange> operator()(const cmd::TimeRange& c) {
    auto base = handle(h);
    return time_range(base, c.at.branch);
  }

  // -- branches -------------------------------------------------------------------

  out_t<cmd::CreateBranch> operator()(const cmd::CreateBranch& c) {
    return done(on_root(branch_create_atom::value, c.name));
  }
  out_t<cmd::ListBranches> operator()(const cmd::ListBranches&) {
    return on_root(branch_list_atom::value);
  }
  out_t<cmd::BranchExists> operator()(const cmd::BranchExists& c) {
    return on_root(branch_exists_atom::value, c.name);
  }
  out_t<cmd::BranchInfo> operator()(const cmd::BranchInfo& c) {
    auto r = on_root(branch_info_atom::value, c.name);
    if (!r)
      return r.error();
    return r->found ? std::optional<BranchInfo>{std::move(r->info)} : std::nullopt;
  }
  out_t<cmd::DeleteBranch> operator()(const cmd::DeleteBranch& c) {
    if (c.name == c.at.branch && c.name != default_branch)
      return make_error(errc::ConstraintViolation, "cannot delete current branch");
    return done(on_root(branch_delete_atom::value, c.name));
  }
  out_t<cmd::ForkBranch> operator()(const cmd::ForkBranch& c) {
    return on_root(branch_fork_atom::value, c.at.branch, c.dest);
  }
  out_t<cmd::BranchExport> operator()(const cmd::BranchExport& c);
  out_t<cmd::BranchImport> operator()(const cmd::BranchImport& c) {
    return on_root(branch_import_atom::value, c.path);
  }
  out_t<cmd::BranchValidateBundle> operator()(const cmd::BranchValidateBundle& c) {
    return on_root(bundle_check_atom::value, c.path);
  }
  out_t<cmd::DiffBranches> operator()(const cmd::DiffBranches& c) {
    auto base = handle(h);
    return diff_branches(base, c.a, c.b);
  }
  out_t<cmd::MergeBranches> operator()(const cmd::MergeBranches& c) {
    auto base = handle(h);
    return merge_branches(base, c.source, c.target, c.strategy);
  }

  // -- KV -------------------------------------------------------------------------

  out_t<cmd::KvPut> operator()(const cmd::KvPut& c) {
    return on_space(c.at, kv_put_atom::value, c.key, c.value);
  }
  out_t<cmd::KvGet> operator()(const cmd::KvGet& c) {
    return value_of(on_space(c.at, kv_get_atom::value, c.key));
  }
  out_t<cmd::KvGetVersioned> operator()(const cmd::KvGetVersioned& c) {
    return versioned_of(on_space(c.at, kv_get_atom::value, c.key));
  }
  out_t<cmd::KvGetAt> operator()(const cmd::KvGetAt& c) {
    return value_of(on_space(c.at, kv_get_at_atom::value, c.key, c.as_of_us));
  }
  out_t<cmd::KvGetv> operator()(const cmd::KvGetv& c) {
    return history_of(on_space(c.at, kv_getv_atom::value, c.key));
  }
  out_t<cmd::KvDelete> operator()(const cmd::KvDelete& c) {
    return on_space(c.at, kv_del_atom::value, c.key);
  }
  out_t<cmd::KvList> operator()(const cmd::KvList& c) {
    ListOptions opts;
    if (c.prefix)
      opts.prefix = *c.prefix;
    return on_space(c.at, kv_list_atom::value, opts);
  }
  out_t<cmd::KvListPage> operator()(const cmd::KvListPage& c) {
    return on_space(c.at, kv_list_atom::value, c.opts);
  }
  out_t<cmd::KvListAt> operator()(const cmd::KvListAt& c) {
    return on_space(c.at, kv_list_at_atom::value, c.prefix.value_or(""), c.as_of_us);
  }
  out_t<cmd::KvBatchPut> operator()(const cmd::KvBatchPut& c) {
    return on_space(c.at, kv_batch_atom::value, c.entries);
  }

  // -- event log ------------------------------------------------------------------

  out_t<cmd::EventAppend> operator()(const cmd::EventAppend& c) {
    return on_space(c.at, event_append_atom::value, c.type, c.payload);
  }
  out_t<cmd::EventBatchAppend> operator()(const cmd::EventBatchAppend& c) {
    return on_space(c.at, event_batch_atom::value, c.entries);
  }
  out_t<cmd::EventGetRecord> operator()(const cmd::EventGetRecord& c) {
    auto r = on_space(c.at, event_get_atom::value, c.seq);
    if (!r)
      return std::move(r.error());
    if (!r->found)
      return std::optional<Event>{};
    return std::optional<Event>{std::move(r->event)};
  }
  out_t<cmd::EventGet> operator()(const cmd::EventGet& c) {
    auto e = (*this)(cmd::EventGetRecord{c.at, c.seq});
    if (!e)
      return std::move(e.error());
    if (!*e)
      return std::optional<VersionedValue>{};
    return std::optional<VersionedValue>{versioned_of(std::move(**e))};
  }
  out_t<cmd::EventGetByType> operator()(const cmd::EventGetByType& c) {
    auto r = on_space(c.at, event_by_type_atom::value, c.type, c.after, c.limit, latest);
    if (!r)
      return std::move(r.error());
    std::vector<VersionedValue> out;
    out.reserve(r->size());
    for (auto& e : *r)
      out.push_back(versioned_of(std::move(e)));
    return out;
  }
  out_t<cmd::EventListAt> operator()(const cmd::EventListAt& c) {
    return on_space(c.at, event_list_at_atom::value, c.type.value_or(""), c.as_of_us);
  }
  out_t<cmd::EventLen> operator()(const cmd::EventLen& c) {
    return on_space(c.at, event_len_atom::value);
  }
  out_t<cmd::EventVerifyChain> operator()(const cmd::EventVerifyChain& c) {
    return on_space(c.at, event_verify_atom::value);
  }

  // -- state cells ------------------------------------------------------------------

  out_t<cmd::StateSet> operator()(const cmd::StateSet& c) {
    return on_space(c.at, state_set_atom::value, c.cell, c.value);
  }
  out_t<cmd::StateGet> operator()(const cmd::StateGet& c) {
    return value_of(on_space(c.at, state_get_atom::value, c.cell));
  }
  out_t<cmd::StateGetVersioned> operator()(const cmd::StateGetVersioned& c) {
    return versioned_of(on_space(c.at, state_get_atom::value, c.cell));
  }
  out_t<cmd::StateGetAt> operator()(const cmd::StateGetAt& c) {
    return value_of(on_space(c.at, state_get_at_atom::value, c.cell, c.as_of_us));
  }
  out_t<cmd::StateGetv> operator()(const cmd::StateGetv& c) {
    return history_of(on_space(c.at, state_getv_atom::value, c.cell));
  }
  out_t<cmd::StateInit> operator()(const cmd::StateInit& c) {
    return on_space(c.at, state_init_atom::value, c.cell, c.value);
  }
  out_t<cmd::StateCas> operator()(const cmd::StateCas& c) {
    auto r = on_space(c.at, state_cas_atom::value, c.cell, c.expected.has_value(),
                      c.expected.value_or(0), c.value);
    if (!r)
      return std::move(r.error());
    return r->to_optional();
  }
  out_t<cmd::StateDelete> operator()(const cmd::StateDelete& c) {
    return on_space(c.at, state_del_atom::value, c.cell);
  }
  out_t<cmd::StateList> operator()(const cmd::StateList& c) {
    return on_space(c.at, state_list_atom::value, c.prefix.value_or(""));
  }
  out_t<cmd::StateListAt> operator()(const cmd::StateListAt& c) {
    return on_space(c.at, state_list_at_atom::value, c.prefix.value_or(""), c.as_of_us);
  }
  out_t<cmd::StateBatchSet> operator()(const cmd::StateBatchSet& c) {
    return on_space(c.at, state_batch_atom::value, c.entries);
  }

  // -- JSON documents ------------------------------------------------------------------

  out_t<cmd::JsonSet> operator()(const cmd::JsonSet& c) {
    return on_space(c.at, json_set_atom::value, c.key, c.path, c.value);
  }
  out_t<cmd::JsonGet> operator()(const cmd::JsonGet& c) {
    return optional_of(on_space(c.at, json_get_atom::value, c.key, c.path));
  }
  out_t<cmd::JsonGetAt> operator()(const cmd::JsonGetAt& c) {
    return optional_of(on_space(c.at, json_get_at_atom::value, c.key, c.path, c.as_of_us));
  }
  out_t<cmd::JsonGetVersioned> operator()(const cmd::JsonGetVersioned& c) {
    return versioned_of(on_space(c.at, json_doc_atom::value, c.key));
  }
  out_t<cmd::JsonGetv> operator()(const cmd::JsonGetv& c) {
    return history_of(on_space(c.at, json_getv_atom::value, c.key));
  }
  out_t<cmd::JsonDelete> operator()(const cmd::JsonDelete& c) {
    return on_space(c.at, json_del_atom::value, c.key, c.path);
  }
  out_t<cmd::JsonList> operator()(const cmd::JsonList& c) {
    ListOptions opts;
    opts.prefix = c.prefix.value_or("");
    opts.cursor = c.cursor;
    opts.limit = c.limit;
    auto r = on_space(c.at, json_list_atom::value, opts);
    if (!r)
      return std::move(r.error());
    JsonListPage page;
    page.keys = std::move(r->keys);
    if (r->has_cursor)
      page.cursor = std::move(r->cursor);
    return page;
  }
  out_t<cmd::JsonListAt> operator()(const cmd::JsonListAt& c) {
    return on_space(c.at, json_list_at_atom::value, c.prefix.value_or(""), c.as_of_us);
  }
  out_t<cmd::JsonBatchSet> operator()(const cmd::JsonBatchSet& c) {
    return on_space(c.at, json_batch_atom::value, c.entries);
  }

  // -- vector collections ----------------------------------------------------------------

  out_t<cmd::VectorCreateCollection> operator()(const cmd::VectorCreateCollection& c) {
    return on_space(c.at, vec_create_atom::value, c.name, c.dimension, c.metric,
                    static_cast<uint8_t>(c.index));
  }
  out_t<cmd::VectorDeleteCollection> operator()(const cmd::VectorDeleteCollection& c) {
    return on_space(c.at, vec_drop_atom::value, c.name);
  }
  out_t<cmd::VectorListCollections> operator()(const cmd::VectorListCollections& c) {
    return on_space(c.at, vec_colls_atom::value);
  }
  out_t<cmd::VectorCollectionStats> operator()(const cmd::VectorCollectionStats& c) {
    return on_space(c.at, vec_stats_atom::value, c.name);
  }
  out_t<cmd::VectorUpsert> operator()(const cmd::VectorUpsert& c) {
    return on_space(c.at, vec_upsert_atom::value, c.collection,
                    strata::VectorUpsert{c.key, c.embedding, c.metadata});
  }
  out_t<cmd::VectorBatchUpsert> operator()(const cmd::VectorBatchUpsert& c) {
    return on_space(c.at, vec_batch_atom::value, c.collection, c.entries);
  }
  out_t<cmd::VectorGet> operator()(const cmd::VectorGet& c) {
    return entry_of(on_space(c.at, vec_get_atom::value, c.collection, c.key));
  }
  out_t<cmd::VectorGetAt> operator()(const cmd::VectorGetAt& c) {
    return entry_of(on_space(c.at, vec_get_at_atom::value, c.collection, c.key, c.as_of_us));
  }
  out_t<cmd::VectorDelete> operator()(const cmd::VectorDelete& c) {
    return on_space(c.at, vec_del_atom::value, c.collection, c.key);
  }
  out_t<cmd::VectorListKeys> operator()(const cmd::VectorListKeys& c) {
    return on_space(c.at, vec_keys_atom::value, c.collection);
  }
  out_t<cmd::VectorSearch> operator()(const cmd::VectorSearch& c) {
    return on_space(c.at, vec_search_atom::value, c.collection, c.query, c.k, c.filter);
  }
  out_t<cmd::VectorSearchAt> operator()(const cmd::VectorSearchAt& c) {
    return on_space(c.at, vec_search_at_atom::value, c.collection, c.query, c.k, c.filter,
                    c.as_of_us);
  }
};

/// Runs any command on `h` (a fresh handle for composites from `handle`).
result<Output> execute(HandleImpl& h, Strata (*handle)(HandleImpl&), const Command& c);

/// Runs `cmds` in order; consecutive plain writes of one kind to one space
/// (KvPut, StateSet, EventAppend, JsonSet) travel as one batch request.
std::vector<result<Output>> execute_batch(HandleImpl& h, Strata (*handle)(HandleImpl&),
                                          const std::vector<Command>& cmds);

}  // namespace strata::detail
