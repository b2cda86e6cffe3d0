// The durable records of two-phase commit with parallel commits: a
// participant's PREPARED record carries its ticket (commit timestamp and
// every participant), applying it leaves a marker that recovery can tell
// from "never prepared", and the coordinator's log keeps intents and
// decisions apart.

#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>

#include <leveldb/env.h>

#include "strata/store/decision_log.hpp"
#include "strata/store/files.hpp"
#include "test_util.hpp"

using namespace strata;
using strata::test::MemStore;
using strata::test::require_ok;

namespace {

PreparedTxn prepared(uint64_t id, uint64_t commit_ts, const std::string& key) {
  PreparedTxn txn;
  txn.txn_id = id;
  txn.snapshot = 1;
  txn.commit_ts = commit_ts;
  txn.participants = {"alpha", "beta"};
  txn.ops.push_back(TxnOp{TxnOpKind::KvPut, key, {}, Value{int64_t{7}}, false, 0});
  return txn;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(txn_records)

BOOST_AUTO_TEST_CASE(a_prepared_record_keeps_its_ticket_across_reopen) {
  MemStore s;
  STRATA_CHECK_NO_ERROR(s.db->txn_log_prepared(prepared(41, 1000, "k")));
  s.reopen();
  auto in_doubt = require_ok(s.db->txn_in_doubt(), "txn_in_doubt");
  BOOST_REQUIRE_EQUAL(in_doubt.size(), 1u);
  BOOST_TEST(in_doubt[0].txn_id == 41u);
  BOOST_TEST(in_doubt[0].commit_ts == 1000u);
  BOOST_TEST(in_doubt[0].participants == (std::vector<std::string>{"alpha", "beta"}),
             boost::test_tools::per_element());
  BOOST_REQUIRE_EQUAL(in_doubt[0].ops.size(), 1u);
  BOOST_TEST(in_doubt[0].ops[0].key == "k");
  // Not applied yet, so no marker.
  BOOST_TEST(!require_ok(s.db->txn_applied(41), "txn_applied"));
}

BOOST_AUTO_TEST_CASE(applying_replaces_the_record_by_a_marker_until_forgotten) {
  MemStore s;
  auto txn = prepared(42, 2000, "k");
  STRATA_CHECK_NO_ERROR(s.db->txn_log_prepared(txn));
  STRATA_CHECK_NO_ERROR(s.db->txn_apply(txn.ops, txn.commit_ts, txn.txn_id, false));
  s.reopen();
  BOOST_TEST(require_ok(s.db->txn_in_doubt(), "txn_in_doubt").empty());
  BOOST_TEST(require_ok(s.db->txn_applied(42), "txn_applied"));
  auto got = require_ok(s.db->kv_get("k"), "kv_get");
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->value == Value{int64_t{7}});
  BOOST_TEST(got->timestamp == 2000u);
  // Markers are bookkeeping, not data: not exported, not counted.
  for (const auto& pair : require_ok(s.db->dump(), "dump"))
    BOOST_TEST(pair.key[0] != 'a');
  STRATA_CHECK_NO_ERROR(s.db->txn_forget({42, 99}));
  s.reopen();
  BOOST_TEST(!require_ok(s.db->txn_applied(42), "txn_applied"));
  BOOST_TEST(require_ok(s.db->kv_get("k"), "kv_get").has_value());
}

BOOST_AUTO_TEST_CASE(discarding_leaves_neither_record_nor_marker) {
  MemStore s;
  STRATA_CHECK_NO_ERROR(s.db->txn_log_prepared(prepared(43, 3000, "k")));
  STRATA_CHECK_NO_ERROR(s.db->txn_discard(43));
  STRATA_CHECK_NO_ERROR(s.db->txn_discard(43));  // idempotent
  s.reopen();
  BOOST_TEST(require_ok(s.db->txn_in_doubt(), "txn_in_doubt").empty());
  BOOST_TEST(!require_ok(s.db->txn_applied(43), "txn_applied"));
  BOOST_TEST(!require_ok(s.db->kv_get("k"), "kv_get").has_value());
}

BOOST_AUTO_TEST_CASE(the_decision_log_keeps_intents_and_decisions_apart) {
  MemStore s;  // for its in-memory Env
  s.close();
  {
    auto log = require_ok(store::DecisionLog::open("/txn", s.options), "DecisionLog::open");
    STRATA_CHECK_NO_ERROR(log->note_intent(CommitDecision{1, 100, {"a", "b"}}));
    STRATA_CHECK_NO_ERROR(log->note_intent(CommitDecision{2, 200, {"a", "c"}}));
    STRATA_CHECK_NO_ERROR(log->log({CommitDecision{2, 0, {"a", "c"}}}));
  }
  auto log = require_ok(store::DecisionLog::open("/txn", s.options), "DecisionLog::open");
  auto intents = require_ok(log->intents(), "intents");
  BOOST_REQUIRE_EQUAL(intents.size(), 2u);
  BOOST_TEST(intents[0].txn_id == 1u);
  BOOST_TEST(intents[0].commit_ts == 100u);
  BOOST_TEST(intents[1].participants == (std::vector<std::string>{"a", "c"}),
             boost::test_tools::per_element());
  auto decisions = require_ok(log->pending(), "pending");
  BOOST_REQUIRE_EQUAL(decisions.size(), 1u);
  BOOST_TEST(decisions[0].txn_id == 2u);
  BOOST_TEST(decisions[0].commit_ts == 0u);  // an abort
  STRATA_CHECK_NO_ERROR(log->forget({1, 2}));
  BOOST_TEST(require_ok(log->intents(), "intents").empty());
  BOOST_TEST(require_ok(log->pending(), "pending").empty());
}

// The group fsync that space actors run off their thread: on a real
// directory it syncs the store's logs, after which nothing awaits a sync;
// with nothing written it is not even a job.
BOOST_AUTO_TEST_CASE(a_sync_job_covers_the_writes_made_before_it) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "strata-sync-XXXXXX").string();
  BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
  const std::string dir = tmpl;
  {
    store::StoreOptions options;
    options.durability = Durability::Always;
    options.env = leveldb::Env::Default();
    store::CommitClock clock;
    auto s = require_ok(store::SpaceStore::open(dir + "/space", options, clock), "open");
    BOOST_TEST(!s->sync_job());  // nothing written yet
    STRATA_CHECK_NO_ERROR(s->txn_log_prepared(prepared(44, 4000, "k")));  // an unsynced write
    BOOST_TEST(s->needs_sync());
    auto job = s->sync_job();
    BOOST_REQUIRE(job);
    BOOST_TEST(!s->needs_sync());  // later writes need a later job
    STRATA_CHECK_NO_ERROR(job());
    BOOST_TEST(!s->sync_job());
  }
  // A dropped store (no directory) is nothing to sync, not an error.
  std::filesystem::remove_all(dir);
  STRATA_CHECK_NO_ERROR(store::sync_log_files(dir + "/space"));
}

BOOST_AUTO_TEST_SUITE_END()
