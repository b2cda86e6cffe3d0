// The record count a space store keeps (SpaceStore::record_count): what a
// fork reports as entries_copied without reading the store. The count must
// equal the records a bundle carries (dump) after every kind of write, a
// clean close must keep it, and a crash or a repair must never leave a
// stale one behind.

#include <boost/test/unit_test.hpp>

#include <leveldb/db.h>

#include "strata/store/bundle.hpp"
#include "strata/store/files.hpp"
#include "test_util.hpp"

using namespace strata;
using strata::test::MemStore;
using strata::test::require_ok;
using strata::test::TempDir;
using strata::test::why;

namespace {

void require_done(const caf::error& err, const char* what) {
  if (err)
    BOOST_FAIL(what << " failed: " << describe(err));
}

}  // namespace

namespace {

// The count the store keeps against the records it holds, and check()
// (which compares them too, and reads every record) finding nothing.
void expect_counted(MemStore& s, const std::string& after) {
  BOOST_TEST_CONTEXT("after " << after) {
    BOOST_TEST(s.db->record_count_known());
    auto held = require_ok(s.db->dump(), "dump").size();
    BOOST_TEST(require_ok(s.db->record_count(), "record_count") == held);
    auto check = s.db->check();
    BOOST_TEST(check.ok(), (check.ok() ? std::string() : check.problems.front()));
    BOOST_TEST(check.records == held + check.txn_markers);
  }
}

// Opens the store at `dir` of `s`'s Env, as the crash of a process that
// had written `s` would leave it: the files as they are, no clean close.
std::unique_ptr<store::SpaceStore> open_crash_image(MemStore& s, const std::string& dir) {
  require_done(store::copy_db_dir(s.options.env, s.path, dir, false), "copy_db_dir");
  return require_ok(store::SpaceStore::open(dir, s.options, s.clock), "open the crash image");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(record_count)

BOOST_AUTO_TEST_CASE(the_count_follows_every_kind_of_write) {
  MemStore s;
  s.put("k", 1);
  expect_counted(s, "a first put");
  s.put("k", 2);
  expect_counted(s, "an overwrite");
  require_ok(s.db->kv_batch_put({KvEntry{"a", 1}, KvEntry{"b", 2}, KvEntry{"a", 3}}), "kv_batch_put");
  expect_counted(s, "a batch writing one key twice");
  require_ok(s.db->kv_delete("k"), "kv_delete");
  require_ok(s.db->kv_delete("never"), "kv_delete of a missing key");
  expect_counted(s, "deletes");
  s.put("k", 4);
  expect_counted(s, "a put after a delete");
  require_ok(s.db->event_append("t", Object{{"i", 1}}), "event_append");
  require_ok(s.db->event_batch_append({EventEntry{"t", Object{{"i", 2}}}, EventEntry{"u", Object{{"i", 3}}}}), "event_batch_append");
  expect_counted(s, "events");
  require_ok(s.db->state_set("c", 1), "state_set");
  require_ok(s.db->state_cas("c", 1, 2), "state_cas");
  require_ok(s.db->state_cas("c", 7, 3), "a failing state_cas");
  require_ok(s.db->state_init("c", 9), "state_init of a live cell");
  require_ok(s.db->state_delete("c"), "state_delete");
  expect_counted(s, "state cells");
  require_ok(s.db->json_set("d", "$", Object{{"a", 1}}), "json_set");
  require_ok(s.db->json_set("d", "$.b", 2), "json_set of a path");
  require_ok(s.db->json_delete("d", "$.a"), "json_delete");
  expect_counted(s, "documents");
  require_ok(s.db->vector_create_collection("v", 2, DistanceMetric::Cosine), "create");
  require_ok(s.db->vector_upsert("v", "x", {1, 0}, std::nullopt), "vector_upsert");
  require_ok(s.db->vector_upsert("v", "x", {0, 1}, std::nullopt), "vector_upsert again");
  require_ok(s.db->vector_upsert("v", "y", {1, 1}, std::nullopt), "vector_upsert");
  require_ok(s.db->vector_delete("v", "y"), "vector_delete");
  expect_counted(s, "vectors");
  // Dropping a collection deletes its vectors' records: the one write
  // that removes keys.
  BOOST_TEST(require_ok(s.db->vector_delete_collection("v"), "vector_delete_collection"));
  expect_counted(s, "a collection's drop");
  require_ok(s.db->vector_create_collection("v", 2, DistanceMetric::Cosine), "create again");
  require_ok(s.db->vector_upsert("v", "x", {1, 0}, std::nullopt), "vector_upsert");
  expect_counted(s, "a collection made again");
  // A transaction's batch, with its applied marker (not data), and the
  // marker's removal.
  std::vector<TxnOp> ops(2);
  ops[0].kind = TxnOpKind::KvPut;
  ops[0].key = "k";
  ops[0].value = 5;
  ops[1].kind = TxnOpKind::EventAppend;
  ops[1].arg = "t";
  ops[1].value = Object{{"i", 6}};
  require_done(s.db->txn_apply(ops, s.clock.next(0), 77), "txn_apply");
  BOOST_TEST(require_ok(s.db->txn_applied(77), "txn_applied"));
  expect_counted(s, "an applied transaction");
  require_done(s.db->txn_forget({77}), "txn_forget");
  expect_counted(s, "a forgotten marker");
}

BOOST_AUTO_TEST_CASE(a_clean_close_keeps_the_count_and_the_first_write_takes_it_away) {
  MemStore s;
  for (int i = 0; i < 50; ++i)
    s.put("k" + std::to_string(i % 20), i);
  const auto held = require_ok(s.db->dump(), "dump").size();
  s.reopen();
  // Known at once, without reading the store.
  BOOST_TEST(s.db->record_count_known());
  BOOST_TEST(require_ok(s.db->record_count(), "record_count") == held);
  // Until the first write, the stored count is true: a crash now leaves
  // it, and it is right.
  {
    auto image = open_crash_image(s, "/before-write");
    BOOST_TEST(image->record_count_known());
    BOOST_TEST(require_ok(image->record_count(), "record_count") == held);
  }
  s.put("fresh", 1);
  expect_counted(s, "the first write after the reopen");
  // After it, a crash leaves no count: the store counts its records once.
  auto image = open_crash_image(s, "/after-write");
  BOOST_TEST(!image->record_count_known());
  BOOST_TEST(require_ok(image->record_count(), "record_count") == held + 1);
  BOOST_TEST(image->record_count_known());
  require_ok(image->kv_put("k0", 99), "kv_put on the image");
  BOOST_TEST(require_ok(image->record_count(), "record_count") == held + 2);
  BOOST_TEST(require_ok(image->dump(), "dump").size() == held + 2);
}

BOOST_AUTO_TEST_CASE(a_fork_copy_starts_with_the_count) {
  MemStore s;
  for (int i = 0; i < 30; ++i)
    s.put("k" + std::to_string(i % 10), i);
  auto copied = require_ok(s.db->copy_to("/fork"), "copy_to");
  BOOST_REQUIRE(copied.has_value());
  BOOST_TEST(*copied == require_ok(s.db->dump(), "dump").size());
  auto fork = require_ok(store::SpaceStore::open("/fork", s.options, s.clock), "open the fork");
  BOOST_TEST(fork->record_count_known());
  BOOST_TEST(require_ok(fork->record_count(), "record_count") == *copied);
  // The source goes on counting.
  s.put("k0", 100);
  expect_counted(s, "a write after the copy");
}

BOOST_AUTO_TEST_CASE(a_stored_count_that_does_not_decode_fails_the_open) {
  MemStore s;
  s.put("k", 1);
  s.close();
  {
    leveldb::Options o;
    o.env = s.options.env;
    leveldb::DB* raw = nullptr;
    BOOST_REQUIRE(leveldb::DB::Open(o, s.path, &raw).ok());
    std::unique_ptr<leveldb::DB> db{raw};
    BOOST_REQUIRE(db->Put(leveldb::WriteOptions{}, "mrecords", "abc").ok());
  }
  auto opened = store::SpaceStore::open(s.path, s.options, s.clock);
  BOOST_REQUIRE(!opened);
  BOOST_TEST(strata::is(opened.error(), errc::Corruption), why(opened));
  BOOST_TEST(message_of(opened.error()).find("record count of 3 bytes") != std::string::npos,
             why(opened));
}

BOOST_AUTO_TEST_CASE(a_loaded_bundle_store_is_counted_and_bookkeeping_keys_are_refused) {
  MemStore s;
  for (int i = 0; i < 10; ++i)
    s.put("k" + std::to_string(i % 4), i);
  require_ok(s.db->event_append("t", Object{{"i", 1}}), "event_append");
  auto entries = require_ok(s.db->dump(), "dump");
  require_done(store::load_space_store(s.options, "/loaded", entries), "load_space_store");
  {
    auto loaded = require_ok(store::SpaceStore::open("/loaded", s.options, s.clock), "open");
    BOOST_TEST(loaded->record_count_known());
    BOOST_TEST(require_ok(loaded->record_count(), "record_count") == entries.size());
    BOOST_TEST(loaded->check().ok());
  }
  // A bundle is data only: a store's own keys in it are refused, naming
  // the key, and nothing is created.
  for (std::string own : {std::string("mrecords"), std::string("a\0\0\0\0\0\0\0\1", 9)}) {
    auto forged = entries;
    forged.push_back(StoredPair{own, std::string(8, '\0')});
    auto err = store::load_space_store(s.options, "/forged", forged);
    BOOST_TEST(strata::is(err, errc::InvalidInput), describe(err));
    BOOST_TEST(message_of(err).find("bookkeeping key") != std::string::npos, describe(err));
    BOOST_TEST(!s.options.env->FileExists("/forged/CURRENT"));
  }
}

BOOST_AUTO_TEST_CASE(check_counts_each_history_record_once) {
  // Several entries with history, so that the history walk of one entry
  // meets the next entry's records (check counted those twice).
  MemStore s;
  for (int round = 0; round < 3; ++round)
    for (const char* key : {"a", "b", "c"})
      s.put(key, round);
  require_ok(s.db->state_set("c", 1), "state_set");
  require_ok(s.db->state_set("c", 2), "state_set");
  expect_counted(s, "history of several entries");
}

BOOST_AUTO_TEST_CASE(a_repair_drops_the_stored_count) {
  TempDir dir;
  store::StoreOptions options;
  options.durability = Durability::Standard;
  options.env = leveldb::Env::Default();
  store::CommitClock clock;
  const auto path = dir.path() + "/space";
  size_t held = 0;
  {
    auto s = require_ok(store::SpaceStore::open(path, options, clock), "open");
    require_done(s->create(), "create");
    for (int i = 0; i < 20; ++i)
      require_ok(s->kv_put("k" + std::to_string(i % 5), i), "kv_put");
    held = require_ok(s->dump(), "dump").size();
  }  // a clean close stores the count
  require_done(store::repair_store(path), "repair_store");
  auto s = require_ok(store::SpaceStore::open(path, options, clock), "open after the repair");
  BOOST_TEST(!s->record_count_known());
  BOOST_TEST(require_ok(s->record_count(), "record_count") == held);
}

BOOST_AUTO_TEST_SUITE_END()
