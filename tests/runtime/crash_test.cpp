// Crash safety: a writer process is killed with SIGKILL in the middle of a
// stream of writes; after reopening, every write it acknowledged must be
// there, with its value. Standard durability promises this for a killed
// process (writes reach the OS before the call returns); always durability
// promises it even for a machine crash.

#define BOOST_TEST_MODULE crash_tests
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdio>
#include <random>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "ack_writer.hpp"
#include "test_util.hpp"

using strata::Strata;
using strata::Value;
using strata::test::TempDir;

namespace {

long run_and_kill(const std::string& db, const char* mode, int spaces, int round,
                  long kill_after) {
  auto run = strata::test::run_ack_writer(
      {STRATA_CRASH_WRITER, db, mode, std::to_string(spaces), std::to_string(round)}, {},
      kill_after);
  BOOST_REQUIRE(run.killed);
  return run.last_ack;
}

void acknowledged_writes_survive(const char* mode, int spaces) {
  TempDir dir;
  std::mt19937 rng(12345);
  long total_acked = -1;
  // Several kills against the same database: recovery after a crash must
  // itself survive the next crash. Each round writes values of its own, so a
  // lost write cannot hide behind the previous round's value.
  for (int round = 0; round < 4; ++round) {
    long kill_after = 200 + static_cast<long>(rng() % 1500);
    long acked = run_and_kill(dir.db(), mode, spaces, round, kill_after);
    BOOST_TEST_MESSAGE(mode << " round " << round << ": killed after ack " << acked);
    BOOST_REQUIRE(acked >= kill_after);
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    for (long i = 0; i <= acked; ++i) {
      STRATA_REQUIRE_DONE(db.set_space("space-" + std::to_string(i % spaces)));
      auto v = STRATA_REQUIRE_OK(db.kv_get("k" + std::to_string(i)));
      BOOST_REQUIRE_MESSAGE(v.has_value() && *v == Value{int64_t{round} * 1000000 + i},
                            "acknowledged write k" << i << " was lost (" << mode << ")");
    }
    total_acked = acked;
  }
  BOOST_TEST(total_acked > 0);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crash_recovery)

BOOST_AUTO_TEST_CASE(sigkill_loses_no_acknowledged_write_in_standard_mode) {
  acknowledged_writes_survive("standard", 3);
}

BOOST_AUTO_TEST_CASE(sigkill_loses_no_acknowledged_write_in_always_mode) {
  acknowledged_writes_survive("always", 2);
}

BOOST_AUTO_TEST_SUITE_END()
