#include "peer_stores.hpp"

#include <cstring>
#include <utility>

#include <lmdb.h>
#include <rocksdb/db.h>
#include <rocksdb/version.h>
#include <sqlite3.h>

#include <strata/strata.hpp>

#include "bench_util.hpp"
#include "raw_leveldb.hpp"

namespace strata::bench {

namespace {

namespace fs = std::filesystem;

// What a scan copied out: keys and values, as a caller of a page keeps them.
class Page {
 public:
  void clear() { entries_.clear(); }
  void add(const void* key, size_t key_len, const void* value, size_t value_len) {
    entries_.emplace_back(std::string(static_cast<const char*>(key), key_len),
                          std::string(static_cast<const char*>(value), value_len));
  }
  size_t size() const { return entries_.size(); }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// -- Strata ------------------------------------------------------------------

class StrataStore final : public Store {
 public:
  explicit StrataStore(Strata handle) : db_(std::move(handle)) {}

  void put(std::string_view key, std::string_view value) override {
    auto version = db_.kv_put(key, Value{value});
    if (!version)
      fail("strata kv_put: " + describe(version.error()));
  }

  bool get(std::string_view key) override {
    auto found = db_.kv_get(key);
    if (!found)
      fail("strata kv_get: " + describe(found.error()));
    if (!*found)
      return false;
    value_ = std::move(**found);
    return true;
  }

  size_t scan(std::string_view after, size_t n) override {
    auto page = db_.kv_scan(ListOptions{"", std::string(after), n});
    if (!page)
      fail("strata kv_scan: " + describe(page.error()));
    page_ = std::move(*page);
    return page_.items.size();
  }

 private:
  Strata db_;
  Value value_;
  ScanPage page_;
};

Stores open_strata(const fs::path& dir, Sync sync, int count) {
  OpenOptions options;
  options.durability = sync == Sync::Always ? Durability::Always : Durability::Standard;
  auto db = Strata::open(dir.string(), options);
  if (!db)
    fail("cannot open strata at " + dir.string() + ": " + describe(db.error()));
  std::vector<Strata> handles;
  handles.push_back(std::move(*db));
  for (int t = 1; t < count; ++t) {
    auto handle = handles.front().new_handle();
    if (!handle)
      fail("strata new_handle: " + describe(handle.error()));
    handles.push_back(std::move(*handle));
  }
  Stores out;
  for (auto& handle : handles) {
    auto space = "peers-" + std::to_string(out.size());
    if (auto ok = handle.set_space(space); !ok)
      fail("strata set_space: " + describe(ok.error()));
    out.push_back(std::make_unique<StrataStore>(std::move(handle)));
  }
  return out;
}

// -- LevelDB and RocksDB -------------------------------------------------------

// RocksDB began as a fork of LevelDB and kept the shape of its API, so one
// store serves both; Api names the library's types.
template <class Api>
class LsmStore final : public Store {
 public:
  using Db = typename Api::DB;

  LsmStore(std::shared_ptr<Db> db, Sync sync) : db_(std::move(db)) {
    write_.sync = sync == Sync::Always;
    read_ = Api::read_options();
  }

  void put(std::string_view key, std::string_view value) override {
    auto st = db_->Put(write_, slice(key), slice(value));
    if (!st.ok())
      fail(std::string(Api::name) + " put: " + st.ToString());
  }

  bool get(std::string_view key) override {
    auto st = db_->Get(read_, slice(key), &value_);
    if (st.IsNotFound())
      return false;
    if (!st.ok())
      fail(std::string(Api::name) + " get: " + st.ToString());
    return true;
  }

  size_t scan(std::string_view after, size_t n) override {
    page_.clear();
    std::unique_ptr<typename Api::Iterator> it{db_->NewIterator(read_)};
    it->Seek(slice(after));
    if (it->Valid() && it->key() == slice(after))
      it->Next();
    for (; it->Valid() && page_.size() < n; it->Next())
      page_.add(it->key().data(), it->key().size(), it->value().data(), it->value().size());
    if (!it->status().ok())
      fail(std::string(Api::name) + " scan: " + it->status().ToString());
    return page_.size();
  }

 private:
  static typename Api::Slice slice(std::string_view s) { return {s.data(), s.size()}; }

  std::shared_ptr<Db> db_;
  typename Api::WriteOptions write_;
  typename Api::ReadOptions read_;
  std::string value_;
  Page page_;
};

struct LevelDbApi {
  static constexpr const char* name = "leveldb";
  using DB = leveldb::DB;
  using Slice = leveldb::Slice;
  using Iterator = leveldb::Iterator;
  using ReadOptions = leveldb::ReadOptions;
  using WriteOptions = leveldb::WriteOptions;
  static ReadOptions read_options() {
    ReadOptions ro;
    ro.verify_checksums = true;  // as Strata reads
    return ro;
  }
};

struct RocksDbApi {
  static constexpr const char* name = "rocksdb";
  using DB = rocksdb::DB;
  using Slice = rocksdb::Slice;
  using Iterator = rocksdb::Iterator;
  using ReadOptions = rocksdb::ReadOptions;
  using WriteOptions = rocksdb::WriteOptions;
  // RocksDB's defaults, which verify block checksums on every read too.
  static ReadOptions read_options() { return {}; }
};

std::unique_ptr<Store> open_leveldb_store(const fs::path& dir, Sync sync) {
  auto raw = std::make_shared<RawLevelDb>(dir.string());
  // The DB pointer shares ownership of what holds its cache and filter.
  std::shared_ptr<leveldb::DB> db(raw, raw->db.get());
  return std::make_unique<LsmStore<LevelDbApi>>(std::move(db), sync);
}

std::unique_ptr<Store> open_rocksdb_store(const fs::path& dir, Sync sync) {
  rocksdb::Options options;  // RocksDB's defaults, as the issue asks
  options.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  auto st = rocksdb::DB::Open(options, dir.string(), &db);
  if (!st.ok())
    fail("cannot open rocksdb at " + dir.string() + ": " + st.ToString());
  return std::make_unique<LsmStore<RocksDbApi>>(std::shared_ptr<rocksdb::DB>(db), sync);
}

// -- SQLite --------------------------------------------------------------------

class SqliteStore final : public Store {
 public:
  SqliteStore(const fs::path& file, Sync sync) {
    check_rc(sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                             nullptr),
             "open");
    expect_row("PRAGMA journal_mode=WAL", "wal");
    exec(sync == Sync::Always ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    // A clustered table on the key: rows live in the primary key's B-tree,
    // as entries do in an LSM tree, instead of a rowid table plus an index.
    exec("CREATE TABLE kv(k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID");
    put_ = prepare("INSERT INTO kv(k, v) VALUES(?1, ?2) ON CONFLICT(k) DO UPDATE SET v = excluded.v");
    get_ = prepare("SELECT v FROM kv WHERE k = ?1");
    scan_ = prepare("SELECT k, v FROM kv WHERE k > ?1 ORDER BY k LIMIT ?2");
  }

  ~SqliteStore() override {
    for (auto* stmt : {put_, get_, scan_})
      sqlite3_finalize(stmt);
    // The last connection's close checkpoints the WAL into the database
    // file and removes it, so that the directory's size is the table's.
    check_rc(sqlite3_close(db_), "close");
  }

  void put(std::string_view key, std::string_view value) override {
    bind(put_, 1, key);
    bind(put_, 2, value);
    check_rc(sqlite3_step(put_), "put", SQLITE_DONE);
    check_rc(sqlite3_reset(put_), "put");
  }

  bool get(std::string_view key) override {
    bind(get_, 1, key);
    int rc = sqlite3_step(get_);
    if (rc == SQLITE_ROW)
      value_.assign(static_cast<const char*>(sqlite3_column_blob(get_, 0)),
                    sqlite3_column_bytes(get_, 0));
    else
      check_rc(rc, "get", SQLITE_DONE);
    check_rc(sqlite3_reset(get_), "get");
    return rc == SQLITE_ROW;
  }

  size_t scan(std::string_view after, size_t n) override {
    page_.clear();
    bind(scan_, 1, after);
    check_rc(sqlite3_bind_int64(scan_, 2, static_cast<sqlite3_int64>(n)), "bind");
    int rc;
    while ((rc = sqlite3_step(scan_)) == SQLITE_ROW)
      page_.add(sqlite3_column_blob(scan_, 0), sqlite3_column_bytes(scan_, 0),
                sqlite3_column_blob(scan_, 1), sqlite3_column_bytes(scan_, 1));
    check_rc(rc, "scan", SQLITE_DONE);
    check_rc(sqlite3_reset(scan_), "scan");
    return page_.size();
  }

 private:
  void check_rc(int rc, const char* what, int expected = SQLITE_OK) const {
    if (rc != expected)
      fail(std::string("sqlite ") + what + ": " + sqlite3_errstr(rc) + " (" +
           sqlite3_errmsg(db_) + ")");
  }

  void exec(const char* sql) { check_rc(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), sql); }

  // Runs a statement answering one row and checks its first column (a
  // pragma that cannot be applied answers the old setting, not an error).
  void expect_row(const char* sql, std::string_view want) {
    sqlite3_stmt* stmt = prepare(sql);
    check_rc(sqlite3_step(stmt), sql, SQLITE_ROW);
    auto got = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    std::string answer = got ? got : "";
    sqlite3_finalize(stmt);
    if (answer != want)
      fail(std::string("sqlite ") + sql + " answered '" + answer + "'");
  }

  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    check_rc(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr), sql);
    return stmt;
  }

  // SQLITE_STATIC: the bytes stay alive until the statement is reset.
  void bind(sqlite3_stmt* stmt, int at, std::string_view bytes) {
    check_rc(sqlite3_bind_blob(stmt, at, bytes.data(), static_cast<int>(bytes.size()),
                               SQLITE_STATIC),
             "bind");
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* put_ = nullptr;
  sqlite3_stmt* get_ = nullptr;
  sqlite3_stmt* scan_ = nullptr;
  std::string value_;
  Page page_;
};

// -- LMDB ----------------------------------------------------------------------

class LmdbStore final : public Store {
 public:
  LmdbStore(const fs::path& dir, Sync sync) {
    check_rc(mdb_env_create(&env_), "env_create");
    // Address space only: the file grows with the data.
    check_rc(mdb_env_set_mapsize(env_, size_t{64} << 30), "set_mapsize");
    // MDB_NOTLS ties a read transaction to its handle instead of to the
    // thread that began it, so that the store's one reused read
    // transaction may be renewed by whichever thread uses the store.
    unsigned flags = MDB_NOTLS | (sync == Sync::Always ? 0u : unsigned{MDB_NOSYNC});
    check_rc(mdb_env_open(env_, dir.c_str(), flags, 0644), "env_open");
    MDB_txn* txn = nullptr;
    check_rc(mdb_txn_begin(env_, nullptr, 0, &txn), "txn_begin");
    check_rc(mdb_dbi_open(txn, nullptr, 0, &dbi_), "dbi_open");
    check_rc(mdb_txn_commit(txn), "txn_commit");
    check_rc(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &reader_), "txn_begin (read)");
    mdb_txn_reset(reader_);
  }

  ~LmdbStore() override {
    mdb_txn_abort(reader_);
    mdb_env_close(env_);
  }

  void put(std::string_view key, std::string_view value) override {
    MDB_txn* txn = nullptr;
    check_rc(mdb_txn_begin(env_, nullptr, 0, &txn), "txn_begin");
    MDB_val k = val(key), v = val(value);
    check_rc(mdb_put(txn, dbi_, &k, &v, 0), "put");
    check_rc(mdb_txn_commit(txn), "txn_commit");
  }

  bool get(std::string_view key) override {
    // A reset read transaction renewed per read: what LMDB's documentation
    // suggests for frequent short reads (no allocation, no reader-slot
    // lookup).
    check_rc(mdb_txn_renew(reader_), "txn_renew");
    MDB_val k = val(key), v;
    int rc = mdb_get(reader_, dbi_, &k, &v);
    if (rc == MDB_SUCCESS)
      value_.assign(static_cast<const char*>(v.mv_data), v.mv_size);
    else if (rc != MDB_NOTFOUND)
      check_rc(rc, "get");
    mdb_txn_reset(reader_);
    return rc == MDB_SUCCESS;
  }

  size_t scan(std::string_view after, size_t n) override {
    page_.clear();
    check_rc(mdb_txn_renew(reader_), "txn_renew");
    MDB_cursor* cursor = nullptr;
    check_rc(mdb_cursor_open(reader_, dbi_, &cursor), "cursor_open");
    MDB_val k = val(after), v;
    int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE);
    if (rc == MDB_SUCCESS && std::string_view(static_cast<const char*>(k.mv_data), k.mv_size) ==
                                 after)
      rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT);
    for (; rc == MDB_SUCCESS && page_.size() < n; rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT))
      page_.add(k.mv_data, k.mv_size, v.mv_data, v.mv_size);
    if (rc != MDB_NOTFOUND)
      check_rc(rc, "cursor_get");
    mdb_cursor_close(cursor);
    mdb_txn_reset(reader_);
    return page_.size();
  }

 private:
  static void check_rc(int rc, const char* what) {
    if (rc != MDB_SUCCESS)
      fail(std::string("lmdb ") + what + ": " + mdb_strerror(rc));
  }

  static MDB_val val(std::string_view s) {
    return MDB_val{s.size(), const_cast<char*>(s.data())};
  }

  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
  MDB_txn* reader_ = nullptr;
  std::string value_;
  Page page_;
};

// -- one database per store for the peers --------------------------------------

template <class Open>
Stores open_each(const fs::path& dir, Sync sync, int count, Open open) {
  Stores out;
  for (int t = 0; t < count; ++t) {
    auto sub = dir / std::to_string(t);
    fs::create_directories(sub);
    out.push_back(open(sub, sync));
  }
  return out;
}

Stores open_leveldb(const fs::path& dir, Sync sync, int count) {
  return open_each(dir, sync, count, open_leveldb_store);
}

Stores open_rocksdb(const fs::path& dir, Sync sync, int count) {
  return open_each(dir, sync, count, open_rocksdb_store);
}

Stores open_sqlite(const fs::path& dir, Sync sync, int count) {
  return open_each(dir, sync, count, [](const fs::path& sub, Sync s) -> std::unique_ptr<Store> {
    return std::make_unique<SqliteStore>(sub / "kv.sqlite", s);
  });
}

Stores open_lmdb(const fs::path& dir, Sync sync, int count) {
  return open_each(dir, sync, count, [](const fs::path& sub, Sync s) -> std::unique_ptr<Store> {
    return std::make_unique<LmdbStore>(sub, s);
  });
}

}  // namespace

const std::vector<System>& systems() {
  static const std::vector<System> all{
      {"strata",
       {"standard", "written to the OS, log fsynced every 100 ms: loses <= 100 ms"},
       {"always", "fsync before each put returns: loses nothing"},
       open_strata},
      {"leveldb",
       {"sync=false", "written to the OS, never fsynced: loses what the OS held"},
       {"sync=true", "fsync before each put returns: loses nothing"},
       open_leveldb},
      {"rocksdb",
       {"sync=false", "defaults; WAL written to the OS, never fsynced: as leveldb"},
       {"sync=true", "defaults; WAL fsync before each put returns: loses nothing"},
       open_rocksdb},
      {"sqlite",
       {"WAL, NORMAL", "WAL written to the OS, fsynced at checkpoints: loses recent commits"},
       {"WAL, FULL", "WAL fsync at each commit: loses nothing"},
       open_sqlite},
      {"lmdb",
       {"MDB_NOSYNC", "pages written to the OS, never fsynced: loses recent commits, and"
                      " may corrupt unless the file system keeps write order"},
       {"default", "data, then meta page fsynced at each commit: loses nothing"},
       open_lmdb},
  };
  return all;
}

std::string peer_versions() {
  int major = 0, minor = 0, patch = 0;
  mdb_version(&major, &minor, &patch);
  return "leveldb " + std::to_string(leveldb::kMajorVersion) + "." +
         std::to_string(leveldb::kMinorVersion) + ", rocksdb " + std::to_string(ROCKSDB_MAJOR) +
         "." + std::to_string(ROCKSDB_MINOR) + "." + std::to_string(ROCKSDB_PATCH) + ", sqlite " +
         sqlite3_libversion() + ", lmdb " + std::to_string(major) + "." + std::to_string(minor) +
         "." + std::to_string(patch);
}

}  // namespace strata::bench
