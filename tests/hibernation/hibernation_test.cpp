// Many spaces in one process (issue 13): a database keeps only as many
// space stores open as its file descriptor limit allows; idle spaces close
// their store and reopen it on their next request, losing nothing. This
// executable lowers its own RLIMIT_NOFILE, so it runs alone.

#define BOOST_TEST_MODULE hibernation_tests
#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <strata/strata.hpp>

#include "../runtime/test_util.hpp"

using strata::Strata;
using strata::Value;

namespace {

// Open file descriptors of this process.
size_t open_fds() {
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd");
       it != std::filesystem::directory_iterator(); ++it)
    ++n;
  return n;
}

size_t spaces_to_write() {
  if (const char* n = std::getenv("STRATA_HIBERNATION_SPACES"))
    return std::max(1, std::atoi(n));
  return 100000;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hibernation)

// The measure: under `ulimit -n 1024` the 254th space failed with
// "Too many open files". Every space is written, then read back; the
// process never holds more descriptors than the limit.
BOOST_AUTO_TEST_CASE(a_hundred_thousand_spaces_are_written_and_read_back_under_1024_descriptors) {
  rlimit limit{};
  BOOST_REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  limit.rlim_cur = std::min<rlim_t>(1024, limit.rlim_max);
  BOOST_REQUIRE(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
  const size_t n = spaces_to_write();
  strata::test::TempDir dir;
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  size_t most_fds = 0, failures = 0;
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < n; ++i) {
    auto space = "agent-" + std::to_string(i);
    if (!db.set_space(space) || !db.kv_put("k", static_cast<int64_t>(i))) {
      if (++failures < 5)
        BOOST_TEST_MESSAGE("write to " << space << " failed");
    }
    if (i % 1000 == 0)
      most_fds = std::max(most_fds, open_fds());
  }
  auto written = std::chrono::steady_clock::now();
  size_t wrong = 0;
  for (size_t i = 0; i < n; ++i) {
    STRATA_REQUIRE_DONE(db.set_space("agent-" + std::to_string(i)));
    auto v = db.kv_get("k");
    wrong += !v || *v != std::optional<Value>(static_cast<int64_t>(i));
    if (i % 1000 == 0)
      most_fds = std::max(most_fds, open_fds());
  }
  auto read = std::chrono::steady_clock::now();
  using secs = std::chrono::duration<double>;
  BOOST_TEST_MESSAGE(n << " spaces: written in " << secs(written - start).count()
                       << " s, read back in " << secs(read - written).count()
                       << " s; at most " << most_fds << " descriptors open");
  BOOST_TEST(failures == 0u);
  BOOST_TEST(wrong == 0u);
  BOOST_TEST(most_fds < 1024u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_spaces()).size() == n + 1);
}

// Spaces that close and reopen their store keep every primitive, their
// history, and what transactions rely on.
BOOST_AUTO_TEST_CASE(a_space_that_hibernates_keeps_everything) {
  strata::test::TempDir dir;
  strata::OpenOptions opts;
  opts.max_open_spaces = 2;
  constexpr int spaces = 12;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db(), opts));
    for (int round = 0; round < 3; ++round)
      for (int i = 0; i < spaces; ++i) {
        STRATA_REQUIRE_DONE(db.set_space("s" + std::to_string(i)));
        if (round == 0) {
          STRATA_REQUIRE_OK(db.vector_create_collection("v", 2, strata::DistanceMetric::Cosine));
          STRATA_REQUIRE_OK(db.vector_upsert("v", "a", {1, static_cast<float>(i)}));
        }
        STRATA_REQUIRE_OK(db.kv_put("k", round));
        STRATA_REQUIRE_OK(db.event_append("e", strata::Object{{"round", round}}));
        STRATA_REQUIRE_OK(db.state_set("c", round));
        STRATA_REQUIRE_OK(db.json_set("d", "$.round", round));
      }
    // A transaction across spaces that have all been closed and reopened.
    auto s = db.session();
    STRATA_REQUIRE_DONE(s.begin());
    for (int i = 0; i < spaces; ++i) {
      STRATA_REQUIRE_DONE(s.set_space("s" + std::to_string(i)));
      BOOST_TEST(STRATA_REQUIRE_OK(s.kv_get("k")) == std::optional<Value>(2));
      STRATA_REQUIRE_OK(s.kv_put("k", 3));
    }
    STRATA_REQUIRE_DONE(s.commit());
    for (int i = 0; i < spaces; ++i) {
      STRATA_REQUIRE_DONE(db.set_space("s" + std::to_string(i)));
      BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("k")) == std::optional<Value>(3));
      auto history = STRATA_REQUIRE_OK(db.kv_getv("k"));
      BOOST_TEST(history->size() == 4u);
      BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 3u);
      BOOST_TEST(STRATA_REQUIRE_OK(db.event_verify_chain()).valid);
      BOOST_TEST(STRATA_REQUIRE_OK(db.state_get("c")) == std::optional<Value>(2));
      BOOST_TEST(STRATA_REQUIRE_OK(db.json_get("d", "$.round")) == std::optional<Value>(2));
      auto hits = STRATA_REQUIRE_OK(db.vector_search("v", {1, static_cast<float>(i)}, 1));
      BOOST_REQUIRE(hits.size() == 1u);
      BOOST_TEST(hits[0].key == "a");
    }
  }
  // And after a restart.
  auto again = STRATA_REQUIRE_OK(Strata::open(dir.db(), opts));
  STRATA_REQUIRE_DONE(again.set_space("s7"));
  BOOST_TEST(STRATA_REQUIRE_OK(again.kv_get("k")) == std::optional<Value>(3));
}

BOOST_AUTO_TEST_SUITE_END()
