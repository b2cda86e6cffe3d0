// The durable records of two-phase commit with parallel commits: the
// branch's transaction log keeps each participant's PREPARED record with
// its ticket (commit timestamp and every participant) apart from other
// spaces' records and from the coordinator's intents and decisions;
// applying a transaction leaves a marker in the space's store that
// recovery can tell from "never applied".

#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>

#include <leveldb/env.h>

#include "strata/store/files.hpp"
#include "strata/store/txn_log.hpp"
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

std::shared_ptr<store::TxnLog> open_log(const MemStore& s) {
  return require_ok(store::TxnLog::open("/txn", s.options), "TxnLog::open");
}

// The transaction ids of `space`'s records in `log`, oldest first.
std::vector<uint64_t> ids_in(store::TxnLog& log, const std::string& space) {
  std::vector<uint64_t> out;
  for (const auto& r : require_ok(log.prepared(space), "prepared"))
    out.push_back(r.txn_id);
  return out;
}

using Ids = std::vector<uint64_t>;

}  // namespace

BOOST_AUTO_TEST_SUITE(txn_records)

BOOST_AUTO_TEST_CASE(a_prepared_record_keeps_its_ticket_across_reopen) {
  MemStore s;  // for its in-memory Env
  {
    auto log = open_log(s);
    STRATA_CHECK_NO_ERROR(log->log_prepared("alpha", prepared(41, 1000, "k")));
    STRATA_CHECK_NO_ERROR(log->log_prepared("alpha", prepared(40, 900, "j")));
  }
  auto log = open_log(s);
  auto records = require_ok(log->prepared("alpha"), "prepared");
  BOOST_REQUIRE_EQUAL(records.size(), 2u);
  BOOST_TEST(records[0].txn_id == 40u);  // oldest first
  BOOST_TEST(records[1].txn_id == 41u);
  BOOST_TEST(records[1].commit_ts == 1000u);
  BOOST_TEST(records[1].participants == (std::vector<std::string>{"alpha", "beta"}),
             boost::test_tools::per_element());
  BOOST_REQUIRE_EQUAL(records[1].ops.size(), 1u);
  BOOST_TEST(records[1].ops[0].key == "k");
}

BOOST_AUTO_TEST_CASE(each_space_sees_only_its_own_records) {
  MemStore s;
  auto log = open_log(s);
  STRATA_CHECK_NO_ERROR(log->log_prepared("alpha", prepared(1, 100, "k")));
  STRATA_CHECK_NO_ERROR(log->log_prepared("alpha-2", prepared(2, 200, "k")));
  STRATA_CHECK_NO_ERROR(log->log_prepared("alph", prepared(3, 300, "k")));
  BOOST_TEST(ids_in(*log, "alpha") == Ids{1}, boost::test_tools::per_element());
  BOOST_TEST(ids_in(*log, "alpha-2") == Ids{2}, boost::test_tools::per_element());
  BOOST_TEST(ids_in(*log, "alph") == Ids{3}, boost::test_tools::per_element());
  BOOST_TEST(ids_in(*log, "beta").empty());
}

BOOST_AUTO_TEST_CASE(discarding_removes_only_that_spaces_record) {
  MemStore s;
  auto log = open_log(s);
  STRATA_CHECK_NO_ERROR(log->log_prepared("alpha", prepared(43, 3000, "k")));
  STRATA_CHECK_NO_ERROR(log->log_prepared("beta", prepared(43, 3000, "k")));
  STRATA_CHECK_NO_ERROR(log->discard_prepared("alpha", 43));
  STRATA_CHECK_NO_ERROR(log->discard_prepared("alpha", 43));  // idempotent
  BOOST_TEST(ids_in(*log, "alpha").empty());
  BOOST_TEST(ids_in(*log, "beta") == Ids{43}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(applying_leaves_a_marker_until_forgotten) {
  MemStore s;
  auto txn = prepared(42, 2000, "k");
  STRATA_CHECK_NO_ERROR(s.db->txn_apply(txn.ops, txn.commit_ts, txn.txn_id, false));
  s.reopen();
  BOOST_TEST(require_ok(s.db->txn_applied(42), "txn_applied"));
  BOOST_TEST(!require_ok(s.db->txn_applied(41), "txn_applied"));
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

BOOST_AUTO_TEST_CASE(forgetting_removes_intents_decisions_and_every_participants_record) {
  MemStore s;
  {
    auto log = open_log(s);
    STRATA_CHECK_NO_ERROR(log->note_intent(CommitDecision{1, 100, {"a", "b"}}));
    STRATA_CHECK_NO_ERROR(log->note_intent(CommitDecision{2, 200, {"a", "c"}}));
    STRATA_CHECK_NO_ERROR(log->log({CommitDecision{2, 0, {"a", "c"}}}));
    for (const char* space : {"a", "b"})
      STRATA_CHECK_NO_ERROR(log->log_prepared(space, prepared(1, 100, "k")));
    STRATA_CHECK_NO_ERROR(log->log_prepared("a", prepared(3, 300, "k")));
  }
  auto log = open_log(s);
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
  STRATA_CHECK_NO_ERROR(log->forget({CommitDecision{1, 100, {"a", "b"}},
                                     CommitDecision{2, 0, {"a", "c"}}}));
  BOOST_TEST(require_ok(log->intents(), "intents").empty());
  BOOST_TEST(require_ok(log->pending(), "pending").empty());
  BOOST_TEST(ids_in(*log, "b").empty());
  // Transaction 3 was not forgotten.
  BOOST_TEST(ids_in(*log, "a") == Ids{3}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(dropping_a_space_turns_its_records_into_commit_decisions) {
  MemStore s;
  auto log = open_log(s);
  STRATA_CHECK_NO_ERROR(log->log_prepared("alph", prepared(5, 500, "k")));
  STRATA_CHECK_NO_ERROR(log->log_prepared("alpha", prepared(5, 500, "k")));
  STRATA_CHECK_NO_ERROR(log->log_prepared("alph", prepared(6, 600, "k")));
  STRATA_CHECK_NO_ERROR(log->drop_space("alph"));
  BOOST_TEST(ids_in(*log, "alph").empty());
  BOOST_TEST(ids_in(*log, "alpha") == Ids{5}, boost::test_tools::per_element());
  // Each was applied in the dropped space, so each is a commit that the
  // other participants must still get after a restart.
  auto decisions = require_ok(log->pending(), "pending");
  BOOST_REQUIRE_EQUAL(decisions.size(), 2u);
  BOOST_TEST(decisions[0].txn_id == 5u);
  BOOST_TEST(decisions[0].commit_ts == 500u);
  BOOST_TEST(decisions[0].participants == (std::vector<std::string>{"alpha", "beta"}),
             boost::test_tools::per_element());
  BOOST_TEST(decisions[1].txn_id == 6u);
  BOOST_TEST(decisions[1].commit_ts == 600u);
}

// The group fsyncs that actors run off their threads: on a real directory
// they sync the store's (the log's) files, after which nothing awaits a
// sync; a space store with nothing written has no job, a log in cache
// durability never has one.
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
    auto txn = prepared(44, 4000, "k");
    STRATA_CHECK_NO_ERROR(s->txn_apply(txn.ops, txn.commit_ts, 0, false));  // unsynced
    BOOST_TEST(s->needs_sync());
    auto job = s->sync_job();
    BOOST_REQUIRE(job);
    BOOST_TEST(!s->needs_sync());  // later writes need a later job
    STRATA_CHECK_NO_ERROR(job());
    BOOST_TEST(!s->sync_job());

    auto log = require_ok(store::TxnLog::open(dir + "/txn", options), "TxnLog::open");
    STRATA_CHECK_NO_ERROR(log->log_prepared("alpha", txn));
    auto log_job = log->sync_job();
    BOOST_REQUIRE(log_job);
    STRATA_CHECK_NO_ERROR(log_job());
    STRATA_CHECK_NO_ERROR(log->sync());
    options.durability = Durability::Cache;
    BOOST_TEST(!log->sync_job());
  }
  // A dropped store (no directory) is nothing to sync, not an error.
  std::filesystem::remove_all(dir);
  STRATA_CHECK_NO_ERROR(store::sync_log_files(dir + "/space", leveldb::Env::Default()));
  STRATA_CHECK_NO_ERROR(store::sync_log_files(dir + "/txn", leveldb::Env::Default()));
}

BOOST_AUTO_TEST_SUITE_END()
