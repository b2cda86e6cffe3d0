#pragma once

// DecisionLog — the transaction coordinator's durable log of commit
// decisions for one branch (presumed-abort two-phase commit): a decision is
// logged before any participant learns it and forgotten once every
// participant has applied it. A transaction with no logged decision was
// aborted.
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
  /// Forgets a decision whose writes are durable at every participant. Not
  /// an error when absent. Not synced: a forget lost in a crash only makes
  /// recovery re-send a decision, which participants ignore.
  [[nodiscard]] caf::error forget(uint64_t txn_id);
  /// Decisions logged and not yet forgotten (to finish after a restart).
  [[nodiscard]] result<std::vector<CommitDecision>> pending();

 private:
  DecisionLog(std::string dir, const StoreOptions& options);

  std::string dir_;
  const StoreOptions& options_;
  std::unique_ptr<leveldb::DB> db_;
};

}  // namespace strata::store
