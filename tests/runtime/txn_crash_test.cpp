// Crash safety of transactions: a writer process commits two-space
// transactions (a KV entry in each space, and a vector in the second) and dies at each step of the two-phase commit protocol (a
// fault point), or by SIGKILL at a random moment. After reopening, every
// transaction must be in both spaces or in neither, every acknowledged
// commit must be there, a transaction every participant prepared must have
// been finished by recovery, and one some participant never prepared must
// be gone — also when the coordinator's intents and decisions are lost.

#define BOOST_TEST_MODULE txn_crash_tests
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

#include "../raw_db.hpp"

#include "ack_writer.hpp"
#include "test_util.hpp"
#include "strata/messages/commit_step.hpp"

using strata::CommitStep;
using strata::Strata;
using strata::Value;
using strata::test::TempDir;

namespace {

// Runs the writer until it dies: by the parent's SIGKILL once kill_after
// commits were acknowledged (kill_after >= 0), or at its fault point.
strata::test::WriterRun run_writer(const std::string& db, const char* mode, int round,
                                   std::optional<CommitStep> fault, long fault_after,
                                   long kill_after) {
  // Finished transactions are forgotten within milliseconds, so that the
  // forget steps run (and can be killed) many times per writer.
  std::vector<std::string> argv{STRATA_TXN_CRASH_WRITER, db, mode, std::to_string(round), "5"};
  if (fault) {
    argv.emplace_back(name_of(*fault));
    argv.emplace_back(std::to_string(fault_after));
  }
  return strata::test::run_ack_writer(argv, {}, kill_after);
}

// Deletes the coordinator's intents ('i') and decisions ('d') from the
// branch's transaction log, keeping the participants' PREPARED records
// ('p'): the key families of store::TxnLog.
void lose_coordinator_records(const std::string& db) {
  strata::test::RawDb log(db + "/branches/default/txn");
  std::vector<std::string> lost;
  int records = 0;
  for (const auto& k : log.keys()) {
    if (k[0] == 'i' || k[0] == 'd')
      lost.push_back(k);
    records += k[0] == 'p';
  }
  BOOST_TEST_MESSAGE(records << " PREPARED records kept");
  log.erase(lost);
}

enum class InFlight { Committed, Aborted, Either };

// Checks every transaction up to and including the one in flight.
void check_all_or_nothing(const std::string& dir, int round, long last_ack, InFlight in_flight) {
  auto db = STRATA_REQUIRE_OK(Strata::open(dir));
  auto value_in = [&](const char* space, long i) {
    BOOST_REQUIRE(db.set_space(space));
    auto v = db.kv_get("t" + std::to_string(i));
    BOOST_REQUIRE(v);
    return *v;
  };
  // Beta's vector of the key, with the transaction's value as metadata.
  auto vector_in_beta = [&](long i) {
    auto v = db.vector_get("mem", "t" + std::to_string(i));
    BOOST_REQUIRE(v);
    return *v ? (*v)->metadata : std::nullopt;
  };
  for (long i = 0; i <= last_ack + 1; ++i) {
    auto a = value_in("alpha", i), b = value_in("beta", i);
    Value want{int64_t{round} * 1000000 + i};
    bool in_a = a && *a == want, in_b = b && *b == want;
    BOOST_REQUIRE_MESSAGE(in_a == in_b, "transaction " << i << " of round " << round
                                                       << " is in one space only");
    // (A key the settle test overwrote with a probe tells nothing; that
    // test checks its vector itself.)
    auto vec = vector_in_beta(i);
    bool probed = b && *b == Value{"probe"};
    BOOST_REQUIRE_MESSAGE(probed || (vec && *vec == want) == in_a,
                          "transaction " << i << " of round " << round
                                         << ": its vector and its KV entries disagree");
    if (i <= last_ack)
      BOOST_REQUIRE_MESSAGE(in_a, "acknowledged transaction " << i << " was lost");
    else if (in_flight == InFlight::Committed)
      BOOST_REQUIRE_MESSAGE(in_a, "every participant prepared the in-flight transaction but "
                                  "recovery did not apply it");
    else if (in_flight == InFlight::Aborted)
      BOOST_REQUIRE_MESSAGE(!in_a, "a transaction some participant never prepared was applied");
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(txn_crash)

BOOST_AUTO_TEST_CASE(a_crash_at_any_step_of_two_phase_commit_leaves_all_or_nothing) {
  struct Point {
    CommitStep step;
    InFlight in_flight;
  };
  const Point points[] = {
      {CommitStep::CoordinatorBeforePrepare, InFlight::Aborted},
      // Dies at the first or the second participant (the fault counts both),
      // so sometimes with the other one prepared: still aborted.
      {CommitStep::ParticipantBeforePrepare, InFlight::Aborted},
      // A record written to the log, not yet synced: a kill keeps it (the
      // OS has it), so with the other participant's record written too the
      // transaction commits at recovery, and otherwise aborts.
      {CommitStep::ParticipantAfterRecord, InFlight::Either},
      // The second vote may be logged already (then every participant
      // prepared: committed) or not (aborted).
      {CommitStep::CoordinatorAfterFirstVote, InFlight::Either},
      {CommitStep::CoordinatorAfterDecision, InFlight::Committed},
      // The caller is answered once every vote is in, so by the first apply
      // the transaction may already be acknowledged (and must then be
      // complete after recovery, which the check of acknowledged
      // transactions covers); the next one may have started.
      {CommitStep::CoordinatorAfterFirstApply, InFlight::Either},
      // The forget of finished transactions: intents, decisions and records
      // dropped from the log but not synced; synced but the markers not yet
      // dropped. Recovery settles whatever is left again.
      {CommitStep::CoordinatorAfterForgetWritten, InFlight::Either},
      {CommitStep::CoordinatorAfterForgetSynced, InFlight::Either},
  };
  std::mt19937 rng(77);
  for (const char* mode : {"standard", "always"}) {
    TempDir dir;
    int round = 0;
    for (const auto& p : points) {
      ++round;
      long after = 3 + static_cast<long>(rng() % 20);
      BOOST_TEST_MESSAGE(mode << ": crash at " << name_of(p.step) << " after " << after);
      auto r = run_writer(dir.db(), mode, round, p.step, after, -1);
      check_all_or_nothing(dir.db(), round, r.last_ack, p.in_flight);
    }
  }
}

// The coordinator's intents only say which transactions to settle at open;
// the outcome comes from the participants' PREPARED records and applied
// markers. With its intents and decisions gone, the first participant to
// open finds its record and settles the transaction by asking the others. A write to the
// in-flight key waits for that decision (the key is held until then), and
// the key's history then shows whether the transaction was applied.
BOOST_AUTO_TEST_CASE(participants_settle_a_transaction_when_the_coordinator_records_are_lost) {
  struct Case {
    CommitStep fault;
    long after;
    bool committed;
  };
  const Case cases[] = {{CommitStep::CoordinatorAfterDecision, 4, true},
                        {CommitStep::ParticipantBeforePrepare, 7, false},
                        {CommitStep::ParticipantBeforePrepare, 8, false}};
  for (const char* mode : {"standard", "always"}) {
    for (const auto& c : cases) {
      BOOST_TEST_CONTEXT(mode << ": " << name_of(c.fault) << " after " << c.after) {
        TempDir dir;
        auto r = run_writer(dir.db(), mode, 1, c.fault, c.after, -1);
        BOOST_REQUIRE(!r.killed);
        lose_coordinator_records(dir.db());
        auto key = "t" + std::to_string(r.last_ack + 1);
        const Value want{int64_t{1000000} + r.last_ack + 1};
        for (const char* space : {"beta", "alpha"}) {
          auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
          STRATA_REQUIRE_DONE(db.set_space(space));
          STRATA_REQUIRE_OK(db.kv_put(key, "probe"));
          auto history = STRATA_REQUIRE_OK(db.kv_getv(key));
          BOOST_REQUIRE(history.has_value());
          bool applied = false;
          for (const auto& v : *history)
            applied = applied || v.value == want;
          BOOST_TEST(applied == c.committed, space << " history has the transaction: " << applied);
          BOOST_TEST(history->front().value == Value{"probe"});
        }
        {
          // Beta's vector of the transaction went with its KV entry.
          auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
          STRATA_REQUIRE_DONE(db.set_space("beta"));
          auto v = STRATA_REQUIRE_OK(db.vector_get("mem", key));
          BOOST_TEST((v && v->metadata == want) == c.committed);
        }
        check_all_or_nothing(dir.db(), 1, r.last_ack, InFlight::Either);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(sigkill_loses_no_acknowledged_commit_in_always_mode) {
  TempDir dir;
  std::mt19937 rng(99);
  for (int round = 1; round <= 4; ++round) {
    long kill_after = 20 + static_cast<long>(rng() % 150);
    auto r = run_writer(dir.db(), "always", round, std::nullopt, 0, kill_after);
    BOOST_REQUIRE(r.killed);
    BOOST_TEST_MESSAGE("round " << round << ": killed after ack " << r.last_ack);
    check_all_or_nothing(dir.db(), round, r.last_ack, InFlight::Either);
  }
}

BOOST_AUTO_TEST_SUITE_END()
