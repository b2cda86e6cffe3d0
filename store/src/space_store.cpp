#include "strata/store/space_store.hpp"

#include "strata/store/fault_env.hpp"

#include <algorithm>
#include <limits>
#include <cstring>
#include <unordered_map>

#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/write_batch.h>

#include "head_cache.hpp"
#include "key_codec.hpp"
#include "key_filter.hpp"
#include "leveldb_util.hpp"
#include "strata/store/files.hpp"
#include "vector_collection.hpp"
#include "strata/messages/limits.hpp"

namespace strata {

namespace store {

namespace {

// Vector entries are keyed "<collection> NUL <vector key>"; both parts
// follow their own rules. Every other entry key follows the key rules.
caf::error validate_entry_key(char tag, std::string_view key, const Limits& limits) {
  if (tag != keys::vector)
    return validate_key(key, limits);
  auto nul = key.find('\0');
  if (nul == std::string_view::npos)
    return make_error(errc::Internal, "vector entry key without a collection");
  if (auto err = validate_collection_name(key.substr(0, nul)))
    return err;
  return validate_key(key.substr(nul + 1), limits);
}

VersionedValue to_versioned(VersionedRecord&& rec) {
  return VersionedValue{std::move(rec.value), rec.version, rec.timestamp};
}

}  // namespace

SpaceStore::SpaceStore(std::string dir, const StoreOptions& options, CommitClock& clock)
    : dir_(std::move(dir)),
      options_(options),
      clock_(clock),
      faults_(as_fault_env(options.env)),
      head_cache_(std::make_unique<HeadCache>(options.head_cache_bytes)),
      key_filter_(std::make_unique<KeyFilter>(options.key_filter)) {
}

void SpaceStore::exception_point(const char* where) const {
  if (faults_)
    faults_->exception_point(where);
}

SpaceStore::~SpaceStore() {
  if (db_) {
    if (max_timestamp_ > stored_max_timestamp_) {
      std::string out;
      encode(SpaceMeta{1, max_timestamp_}, out);
      (void)db_->Put(leveldb::WriteOptions{}, keys::meta("space"), out);
      ++unsynced_writes_;
    }
    if (save_record_count())
      ++unsynced_writes_;
    // Leave the log durable on a clean close in standard mode.
    (void)sync();
  }
}

result<std::unique_ptr<SpaceStore>> SpaceStore::open(std::string dir, const StoreOptions& options,
                                                     CommitClock& clock) {
  std::unique_ptr<SpaceStore> store{new SpaceStore(std::move(dir), options, clock)};
  if (options.env->FileExists(store->dir_ + "/CURRENT")) {
    if (auto err = store->open_db(false))
      return err;
  }
  return store;
}

caf::error SpaceStore::open_db(bool create) {
  auto db = open_leveldb(options_, dir_, create ? OpenMode::CreateIfMissing : OpenMode::Existing,
                         "space store");
  if (!db)
    return db.error();
  db_ = std::move(*db);
  // What was cached described the LevelDB that was closed.
  head_cache_->clear();
  key_filter_->reset();
  if (auto err = load_record_count())
    return err;
  std::string meta_raw;
  auto st = db_->Get(read_options(), keys::meta("space"), &meta_raw);
  if (st.ok()) {
    auto meta = decode_space_meta(meta_raw);
    if (!meta)
      return meta.error();
    if (meta->format_version != 1)
      return make_error(errc::Io, "space store " + dir_ + " has unsupported format version " +
                                      std::to_string(meta->format_version));
    clock_.observe(meta->max_timestamp);
    max_timestamp_ = stored_max_timestamp_ = meta->max_timestamp;
  } else if (st.IsNotFound()) {
    std::string out;
    encode(SpaceMeta{1, 0}, out);
    st = db_->Put(leveldb::WriteOptions{}, keys::meta("space"), out);
    if (!st.ok())
      return io_error(st, "cannot initialise space store " + dir_);
    // Nothing is written before this record (a bundle's store is loaded
    // with its own): the store holds it alone.
    records_ = 1;
    records_known_ = true;
  } else {
    return io_error(st, "cannot read space store " + dir_);
  }
  return {};
}

caf::error SpaceStore::create() {
  if (db_)
    return {};
  return open_db(true);
}

caf::error SpaceStore::write(leveldb::WriteBatch& batch, bool allow_sync) {
  exception_point("a space store's write");
  if (broken_)
    return broken_;
  if (!db_)
    if (auto err = open_db(true))
      return err;
  leveldb::WriteOptions wo;
  wo.sync = allow_sync && options_.durability == Durability::Always;
  if (!allow_sync && options_.durability != Durability::Cache)
    group_sync_pending_ = true;
  key_filter_->add_heads(batch);
  std::optional<int64_t> delta;
  if (records_known_)
    delta = keys::record_delta(batch);
  // The stored count stops being true with this write: it goes with it.
  if (record_count_stored_)
    batch.Delete(keys::record_count());
  auto st = db_->Write(wo, &batch);
  if (!st.ok()) {
    auto err = io_error(st, "write failed in " + dir_);
    reopen_after_failed_write();
    return err;
  }
  record_count_stored_ = false;
  if (delta)
    records_ += static_cast<uint64_t>(*delta);
  else
    records_known_ = false;
  head_cache_->apply(batch);
  max_timestamp_ = std::max(max_timestamp_, clock_.last());
  if (options_.durability == Durability::Standard)
    ++unsynced_writes_;
  return {};
}

void SpaceStore::reopen_after_failed_write() {
  auto written_up_to = max_timestamp_;
  db_.reset();
  if (auto err = open_db(false)) {
    db_.reset();
    broken_ = std::move(err);
    return;
  }
  max_timestamp_ = std::max(max_timestamp_, written_up_to);
}

caf::error SpaceStore::scan(std::string_view prefix, const ScanFn& visit, std::string_view from,
                            Pass pass) {
  exception_point("a space store's scan");
  if (broken_)
    return broken_;
  if (!db_)
    return {};
  auto ro = read_options();
  ro.fill_cache = pass == Pass::Cached;
  std::unique_ptr<leveldb::Iterator> it{db_->NewIterator(ro)};
  auto start = from.empty() ? prefix : from;
  it->Seek(leveldb::Slice(start.data(), start.size()));
  for (; it->Valid() && starts_with(it->key(), prefix); it->Next()) {
    auto more = visit(view(it->key()), view(it->value()));
    if (!more)
      return more.error();
    if (!*more)
      return {};
  }
  if (!it->status().ok())
    return io_error(it->status(), "scan failed in " + dir_);
  return {};
}

caf::error SpaceStore::scan_history(char tag, std::string_view key,
                                    const std::function<result<bool>(VersionedRecord&&)>& visit) {
  return scan(keys::history_prefix(tag, key), [&](std::string_view, std::string_view v) {
    auto old = decode_versioned_record(v);
    if (!old)
      return result<bool>{old.error()};
    return visit(std::move(*old));
  });
}

result<std::optional<std::pair<uint64_t, uint64_t>>> SpaceStore::time_range() {
  using out_type = std::optional<std::pair<uint64_t, uint64_t>>;
  uint64_t oldest = UINT64_MAX, newest = 0;
  auto see = [&](uint64_t ts) {
    oldest = std::min(oldest, ts);
    newest = std::max(newest, ts);
  };
  auto versions = [&](std::string_view, std::string_view v) -> result<bool> {
    auto rec = decode_versioned_record(v, false);
    if (!rec)
      return rec.error();
    see(rec->timestamp);
    return true;
  };
  for (char family : {keys::head_family, keys::history_family})
    if (auto err = scan(std::string(1, family), versions))
      return err;
  // Events are appended in commit order: the first and the last bound them.
  if (auto n = event_len(); !n)
    return n.error();
  else if (*n > 0)
    for (uint64_t seq : {uint64_t{1}, *n}) {
      auto e = event_get(seq);
      if (!e)
        return e.error();
      if (*e)
        see((*e)->timestamp);
    }
  if (newest == 0)
    return out_type{};
  return out_type{std::make_pair(oldest, newest)};
}

result<std::vector<StoredPair>> SpaceStore::dump() {
  std::vector<StoredPair> out;
  auto err = scan(
      "",
      [&](std::string_view k, std::string_view v) -> result<bool> {
        if (keys::is_data(k))
          out.push_back(StoredPair{std::string(k), std::string(v)});
        return true;
      },
      {}, Pass::Once);
  if (err)
    return err;
  return out;
}

result<std::optional<uint64_t>> SpaceStore::copy_to(const std::string& dest_dir) {
  if (!db_)
    return std::optional<uint64_t>{};
  if (auto err = sync())
    return err;
  auto records = record_count();
  if (!records)
    return records.error();
  // The copy starts with the count (the log is copied as the OS holds
  // it), so that forking the fork is as cheap.
  (void)save_record_count();
  db_.reset();
  auto err = copy_db_dir(options_.env, dir_, dest_dir, options_.durability != Durability::Cache);
  // Reopen whatever happened: the source must stay usable.
  if (auto reopen = open_db(false))
    return reopen;
  if (err)
    return err;
  return std::optional<uint64_t>{*records};
}

result<uint64_t> SpaceStore::record_count() {
  if (!db_)
    return uint64_t{0};
  if (records_known_)
    return records_;
  // Unknown since a crash or a repair: one pass, which reads every key
  // but no value, and does not fill the block cache.
  uint64_t records = 0;
  auto counted = scan(
      "",
      [&](std::string_view k, std::string_view) -> result<bool> {
        records += keys::is_data(k);
        return true;
      },
      {}, Pass::Once);
  if (counted)
    return counted;
  records_ = records;
  records_known_ = true;
  return records;
}

caf::error SpaceStore::load_record_count() {
  records_known_ = record_count_stored_ = false;
  std::string raw;
  auto st = db_->Get(read_options(), keys::record_count(), &raw);
  if (st.IsNotFound())
    return {};
  if (!st.ok())
    return io_error(st, "cannot read the record count of " + dir_);
  if (raw.size() != 8)
    return make_error(errc::Corruption, "space store " + dir_ + ": record count of " +
                                            std::to_string(raw.size()) + " bytes (8 expected)");
  records_ = keys::read_be64(raw);
  records_known_ = record_count_stored_ = true;
  return {};
}

bool SpaceStore::save_record_count() {
  if (!records_known_ || record_count_stored_ || broken_)
    return false;
  std::string raw;
  keys::append_be64(raw, records_);
  if (!db_->Put(leveldb::WriteOptions{}, keys::record_count(), raw).ok())
    return false;  // the next open counts
  record_count_stored_ = true;
  return true;
}

caf::error SpaceStore::sync() {
  if (!db_ || !needs_sync())
    return {};
  // An empty batch written with sync=true fsyncs the log: LevelDB has no
  // sync call of its own.
  leveldb::WriteOptions wo;
  wo.sync = true;
  leveldb::WriteBatch empty;
  auto st = db_->Write(wo, &empty);
  if (!st.ok())
    return io_error(st, "sync failed in " + dir_);
  group_sync_pending_ = false;
  unsynced_writes_ = 0;
  return {};
}

std::function<caf::error()> SpaceStore::sync_job() {
  if (!db_ || !needs_sync())
    return {};
  group_sync_pending_ = false;
  unsynced_writes_ = 0;
  return [dir = dir_, env = options_.env] { return sync_log_files(dir, env); };
}

result<bool> SpaceStore::is_empty() {
  bool empty = true;
  auto err = scan(std::string(1, keys::head_family), [&](std::string_view, std::string_view v) {
    auto rec = decode_versioned_record(v, false);
    if (!rec)
      return result<bool>{rec.error()};
    empty = rec->tombstone;
    return result<bool>{empty};
  });
  if (err)
    return err;
  if (!empty)
    return false;
  // Events cannot be deleted: any event makes the space non-empty.
  err = scan(std::string(1, keys::event_family), [&](std::string_view, std::string_view) {
    empty = false;
    return result<bool>{false};
  });
  if (err)
    return err;
  return empty;
}

caf::error SpaceStore::destroy() {
  if (!db_ && !options_.env->FileExists(dir_ + "/CURRENT"))
    return {};
  db_.reset();
  unsynced_writes_ = 0;
  collections_.clear();
  events_loaded_ = false;
  event_tail_ = EventTail{};
  leveldb::Options opts;
  opts.env = options_.env;
  auto st = leveldb::DestroyDB(dir_, opts);
  if (!st.ok())
    return io_error(st, "cannot remove space store " + dir_);
  return remove_tree(options_.env, dir_, options_.durability != Durability::Cache);
}

// -- versioned entries (KV, state cells) ----------------------------------------

result<SpaceStore::Head> SpaceStore::head_of(char tag, std::string_view key, bool with_value,
                                             bool for_write) {
  exception_point("a space store's read");
  if (broken_)
    return broken_;
  Head h;
  if (!db_)
    return h;
  auto stored_key = keys::head(tag, key);
  bool cached = false;
  if (auto* hit = head_cache_->find(stored_key)) {
    h.raw = *hit;
    cached = true;
  } else {
    // The filter serves writes, which mostly meet fresh keys; reads mostly
    // find what they ask for and would only pay for the check.
    if (for_write) {
      if (key_filter_->needs_build())
        build_key_filter();
      if (!key_filter_->may_contain(stored_key))
        return h;
    }
    auto st = db_->Get(read_options(), stored_key, &h.raw);
    if (st.IsNotFound())
      return h;
    if (!st.ok())
      return io_error(st, "read failed in " + dir_);
  }
  auto rec = decode_versioned_record(h.raw, with_value);
  if (!rec)
    return rec.error();
  // Admission: an entry written more than once is being rewritten, and is
  // likely to be again; one written once (a loaded key) is not cached on
  // its first rewrite, so updates spread over many keys do not churn it.
  if (for_write && !cached && rec->version >= 2)
    head_cache_->insert(stored_key, h.raw);
  h.found = true;
  h.record = std::move(*rec);
  return h;
}

void SpaceStore::build_key_filter() {
  key_filter_->start();
  auto err = scan(std::string(1, keys::head_family), [&](std::string_view k, std::string_view) {
    key_filter_->add(k);
    return result<bool>{true};
  });
  if (err)
    key_filter_->fail();  // writes read every head, as without a filter
  else
    key_filter_->finish();
}

SpaceStore::Head SpaceStore::stage_version(leveldb::WriteBatch& batch, char tag,
                                           std::string_view key, const Head& prev, uint64_t ts,
                                           const Value* value,
                                           const std::vector<std::string>* paths,
                                           uint64_t step) {
  Head next;
  next.found = true;
  next.record.version = (prev.found ? prev.record.version : 0) + step;
  next.record.timestamp = ts;
  next.record.tombstone = value == nullptr;
  if (prev.found)
    batch.Put(keys::history(tag, key, prev.record.version), prev.raw);
  encode_record(next.record.version, ts, value, next.raw, paths);
  batch.Put(keys::head(tag, key), next.raw);
  return next;
}

result<WriteInfo> SpaceStore::write_version(char tag, std::string_view key, const Head& prev,
                                            const Value* value,
                                            const std::vector<std::string>* paths) {
  leveldb::WriteBatch batch;
  auto ts = clock_.next(prev.found ? prev.record.timestamp : 0);
  auto next = stage_version(batch, tag, key, prev, ts, value, paths);
  if (auto err = write(batch))
    return err;
  return WriteInfo{next.record.version, ts};
}

result<WriteInfo> SpaceStore::put(char tag, std::string_view key, const Value& value) {
  if (auto err = validate_entry_key(tag, key, options_.limits))
    return err;
  if (auto err = validate_value(value, options_.limits))
    return err;
  auto prev = head_of(tag, key, false, true);
  if (!prev)
    return prev.error();
  return write_version(tag, key, *prev, &value);
}

result<std::vector<BatchItemResult>> SpaceStore::batch_put(
    char tag, const std::vector<KvEntry>& entries,
    const std::vector<std::vector<std::string>>* paths) {
  std::vector<BatchItemResult> results(entries.size());
  leveldb::WriteBatch batch;
  // The heads this batch has written so far: a key repeated in one batch
  // gets consecutive versions.
  std::unordered_map<std::string, Head> pending;
  size_t written = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (auto err = validate_entry_key(tag, e.key, options_.limits)) {
      results[i].error = std::move(err);
      continue;
    }
    if (auto err = validate_value(e.value, options_.limits)) {
      results[i].error = std::move(err);
      continue;
    }
    Head prev;
    if (auto it = pending.find(e.key); it != pending.end()) {
      prev = it->second;
    } else {
      auto head = head_of(tag, e.key, false, true);
      if (!head) {
        results[i].error = head.error();
        continue;
      }
      prev = std::move(*head);
    }
    auto ts = clock_.next(prev.found ? prev.record.timestamp : 0);
    auto next = stage_version(batch, tag, e.key, prev, ts, &e.value, paths ? &(*paths)[i] : nullptr);
    results[i].version = next.record.version;
    results[i].timestamp = ts;
    pending[e.key] = std::move(next);
    ++written;
  }
  if (written > 0)
    if (auto err = write(batch))
      return err;
  return results;
}

result<std::optional<VersionedValue>> SpaceStore::get_latest(char tag, std::string_view key) {
  if (auto err = validate_entry_key(tag, key, options_.limits))
    return err;
  auto rec = head_of(tag, key);
  if (!rec)
    return rec.error();
  if (!rec->live())
    return std::optional<VersionedValue>{};
  return std::optional<VersionedValue>{to_versioned(std::move(rec->record))};
}

result<std::optional<VersionedValue>> SpaceStore::get_at(char tag, std::string_view key,
                                                         uint64_t as_of) {
  if (auto err = validate_entry_key(tag, key, options_.limits))
    return err;
  auto rec = head_of(tag, key);
  if (!rec)
    return rec.error();
  if (!rec->found)
    return std::optional<VersionedValue>{};
  if (rec->record.timestamp <= as_of) {
    if (rec->record.tombstone)
      return std::optional<VersionedValue>{};
    return std::optional<VersionedValue>{to_versioned(std::move(rec->record))};
  }
  std::optional<VersionedValue> hit;
  auto err = scan_history(tag, key, [&](VersionedRecord&& old) -> result<bool> {
    if (old.timestamp > as_of)
      return true;
    if (!old.tombstone)
      hit = to_versioned(std::move(old));
    return false;
  });
  if (err)
    return err;
  return hit;
}

result<std::optional<std::vector<VersionedValue>>> SpaceStore::history(char tag,
                                                                        std::string_view key) {
  using out_type = std::optional<std::vector<VersionedValue>>;
  if (auto err = validate_entry_key(tag, key, options_.limits))
    return err;
  auto rec = head_of(tag, key);
  if (!rec)
    return rec.error();
  if (!rec->found)
    return out_type{};
  std::vector<VersionedValue> versions;
  if (!rec->record.tombstone)
    versions.push_back(to_versioned(std::move(rec->record)));
  auto err = scan_history(tag, key, [&](VersionedRecord&& old) -> result<bool> {
    if (!old.tombstone)
      versions.push_back(to_versioned(std::move(old)));
    return true;
  });
  if (err)
    return err;
  return out_type{std::move(versions)};
}

result<WriteInfo> SpaceStore::remove(char tag, std::string_view key) {
  if (auto err = validate_entry_key(tag, key, options_.limits))
    return err;
  auto prev = head_of(tag, key, false, true);
  if (!prev)
    return prev.error();
  if (!prev->live())
    return WriteInfo{};
  return write_version(tag, key, *prev, nullptr);
}

result<std::vector<std::string>> SpaceStore::list(char tag, const ListOptions& opts) {
  if (auto err = validate_prefix(opts.prefix, options_.limits))
    return err;
  std::vector<std::string> out;
  if (!db_ || (opts.limit && *opts.limit == 0))
    return out;
  auto prefix = keys::head_prefix(tag, opts.prefix);
  // A cursor equal to the prefix is itself a key to skip (the last key of
  // the previous page), so only a cursor before the range starts at it.
  std::string from = opts.cursor ? keys::head(tag, *opts.cursor) : std::string{};
  if (!opts.cursor || from < prefix)
    from.clear();
  auto err = scan(prefix, [&](std::string_view k, std::string_view v) -> result<bool> {
    if (!from.empty() && k == from)
      return true;
    auto rec = decode_versioned_record(v, false);
    if (!rec)
      return rec.error();
    if (!rec->tombstone)
      out.emplace_back(keys::user_key_of_head(k));
    return !(opts.limit && out.size() >= *opts.limit);
  }, from);
  if (err)
    return err;
  return out;
}

namespace {

// What a scan of KV heads covers: its page size, the heads' prefix, and
// where it starts (after the cursor, the last key of the previous page,
// which is skipped; or at the prefix when `from` is empty).
struct ScanRange {
  uint64_t limit = 0;
  std::string prefix;
  std::string from;
};

// Errors: InvalidInput / ConstraintViolation for the prefix,
// ConstraintViolation for a limit past max_scan_limit.
result<ScanRange> scan_range(const ListOptions& opts, const Limits& limits) {
  if (auto err = validate_prefix(opts.prefix, limits))
    return err;
  ScanRange r;
  r.limit = opts.limit.value_or(default_scan_limit);
  if (r.limit > max_scan_limit)
    return make_error(errc::ConstraintViolation, "scan limit " + std::to_string(r.limit) +
                                                     " exceeds the maximum of " +
                                                     std::to_string(max_scan_limit));
  r.prefix = keys::head_prefix(keys::kv, opts.prefix);
  if (opts.cursor) {
    r.from = keys::head(keys::kv, *opts.cursor);
    if (r.from < r.prefix)
      r.from.clear();
  }
  return r;
}

}  // namespace

result<ScanPage> SpaceStore::kv_scan(const ListOptions& opts) {
  // Every head is at or before the end of time: the scan of the present.
  return kv_scan_at(opts, std::numeric_limits<uint64_t>::max());
}

result<ScanPage> SpaceStore::kv_scan_at(const ListOptions& opts, uint64_t as_of) {
  auto range = scan_range(opts, options_.limits);
  if (!range)
    return range.error();
  ScanPage page;
  if (!db_ || range->limit == 0)
    return page;
  // Pages are usually full: room for one up front instead of growing
  // through eight reallocations (capped: a limit is not a promise).
  page.items.reserve(std::min<size_t>(range->limit, 256));
  const auto& from = range->from;
  auto err = scan(range->prefix, [&](std::string_view k, std::string_view v) -> result<bool> {
    if (!from.empty() && k == from)
      return true;
    // A full page only looks for whether a live entry follows: no value.
    const bool full = page.items.size() >= range->limit;
    auto head = decode_versioned_record(v, !full);
    if (!head)
      return head.error();
    auto user_key = keys::user_key_of_head(k);
    // The version live at `as_of`: the head, or the newest one before it.
    std::optional<VersionedRecord> then;
    if (head->timestamp <= as_of) {
      then = std::move(*head);
    } else if (auto e = scan_history(keys::kv, user_key, [&](VersionedRecord&& old) -> result<bool> {
                 if (old.timestamp > as_of)
                   return true;
                 then = std::move(old);
                 return false;
               })) {
      return e;
    }
    if (!then || then->tombstone)
      return true;
    if (full) {
      page.cursor = page.items.back().key;
      return false;
    }
    page.items.push_back(
        KeyValue{std::string(user_key), std::move(then->value), then->version, then->timestamp});
    return true;
  }, from);
  if (err)
    return err;
  return page;
}

result<std::vector<std::string>> SpaceStore::list_at(char tag, std::string_view prefix,
                                                     uint64_t as_of) {
  if (auto err = validate_prefix(prefix, options_.limits))
    return err;
  return live_keys_at(tag, prefix, as_of);
}

result<std::vector<std::string>> SpaceStore::live_keys_at(char tag, std::string_view prefix,
                                                          uint64_t as_of) {
  std::vector<std::string> out;
  if (!db_)
    return out;
  // The scan already holds each head: decoded without its value, it
  // decides every key not changed after `as_of`; only those changed since
  // look back into their history.
  auto err = scan(keys::head_prefix(tag, prefix), [&](std::string_view k, std::string_view v) {
    auto head = decode_versioned_record(v, false);
    if (!head)
      return result<bool>{head.error()};
    auto user_key = keys::user_key_of_head(k);
    bool live = false;
    if (head->timestamp <= as_of) {
      live = !head->tombstone;
    } else {
      auto err = scan_history(tag, user_key, [&](VersionedRecord&& old) -> result<bool> {
        if (old.timestamp > as_of)
          return true;
        live = !old.tombstone;
        return false;
      });
      if (err)
        return result<bool>{err};
    }
    if (live)
      out.emplace_back(user_key);
    return result<bool>{true};
  });
  if (err)
    return err;
  return out;
}

// -- KV ----------------------------------------------------------------------

result<WriteInfo> SpaceStore::kv_put(std::string_view key, const Value& value) {
  return put(keys::kv, key, value);
}

result<std::vector<BatchItemResult>> SpaceStore::kv_batch_put(const std::vector<KvEntry>& entries) {
  return batch_put(keys::kv, entries);
}

result<std::optional<VersionedValue>> SpaceStore::kv_get(std::string_view key) {
  return get_latest(keys::kv, key);
}

result<uint64_t> SpaceStore::head_version(Primitive primitive, std::string_view key) {
  char tag = tag_of(primitive);
  if (tag != keys::kv && tag != keys::state && tag != keys::json && tag != keys::collection &&
      tag != keys::vector)
    return make_error(errc::InvalidInput, std::string("no versioned entries of kind '") + tag + "'");
  auto h = head_of(tag, key, false);
  if (!h)
    return h.error();
  return h->found ? h->record.version : uint64_t{0};
}

result<std::optional<VersionedValue>> SpaceStore::kv_get_at(std::string_view key, uint64_t as_of) {
  return get_at(keys::kv, key, as_of);
}

result<std::optional<std::vector<VersionedValue>>> SpaceStore::kv_getv(std::string_view key) {
  return history(keys::kv, key);
}

result<WriteInfo> SpaceStore::kv_delete(std::string_view key) {
  return remove(keys::kv, key);
}

result<std::vector<std::string>> SpaceStore::kv_list(const ListOptions& opts) {
  return list(keys::kv, opts);
}

result<std::vector<std::string>> SpaceStore::kv_list_at(std::string_view prefix, uint64_t as_of) {
  return list_at(keys::kv, prefix, as_of);
}

// -- state cells ---------------------------------------------------------------

result<WriteInfo> SpaceStore::state_set(std::string_view cell, const Value& value) {
  return put(keys::state, cell, value);
}

result<std::vector<BatchItemResult>> SpaceStore::state_batch_set(
    const std::vector<KvEntry>& entries) {
  return batch_put(keys::state, entries);
}

result<std::optional<VersionedValue>> SpaceStore::state_get(std::string_view cell) {
  return get_latest(keys::state, cell);
}

result<std::optional<VersionedValue>> SpaceStore::state_get_at(std::string_view cell,
                                                               uint64_t as_of) {
  return get_at(keys::state, cell, as_of);
}

result<std::optional<std::vector<VersionedValue>>> SpaceStore::state_getv(std::string_view cell) {
  return history(keys::state, cell);
}

result<WriteInfo> SpaceStore::state_init(std::string_view cell, const Value& value) {
  if (auto err = validate_entry(cell, value, options_.limits))
    return err;
  auto prev = head_of(keys::state, cell, false, true);
  if (!prev)
    return prev.error();
  if (prev->live())
    return WriteInfo{prev->record.version, prev->record.timestamp};
  return write_version(keys::state, cell, *prev, &value);
}

result<CasOutcome> SpaceStore::state_cas(std::string_view cell, std::optional<uint64_t> expected,
                                         const Value& value) {
  if (auto err = validate_entry(cell, value, options_.limits))
    return err;
  auto prev = head_of(keys::state, cell, false, true);
  if (!prev)
    return prev.error();
  if (!prev->cas_matches(expected)) {
    // The value is decoded only on a miss, which is the rare path.
    CasOutcome miss;
    if (prev->live()) {
      auto current = state_get(cell);
      if (!current)
        return current.error();
      miss.current = std::move(*current);
    }
    return miss;
  }
  auto written = write_version(keys::state, cell, *prev, &value);
  if (!written)
    return written.error();
  return CasOutcome{true, written->version, written->timestamp, std::nullopt};
}

result<WriteInfo> SpaceStore::state_delete(std::string_view cell) {
  return remove(keys::state, cell);
}

result<std::vector<std::string>> SpaceStore::state_list_at(std::string_view prefix,
                                                           uint64_t as_of) {
  return list_at(keys::state, prefix, as_of);
}

result<std::vector<std::string>> SpaceStore::state_list(std::string_view prefix) {
  ListOptions opts;
  opts.prefix = std::string(prefix);
  return list(keys::state, opts);
}

}  // namespace store
}  // namespace strata
