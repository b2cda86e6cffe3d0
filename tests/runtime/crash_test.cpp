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

#include "test_util.hpp"

using strata::Strata;
using strata::Value;
using strata::test::TempDir;

namespace {

struct Child {
  pid_t pid = -1;
  FILE* out = nullptr;
};

Child spawn_writer(const std::string& db, const char* mode, int spaces, int round) {
  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    auto n = std::to_string(spaces);
    auto r = std::to_string(round);
    ::execl(STRATA_CRASH_WRITER, STRATA_CRASH_WRITER, db.c_str(), mode, n.c_str(), r.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  return Child{pid, ::fdopen(fds[0], "r")};
}

// Reads the child's output until `kill_after` acks, kills it, then drains the
// pipe: every ack the child printed was printed after its write returned.
long run_and_kill(const std::string& db, const char* mode, int spaces, int round,
                  long kill_after) {
  auto child = spawn_writer(db, mode, spaces, round);
  char line[128];
  long last_ack = -1;
  bool killed = false;
  while (std::fgets(line, sizeof line, child.out) != nullptr) {
    long n;
    if (std::sscanf(line, "ack %ld", &n) == 1)
      last_ack = n;
    if (!killed && last_ack >= kill_after) {
      ::kill(child.pid, SIGKILL);
      killed = true;
    }
  }
  std::fclose(child.out);
  int status = 0;
  ::waitpid(child.pid, &status, 0);
  BOOST_REQUIRE_MESSAGE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                        "the writer must die by SIGKILL, status " << status);
  return last_ack;
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
