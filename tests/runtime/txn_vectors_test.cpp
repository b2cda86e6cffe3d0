// Vector collections in transactions (issue 17): a Session's vector reads
// see its snapshot plus its own writes, its vector writes are applied at
// commit with the other primitives' — all or nothing, across spaces — and
// a collection's similarity index changes only once the commit is decided.

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "strata/command.hpp"

#include "test_util.hpp"

using strata::DistanceMetric;
using strata::MetadataFilter;
using strata::Object;
using strata::Session;
using strata::Strata;
using strata::Value;
using strata::VectorMatch;
using strata::errc;
using strata::test::TempDir;

namespace {

std::vector<std::string> keys_of(const std::vector<VectorMatch>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits)
    out.push_back(h.key);
  return out;
}

using Keys = std::vector<std::string>;

// A handle on space "mem" holding collection "c" (3 dimensions, cosine)
// with v1 = x, v2 = y.
void seed_collection(Strata& db) {
  STRATA_REQUIRE_DONE(db.set_space("mem"));
  STRATA_REQUIRE_OK(db.vector_create_collection("c", 3, DistanceMetric::Cosine));
  STRATA_REQUIRE_OK(db.vector_upsert("c", "v1", {1, 0, 0}, Value{Object{{"n", 1}}}));
  STRATA_REQUIRE_OK(db.vector_upsert("c", "v2", {0, 1, 0}, Value{Object{{"n", 2}}}));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(vector_transactions)

BOOST_AUTO_TEST_CASE(a_vector_and_a_kv_entry_in_two_spaces_commit_together) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  seed_collection(db);
  auto s = db.session();
  STRATA_REQUIRE_DONE(s.begin());
  STRATA_REQUIRE_DONE(s.set_space("ledger"));
  STRATA_REQUIRE_OK(s.kv_put("remembered", 3));
  STRATA_REQUIRE_DONE(s.set_space("mem"));
  BOOST_TEST(STRATA_REQUIRE_OK(s.vector_upsert("c", "v3", {0, 0, 1})) == 1u);
  // The transaction sees its own vector; nobody else does, and the index
  // is untouched until the commit.
  BOOST_TEST(keys_of(STRATA_REQUIRE_OK(s.vector_search("c", {0, 0, 1}, 1))) == Keys{"v3"},
             boost::test_tools::per_element());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.vector_get("c", "v3")).has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_collection_stats("c")).count == 2u);
  BOOST_TEST(keys_of(STRATA_REQUIRE_OK(db.vector_search("c", {0, 0, 1}, 3))) ==
                 (Keys{"v1", "v2"}),
             boost::test_tools::per_element());
  STRATA_REQUIRE_DONE(s.commit());
  auto got = STRATA_REQUIRE_OK(db.vector_get("c", "v3"));
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->version == 1u);
  BOOST_TEST(got->timestamp == s.last_commit_timestamp());
  BOOST_TEST(keys_of(STRATA_REQUIRE_OK(db.vector_search("c", {0, 0, 1}, 1))) == Keys{"v3"},
             boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_collection_stats("c")).count == 3u);
  STRATA_REQUIRE_DONE(db.set_space("ledger"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("remembered")) == std::optional<Value>(3));
}

BOOST_AUTO_TEST_CASE(reads_see_the_snapshot_plus_own_upserts_and_deletes) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  seed_collection(db);
  auto s = db.session();
  STRATA_REQUIRE_DONE(s.set_space("mem"));
  STRATA_REQUIRE_DONE(s.begin());
  BOOST_TEST(STRATA_REQUIRE_OK(s.vector_delete("c", "v1")));
  BOOST_TEST(!STRATA_REQUIRE_OK(s.vector_delete("c", "never")));
  STRATA_REQUIRE_OK(s.vector_upsert("c", "v3", {0.9f, 0.1f, 0}, Value{Object{{"n", 3}}}));
  // v2 replaced by the transaction: version 2 predicted.
  BOOST_TEST(STRATA_REQUIRE_OK(s.vector_upsert("c", "v2", {0, 0, 1}, Value{Object{{"n", 2}}})) ==
             2u);
  // A commit by someone else after the snapshot is not seen.
  STRATA_REQUIRE_OK(db.vector_upsert("c", "v4", {1, 0, 0}));
  BOOST_TEST(STRATA_REQUIRE_OK(s.vector_list_keys("c")) == (Keys{"v2", "v3"}),
             boost::test_tools::per_element());
  BOOST_TEST(!STRATA_REQUIRE_OK(s.vector_get("c", "v1")).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(s.vector_get("c", "v4")).has_value());
  auto v2 = STRATA_REQUIRE_OK(s.vector_get("c", "v2"));
  BOOST_REQUIRE(v2.has_value());
  BOOST_TEST(v2->embedding == (std::vector<float>{0, 0, 1}), boost::test_tools::per_element());
  BOOST_TEST(v2->version == 2u);
  BOOST_TEST(STRATA_REQUIRE_OK(s.vector_collection_stats("c")).count == 2u);
  // The search: v1 deleted, v3 its own, v2 with its new embedding.
  BOOST_TEST(keys_of(STRATA_REQUIRE_OK(s.vector_search("c", {1, 0, 0}, 3))) ==
                 (Keys{"v3", "v2"}),
             boost::test_tools::per_element());
  auto filtered = STRATA_REQUIRE_OK(s.vector_search(
      "c", {1, 0, 0}, 3, STRATA_REQUIRE_OK(MetadataFilter::from_value(Object{{"n", Object{{"eq", 2}}}}))));
  BOOST_TEST(keys_of(filtered) == Keys{"v2"}, boost::test_tools::per_element());
  // Blind writes only: its snapshot's reads of "c" make it conflict with
  // the upsert of v4.
  STRATA_REQUIRE_ERR(s.commit(), errc::TransactionConflict);
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_list_keys("c")) == (Keys{"v1", "v2", "v4"}),
             boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_get("c", "v2"))->embedding ==
                 (std::vector<float>{0, 1, 0}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(committed_deletes_and_replacements_reach_the_index) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  seed_collection(db);
  // The index is loaded (a search) before the commit changes it.
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_search("c", {1, 0, 0}, 1)).front().key == "v1");
  auto s = db.session();
  STRATA_REQUIRE_DONE(s.set_space("mem"));
  STRATA_REQUIRE_DONE(s.begin());
  STRATA_REQUIRE_OK(s.vector_delete("c", "v1"));
  STRATA_REQUIRE_OK(s.vector_upsert("c", "v2", {1, 0, 0}));
  STRATA_REQUIRE_OK(s.vector_batch_upsert("c", {{"v5", {0, 0, 1}, std::nullopt},
                                                {"v6", {0, 0.5f, 0.5f}, std::nullopt}}));
  STRATA_REQUIRE_DONE(s.commit());
  BOOST_TEST(keys_of(STRATA_REQUIRE_OK(db.vector_search("c", {1, 0.1f, 0.1f}, 2))) ==
                 (Keys{"v2", "v6"}),
             boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_list_keys("c")) == (Keys{"v2", "v5", "v6"}),
             boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_collection_stats("c")).count == 3u);
  // Time travel still reads the deleted one before the commit.
  auto before = s.last_commit_timestamp() - 1;
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_get_at("c", "v1", before)).has_value());
}

BOOST_AUTO_TEST_CASE(a_rolled_back_or_conflicting_transaction_leaves_no_trace) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  seed_collection(db);
  auto s = db.session();
  STRATA_REQUIRE_DONE(s.set_space("mem"));
  STRATA_REQUIRE_DONE(s.begin());
  STRATA_REQUIRE_OK(s.vector_upsert("c", "v9", {0, 0, 1}));
  STRATA_REQUIRE_OK(s.vector_create_collection("fresh", 2, DistanceMetric::Euclidean));
  STRATA_REQUIRE_OK(s.vector_delete_collection("c"));
  STRATA_REQUIRE_DONE(s.rollback());
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_list_keys("c")) == (Keys{"v1", "v2"}),
             boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_list_collections()).size() == 1u);

  // It read v1; another writer changed v1 first: the commit is refused and
  // neither its vector nor its KV entry in another space is applied.
  STRATA_REQUIRE_DONE(s.begin());
  STRATA_REQUIRE_OK(s.vector_get("c", "v1"));
  STRATA_REQUIRE_OK(s.vector_upsert("c", "v9", {0, 0, 1}));
  STRATA_REQUIRE_DONE(s.set_space("ledger"));
  STRATA_REQUIRE_OK(s.kv_put("k", 1));
  STRATA_REQUIRE_OK(db.vector_upsert("c", "v1", {0.5f, 0.5f, 0}));
  STRATA_REQUIRE_ERR(s.commit(), errc::TransactionConflict);
  BOOST_TEST(!STRATA_REQUIRE_OK(db.vector_get("c", "v9")).has_value());
  BOOST_TEST(keys_of(STRATA_REQUIRE_OK(db.vector_search("c", {0, 0, 1}, 5))) ==
                 (Keys{"v1", "v2"}),
             boost::test_tools::per_element());
  STRATA_REQUIRE_DONE(db.set_space("ledger"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("k")).has_value());
}

BOOST_AUTO_TEST_CASE(collections_are_created_filled_dropped_and_recreated_in_one_transaction) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  seed_collection(db);
  auto s = db.session();
  STRATA_REQUIRE_DONE(s.set_space("mem"));
  STRATA_REQUIRE_DONE(s.begin());
  STRATA_REQUIRE_OK(s.vector_create_collection("new", 2, DistanceMetric::DotProduct));
  STRATA_REQUIRE_ERR(s.vector_create_collection("new", 2, DistanceMetric::Cosine),
                     errc::CollectionExists);
  STRATA_REQUIRE_OK(s.vector_upsert("new", "a", {1, 2}));
  // "c" dropped and recreated with another dimension: its old vectors are
  // gone in the view and after the commit, versions start again at 1.
  BOOST_TEST(STRATA_REQUIRE_OK(s.vector_delete_collection("c")));
  STRATA_REQUIRE_ERR(s.vector_upsert("c", "v1", {1, 0, 0}), errc::CollectionNotFound);
  STRATA_REQUIRE_OK(s.vector_create_collection("c", 2, DistanceMetric::Cosine));
  BOOST_TEST(STRATA_REQUIRE_OK(s.vector_list_keys("c")).empty());
  BOOST_TEST(STRATA_REQUIRE_OK(s.vector_upsert("c", "v1", {0, 1})) == 1u);
  auto listed = STRATA_REQUIRE_OK(s.vector_list_collections());
  BOOST_REQUIRE_EQUAL(listed.size(), 2u);
  BOOST_TEST(listed[0].name == "c");
  BOOST_TEST(listed[0].dimension == 2u);
  BOOST_TEST(listed[0].count == 1u);
  BOOST_TEST(listed[1].name == "new");
  BOOST_TEST((listed[1].metric == DistanceMetric::DotProduct));
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_collection_stats("c")).dimension == 3u);
  STRATA_REQUIRE_DONE(s.commit());

  auto c = STRATA_REQUIRE_OK(db.vector_collection_stats("c"));
  BOOST_TEST(c.dimension == 2u);
  BOOST_TEST(c.count == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_list_keys("c")) == Keys{"v1"},
             boost::test_tools::per_element());
  auto v1 = STRATA_REQUIRE_OK(db.vector_get("c", "v1"));
  BOOST_REQUIRE(v1.has_value());
  BOOST_TEST(v1->version == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_search("new", {1, 1}, 1)).front().key == "a");
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_search("c", {0, 1}, 1)).front().key == "v1");
}

BOOST_AUTO_TEST_CASE(a_drop_conflicts_with_a_concurrent_upsert_into_the_collection) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  seed_collection(db);
  auto s = db.session();
  STRATA_REQUIRE_DONE(s.set_space("mem"));
  STRATA_REQUIRE_DONE(s.begin());
  STRATA_REQUIRE_OK(s.vector_list_keys("c"));
  STRATA_REQUIRE_OK(s.vector_delete_collection("c"));
  STRATA_REQUIRE_OK(db.vector_upsert("c", "late", {0, 0, 1}));
  STRATA_REQUIRE_ERR(s.commit(), errc::TransactionConflict);
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_collection_stats("c")).count == 3u);

  // An upsert into a collection dropped after the snapshot conflicts too
  // (its read of the collection changed).
  STRATA_REQUIRE_DONE(s.begin());
  STRATA_REQUIRE_OK(s.vector_upsert("c", "v7", {0, 0, 1}));
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_delete_collection("c")));
  STRATA_REQUIRE_ERR(s.commit(), errc::TransactionConflict);
  STRATA_REQUIRE_ERR(db.vector_get("c", "v7"), errc::CollectionNotFound);
}

BOOST_AUTO_TEST_CASE(bad_vector_writes_in_a_transaction_are_refused_and_buffer_nothing) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  seed_collection(db);
  auto s = db.session();
  STRATA_REQUIRE_DONE(s.set_space("mem"));
  STRATA_REQUIRE_DONE(s.begin());
  STRATA_REQUIRE_ERR(s.vector_upsert("c", "short", {1, 0}), errc::DimensionMismatch);
  STRATA_REQUIRE_ERR(s.vector_upsert("c", "", {1, 0, 0}), errc::InvalidInput);
  STRATA_REQUIRE_ERR(s.vector_upsert("nope", "k", {1, 0, 0}), errc::CollectionNotFound);
  STRATA_REQUIRE_ERR(s.vector_upsert("bad/name", "k", {1, 0, 0}), errc::InvalidInput);
  STRATA_REQUIRE_ERR(s.vector_create_collection("z", 0, DistanceMetric::Cosine),
                     errc::InvalidInput);
  STRATA_REQUIRE_ERR(s.vector_search("c", {1, 0}, 1), errc::DimensionMismatch);
  // One bad entry of a batch: none of it is buffered.
  STRATA_REQUIRE_ERR(s.vector_batch_upsert("c", {{"ok", {1, 0, 0}, std::nullopt},
                                                 {"bad", {1, 0}, std::nullopt}}),
                     errc::DimensionMismatch);
  STRATA_REQUIRE_OK(s.vector_upsert("c", "good", {0, 0, 1}));
  STRATA_REQUIRE_DONE(s.commit());
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_list_keys("c")) == (Keys{"good", "v1", "v2"}),
             boost::test_tools::per_element());
  // A read-only transaction refuses vector writes.
  STRATA_REQUIRE_DONE(s.begin_read_only());
  STRATA_REQUIRE_ERR(s.vector_upsert("c", "x", {0, 0, 1}), errc::InvalidInput);
  STRATA_REQUIRE_ERR(s.vector_delete_collection("c"), errc::InvalidInput);
  STRATA_REQUIRE_DONE(s.rollback());
}

BOOST_AUTO_TEST_CASE(committed_vectors_survive_a_reopen_with_their_order) {
  TempDir dir;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    seed_collection(db);
    auto s = db.session();
    STRATA_REQUIRE_DONE(s.set_space("mem"));
    STRATA_REQUIRE_DONE(s.begin());
    // Equal scores: ties go by insertion order, v1 first, then the new ones.
    STRATA_REQUIRE_OK(s.vector_upsert("c", "a-tie", {1, 0, 0}));
    STRATA_REQUIRE_DONE(s.set_space("other"));
    STRATA_REQUIRE_OK(s.kv_put("k", 1));
    STRATA_REQUIRE_DONE(s.commit());
    BOOST_TEST(keys_of(STRATA_REQUIRE_OK(db.vector_search("c", {1, 0, 0}, 2))) ==
                   (Keys{"v1", "a-tie"}),
               boost::test_tools::per_element());
  }
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  STRATA_REQUIRE_DONE(db.set_space("mem"));
  BOOST_TEST(keys_of(STRATA_REQUIRE_OK(db.vector_search("c", {1, 0, 0}, 2))) ==
                 (Keys{"v1", "a-tie"}),
             boost::test_tools::per_element());
  for (const auto& store : STRATA_REQUIRE_OK(db.check()))
    BOOST_TEST(store.ok(), store.space << " has problems");
}

BOOST_AUTO_TEST_CASE(vector_commands_run_in_a_transaction_by_id) {
  namespace cmd = strata::cmd;
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  seed_collection(db);
  strata::Target at{"default", "mem"};
  auto id = STRATA_REQUIRE_OK(db.execute(strata::Command{cmd::Begin{at}}));
  at.txn = std::get<uint64_t>(id);
  STRATA_REQUIRE_OK(db.execute(strata::Command{
      cmd::VectorUpsert{at, "c", "cmd", {0, 0, 1}, std::nullopt}}));
  auto hits = STRATA_REQUIRE_OK(
      db.execute(strata::Command{cmd::VectorSearch{at, "c", {0, 0, 1}, 1, {}}}));
  BOOST_TEST(keys_of(std::get<std::vector<VectorMatch>>(hits)) == Keys{"cmd"},
             boost::test_tools::per_element());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.vector_get("c", "cmd")).has_value());
  STRATA_REQUIRE_OK(db.execute(strata::Command{cmd::Commit{at}}));
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_get("c", "cmd")).has_value());
}

BOOST_AUTO_TEST_CASE(concurrent_transactions_keep_the_index_equal_to_the_records) {
  // Four threads each commit 25 transactions that count in a shared cell
  // (read, then write: they conflict and retry) and upsert or delete a
  // vector in one space while logging in another. At the end the index
  // (search) holds exactly the stored vectors, and the counter equals the
  // number of commits.
  TempDir dir;
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  seed_collection(db);
  constexpr int threads = 4, per_thread = 25;
  std::vector<Session> sessions;
  for (int t = 0; t < threads; ++t)
    sessions.push_back(STRATA_REQUIRE_OK(db.new_handle()).session());
  std::vector<std::thread> workers;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      auto& s = sessions[t];
      for (int i = 0; i < per_thread; ++i) {
        auto key = "t" + std::to_string(t) + "-" + std::to_string(i % 7);
        for (;;) {
          bool ok = s.begin() && s.set_space("mem");
          auto n = ok ? s.state_get("count") : strata::result<std::optional<Value>>{std::nullopt};
          ok = ok && n;
          int64_t next = ok && *n ? *(**n).as_int() + 1 : 1;
          ok = ok && s.state_set("count", next);
          ok = ok && (i % 3 == 2 ? bool(s.vector_delete("c", key))
                                 : bool(s.vector_upsert("c", key, {1, float(t), float(i)})));
          ok = ok && s.set_space("log") && s.event_append("step", Object{{"t", t}});
          if (!ok) {
            ++failures;
            (void)s.rollback();
            break;
          }
          auto c = s.commit();
          if (c)
            break;
          if (!strata::is(c.error(), errc::TransactionConflict)) {
            ++failures;
            break;
          }
        }
      }
    });
  for (auto& w : workers)
    w.join();
  BOOST_REQUIRE_EQUAL(failures.load(), 0);
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_get("count")) ==
             std::optional<Value>(int64_t{threads * per_thread}));
  auto keys = STRATA_REQUIRE_OK(db.vector_list_keys("c"));
  auto hits = keys_of(STRATA_REQUIRE_OK(db.vector_search("c", {1, 1, 1}, 1000)));
  std::sort(hits.begin(), hits.end());
  BOOST_TEST(hits == keys, boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_collection_stats("c")).count == keys.size());
  STRATA_REQUIRE_DONE(db.set_space("log"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == uint64_t{threads * per_thread});
}

// A collection the transaction saw at its snapshot, dropped by another
// writer before the transaction reads its vectors: the snapshot's vectors
// are gone, so the read is a conflict — not "no such collection", which
// would contradict what the transaction already saw — and so is the commit.
BOOST_AUTO_TEST_CASE(a_collection_dropped_after_the_snapshot_is_a_conflict_to_read) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  seed_collection(db);
  auto s = db.session();
  STRATA_REQUIRE_DONE(s.set_space("mem"));
  STRATA_REQUIRE_DONE(s.begin());
  BOOST_TEST(STRATA_REQUIRE_OK(s.vector_collection_stats("c")).count == 2u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_delete_collection("c")));
  STRATA_REQUIRE_ERR(s.vector_get("c", "v1"), errc::TransactionConflict);
  STRATA_REQUIRE_ERR(s.vector_search("c", {1, 0, 0}, 2), errc::TransactionConflict);
  STRATA_REQUIRE_OK(s.kv_put("k", 1));
  STRATA_REQUIRE_ERR(s.commit(), errc::TransactionConflict);
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("k")).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
