// CommitClock: strictly increasing commit timestamps, also across threads
// and past a floor or an observed timestamp.

#include "strata/store/clock.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>

using strata::store::CommitClock;

namespace {

uint64_t wall_micros() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

const uint64_t ten_years_us = 10ull * 365 * 24 * 3600 * 1'000'000;

}  // namespace

// Inside a namespace: the suite's C++ namespace `clock` would clash with
// ::clock() from <ctime> at global scope. Suites register by name at run
// time, so this is still the top-level suite "clock".
namespace store_tests {

BOOST_AUTO_TEST_SUITE(clock)

BOOST_AUTO_TEST_CASE(next_is_strictly_increasing) {
  CommitClock clock;
  uint64_t prev = clock.next();
  for (int i = 0; i < 100000; ++i) {
    uint64_t t = clock.next();
    BOOST_REQUIRE_GT(t, prev);
    prev = t;
  }
  BOOST_TEST(clock.last() == prev);
}

BOOST_AUTO_TEST_CASE(next_follows_the_wall_clock_in_microseconds) {
  CommitClock clock;
  uint64_t before = wall_micros();
  uint64_t t = clock.next();
  uint64_t after = wall_micros();
  BOOST_TEST(t >= before);
  BOOST_TEST(t <= after + 1);
}

BOOST_AUTO_TEST_CASE(next_exceeds_a_floor_far_in_the_future) {
  CommitClock clock;
  uint64_t floor = wall_micros() + ten_years_us;
  uint64_t t = clock.next(floor);
  BOOST_TEST(t > floor);
  // Later timestamps stay above it although the wall clock is far behind.
  BOOST_TEST(clock.next() > t);
  BOOST_TEST(clock.next(0) > t);
}

BOOST_AUTO_TEST_CASE(a_floor_below_the_last_timestamp_changes_nothing) {
  CommitClock clock;
  uint64_t a = clock.next();
  uint64_t b = clock.next(1);
  BOOST_TEST(b > a);
  BOOST_TEST(clock.next(a - 10) > b);
}

BOOST_AUTO_TEST_CASE(observe_moves_the_clock_forward) {
  CommitClock clock;
  uint64_t seen = wall_micros() + ten_years_us;
  clock.observe(seen);
  BOOST_TEST(clock.last() == seen);
  BOOST_TEST(clock.next() > seen);
}

BOOST_AUTO_TEST_CASE(observe_never_moves_the_clock_back) {
  CommitClock clock;
  uint64_t t = clock.next();
  clock.observe(t - 1000);
  clock.observe(0);
  BOOST_TEST(clock.last() == t);
  BOOST_TEST(clock.next() > t);
}

BOOST_AUTO_TEST_CASE(concurrent_next_calls_never_return_the_same_value) {
  CommitClock clock;
  constexpr int threads = 4;
  constexpr int per_thread = 10000;
  std::vector<std::vector<uint64_t>> got(threads);
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i)
    workers.emplace_back([&clock, &out = got[i]] {
      out.reserve(per_thread);
      for (int j = 0; j < per_thread; ++j)
        out.push_back(clock.next());
    });
  for (auto& w : workers)
    w.join();

  std::set<uint64_t> all;
  for (const auto& v : got) {
    // Each thread sees its own values strictly increasing.
    BOOST_TEST(std::is_sorted(v.begin(), v.end()));
    BOOST_TEST((std::adjacent_find(v.begin(), v.end()) == v.end()));
    all.insert(v.begin(), v.end());
  }
  BOOST_TEST(all.size() == static_cast<size_t>(threads * per_thread));
  BOOST_TEST(clock.last() == *all.rbegin());
}

BOOST_AUTO_TEST_CASE(a_snapshot_holds_every_timestamp_handed_out_commits_in_flight_included) {
  CommitClock clock;
  uint64_t a = clock.next();
  uint64_t flying = clock.begin_commit({"left", "right"});
  uint64_t b = clock.next();
  BOOST_TEST(clock.snapshot() >= b);
  BOOST_TEST(flying > a);
  // No commit will land at or below the stable timestamp any more.
  BOOST_TEST(clock.stable() == flying - 1);
  clock.end_commit(flying);
  BOOST_TEST(clock.stable() == clock.last());
}

BOOST_AUTO_TEST_CASE(a_space_owes_a_commit_until_it_applied_it_or_the_commit_ended) {
  CommitClock clock;
  uint64_t before = clock.next();
  uint64_t t = clock.begin_commit({"left", "right"});
  BOOST_TEST(!clock.owes("left", before));  // below the commit: nothing to wait for
  BOOST_TEST(clock.owes("left", t));
  BOOST_TEST(clock.owes("right", t + 100));
  BOOST_TEST(!clock.owes("other", t + 100));  // not a participant
  clock.resolved_in(t, "left");
  BOOST_TEST(!clock.owes("left", t));
  BOOST_TEST(clock.owes("right", t));
  clock.end_commit(t);  // an abort, or the last apply
  BOOST_TEST(!clock.owes("right", t));
}

BOOST_AUTO_TEST_CASE(a_waiting_reader_is_woken_once_when_its_space_stops_owing_a_commit) {
  CommitClock clock;
  uint64_t t1 = clock.begin_commit({"left", "right"});
  uint64_t t2 = clock.begin_commit({"left"});
  int woken = 0;
  BOOST_TEST(clock.owes("left", t2, [&woken] { ++woken; }));
  clock.resolved_in(t1, "right");  // another space: no wake-up
  BOOST_TEST(woken == 0);
  clock.resolved_in(t1, "left");
  BOOST_TEST(woken == 1);
  BOOST_TEST(clock.owes("left", t2));  // still owes t2: the reader asks again
  clock.end_commit(t2);
  BOOST_TEST(woken == 1);  // one wake-up per registration
  // A wake-up offered when nothing is owed is not kept.
  BOOST_TEST(!clock.owes("left", t2, [&woken] { ++woken; }));
  uint64_t t3 = clock.begin_commit({"left"});
  clock.end_commit(t3);
  BOOST_TEST(woken == 1);
}

BOOST_AUTO_TEST_CASE(a_commit_settled_twice_after_a_restart_ends_with_its_last_settlement) {
  CommitClock clock;
  uint64_t t = clock.next() + 1000;
  clock.observe_in_flight(t, {"left"});
  clock.observe_in_flight(t, {"left"});
  BOOST_TEST(clock.last() == t);
  clock.end_commit(t);
  BOOST_TEST(clock.owes("left", t));
  clock.end_commit(t);
  BOOST_TEST(!clock.owes("left", t));
}

// A reader that sees a commit's timestamp in a snapshot finds the commit
// registered (owes), however the threads interleave: the timestamp and the
// registration are published together.
BOOST_AUTO_TEST_CASE(a_snapshot_never_sees_a_commit_timestamp_before_its_registration) {
  CommitClock clock;
  uint64_t t0 = clock.next();  // everything above it is a commit in flight
  std::atomic<bool> stop{false};
  std::atomic<long> missed{0}, checks{0};
  std::thread reader([&] {
    while (!stop) {
      uint64_t s = clock.snapshot();
      if (s > t0) {
        if (!clock.owes("left", s))
          ++missed;
        ++checks;
      }
    }
  });
  // Commits go on until the reader has checked a while: on a loaded
  // machine it may not get a core before 20,000 commits are done.
  for (int i = 0; i < 20000 || checks.load() < 1000; ++i)
    (void)clock.begin_commit({"left"});
  stop = true;
  reader.join();
  BOOST_TEST(checks.load() > 0);
  BOOST_TEST(missed.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace store_tests
