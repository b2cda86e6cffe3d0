#include "strata/store/txn_log.hpp"

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include "key_codec.hpp"
#include "leveldb_util.hpp"
#include "strata/store/files.hpp"

namespace strata::store {

namespace {

// Keys: 'd' txn-id (big-endian)              -> CommitDecision (a decision)
//       'i' txn-id (big-endian)              -> CommitDecision (an intent)
//       'p' space-name NUL txn-id (big-endian) -> PreparedTxn (a participant's
//                                              record; space names hold no NUL)
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

std::string prepared_prefix(const std::string& space) {
  std::string out(1, 'p');
  out += space;
  out.push_back('\0');
  return out;
}

std::string prepared_key(const std::string& space, uint64_t txn_id) {
  auto out = prepared_prefix(space);
  keys::append_be64(out, txn_id);
  return out;
}

// Puts `record` (a PreparedTxn or a CommitDecision) under `key`, encoded.
template <class Record>
void put(leveldb::WriteBatch& batch, const std::string& key, const Record& record) {
  std::string encoded;
  encode(record, encoded);
  batch.Put(key, encoded);
}

}  // namespace

TxnLog::TxnLog(std::string dir, const StoreOptions& options)
    : dir_(std::move(dir)), options_(options) {
}

TxnLog::~TxnLog() = default;

result<std::shared_ptr<TxnLog>> TxnLog::open(std::string dir, const StoreOptions& options) {
  std::shared_ptr<TxnLog> log{new TxnLog(std::move(dir), options)};
  auto db = open_leveldb(options, log->dir_, OpenMode::CreateIfMissing, "transaction log");
  if (!db)
    return db.error();
  log->db_ = std::move(*db);
  return log;
}

caf::error TxnLog::Health::get() {
  std::lock_guard<std::mutex> guard{mtx};
  return failed;
}

caf::error TxnLog::Health::fail(caf::error err) {
  std::lock_guard<std::mutex> guard{mtx};
  if (!failed)
    failed = std::move(err);
  return failed;
}

bool TxnLog::Health::begin_synced_write() {
  std::lock_guard<std::mutex> guard{mtx};
  if (failed)
    return false;
  ++synced_writes;
  return true;
}

void TxnLog::Health::end_synced_write(const caf::error& err) {
  {
    std::lock_guard<std::mutex> guard{mtx};
    --synced_writes;
    if (err && !failed)
      failed = err;
  }
  idle.notify_all();
}

caf::error TxnLog::Health::settled() {
  std::unique_lock<std::mutex> lock{mtx};
  idle.wait(lock, [this] { return synced_writes == 0; });
  return failed;
}

caf::error TxnLog::write(leveldb::WriteBatch& batch, bool sync, const std::string& what) {
  leveldb::WriteOptions wo;
  wo.sync = sync && options_.durability != Durability::Cache;
  if (!wo.sync) {
    if (auto err = health_->get())
      return err;
    auto st = db_->Write(wo, &batch);
    // A failed write may leave a torn record behind, and LevelDB would
    // append the next one after it: like a failed fsync, it poisons the
    // log until the database reopens (which cuts the torn tail).
    return st.ok() ? caf::error{} : health_->fail(io_error(st, what + " in " + dir_));
  }
  if (!health_->begin_synced_write())
    return health_->get();
  auto st = db_->Write(wo, &batch);
  // LevelDB does not tell a failed fsync from a failed write: either way
  // this log can no longer vouch for what it holds.
  health_->end_synced_write(st.ok() ? caf::error{} : io_error(st, what + " in " + dir_));
  // A job's fsync may have failed meanwhile, an error LevelDB's own
  // descriptor might never report.
  return health_->get();
}

// -- participants ---------------------------------------------------------------

caf::error TxnLog::log_prepared(const std::string& space, const PreparedTxn& txn) {
  if (auto err = health_->get())
    return err;
  leveldb::WriteBatch batch;
  put(batch, prepared_key(space, txn.txn_id), txn);
  return write(batch, false, "cannot log PREPARED record");
}

caf::error TxnLog::discard_prepared(const std::string& space, uint64_t txn_id) {
  leveldb::WriteBatch batch;
  batch.Delete(prepared_key(space, txn_id));
  return write(batch, false, "cannot discard PREPARED record");
}

result<std::vector<PreparedTxn>> TxnLog::prepared(const std::string& space) {
  return read_prefix<PreparedTxn>(prepared_prefix(space), decode_prepared_txn);
}

caf::error TxnLog::drop_space(const std::string& space) {
  // Read, then written: a forget of the same transactions running meanwhile
  // can leave a decision behind, which the next open settles again.
  auto records = prepared(space);
  if (!records)
    return records.error();
  if (records->empty())
    return {};
  leveldb::WriteBatch batch;
  for (const auto& txn : *records) {
    put(batch, decision_key(txn.txn_id), CommitDecision{txn.txn_id, txn.commit_ts, txn.participants});
    batch.Delete(prepared_key(space, txn.txn_id));
  }
  return write(batch, true, "cannot drop records of space \"" + space + "\"");
}

caf::error TxnLog::sync() {
  if (options_.durability == Durability::Cache)
    return {};
  // An empty batch written with sync=true fsyncs the log: LevelDB has no
  // sync call of its own.
  leveldb::WriteBatch empty;
  return write(empty, true, "cannot sync transaction log");
}

std::function<caf::error()> TxnLog::sync_job() const {
  if (options_.durability == Durability::Cache)
    return {};
  return [dir = dir_, health = health_, env = options_.env]() -> caf::error {
    if (auto err = health->get())
      return err;
    if (auto err = sync_log_files(dir, env))
      return health->fail(std::move(err));
    // A synced write may have failed meanwhile, an error this job's fresh
    // descriptors never see: wait for those in flight to report.
    return health->settled();
  };
}

// -- coordinator ------------------------------------------------------------------

caf::error TxnLog::log(const std::vector<CommitDecision>& decisions) {
  leveldb::WriteBatch batch;
  for (const auto& d : decisions)
    put(batch, decision_key(d.txn_id), d);
  return write(batch, true, "cannot log commit decision");
}

caf::error TxnLog::note_intent(const CommitDecision& intent) {
  if (auto err = health_->get())
    return err;
  leveldb::WriteBatch batch;
  put(batch, intent_key(intent.txn_id), intent);
  return write(batch, false, "cannot note transaction");
}

caf::error TxnLog::forget(const std::vector<CommitDecision>& finished) {
  if (finished.empty())
    return {};
  leveldb::WriteBatch batch;
  for (const auto& t : finished) {
    batch.Delete(decision_key(t.txn_id));
    batch.Delete(intent_key(t.txn_id));
    for (const auto& space : t.participants)
      batch.Delete(prepared_key(space, t.txn_id));
  }
  return write(batch, false, "cannot forget transactions");
}

result<std::vector<CommitDecision>> TxnLog::pending() {
  return read_prefix<CommitDecision>("d", decode_commit_decision);
}

result<std::optional<CommitDecision>> TxnLog::decision(uint64_t txn_id) {
  std::string raw;
  auto st = db_->Get(read_options(), decision_key(txn_id), &raw);
  if (st.IsNotFound())
    return std::optional<CommitDecision>{};
  if (!st.ok())
    return io_error(st, "cannot read transaction log " + dir_);
  auto d = decode_commit_decision(raw);
  if (!d)
    return d.error();
  return std::optional<CommitDecision>{std::move(*d)};
}

result<std::vector<CommitDecision>> TxnLog::intents() {
  return read_prefix<CommitDecision>("i", decode_commit_decision);
}

template <class T, class Decode>
result<std::vector<T>> TxnLog::read_prefix(const std::string& prefix, Decode decode) {
  std::vector<T> out;
  std::unique_ptr<leveldb::Iterator> it{db_->NewIterator(read_options())};
  for (it->Seek(prefix); it->Valid() && starts_with(it->key(), prefix); it->Next()) {
    auto record = decode(view(it->value()));
    if (!record)
      return record.error();
    out.push_back(std::move(*record));
  }
  if (!it->status().ok())
    return io_error(it->status(), "cannot read transaction log " + dir_);
  return out;
}

}  // namespace strata::store
