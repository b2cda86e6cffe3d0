// Writes that say what happened: the `*_versioned` form of every write
// answers the version it created and its commit timestamp (WriteInfo), the
// same timestamp every read of the entry reports afterwards and the one to
// pass to the `*_at` reads; deletes answer their deletion's, or {0, 0} when
// nothing was live; a transaction's writes answer timestamp 0 and take the
// commit's.

#include <ostream>
#include <string>
#include <vector>

#include "test_util.hpp"

using strata::DistanceMetric;
using strata::Object;
using strata::Strata;
using strata::Value;
using strata::WriteInfo;
using strata::errc;

namespace strata {
// For Boost.Test's messages.
inline std::ostream& operator<<(std::ostream& os, const WriteInfo& w) {
  return os << "{version " << w.version << ", timestamp " << w.timestamp << "}";
}
}  // namespace strata

namespace {

// The timestamp a write answered, checked against the stored record's.
void check_same(const WriteInfo& w, uint64_t stored_version, uint64_t stored_ts) {
  BOOST_TEST(w.version == stored_version);
  BOOST_TEST(w.timestamp == stored_ts);
  BOOST_TEST(w.timestamp > 0u);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(write_info)

BOOST_AUTO_TEST_CASE(every_write_answers_the_version_and_timestamp_its_reads_see) {
  strata::test::TempDir dir;
  WriteInfo kv, ev, cell, doc, vec;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    auto first = STRATA_REQUIRE_OK(db.kv_put_versioned("k", 1));
    kv = STRATA_REQUIRE_OK(db.kv_put_versioned("k", 2));
    BOOST_TEST(first.version == 1u);
    BOOST_TEST(kv.version == 2u);
    BOOST_TEST(kv.timestamp > first.timestamp);
    auto got = STRATA_REQUIRE_OK(db.kv_get_versioned("k"));
    check_same(kv, got->version, got->timestamp);
    // The answered timestamps are the boundaries of time travel.
    BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get_at("k", kv.timestamp)) == std::optional<Value>(2));
    BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get_at("k", kv.timestamp - 1)) == std::optional<Value>(1));
    BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get_at("k", first.timestamp - 1)).has_value());

    ev = STRATA_REQUIRE_OK(db.event_append_versioned("note", Object{{"n", 1}}));
    auto event = STRATA_REQUIRE_OK(db.event_get(1));
    check_same(ev, event->version, event->timestamp);

    cell = STRATA_REQUIRE_OK(db.state_set_versioned("c", "a"));
    auto c = STRATA_REQUIRE_OK(db.state_get_versioned("c"));
    check_same(cell, c->version, c->timestamp);
    // state_init on a live cell writes nothing and answers the live cell.
    auto init = STRATA_REQUIRE_OK(db.state_init_versioned("c", "ignored"));
    BOOST_TEST(init == cell);
    auto fresh = STRATA_REQUIRE_OK(db.state_init_versioned("d", "new"));
    BOOST_TEST(fresh.version == 1u);
    BOOST_TEST(fresh.timestamp > cell.timestamp);

    doc = STRATA_REQUIRE_OK(db.json_set_versioned("doc", "$.a", 1));
    auto d = STRATA_REQUIRE_OK(db.json_get_versioned("doc"));
    check_same(doc, d->version, d->timestamp);

    STRATA_REQUIRE_OK(db.vector_create_collection("v", 2, DistanceMetric::Cosine));
    vec = STRATA_REQUIRE_OK(db.vector_upsert_versioned("v", "x", {1.0f, 0.0f}));
    auto entry = STRATA_REQUIRE_OK(db.vector_get("v", "x"));
    check_same(vec, entry->version, entry->timestamp);
  }
  // The answers name what was made durable: the same after a reopen.
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get_versioned("k"))->timestamp == kv.timestamp);
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_get(1))->timestamp == ev.timestamp);
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_get_versioned("c"))->timestamp == cell.timestamp);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_get_versioned("doc"))->timestamp == doc.timestamp);
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_get("v", "x"))->timestamp == vec.timestamp);
}

BOOST_AUTO_TEST_CASE(deletes_answer_their_deletion_or_zero_when_nothing_was_live) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  auto put = STRATA_REQUIRE_OK(db.kv_put_versioned("k", "v"));
  auto del = STRATA_REQUIRE_OK(db.kv_delete_versioned("k"));
  BOOST_TEST(del.version == put.version + 1);
  BOOST_TEST(del.timestamp > put.timestamp);
  // Before the deletion's timestamp the value is there; from it on, not.
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get_at("k", del.timestamp - 1)) == std::optional<Value>("v"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get_at("k", del.timestamp)).has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_delete_versioned("k")) == WriteInfo{});
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_delete_versioned("never")) == WriteInfo{});
  // The next write goes on after the deletion's version.
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_put_versioned("k", "again")).version == del.version + 1);

  auto cell = STRATA_REQUIRE_OK(db.state_set_versioned("c", 1));
  auto cell_del = STRATA_REQUIRE_OK(db.state_delete_versioned("c"));
  BOOST_TEST(cell_del.version == cell.version + 1);
  BOOST_TEST(cell_del.timestamp > cell.timestamp);
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_delete_versioned("c")) == WriteInfo{});

  // A JSON delete at a path writes a new version of the document; a
  // missing path or document writes nothing.
  STRATA_REQUIRE_OK(db.json_set_versioned("doc", "$", Object{{"a", 1}, {"b", 2}}));
  auto member = STRATA_REQUIRE_OK(db.json_delete_versioned("doc", "$.a"));
  BOOST_TEST(member.version == 2u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_get_versioned("doc"))->timestamp == member.timestamp);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_delete_versioned("doc", "$.a")) == WriteInfo{});
  auto whole = STRATA_REQUIRE_OK(db.json_delete_versioned("doc"));
  BOOST_TEST(whole.version == 3u);
  BOOST_TEST(!STRATA_REQUIRE_OK(db.json_get_at("doc", "$", whole.timestamp)).has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_get_at("doc", "$.b", whole.timestamp - 1)) ==
             std::optional<Value>(2));
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_delete_versioned("doc")) == WriteInfo{});
  // The classic answers are unchanged.
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_delete("doc")) == 0u);
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_delete("never")));

  STRATA_REQUIRE_OK(db.vector_create_collection("v", 2, DistanceMetric::Cosine));
  auto up = STRATA_REQUIRE_OK(db.vector_upsert_versioned("v", "x", {0.0f, 1.0f}));
  auto gone = STRATA_REQUIRE_OK(db.vector_delete_versioned("v", "x"));
  BOOST_TEST(gone.version == up.version + 1);
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_get_at("v", "x", gone.timestamp - 1)).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.vector_get_at("v", "x", gone.timestamp)).has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_delete_versioned("v", "x")) == WriteInfo{});
}

BOOST_AUTO_TEST_CASE(a_swap_and_batch_items_carry_their_timestamps) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  auto swapped = STRATA_REQUIRE_OK(db.state_cas_detailed("c", std::nullopt, 1));
  BOOST_REQUIRE(swapped.swapped);
  auto c = STRATA_REQUIRE_OK(db.state_get_versioned("c"));
  BOOST_TEST(swapped.timestamp == c->timestamp);
  auto miss = STRATA_REQUIRE_OK(db.state_cas_detailed("c", 7, 2));
  BOOST_TEST(!miss.swapped);
  BOOST_TEST(miss.timestamp == 0u);
  BOOST_TEST(miss.current->timestamp == c->timestamp);

  auto items = STRATA_REQUIRE_OK(db.kv_batch_put({{"a", 1}, {"", 2}, {"b", 3}}));
  BOOST_REQUIRE(items.size() == 3u);
  BOOST_TEST(items[1].timestamp == 0u);  // its error, nothing written
  BOOST_TEST(items[0].timestamp == STRATA_REQUIRE_OK(db.kv_get_versioned("a"))->timestamp);
  BOOST_TEST(items[2].timestamp == STRATA_REQUIRE_OK(db.kv_get_versioned("b"))->timestamp);
  auto events = STRATA_REQUIRE_OK(db.event_batch_append({{"t", Object{}}, {"t", Object{}}}));
  BOOST_TEST(events[1].timestamp == STRATA_REQUIRE_OK(db.event_get(2))->timestamp);
  BOOST_TEST(events[1].timestamp > events[0].timestamp);
}

BOOST_AUTO_TEST_CASE(bad_input_to_a_versioned_write_is_refused_and_writes_nothing) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_ERR(db.kv_put_versioned("", 1), errc::InvalidInput);
  STRATA_REQUIRE_ERR(db.json_set_versioned("doc", "$[", 1), errc::InvalidPath);
  STRATA_REQUIRE_ERR(db.event_append_versioned("t", 1), errc::InvalidInput);
  STRATA_REQUIRE_ERR(db.vector_upsert_versioned("none", "x", {1.0f}), errc::CollectionNotFound);
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list()).empty());
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 0u);
  BOOST_TEST(!STRATA_REQUIRE_OK(db.json_get("doc")).has_value());
}

BOOST_AUTO_TEST_CASE(a_transactions_writes_answer_timestamp_zero_and_take_the_commits) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.kv_put("old", 1));
  auto s = db.session();
  // Outside a transaction a session's write is direct: a real timestamp.
  auto direct = STRATA_REQUIRE_OK(s.kv_put_versioned("direct", 1));
  BOOST_TEST(direct.timestamp > 0u);
  STRATA_REQUIRE_DONE(s.begin());
  auto put = STRATA_REQUIRE_OK(s.kv_put_versioned("k", 1));
  BOOST_TEST(put == (WriteInfo{1, 0}));
  auto del = STRATA_REQUIRE_OK(s.kv_delete_versioned("old"));
  BOOST_TEST(del == (WriteInfo{2, 0}));
  BOOST_TEST(STRATA_REQUIRE_OK(s.kv_delete_versioned("never")) == WriteInfo{});
  STRATA_REQUIRE_DONE(s.set_space("log"));
  auto ev = STRATA_REQUIRE_OK(s.event_append_versioned("t", Object{}));
  BOOST_TEST(ev == (WriteInfo{1, 0}));
  STRATA_REQUIRE_DONE(s.commit());
  const uint64_t ts = s.last_commit_timestamp();
  BOOST_TEST(ts > direct.timestamp);
  // Every write of the commit carries the commit's timestamp.
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get_versioned("k"))->timestamp == ts);
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get_at("old", ts - 1)) == std::optional<Value>(1));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get_at("old", ts)).has_value());
  STRATA_REQUIRE_DONE(db.set_space("log"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_get(1))->timestamp == ts);
}

BOOST_AUTO_TEST_SUITE_END()
