#include "strata/store/decision_log.hpp"

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include "key_codec.hpp"
#include "leveldb_util.hpp"

namespace strata::store {

namespace {

// Keys: 'd' txn-id (big-endian) -> CommitDecision (a decision)
//       'i' txn-id (big-endian) -> CommitDecision (an intent)
std::string txn_key(char family, uint64_t txn_id) {
  std::string out(1, family);
  keys::append_be64(out, txn_id);
  return out;
}

std::string decision_key(uint64_t txn_id) {
  return txn_key('d', txn_id);
}

std::string intent_key(uint64_t txn_id) {
  return txn_key('i', txn_id);
}

}  // namespace

DecisionLog::DecisionLog(std::string dir, const StoreOptions& options)
    : dir_(std::move(dir)), options_(options) {
}

DecisionLog::~DecisionLog() = default;

result<std::unique_ptr<DecisionLog>> DecisionLog::open(std::string dir,
                                                       const StoreOptions& options) {
  std::unique_ptr<DecisionLog> log{new DecisionLog(std::move(dir), options)};
  auto db = open_leveldb(options, log->dir_, OpenMode::CreateIfMissing, "transaction log");
  if (!db)
    return db.error();
  log->db_ = std::move(*db);
  return log;
}

caf::error DecisionLog::log(const std::vector<CommitDecision>& decisions) {
  leveldb::WriteBatch batch;
  for (const auto& d : decisions) {
    std::string encoded;
    encode(d, encoded);
    batch.Put(decision_key(d.txn_id), encoded);
  }
  leveldb::WriteOptions wo;
  wo.sync = options_.durability != Durability::Cache;
  auto st = db_->Write(wo, &batch);
  if (!st.ok())
    return io_error(st, "cannot log commit decision in " + dir_);
  return {};
}

caf::error DecisionLog::note_intent(const CommitDecision& intent) {
  std::string encoded;
  encode(intent, encoded);
  auto st = db_->Put(leveldb::WriteOptions{}, intent_key(intent.txn_id), encoded);
  if (!st.ok())
    return io_error(st, "cannot note transaction in " + dir_);
  return {};
}

caf::error DecisionLog::forget(const std::vector<uint64_t>& txn_ids) {
  leveldb::WriteBatch batch;
  for (auto id : txn_ids) {
    batch.Delete(decision_key(id));
    batch.Delete(intent_key(id));
  }
  auto st = db_->Write(leveldb::WriteOptions{}, &batch);
  if (!st.ok())
    return io_error(st, "cannot forget commit decisions in " + dir_);
  return {};
}

result<std::vector<CommitDecision>> DecisionLog::pending() {
  return read_family('d');
}

result<std::vector<CommitDecision>> DecisionLog::intents() {
  return read_family('i');
}

result<std::vector<CommitDecision>> DecisionLog::read_family(char family) {
  std::vector<CommitDecision> out;
  std::unique_ptr<leveldb::Iterator> it{db_->NewIterator(leveldb::ReadOptions{})};
  const std::string prefix(1, family);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto d = decode_commit_decision(std::string_view(it->value().data(), it->value().size()));
    if (!d)
      return d.error();
    out.push_back(std::move(*d));
  }
  if (!it->status().ok())
    return io_error(it->status(), "cannot read transaction log " + dir_);
  return out;
}

}  // namespace strata::store
