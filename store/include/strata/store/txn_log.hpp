#pragma once

// TxnLog — the transaction log of one branch: the records of two-phase
// commits, kept in one LevelDB next to the branch's spaces.
//
// Participants' PREPARED records: a space voting yes first logs its write
// set here and waits for an fsync of this log. Every participant of a
// commit writes to the same log, so one fsync covers all of them — and the
// votes of every other commit in flight on the branch (group commit across
// spaces). A transaction is committed iff every participant durably logged
// PREPARED; the coordinator needs no fsync of its own on the commit path.
// A record stays until the coordinator forgets the transaction, which it
// does only once every participant's store has synced the apply; each
// space keeps an applied marker meanwhile (SpaceStore::txn_applied).
//
// Intents: every multi-space commit is noted (unsynced) before its
// participants are asked to prepare, so that after a crash recovery knows
// which transactions to settle and which spaces to ask. A participant's
// fsync also makes the intents logged before it durable: one log file.
//
// Decisions: logged durably only where the records are not enough: a
// commit some participant failed to apply, an abort after a participant
// may have logged PREPARED and failed, or the commits whose records a
// dropped space leaves (drop_space). A decision overrides the records.
//
// Thread-safety: every member may be called from any thread (LevelDB
// orders concurrent writes); the coordinator and the branch's space actors
// share one instance.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "strata/messages/codec.hpp"
#include "strata/messages/error.hpp"
#include "strata/store/options.hpp"

namespace leveldb {
class DB;
class WriteBatch;
}  // namespace leveldb

namespace strata::store {

class TxnLog {
 public:
  /// Opens (creating) the log in `dir`. `options` must outlive the log.
  [[nodiscard]] static result<std::shared_ptr<TxnLog>> open(std::string dir,
                                                            const StoreOptions& options);
  ~TxnLog();
  TxnLog(const TxnLog&) = delete;
  TxnLog& operator=(const TxnLog&) = delete;

  // -- participants --------------------------------------------------------------

  /// Logs `space`'s PREPARED record of `txn`. Not synced: the participant
  /// votes only after sync() or a sync_job() run that started after this.
  /// Refused once an fsync of the log failed (see sync_job), as are new
  /// intents: a commit then fails before anything is logged.
  [[nodiscard]] caf::error log_prepared(const std::string& space, const PreparedTxn& txn);
  /// Removes `space`'s record of `txn_id` (an abort). Not an error when
  /// absent. Not synced: a discard lost in a crash brings the record back,
  /// and recovery aborts the transaction again.
  [[nodiscard]] caf::error discard_prepared(const std::string& space, uint64_t txn_id);
  /// `space`'s PREPARED records, oldest transaction first (after a restart:
  /// those its store has no applied marker for are in doubt).
  [[nodiscard]] result<std::vector<PreparedTxn>> prepared(const std::string& space);
  /// The space is being dropped, with no transaction prepared in it: each
  /// of its records is of a transaction it applied, so each becomes a
  /// commit decision, in one synced batch. The record must not outlive the
  /// dropped store (it would read as in doubt, and be applied into the
  /// dropped space again), nor the commit be lost to the participants that
  /// have not applied it yet (without the record, "not prepared here"
  /// would read as an abort).
  [[nodiscard]] caf::error drop_space(const std::string& space);
  /// Makes every write made so far durable (nothing in cache durability).
  [[nodiscard]] caf::error sync();
  /// sync() as a job for a background thread: it captures only the log's
  /// directory and health, so it may outlive the log (a log since deleted
  /// syncs nothing; one re-created at the same path is synced, harmlessly).
  /// Empty in cache durability.
  ///
  /// After any failed fsync of the log (a synced write or a sync job),
  /// sync() and every job fail with that error until the log is reopened:
  /// the OS may have dropped what it could not write and report the next
  /// fsync clean (and a descriptor opened after an error was reported
  /// elsewhere does not see it at all). So do every synced write (log(),
  /// drop_space()) and new records and intents.
  [[nodiscard]] std::function<caf::error()> sync_job() const;

  // -- coordinator ---------------------------------------------------------------

  /// Logs commit decisions durably in one batch with one fsync (unless
  /// cache durability).
  [[nodiscard]] caf::error log(const std::vector<CommitDecision>& decisions);
  /// Notes a transaction about to prepare (commit_ts and participants as
  /// the participants log them). Not synced (see above).
  [[nodiscard]] caf::error note_intent(const CommitDecision& intent);
  /// Forgets finished transactions: their intents, decisions and every
  /// participant's record, in one batch. Not synced: the caller syncs before
  /// it lets participants drop their applied markers (a marker must not go
  /// while the record it answers for could come back). Not an error when
  /// absent.
  [[nodiscard]] caf::error forget(const std::vector<CommitDecision>& finished);
  /// Decisions logged and not yet forgotten (to finish after a restart).
  [[nodiscard]] result<std::vector<CommitDecision>> pending();
  /// The decision logged for `txn_id`, if any.
  [[nodiscard]] result<std::optional<CommitDecision>> decision(uint64_t txn_id);
  /// Intents noted and not yet forgotten (to settle after a restart).
  [[nodiscard]] result<std::vector<CommitDecision>> intents();

  /// Reads and decodes every record of the log (check.cpp); damage goes
  /// to the result's problems.
  [[nodiscard]] StoreCheck check();

 private:
  TxnLog(std::string dir, const StoreOptions& options);
  /// Decodes every record whose key starts with `prefix`, in key order.
  template <class T, class Decode>
  result<std::vector<T>> read_prefix(const std::string& prefix, Decode decode);
  caf::error write(leveldb::WriteBatch& batch, bool sync, const std::string& what);

  std::string dir_;
  const StoreOptions& options_;
  std::unique_ptr<leveldb::DB> db_;
  /// The first failed fsync's error (see sync_job); shared with the jobs.
  struct Health {
    caf::error get();
    /// Records `err` unless an error is already recorded; returns the
    /// recorded one.
    caf::error fail(caf::error err);
    /// A synced write starts (false: the log is already poisoned) / ended.
    bool begin_synced_write();
    void end_synced_write(const caf::error& err);
    /// The recorded error once no synced write is in flight: one that
    /// overlapped a job's fsync may have taken the error that fsync's
    /// fresh descriptors never see.
    caf::error settled();

    std::mutex mtx;
    std::condition_variable idle;
    int synced_writes = 0;
    caf::error failed;
  };
  std::shared_ptr<Health> health_ = std::make_shared<Health>();
};

}  // namespace strata::store
