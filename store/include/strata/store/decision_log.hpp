#pragma once

// DecisionLog — the transaction coordinator's log for one branch.
//
// Intents: every multi-space commit is noted (unsynced) before its
// participants are asked to prepare, so that after a crash recovery knows
// which transactions to settle and which spaces to ask. With parallel
// commits a transaction is committed iff every participant durably logged
// PREPARED; the coordinator needs no fsync of its own on the commit path.
//
// Decisions: logged durably only where the participants' records are not
// enough: a commit some participant failed to apply, or an abort after a
// participant may have logged PREPARED and failed. A decision overrides
// what the participants' records say.
//
// Thread-safety: none; owned by the branch's coordinator actor.

#include <memory>
#include <string>
#include <vector>

#include "strata/messages/codec.hpp"
#include "strata/messages/error.hpp"
#include "strata/store/options.hpp"

namespace leveldb {
class DB;
}  // namespace leveldb

namespace strata::store {

class DecisionLog {
 public:
  /// Opens (creating) the log in `dir`. `options` must outlive the log.
  [[nodiscard]] static result<std::unique_ptr<DecisionLog>> open(std::string dir,
                                                                 const StoreOptions& options);
  ~DecisionLog();
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  /// Logs commit decisions durably in one batch with one fsync (unless
  /// cache durability): the coordinator's group commit.
  [[nodiscard]] caf::error log(const std::vector<CommitDecision>& decisions);
  /// Notes a transaction about to prepare (commit_ts and participants as
  /// the participants log them). Not synced: what it guides survives a
  /// process crash, and without it recovery still settles the transaction
  /// when a participant finds its PREPARED record.
  [[nodiscard]] caf::error note_intent(const CommitDecision& intent);
  /// Forgets the decisions and intents of transactions whose writes are
  /// durable at every participant. Not an error when absent. Not synced: a
  /// forget lost in a crash only makes recovery settle a transaction again,
  /// which participants ignore.
  [[nodiscard]] caf::error forget(const std::vector<uint64_t>& txn_ids);
  /// Decisions logged and not yet forgotten (to finish after a restart).
  [[nodiscard]] result<std::vector<CommitDecision>> pending();
  /// Intents noted and not yet forgotten (to settle after a restart).
  [[nodiscard]] result<std::vector<CommitDecision>> intents();

 private:
  DecisionLog(std::string dir, const StoreOptions& options);
  result<std::vector<CommitDecision>> read_family(char family);

  std::string dir_;
  const StoreOptions& options_;
  std::unique_ptr<leveldb::DB> db_;
};

}  // namespace strata::store
