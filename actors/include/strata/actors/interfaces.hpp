#pragma once

// The typed actor protocols of Strata (CAF 0.17 `replies_to` style).
//
//   database_actor   (one per process or node)  -- owns the branch catalog
//     └─ branch_actor (one per branch)           -- owns the space catalog
//          └─ space_actor (one per space)        -- owns the space's store
//
// Every request is answered with the listed type or a caf::error carrying a
// strata::errc. Includes CAF: for actors/ and runtime/ sources only.

#include <string>
#include <vector>

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "strata/messages/protocol.hpp"

namespace strata::actors {

/// What a participant knows of a transaction (txn_status).
inline constexpr uint64_t txn_status_unknown = 0;   ///< never prepared here
inline constexpr uint64_t txn_status_prepared = 1;  ///< PREPARED, undecided
inline constexpr uint64_t txn_status_applied = 2;   ///< applied (marker kept)

/// The transaction coordinator of one branch (two-phase commit with
/// parallel commits across the branch's space actors; txn_coordinator.hpp).
using coordinator_actor = caf::typed_actor<
    /// Commits a transaction across its participants; replies the commit
    /// timestamp. Errors: TransactionConflict (a participant voted no), Io.
    caf::replies_to<txn_commit_atom, std::vector<TxnPart>>::with<uint64_t>,
    /// What became of the transaction of a PREPARED record (its ticket):
    /// its commit timestamp, or 0 when it was aborted. Waits while the
    /// transaction is still being decided; settles it from the
    /// participants' records when the coordinator no longer knows it.
    caf::replies_to<txn_resolve_atom, TxnTicket>::with<uint64_t>,
    /// Replies once every transaction found in the log at start is settled
    /// and its outcome applied by its participants.
    caf::replies_to<recover_atom>::with<bool>,
    /// Pause `token`: holds new commits back, and replies once none is in
    /// flight: every commit decided so far is applied by all its
    /// participants (a fork copies the spaces then). Until resume(token),
    /// which also withdraws a pause still waiting (its caller gave up).
    caf::replies_to<txn_pause_atom, uint64_t>::with<bool>,
    caf::reacts_to<txn_resume_atom, uint64_t>,
    /// Internal timer: forgets intents, decisions, records and markers of
    /// transactions applied long enough ago.
    caf::reacts_to<forget_atom>,
    /// Internal: the log's fsync after forgetting batch n ended (with the
    /// error, if it failed).
    caf::reacts_to<forget_atom, uint64_t, caf::error>>;

/// One space: every primitive operation on it. Operations on one space are
/// serialized by its actor, so the store needs no locks.
/// Single writes answer a WriteInfo (the version and commit timestamp the
/// write got; {0, 0} from a delete that found nothing live).
using space_actor = caf::typed_actor<
    caf::replies_to<kv_put_atom, std::string, Value>::with<WriteInfo>,
    caf::replies_to<kv_get_atom, std::string>::with<MaybeVersioned>,
    // The tag is the entry's kind as uint8_t ('k', 's' or 'j').
    caf::replies_to<entry_version_atom, Primitive, std::string>::with<uint64_t>,
    caf::replies_to<kv_get_at_atom, std::string, uint64_t>::with<MaybeVersioned>,
    caf::replies_to<kv_getv_atom, std::string>::with<MaybeHistory>,
    caf::replies_to<kv_del_atom, std::string>::with<WriteInfo>,
    caf::replies_to<kv_list_atom, ListOptions>::with<std::vector<std::string>>,
    caf::replies_to<kv_list_at_atom, std::string, uint64_t>::with<std::vector<std::string>>,
    /// Live entries with their values: SpaceStore::kv_scan / kv_scan_at.
    caf::replies_to<kv_scan_atom, ListOptions>::with<ScanPage>,
    caf::replies_to<kv_scan_at_atom, ListOptions, uint64_t>::with<ScanPage>,
    caf::replies_to<kv_batch_atom, std::vector<KvEntry>>::with<std::vector<BatchItemResult>>,
    // State cells (SPEC 5.3).
    caf::replies_to<state_set_atom, std::string, Value>::with<WriteInfo>,
    caf::replies_to<state_batch_atom, std::vector<KvEntry>>::with<std::vector<BatchItemResult>>,
    caf::replies_to<state_get_atom, std::string>::with<MaybeVersioned>,
    caf::replies_to<state_get_at_atom, std::string, uint64_t>::with<MaybeVersioned>,
    caf::replies_to<state_getv_atom, std::string>::with<MaybeHistory>,
    caf::replies_to<state_init_atom, std::string, Value>::with<WriteInfo>,
    /// (cell, expected version present?, expected version, value).
    caf::replies_to<state_cas_atom, std::string, bool, uint64_t, Value>::with<CasOutcome>,
    caf::replies_to<state_del_atom, std::string>::with<WriteInfo>,
    caf::replies_to<state_list_atom, std::string>::with<std::vector<std::string>>,
    caf::replies_to<state_list_at_atom, std::string, uint64_t>::with<std::vector<std::string>>,
    // JSON documents (SPEC 5.4): (key, path, ...).
    caf::replies_to<json_set_atom, std::string, std::string, Value>::with<WriteInfo>,
    caf::replies_to<json_batch_atom, std::vector<JsonEntry>>::with<std::vector<BatchItemResult>>,
    caf::replies_to<json_get_atom, std::string, std::string>::with<MaybeValue>,
    caf::replies_to<json_get_at_atom, std::string, std::string, uint64_t>::with<MaybeValue>,
    caf::replies_to<json_doc_atom, std::string>::with<MaybeVersioned>,
    caf::replies_to<json_getv_atom, std::string>::with<MaybeHistory>,
    caf::replies_to<json_del_atom, std::string, std::string>::with<WriteInfo>,
    caf::replies_to<json_list_atom, ListOptions>::with<JsonPageMsg>,
    caf::replies_to<json_list_at_atom, std::string, uint64_t>::with<std::vector<std::string>>,
    // Vector collections (SPEC 5.5). The index kind travels as uint8_t.
    caf::replies_to<vec_create_atom, std::string, uint64_t, DistanceMetric, uint8_t>::with<uint64_t>,
    caf::replies_to<vec_drop_atom, std::string>::with<bool>,
    caf::replies_to<vec_colls_atom>::with<std::vector<CollectionInfo>>,
    caf::replies_to<vec_stats_atom, std::string>::with<CollectionInfo>,
    caf::replies_to<vec_upsert_atom, std::string, VectorUpsert>::with<WriteInfo>,
    caf::replies_to<vec_batch_atom, std::string, std::vector<VectorUpsert>>::with<
        std::vector<uint64_t>>,
    caf::replies_to<vec_get_atom, std::string, std::string>::with<MaybeVectorEntry>,
    caf::replies_to<vec_get_at_atom, std::string, std::string, uint64_t>::with<MaybeVectorEntry>,
    caf::replies_to<vec_del_atom, std::string, std::string>::with<WriteInfo>,
    caf::replies_to<vec_keys_atom, std::string>::with<std::vector<std::string>>,
    /// (collection, query, k, filter).
    caf::replies_to<vec_search_atom, std::string, std::vector<float>, uint64_t,
                    MetadataFilter>::with<std::vector<VectorMatch>>,
    caf::replies_to<vec_search_at_atom, std::string, std::vector<float>, uint64_t, MetadataFilter,
                    uint64_t>::with<std::vector<VectorMatch>>,
    /// (name or "" for all, as_of, counts): the collections alive then.
    caf::replies_to<vec_colls_at_atom, std::string, uint64_t, bool>::with<
        std::vector<CollectionInfo>>,
    caf::replies_to<vec_keys_at_atom, std::string, uint64_t>::with<std::vector<std::string>>,
    // Event log (SPEC 5.2).
    caf::replies_to<event_append_atom, std::string, Value>::with<WriteInfo>,
    caf::replies_to<event_batch_atom, std::vector<EventEntry>>::with<std::vector<BatchItemResult>>,
    caf::replies_to<event_get_atom, uint64_t>::with<MaybeEvent>,
    /// (type, after, limit, as_of).
    caf::replies_to<event_by_type_atom, std::string, uint64_t, uint64_t, uint64_t>::with<
        std::vector<Event>>,
    caf::replies_to<event_list_at_atom, std::string, uint64_t>::with<std::vector<Event>>,
    caf::replies_to<event_len_atom>::with<uint64_t>,
    /// (from_seq, to_seq, limit): SpaceStore::event_range.
    caf::replies_to<event_range_atom, uint64_t, uint64_t, uint64_t>::with<std::vector<Event>>,
    caf::replies_to<event_verify_atom>::with<ChainVerification>,
    caf::replies_to<space_check_atom>::with<StoreCheck>,
    /// The store's oldest and newest commit timestamps ({} when it holds
    /// none): SpaceStore::time_range.
    caf::replies_to<space_time_range_atom>::with<std::vector<uint64_t>>,
    // Transactions (participant side).
    caf::replies_to<event_len_at_atom, uint64_t>::with<uint64_t>,
    /// One-phase commit of a transaction that touched only this space;
    /// replies its commit timestamp. Errors: TransactionConflict.
    caf::replies_to<txn_commit1_atom, TxnWork>::with<uint64_t>,
    /// Validates and durably logs (ticket, work), holding its entries;
    /// replies true (vote yes). Errors: TransactionConflict (vote no, nothing
    /// logged); any other error may leave a record behind.
    caf::replies_to<txn_prepare_atom, TxnTicket, TxnWork>::with<bool>,
    /// What this space knows of transaction `id`: txn_status_unknown,
    /// txn_status_prepared or txn_status_applied (also when the space was
    /// dropped after applying it: its records became commit decisions).
    caf::replies_to<txn_status_atom, uint64_t>::with<uint64_t>,
    /// Drops the applied markers of these transactions.
    caf::reacts_to<txn_forget_atom, std::vector<uint64_t>>,
    /// Replies true once everything the space wrote so far is on stable
    /// storage (before the coordinator forgets transactions it applied).
    caf::replies_to<txn_flush_atom>::with<bool>,
    /// Applies (commit timestamp) or discards (0) prepared transaction id.
    caf::replies_to<txn_decide_atom, uint64_t, uint64_t>::with<bool>,
    /// Copies the space's store into `dest_dir` (a fork): table files are
    /// hard-linked, the rest copied. Replies false when the space holds no
    /// store.
    /// A fork's copy of the store into a directory: {records copied}, or
    /// nothing when the space holds no store.
    caf::replies_to<space_copy_atom, std::string>::with<std::vector<uint64_t>>,
    /// Every stored key and record of the space (bundle export); empty when
    /// the space holds no store.
    caf::replies_to<space_dump_atom>::with<std::vector<StoredPair>>,
    /// Creates the space's store if absent (SpaceCreate). Replies true.
    caf::replies_to<space_create_atom>::with<bool>,
    /// Drops the space's data. With force=false an existing non-empty space
    /// is refused (ConstraintViolation "space is non-empty"). Replies true
    /// when there was a store to remove.
    caf::replies_to<space_drop_atom, bool>::with<bool>,
    /// Internal timer: syncs the log in standard durability.
    caf::reacts_to<flush_atom>,
    /// Internal timer: a drop waiting for prepared transactions gives up.
    caf::reacts_to<drop_wait_atom>,
    /// Internal: an fsync on the sync worker finished, covering every
    /// request to the space's sync lane up to the number given.
    caf::reacts_to<synced_atom, uint64_t, caf::error>,
    /// Internal: an fsync of the branch's transaction log finished, which
    /// the vote with the number given waited for.
    caf::reacts_to<log_synced_atom, uint64_t, caf::error>,
    /// Internal: the space no longer owes one of the two-phase commits in
    /// flight that reads at a snapshot wait for (CommitClock::owes).
    caf::reacts_to<owed_wake_atom>,
    /// Internal: the database has too many stores open; close this one if
    /// nothing needs it (it reopens on the next request).
    caf::reacts_to<hibernate_atom>,
    /// Internal: a store of the database closed; requests held back for
    /// want of file descriptors are retried.
    caf::reacts_to<room_atom>,
    /// Internal: one fsync for the commits queued before it (group
    /// commit), then their replies.
    caf::reacts_to<group_sync_atom>>;

/// What a space actor tells its branch about registration (auto-registration
/// on first write, SPEC 4.3; removal on delete).
using space_registry = caf::typed_actor<caf::reacts_to<space_register_atom, std::string>,
                                        caf::reacts_to<space_unregister_atom, std::string>>;

/// One branch: its space catalog and space actors.
using branch_actor = space_registry::extend<
    /// The actor of a space (spawned on first use). Errors: InvalidInput for
    /// a bad space name.
    caf::replies_to<space_resolve_atom, std::string>::with<space_actor>,
    /// Registered spaces plus "default", sorted.
    caf::replies_to<space_list_atom>::with<std::vector<std::string>>,
    caf::replies_to<txn_check_atom>::with<StoreCheck>,
    /// "default" always exists; an invalid name does not.
    caf::replies_to<space_exists_atom, std::string>::with<bool>,
    /// Registers a space without data. Errors: InvalidInput.
    caf::replies_to<space_create_atom, std::string>::with<bool>,
    /// Deletes a space (force: with all its data). Deleting a space that does
    /// not exist is not an error (replies false). Errors: InvalidInput,
    /// ConstraintViolation ("Cannot delete the default space", "space is
    /// non-empty").
    caf::replies_to<space_drop_atom, std::string, bool>::with<bool>,
    /// The branch's transaction coordinator.
    caf::replies_to<txn_coord_atom>::with<coordinator_actor>,
    /// A snapshot timestamp for a new transaction: every commit at or below
    /// it is applied in every space.
    caf::replies_to<txn_snapshot_atom>::with<uint64_t>,
    /// Replies once the branch's unfinished commits are applied (at open).
    caf::replies_to<recover_atom>::with<bool>,
    /// Copies every space into branch directory `dest` (a fork); replies the
    /// number of spaces copied.
    /// Copies every space into a new branch: {spaces copied, records copied}.
    caf::replies_to<space_copy_atom, std::string>::with<std::vector<uint64_t>>>;

/// The database root: the catalog of branches.
using database_actor = caf::typed_actor<
    /// The supervisor of a branch. Errors: BranchNotFound.
    caf::replies_to<branch_open_atom, std::string>::with<branch_actor>,
    /// Errors: InvalidInput, BranchExists ("branch "<b>" already exists").
    caf::replies_to<branch_create_atom, std::string>::with<bool>,
    /// Stops the branch's actors and removes its files. Errors:
    /// BranchNotFound, ConstraintViolation ("cannot delete default branch").
    caf::replies_to<branch_delete_atom, std::string>::with<bool>,
    /// Every branch, sorted, "default" included.
    caf::replies_to<branch_list_atom>::with<std::vector<std::string>>,
    caf::replies_to<branch_exists_atom, std::string>::with<bool>,
    caf::replies_to<branch_info_atom, std::string>::with<MaybeBranchInfo>,
    /// (source, destination). Errors: BranchNotFound, BranchExists,
    /// InvalidInput.
    caf::replies_to<branch_fork_atom, std::string, std::string>::with<ForkInfo>,
    /// Records a merge point: `source` was merged into `target` up to the
    /// source's timestamp `ts` (BranchInfo::merged_from). Errors:
    /// BranchNotFound.
    caf::replies_to<branch_merged_atom, std::string, std::string, uint64_t>::with<bool>,
    /// (path): recreates the bundle's branch. Errors: BranchExists,
    /// InvalidInput (damaged bundle; nothing imported), Io.
    /// (path, name to import under; "" = the bundle's own).
    caf::replies_to<branch_import_atom, std::string, std::string>::with<BundleInfo>,
    /// (path): checks a bundle without importing it.
    caf::replies_to<bundle_check_atom, std::string>::with<BundleInfo>,
    /// Replies once every branch has finished recovering (Strata::open
    /// waits for it, so that no read sees a half-recovered commit).
    caf::replies_to<recover_atom>::with<bool>>;

}  // namespace strata::actors
