// JSON documents through the public handle (SPEC 5.4).

#include <cmath>

#include "test_util.hpp"

using strata::Strata;
using strata::Value;
using strata::errc;
using strata::test::TempDir;
using strata::test::json_value;
using Names = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(json_docs)

BOOST_AUTO_TEST_CASE(set_at_the_root_creates_the_document_in_insertion_order) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_set("config", "$",
                                           json_value(R"({"model":"gpt-4","temperature":0.7,"max_tokens":1000})"))) ==
             1u);
  auto doc = STRATA_REQUIRE_OK(db.json_get("config"));
  BOOST_REQUIRE(doc.has_value());
  BOOST_TEST(doc->to_json() == R"({"model":"gpt-4","temperature":0.7,"max_tokens":1000})");
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_get("config", "$.temperature")) == std::optional<Value>(0.7));
}

BOOST_AUTO_TEST_CASE(every_mutation_bumps_the_document_version) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_set("doc", "$.a", 1)) == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_set("doc", "$.b.c", "deep")) == 2u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_set("doc", "$.list", strata::Array{})) == 3u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_set("doc", "$.list[0]", "x")) == 4u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_delete("doc", "$.a")) == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_get_versioned("doc"))->version == 5u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_get("doc"))->to_json() == R"({"b":{"c":"deep"},"list":["x"]})");
}

BOOST_AUTO_TEST_CASE(array_indexes_replace_append_and_refuse_past_the_end) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.json_set("d", "$", json_value(R"({"items":[1,2]})")));
  STRATA_REQUIRE_OK(db.json_set("d", "$.items[0]", 10));
  STRATA_REQUIRE_OK(db.json_set("d", "$.items[2]", 3));
  STRATA_REQUIRE_ERR(db.json_set("d", "$.items[9]", 4), errc::InvalidPath);
  STRATA_REQUIRE_ERR(db.json_set("d", "$.items.name", 4), errc::WrongType);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_get("d"))->to_json() == R"({"items":[10,2,3]})");
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_get_versioned("d"))->version == 3u);
}

BOOST_AUTO_TEST_CASE(delete_shifts_elements_and_root_delete_destroys_the_document) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.json_set("d", "$", json_value(R"({"a":[1,2,3]})")));
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_delete("d", "$.a[0]")) == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_get("d", "$.a"))->to_json() == "[2,3]");
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_delete("d", "$.missing")) == 0u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_delete("d", "$")) == 1u);
  BOOST_TEST(!STRATA_REQUIRE_OK(db.json_get("d")).has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_delete("d", "$")) == 0u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_delete("never", "$.x")) == 0u);
}

BOOST_AUTO_TEST_CASE(missing_paths_and_bad_paths_are_told_apart) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.json_set("d", "$", json_value(R"({"a":{"b":1},"arr":[1]})")));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.json_get("d", "$.nope")).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.json_get("d", "$.a[0]")).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.json_get("d", "$.arr[5]")).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.json_get("missing", "$.a")).has_value());
  for (const char* bad : {"$.", "a..b", "$[0", "$[-1]", "$.a b", "$.*"})
    STRATA_REQUIRE_ERR(db.json_get("d", bad), errc::InvalidPath);
  STRATA_REQUIRE_ERR(db.json_set("d", "$.", 1), errc::InvalidPath);
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_get("d", ""))->to_json() == R"({"a":{"b":1},"arr":[1]})");
}

BOOST_AUTO_TEST_CASE(non_finite_numbers_and_oversized_documents_are_refused) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_ERR(db.json_set("d", "$.x", std::nan("")), errc::Serialization);
  STRATA_REQUIRE_ERR(db.json_set("d", "$.x", strata::Array{HUGE_VAL}), errc::Serialization);
  // Depth 100 is accepted, 101 refused.
  Value deep = 1;
  for (int i = 0; i < 100; ++i)
    deep = strata::Array{deep};
  STRATA_REQUIRE_OK(db.json_set("deep", "$", deep));
  STRATA_REQUIRE_ERR(db.json_set("deeper", "$", strata::Array{deep}), errc::ConstraintViolation);
  // 16 MiB of JSON text is the limit.
  std::string big(16u << 20, 'x');
  STRATA_REQUIRE_ERR(db.json_set("big", "$", big), errc::ConstraintViolation);
  STRATA_REQUIRE_OK(db.json_set("big", "$", std::string((16u << 20) - 2, 'x')));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.json_get("d")).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.json_get("deeper")).has_value());
}

BOOST_AUTO_TEST_CASE(history_and_time_travel_apply_paths_to_old_documents) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.json_set("cfg", "$", json_value(R"({"model":"gpt-3"})")));
  auto t1 = STRATA_REQUIRE_OK(db.json_get_versioned("cfg"))->timestamp;
  STRATA_REQUIRE_OK(db.json_set("cfg", "$.model", "gpt-4"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_get_at("cfg", "$.model", t1)) == std::optional<Value>("gpt-3"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_get_at("cfg", "$.model", UINT64_MAX)) ==
             std::optional<Value>("gpt-4"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.json_get_at("cfg", "$", t1 - 1)).has_value());
  auto h = STRATA_REQUIRE_OK(db.json_getv("cfg"));
  BOOST_REQUIRE(h && h->size() == 2u);
  BOOST_TEST((*h)[0].value.to_json() == R"({"model":"gpt-4"})");
  BOOST_TEST((*h)[1].value.to_json() == R"({"model":"gpt-3"})");
}

BOOST_AUTO_TEST_CASE(list_pages_with_a_cursor_only_when_more_remain) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  for (int i = 0; i < 5; ++i)
    STRATA_REQUIRE_OK(db.json_set("doc" + std::to_string(i), "$", strata::Object{{"i", i}}));
  STRATA_REQUIRE_OK(db.json_set("other", "$", 1));
  auto page1 = STRATA_REQUIRE_OK(db.json_list("doc", std::nullopt, 2));
  BOOST_TEST(page1.keys == (Names{"doc0", "doc1"}), boost::test_tools::per_element());
  BOOST_REQUIRE(page1.cursor.has_value());
  auto page2 = STRATA_REQUIRE_OK(db.json_list("doc", *page1.cursor, 2));
  BOOST_TEST(page2.keys == (Names{"doc2", "doc3"}), boost::test_tools::per_element());
  auto page3 = STRATA_REQUIRE_OK(db.json_list("doc", *page2.cursor, 2));
  BOOST_TEST(page3.keys == (Names{"doc4"}), boost::test_tools::per_element());
  BOOST_TEST(!page3.cursor.has_value());
  auto exact = STRATA_REQUIRE_OK(db.json_list("doc", std::nullopt, 5));
  BOOST_TEST(exact.keys.size() == 5u);
  BOOST_TEST(!exact.cursor.has_value());
  STRATA_REQUIRE_OK(db.json_delete("doc0"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_list()).keys.size() == 5u);
}

BOOST_AUTO_TEST_CASE(batch_set_applies_items_in_order) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  auto r = STRATA_REQUIRE_OK(db.json_batch_set({{"a", "$", strata::Object{}},
                                                 {"a", "$.x", 1},
                                                 {"b", "$.[bad", 1},
                                                 {"a", "$.y", 2}}));
  BOOST_REQUIRE_EQUAL(r.size(), 4u);
  BOOST_TEST(r[0].ok());
  BOOST_TEST(r[1].ok());
  BOOST_TEST(strata::is(r[2].error, errc::InvalidPath));
  BOOST_TEST(r[3].ok());
  BOOST_TEST(STRATA_REQUIRE_OK(db.json_get("a"))->to_json() == R"({"x":1,"y":2})");
  BOOST_TEST(!STRATA_REQUIRE_OK(db.json_get("b")).has_value());
  // One version of "a" for its three sets, each answered with that
  // version's commit timestamp (as kv_batch_put answers); the failed item
  // with none.
  auto a = STRATA_REQUIRE_OK(db.json_get_versioned("a"));
  BOOST_REQUIRE(a.has_value());
  for (size_t i : {0, 1, 3}) {
    BOOST_TEST(*r[i].version == a->version);
    BOOST_TEST(r[i].timestamp == a->timestamp);
  }
  BOOST_TEST(a->timestamp != 0u);
  BOOST_TEST(r[2].timestamp == 0u);
}

BOOST_AUTO_TEST_CASE(documents_persist_across_reopen) {
  TempDir dir;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    STRATA_REQUIRE_OK(db.json_set("profile", "$.user.name", "Ada"));
    STRATA_REQUIRE_OK(db.json_set("profile", "$.user.langs", strata::Array{"en", "fr"}));
  }
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  auto doc = STRATA_REQUIRE_OK(db.json_get_versioned("profile"));
  BOOST_REQUIRE(doc.has_value());
  BOOST_TEST(doc->version == 2u);
  BOOST_TEST(doc->value.to_json() == R"({"user":{"name":"Ada","langs":["en","fr"]}})");
}

BOOST_AUTO_TEST_SUITE_END()
