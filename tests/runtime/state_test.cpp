// State cells through the public handle (SPEC 5.3), including concurrent
// compare-and-swap.

#include <atomic>
#include <thread>

#include "test_util.hpp"

using strata::Strata;
using strata::Value;
using strata::errc;
using strata::test::TempDir;
using Names = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(state)

BOOST_AUTO_TEST_CASE(set_is_unconditional_and_counts_versions) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_set("preferences", strata::Object{{"units", "fahrenheit"}})) == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_set("preferences", strata::Object{{"units", "celsius"}})) == 2u);
  auto v = STRATA_REQUIRE_OK(db.state_get_versioned("preferences"));
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(v->version == 2u);
  BOOST_TEST(v->value.to_json() == R"({"units":"celsius"})");
  BOOST_TEST(!STRATA_REQUIRE_OK(db.state_get("missing")).has_value());
}

BOOST_AUTO_TEST_CASE(init_creates_once_and_never_overwrites) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_init("cell", 1)) == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_init("cell", 2)) == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_get("cell")) == std::optional<Value>(1));
  STRATA_REQUIRE_OK(db.state_set("cell", 3));
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_init("cell", 4)) == 2u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_getv("cell"))->size() == 2u);
}

BOOST_AUTO_TEST_CASE(cas_follows_the_fixture_pattern) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_cas("c", std::nullopt, 0)) == std::optional<uint64_t>(1));
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_cas("c", 1, 1)) == std::optional<uint64_t>(2));
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_cas("c", 2, 2)) == std::optional<uint64_t>(3));
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_get("c")) == std::optional<Value>(2));
}

BOOST_AUTO_TEST_CASE(cas_misses_write_nothing) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.state_set("c", "v1"));
  // Expected version wrong, "absent" expected on an existing cell, and a
  // version expected on a missing cell: all misses, none an error.
  BOOST_TEST(!STRATA_REQUIRE_OK(db.state_cas("c", 7, "x")).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.state_cas("c", std::nullopt, "x")).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.state_cas("missing", 1, "x")).has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_get("c")) == std::optional<Value>("v1"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_getv("c"))->size() == 1u);
  BOOST_TEST(!STRATA_REQUIRE_OK(db.state_get("missing")).has_value());
}

// A miss tells what the check found, so that a retry needs no read of its
// own: the live value with its version and timestamp, or nothing.
BOOST_AUTO_TEST_CASE(a_detailed_cas_miss_carries_the_current_cell) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  auto first = STRATA_REQUIRE_OK(db.state_cas_detailed("c", std::nullopt, "v1"));
  BOOST_TEST(first.swapped);
  BOOST_TEST(first.version == 1u);
  BOOST_TEST(!first.current.has_value());
  STRATA_REQUIRE_OK(db.state_set("c", "v2"));
  auto stored = STRATA_REQUIRE_OK(db.state_get_versioned("c"));
  auto miss = STRATA_REQUIRE_OK(db.state_cas_detailed("c", 1, "mine"));
  BOOST_TEST(!miss.swapped);
  BOOST_TEST(miss.version == 0u);
  BOOST_REQUIRE(miss.current.has_value());
  BOOST_TEST(miss.current->value == stored->value);  // "v2"
  BOOST_TEST(miss.current->version == 2u);
  BOOST_TEST(miss.current->timestamp == stored->timestamp);
  // The retry with what the miss said wins.
  auto retry = STRATA_REQUIRE_OK(db.state_cas_detailed("c", miss.current->version, "mine"));
  BOOST_TEST(retry.swapped);
  BOOST_TEST(retry.version == 3u);
  // "Absent" expected on a live cell: the cell; a version expected on a
  // missing or deleted cell: nothing current.
  auto present = STRATA_REQUIRE_OK(db.state_cas_detailed("c", std::nullopt, "x"));
  BOOST_TEST(!present.swapped);
  BOOST_TEST(present.current->value == Value("mine"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.state_cas_detailed("missing", 1, "x")).current.has_value());
  STRATA_REQUIRE_OK(db.state_delete("c"));
  auto deleted = STRATA_REQUIRE_OK(db.state_cas_detailed("c", 3, "x"));
  BOOST_TEST(!deleted.swapped);
  BOOST_TEST(!deleted.current.has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.state_get("c")).has_value());
  // Bad input is an error, as for state_cas.
  STRATA_REQUIRE_ERR(db.state_cas_detailed("", std::nullopt, 1), strata::errc::InvalidInput);
}

BOOST_AUTO_TEST_CASE(a_detailed_cas_in_a_transaction_sees_the_snapshot_and_its_own_writes) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.state_set("c", "committed"));
  auto s = db.session();
  STRATA_REQUIRE_DONE(s.begin());
  auto miss = STRATA_REQUIRE_OK(s.state_cas_detailed("c", 7, "x"));
  BOOST_TEST(!miss.swapped);
  BOOST_REQUIRE(miss.current.has_value());
  BOOST_TEST(miss.current->value == Value("committed"));
  BOOST_TEST(miss.current->version == 1u);
  auto hit = STRATA_REQUIRE_OK(s.state_cas_detailed("c", 1, "mine"));
  BOOST_TEST(hit.swapped);
  BOOST_TEST(hit.version == 2u);
  // Its own write is what the next check sees.
  auto own = STRATA_REQUIRE_OK(s.state_cas_detailed("c", 1, "again"));
  BOOST_TEST(!own.swapped);
  BOOST_TEST(own.current->value == Value("mine"));
  STRATA_REQUIRE_DONE(s.commit());
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_get("c")) == std::optional<Value>("mine"));
}

BOOST_AUTO_TEST_CASE(concurrent_cas_with_the_same_expected_version_has_one_winner) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.state_set("leader", "nobody"));
  constexpr int threads = 8, rounds = 200;
  std::atomic<int> failures{0};
  for (int round = 0; round < rounds; ++round) {
    uint64_t expected = STRATA_REQUIRE_OK(db.state_get_versioned("leader"))->version;
    std::atomic<int> winners{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
      auto h = db.new_handle();
      BOOST_REQUIRE(h);
      ts.emplace_back([&, t, handle = std::move(*h)]() mutable {
        auto r = handle.state_cas("leader", expected, "thread-" + std::to_string(t));
        if (!r)
          ++failures;
        else if (r->has_value())
          ++winners;
      });
    }
    for (auto& t : ts)
      t.join();
    BOOST_REQUIRE_EQUAL(winners.load(), 1);
  }
  BOOST_TEST(failures.load() == 0);
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_get_versioned("leader"))->version ==
             static_cast<uint64_t>(rounds + 1));
}

BOOST_AUTO_TEST_CASE(delete_list_and_time_travel) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.state_set("agent:a", 1));
  STRATA_REQUIRE_OK(db.state_set("agent:b", 1));
  STRATA_REQUIRE_OK(db.state_set("other", 1));
  auto t1 = STRATA_REQUIRE_OK(db.state_get_versioned("agent:a"))->timestamp;
  STRATA_REQUIRE_OK(db.state_set("agent:a", 2));
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_list("agent:")) == (Names{"agent:a", "agent:b"}),
             boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_get_at("agent:a", t1)) == std::optional<Value>(1));
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_delete("agent:b")));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.state_delete("agent:b")));
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_list()) == (Names{"agent:a", "other"}),
             boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_list_at("agent:", t1)) == (Names{"agent:a"}),
             boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_list_at(std::nullopt, t1 - 1)).empty());
}

BOOST_AUTO_TEST_CASE(state_and_kv_with_the_same_name_never_collide) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.kv_put("foo", "kv"));
  STRATA_REQUIRE_OK(db.state_set("foo", "state"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("foo")) == std::optional<Value>("kv"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_get("foo")) == std::optional<Value>("state"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list()).size() == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_list()).size() == 1u);
}

BOOST_AUTO_TEST_CASE(cells_persist_and_a_space_with_cells_is_not_empty) {
  TempDir dir;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    STRATA_REQUIRE_DONE(db.set_space("user-context"));
    STRATA_REQUIRE_OK(db.state_set("preferences", strata::Object{{"units", "fahrenheit"}}));
    STRATA_REQUIRE_OK(db.state_cas("preferences", 1, strata::Object{{"units", "celsius"}}));
  }
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  STRATA_REQUIRE_DONE(db.set_space("user-context"));
  auto v = STRATA_REQUIRE_OK(db.state_get_versioned("preferences"));
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(v->version == 2u);
  STRATA_REQUIRE_DONE(db.set_space("default"));
  STRATA_REQUIRE_ERR(db.delete_space("user-context"), errc::ConstraintViolation);
}

BOOST_AUTO_TEST_CASE(bad_cell_names_and_values_are_rejected) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_ERR(db.state_set("", 1), errc::InvalidInput);
  STRATA_REQUIRE_ERR(db.state_cas("_strata/x", std::nullopt, 1), errc::InvalidInput);
  STRATA_REQUIRE_ERR(db.state_init(std::string(1025, 'c'), 1), errc::ConstraintViolation);
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_list()).empty());
}

BOOST_AUTO_TEST_SUITE_END()
