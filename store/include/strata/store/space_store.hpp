#pragma once

// SpaceStore — the durable storage of one space: one LevelDB instance
// holding every primitive of the space, with MVCC version chains.
//
// Thread-safety: none. A SpaceStore has a single owner (its space actor),
// which serializes every call. It starts no threads of its own.
//
// Lifecycle: a store whose directory holds no database yet is "absent":
// reads return empty results and nothing is created on disk. The first
// write creates the database (auto-registration of the space, SPEC 4.3).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/messages/codec.hpp"
#include "strata/messages/error.hpp"
#include "strata/messages/types.hpp"
#include "strata/messages/value.hpp"
#include "strata/store/clock.hpp"
#include "strata/store/options.hpp"
#include "strata/store/vector_index.hpp"

namespace leveldb {
class DB;
class WriteBatch;
}  // namespace leveldb

namespace strata::store {
class FaultEnv;
class HeadCache;
class KeyFilter;
}  // namespace strata::store

namespace strata {
class JsonPath;
}  // namespace strata

namespace strata::store {

class SpaceStore {
 public:
  /// Opens the store at `dir` (created on the first write if absent).
  /// `options` and `clock` must outlive the store.
  /// Errors: Io when an existing database cannot be opened (e.g. locked by
  /// another process, or damaged beyond LevelDB's recovery).
  [[nodiscard]] static result<std::unique_ptr<SpaceStore>> open(std::string dir,
                                                                const StoreOptions& options,
                                                                CommitClock& clock);

  ~SpaceStore();
  SpaceStore(const SpaceStore&) = delete;
  SpaceStore& operator=(const SpaceStore&) = delete;

  /// True once the database exists on its Env (the space is registered).
  bool exists() const { return db_ != nullptr; }

  /// Set when the store could not reopen after a failed write: every call
  /// answers it; the owner should close the store and open it anew.
  const caf::error& broken() const { return broken_; }

  /// Creates the database if absent (SpaceCreate). Idempotent.
  [[nodiscard]] caf::error create();

  /// The oldest and newest commit timestamps over every stored version of
  /// every entry — deletions and vector collections included — and every
  /// event; empty when the store holds none. Reads every version's header
  /// (not its value): time proportional to the history.
  [[nodiscard]] result<std::optional<std::pair<uint64_t, uint64_t>>> time_range();

  /// True when the space holds no live data of any primitive.
  [[nodiscard]] result<bool> is_empty();

  /// Closes the database and removes every file of it. The store is absent
  /// afterwards (a later write re-creates it empty).
  [[nodiscard]] caf::error destroy();

  /// Copies the store into `dest_dir` for a fork: closes the database (so
  /// that its files are stable), hard-links the table files and copies the
  /// rest, then reopens. Returns how many records it held (those dump()
  /// returns), or nothing (copying nothing) when the store is absent.
  /// Errors: Io.
  [[nodiscard]] result<std::optional<uint64_t>> copy_to(const std::string& dest_dir);

  /// How many records dump() would return (0 when the store is absent).
  /// Kept up to date by every write and stored on a clean close, so this
  /// is a pass over the store only after a crash or a repair (once).
  /// Errors: Io.
  [[nodiscard]] result<uint64_t> record_count();
  /// Whether record_count() will answer without a pass (for tests).
  bool record_count_known() const { return records_known_; }

  /// Every stored key and record, in key order, except transaction votes
  /// (for bundles). Empty when the store is absent.
  [[nodiscard]] result<std::vector<StoredPair>> dump();

  /// Forces the log to stable storage. Cheap no-op when nothing was written
  /// since the last sync. Standard mode calls this at least every 100 ms.
  [[nodiscard]] caf::error sync();
  /// True when writes were made since the last sync() or sync_job().
  bool needs_sync() const { return unsynced_writes_ > 0 || group_sync_pending_; }

  /// The fsync of sync() as a job for another thread, so that the owner
  /// keeps serving reads and writes while the disk flushes (group commit:
  /// the job covers every write made before this call). It fdatasync()s
  /// the store's LevelDB log files directly: LevelDB hands every record to
  /// the OS before Write returns, and data of a log it has retired lives in
  /// a table file it synced itself. The job holds no state of the store and
  /// may run after the store closed. Empty when nothing awaits a sync.
  [[nodiscard]] std::function<caf::error()> sync_job();

  // -- KV (SPEC 5.1) ---------------------------------------------------------

  /// Creates or overwrites `key`. Returns the new per-key version (1 for the
  /// first write; numbers are never reused, also across deletes) with its
  /// commit timestamp. (Every single write of this class answers a
  /// WriteInfo; a delete that found nothing live answers {0, 0}.)
  /// Errors: InvalidInput / ConstraintViolation for a bad key or value (and
  /// nothing is written); Io.
  [[nodiscard]] result<WriteInfo> kv_put(std::string_view key, const Value& value);

  /// Writes all valid items in one atomic LevelDB batch. Invalid items get
  /// their error in the result and are skipped (SPEC 5.1).
  [[nodiscard]] result<std::vector<BatchItemResult>> kv_batch_put(
      const std::vector<KvEntry>& entries);

  /// The newest live version, or empty when absent or deleted.
  [[nodiscard]] result<std::optional<VersionedValue>> kv_get(std::string_view key);

  /// The version number of the newest record of a KV entry, state cell or
  /// JSON document, vector or collection config, a deletion's
  /// included; 0 when it was never written. The next write gets one more.
  /// Errors: InvalidInput for another tag.
  [[nodiscard]] result<uint64_t> head_version(Primitive primitive, std::string_view key);

  /// The newest version with timestamp <= as_of; empty when none is that old
  /// or it was a deletion.
  [[nodiscard]] result<std::optional<VersionedValue>> kv_get_at(std::string_view key,
                                                                uint64_t as_of);

  /// Every stored value version, newest first; deletions are not listed.
  /// Empty optional when the key was never written.
  [[nodiscard]] result<std::optional<std::vector<VersionedValue>>> kv_getv(std::string_view key);

  /// Removes `key`: writes a deletion and answers its version and
  /// timestamp. It is not an error if the key was not live (answers
  /// {0, 0}, writes nothing).
  [[nodiscard]] result<WriteInfo> kv_delete(std::string_view key);

  /// Live keys, ascending by bytes, filtered and paged by `opts`.
  [[nodiscard]] result<std::vector<std::string>> kv_list(const ListOptions& opts);

  /// Keys live at `as_of`, ascending.
  [[nodiscard]] result<std::vector<std::string>> kv_list_at(std::string_view prefix,
                                                            uint64_t as_of);

  /// Live entries with their values, versions and timestamps, in key
  /// order: those under opts.prefix after opts.cursor, at most opts.limit
  /// (default_scan_limit when unset) — one pass over the heads. The page's
  /// cursor is set when more entries may remain.
  /// Errors: InvalidInput (prefix rules), ConstraintViolation (a limit over
  /// max_scan_limit).
  [[nodiscard]] result<ScanPage> kv_scan(const ListOptions& opts);
  /// The same over the entries as they were at `as_of`.
  [[nodiscard]] result<ScanPage> kv_scan_at(const ListOptions& opts, uint64_t as_of);

  // -- state cells (SPEC 5.3) --------------------------------------------------
  // Cell names follow the key rules. Versions behave as KV versions.

  /// Unconditional write; returns the new version.
  [[nodiscard]] result<WriteInfo> state_set(std::string_view cell, const Value& value);
  [[nodiscard]] result<std::vector<BatchItemResult>> state_batch_set(
      const std::vector<KvEntry>& entries);
  [[nodiscard]] result<std::optional<VersionedValue>> state_get(std::string_view cell);
  [[nodiscard]] result<std::optional<VersionedValue>> state_get_at(std::string_view cell,
                                                                   uint64_t as_of);
  [[nodiscard]] result<std::optional<std::vector<VersionedValue>>> state_getv(
      std::string_view cell);
  /// Creates the cell with `value` only when it is absent (returns its new
  /// version); when present, writes nothing and returns the current version
  /// (each with its timestamp).
  [[nodiscard]] result<WriteInfo> state_init(std::string_view cell, const Value& value);
  /// Compare-and-swap: with `expected` empty, writes only when the cell is
  /// absent; otherwise only when the cell exists at exactly version
  /// `*expected`. Returns the new version (swapped), or on a miss the
  /// cell's live value as the check found it (a miss is not an error and
  /// writes nothing).
  [[nodiscard]] result<CasOutcome> state_cas(std::string_view cell,
                                             std::optional<uint64_t> expected, const Value& value);
  [[nodiscard]] result<WriteInfo> state_delete(std::string_view cell);
  /// Live cell names, ascending, filtered by prefix (no paging).
  [[nodiscard]] result<std::vector<std::string>> state_list(std::string_view prefix);
  /// Cells live at `as_of`, ascending.
  [[nodiscard]] result<std::vector<std::string>> state_list_at(std::string_view prefix,
                                                               uint64_t as_of);

  // -- JSON documents (SPEC 5.4) ----------------------------------------------
  // Every mutation writes a new version of the whole document. Paths use the
  // grammar of <strata/messages/json_path.hpp>.

  /// Sets `value` at `path` of document `key` (created when missing: at the
  /// root the value becomes the document, at a sub-path an empty object is
  /// created first). Returns the new document version and its timestamp.
  /// Errors: InvalidPath (syntax, index out of bounds), WrongType (member of
  /// a non-object, index into a non-array), Serialization (NaN or infinity
  /// in the value), ConstraintViolation (document over 16 MiB, deeper than
  /// 100, an array over 1,000,000 elements; the key rules); nothing is
  /// written on error.
  [[nodiscard]] result<WriteInfo> json_set(std::string_view key, std::string_view path,
                                           const Value& value);
  [[nodiscard]] result<std::vector<BatchItemResult>> json_batch_set(
      const std::vector<JsonEntry>& entries);
  /// The value at `path`, or empty when the document or the path is missing.
  [[nodiscard]] result<std::optional<Value>> json_get(std::string_view key, std::string_view path);
  /// The value at `path` of the document as it was at `as_of`.
  [[nodiscard]] result<std::optional<Value>> json_get_at(std::string_view key,
                                                         std::string_view path, uint64_t as_of);
  /// The whole document with its version and timestamp.
  [[nodiscard]] result<std::optional<VersionedValue>> json_get_document(std::string_view key);
  /// Whole-document history, newest first.
  [[nodiscard]] result<std::optional<std::vector<VersionedValue>>> json_getv(std::string_view key);
  /// Deletes at `path`: the root destroys the document; a sub-path removes
  /// that member or element (later elements shift). Answers the new
  /// version (a deletion's at the root) and its timestamp, or {0, 0} when
  /// the document or the path was missing (nothing written).
  [[nodiscard]] result<WriteInfo> json_delete(std::string_view key, std::string_view path);
  /// Document keys after `cursor`, at most `limit`, by prefix; the page's
  /// cursor is set only when more keys remain.
  [[nodiscard]] result<JsonListPage> json_list(const ListOptions& opts);
  /// Documents that existed at `as_of` (no paging).
  [[nodiscard]] result<std::vector<std::string>> json_list_at(std::string_view prefix,
                                                              uint64_t as_of);

  // -- vector collections (SPEC 5.5) ----------------------------------------------

  /// Creates a collection; returns its config version. Errors: InvalidInput
  /// (name rules, dimension 0 or over 65536), CollectionExists.
  [[nodiscard]] result<uint64_t> vector_create_collection(std::string_view name, uint64_t dimension,
                                                          DistanceMetric metric,
                                                          IndexKind kind = IndexKind::Auto);
  /// Drops a collection and all its vectors; false when it did not exist.
  [[nodiscard]] result<bool> vector_delete_collection(std::string_view name);
  /// Every collection, by name.
  [[nodiscard]] result<std::vector<CollectionInfo>> vector_list_collections();
  /// Errors: CollectionNotFound.
  [[nodiscard]] result<CollectionInfo> vector_collection_stats(std::string_view name);
  /// Inserts or replaces a vector. Errors: CollectionNotFound,
  /// DimensionMismatch, ConstraintViolation (over Limits::max_vector_dim,
  /// metadata limits), InvalidInput (key rules).
  [[nodiscard]] result<WriteInfo> vector_upsert(std::string_view collection, std::string_view key,
                                                const std::vector<float>& embedding,
                                                const std::optional<Value>& metadata);
  /// Validates every entry first; any bad entry fails the whole batch and
  /// nothing is written. Returns the versions in entry order.
  [[nodiscard]] result<std::vector<uint64_t>> vector_batch_upsert(
      std::string_view collection, const std::vector<VectorUpsert>& entries);
  [[nodiscard]] result<std::optional<VectorEntry>> vector_get(std::string_view collection,
                                                              std::string_view key);
  /// The vector as it was at `as_of`. Errors: CollectionNotFound.
  [[nodiscard]] result<std::optional<VectorEntry>> vector_get_at(std::string_view collection,
                                                                 std::string_view key,
                                                                 uint64_t as_of);
  [[nodiscard]] result<WriteInfo> vector_delete(std::string_view collection,
                                                std::string_view key);
  /// The collections alive at `as_of` — all of them when `name` is empty,
  /// else at most the one named — with their config as of then
  /// (index_type: the configured kind; memory_bytes 0); `counts` also
  /// counts each one's vectors alive then (a scan of the collection).
  [[nodiscard]] result<std::vector<CollectionInfo>> vector_collections_at(std::string_view name,
                                                                          uint64_t as_of,
                                                                          bool counts);
  /// Keys of the vectors of a collection alive at `as_of`, ascending (none
  /// when the collection did not exist then).
  [[nodiscard]] result<std::vector<std::string>> vector_keys_at(std::string_view collection,
                                                                uint64_t as_of);
  /// Keys of the live vectors of a collection, ascending. Errors:
  /// CollectionNotFound.
  [[nodiscard]] result<std::vector<std::string>> vector_keys(std::string_view collection);
  /// Top-k by score (descending; ties by insertion order) among vectors whose
  /// metadata passes `filter`. Errors: CollectionNotFound, DimensionMismatch.
  [[nodiscard]] result<std::vector<VectorMatch>> vector_search(std::string_view collection,
                                                               const std::vector<float>& query,
                                                               uint64_t k,
                                                               const MetadataFilter& filter);
  /// The same over the vectors alive at `as_of` (exact; metadata as of then).
  [[nodiscard]] result<std::vector<VectorMatch>> vector_search_at(std::string_view collection,
                                                                  const std::vector<float>& query,
                                                                  uint64_t k,
                                                                  const MetadataFilter& filter,
                                                                  uint64_t as_of);

  // -- transactions: the participant side of commit (SPEC 6) -------------------

  /// Checks `work` against everything committed after its snapshot: reads
  /// (point and range) unchanged, JSON write paths not overlapping a newer
  /// write, state CAS expectations holding, and a dry run of the operations
  /// succeeding. Returns TransactionConflict naming the first conflict.
  /// `dry_run = false` skips the dry run when the caller applies at once
  /// (a failed apply writes nothing either).
  [[nodiscard]] caf::error txn_validate(const TxnWork& work, bool dry_run = true);
  /// Applies `ops` at `commit_ts` in one atomic batch: one new version per
  /// entry touched, events appended in order. A non-zero `prepared_id`
  /// (a two-phase commit, whose PREPARED records are in the branch's
  /// TxnLog) leaves its applied marker in the same batch.
  [[nodiscard]] caf::error txn_apply(const std::vector<TxnOp>& ops, uint64_t commit_ts,
                                     uint64_t prepared_id, bool sync = true);
  /// Whether transaction `txn_id` was applied here and its marker not yet
  /// forgotten.
  [[nodiscard]] result<bool> txn_applied(uint64_t txn_id);
  /// Removes the applied markers of transactions every participant has
  /// durably applied. Not synced: a marker that survives a crash is only
  /// a few stray bytes.
  [[nodiscard]] caf::error txn_forget(const std::vector<uint64_t>& txn_ids);
  /// The number of events with timestamp <= as_of.
  [[nodiscard]] result<uint64_t> event_len_at(uint64_t as_of);

  // -- event log (SPEC 5.2) ----------------------------------------------------

  /// Appends an event; returns its sequence number (1-based, contiguous).
  /// `payload` must be an Object with no NaN or infinity anywhere; `type` is
  /// 1-256 bytes. Errors: InvalidInput; ConstraintViolation (value limits).
  [[nodiscard]] result<WriteInfo> event_append(std::string_view type, const Value& payload);
  /// Appends several events in one atomic batch; invalid items get their
  /// error and the valid ones are appended in order.
  [[nodiscard]] result<std::vector<BatchItemResult>> event_batch_append(
      const std::vector<EventEntry>& entries);
  /// The event with sequence `seq` ({payload, seq, timestamp}); empty when
  /// out of range.
  [[nodiscard]] result<std::optional<Event>> event_get(uint64_t seq);
  /// Events of `type` in ascending sequence order, after sequence `after`
  /// (exclusive, 0 = from the start), at most `limit` (0 = no limit), with
  /// timestamp <= as_of.
  [[nodiscard]] result<std::vector<Event>> event_get_by_type(std::string_view type,
                                                             uint64_t after, uint64_t limit,
                                                             uint64_t as_of);
  /// Events (of `type`, or of every type when `type` is empty) with
  /// timestamp <= as_of, ascending.
  [[nodiscard]] result<std::vector<Event>> event_list_at(std::string_view type, uint64_t as_of);
  /// Events with sequence from_seq..to_seq (inclusive; to_seq 0: to the
  /// last), ascending, at most `limit` (0: no limit).
  [[nodiscard]] result<std::vector<Event>> event_range(uint64_t from_seq, uint64_t to_seq,
                                                       uint64_t limit);
  /// Number of events in the space.
  [[nodiscard]] result<uint64_t> event_len();
  /// Recomputes the hash chain over every stored event and compares it
  /// with the stored hashes. A damaged or altered record is reported in the
  /// result (not as an error); errors are I/O failures only.
  [[nodiscard]] result<ChainVerification> event_verify_chain();

  /// Reads every record of the store, verifying it (check.cpp): LevelDB's
  /// block checksums, each record decoding, each entry's versions (newest
  /// in the head, older ones below it, each where its key says), the event
  /// log's sequence and hash chain and its type index. Damage is reported
  /// in the result's problems (at most max_check_problems), not as an
  /// error; branch and space are left for the caller to fill. Memory does
  /// not grow with the store.
  [[nodiscard]] StoreCheck check();

 private:
  SpaceStore(std::string dir, const StoreOptions& options, CommitClock& clock);

  caf::error open_db(bool create);
  // Writes a batch; with allow_sync=false it never fsyncs and leaves that
  // to sync() or sync_job().
  caf::error write(leveldb::WriteBatch& batch, bool allow_sync = true);
  // How a scan reads table blocks: Cached keeps them in the block cache;
  // Once is for a pass over the whole store whose blocks will not be read
  // again soon (a fork's count, a bundle's dump), which would otherwise
  // evict the blocks of the entries in use.
  enum class Pass : bool { Cached, Once };
  // Visits the stored pairs whose key starts with `prefix`, in key order,
  // from `from` (a key inside the range; empty: the start of the range)
  // until `visit` returns false. Errors: the first one `visit` returns, Io.
  using ScanFn = std::function<result<bool>(std::string_view key, std::string_view value)>;
  caf::error scan(std::string_view prefix, const ScanFn& visit, std::string_view from = {},
                  Pass pass = Pass::Cached);
  // Visits the older versions of an entry, newest first (decoded).
  caf::error scan_history(char tag, std::string_view key,
                          const std::function<result<bool>(VersionedRecord&&)>& visit);

  // Generic operations on versioned entries (KV, state, JSON share them).
  result<std::optional<VersionedValue>> get_at(char tag, std::string_view key, uint64_t as_of);
  result<std::optional<VersionedValue>> get_latest(char tag, std::string_view key);
  result<std::optional<std::vector<VersionedValue>>> history(char tag, std::string_view key);
  // An entry's newest record as stored (absent: found == false).
  struct Head {
    bool found = false;
    VersionedRecord record;  // value left null when read without it
    std::string raw;
    bool live() const { return found && !record.tombstone; }
    // The compare-and-swap test: the live version is `expected`, or, with
    // no version expected, nothing is live.
    bool cas_matches(std::optional<uint64_t> expected) const {
      return expected ? live() && record.version == *expected : !live();
    }
  };
  // Reads the head of (tag, key); `with_value` false skips decoding the
  // value (writes only need the version and timestamp that follow).
  // `for_write`: the caller is about to write the entry, so a head found on
  // disk is kept in head_cache_ for its next write (head_cache.hpp).
  result<Head> head_of(char tag, std::string_view key, bool with_value = true,
                       bool for_write = false);
  // Stages version prev + `step` (a tombstone when `value` is null) at
  // timestamp `ts` into `batch`: the old head moves to history unchanged.
  // Returns the new head. (A transaction that wrote an entry n times
  // stores its last write with step n: each write took a number.)
  Head stage_version(leveldb::WriteBatch& batch, char tag, std::string_view key, const Head& prev,
                     uint64_t ts, const Value* value,
                     const std::vector<std::string>* paths = nullptr, uint64_t step = 1);
  // Writes `value` (or a tombstone when null) as the next version of the
  // entry whose newest record is `prev`.
  result<WriteInfo> write_version(char tag, std::string_view key, const Head& prev,
                                 const Value* value,
                                 const std::vector<std::string>* paths = nullptr);
  result<WriteInfo> put(char tag, std::string_view key, const Value& value);
  // `paths`, for JSON documents: per entry, the paths its new version
  // changed (absent: the whole document).
  result<std::vector<BatchItemResult>> batch_put(
      char tag, const std::vector<KvEntry>& entries,
      const std::vector<std::vector<std::string>>* paths = nullptr);
  // vector_batch_upsert, answering each entry's version and timestamp.
  result<std::vector<WriteInfo>> upsert_vectors(std::string_view collection,
                                                const std::vector<VectorUpsert>& entries);
  result<WriteInfo> remove(char tag, std::string_view key);
  result<std::vector<std::string>> list(char tag, const ListOptions& opts);
  result<std::vector<std::string>> list_at(char tag, std::string_view prefix, uint64_t as_of);
  // list_at without checking the prefix (a vector's holds a NUL).
  result<std::vector<std::string>> live_keys_at(char tag, std::string_view prefix, uint64_t as_of);

  // The transaction machinery (txn_participant.cpp): the working state of
  // each entry a write set touches, by (tag, key).
  struct Overlay;
  using Overlays = std::map<std::pair<char, std::string>, Overlay>;
  // The entry's overlay, read from its head the first time (`stored`
  // false: as if absent — its collection was dropped earlier in the set).
  result<Overlay*> txn_entry(Overlays& entries, char tag, const std::string& key,
                             bool stored = true);
  // Vector collections in a write set (vector_store.cpp): each operation
  // applied to the overlays; then, before the batch is written, the
  // vectors of dropped collections deleted and each written vector's
  // record (with its index id) staged; and once it is written, the
  // in-memory indexes brought up to date — never earlier, so that a
  // transaction that is not applied leaves no trace in them.
  struct VectorTxn;
  caf::error txn_vector_op(Overlays& entries, VectorTxn& vt, const TxnOp& op);
  caf::error txn_stage_vectors(Overlays& entries, VectorTxn& vt, leveldb::WriteBatch& batch);
  void txn_vectors_applied(VectorTxn& vt);
  // Stages the deletion of every vector record (heads and history) of a
  // collection.
  caf::error stage_drop_vectors(leveldb::WriteBatch& batch, std::string_view collection);
  caf::error txn_run(const std::vector<TxnOp>& ops, uint64_t commit_ts, uint64_t prepared_id,
                     bool dry_run, bool sync = true);
  result<bool> changed_after(char tag, std::string_view key, uint64_t snapshot,
                             std::string_view json_path);

  // Checks a document against the SPEC 1.4 document limits.
  caf::error check_document(const Value& doc) const;
  // Applies a set to a copy of the current document (or a fresh one).
  result<Value> document_after_set(std::optional<Value> current, const JsonPath& path,
                                   const Value& value) const;

  // Vector collections, loaded on first use.
  struct Collection;
  result<Collection*> collection(std::string_view name);
  /// The collection a search queries, checked against the query's dimension.
  result<Collection*> queried_collection(std::string_view name, const std::vector<float>& query);
  caf::error check_embedding(const Collection& c, const std::vector<float>& embedding) const;
  std::map<std::string, std::unique_ptr<Collection>, std::less<>> collections_;

  // Event log state, loaded on first use.
  caf::error load_event_tail();
  // The newest event: what the next append chains on to.
  struct EventTail {
    uint64_t count = 0;  // = the newest sequence number
    uint64_t timestamp = 0;
    std::string hash;
  };
  // Stages the event after `tail` into `batch` and advances `tail`.
  void stage_event(leveldb::WriteBatch& batch, EventTail& tail, std::string type, Value payload,
                   uint64_t timestamp);
  bool events_loaded_ = false;
  EventTail event_tail_;

  // Where a test's fault injector (OpenOptions::testing.faults) may throw.
  void exception_point(const char* where) const;
  // A failed write may leave a torn record at the end of the log, and
  // LevelDB appends the next one after it (it stops writing only after a
  // failed sync): the store is closed and reopened, which cuts the torn
  // tail (log_tail.cpp). A store that does not reopen is broken.
  void reopen_after_failed_write();

  std::string dir_;
  const StoreOptions& options_;
  CommitClock& clock_;
  FaultEnv* faults_;  // nullptr unless a test injects faults
  caf::error broken_;  // set when reopening after a failed write failed
  std::unique_ptr<leveldb::DB> db_;
  // The heads of recently overwritten entries; emptied whenever db_ opens.
  std::unique_ptr<HeadCache> head_cache_;
  // Which head-keys may exist, so a fresh entry's write skips its lookup
  // (key_filter.hpp); reset whenever db_ opens, built by the first write
  // that needs it.
  std::unique_ptr<KeyFilter> key_filter_;
  void build_key_filter();
  uint64_t unsynced_writes_ = 0;
  bool group_sync_pending_ = false;
  // Largest commit timestamp written; persisted in SpaceMeta on close so the
  // branch clock never hands out an older one after reopen.
  uint64_t max_timestamp_ = 0;
  uint64_t stored_max_timestamp_ = 0;
  // The number of data keys (record_count), while known: from the stored
  // count at open, followed through every write (keys::record_delta).
  // The stored count is deleted by the first write after an open
  // (record_count_stored_ until then), so a crash never leaves a stale one.
  uint64_t records_ = 0;
  bool records_known_ = false;
  bool record_count_stored_ = false;
  // Reads the stored count when the database opens.
  caf::error load_record_count();
  // Stores the count (on close, before a fork's copy); true if it wrote.
  bool save_record_count();
};

}  // namespace strata::store
