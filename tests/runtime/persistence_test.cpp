// Reopening a database restores every space, value, version and history
// (standard and always durability); a cache database keeps nothing; the
// directory lock keeps a second opener out.

#include <fstream>

#include "test_util.hpp"

using strata::Durability;
using strata::OpenOptions;
using strata::Strata;
using strata::Value;
using strata::errc;
using strata::test::TempDir;
using Names = std::vector<std::string>;

namespace {

void write_sample(Strata& db) {
  BOOST_REQUIRE(db.set_space("conversations"));
  BOOST_REQUIRE(db.kv_put("msg_001", "hello"));
  BOOST_REQUIRE(db.kv_put("msg_001", "hello again"));
  BOOST_REQUIRE(db.set_space("tool-results"));
  BOOST_REQUIRE(db.kv_put("task_42", strata::Object{{"status", "done"}, {"ms", 12}}));
  BOOST_REQUIRE(db.kv_put("gone", 1));
  BOOST_REQUIRE(db.kv_delete("gone"));
  BOOST_REQUIRE(db.create_space("reserved"));
  BOOST_REQUIRE(db.set_space("default"));
  BOOST_REQUIRE(db.kv_put("config", "default-config"));
}

void check_sample(Strata& db) {
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_spaces()) ==
                 (Names{"conversations", "default", "reserved", "tool-results"}),
             boost::test_tools::per_element());
  BOOST_TEST(db.current_space() == "default");
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("config")) == std::optional<Value>("default-config"));
  STRATA_REQUIRE_DONE(db.set_space("conversations"));
  auto h = STRATA_REQUIRE_OK(db.kv_getv("msg_001"));
  BOOST_REQUIRE(h.has_value());
  BOOST_REQUIRE_EQUAL(h->size(), 2u);
  BOOST_TEST((*h)[0].value == Value{"hello again"});
  BOOST_TEST((*h)[0].version == 2u);
  BOOST_TEST((*h)[1].value == Value{"hello"});
  STRATA_REQUIRE_DONE(db.set_space("tool-results"));
  auto task = STRATA_REQUIRE_OK(db.kv_get("task_42"));
  BOOST_REQUIRE(task.has_value());
  BOOST_TEST(task->to_json() == R"({"status":"done","ms":12})");
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("gone")).has_value());
  // The version counter continues after reopen: gone was put (1) and
  // deleted (2), so the next put is 3.
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_put("gone", 2)) == 3u);
}

void reopen_restores_everything(Durability mode) {
  TempDir dir;
  OpenOptions opts;
  opts.durability = mode;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db(), opts));
    write_sample(db);
  }
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db(), opts));
    BOOST_TEST(db.durability() == mode);
    check_sample(db);
  }
  // A second reopen sees the write made by the first.
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db(), opts));
  STRATA_REQUIRE_DONE(db.set_space("tool-results"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("gone")) == std::optional<Value>(2));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(persistence)

BOOST_AUTO_TEST_CASE(reopen_restores_every_space_and_value_in_standard_mode) {
  reopen_restores_everything(Durability::Standard);
}

BOOST_AUTO_TEST_CASE(reopen_restores_every_space_and_value_in_always_mode) {
  reopen_restores_everything(Durability::Always);
}

BOOST_AUTO_TEST_CASE(a_cache_database_keeps_nothing_after_close) {
  {
    auto db = STRATA_REQUIRE_OK(Strata::cache());
    write_sample(db);
    check_sample(db);
    BOOST_TEST(db.path().empty());
    BOOST_TEST(db.durability() == Durability::Cache);
  }
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_spaces()) == (Names{"default"}),
             boost::test_tools::per_element());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("config")).has_value());
}

BOOST_AUTO_TEST_CASE(two_cache_databases_are_independent) {
  auto a = STRATA_REQUIRE_OK(Strata::cache());
  auto b = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(a.kv_put("k", "a"));
  BOOST_TEST(!STRATA_REQUIRE_OK(b.kv_get("k")).has_value());
}

BOOST_AUTO_TEST_CASE(open_creates_the_directory_and_its_parents) {
  TempDir dir;
  auto nested = dir.path() + "/a/b/c";
  auto db = STRATA_REQUIRE_OK(Strata::open(nested));
  BOOST_TEST(std::filesystem::is_directory(nested));
  BOOST_TEST(std::filesystem::exists(nested + "/.lock"));
}

BOOST_AUTO_TEST_CASE(a_second_open_of_the_same_directory_fails_clearly) {
  TempDir dir;
  auto first = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  auto second = Strata::open(dir.db());
  BOOST_REQUIRE(!second);
  BOOST_TEST(strata::is(second.error(), errc::Io));
  BOOST_TEST(strata::message_of(second.error()).find("already in use") != std::string::npos);
  // The first handle is unaffected.
  STRATA_REQUIRE_OK(first.kv_put("k", 1));
}

BOOST_AUTO_TEST_CASE(the_lock_is_released_when_the_last_handle_closes) {
  TempDir dir;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    auto extra = STRATA_REQUIRE_OK(db.new_handle());
    { auto moved = std::move(db); }
    // `extra` still holds the database open.
    BOOST_TEST(!Strata::open(dir.db()));
    STRATA_REQUIRE_OK(extra.kv_put("k", "still open"));
  }
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("k")) == std::optional<Value>("still open"));
}

BOOST_AUTO_TEST_CASE(open_refuses_a_path_that_is_a_file) {
  TempDir dir;
  auto file = dir.path() + "/plain-file";
  { std::ofstream(file) << "not a database"; }
  STRATA_REQUIRE_ERR(Strata::open(file), errc::Io);
  STRATA_REQUIRE_ERR(Strata::open(""), errc::InvalidInput);
}

BOOST_AUTO_TEST_SUITE_END()

// OpenOptions::read_only: a snapshot per open, every write AccessDenied
// with nothing changed, several readers at once, a writer beside them.
BOOST_AUTO_TEST_SUITE(read_only)

namespace {
strata::OpenOptions reading() {
  strata::OpenOptions o;
  o.read_only = true;
  return o;
}
size_t entries_in(const std::string& dir) {
  std::error_code ec;
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir, ec))
    ++n;
  return n;
}
}  // namespace

BOOST_AUTO_TEST_CASE(reads_work_and_every_write_is_refused_with_nothing_changed) {
  TempDir dir;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    STRATA_REQUIRE_OK(db.kv_put("k", "v"));
    STRATA_REQUIRE_DONE(db.set_space("memory"));
    STRATA_REQUIRE_OK(db.event_append("e", strata::Object{{"n", 1}}));
    STRATA_REQUIRE_OK(db.vector_create_collection("c", 2, strata::DistanceMetric::Cosine));
    STRATA_REQUIRE_OK(db.vector_upsert("c", "x", {1, 0}));
  }
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db(), reading()));
  BOOST_TEST(db.path() == std::filesystem::absolute(dir.db()).lexically_normal().string());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("k")) == std::optional<Value>("v"));
  STRATA_REQUIRE_DONE(db.set_space("memory"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_search("c", {1, 0}, 1)).size() == 1u);

  auto denied = db.kv_put("k", "w");
  BOOST_REQUIRE(!denied);
  BOOST_TEST(strata::is(denied.error(), errc::AccessDenied));
  BOOST_TEST(strata::message_of(denied.error()) ==
             "access denied: KvPut rejected — database is read-only");
  STRATA_REQUIRE_ERR(db.kv_delete("k"), errc::AccessDenied);
  STRATA_REQUIRE_ERR(db.event_append("e", strata::Object{}), errc::AccessDenied);
  STRATA_REQUIRE_ERR(db.state_set("c", 1), errc::AccessDenied);
  STRATA_REQUIRE_ERR(db.state_cas("c", std::nullopt, 1), errc::AccessDenied);
  STRATA_REQUIRE_ERR(db.json_set("d", "$", 1), errc::AccessDenied);
  STRATA_REQUIRE_ERR(db.vector_upsert("c", "y", {0, 1}), errc::AccessDenied);
  STRATA_REQUIRE_ERR(db.vector_delete_collection("c"), errc::AccessDenied);
  STRATA_REQUIRE_ERR(db.create_space("s"), errc::AccessDenied);
  STRATA_REQUIRE_ERR(db.delete_space_force("memory"), errc::AccessDenied);
  STRATA_REQUIRE_ERR(db.create_branch("b"), errc::AccessDenied);
  STRATA_REQUIRE_ERR(db.fork_branch("f"), errc::AccessDenied);
  auto batch = STRATA_REQUIRE_OK(db.execute_batch(
      {strata::cmd::KvPut{{"default", "default"}, "a", 1},
       strata::cmd::KvPut{{"default", "default"}, "b", 2}, strata::cmd::KvGet{{}, "k"}}));
  BOOST_TEST(strata::is(batch[0].error(), errc::AccessDenied));
  BOOST_TEST(strata::is(batch[1].error(), errc::AccessDenied));
  BOOST_TEST(std::get<std::optional<Value>>(*batch[2]) == std::optional<Value>("v"));
  // A transaction may only read.
  auto s = db.session();
  STRATA_REQUIRE_ERR(s.begin(), errc::AccessDenied);
  STRATA_REQUIRE_ERR(s.kv_put("k", 1), errc::AccessDenied);
  STRATA_REQUIRE_DONE(s.begin_read_only());
  STRATA_REQUIRE_DONE(s.set_space("default"));
  BOOST_TEST(STRATA_REQUIRE_OK(s.kv_get("k")) == std::optional<Value>("v"));
  STRATA_REQUIRE_DONE(s.commit());
  // An export reads only.
  auto bundle = dir.path() + "/default.bundle";
  BOOST_TEST(STRATA_REQUIRE_OK(db.branch_export("default", bundle)).entry_count > 0u);
  STRATA_REQUIRE_ERR(db.branch_import(bundle, "copy"), errc::AccessDenied);
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_branches()) == (std::vector<std::string>{"default"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(readers_run_side_by_side_and_a_writer_beside_them) {
  TempDir dir;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    STRATA_REQUIRE_OK(db.kv_put("k", 1));
  }
  auto r1 = STRATA_REQUIRE_OK(Strata::open(dir.db(), reading()));
  auto r2 = STRATA_REQUIRE_OK(Strata::open(dir.db(), reading()));
  BOOST_TEST(entries_in(dir.db() + "/.readers") == 4u);  // two snapshots, two locks
  // A writer may open once the readers have their snapshots; they keep
  // reading the database as they opened it.
  {
    auto w = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    STRATA_REQUIRE_OK(w.kv_put("k", 2));
    BOOST_TEST(STRATA_REQUIRE_OK(r1.kv_get("k")) == std::optional<Value>(1));
    // While it is open, no reader can snapshot.
    auto refused = Strata::open(dir.db(), reading());
    BOOST_REQUIRE(!refused);
    BOOST_TEST(strata::is(refused.error(), errc::Io));
    BOOST_TEST(strata::message_of(refused.error()).find("open for writing by another process") !=
               std::string::npos);
  }
  BOOST_TEST(STRATA_REQUIRE_OK(r2.kv_get("k")) == std::optional<Value>(1));
  auto r3 = STRATA_REQUIRE_OK(Strata::open(dir.db(), reading()));
  BOOST_TEST(STRATA_REQUIRE_OK(r3.kv_get("k")) == std::optional<Value>(2));
  // Snapshots are removed as their readers close.
  { auto gone = std::move(r1); }
  { auto gone = std::move(r2); }
  { auto gone = std::move(r3); }
  BOOST_TEST(entries_in(dir.db() + "/.readers") == 0u);
}

BOOST_AUTO_TEST_CASE(a_stale_snapshot_is_removed_and_a_missing_database_is_not_created) {
  TempDir dir;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    STRATA_REQUIRE_OK(db.kv_put("k", 1));
  }
  // What a reader killed mid-way leaves: a snapshot and an unheld lock.
  std::filesystem::create_directories(dir.db() + "/.readers/999-0-1/branches");
  { std::ofstream lock(dir.db() + "/.readers/999-0-1.lock"); }
  {
    auto w = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    BOOST_TEST(entries_in(dir.db() + "/.readers") == 0u);
  }
  auto missing = Strata::open(dir.path() + "/nothing-here", reading());
  BOOST_REQUIRE(!missing);
  BOOST_TEST(strata::is(missing.error(), errc::BranchNotFound));
  BOOST_TEST(!std::filesystem::exists(dir.path() + "/nothing-here"));
  STRATA_REQUIRE_ERR(Strata::cache(reading()), errc::InvalidInput);
}

BOOST_AUTO_TEST_SUITE_END()
