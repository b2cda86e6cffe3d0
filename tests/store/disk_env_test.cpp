// The Env of a database on disk (store/disk_env.hpp): an open store holds
// one descriptor instead of LevelDB's three, stores written through it are
// ordinary LevelDB databases, and a store still cannot be opened twice in
// one process.

#include <boost/test/unit_test.hpp>

#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <leveldb/db.h>
#include <leveldb/env.h>

#include "strata/store/disk_env.hpp"
#include "test_util.hpp"

using namespace strata;
using strata::test::require_ok;
using strata::test::TempDir;

namespace {

size_t open_descriptors() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}

// Opens `count` space stores under `root` with `env`, each written once,
// and answers how many descriptors they hold together.
size_t descriptors_of_open_stores(leveldb::Env* env, const std::string& root, int count) {
  store::StoreOptions options;
  options.env = env;
  options.durability = Durability::Standard;
  store::CommitClock clock;
  auto before = open_descriptors();
  std::vector<std::unique_ptr<store::SpaceStore>> stores;
  for (int i = 0; i < count; ++i) {
    auto dir = root + "/" + std::to_string(i);
    stores.push_back(require_ok(store::SpaceStore::open(dir, options, clock), "open"));
    require_ok(stores.back()->kv_put("k", i), "kv_put");
  }
  return open_descriptors() - before;
}

// As a Strata store: no info log (it would hold a descriptor of its own).
struct NullLogger final : leveldb::Logger {
  void Logv(const char*, std::va_list) override {}
};

struct RawDb {
  NullLogger no_log;
  std::unique_ptr<leveldb::DB> db;
  leveldb::Status status;
  RawDb(leveldb::Env* env, const std::string& dir, size_t write_buffer = 4 << 20) {
    leveldb::Options o;
    o.env = env;
    o.create_if_missing = true;
    o.write_buffer_size = write_buffer;
    o.info_log = &no_log;
    leveldb::DB* raw = nullptr;
    status = leveldb::DB::Open(o, dir, &raw);
    db.reset(raw);
  }
};

std::string key_of(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "key%08d", i);
  return buf;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(disk_env)

BOOST_AUTO_TEST_CASE(an_open_store_holds_one_descriptor) {
  TempDir dir;
  auto env = store::new_disk_env();
  constexpr int stores = 40;
  // LevelDB's own Env: a lock file, a log and a MANIFEST per store.
  BOOST_TEST(descriptors_of_open_stores(leveldb::Env::Default(), dir.path() + "/plain", stores) ==
             size_t{3 * stores});
  // This one: the log.
  BOOST_TEST(descriptors_of_open_stores(env.get(), dir.path() + "/disk", stores) ==
             size_t{stores});
}

BOOST_AUTO_TEST_CASE(a_store_written_through_flushes_and_compactions_is_an_ordinary_leveldb) {
  TempDir dir;
  auto env = store::new_disk_env();
  const auto path = dir.path() + "/db";
  constexpr int records = 20000;
  const std::string value(100, 'v');
  {
    // A 64 KiB memtable: dozens of flushes, each a MANIFEST record synced.
    auto before = open_descriptors();
    RawDb w(env.get(), path, 64 << 10);
    BOOST_REQUIRE_MESSAGE(w.status.ok(), w.status.ToString());
    for (int i = 0; i < records; ++i)
      BOOST_REQUIRE(w.db->Put(leveldb::WriteOptions{}, key_of(i), value + key_of(i)).ok());
    w.db->CompactRange(nullptr, nullptr);
    // Between writes the MANIFEST is closed: the log alone stays open (the
    // table files are memory-mapped).
    BOOST_TEST(open_descriptors() - before == 1u);
  }
  // Reopened through LevelDB's own Env: the same files, every record.
  RawDb r(leveldb::Env::Default(), path);
  BOOST_REQUIRE_MESSAGE(r.status.ok(), r.status.ToString());
  std::string got;
  for (int i = 0; i < records; i += 97) {
    BOOST_REQUIRE(r.db->Get(leveldb::ReadOptions{}, key_of(i), &got).ok());
    BOOST_TEST(got == value + key_of(i));
  }
  std::unique_ptr<leveldb::Iterator> it{r.db->NewIterator(leveldb::ReadOptions{})};
  int n = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next())
    ++n;
  BOOST_TEST(n == records);
}

// The log is this Env's own file: records of every size, synced or not,
// are what LevelDB reads back, also when it recovers them from the log.
BOOST_AUTO_TEST_CASE(log_records_of_every_size_are_read_back_from_the_log) {
  TempDir dir;
  auto env = store::new_disk_env();
  const auto path = dir.path() + "/db";
  std::vector<std::string> values;
  for (size_t size : {size_t{0}, size_t{1}, size_t{100}, size_t{32 << 10}, size_t{64 << 10},
                      size_t{1 << 20}, size_t{3}})
    values.push_back(std::string(size, static_cast<char>('a' + values.size())));
  {
    RawDb w(env.get(), path);  // 4 MiB memtable: every record stays in the log
    BOOST_REQUIRE_MESSAGE(w.status.ok(), w.status.ToString());
    leveldb::WriteOptions synced;
    synced.sync = true;
    for (size_t i = 0; i < values.size(); ++i)
      BOOST_REQUIRE(w.db->Put(i % 2 ? synced : leveldb::WriteOptions{}, key_of(int(i)), values[i])
                        .ok());
  }
  // LevelDB's own Env recovers them from the log this Env wrote.
  RawDb r(leveldb::Env::Default(), path);
  BOOST_REQUIRE_MESSAGE(r.status.ok(), r.status.ToString());
  for (size_t i = 0; i < values.size(); ++i) {
    std::string got;
    BOOST_REQUIRE(r.db->Get(leveldb::ReadOptions{}, key_of(int(i)), &got).ok());
    BOOST_TEST((got == values[i]), "record " << i << " of " << values[i].size() << " bytes");
  }
}

BOOST_AUTO_TEST_CASE(a_store_open_in_this_process_cannot_be_opened_again_until_closed) {
  TempDir dir;
  auto env = store::new_disk_env();
  const auto path = dir.path() + "/db";
  auto first = std::make_unique<RawDb>(env.get(), path);
  BOOST_REQUIRE_MESSAGE(first->status.ok(), first->status.ToString());
  RawDb second(env.get(), path);
  BOOST_TEST(!second.status.ok());
  BOOST_TEST(second.status.ToString().find("already held by process") != std::string::npos,
             second.status.ToString());
  first.reset();
  RawDb third(env.get(), path);
  BOOST_TEST(third.status.ok(), third.status.ToString());
}

BOOST_AUTO_TEST_SUITE_END()
