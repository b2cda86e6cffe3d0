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
