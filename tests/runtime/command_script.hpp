#pragma once

// A script of commands covering every alternative of strata::Command, the
// same operations through the handle's methods, and a rendering of outputs
// with what differs between two runs masked (timestamps, event hashes,
// bundle paths and sizes). The command tests run the script through each
// layer on fresh databases and compare.

#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include <caf/deep_to_string.hpp>

#include <strata/command_wire.hpp>
#include <strata/strata.hpp>

namespace strata::test {

/// The script, run on a fresh database whose files live under `dir`
/// (bundles are written there).
inline std::vector<Command> command_script(const std::string& dir) {
  using namespace cmd;
  Target d{"default", "default"};
  Target m{"default", "memory"};
  Target f{"fork", "memory"};
  auto vec = [](float a, float b) { return std::vector<float>{a, b}; };
  MetadataFilter by_tag;
  by_tag.conditions.push_back({"tag", FilterCondition::Op::Eq, Value("a")});
  std::string bundle = dir + "/b2.bundle";
  return {
      // KV, with errors on the way.
      KvPut{m, "k", 1}, KvPut{m, "k", Value("two")}, KvPut{m, "", 1}, KvGet{m, "k"},
      KvGet{m, "missing"}, KvGetVersioned{m, "k"}, KvGetAt{m, "k", 1}, KvGetv{m, "k"},
      KvPut{m, "user:1", Object{{"name", "Ada"}}}, KvPut{m, "user:2", true},
      KvList{m, std::nullopt}, KvList{m, std::string("user:")},
      KvListPage{m, ListOptions{"", std::string("k"), 1}}, KvListAt{m, std::nullopt, 1},
      KvBatchPut{m, {{"b1", 1}, {"", 2}, {"b3", 3}}}, KvDelete{m, "user:2"},
      KvScan{m, {}}, KvScan{m, ListOptions{"user:", std::nullopt, 1}},
      KvScan{m, ListOptions{"", std::string("b1"), 2}}, KvScan{m, ListOptions{"", std::nullopt, 20000}},
      KvScanAt{m, {}, 1},
      KvDelete{m, "never"},
      // Events.
      EventAppend{m, "tool_call", Object{{"tool", "weather"}}}, EventAppend{m, "x", 1},
      EventBatchAppend{m, {{"note", Object{{"n", 1}}}, {"note", Object{{"n", 2}}}}},
      EventGet{m, 1}, EventGet{m, 99}, EventGetRecord{m, 2}, EventGetByType{m, "note", 0, 0},
      EventListAt{m, std::string("note"), 1}, EventLen{m}, EventVerifyChain{m},
      EventRange{m, 2, 3, 0}, EventRange{m, 0, 0, 2}, EventRange{m, 3, 0, 0},
      EventRange{m, 99, 0, 0},
      // State cells.
      StateSet{m, "leader", "agent-1"}, StateGet{m, "leader"}, StateGetVersioned{m, "leader"},
      StateGetAt{m, "leader", 1}, StateGetv{m, "leader"}, StateInit{m, "counter", 0},
      StateInit{m, "counter", 5}, StateCas{m, "counter", uint64_t{1}, 1},
      StateCas{m, "counter", uint64_t{1}, 2}, StateCas{m, "lock", std::nullopt, "me"},
      StateCasDetailed{m, "lock", std::nullopt, "you"},
      StateCasDetailed{m, "lock", uint64_t{1}, "you"},
      StateCasDetailed{m, "never", uint64_t{3}, 1}, StateCasDetailed{m, "", std::nullopt, 1},
      StateDelete{m, "lock"}, StateList{m, std::nullopt}, StateListAt{m, std::nullopt, 1},
      StateBatchSet{m, {{"s1", 1}, {"s2", 2}}},
      // JSON documents.
      JsonSet{m, "profile", "$.name", "Ada"}, JsonSet{m, "profile", "$.langs", Array{"en"}},
      JsonSet{m, "profile", "$.langs[5]", 1}, JsonGet{m, "profile", "$.name"},
      JsonGet{m, "profile", "$"}, JsonGetAt{m, "profile", "$", 1}, JsonGetVersioned{m, "profile"},
      JsonGetv{m, "profile"}, JsonList{m, std::nullopt, std::nullopt, 10},
      JsonListAt{m, std::nullopt, 1},
      JsonBatchSet{m, {{"doc2", "$", Object{{"a", 1}}}, {"doc2", "$.b", 2}}},
      JsonDelete{m, "doc2", "$.b"},
      // Vectors.
      VectorCreateCollection{m, "docs", 2, DistanceMetric::Cosine, IndexKind::Auto},
      VectorCreateCollection{m, "docs", 2, DistanceMetric::Cosine, IndexKind::Auto},
      cmd::VectorUpsert{m, "docs", "a", vec(1, 0), Value(Object{{"tag", "a"}})},
      cmd::VectorUpsert{m, "docs", "bad", std::vector<float>{1}, std::nullopt},
      VectorBatchUpsert{m, "docs", {{"b", vec(0, 1), std::nullopt}, {"c", vec(1, 1), std::nullopt}}},
      VectorGet{m, "docs", "a"}, VectorGetAt{m, "docs", "a", 1}, VectorListKeys{m, "docs"},
      VectorSearch{m, "docs", vec(1, 0), 2, {}}, VectorSearch{m, "docs", vec(1, 0), 5, by_tag},
      VectorSearchAt{m, "docs", vec(1, 0), 2, {}, 1}, VectorListCollections{m},
      VectorCollectionStats{m, "docs"}, VectorDelete{m, "docs", "c"},
      VectorCreateCollection{m, "tmp", 3, DistanceMetric::Euclidean, IndexKind::BruteForce},
      VectorDeleteCollection{m, "tmp"},
      // Spaces.
      ListSpaces{d}, CreateSpace{d, "empty"}, CreateSpace{d, "bad/name"}, SpaceExists{d, "empty"},
      SpaceExists{d, "nope"}, DeleteSpace{d, "empty"}, DeleteSpace{d, "memory"},
      KvPut{Target{"default", "scratch"}, "x", 1}, DeleteSpaceForce{d, "scratch"},
      cmd::TimeRange{Target{"b2", "default"}},
      // Transactions: a commit, a rollback, a conflict-free read-only one.
      Begin{d}, KvPut{Target{"default", "billing", 1}, "credits", 99},
      KvGet{Target{"default", "billing", 1}, "credits"},
      EventAppend{Target{"default", "api-logs", 1}, "api_call", Object{{"endpoint", "/s"}}},
      EventLen{Target{"default", "api-logs", 1}}, EventGet{Target{"default", "api-logs", 1}, 1},
      StateSet{Target{"default", "billing", 1}, "plan", "pro"},
      StateGet{Target{"default", "billing", 1}, "plan"},
      StateGetVersioned{Target{"default", "billing", 1}, "plan"},
      StateInit{Target{"default", "billing", 1}, "tier", 1},
      StateCas{Target{"default", "billing", 1}, "tier", uint64_t{1}, 2},
      StateCasDetailed{Target{"default", "billing", 1}, "tier", uint64_t{1}, 3},
      StateCasDetailed{Target{"default", "billing", 1}, "tier", uint64_t{2}, 3},
      StateDelete{Target{"default", "billing", 1}, "gone"},
      JsonSet{Target{"default", "billing", 1}, "inv", "$.n", 1},
      JsonGet{Target{"default", "billing", 1}, "inv", "$"},
      JsonDelete{Target{"default", "billing", 1}, "inv", "$.m"},
      KvDelete{Target{"default", "billing", 1}, "old"},
      KvList{Target{"default", "billing", 1}, std::nullopt},
      KvScan{Target{"default", "billing", 1}, {}},
      KvBatchPut{Target{"default", "billing", 1}, {{"bk", 1}, {"", 2}}},
      StateBatchSet{Target{"default", "billing", 1}, {{"bc", 1}}},
      EventBatchAppend{Target{"default", "api-logs", 1}, {{"batched", Object{}}}},
      JsonBatchSet{Target{"default", "billing", 1}, {{"bd", "$", 1}}},
      StateList{Target{"default", "billing", 1}, std::nullopt},
      JsonList{Target{"default", "billing", 1}, std::nullopt, std::nullopt, 10},
      KvGetv{Target{"default", "billing", 1}, "credits"}, Commit{d}, Commit{Target{"default", "default", 1}},
      Commit{Target{"default", "default", 1}}, KvGet{Target{"default", "billing"}, "credits"},
      Begin{d}, KvPut{Target{"default", "billing", 2}, "credits", 1},
      Rollback{Target{"default", "billing", 2}}, Rollback{Target{"default", "billing", 2}},
      KvGet{Target{"default", "billing"}, "credits"}, Begin{d, true},
      KvPut{Target{"default", "billing", 3}, "credits", 2}, Commit{Target{"default", "billing", 3}},
      // Branches and bundles.
      ListBranches{d}, CreateBranch{d, "b2"}, CreateBranch{d, "b2"}, BranchExists{d, "b2"},
      cmd::BranchInfo{d, "b2"}, cmd::BranchInfo{d, "none"}, KvPut{Target{"b2", "s"}, "k", 1},
      ForkBranch{d, "fork"}, KvPut{f, "k", Value("fork")}, KvPut{f, "new", 1},
      DiffBranches{d, "default", "fork"}, MergePreview{d, "fork", "default"},
      MergePreview{d, "fork", "none"}, MergeBranches{d, "fork", "default", MergeStrategy::Strict},
      MergeBranches{d, "fork", "default", MergeStrategy::LastWriterWins},
      KvGet{m, "k"}, BranchExport{d, "b2", bundle}, BranchValidateBundle{d, bundle},
      BranchValidateBundle{d, "/dev/null"}, DeleteBranch{d, "default"}, DeleteBranch{Target{"b2", "s"}, "b2"},
      DeleteBranch{d, "b2"}, BranchImport{d, bundle, ""}, KvGet{Target{"b2", "s"}, "k"},
      BranchImport{d, bundle, "b2"}, BranchImport{d, bundle, "b3"}, BranchImport{d, bundle, " "},
      KvGet{Target{"b3", "s"}, "k"}, cmd::BranchInfo{d, "b3"},
      DeleteBranch{d, "none"},
      // Bundles in chunks (how a connected handle moves them): a small
      // branch is one chunk; unknown branches, ids and offsets; a bundle
      // that is not one, refused at its last chunk.
      BundleRead{d, "fork", "", 0}, BundleRead{d, "none", "", 0},
      BundleRead{d, "fork", "0123456789abcdef", 0}, BundleRead{d, "fork", "../../x", 0},
      BundleRead{d, "fork", "", 7}, BundleWrite{d, "", 3, "abc", false, ""},
      BundleWrite{d, "", 0, "not a bundle", true, ""},
      BundleWrite{d, "0123456789abcdef", 0, "x", false, ""},
      // Integrity: every store of the branches above, all sound.
      Check{d}};
}

/// Which commands a script holds (indices into Command).
inline std::set<size_t> covered(const std::vector<Command>& script) {
  std::set<size_t> out;
  for (const auto& c : script)
    out.insert(c.index());
  return out;
}

namespace detail {

template <class T>
void mask_one(T&) {}
template <class T>
void mask_one(std::optional<T>& x);
template <class T>
void mask_one(std::vector<T>& xs);
inline void mask_one(VersionedValue& v) { v.timestamp = 0; }
inline void mask_one(Event& e) {
  e.timestamp = 0;
  e.hash.clear();
  e.prev_hash.clear();
}
inline void mask_one(VectorEntry& e) { e.timestamp = 0; }
inline void mask_one(KeyValue& kv) { kv.timestamp = 0; }
inline void mask_one(ScanPage& p) {
  for (auto& kv : p.items)
    mask_one(kv);
}
// A write's timestamp differs between runs; whether it is 0 does not.
inline void mask_one(WriteInfo& w) { w.timestamp = w.timestamp != 0; }
inline void mask_one(BatchItemResult& b) { b.timestamp = b.timestamp != 0; }
inline void mask_one(CasOutcome& c) {
  c.timestamp = c.timestamp != 0;
  if (c.current)
    c.current->timestamp = 0;
}
inline void mask_one(BranchInfo& b) {
  b.created_at = 0;
  for (auto& [source, ts] : b.merged_from)
    ts = 0;
}
inline void mask_one(MergeInfo& m) { m.merge_base = m.merge_base != 0; }
inline void mask_one(BundleInfo& b) {
  b.path.clear();
  b.bundle_size = 0;
}
inline void mask_one(std::pair<uint64_t, uint64_t>& p) { p = {1, 1}; }
inline void mask_one(BundleTransfer& t) {
  t.transfer = t.transfer.empty() ? "" : "<id>";
  t.data = t.data.empty() ? "" : "<bytes>";
  t.offset = t.offset != 0;
  t.total = t.total != 0;
  if (t.info)
    mask_one(*t.info);
}
template <class T>
void mask_one(std::optional<T>& x) {
  if (x)
    mask_one(*x);
}
template <class T>
void mask_one(std::vector<T>& xs) {
  for (auto& x : xs)
    mask_one(x);
}

}  // namespace detail

/// The output as text, with what differs between two runs masked; an
/// error as its kind and message.
inline std::string render(result<Output> r) {
  if (!r)
    return "error " + describe(r.error());
  std::visit([](auto& x) { detail::mask_one(x); }, *r);
  return caf::deep_to_string(*r);
}

/// The same operation as `c` through the handle's methods (and, inside a
/// transaction, a Session's): what the handle API returns, as an Output.
class ViaHandle {
 public:
  explicit ViaHandle(Strata& db) : db_(db) {}

  result<Output> operator()(const Command& c) {
    const Target& at = target_of(c);
    if (at.txn == 0 && (db_.current_branch() != at.branch || db_.current_space() != at.space)) {
      if (db_.current_branch() != at.branch)
        if (auto r = db_.set_branch(at.branch); !r)
          return r.error();
      if (auto r = db_.set_space(at.space); !r)
        return r.error();
    }
    return std::visit([this](const auto& x) { return run(x); }, c);
  }

 private:
  template <class T>
  static result<Output> wrap(result<T>&& r) {
    if (!r)
      return std::move(r.error());
    if constexpr (std::is_void_v<T>)
      return Output{};
    else
      return Output{std::move(*r)};
  }

  // The session of a transaction command, switched to its space.
  Session* session(const Target& at) {
    auto it = txns_.find(at.txn);
    if (it == txns_.end())
      return nullptr;
    (void)it->second.set_space(at.space);
    return &it->second;
  }
  result<Output> no_txn(const Target& at) {
    return make_error(errc::TransactionNotActive,
                      "no active transaction with id " + std::to_string(at.txn));
  }

#define STRATA_VIA(Cmd, call)                                  \
  result<Output> run(const cmd::Cmd& c) {                      \
    if (c.at.txn != 0)                                         \
      return txn(c);                                           \
    return wrap(db_.call);                                     \
  }

  STRATA_VIA(ListSpaces, list_spaces())
  STRATA_VIA(CreateSpace, create_space(c.name))
  STRATA_VIA(SpaceExists, space_exists(c.name))
  STRATA_VIA(DeleteSpace, delete_space(c.name))
  STRATA_VIA(DeleteSpaceForce, delete_space_force(c.name))
  STRATA_VIA(TimeRange, time_range())
  STRATA_VIA(Check, check())
  STRATA_VIA(CreateBranch, create_branch(c.name))
  STRATA_VIA(ListBranches, list_branches())
  STRATA_VIA(BranchExists, branch_exists(c.name))
  STRATA_VIA(BranchInfo, branch_info(c.name))
  STRATA_VIA(DeleteBranch, delete_branch(c.name))
  STRATA_VIA(ForkBranch, fork_branch(c.dest))
  STRATA_VIA(BranchExport, branch_export(c.branch, c.path))
  STRATA_VIA(BranchImport, branch_import(c.path, c.as_name))
  STRATA_VIA(BranchValidateBundle, branch_validate_bundle(c.path))
  STRATA_VIA(DiffBranches, diff_branches(c.a, c.b))
  STRATA_VIA(MergeBranches, merge_branches(c.source, c.target, c.strategy))
  STRATA_VIA(MergePreview, merge_preview(c.source, c.target))
  // No handle method of their own: what branch_export / branch_import of a
  // connected handle send.
  STRATA_VIA(BundleRead, execute(c))
  STRATA_VIA(BundleWrite, execute(c))
  STRATA_VIA(KvPut, kv_put_versioned(c.key, c.value))
  STRATA_VIA(KvGet, kv_get(c.key))
  STRATA_VIA(KvGetVersioned, kv_get_versioned(c.key))
  STRATA_VIA(KvGetAt, kv_get_at(c.key, c.as_of_us))
  STRATA_VIA(KvGetv, kv_getv(c.key))
  STRATA_VIA(KvDelete, kv_delete_versioned(c.key))
  STRATA_VIA(KvList, kv_list(c.prefix))
  STRATA_VIA(KvListPage, kv_list_page(c.opts))
  STRATA_VIA(KvListAt, kv_list_at(c.prefix, c.as_of_us))
  STRATA_VIA(KvBatchPut, kv_batch_put(c.entries))
  STRATA_VIA(KvScan, kv_scan(c.opts))
  STRATA_VIA(KvScanAt, kv_scan_at(c.opts, c.as_of_us))
  STRATA_VIA(EventAppend, event_append_versioned(c.type, c.payload))
  STRATA_VIA(EventBatchAppend, event_batch_append(c.entries))
  STRATA_VIA(EventGet, event_get(c.seq))
  STRATA_VIA(EventGetRecord, event_get_record(c.seq))
  STRATA_VIA(EventGetByType, event_get_by_type(c.type, c.after, c.limit))
  STRATA_VIA(EventListAt, event_list_at(c.type, c.as_of_us))
  STRATA_VIA(EventLen, event_len())
  STRATA_VIA(EventVerifyChain, event_verify_chain())
  STRATA_VIA(EventRange, event_range(c.from_seq, c.to_seq, c.limit))
  STRATA_VIA(StateSet, state_set_versioned(c.cell, c.value))
  STRATA_VIA(StateGet, state_get(c.cell))
  STRATA_VIA(StateGetVersioned, state_get_versioned(c.cell))
  STRATA_VIA(StateGetAt, state_get_at(c.cell, c.as_of_us))
  STRATA_VIA(StateGetv, state_getv(c.cell))
  STRATA_VIA(StateInit, state_init_versioned(c.cell, c.value))
  STRATA_VIA(StateCas, state_cas(c.cell, c.expected, c.value))
  STRATA_VIA(StateCasDetailed, state_cas_detailed(c.cell, c.expected, c.value))
  STRATA_VIA(StateDelete, state_delete_versioned(c.cell))
  STRATA_VIA(StateList, state_list(c.prefix))
  STRATA_VIA(StateListAt, state_list_at(c.prefix, c.as_of_us))
  STRATA_VIA(StateBatchSet, state_batch_set(c.entries))
  STRATA_VIA(JsonSet, json_set_versioned(c.key, c.path, c.value))
  STRATA_VIA(JsonGet, json_get(c.key, c.path))
  STRATA_VIA(JsonGetAt, json_get_at(c.key, c.path, c.as_of_us))
  STRATA_VIA(JsonGetVersioned, json_get_versioned(c.key))
  STRATA_VIA(JsonGetv, json_getv(c.key))
  STRATA_VIA(JsonDelete, json_delete_versioned(c.key, c.path))
  STRATA_VIA(JsonList, json_list(c.prefix, c.cursor, c.limit))
  STRATA_VIA(JsonListAt, json_list_at(c.prefix, c.as_of_us))
  STRATA_VIA(JsonBatchSet, json_batch_set(c.entries))
  STRATA_VIA(VectorCreateCollection,
             vector_create_collection(c.name, c.dimension, c.metric, c.index))
  STRATA_VIA(VectorDeleteCollection, vector_delete_collection(c.name))
  STRATA_VIA(VectorListCollections, vector_list_collections())
  STRATA_VIA(VectorCollectionStats, vector_collection_stats(c.name))
  STRATA_VIA(VectorUpsert, vector_upsert_versioned(c.collection, c.key, c.embedding, c.metadata))
  STRATA_VIA(VectorBatchUpsert, vector_batch_upsert(c.collection, c.entries))
  STRATA_VIA(VectorGet, vector_get(c.collection, c.key))
  STRATA_VIA(VectorGetAt, vector_get_at(c.collection, c.key, c.as_of_us))
  STRATA_VIA(VectorDelete, vector_delete_versioned(c.collection, c.key))
  STRATA_VIA(VectorListKeys, vector_list_keys(c.collection))
  STRATA_VIA(VectorSearch, vector_search(c.collection, c.query, c.k, c.filter))
  STRATA_VIA(VectorSearchAt,
             vector_search_at(c.collection, c.query, c.k, c.filter, c.as_of_us))
#undef STRATA_VIA

  // Transactions: ids count from 1 per handle, as execute's do.
  result<Output> run(const cmd::Begin& c) {
    if (c.at.txn != 0)
      return make_error(errc::TransactionAlreadyActive,
                        "Begin names transaction " + std::to_string(c.at.txn) +
                            " (a transaction does not nest)");
    auto s = db_.session();
    if (auto r = s.set_branch(c.at.branch); !r)
      return r.error();
    if (auto r = s.set_space(c.at.space); !r)
      return r.error();
    if (auto r = c.read_only ? s.begin_read_only() : s.begin(); !r)
      return r.error();
    txns_.emplace(++last_id_, std::move(s));
    return Output{last_id_};
  }
  result<Output> run(const cmd::Commit& c) { return end(c.at, true); }
  result<Output> run(const cmd::Rollback& c) { return end(c.at, false); }
  result<Output> end(const Target& at, bool commit) {
    auto it = txns_.find(at.txn);
    if (it == txns_.end())
      return no_txn(at);
    auto s = std::move(it->second);
    txns_.erase(it);
    return wrap(commit ? s.commit() : s.rollback());
  }

  template <class C>
  result<Output> txn(const C& c) {
    Session* s = session(c.at);
    if (!s)
      return no_txn(c.at);
    if constexpr (std::is_same_v<C, cmd::KvPut>)
      return wrap(s->kv_put_versioned(c.key, c.value));
    else if constexpr (std::is_same_v<C, cmd::KvGet>)
      return wrap(s->kv_get(c.key));
    else if constexpr (std::is_same_v<C, cmd::KvDelete>)
      return wrap(s->kv_delete_versioned(c.key));
    else if constexpr (std::is_same_v<C, cmd::KvList>)
      return wrap(s->kv_list(c.prefix));
    else if constexpr (std::is_same_v<C, cmd::KvScan>)
      return wrap(s->kv_scan(c.opts));
    else if constexpr (std::is_same_v<C, cmd::KvBatchPut>)
      return wrap(s->kv_batch_put(c.entries));
    else if constexpr (std::is_same_v<C, cmd::StateBatchSet>)
      return wrap(s->state_batch_set(c.entries));
    else if constexpr (std::is_same_v<C, cmd::EventBatchAppend>)
      return wrap(s->event_batch_append(c.entries));
    else if constexpr (std::is_same_v<C, cmd::JsonBatchSet>)
      return wrap(s->json_batch_set(c.entries));
    else if constexpr (std::is_same_v<C, cmd::StateList>)
      return wrap(s->state_list(c.prefix));
    else if constexpr (std::is_same_v<C, cmd::JsonList>)
      return wrap(s->json_list(c.prefix, c.cursor, c.limit));
    else if constexpr (std::is_same_v<C, cmd::EventAppend>)
      return wrap(s->event_append_versioned(c.type, c.payload));
    else if constexpr (std::is_same_v<C, cmd::EventGet>)
      return wrap(s->event_get(c.seq));
    else if constexpr (std::is_same_v<C, cmd::EventLen>)
      return wrap(s->event_len());
    else if constexpr (std::is_same_v<C, cmd::StateSet>)
      return wrap(s->state_set_versioned(c.cell, c.value));
    else if constexpr (std::is_same_v<C, cmd::StateGet>)
      return wrap(s->state_get(c.cell));
    else if constexpr (std::is_same_v<C, cmd::StateGetVersioned>)
      return wrap(s->state_get_versioned(c.cell));
    else if constexpr (std::is_same_v<C, cmd::StateInit>)
      return wrap(s->state_init_versioned(c.cell, c.value));
    else if constexpr (std::is_same_v<C, cmd::StateCas>)
      return wrap(s->state_cas(c.cell, c.expected, c.value));
    else if constexpr (std::is_same_v<C, cmd::StateCasDetailed>)
      return wrap(s->state_cas_detailed(c.cell, c.expected, c.value));
    else if constexpr (std::is_same_v<C, cmd::StateDelete>)
      return wrap(s->state_delete_versioned(c.cell));
    else if constexpr (std::is_same_v<C, cmd::JsonSet>)
      return wrap(s->json_set_versioned(c.key, c.path, c.value));
    else if constexpr (std::is_same_v<C, cmd::JsonGet>)
      return wrap(s->json_get(c.key, c.path));
    else if constexpr (std::is_same_v<C, cmd::JsonDelete>)
      return wrap(s->json_delete_versioned(c.key, c.path));
    else
      return make_error(errc::InvalidInput, std::string(command_name(Command{c})) +
                                                " cannot run inside a transaction");
  }

  Strata& db_;
  std::map<uint64_t, Session> txns_;
  uint64_t last_id_ = 0;
};

}  // namespace strata::test
