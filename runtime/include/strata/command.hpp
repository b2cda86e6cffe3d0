#pragma once

// strata::Command — the one vocabulary of operations on a database.
//
// Every operation of the handle API is one struct in namespace strata::cmd,
// named after the handle method in CamelCase, whose first member is the
// Target (branch, space, and optionally a transaction) and whose other
// members are the method's arguments in the method's order:
//
//   strata::Command c = strata::cmd::KvPut{{"default", "memory"}, "k", 42};
//   auto out = db.execute(c);                      // result<Output>
//   uint64_t version = std::get<WriteInfo>(*out).version;
//
// The handle's methods, Strata::execute / execute_batch, the service actor
// that user actors talk to (<strata/actor.hpp>), the CLI and the network
// are layers over these structs; each struct's `output` type names the
// alternative of Output its successful execution yields, and its comment
// names the handle method whose contract (errors included) it has.
//
// Transactions: cmd::Begin returns a transaction id; a command whose
// target carries that id (`Target::txn`) runs inside the transaction, with
// the semantics of Session (snapshot reads, buffered writes, OCC at
// cmd::Commit). Commands without a transaction form (branches, bundles,
// vectors, batches, histories) are refused inside one with InvalidInput.
//
// This header is plain C++ (no CAF).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "strata/branches.hpp"
#include "strata/messages/error.hpp"
#include "strata/messages/types.hpp"
#include "strata/messages/value.hpp"
#include "strata/messages/vector_types.hpp"

namespace strata {

/// Where a command runs. `txn` 0: directly, like a handle call; otherwise
/// inside the transaction cmd::Begin returned (whose branch must be
/// `branch`).
struct Target {
  std::string branch = "default";
  std::string space = "default";
  uint64_t txn = 0;
};

/// The time range of a branch (Strata::time_range): oldest and newest
/// commit timestamps, empty when the branch holds no data.
using TimeRange = std::optional<std::pair<uint64_t, uint64_t>>;

/// A successful command's result. Which alternative a command yields is
/// its struct's `output` type; a command that only succeeds or fails
/// yields std::monostate.
/// One chunk of a bundle file moving between a node and a client (what a
/// connected handle's branch_export / branch_import send: bundles cross the
/// wire in chunks of at most `bundle_chunk_bytes`, docs/nodes.md).
struct BundleTransfer {
  /// The transfer's id on the node (16 hex digits).
  std::string transfer;
  /// Where `data` starts in the file, and the file's size (a read); the
  /// bytes received so far (a write).
  uint64_t offset = 0;
  uint64_t total = 0;
  std::string data;
  /// The last chunk: the node has removed its staged file.
  bool last = false;
  /// The export's summary (a read's first chunk), the import's (a write's
  /// last chunk).
  std::optional<BundleInfo> info;
};

/// The most bytes one BundleRead answers or one BundleWrite carries.
inline constexpr uint64_t bundle_chunk_bytes = 4u << 20;

using Output =
    std::variant<std::monostate, bool, uint64_t, std::optional<uint64_t>, std::optional<Value>,
                 std::optional<VersionedValue>, std::optional<std::vector<VersionedValue>>,
                 std::vector<std::string>, std::vector<BatchItemResult>, std::optional<Event>,
                 std::vector<VersionedValue>, std::vector<Event>, ChainVerification,
                 JsonListPage, std::vector<CollectionInfo>, CollectionInfo,
                 std::vector<uint64_t>, std::optional<VectorEntry>, std::vector<VectorMatch>,
                 std::optional<BranchInfo>, ForkInfo, BundleInfo, BranchDiff, MergeInfo,
                 TimeRange, std::vector<StoreCheck>, BundleTransfer, CasOutcome, ScanPage,
                 WriteInfo>;

namespace cmd {

// -- spaces (Strata::list_spaces ... time_range) ---------------------------------

/// list_spaces of at.branch.
struct ListSpaces { Target at; using output = std::vector<std::string>; };
/// create_space(name) on at.branch.
struct CreateSpace { Target at; std::string name; using output = std::monostate; };
/// space_exists(name) on at.branch.
struct SpaceExists { Target at; std::string name; using output = bool; };
/// delete_space(name) on at.branch.
struct DeleteSpace { Target at; std::string name; using output = std::monostate; };
/// delete_space_force(name) on at.branch.
struct DeleteSpaceForce { Target at; std::string name; using output = std::monostate; };
/// time_range of at.branch.
struct TimeRange { Target at; using output = strata::TimeRange; };

// -- branches and bundles ---------------------------------------------------------

/// create_branch(name).
struct CreateBranch { Target at; std::string name; using output = std::monostate; };
/// list_branches.
struct ListBranches { Target at; using output = std::vector<std::string>; };
/// branch_exists(name).
struct BranchExists { Target at; std::string name; using output = bool; };
/// branch_info(name).
struct BranchInfo { Target at; std::string name; using output = std::optional<strata::BranchInfo>; };
/// delete_branch(name); refused for at.branch like the handle's current
/// branch.
struct DeleteBranch { Target at; std::string name; using output = std::monostate; };
/// fork_branch(dest): copies at.branch into `dest`.
struct ForkBranch { Target at; std::string dest; using output = ForkInfo; };

// -- the whole database -----------------------------------------------------------

/// check(): verifies every store of every branch (`at` is not used); one
/// StoreCheck per space and per branch transaction log, branches and
/// spaces in name order.
struct Check { Target at; using output = std::vector<StoreCheck>; };
/// branch_export(branch, path) (without progress reports).
struct BranchExport { Target at; std::string branch; std::string path; using output = BundleInfo; };
/// branch_import(path, as_name): `as_name` empty keeps the bundle's name.
struct BranchImport {
  Target at;
  std::string path;
  std::string as_name;
  using output = BundleInfo;
};
/// branch_validate_bundle(path).
struct BranchValidateBundle { Target at; std::string path; using output = BundleInfo; };
/// diff_branches(a, b).
struct DiffBranches { Target at; std::string a; std::string b; using output = BranchDiff; };
/// merge_branches(source, target, strategy).
struct MergeBranches {
  Target at;
  std::string source;
  std::string target;
  MergeStrategy strategy = MergeStrategy::LastWriterWins;
  using output = MergeInfo;
};

/// merge_preview(source, target): what merge_branches would do (with
/// last-writer-wins), nothing written.
struct MergePreview {
  Target at;
  std::string source;
  std::string target;
  using output = MergeInfo;
};

// -- KV (in at.space) ---------------------------------------------------------------

/// kv_put_versioned(key, value): the new version and its commit timestamp
/// (kv_put answers the version). In a transaction: buffered.
struct KvPut { Target at; std::string key; Value value; using output = WriteInfo; };
/// kv_get(key). In a transaction: at its snapshot, plus its own writes.
struct KvGet { Target at; std::string key; using output = std::optional<Value>; };
/// kv_get_versioned(key).
struct KvGetVersioned { Target at; std::string key; using output = std::optional<VersionedValue>; };
/// kv_get_at(key, as_of_us).
struct KvGetAt { Target at; std::string key; uint64_t as_of_us = 0; using output = std::optional<Value>; };
/// kv_getv(key): every version, newest first.
struct KvGetv {
  Target at;
  std::string key;
  using output = std::optional<std::vector<VersionedValue>>;
};
/// kv_delete_versioned(key): the deletion's version and timestamp, {0, 0}
/// when nothing was live (kv_delete answers whether it existed). In a
/// transaction: buffered.
struct KvDelete { Target at; std::string key; using output = WriteInfo; };
/// kv_list(prefix). In a transaction: at its snapshot, plus its own writes.
struct KvList {
  Target at;
  std::optional<std::string> prefix;
  using output = std::vector<std::string>;
};
/// kv_list_page(opts).
struct KvListPage { Target at; ListOptions opts; using output = std::vector<std::string>; };
/// kv_list_at(prefix, as_of_us).
struct KvListAt {
  Target at;
  std::optional<std::string> prefix;
  uint64_t as_of_us = 0;
  using output = std::vector<std::string>;
};
/// kv_scan(opts): live entries with their values, one page. In a
/// transaction: at its snapshot, plus its own writes.
struct KvScan { Target at; ListOptions opts; using output = ScanPage; };
/// kv_scan_at(opts, as_of_us).
struct KvScanAt {
  Target at;
  ListOptions opts;
  uint64_t as_of_us = 0;
  using output = ScanPage;
};
/// kv_batch_put(entries).
struct KvBatchPut {
  Target at;
  std::vector<KvEntry> entries;
  using output = std::vector<BatchItemResult>;
};

// -- event log (in at.space) --------------------------------------------------------

/// event_append_versioned(type, payload): the sequence number and the
/// timestamp (event_append answers the sequence). In a transaction:
/// buffered.
struct EventAppend { Target at; std::string type; Value payload; using output = WriteInfo; };
/// event_batch_append(entries).
struct EventBatchAppend {
  Target at;
  std::vector<EventEntry> entries;
  using output = std::vector<BatchItemResult>;
};
/// event_get(seq). In a transaction: at its snapshot, plus its own appends.
struct EventGet { Target at; uint64_t seq = 0; using output = std::optional<VersionedValue>; };
/// event_get_record(seq).
struct EventGetRecord { Target at; uint64_t seq = 0; using output = std::optional<Event>; };
/// event_get_by_type(type, after, limit).
struct EventGetByType {
  Target at;
  std::string type;
  uint64_t after = 0;
  uint64_t limit = 0;
  using output = std::vector<VersionedValue>;
};
/// event_list_at(type, as_of_us).
struct EventListAt {
  Target at;
  std::optional<std::string> type;
  uint64_t as_of_us = 0;
  using output = std::vector<Event>;
};
/// event_len. In a transaction: at its snapshot, plus its own appends.
struct EventLen { Target at; using output = uint64_t; };
/// event_verify_chain.
struct EventVerifyChain { Target at; using output = ChainVerification; };
/// event_range(from_seq, to_seq, limit): the whole events, ascending.
struct EventRange {
  Target at;
  uint64_t from_seq = 1;
  uint64_t to_seq = 0;
  uint64_t limit = 0;
  using output = std::vector<Event>;
};

// -- state cells (in at.space) -------------------------------------------------------

/// state_set_versioned(cell, value) (state_set answers the version). In a
/// transaction: buffered.
struct StateSet { Target at; std::string cell; Value value; using output = WriteInfo; };
/// state_get(cell). In a transaction: at its snapshot, plus its own writes.
struct StateGet { Target at; std::string cell; using output = std::optional<Value>; };
/// state_get_versioned(cell). In a transaction too.
struct StateGetVersioned {
  Target at;
  std::string cell;
  using output = std::optional<VersionedValue>;
};
/// state_get_at(cell, as_of_us).
struct StateGetAt {
  Target at;
  std::string cell;
  uint64_t as_of_us = 0;
  using output = std::optional<Value>;
};
/// state_getv(cell).
struct StateGetv {
  Target at;
  std::string cell;
  using output = std::optional<std::vector<VersionedValue>>;
};
/// state_init_versioned(cell, value): the new cell's version and
/// timestamp, or the live cell's when it existed (state_init answers the
/// version). In a transaction: buffered.
struct StateInit { Target at; std::string cell; Value value; using output = WriteInfo; };
/// state_cas(cell, expected, value) -> new version, or empty on a miss. In a
/// transaction: checked at its snapshot and again at commit.
struct StateCas {
  Target at;
  std::string cell;
  std::optional<uint64_t> expected;
  Value value;
  using output = std::optional<uint64_t>;
};
/// state_cas_detailed(cell, expected, value): as StateCas, and a miss
/// carries the cell as the check found it. In a transaction: at its
/// snapshot plus its own writes, and checked again at commit.
struct StateCasDetailed {
  Target at;
  std::string cell;
  std::optional<uint64_t> expected;
  Value value;
  using output = CasOutcome;
};
/// state_delete_versioned(cell): as KvDelete (state_delete answers whether
/// it existed). In a transaction: buffered.
struct StateDelete { Target at; std::string cell; using output = WriteInfo; };
/// state_list(prefix).
struct StateList {
  Target at;
  std::optional<std::string> prefix;
  using output = std::vector<std::string>;
};
/// state_list_at(prefix, as_of_us).
struct StateListAt {
  Target at;
  std::optional<std::string> prefix;
  uint64_t as_of_us = 0;
  using output = std::vector<std::string>;
};
/// state_batch_set(entries).
struct StateBatchSet {
  Target at;
  std::vector<KvEntry> entries;
  using output = std::vector<BatchItemResult>;
};

// -- JSON documents (in at.space) ----------------------------------------------------

/// json_set_versioned(key, path, value): the document's new version and
/// its timestamp (json_set answers the version). In a transaction:
/// buffered.
struct JsonSet {
  Target at;
  std::string key;
  std::string path;
  Value value;
  using output = WriteInfo;
};
/// json_get(key, path). In a transaction: at its snapshot, plus its own
/// writes.
struct JsonGet {
  Target at;
  std::string key;
  std::string path = "$";
  using output = std::optional<Value>;
};
/// json_get_at(key, path, as_of_us).
struct JsonGetAt {
  Target at;
  std::string key;
  std::string path = "$";
  uint64_t as_of_us = 0;
  using output = std::optional<Value>;
};
/// json_get_versioned(key).
struct JsonGetVersioned {
  Target at;
  std::string key;
  using output = std::optional<VersionedValue>;
};
/// json_getv(key).
struct JsonGetv {
  Target at;
  std::string key;
  using output = std::optional<std::vector<VersionedValue>>;
};
/// json_delete_versioned(key, path): the document's new version (a
/// deletion's at "$") and its timestamp, {0, 0} when nothing was removed
/// (json_delete answers the number removed, 0 or 1). In a transaction:
/// buffered.
struct JsonDelete {
  Target at;
  std::string key;
  std::string path = "$";
  using output = WriteInfo;
};
/// json_list(prefix, cursor, limit).
struct JsonList {
  Target at;
  std::optional<std::string> prefix;
  std::optional<std::string> cursor;
  uint64_t limit = 100;
  using output = JsonListPage;
};
/// json_list_at(prefix, as_of_us).
struct JsonListAt {
  Target at;
  std::optional<std::string> prefix;
  uint64_t as_of_us = 0;
  using output = std::vector<std::string>;
};
/// json_batch_set(entries).
struct JsonBatchSet {
  Target at;
  std::vector<JsonEntry> entries;
  using output = std::vector<BatchItemResult>;
};

// -- vector collections (in at.space) ---------------------------------------------------

/// vector_create_collection(name, dimension, metric, index).
struct VectorCreateCollection {
  Target at;
  std::string name;
  uint64_t dimension = 0;
  DistanceMetric metric = DistanceMetric::Cosine;
  IndexKind index = IndexKind::Auto;
  using output = uint64_t;
};
/// vector_delete_collection(name) -> existed.
struct VectorDeleteCollection { Target at; std::string name; using output = bool; };
/// vector_list_collections.
struct VectorListCollections { Target at; using output = std::vector<CollectionInfo>; };
/// vector_collection_stats(name).
struct VectorCollectionStats { Target at; std::string name; using output = CollectionInfo; };
/// vector_upsert_versioned(collection, key, embedding, metadata): the
/// vector's new version and its timestamp (vector_upsert answers the
/// version). In a transaction: buffered.
struct VectorUpsert {
  Target at;
  std::string collection;
  std::string key;
  std::vector<float> embedding;
  std::optional<Value> metadata;
  using output = WriteInfo;
};
/// vector_batch_upsert(collection, entries) -> versions.
struct VectorBatchUpsert {
  Target at;
  std::string collection;
  std::vector<strata::VectorUpsert> entries;
  using output = std::vector<uint64_t>;
};
/// vector_get(collection, key).
struct VectorGet {
  Target at;
  std::string collection;
  std::string key;
  using output = std::optional<VectorEntry>;
};
/// vector_get_at(collection, key, as_of_us).
struct VectorGetAt {
  Target at;
  std::string collection;
  std::string key;
  uint64_t as_of_us = 0;
  using output = std::optional<VectorEntry>;
};
/// vector_delete_versioned(collection, key): as KvDelete (vector_delete
/// answers whether it existed). In a transaction: buffered.
struct VectorDelete {
  Target at;
  std::string collection;
  std::string key;
  using output = WriteInfo;
};
/// vector_list_keys(collection).
struct VectorListKeys {
  Target at;
  std::string collection;
  using output = std::vector<std::string>;
};
/// vector_search(collection, query, k, filter).
struct VectorSearch {
  Target at;
  std::string collection;
  std::vector<float> query;
  uint64_t k = 10;
  MetadataFilter filter;
  using output = std::vector<VectorMatch>;
};
/// vector_search_at(collection, query, k, filter, as_of_us).
struct VectorSearchAt {
  Target at;
  std::string collection;
  std::vector<float> query;
  uint64_t k = 10;
  MetadataFilter filter;
  uint64_t as_of_us = 0;
  using output = std::vector<VectorMatch>;
};

// -- transactions (Session) ------------------------------------------------------------

/// Starts a transaction on at.branch (Session::begin, or begin_read_only);
/// returns its id, to be put in Target::txn. at.txn must be 0.
struct Begin { Target at; bool read_only = false; using output = uint64_t; };
/// Commits transaction at.txn (Session::commit); the id is spent whatever
/// the outcome. Errors: TransactionNotActive (unknown id),
/// TransactionConflict.
struct Commit { Target at; using output = std::monostate; };
/// Rolls back transaction at.txn (Session::rollback); the id is spent.
/// Errors: TransactionNotActive (unknown id).
struct Rollback { Target at; using output = std::monostate; };

// -- bundles in chunks (a connected handle's branch_export / branch_import) ----------

/// Reads a bundle of `branch` in chunks. With `transfer` empty (and offset
/// 0) the branch is exported to a staged file on the database's side, and
/// the first chunk comes back with the transfer's id and the export's
/// summary; later calls name the transfer and the offset to go on from.
/// The staged file is removed once its last chunk is read (and with every
/// staged file when the database next opens). Errors: as BranchExport;
/// InvalidInput (unknown transfer, offset past the end).
struct BundleRead {
  Target at;
  std::string branch;
  std::string transfer;
  uint64_t offset = 0;
  using output = BundleTransfer;
};
/// Writes a bundle in chunks of at most bundle_chunk_bytes: `transfer`
/// empty starts one (offset 0); each chunk continues at the byte count
/// received so far; with `last` the bundle is imported as BranchImport
/// does (the summary in the answer's `info`) and the staged file removed.
/// Errors: InvalidInput (unknown transfer, wrong offset, chunk too big),
/// and BranchImport's.
struct BundleWrite {
  Target at;
  std::string transfer;
  uint64_t offset = 0;
  std::string data;
  bool last = false;
  /// With `last`: the name to import the branch under ("" = the bundle's).
  std::string as_name;
  using output = BundleTransfer;
};

}  // namespace cmd

/// Every command, in a fixed order (the wire protocol numbers them by
/// their position here: append only, never reorder).
using Command = std::variant<
    cmd::ListSpaces, cmd::CreateSpace, cmd::SpaceExists, cmd::DeleteSpace, cmd::DeleteSpaceForce,
    cmd::TimeRange, cmd::CreateBranch, cmd::ListBranches, cmd::BranchExists, cmd::BranchInfo,
    cmd::DeleteBranch, cmd::ForkBranch, cmd::BranchExport, cmd::BranchImport,
    cmd::BranchValidateBundle, cmd::DiffBranches, cmd::MergeBranches, cmd::KvPut, cmd::KvGet,
    cmd::KvGetVersioned, cmd::KvGetAt, cmd::KvGetv, cmd::KvDelete, cmd::KvList, cmd::KvListPage,
    cmd::KvListAt, cmd::KvBatchPut, cmd::EventAppend, cmd::EventBatchAppend, cmd::EventGet,
    cmd::EventGetRecord, cmd::EventGetByType, cmd::EventListAt, cmd::EventLen,
    cmd::EventVerifyChain, cmd::StateSet, cmd::StateGet, cmd::StateGetVersioned,
    cmd::StateGetAt, cmd::StateGetv, cmd::StateInit, cmd::StateCas, cmd::StateDelete,
    cmd::StateList, cmd::StateListAt, cmd::StateBatchSet, cmd::JsonSet, cmd::JsonGet,
    cmd::JsonGetAt, cmd::JsonGetVersioned, cmd::JsonGetv, cmd::JsonDelete, cmd::JsonList,
    cmd::JsonListAt, cmd::JsonBatchSet, cmd::VectorCreateCollection, cmd::VectorDeleteCollection,
    cmd::VectorListCollections, cmd::VectorCollectionStats, cmd::VectorUpsert,
    cmd::VectorBatchUpsert, cmd::VectorGet, cmd::VectorGetAt, cmd::VectorDelete,
    cmd::VectorListKeys, cmd::VectorSearch, cmd::VectorSearchAt, cmd::Begin, cmd::Commit,
    cmd::Rollback, cmd::Check, cmd::MergePreview, cmd::BundleRead, cmd::BundleWrite,
    cmd::StateCasDetailed, cmd::EventRange, cmd::KvScan, cmd::KvScanAt>;

/// The command's name as the protocol spells it ("KvPut", ...).
const char* command_name(const Command& c) noexcept;

/// The target of any command.
inline const Target& target_of(const Command& c) noexcept {
  return std::visit([](const auto& x) -> const Target& { return x.at; }, c);
}
inline Target& target_of(Command& c) noexcept {
  return std::visit([](auto& x) -> Target& { return x.at; }, c);
}

/// The typed value of an Output, for a caller that knows which command it
/// ran: `output_as<WriteInfo>(db.execute(cmd::KvPut{...}))`. A result holding
/// another alternative is an Internal error.
template <class T>
result<T> output_as(result<Output>&& r) {
  if (!r)
    return std::move(r.error());
  if (auto* v = std::get_if<T>(&*r))
    return std::move(*v);
  return make_error(errc::Internal, "the command's output has an unexpected type");
}

}  // namespace strata
