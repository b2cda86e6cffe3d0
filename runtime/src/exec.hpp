#pragma once

// detail::Exec — what each command does: one function per cmd:: struct,
// shared by the handle's methods (thin wrappers), Strata::execute and
// execute_batch, and the service actor's executors. Internal to runtime/.
//
// A command runs on the actors of its target (branch, space), resolved and
// cached by the HandleImpl it runs on; a command whose target carries a
// transaction id runs in that transaction's Session instead.

#include <limits>
#include <optional>
#include <tuple>
#include <string>
#include <type_traits>
#include <utility>

#include "handle_impl.hpp"
#include "strata/command.hpp"
#include "strata/strata.hpp"

namespace strata::detail {

/// What runtime/ sources may do with a handle beyond its public API.
struct Access {
  /// A new handle on the database `h` runs on.
  static Strata make(HandleImpl& h) { return Strata{std::make_unique<HandleImpl>(h.db)}; }
  static HandleImpl& impl(Strata& s) { return *s.impl_; }
  static const HandleImpl& impl_of(const Strata& s) { return *s.impl_; }
  static Database& database(const Strata& s) { return *s.impl_->db; }
};

// Composite commands, built on handle calls (branch_diff.cpp, strata.cpp).
result<BranchDiff> diff_branches(Strata& base, std::string_view a, std::string_view b);
/// `write` false: a preview (nothing written, no merge point).
result<MergeInfo> merge_branches(Strata& base, std::string_view source, std::string_view target,
                                 MergeStrategy strategy, bool write = true);
result<TimeRange> time_range(Strata& base, const std::string& branch);
result<std::vector<StoreCheck>> check_database(HandleImpl& h);

// Bundles on a connected handle: the file on the client's side, moved in
// chunks (bundle_transfer.cpp).
result<BundleInfo> remote_export(HandleImpl& h, const cmd::BranchExport& c);
result<BundleInfo> remote_import(HandleImpl& h, const cmd::BranchImport& c);
result<BundleInfo> validate_local_bundle(const std::string& path);

template <class C>
using out_t = result<typename C::output>;

// -- plans: the commands that are one request to one actor -----------------------
//
// Most commands are one request to the actor that owns their target (the
// space actor, the branch supervisor, or the database root) and a
// conversion of its reply. Plan<C> says which actor, what message, and how
// the reply becomes C's output, once; Exec runs a plan synchronously (a
// Client call), the service asynchronously (a request whose answer it
// forwards), so both give the same result. Commands without a plan
// (composites, transactions) run on Exec alone.

enum class Where { Root, Branch, Space };

// A plan's message arguments: the command's own members by reference (the
// command outlives the request that copies them into its message once),
// values computed for the message by value.
template <class... Xs>
std::tuple<Xs...> message_args(Xs&&... xs) {
  return std::tuple<Xs...>(std::forward<Xs>(xs)...);
}

namespace convert {

template <class R>
result<R> same(R&& r) {
  return std::move(r);
}
template <class R>
result<std::monostate> done(R&&) {
  return std::monostate{};
}
inline result<std::optional<Value>> value(MaybeVersioned&& r) {
  if (!r.found)
    return std::optional<Value>{};
  return std::optional<Value>{std::move(r.value.value)};
}
/// Every optional read: Maybe<T> -> std::optional<T>.
template <class T>
result<std::optional<T>> optional(Maybe<T>&& r) {
  return std::move(r).to_optional();
}
inline VersionedValue versioned_event(Event&& e) {
  return VersionedValue{std::move(e.payload), e.sequence, e.timestamp};
}
inline result<std::optional<VersionedValue>> event_value(MaybeEvent&& r) {
  if (!r.found)
    return std::optional<VersionedValue>{};
  return std::optional<VersionedValue>{versioned_event(std::move(r.value))};
}
inline result<std::vector<VersionedValue>> event_values(std::vector<Event>&& r) {
  std::vector<VersionedValue> out;
  out.reserve(r.size());
  for (auto& e : r)
    out.push_back(versioned_event(std::move(e)));
  return out;
}
/// A compare-and-swap's outcome as state_cas answers it.
inline result<std::optional<uint64_t>> cas_version(CasOutcome&& r) {
  return r.swapped ? std::optional<uint64_t>{r.version} : std::nullopt;
}
inline result<JsonListPage> page(JsonPageMsg&& r) {
  JsonListPage page;
  page.keys = std::move(r.keys);
  if (r.has_cursor)
    page.cursor = std::move(r.cursor);
  return page;
}
}  // namespace convert

/// No plan: the command runs on Exec only (composites, transactions).
template <class C>
struct Plan {
  static constexpr bool exists = false;
};

/// Whether the command may be answered without a request (a name that
/// cannot exist, a refused target); Plan::precheck gives that answer.
template <class C, class = void>
struct has_precheck : std::false_type {};
template <class C>
struct has_precheck<C, std::void_t<decltype(Plan<C>::precheck(std::declval<const C&>()))>>
    : std::true_type {};

#define STRATA_PLAN(Cmd, Place, Convert, ...)                              \
  template <>                                                              \
  struct Plan<cmd::Cmd> {                                                  \
    static constexpr bool exists = true;                                   \
    static constexpr Where where = Where::Place;                            \
    static auto args([[maybe_unused]] const cmd::Cmd& c) { return message_args(__VA_ARGS__); } \
    template <class R>                                                     \
    static out_t<cmd::Cmd> convert(R&& r) {                                \
      return convert::Convert(std::move(r));                               \
    }                                                                      \
  };

// Spaces (on the branch supervisor) and branches (on the root).
STRATA_PLAN(ListSpaces, Branch, same, space_list_atom::value)
STRATA_PLAN(CreateSpace, Branch, done, space_create_atom::value, c.name)
STRATA_PLAN(DeleteSpace, Branch, done, space_drop_atom::value, c.name, false)
STRATA_PLAN(DeleteSpaceForce, Branch, done, space_drop_atom::value, c.name, true)
STRATA_PLAN(CreateBranch, Root, done, branch_create_atom::value, c.name)
STRATA_PLAN(ListBranches, Root, same, branch_list_atom::value)
STRATA_PLAN(BranchExists, Root, same, branch_exists_atom::value, c.name)
STRATA_PLAN(BranchInfo, Root, optional, branch_info_atom::value, c.name)
STRATA_PLAN(ForkBranch, Root, same, branch_fork_atom::value, c.at.branch, c.dest)
STRATA_PLAN(BranchImport, Root, same, branch_import_atom::value, c.path, c.as_name)
STRATA_PLAN(BranchValidateBundle, Root, same, bundle_check_atom::value, c.path)
// KV.
STRATA_PLAN(KvPut, Space, same, kv_put_atom::value, c.key, c.value)
STRATA_PLAN(KvGet, Space, value, kv_get_atom::value, c.key)
STRATA_PLAN(KvGetVersioned, Space, optional, kv_get_atom::value, c.key)
STRATA_PLAN(KvGetAt, Space, value, kv_get_at_atom::value, c.key, c.as_of_us)
STRATA_PLAN(KvGetv, Space, optional, kv_getv_atom::value, c.key)
STRATA_PLAN(KvDelete, Space, same, kv_del_atom::value, c.key)
STRATA_PLAN(KvList, Space, same, kv_list_atom::value, ListOptions{c.prefix.value_or(""), {}, {}})
STRATA_PLAN(KvListPage, Space, same, kv_list_atom::value, c.opts)
STRATA_PLAN(KvListAt, Space, same, kv_list_at_atom::value, c.prefix.value_or(""), c.as_of_us)
STRATA_PLAN(KvScan, Space, same, kv_scan_atom::value, c.opts)
STRATA_PLAN(KvScanAt, Space, same, kv_scan_at_atom::value, c.opts, c.as_of_us)
STRATA_PLAN(KvBatchPut, Space, same, kv_batch_atom::value, c.entries)
// Events.
STRATA_PLAN(EventAppend, Space, same, event_append_atom::value, c.type, c.payload)
STRATA_PLAN(EventBatchAppend, Space, same, event_batch_atom::value, c.entries)
STRATA_PLAN(EventGet, Space, event_value, event_get_atom::value, c.seq)
STRATA_PLAN(EventGetRecord, Space, optional, event_get_atom::value, c.seq)
STRATA_PLAN(EventGetByType, Space, event_values, event_by_type_atom::value, c.type, c.after,
            c.limit, std::numeric_limits<uint64_t>::max())
STRATA_PLAN(EventListAt, Space, same, event_list_at_atom::value, c.type.value_or(""), c.as_of_us)
STRATA_PLAN(EventLen, Space, same, event_len_atom::value)
STRATA_PLAN(EventRange, Space, same, event_range_atom::value, c.from_seq, c.to_seq, c.limit)
STRATA_PLAN(EventVerifyChain, Space, same, event_verify_atom::value)
// State cells.
STRATA_PLAN(StateSet, Space, same, state_set_atom::value, c.cell, c.value)
STRATA_PLAN(StateGet, Space, value, state_get_atom::value, c.cell)
STRATA_PLAN(StateGetVersioned, Space, optional, state_get_atom::value, c.cell)
STRATA_PLAN(StateGetAt, Space, value, state_get_at_atom::value, c.cell, c.as_of_us)
STRATA_PLAN(StateGetv, Space, optional, state_getv_atom::value, c.cell)
STRATA_PLAN(StateInit, Space, same, state_init_atom::value, c.cell, c.value)
STRATA_PLAN(StateCas, Space, cas_version, state_cas_atom::value, c.cell, c.expected.has_value(),
            c.expected.value_or(0), c.value)
STRATA_PLAN(StateCasDetailed, Space, same, state_cas_atom::value, c.cell, c.expected.has_value(),
            c.expected.value_or(0), c.value)
STRATA_PLAN(StateDelete, Space, same, state_del_atom::value, c.cell)
STRATA_PLAN(StateList, Space, same, state_list_atom::value, c.prefix.value_or(""))
STRATA_PLAN(StateListAt, Space, same, state_list_at_atom::value, c.prefix.value_or(""),
            c.as_of_us)
STRATA_PLAN(StateBatchSet, Space, same, state_batch_atom::value, c.entries)
// JSON documents.
STRATA_PLAN(JsonSet, Space, same, json_set_atom::value, c.key, c.path, c.value)
STRATA_PLAN(JsonGet, Space, optional, json_get_atom::value, c.key, c.path)
STRATA_PLAN(JsonGetAt, Space, optional, json_get_at_atom::value, c.key, c.path, c.as_of_us)
STRATA_PLAN(JsonGetVersioned, Space, optional, json_doc_atom::value, c.key)
STRATA_PLAN(JsonGetv, Space, optional, json_getv_atom::value, c.key)
STRATA_PLAN(JsonDelete, Space, same, json_del_atom::value, c.key, c.path)
STRATA_PLAN(JsonList, Space, page, json_list_atom::value,
            ListOptions{c.prefix.value_or(""), c.cursor, c.limit})
STRATA_PLAN(JsonListAt, Space, same, json_list_at_atom::value, c.prefix.value_or(""), c.as_of_us)
STRATA_PLAN(JsonBatchSet, Space, same, json_batch_atom::value, c.entries)
// Vector collections.
STRATA_PLAN(VectorCreateCollection, Space, same, vec_create_atom::value, c.name, c.dimension,
            c.metric, static_cast<uint8_t>(c.index))
STRATA_PLAN(VectorDeleteCollection, Space, same, vec_drop_atom::value, c.name)
STRATA_PLAN(VectorListCollections, Space, same, vec_colls_atom::value)
STRATA_PLAN(VectorCollectionStats, Space, same, vec_stats_atom::value, c.name)
STRATA_PLAN(VectorUpsert, Space, same, vec_upsert_atom::value, c.collection,
            strata::VectorUpsert{c.key, c.embedding, c.metadata})
STRATA_PLAN(VectorBatchUpsert, Space, same, vec_batch_atom::value, c.collection, c.entries)
STRATA_PLAN(VectorGet, Space, optional, vec_get_atom::value, c.collection, c.key)
STRATA_PLAN(VectorGetAt, Space, optional, vec_get_at_atom::value, c.collection, c.key, c.as_of_us)
STRATA_PLAN(VectorDelete, Space, same, vec_del_atom::value, c.collection, c.key)
STRATA_PLAN(VectorListKeys, Space, same, vec_keys_atom::value, c.collection)
STRATA_PLAN(VectorSearch, Space, same, vec_search_atom::value, c.collection, c.query, c.k,
            c.filter)
STRATA_PLAN(VectorSearchAt, Space, same, vec_search_at_atom::value, c.collection, c.query, c.k,
            c.filter, c.as_of_us)

#undef STRATA_PLAN

// Two plans answer some commands without asking anyone.
template <>
struct Plan<cmd::SpaceExists> {
  static constexpr bool exists = true;
  static constexpr Where where = Where::Branch;
  static auto args(const cmd::SpaceExists& c) {
    return std::make_tuple(space_exists_atom::value, c.name);
  }
  static std::optional<out_t<cmd::SpaceExists>> precheck(const cmd::SpaceExists& c) {
    if (validate_space_name(c.name))
      return out_t<cmd::SpaceExists>{false};
    return std::nullopt;
  }
  template <class R>
  static out_t<cmd::SpaceExists> convert(R&& r) {
    return r;
  }
};

template <>
struct Plan<cmd::DeleteBranch> {
  static constexpr bool exists = true;
  static constexpr Where where = Where::Root;
  static auto args(const cmd::DeleteBranch& c) {
    return std::make_tuple(branch_delete_atom::value, c.name);
  }
  static std::optional<out_t<cmd::DeleteBranch>> precheck(const cmd::DeleteBranch& c) {
    if (c.name == c.at.branch && c.name != default_branch)
      return out_t<cmd::DeleteBranch>{
          make_error(errc::ConstraintViolation, "cannot delete current branch")};
    return std::nullopt;
  }
  template <class R>
  static out_t<cmd::DeleteBranch> convert(R&&) {
    return std::monostate{};
  }
};

// -- reads of a branch that does not exist ------------------------------------------

template <class C, class... Cs>
inline constexpr bool is_one_of = (std::is_same_v<C, Cs> || ...);

/// The reads that find nothing on a branch that does not exist (deleted
/// by another handle, or never created) instead of failing: gets, lists,
/// lengths and histories (SPEC 3.2). Writes, searches and the branch-wide
/// commands still answer BranchNotFound.
template <class C>
inline constexpr bool reads_empty_without_branch = is_one_of<
    C, cmd::SpaceExists, cmd::KvGet, cmd::KvGetVersioned, cmd::KvGetAt, cmd::KvGetv, cmd::KvList,
    cmd::KvListPage, cmd::KvListAt, cmd::KvScan, cmd::KvScanAt, cmd::EventGet,
    cmd::EventGetRecord, cmd::EventGetByType, cmd::EventListAt, cmd::EventLen, cmd::EventRange, cmd::StateGet, cmd::StateGetVersioned,
    cmd::StateGetAt, cmd::StateGetv, cmd::StateList, cmd::StateListAt, cmd::JsonGet,
    cmd::JsonGetAt, cmd::JsonGetVersioned, cmd::JsonGetv, cmd::JsonList, cmd::JsonListAt,
    cmd::VectorListCollections, cmd::VectorGet, cmd::VectorGetAt>;

/// The commands that change the database: refused on one opened read-only
/// (OpenOptions::read_only). Exports and bundle reads only read it.
template <class C>
inline constexpr bool writes_data = is_one_of<
    C, cmd::CreateSpace, cmd::DeleteSpace, cmd::DeleteSpaceForce, cmd::CreateBranch,
    cmd::DeleteBranch, cmd::ForkBranch, cmd::BranchImport, cmd::MergeBranches, cmd::KvPut,
    cmd::KvDelete, cmd::KvBatchPut, cmd::EventAppend, cmd::EventBatchAppend, cmd::StateSet,
    cmd::StateInit, cmd::StateCas, cmd::StateCasDetailed, cmd::StateDelete, cmd::StateBatchSet,
    cmd::JsonSet, cmd::JsonDelete, cmd::JsonBatchSet, cmd::VectorCreateCollection,
    cmd::VectorDeleteCollection, cmd::VectorUpsert, cmd::VectorBatchUpsert, cmd::VectorDelete,
    cmd::BundleWrite>;

/// AccessDenied when `c` would write to a database opened read-only (a
/// read-only transaction may begin: it only reads).
template <class C>
caf::error refused_on(const Database* db, const C& c) {
  if constexpr (writes_data<C>)
    return refuse_if_read_only(db, command_name(Command{c}));
  else if constexpr (std::is_same_v<C, cmd::Begin>)
    return c.read_only ? caf::error{} : refuse_if_read_only(db, "Begin");
  else
    return {};
}

/// `err`, or C's empty answer when C is such a read and `err` says the
/// branch does not exist.
template <class C>
out_t<C> unless_branch_missing(caf::error err) {
  if constexpr (reads_empty_without_branch<C>)
    if (is(err, errc::BranchNotFound))
      return typename C::output{};
  return err;
}

/// Runs commands on one HandleImpl. `handle` builds a fresh Strata handle
/// on the same database (composite commands run on one).
struct Exec {
  HandleImpl& h;
  Strata (*handle)(HandleImpl&);


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
    auto id = h.last_txn_id += h.txn_id_step;
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
    auto r = commit ? s->commit() : s->rollback();
    if (!r)
      return std::move(r.error());
    return std::monostate{};
  }

  // The commands a transaction can run, as Session calls.
  static auto txn(Session& s, const cmd::KvPut& c) { return s.kv_put_versioned(c.key, c.value); }
  static auto txn(Session& s, const cmd::KvGet& c) { return s.kv_get(c.key); }
  static auto txn(Session& s, const cmd::KvDelete& c) { return s.kv_delete_versioned(c.key); }
  static auto txn(Session& s, const cmd::KvList& c) { return s.kv_list(c.prefix); }
  static auto txn(Session& s, const cmd::KvScan& c) { return s.kv_scan(c.opts); }
  static auto txn(Session& s, const cmd::KvBatchPut& c) { return s.kv_batch_put(c.entries); }
  static auto txn(Session& s, const cmd::StateBatchSet& c) {
    return s.state_batch_set(c.entries);
  }
  static auto txn(Session& s, const cmd::EventBatchAppend& c) {
    return s.event_batch_append(c.entries);
  }
  static auto txn(Session& s, const cmd::JsonBatchSet& c) { return s.json_batch_set(c.entries); }
  static auto txn(Session& s, const cmd::StateList& c) { return s.state_list(c.prefix); }
  static auto txn(Session& s, const cmd::JsonList& c) {
    return s.json_list(c.prefix, c.cursor, c.limit);
  }
  static auto txn(Session& s, const cmd::EventAppend& c) {
    return s.event_append_versioned(c.type, c.payload);
  }
  static auto txn(Session& s, const cmd::EventGet& c) { return s.event_get(c.seq); }
  static auto txn(Session& s, const cmd::EventLen&) { return s.event_len(); }
  static auto txn(Session& s, const cmd::StateSet& c) { return s.state_set_versioned(c.cell, c.value); }
  static auto txn(Session& s, const cmd::StateGet& c) { return s.state_get(c.cell); }
  static auto txn(Session& s, const cmd::StateGetVersioned& c) {
    return s.state_get_versioned(c.cell);
  }
  static auto txn(Session& s, const cmd::StateInit& c) { return s.state_init_versioned(c.cell, c.value); }
  static auto txn(Session& s, const cmd::StateCas& c) {
    return s.state_cas(c.cell, c.expected, c.value);
  }
  static auto txn(Session& s, const cmd::StateCasDetailed& c) {
    return s.state_cas_detailed(c.cell, c.expected, c.value);
  }
  static auto txn(Session& s, const cmd::StateDelete& c) { return s.state_delete_versioned(c.cell); }
  static auto txn(Session& s, const cmd::JsonSet& c) { return s.json_set_versioned(c.key, c.path, c.value); }
  static auto txn(Session& s, const cmd::JsonGet& c) { return s.json_get(c.key, c.path); }
  static auto txn(Session& s, const cmd::JsonDelete& c) { return s.json_delete_versioned(c.key, c.path); }
  static auto txn(Session& s, const cmd::VectorCreateCollection& c) {
    return s.vector_create_collection(c.name, c.dimension, c.metric, c.index);
  }
  static auto txn(Session& s, const cmd::VectorDeleteCollection& c) {
    return s.vector_delete_collection(c.name);
  }
  static auto txn(Session& s, const cmd::VectorListCollections&) {
    return s.vector_list_collections();
  }
  static auto txn(Session& s, const cmd::VectorCollectionStats& c) {
    return s.vector_collection_stats(c.name);
  }
  static auto txn(Session& s, const cmd::VectorUpsert& c) {
    return s.vector_upsert_versioned(c.collection, c.key, c.embedding, c.metadata);
  }
  static auto txn(Session& s, const cmd::VectorBatchUpsert& c) {
    return s.vector_batch_upsert(c.collection, c.entries);
  }
  static auto txn(Session& s, const cmd::VectorGet& c) { return s.vector_get(c.collection, c.key); }
  static auto txn(Session& s, const cmd::VectorDelete& c) {
    return s.vector_delete_versioned(c.collection, c.key);
  }
  static auto txn(Session& s, const cmd::VectorListKeys& c) {
    return s.vector_list_keys(c.collection);
  }
  static auto txn(Session& s, const cmd::VectorSearch& c) {
    return s.vector_search(c.collection, c.query, c.k, c.filter);
  }

  template <class C, class = void>
  struct has_txn_form : std::false_type {};
  template <class C>
  struct has_txn_form<C, std::void_t<decltype(txn(std::declval<Session&>(), std::declval<const C&>()))>>
      : std::true_type {};

  /// Runs `c`: in its transaction when the target names one (a command
  /// without a transaction form is refused there), else directly.
  template <class C>
  out_t<C> run(const C& c) {
    if (h.remote) {  // the node runs it, transactions included
      // A bundle file is on the caller's side: it crosses in chunks.
      if constexpr (std::is_same_v<C, cmd::BranchExport>)
        return remote_export(h, c);
      else if constexpr (std::is_same_v<C, cmd::BranchImport>)
        return remote_import(h, c);
      else if constexpr (std::is_same_v<C, cmd::BranchValidateBundle>)
        return validate_local_bundle(c.path);
      else
        return h.remote_run(c);
    }
    if (auto err = refused_on(h.db.get(), c))
      return err;
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

  // -- commands with a plan ---------------------------------------------------------

  template <class C, class = std::enable_if_t<Plan<C>::exists>>
  out_t<C> operator()(const C& c) {
    if constexpr (has_precheck<C>::value)
      if (auto early = Plan<C>::precheck(c))
        return std::move(*early);
    auto r = std::apply(
        [this, &c](const auto&... xs) {
          if constexpr (Plan<C>::where == Where::Space)
            return h.on_space_at(c.at.branch, c.at.space, xs...);
          else if constexpr (Plan<C>::where == Where::Branch)
            return h.on_branch_named(c.at.branch, xs...);
          else
            return h.call_root(xs...);
        },
        Plan<C>::args(c));
    if (!r)
      return unless_branch_missing<C>(std::move(r.error()));
    return Plan<C>::convert(std::move(*r));
  }

  // -- composite commands ------------------------------------------------------------

  out_t<cmd::TimeRange> operator()(const cmd::TimeRange& c) {
    auto base = handle(h);
    return time_range(base, c.at.branch);
  }
  out_t<cmd::BranchExport> operator()(const cmd::BranchExport& c);
  out_t<cmd::Check> operator()(const cmd::Check&) { return check_database(h); }
  out_t<cmd::BundleRead> operator()(const cmd::BundleRead& c);
  out_t<cmd::BundleWrite> operator()(const cmd::BundleWrite& c);
  out_t<cmd::DiffBranches> operator()(const cmd::DiffBranches& c) {
    auto base = handle(h);
    return diff_branches(base, c.a, c.b);
  }
  out_t<cmd::MergeBranches> operator()(const cmd::MergeBranches& c) {
    auto base = handle(h);
    return merge_branches(base, c.source, c.target, c.strategy);
  }
  out_t<cmd::MergePreview> operator()(const cmd::MergePreview& c) {
    auto base = handle(h);
    return merge_branches(base, c.source, c.target, MergeStrategy::LastWriterWins, false);
  }
};

/// The batch request and item type of a plain write that travels grouped:
/// consecutive commands of one such kind on one space (outside a
/// transaction) go to the space actor as one batch message, from
/// execute_batch and from the service while that space is busy. Only
/// kinds whose batch answers each item exactly as the command alone would
/// (its own version and timestamp): not JsonSet, whose batch gives all the
/// sets of one document a single version.
template <class C>
struct Grouped {
  static constexpr bool exists = false;
};
template <>
struct Grouped<cmd::KvPut> {
  static constexpr bool exists = true;
  using atom = kv_batch_atom;
  static KvEntry item(const cmd::KvPut& c) { return {c.key, c.value}; }
  static KvEntry item(cmd::KvPut&& c) { return {std::move(c.key), std::move(c.value)}; }
};
template <>
struct Grouped<cmd::StateSet> {
  static constexpr bool exists = true;
  using atom = state_batch_atom;
  static KvEntry item(const cmd::StateSet& c) { return {c.cell, c.value}; }
  static KvEntry item(cmd::StateSet&& c) { return {std::move(c.cell), std::move(c.value)}; }
};
template <>
struct Grouped<cmd::EventAppend> {
  static constexpr bool exists = true;
  using atom = event_batch_atom;
  static EventEntry item(const cmd::EventAppend& c) { return {c.type, c.payload}; }
  static EventEntry item(cmd::EventAppend&& c) {
    return {std::move(c.type), std::move(c.payload)};
  }
};

/// One item of a grouped batch's answer as its command's own answer (each
/// grouped command answers a WriteInfo).
inline result<Output> grouped_output(BatchItemResult&& r) {
  if (!r.ok())
    return std::move(r.error);
  return Output{WriteInfo{*r.version, r.timestamp}};
}

/// Runs any command on `h` (a fresh handle for composites from `handle`).
result<Output> execute(HandleImpl& h, Strata (*handle)(HandleImpl&), const Command& c);

/// Runs `cmds` in order; consecutive plain writes of one kind to one space
/// (KvPut, StateSet, EventAppend: Grouped) travel as one batch request,
/// their keys and values moved out of `cmds` into it (no copy).
std::vector<result<Output>> execute_batch(HandleImpl& h, Strata (*handle)(HandleImpl&),
                                          std::vector<Command>& cmds);

}  // namespace strata::detail
