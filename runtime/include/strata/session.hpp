#pragma once

// strata::Session — runs transactions that are atomic across the spaces of
// one branch (SPEC 6; seed "Cross-Space Transactions").
//
//   auto s = db.session();
//   s.begin();
//   s.set_space("billing");   s.kv_put("credits", 99);
//   s.set_space("api-logs");  s.event_append("api_call", Object{{"endpoint", "/search"}});
//   s.commit();               // atomic across both spaces, or TransactionConflict
//
// Semantics: optimistic concurrency with snapshot isolation. begin() takes a
// snapshot that holds every commit acknowledged before it was called (by
// any session, on any thread: the session's own last commit included) and
// no part of a commit still in flight (a read waits for a commit below the
// snapshot that its space has yet to apply); reads inside the transaction
// see the snapshot plus the transaction's own writes; writes are buffered until commit. commit()
// validates every read against what other transactions committed after the
// snapshot (first committer wins; a transaction that only read always
// commits) and applies all writes atomically: one space in one step, several
// spaces through the branch's two-phase-commit coordinator. Outside a
// transaction every call runs directly, like the handle's.
//
// Versions and sequence numbers returned inside a transaction are the ones
// the write will get if nothing else commits to the same entry first. The
// `*_versioned` forms of the writes answer a WriteInfo, as the handle's:
// outside a transaction with the write's commit timestamp; inside one with
// timestamp 0, for every write of a commit gets the commit's timestamp
// (last_commit_timestamp() once commit() succeeded).
//
// Thread-safety: one thread at a time. A Session destroyed with an open
// transaction rolls it back.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/messages/error.hpp"
#include "strata/messages/types.hpp"
#include "strata/messages/value.hpp"
#include "strata/messages/vector_types.hpp"

namespace strata {

enum class Primitive : char;  // strata/messages/txn_types.hpp

class Strata;
struct TxnOp;  // a buffered write (internal)

namespace detail {
struct CollectionView;
struct HandleImpl;
struct SpaceTxn;
struct TxnState;
}  // namespace detail

class Session {
 public:
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

  /// Starts a transaction on the session's current branch, at a snapshot
  /// holding every commit acknowledged before the call.
  /// Errors: TransactionAlreadyActive (the open transaction stays usable).
  [[nodiscard]] result<void> begin();
  /// Starts a transaction whose writes are refused (InvalidInput).
  [[nodiscard]] result<void> begin_read_only();
  /// Commits; the transaction ends whatever the outcome. Once it returns,
  /// the commit is applied in every space it wrote: later reads (plain or
  /// in a new transaction, on any thread) see it.
  /// Errors: TransactionNotActive; TransactionConflict (nothing applied:
  /// something the transaction read was changed by a commit its snapshot
  /// did not hold).
  [[nodiscard]] result<void> commit();
  /// Discards the transaction. Errors: TransactionNotActive.
  [[nodiscard]] result<void> rollback();
  bool in_transaction() const;
  /// The commit timestamp of the last successful commit (0 before any, and
  /// for commits that wrote nothing; 0 on a node's database, whose commit
  /// answers no timestamp).
  uint64_t last_commit_timestamp() const;

  /// Switching spaces is allowed inside a transaction (not branches).
  [[nodiscard]] result<void> set_space(std::string_view name);
  /// Makes `name` the session's branch, with "default" as its space (as
  /// Strata::set_branch). Errors: InvalidInput inside a transaction,
  /// BranchNotFound; either way nothing changes.
  [[nodiscard]] result<void> set_branch(std::string_view name);
  const std::string& current_space() const;
  const std::string& current_branch() const;

  // -- KV ----------------------------------------------------------------------
  [[nodiscard]] result<uint64_t> kv_put(std::string_view key, Value value);
  [[nodiscard]] result<WriteInfo> kv_put_versioned(std::string_view key, Value value);
  [[nodiscard]] result<std::optional<Value>> kv_get(std::string_view key);
  [[nodiscard]] result<bool> kv_delete(std::string_view key);
  [[nodiscard]] result<WriteInfo> kv_delete_versioned(std::string_view key);
  /// One page of live entries with their values (Strata::kv_scan); in a
  /// transaction its view — the snapshot plus its own writes (whose
  /// timestamp is 0) — and a read of the range, as kv_list.
  [[nodiscard]] result<ScanPage> kv_scan(const ListOptions& opts = {});
  [[nodiscard]] result<std::vector<std::string>> kv_list(
      std::optional<std::string_view> prefix = std::nullopt);

  // -- batches and listings, as the handle's --------------------------------------------
  // A batch in a transaction buffers each valid item like the single call
  // (the invalid ones get their error); outside one it is the handle's
  // atomic batch. A listing in a transaction is its view (the snapshot plus
  // its own writes) and a read of the range: a commit into the range by
  // another writer makes the commit a TransactionConflict.
  [[nodiscard]] result<std::vector<BatchItemResult>> kv_batch_put(std::vector<KvEntry> entries);
  [[nodiscard]] result<std::vector<BatchItemResult>> state_batch_set(
      std::vector<KvEntry> entries);
  [[nodiscard]] result<std::vector<BatchItemResult>> event_batch_append(
      std::vector<EventEntry> entries);
  [[nodiscard]] result<std::vector<BatchItemResult>> json_batch_set(
      std::vector<JsonEntry> entries);
  [[nodiscard]] result<std::vector<std::string>> state_list(
      std::optional<std::string_view> prefix = std::nullopt);
  /// One page of document keys, as Strata::json_list.
  [[nodiscard]] result<JsonListPage> json_list(
      std::optional<std::string_view> prefix = std::nullopt,
      std::optional<std::string_view> cursor = std::nullopt, uint64_t limit = 100);

  // -- events ----------------------------------------------------------------------
  [[nodiscard]] result<uint64_t> event_append(std::string_view type, Value payload);
  [[nodiscard]] result<WriteInfo> event_append_versioned(std::string_view type, Value payload);
  [[nodiscard]] result<std::optional<VersionedValue>> event_get(uint64_t seq);
  [[nodiscard]] result<uint64_t> event_len();

  // -- state cells -------------------------------------------------------------------
  [[nodiscard]] result<uint64_t> state_set(std::string_view cell, Value value);
  [[nodiscard]] result<WriteInfo> state_set_versioned(std::string_view cell, Value value);
  [[nodiscard]] result<std::optional<Value>> state_get(std::string_view cell);
  [[nodiscard]] result<std::optional<VersionedValue>> state_get_versioned(std::string_view cell);
  [[nodiscard]] result<uint64_t> state_init(std::string_view cell, Value value);
  [[nodiscard]] result<WriteInfo> state_init_versioned(std::string_view cell, Value value);
  [[nodiscard]] result<std::optional<uint64_t>> state_cas(std::string_view cell,
                                                          std::optional<uint64_t> expected,
                                                          Value value);
  /// As state_cas; a miss carries the cell as the check saw it (in a
  /// transaction: at the snapshot, plus the transaction's own writes).
  [[nodiscard]] result<CasOutcome> state_cas_detailed(std::string_view cell,
                                                      std::optional<uint64_t> expected,
                                                      Value value);
  [[nodiscard]] result<bool> state_delete(std::string_view cell);
  [[nodiscard]] result<WriteInfo> state_delete_versioned(std::string_view cell);

  // -- JSON documents ------------------------------------------------------------------
  [[nodiscard]] result<uint64_t> json_set(std::string_view key, std::string_view path,
                                          Value value);
  [[nodiscard]] result<WriteInfo> json_set_versioned(std::string_view key, std::string_view path,
                                                     Value value);
  [[nodiscard]] result<std::optional<Value>> json_get(std::string_view key,
                                                      std::string_view path = "$");
  [[nodiscard]] result<uint64_t> json_delete(std::string_view key, std::string_view path = "$");
  [[nodiscard]] result<WriteInfo> json_delete_versioned(std::string_view key,
                                                        std::string_view path = "$");

  // -- vector collections ---------------------------------------------------------------
  // The handle's calls, with its errors. In a transaction, reads see the
  // snapshot plus the transaction's own writes (a search scores the
  // snapshot's vectors exactly, as vector_search_at, with the transaction's
  // own upserts and deletes applied); writes are buffered and applied at
  // commit with the others, all or nothing, and a collection's similarity
  // index changes only once the commit is decided. What a transaction
  // reads — a collection's existence and config, a vector, a search or key
  // listing of a collection — is validated at commit like any read: a
  // commit in between by another writer is a TransactionConflict.
  // Versions returned are predictions, as for the other primitives.
  [[nodiscard]] result<uint64_t> vector_create_collection(std::string_view name,
                                                          uint64_t dimension,
                                                          DistanceMetric metric,
                                                          IndexKind index = IndexKind::Auto);
  [[nodiscard]] result<bool> vector_delete_collection(std::string_view name);
  /// In a transaction: the collections as it sees them, each counted (a
  /// scan of its vectors at the snapshot); index_type is the configured
  /// kind and memory_bytes 0.
  [[nodiscard]] result<std::vector<CollectionInfo>> vector_list_collections();
  [[nodiscard]] result<CollectionInfo> vector_collection_stats(std::string_view name);
  [[nodiscard]] result<uint64_t> vector_upsert(std::string_view collection, std::string_view key,
                                               std::vector<float> embedding,
                                               std::optional<Value> metadata = std::nullopt);
  [[nodiscard]] result<WriteInfo> vector_upsert_versioned(
      std::string_view collection, std::string_view key, std::vector<float> embedding,
      std::optional<Value> metadata = std::nullopt);
  /// All entries are checked first; one bad entry fails the call and
  /// nothing is written (or buffered).
  [[nodiscard]] result<std::vector<uint64_t>> vector_batch_upsert(
      std::string_view collection, std::vector<VectorUpsert> entries);
  [[nodiscard]] result<std::optional<VectorEntry>> vector_get(std::string_view collection,
                                                              std::string_view key);
  [[nodiscard]] result<bool> vector_delete(std::string_view collection, std::string_view key);
  [[nodiscard]] result<WriteInfo> vector_delete_versioned(std::string_view collection,
                                                          std::string_view key);
  [[nodiscard]] result<std::vector<std::string>> vector_list_keys(std::string_view collection);
  [[nodiscard]] result<std::vector<VectorMatch>> vector_search(std::string_view collection,
                                                               std::vector<float> query,
                                                               uint64_t k,
                                                               MetadataFilter filter = {});

 private:
  friend class Strata;
  explicit Session(std::unique_ptr<detail::HandleImpl> handle);

  // Sends a request to the session's current space (or `space`).
  template <class... Ts>
  auto call(const std::string& space, const Ts&... xs);

  // KV and state entries inside a transaction: the
  // transaction's view (own writes, else the snapshot, recorded as a read),
  // a buffered put/set, a buffered delete.
  result<std::optional<VersionedValue>> txn_get(Primitive tag, std::string_view key);
  // The live keys of `tag` under `prefix` as the transaction sees them
  // (listed at the snapshot, its own writes applied), recorded as a read of
  // the range; `list_at` is the space's listing at a time.
  template <class ListAtAtom>
  result<std::vector<std::string>> txn_keys(Primitive tag, std::string_view prefix);
  result<uint64_t> buffered_set(Primitive tag, std::string_view key, Value value);
  result<WriteInfo> buffered_delete(Primitive tag, std::string_view key);
  // Buffers a write of (tag, key) leaving `after` (empty = deleted) and
  // returns its version: one more than the entry's newest record (asked
  // of the space the first time) or than this transaction's last write.
  result<uint64_t> buffer_write(detail::SpaceTxn& st, Primitive tag, const std::string& key,
                                std::optional<Value> after, TxnOp op);

  // Events of the current space visible at the snapshot (asked once).
  result<uint64_t> event_base(detail::SpaceTxn& st);

  // A collection of the current space as the transaction sees it (its
  // existence and config at the snapshot, recorded as a read, then its
  // own creates and drops).
  result<detail::CollectionView*> collection_view(detail::SpaceTxn& st, std::string_view name);
  // The view of a collection that must exist (else CollectionNotFound).
  result<detail::CollectionView*> existing_collection(detail::SpaceTxn& st,
                                                      std::string_view name);
  // The live vector keys of a collection as the transaction sees it.
  result<std::vector<std::string>> txn_vector_keys(detail::SpaceTxn& st,
                                                   detail::CollectionView& view);
  // Buffers a checked upsert into collection `view`.
  result<uint64_t> buffer_vector(detail::SpaceTxn& st, detail::CollectionView& view,
                                 VectorUpsert v);

  // A JSON document as the transaction sees it: its own writes, else the
  // snapshot (empty = absent).
  result<std::optional<Value>> document_view(detail::SpaceTxn& st, const std::string& key);

  std::unique_ptr<detail::HandleImpl> handle_;
  // A session on a node's database (Strata::connect) sends every call as
  // a command; the node runs the transaction, `remote_txn_` is its id
  // there (0: none open).
  template <class C>
  auto remote(C c);
  uint64_t remote_txn_ = 0;

  std::unique_ptr<detail::TxnState> txn_;
  uint64_t last_commit_ts_ = 0;
};

}  // namespace strata
