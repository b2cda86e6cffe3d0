#pragma once

// Strata — an embedded database for AI agents, built as an actor system.
//
//   auto db = strata::Strata::open("/data/agent");   // or Strata::cache()
//   if (!db) { std::cerr << strata::describe(db.error()); return 1; }
//   db->set_space("conversations");
//   db->kv_put("msg_001", "hello");
//
// A Strata object is a *handle*: a lightweight client of the database's
// actors that carries its own current branch and space. Handles share no
// mutable state; give each thread its own (`new_handle()`), and use one
// handle from one thread at a time. The database closes when its last
// handle is destroyed.
//
// Errors: every fallible call returns `strata::result<T>`
// (`caf::expected<T>`); `describe(err)` renders "<Kind>: <message>" and
// `kind_of(err)` gives the `strata::errc`. A missing key is an empty
// std::optional, not an error. A call rejected for bad input changes
// nothing.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/messages/error.hpp"
#include "strata/messages/json.hpp"
#include "strata/messages/limits.hpp"
#include "strata/messages/types.hpp"
#include "strata/messages/value.hpp"
#include "strata/messages/vector_types.hpp"
#include "strata/branches.hpp"
#include "strata/command.hpp"
#include "strata/node.hpp"
#include "strata/session.hpp"

namespace caf {
class actor_system;
}  // namespace caf

namespace strata {

/// How the actor scheduler's worker threads take the work callers hand off
/// (most calls run on the caller's own thread and never reach them).
enum class SchedulerPolicy : uint8_t {
  /// One queue for all workers, served in arrival order; an idle worker
  /// sleeps until work arrives. The default: on the 2-core machines this
  /// was measured on it was as fast or faster everywhere (one-committer
  /// transactions ~15%, sixteen threads sharing a space 20-50%) and uses
  /// no CPU while idle (docs/benchmarks.md, "The scheduler").
  Sharing,
  /// CAF's work stealing: a queue per worker, newest work first, idle
  /// workers poll for a while before sleeping. For many cores, where one
  /// shared queue could become contended.
  Stealing,
};

/// How a database is opened. Every field has a working default.
namespace testing {
class FaultInjector;  // <strata/testing.hpp>
}  // namespace testing

struct OpenOptions {
  /// Durability::Standard by default; Durability::Always fsyncs every write.
  /// (Durability::Cache is what Strata::cache() uses.)
  Durability durability = Durability::Standard;
  /// Key and value limits (SPEC 1.4 defaults).
  Limits limits;
  /// Opens an existing database to read it, while no process has it open
  /// for writing: every write answers errc::AccessDenied ("access
  /// denied: <Command> rejected — database is read-only"); a read-only
  /// transaction may begin. It reads a private snapshot of the database as
  /// it was at open: table files hard-linked (no copy of the data), the
  /// rest copied, under `<path>/.readers/` (so the directory must be
  /// writable), removed at close. Any number of read-only opens may run
  /// at once, in any processes, and a writer may open the database once
  /// they have (the writer's lock is held only while the snapshot is
  /// made). To inspect a database a process is writing, serve it (strata
  /// serve) and connect. Errors at open: BranchNotFound (no database at
  /// the path), Io (a writer has it open; the snapshot cannot be made).
  bool read_only = false;
  /// Worker threads of the actor scheduler. Most calls run on the caller's
  /// thread, so few are needed; 0 means 2.
  size_t scheduler_threads = 0;
  /// How those workers share their work.
  SchedulerPolicy scheduler_policy = SchedulerPolicy::Sharing;
  /// Block cache shared by every space of the database.
  size_t block_cache_bytes = 32u << 20;
  /// The service actor (<strata/actor.hpp>): threads that run its commands
  /// (commands to one space always run on the same one), and how many
  /// requests one client may have in flight before further ones are
  /// answered errc::Busy. REQUIRES: both >= 1.
  size_t service_executors = 4;
  size_t service_max_in_flight = 256;
  /// How many space stores may be open at once; idle spaces beyond it close
  /// their store (keeping nothing open) and reopen it on their next
  /// request. 0: as many as the process's file descriptor limit
  /// (RLIMIT_NOFILE at open) allows, one descriptor per store and a fifth
  /// for table files (unbounded for a cache database, which uses none).
  size_t max_open_spaces = 0;
  /// Hooks for Strata's own crash and recovery tests; leave the defaults.
  struct TestHooks {
    /// How long a finished two-phase commit's records stay in the branch's
    /// log before they are forgotten. REQUIRES: >= 1 ms.
    std::chrono::milliseconds txn_forget_delay{1000};
    /// Injected I/O faults and power cuts (on-disk databases only) and
    /// crashes at a step of two-phase commit (<strata/testing.hpp>).
    std::shared_ptr<testing::FaultInjector> faults;
  };
  TestHooks testing;
};

namespace detail {
class Database;
struct HandleImpl;
struct Access;
struct ServiceTraits;
}  // namespace detail

class Strata {
 public:
  // -- opening ------------------------------------------------------------------

  /// Opens (creating if missing) the database in directory `path`, with the
  /// default OpenOptions. Takes an exclusive lock on `<path>/.lock`: a second
  /// open of the same directory, from this or another process, fails with
  /// errc::Io "database at '<path>' is already in use by another process".
  /// Reopening after the last handle closed restores every space and value.
  [[nodiscard]] static result<Strata> open(const std::string& path);
  [[nodiscard]] static result<Strata> open(const std::string& path, OpenOptions options);

  /// An ephemeral in-memory database (Durability::Cache): no files; the data
  /// is gone when the last handle closes.
  [[nodiscard]] static result<Strata> cache();
  [[nodiscard]] static result<Strata> cache(OpenOptions options);

  /// The same, running inside the caller's own actor system `sys` (no
  /// system of Strata's own: OpenOptions::scheduler_threads and
  /// scheduler_policy do not apply). REQUIRES: strata::configure() was
  /// called on the configuration `sys` was made from, and `sys` outlives
  /// every handle of the database (<strata/actor.hpp>).
  [[nodiscard]] static result<Strata> open(caf::actor_system& sys, const std::string& path,
                                           OpenOptions options = {});
  [[nodiscard]] static result<Strata> cache(caf::actor_system& sys, OpenOptions options = {});

  /// A handle on the database a node serves (Server, `strata serve`) at
  /// `endpoint` ("HOST:PORT"), with the same API as a local handle:
  /// every method, Session transactions, execute, execute_batch and
  /// service() run on the node. The connection (an actor system of its
  /// own, with the TLS identity of `options`) is shared by the handles
  /// new_handle() makes and closes with the last of them. Every call has
  /// a deadline (errc::Timeout); a call in flight when the connection
  /// drops fails at once with errc::Unavailable (its outcome unknown), and
  /// the next call reconnects. docs/nodes.md has the details.
  /// Errors: InvalidInput (endpoint, options), Unavailable (nothing
  /// listening, handshake refused: certificate, CA, TLS or protocol
  /// version), Timeout.
  [[nodiscard]] static result<Strata> connect(const std::string& endpoint,
                                              const ConnectOptions& options);
  /// The same inside the caller's actor system `sys`, so that its actors
  /// use service() of the node's database as a local one's. The TLS
  /// identity is the system's: REQUIRES: strata::configure_client(cfg,
  /// options) on the configuration `sys` was made from, and `sys` outlives
  /// every handle of the connection (<strata/actor.hpp>).
  [[nodiscard]] static result<Strata> connect(caf::actor_system& sys, const std::string& endpoint,
                                              const ConnectOptions& options);

  /// The database's service actor: commands as messages, for actors that
  /// must not block (<strata/actor.hpp> documents its protocol; include it
  /// to call this). Started on first use; every handle of the database
  /// returns the same one.
  template <class Traits = detail::ServiceTraits>
  typename Traits::handle service() const {
    return Traits::get(*this);
  }

  /// A new, independent handle on the same database, starting on branch
  /// "default" and space "default".
  [[nodiscard]] result<Strata> new_handle() const;

  /// A Session for transactions on this handle's current branch, starting
  /// on this handle's current space (see <strata/session.hpp>).
  Session session() const;

  Strata(Strata&&) noexcept;
  Strata& operator=(Strata&&) noexcept;
  ~Strata();

  // -- commands (strata/command.hpp) -------------------------------------------------

  /// Runs one command and returns its output (the alternative its struct's
  /// `output` names) or its error — exactly what the handle method of the
  /// same name returns for the same target. The handle's own current
  /// branch and space play no part: the command's Target says where it
  /// runs. Transactions begun with cmd::Begin belong to this handle.
  [[nodiscard]] result<Output> execute(const Command& command);

  /// Runs `commands` in order, each with its own result (a failing command
  /// does not stop the ones after it). Consecutive plain writes of one kind
  /// to one space (KvPut, StateSet, EventAppend, JsonSet outside a
  /// transaction) are applied as one batch: atomically, in one request.
  /// The outer result is an error only when the batch could not be run at
  /// all.
  [[nodiscard]] result<std::vector<result<Output>>> execute_batch(std::vector<Command> commands);

  /// The database directory ("" for a cache database; a node's database:
  /// the directory on the node).
  const std::string& path() const;
  Durability durability() const;
  /// "HOST:PORT" of the node a connected handle talks to; "" for a local
  /// database.
  const std::string& endpoint() const;
  /// What the node says about itself ("" for a local database).
  std::string node_description() const;

  // -- integrity ------------------------------------------------------------------

  /// Verifies every store of every branch while the database runs: each
  /// record read with its checksum verified and decoded, each entry's
  /// version chain, each event log's sequence, hash chain and type index,
  /// each branch's transaction log. One StoreCheck per space and per
  /// branch's transaction log (space ""), branches then spaces in name
  /// order; damage is listed in their `problems` (a store that does not
  /// open is one problem), not returned as an error. Reads every record:
  /// it takes time proportional to the data, and memory that does not
  /// grow with it. Errors: only when branches or spaces cannot be listed.
  [[nodiscard]] result<std::vector<StoreCheck>> check();

  /// Salvages a damaged database that no process has open: every store of
  /// every branch goes through LevelDB's repair, which keeps every record
  /// whose checksum holds and drops what is damaged (acknowledged writes
  /// in damaged blocks are lost: this is the last resort, after a backup).
  /// Run check() afterwards. Returns how many stores were repaired.
  /// Errors: Io (no database at `path`, locked by another process, a repair
  /// that failed).
  [[nodiscard]] static result<uint64_t> repair(const std::string& path);

  // -- spaces (seed: spaces-guide.md) ---------------------------------------------

  const std::string& current_branch() const;
  /// The handle's current space; "default" on a new handle.
  const std::string& current_space() const;

  /// Switches this handle's current space. Does not create the space (the
  /// first write does). Errors: InvalidInput for a name breaking SPEC 4.4.
  [[nodiscard]] result<void> set_space(std::string_view name);

  /// Every registered space of the current branch plus "default", sorted.
  [[nodiscard]] result<std::vector<std::string>> list_spaces();

  /// Registers a space without writing data (idempotent).
  /// Errors: InvalidInput.
  [[nodiscard]] result<void> create_space(std::string_view name);

  /// True for "default" and every registered space; false for an invalid
  /// name.
  [[nodiscard]] result<bool> space_exists(std::string_view name);

  /// Deletes an empty space. It is not an error if the space does not exist.
  /// Errors: ConstraintViolation for "default" and for a space holding data
  /// ("space is non-empty"); InvalidInput for a bad name.
  [[nodiscard]] result<void> delete_space(std::string_view name);

  /// Deletes a space and all its data; a later write re-creates it empty.
  /// Errors: ConstraintViolation for "default"; InvalidInput.
  [[nodiscard]] result<void> delete_space_force(std::string_view name);

  /// The oldest and newest commit timestamps (µs) over every stored
  /// version of every entry — deleted entries and deletions included, of
  /// every primitive, vectors and collections too — and every event in
  /// every space of the current branch; empty when the branch never held
  /// data (SPEC 2.2 time_range). Reads every version's header: time
  /// proportional to the branch's history.
  [[nodiscard]] result<TimeRange> time_range();

  // -- branches (SPEC 3) ---------------------------------------------------------
  // A branch is a fully isolated copy of every space and primitive. Branch
  // names: 1-255 bytes, no control characters, not whitespace only.

  /// Creates an empty branch. Errors: InvalidInput, BranchExists.
  [[nodiscard]] result<void> create_branch(std::string_view name);
  /// Switches this handle to `name` (and its "default" space).
  /// Errors: BranchNotFound.
  [[nodiscard]] result<void> set_branch(std::string_view name);
  /// Every branch, sorted, "default" included.
  [[nodiscard]] result<std::vector<std::string>> list_branches();
  [[nodiscard]] result<bool> branch_exists(std::string_view name);
  /// Name, creation time and fork parent; empty when the branch is missing.
  [[nodiscard]] result<std::optional<BranchInfo>> branch_info(std::string_view name);
  /// Deletes a branch and all its data. Errors: ConstraintViolation
  /// ("cannot delete default branch", "cannot delete current branch"),
  /// BranchNotFound.
  [[nodiscard]] result<void> delete_branch(std::string_view name);
  /// Copies the current branch, every space and primitive with its history,
  /// into a new branch `dest` (the handle stays where it is). Table files
  /// are shared by hard link, so the cost does not grow with the data.
  /// Errors: InvalidInput, BranchExists.
  [[nodiscard]] result<ForkInfo> fork_branch(std::string_view dest);
  /// Writes branch `branch` to a bundle file at `path` (format: top of
  /// store/src/bundle.cpp): every space's stored records, history
  /// included, checksummed and zstd-compressed. Errors: BranchNotFound, Io.
  /// `progress`, when set, is called on the caller's thread after each
  /// space: (spaces done, spaces in all, records so far).
  [[nodiscard]] result<BundleInfo> branch_export(
      std::string_view branch, const std::string& path,
      const std::function<void(uint64_t, uint64_t, uint64_t)>& progress = {});
  /// Recreates a bundle's branch under its original name, or under
  /// `as_name` when one is given (so that a bundle of "default" can become
  /// a branch of another database; under another name the branch starts a
  /// history of its own: no fork parent, no merge points). The result says
  /// the name and how many stored records were written (entry_count). A
  /// damaged or truncated bundle is refused (InvalidInput) and nothing is
  /// imported. Errors: BranchExists, InvalidInput (also a bad `as_name`), Io.
  [[nodiscard]] result<BundleInfo> branch_import(const std::string& path,
                                                 std::string_view as_name = {});
  /// Checks a bundle (magic, version, checksum, structure) without
  /// importing it. Errors: InvalidInput, Io.
  [[nodiscard]] result<BundleInfo> branch_validate_bundle(const std::string& path);
  /// Compares the latest entries of every primitive in every space of
  /// branches a and b: KV, state, JSON, events (by sequence), vector
  /// collections and vectors ("collection/key"). Errors: BranchNotFound.
  [[nodiscard]] result<BranchDiff> diff_branches(std::string_view a, std::string_view b);
  /// Three-way merge of `source` into `target` from their merge base (the
  /// nearest common ancestor as of the earliest fork between them, or
  /// their last merge, whichever is later): per entry of every primitive
  /// in every space, changed only on the source -> applied (set or
  /// deleted); only on the target -> kept; on both to the same value ->
  /// nothing; on both to different values -> a conflict, resolved by
  /// `strategy`. Events the source appended since the base are appended to
  /// the target. The source is read as of one moment, recorded as a merge
  /// point: a later merge from it applies only what changed since. With no
  /// shared history every difference is a conflict. Errors:
  /// BranchNotFound; InvalidInput (a branch into itself);
  /// ConstraintViolation ("Merge conflict: ...") under Strict, with nothing
  /// written.
  [[nodiscard]] result<MergeInfo> merge_branches(std::string_view source, std::string_view target,
                                                 MergeStrategy strategy =
                                                     MergeStrategy::LastWriterWins);
  /// What merge_branches(source, target) would do with last-writer-wins:
  /// the entries it would write, the conflicts with both values, the
  /// events it would append, the merge base. Nothing is written and no
  /// merge point is recorded. Errors: as merge_branches.
  [[nodiscard]] result<MergeInfo> merge_preview(std::string_view source, std::string_view target);

  // -- KV (SPEC 5.1), in the current space ----------------------------------------

  /// Creates or overwrites `key`; returns its new version (1, 2, ...; never
  /// reused after a delete). Auto-registers the space.
  /// Errors: InvalidInput (empty key, NUL, "_strata/" prefix),
  /// ConstraintViolation (key over 1024 bytes, value over a limit).
  [[nodiscard]] result<uint64_t> kv_put(std::string_view key, Value value);
  /// kv_put answering the new version with its commit timestamp (the one
  /// kv_get_versioned, kv_getv and kv_get_at see). Every write has such a
  /// `*_versioned` form answering a WriteInfo; the forms of the deletes
  /// answer {0, 0} when nothing was live (nothing written).
  [[nodiscard]] result<WriteInfo> kv_put_versioned(std::string_view key, Value value);

  /// The current value; empty when absent or deleted.
  [[nodiscard]] result<std::optional<Value>> kv_get(std::string_view key);

  /// The current value with its version and commit timestamp.
  [[nodiscard]] result<std::optional<VersionedValue>> kv_get_versioned(std::string_view key);

  /// The value as of `as_of_us` (microseconds since the epoch, inclusive);
  /// empty when the key did not exist or was deleted then.
  [[nodiscard]] result<std::optional<Value>> kv_get_at(std::string_view key, uint64_t as_of_us);

  /// Every version, newest first (deletions are not listed); empty optional
  /// when the key was never written.
  [[nodiscard]] result<std::optional<std::vector<VersionedValue>>> kv_getv(std::string_view key);

  /// Deletes `key`; true when it existed. Deleting a missing key is not an
  /// error (returns false).
  [[nodiscard]] result<bool> kv_delete(std::string_view key);
  /// kv_delete answering the deletion's version and timestamp ({0, 0}: the
  /// key was not live, nothing written).
  [[nodiscard]] result<WriteInfo> kv_delete_versioned(std::string_view key);

  /// Live keys, ascending by bytes, optionally filtered by a byte prefix.
  [[nodiscard]] result<std::vector<std::string>> kv_list(
      std::optional<std::string_view> prefix = std::nullopt);

  /// One page of keys: those after `opts.cursor`, at most `opts.limit`.
  /// The next page starts after the last key returned.
  [[nodiscard]] result<std::vector<std::string>> kv_list_page(const ListOptions& opts);

  /// Keys that were live at `as_of_us`.
  [[nodiscard]] result<std::vector<std::string>> kv_list_at(std::optional<std::string_view> prefix,
                                                            uint64_t as_of_us);

  /// Live entries with their values, versions and commit timestamps, in
  /// key order, in one call: those under opts.prefix after opts.cursor
  /// (exclusive), at most opts.limit (100 when unset, at most 10,000).
  /// The page's cursor is set when more may remain: pass it as the next
  /// page's cursor. Errors: InvalidInput (prefix), ConstraintViolation
  /// (limit over 10,000).
  [[nodiscard]] result<ScanPage> kv_scan(const ListOptions& opts = {});
  /// The same over the entries as they were at `as_of_us`.
  [[nodiscard]] result<ScanPage> kv_scan_at(const ListOptions& opts, uint64_t as_of_us);

  /// Writes many keys in one atomic batch. Each item gets its version or its
  /// own error; invalid items do not stop the valid ones.
  [[nodiscard]] result<std::vector<BatchItemResult>> kv_batch_put(std::vector<KvEntry> entries);

  // -- event log (SPEC 5.2), in the current space ---------------------------------

  /// Appends an event and returns its sequence number (1, 2, ... per space,
  /// no gaps). The payload must be a JSON object without NaN or infinity.
  /// Errors: InvalidInput (payload not an object, non-finite number, empty or
  /// over-256-byte type), ConstraintViolation (value limits).
  [[nodiscard]] result<uint64_t> event_append(std::string_view type, Value payload);
  /// event_append answering the sequence number (as `version`) and the
  /// event's timestamp.
  [[nodiscard]] result<WriteInfo> event_append_versioned(std::string_view type, Value payload);

  /// Appends several events atomically; each item gets its sequence number
  /// or its own error (invalid items are skipped, the rest appended in order).
  [[nodiscard]] result<std::vector<BatchItemResult>> event_batch_append(
      std::vector<EventEntry> entries);

  /// Event `seq` as {payload, version = seq, timestamp}; empty when out of
  /// range (not an error).
  [[nodiscard]] result<std::optional<VersionedValue>> event_get(uint64_t seq);

  /// The whole stored event: type, payload, timestamp and hashes.
  [[nodiscard]] result<std::optional<Event>> event_get_record(uint64_t seq);

  /// Events of `type`, ascending, after sequence `after` (exclusive; 0 = from
  /// the first), at most `limit` (0 = all).
  [[nodiscard]] result<std::vector<VersionedValue>> event_get_by_type(std::string_view type,
                                                                      uint64_t after = 0,
                                                                      uint64_t limit = 0);

  /// Events (of `type`, or all types) with timestamp <= as_of_us, ascending.
  [[nodiscard]] result<std::vector<Event>> event_list_at(std::optional<std::string_view> type,
                                                         uint64_t as_of_us);

  /// Number of events in the current space.
  [[nodiscard]] result<uint64_t> event_len();

  /// The events with sequence from_seq..to_seq (inclusive; to_seq 0 = to
  /// the last), in order, at most `limit` (0 = no limit): a page of the log
  /// in one call. Page on with from_seq = the last sequence + 1.
  [[nodiscard]] result<std::vector<Event>> event_range(uint64_t from_seq, uint64_t to_seq = 0,
                                                       uint64_t limit = 0);

  /// Re-checks the SHA-256 hash chain of the current space's log. A tampered
  /// or damaged event shows as `valid == false` with its sequence and why.
  [[nodiscard]] result<ChainVerification> event_verify_chain();

  // -- state cells (SPEC 5.3), in the current space -------------------------------

  /// Unconditional write; returns the new version (1 for a new cell).
  [[nodiscard]] result<uint64_t> state_set(std::string_view cell, Value value);
  /// state_set answering the version with its commit timestamp.
  [[nodiscard]] result<WriteInfo> state_set_versioned(std::string_view cell, Value value);
  [[nodiscard]] result<std::optional<Value>> state_get(std::string_view cell);
  [[nodiscard]] result<std::optional<VersionedValue>> state_get_versioned(std::string_view cell);
  [[nodiscard]] result<std::optional<Value>> state_get_at(std::string_view cell,
                                                          uint64_t as_of_us);
  [[nodiscard]] result<std::optional<std::vector<VersionedValue>>> state_getv(
      std::string_view cell);
  /// Creates the cell only when absent; returns its version either way (no
  /// write when it exists).
  [[nodiscard]] result<uint64_t> state_init(std::string_view cell, Value value);
  /// state_init answering the version with its timestamp: the new cell's,
  /// or the live cell's when it existed (nothing written).
  [[nodiscard]] result<WriteInfo> state_init_versioned(std::string_view cell, Value value);
  /// Compare-and-swap. `expected` empty: succeed only if the cell is absent;
  /// otherwise only if its current version is exactly `*expected`. Returns
  /// the new version, or an empty optional on a miss (not an error; nothing
  /// written). Of concurrent CAS calls with the same expected version,
  /// exactly one wins.
  [[nodiscard]] result<std::optional<uint64_t>> state_cas(std::string_view cell,
                                                          std::optional<uint64_t> expected,
                                                          Value value);
  /// The same compare-and-swap, answering what happened: swapped with the
  /// new version, or a miss with the cell's live value, version and
  /// timestamp as the check found them (read in the same step as the
  /// check, so a retry can use them without a read of its own).
  [[nodiscard]] result<CasOutcome> state_cas_detailed(std::string_view cell,
                                                      std::optional<uint64_t> expected,
                                                      Value value);
  /// Deletes a cell; true when it existed.
  [[nodiscard]] result<bool> state_delete(std::string_view cell);
  /// state_delete answering the deletion's version and timestamp ({0, 0}:
  /// the cell was not live, nothing written).
  [[nodiscard]] result<WriteInfo> state_delete_versioned(std::string_view cell);
  /// Live cell names, sorted, optionally by prefix.
  [[nodiscard]] result<std::vector<std::string>> state_list(
      std::optional<std::string_view> prefix = std::nullopt);
  /// Cells that were live at `as_of_us`, sorted.
  [[nodiscard]] result<std::vector<std::string>> state_list_at(
      std::optional<std::string_view> prefix, uint64_t as_of_us);
  /// Sets many cells atomically; per-item versions or errors.
  [[nodiscard]] result<std::vector<BatchItemResult>> state_batch_set(std::vector<KvEntry> entries);

  // -- JSON documents (SPEC 5.4), in the current space ---------------------------
  // Paths: "$" (root), "$.name", "$.a.b", "$.items[0]", "$[0]"; see
  // <strata/messages/json_path.hpp>. Member insertion order is kept.

  /// Sets `value` at `path`, creating the document and missing parent
  /// objects; returns the new document version (1, 2, ...).
  /// Errors: InvalidPath (bad path, index past the end), WrongType (member of
  /// a non-object, index of a non-array), Serialization (NaN/Inf),
  /// ConstraintViolation (16 MiB, depth 100, key rules). Nothing is written
  /// on error.
  [[nodiscard]] result<uint64_t> json_set(std::string_view key, std::string_view path,
                                          Value value);
  /// json_set answering the document's new version with its timestamp.
  [[nodiscard]] result<WriteInfo> json_set_versioned(std::string_view key, std::string_view path,
                                                     Value value);
  /// The value at `path`; empty when the document or path is missing.
  [[nodiscard]] result<std::optional<Value>> json_get(std::string_view key,
                                                      std::string_view path = "$");
  /// The value at `path` of the document as of `as_of_us`.
  [[nodiscard]] result<std::optional<Value>> json_get_at(std::string_view key,
                                                         std::string_view path, uint64_t as_of_us);
  /// The whole document with its version and timestamp.
  [[nodiscard]] result<std::optional<VersionedValue>> json_get_versioned(std::string_view key);
  /// Whole-document history, newest first.
  [[nodiscard]] result<std::optional<std::vector<VersionedValue>>> json_getv(std::string_view key);
  /// Deletes at `path` ("$" destroys the document); returns how many values
  /// were removed (0 when missing — not an error).
  [[nodiscard]] result<uint64_t> json_delete(std::string_view key, std::string_view path = "$");
  /// json_delete answering the document's new version (at "$": the
  /// deletion's) with its timestamp; {0, 0} when nothing was removed.
  [[nodiscard]] result<WriteInfo> json_delete_versioned(std::string_view key,
                                                        std::string_view path = "$");
  /// One page of document keys (prefix, cursor, limit = 100 by default); the
  /// page's cursor is set only when more keys remain.
  [[nodiscard]] result<JsonListPage> json_list(std::optional<std::string_view> prefix = std::nullopt,
                                               std::optional<std::string_view> cursor = std::nullopt,
                                               uint64_t limit = 100);
  /// Documents that existed at `as_of_us`.
  [[nodiscard]] result<std::vector<std::string>> json_list_at(
      std::optional<std::string_view> prefix, uint64_t as_of_us);
  /// Applies many sets in order, atomically; per-item versions or errors.
  [[nodiscard]] result<std::vector<BatchItemResult>> json_batch_set(std::vector<JsonEntry> entries);

  // -- vector collections (SPEC 5.5), in the current space ------------------------
  // Scores: higher is more similar (cosine in [-1, 1]; euclidean 1/(1+d);
  // dot product raw). In a Session, vector calls run in its transaction.

  /// Creates a collection. Errors: InvalidInput (name: 1-256 bytes, no '/',
  /// NUL or leading '_'; dimension 1..65536), CollectionExists.
  [[nodiscard]] result<uint64_t> vector_create_collection(std::string_view name,
                                                          uint64_t dimension,
                                                          DistanceMetric metric,
                                                          IndexKind index = IndexKind::Auto);
  /// Drops a collection and its vectors; false when it did not exist.
  [[nodiscard]] result<bool> vector_delete_collection(std::string_view name);
  [[nodiscard]] result<std::vector<CollectionInfo>> vector_list_collections();
  /// Errors: CollectionNotFound.
  [[nodiscard]] result<CollectionInfo> vector_collection_stats(std::string_view name);
  /// Inserts or replaces a vector with optional metadata; returns its
  /// version. Errors: CollectionNotFound, DimensionMismatch, InvalidInput
  /// (key rules), ConstraintViolation (over 8192 floats, metadata limits).
  [[nodiscard]] result<uint64_t> vector_upsert(std::string_view collection, std::string_view key,
                                               std::vector<float> embedding,
                                               std::optional<Value> metadata = std::nullopt);
  /// vector_upsert answering the version with its commit timestamp.
  [[nodiscard]] result<WriteInfo> vector_upsert_versioned(
      std::string_view collection, std::string_view key, std::vector<float> embedding,
      std::optional<Value> metadata = std::nullopt);
  /// All entries are validated first; one bad entry fails the whole batch
  /// and nothing is written.
  [[nodiscard]] result<std::vector<uint64_t>> vector_batch_upsert(
      std::string_view collection, std::vector<VectorUpsert> entries);
  [[nodiscard]] result<std::optional<VectorEntry>> vector_get(std::string_view collection,
                                                              std::string_view key);
  [[nodiscard]] result<std::optional<VectorEntry>> vector_get_at(std::string_view collection,
                                                                 std::string_view key,
                                                                 uint64_t as_of_us);
  [[nodiscard]] result<bool> vector_delete(std::string_view collection, std::string_view key);
  /// vector_delete answering the deletion's version and timestamp ({0, 0}:
  /// no such vector, nothing written).
  [[nodiscard]] result<WriteInfo> vector_delete_versioned(std::string_view collection,
                                                          std::string_view key);
  /// Keys of the vectors in a collection, sorted. Errors: CollectionNotFound.
  [[nodiscard]] result<std::vector<std::string>> vector_list_keys(std::string_view collection);
  /// Up to k matches, best first (ties by insertion order), among vectors
  /// whose metadata passes `filter` (MetadataFilter::from_value parses the
  /// JSON forms). Errors: CollectionNotFound, DimensionMismatch.
  [[nodiscard]] result<std::vector<VectorMatch>> vector_search(std::string_view collection,
                                                               std::vector<float> query,
                                                               uint64_t k,
                                                               MetadataFilter filter = {});
  /// The same over the vectors (and metadata) as they were at as_of_us.
  [[nodiscard]] result<std::vector<VectorMatch>> vector_search_at(std::string_view collection,
                                                                  std::vector<float> query,
                                                                  uint64_t k,
                                                                  MetadataFilter filter,
                                                                  uint64_t as_of_us);

 private:
  friend struct detail::Access;
  explicit Strata(std::unique_ptr<detail::HandleImpl> impl);
  /// The handle's current branch and space, as a command's target.
  Target here() const;
  /// Runs one command through the executor every layer shares.
  template <class C>
  result<typename C::output> run(C&& c);
  static result<Strata> open_database(std::optional<std::string> path, OpenOptions options,
                                      caf::actor_system* sys = nullptr);

  std::unique_ptr<detail::HandleImpl> impl_;
};

}  // namespace strata
