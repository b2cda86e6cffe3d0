// The KV store through the public handle (SPEC 5.1): versions, history,
// time travel, listing, batches, and every value type.

#include <cmath>
#include <limits>

#include "test_util.hpp"

using strata::Strata;
using strata::Value;
using strata::errc;
using Names = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(kv)

BOOST_AUTO_TEST_CASE(put_returns_per_key_versions_starting_at_one) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_put("counter", 1)) == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_put("counter", 2)) == 2u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_put("other", 1)) == 1u);
  auto v = STRATA_REQUIRE_OK(db.kv_get_versioned("counter"));
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(v->version == 2u);
  BOOST_TEST(v->value == Value{2});
  BOOST_TEST(v->timestamp > 0u);
}

BOOST_AUTO_TEST_CASE(versions_are_never_reused_after_a_delete) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  auto v1 = STRATA_REQUIRE_OK(db.kv_put("k", "a"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_delete("k")));
  auto v2 = STRATA_REQUIRE_OK(db.kv_put("k", "b"));
  BOOST_TEST(v2 > v1 + 1);
}

BOOST_AUTO_TEST_CASE(delete_reports_whether_the_key_existed) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.kv_put("k", 1));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_delete("k")));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_delete("k")));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_delete("never")));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("k")).has_value());
}

BOOST_AUTO_TEST_CASE(null_is_stored_as_a_value_not_a_delete) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.kv_put("nothing", nullptr));
  auto v = STRATA_REQUIRE_OK(db.kv_get("nothing"));
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(v->is_null());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list()) == (Names{"nothing"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(every_value_type_round_trips_exactly) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  std::vector<Value> values{
      Value{},
      Value{true},
      Value{std::numeric_limits<int64_t>::max()},
      Value{std::numeric_limits<int64_t>::min()},
      Value{3.14},
      Value{-0.0},
      Value{std::numeric_limits<double>::infinity()},
      Value{std::string("with\0nul", 8)},
      Value{strata::Bytes{0, 1, 2, 255}},
      Value{strata::Array{1, "two", 3.0, strata::Array{}}},
      Value{strata::Object{{"z", 1}, {"a", strata::Object{{"nested", true}}}}},
  };
  for (size_t i = 0; i < values.size(); ++i)
    STRATA_REQUIRE_OK(db.kv_put("v" + std::to_string(i), values[i]));
  for (size_t i = 0; i < values.size(); ++i) {
    auto got = STRATA_REQUIRE_OK(db.kv_get("v" + std::to_string(i)));
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(got->kind() == values[i].kind());
    BOOST_TEST(*got == values[i]);
  }
  // Member order survives storage.
  auto obj = STRATA_REQUIRE_OK(db.kv_get("v10"));
  BOOST_TEST(obj->to_json() == R"({"z":1,"a":{"nested":true}})");
  // NaN is stored intact (NaN != NaN, so check the bits' meaning).
  STRATA_REQUIRE_OK(db.kv_put("nan", std::nan("")));
  auto nan = STRATA_REQUIRE_OK(db.kv_get("nan"));
  BOOST_REQUIRE(nan && nan->is_float());
  BOOST_TEST(std::isnan(*nan->as_float()));
}

BOOST_AUTO_TEST_CASE(int_and_float_and_string_and_bytes_stay_distinct) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.kv_put("i", 1));
  STRATA_REQUIRE_OK(db.kv_put("s", "a"));
  auto i = STRATA_REQUIRE_OK(db.kv_get("i"));
  auto s = STRATA_REQUIRE_OK(db.kv_get("s"));
  BOOST_TEST(*i != Value{1.0});
  BOOST_TEST(*s != Value{strata::Bytes{'a'}});
}

BOOST_AUTO_TEST_CASE(getv_lists_history_newest_first) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_getv("env")).has_value());
  for (const char* v : {"development", "staging", "production"})
    STRATA_REQUIRE_OK(db.kv_put("env", v));
  auto h = STRATA_REQUIRE_OK(db.kv_getv("env"));
  BOOST_REQUIRE(h.has_value());
  BOOST_REQUIRE_EQUAL(h->size(), 3u);
  BOOST_TEST((*h)[0].value == Value{"production"});
  BOOST_TEST((*h)[0].version == 3u);
  BOOST_TEST((*h)[2].value == Value{"development"});
  BOOST_TEST((*h)[0].timestamp > (*h)[1].timestamp);
  BOOST_TEST((*h)[1].timestamp > (*h)[2].timestamp);
}

BOOST_AUTO_TEST_CASE(get_at_returns_the_version_live_at_a_timestamp) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.kv_put("env", "development"));
  STRATA_REQUIRE_OK(db.kv_put("env", "staging"));
  STRATA_REQUIRE_OK(db.kv_put("env", "production"));
  auto h = *STRATA_REQUIRE_OK(db.kv_getv("env"));
  uint64_t t1 = h[2].timestamp, t2 = h[1].timestamp, t3 = h[0].timestamp;
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get_at("env", t1 - 1)).has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get_at("env", t1)) == std::optional<Value>("development"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get_at("env", t2 - 1)) ==
             std::optional<Value>("development"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get_at("env", t2)) == std::optional<Value>("staging"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get_at("env", t3 + 1000000)) ==
             std::optional<Value>("production"));
  // At or after a deletion the key reads as absent; before it, as it was.
  STRATA_REQUIRE_OK(db.kv_delete("env"));
  auto now = STRATA_REQUIRE_OK(db.kv_get_versioned("env"));
  BOOST_TEST(!now.has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get_at("env", t3)) == std::optional<Value>("production"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get_at("env", UINT64_MAX)).has_value());
}

BOOST_AUTO_TEST_CASE(list_is_sorted_by_bytes_and_filters_by_prefix) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  for (const char* k : {"user:2", "task:1", "user:1", "user:10", "Zed", "a"})
    STRATA_REQUIRE_OK(db.kv_put(k, 0));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list()) ==
                 (Names{"Zed", "a", "task:1", "user:1", "user:10", "user:2"}),
             boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list("user:")) == (Names{"user:1", "user:10", "user:2"}),
             boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list("nomatch")).empty());
  STRATA_REQUIRE_OK(db.kv_delete("user:10"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list("user:")) == (Names{"user:1", "user:2"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(list_page_resumes_strictly_after_the_cursor) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  for (int i = 0; i < 25; ++i) {
    char key[8];
    std::snprintf(key, sizeof key, "k%02d", i);
    STRATA_REQUIRE_OK(db.kv_put(key, i));
  }
  std::vector<std::string> all;
  strata::ListOptions opts;
  opts.limit = 10;
  for (;;) {
    auto page = STRATA_REQUIRE_OK(db.kv_list_page(opts));
    BOOST_TEST(page.size() <= 10u);
    if (page.empty())
      break;
    all.insert(all.end(), page.begin(), page.end());
    opts.cursor = page.back();
  }
  BOOST_REQUIRE_EQUAL(all.size(), 25u);
  BOOST_TEST(all.front() == "k00");
  BOOST_TEST(all.back() == "k24");
  opts.cursor = "k05";
  opts.limit = 2;
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list_page(opts)) == (Names{"k06", "k07"}),
             boost::test_tools::per_element());
  opts.limit = 0;
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list_page(opts)).empty());
}

BOOST_AUTO_TEST_CASE(list_at_shows_the_keys_live_at_a_timestamp) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.kv_put("a", 1));
  auto ta = STRATA_REQUIRE_OK(db.kv_get_versioned("a"))->timestamp;
  STRATA_REQUIRE_OK(db.kv_put("b", 1));
  STRATA_REQUIRE_OK(db.kv_delete("a"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list_at(std::nullopt, ta)) == (Names{"a"}),
             boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list_at(std::nullopt, UINT64_MAX)) == (Names{"b"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(batch_put_writes_valid_items_and_reports_invalid_ones) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  auto results = STRATA_REQUIRE_OK(db.kv_batch_put({
      {"a", 1},
      {"", 2},  // empty key
      {"a", 3},
      {"_strata/x", 4},  // reserved prefix
      {"b", 5},
  }));
  BOOST_REQUIRE_EQUAL(results.size(), 5u);
  BOOST_TEST(results[0].version == std::optional<uint64_t>(1));
  BOOST_TEST(!results[1].ok());
  BOOST_TEST(strata::is(results[1].error, errc::InvalidInput));
  BOOST_TEST(results[2].version == std::optional<uint64_t>(2));
  BOOST_TEST(strata::is(results[3].error, errc::InvalidInput));
  BOOST_TEST(results[4].version == std::optional<uint64_t>(1));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("a")) == std::optional<Value>(3));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list()) == (Names{"a", "b"}), boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_batch_put({})).empty());
}

BOOST_AUTO_TEST_CASE(commit_timestamps_increase_strictly_across_keys_and_spaces) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  uint64_t last = 0;
  for (int i = 0; i < 200; ++i) {
    STRATA_REQUIRE_DONE(db.set_space(i % 2 ? "odd" : "even"));
    auto key = "k" + std::to_string(i % 7);
    STRATA_REQUIRE_OK(db.kv_put(key, i));
    auto ts = STRATA_REQUIRE_OK(db.kv_get_versioned(key))->timestamp;
    BOOST_TEST_REQUIRE(ts > last);
    last = ts;
  }
}

// kv_scan: keys with values in one call, paged by cursor; deletions are
// skipped; the past with kv_scan_at; a transaction scans its own view.
BOOST_AUTO_TEST_CASE(scan_returns_values_in_pages) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  for (int i = 0; i < 250; ++i)
    STRATA_REQUIRE_OK(db.kv_put("k" + std::to_string(1000 + i), i));
  STRATA_REQUIRE_OK(db.kv_put("k1000", "updated"));
  STRATA_REQUIRE_OK(db.kv_delete("k1001"));
  STRATA_REQUIRE_OK(db.kv_put("other", 1));
  auto first = STRATA_REQUIRE_OK(db.kv_scan({"k", std::nullopt, std::nullopt}));
  BOOST_REQUIRE_EQUAL(first.items.size(), 100u);  // the default page
  BOOST_TEST(first.items[0].key == "k1000");
  BOOST_TEST(first.items[0].value == Value("updated"));
  BOOST_TEST(first.items[0].version == 2u);
  BOOST_TEST(first.items[0].timestamp ==
             STRATA_REQUIRE_OK(db.kv_get_versioned("k1000"))->timestamp);
  BOOST_TEST(first.items[1].key == "k1002");  // the deleted k1001 is not there
  BOOST_REQUIRE(first.cursor.has_value());
  BOOST_TEST(*first.cursor == first.items.back().key);
  // Paging through the rest meets every live key once, in order.
  std::vector<std::string> seen;
  for (const auto& kv : first.items)
    seen.push_back(kv.key);
  strata::ListOptions opts{"k", first.cursor, 60};
  for (;;) {
    auto page = STRATA_REQUIRE_OK(db.kv_scan(opts));
    for (const auto& kv : page.items) {
      BOOST_TEST(kv.value == Value(static_cast<int64_t>(std::stoi(kv.key.substr(1)) - 1000)));
      seen.push_back(kv.key);
    }
    if (!page.cursor)
      break;
    opts.cursor = page.cursor;
  }
  BOOST_TEST(seen == STRATA_REQUIRE_OK(db.kv_list(std::string_view("k"))),
             boost::test_tools::per_element());
  // An exact last page has no cursor; limit 0 is empty; over 10,000 refused.
  auto all = STRATA_REQUIRE_OK(db.kv_scan({"", std::nullopt, 250}));
  BOOST_TEST(all.items.size() == 250u);  // 249 "k" keys and "other"
  BOOST_TEST(!all.cursor.has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_scan({"", std::nullopt, 0})).items.empty());
  STRATA_REQUIRE_ERR(db.kv_scan({"", std::nullopt, 10001}), errc::ConstraintViolation);
  STRATA_REQUIRE_ERR(db.kv_scan({std::string(2000, 'x'), std::nullopt, 1}),
                     errc::ConstraintViolation);
}

BOOST_AUTO_TEST_CASE(scan_at_reads_the_past_and_a_transaction_scans_its_view) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.kv_put("a", 1));
  STRATA_REQUIRE_OK(db.kv_put("b", 1));
  auto then = STRATA_REQUIRE_OK(db.kv_get_versioned("b"))->timestamp;
  STRATA_REQUIRE_OK(db.kv_put("a", 2));
  STRATA_REQUIRE_OK(db.kv_delete("b"));
  STRATA_REQUIRE_OK(db.kv_put("c", 1));
  auto past = STRATA_REQUIRE_OK(db.kv_scan_at({}, then));
  BOOST_REQUIRE_EQUAL(past.items.size(), 2u);
  BOOST_TEST(past.items[0].value == Value(1));
  BOOST_TEST(past.items[1].key == "b");
  auto now = STRATA_REQUIRE_OK(db.kv_scan());
  BOOST_REQUIRE_EQUAL(now.items.size(), 2u);
  BOOST_TEST(now.items[0].value == Value(2));
  BOOST_TEST(now.items[1].key == "c");

  auto s = db.session();
  STRATA_REQUIRE_DONE(s.begin());
  STRATA_REQUIRE_OK(s.kv_put("b", "mine"));
  STRATA_REQUIRE_OK(s.kv_delete("c"));
  auto view = STRATA_REQUIRE_OK(s.kv_scan());
  BOOST_REQUIRE_EQUAL(view.items.size(), 2u);
  BOOST_TEST(view.items[0].key == "a");
  BOOST_TEST(view.items[1].key == "b");
  BOOST_TEST(view.items[1].value == Value("mine"));
  BOOST_TEST(view.items[1].timestamp == 0u);  // not committed yet
  BOOST_TEST(STRATA_REQUIRE_OK(s.kv_scan({"", std::nullopt, 0})).items.empty());
  BOOST_TEST(STRATA_REQUIRE_OK(s.json_list(std::nullopt, std::nullopt, 0)).keys.empty());
  auto paged = STRATA_REQUIRE_OK(s.kv_scan({"", std::string("a"), 1}));
  BOOST_REQUIRE_EQUAL(paged.items.size(), 1u);
  BOOST_TEST(paged.items[0].key == "b");
  // The scan read the range: a commit into it by another writer conflicts.
  STRATA_REQUIRE_OK(db.kv_put("d", 1));
  STRATA_REQUIRE_ERR(s.commit(), errc::TransactionConflict);
}

BOOST_AUTO_TEST_CASE(time_range_spans_every_version_in_every_space) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.time_range()).has_value());
  STRATA_REQUIRE_OK(db.kv_put("a", 1));
  auto first = STRATA_REQUIRE_OK(db.kv_get_versioned("a"))->timestamp;
  STRATA_REQUIRE_OK(db.kv_put("a", 2));
  STRATA_REQUIRE_DONE(db.set_space("other"));
  STRATA_REQUIRE_OK(db.event_append("e", strata::Object{}));
  auto last = STRATA_REQUIRE_OK(db.event_get(1))->timestamp;
  auto range = STRATA_REQUIRE_OK(db.time_range());
  BOOST_REQUIRE(range.has_value());
  BOOST_TEST(range->first == first);
  BOOST_TEST(range->second == last);
}

// Deleted entries keep their history, readable with kv_get_at: the range
// covers it (and the deletions), on disk as in memory, vectors included.
BOOST_AUTO_TEST_CASE(time_range_covers_deleted_entries_and_every_primitive) {
  strata::test::TempDir dir;
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  STRATA_REQUIRE_OK(db.kv_put("a", 1));
  auto first = STRATA_REQUIRE_OK(db.kv_get_versioned("a"))->timestamp;
  STRATA_REQUIRE_OK(db.state_set("c", 1));
  STRATA_REQUIRE_OK(db.json_set("d", "$", 1));
  STRATA_REQUIRE_OK(db.kv_delete("a"));
  STRATA_REQUIRE_OK(db.state_delete("c"));
  STRATA_REQUIRE_OK(db.json_delete("d", "$"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list()).empty());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get_at("a", first)) == std::optional<Value>(1));
  auto range = STRATA_REQUIRE_OK(db.time_range());
  BOOST_REQUIRE(range.has_value());
  BOOST_TEST(range->first == first);
  BOOST_TEST(range->second > first);  // the deletions
  // A vector written last moves the end.
  STRATA_REQUIRE_DONE(db.set_space("vectors"));
  STRATA_REQUIRE_OK(db.vector_create_collection("v", 2, strata::DistanceMetric::Cosine));
  STRATA_REQUIRE_OK(db.vector_upsert("v", "x", {1, 0}));
  auto written = STRATA_REQUIRE_OK(db.vector_get("v", "x"))->timestamp;
  auto later = STRATA_REQUIRE_OK(db.time_range());
  BOOST_TEST(later->first == first);
  BOOST_TEST(later->second == written);
}

BOOST_AUTO_TEST_SUITE_END()
