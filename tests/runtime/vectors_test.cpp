// Vector collections through the public handle (SPEC 5.5).

#include <cmath>
#include <random>

#include "test_util.hpp"

using strata::DistanceMetric;
using strata::IndexKind;
using strata::MetadataFilter;
using strata::Strata;
using strata::Value;
using strata::errc;
using strata::test::TempDir;

namespace {

MetadataFilter filter(const char* json) {
  auto f = MetadataFilter::from_value(strata::test::json_value(json));
  BOOST_REQUIRE(f);
  return *f;
}

std::vector<std::string> keys_of(const std::vector<strata::VectorMatch>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms)
    out.push_back(m.key);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(vectors)

BOOST_AUTO_TEST_CASE(cosine_search_reproduces_the_worked_example) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.vector_create_collection("docs", 4, DistanceMetric::Cosine));
  STRATA_REQUIRE_OK(db.vector_upsert("docs", "a", {1, 0, 0, 0}));
  STRATA_REQUIRE_OK(db.vector_upsert("docs", "b", {0.9f, 0.1f, 0, 0}));
  auto hits = STRATA_REQUIRE_OK(db.vector_search("docs", {1, 0, 0, 0}, 10));
  BOOST_REQUIRE_EQUAL(hits.size(), 2u);
  BOOST_TEST(hits[0].key == "a");
  BOOST_TEST(std::abs(hits[0].score - 1.0) < 0.00005);
  BOOST_TEST(hits[1].key == "b");
  BOOST_TEST(std::abs(hits[1].score - 0.9939) < 0.00005);
}

BOOST_AUTO_TEST_CASE(euclidean_and_dot_product_orient_scores_higher_is_closer) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.vector_create_collection("e", 3, DistanceMetric::Euclidean));
  STRATA_REQUIRE_OK(db.vector_upsert("e", "origin", {0, 0, 0}));
  STRATA_REQUIRE_OK(db.vector_upsert("e", "unit", {1, 0, 0}));
  auto e = STRATA_REQUIRE_OK(db.vector_search("e", {2, 0, 0}, 2));
  BOOST_TEST(keys_of(e) == (std::vector<std::string>{"unit", "origin"}),
             boost::test_tools::per_element());
  BOOST_TEST(e[0].score == 0.5f);
  STRATA_REQUIRE_OK(db.vector_create_collection("d", 2, DistanceMetric::DotProduct));
  STRATA_REQUIRE_OK(db.vector_upsert("d", "small", {1, 1}));
  STRATA_REQUIRE_OK(db.vector_upsert("d", "big", {10, 10}));
  auto d = STRATA_REQUIRE_OK(db.vector_search("d", {1, 1}, 1));
  BOOST_TEST(d[0].key == "big");
  BOOST_TEST(d[0].score == 20.0f);
}

BOOST_AUTO_TEST_CASE(collection_errors_are_specific) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_ERR(db.vector_create_collection("c", 0, DistanceMetric::Cosine), errc::InvalidInput);
  STRATA_REQUIRE_ERR(db.vector_create_collection("_hidden", 3, DistanceMetric::Cosine),
                     errc::InvalidInput);
  STRATA_REQUIRE_ERR(db.vector_create_collection("a/b", 3, DistanceMetric::Cosine), errc::InvalidInput);
  STRATA_REQUIRE_OK(db.vector_create_collection("c", 3, DistanceMetric::Cosine));
  STRATA_REQUIRE_ERR(db.vector_create_collection("c", 3, DistanceMetric::Cosine),
                     errc::CollectionExists);
  STRATA_REQUIRE_ERR(db.vector_upsert("missing", "k", {1, 2, 3}), errc::CollectionNotFound);
  STRATA_REQUIRE_ERR(db.vector_search("missing", {1, 2, 3}, 1), errc::CollectionNotFound);
  STRATA_REQUIRE_ERR(db.vector_collection_stats("missing"), errc::CollectionNotFound);
  auto mismatch = db.vector_upsert("c", "k", {1, 2});
  BOOST_REQUIRE(!mismatch);
  BOOST_TEST(strata::is(mismatch.error(), errc::DimensionMismatch));
  BOOST_TEST(strata::message_of(mismatch.error()) == "dimension mismatch: expected 3, got 2");
  STRATA_REQUIRE_ERR(db.vector_search("c", {1, 2, 3, 4}, 1), errc::DimensionMismatch);
  STRATA_REQUIRE_ERR(db.vector_upsert("c", "", {1, 2, 3}), errc::InvalidInput);
  BOOST_TEST(!STRATA_REQUIRE_OK(db.vector_delete_collection("missing")));
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_collection_stats("c")).count == 0u);
}

BOOST_AUTO_TEST_CASE(upsert_get_replace_and_delete) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.vector_create_collection("c", 2, DistanceMetric::Cosine));
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_upsert("c", "k", {1, 0}, Value{strata::Object{{"tag", "x"}}})) == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_upsert("c", "k", {0, 1})) == 2u);
  auto v = STRATA_REQUIRE_OK(db.vector_get("c", "k"));
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(v->embedding == (std::vector<float>{0, 1}), boost::test_tools::per_element());
  BOOST_TEST(!v->metadata.has_value());
  BOOST_TEST(v->version == 2u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_collection_stats("c")).count == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_delete("c", "k")));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.vector_delete("c", "k")));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.vector_get("c", "k")).has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_search("c", {0, 1}, 5)).empty());
}

BOOST_AUTO_TEST_CASE(metadata_filters_in_both_json_forms) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.vector_create_collection("c", 2, DistanceMetric::Cosine));
  STRATA_REQUIRE_OK(db.vector_upsert("c", "sci", {1, 0}, Value{strata::Object{{"category", "science"}, {"year", 2021}}}));
  STRATA_REQUIRE_OK(db.vector_upsert("c", "art", {1, 0.1f}, Value{strata::Object{{"category", "art"}, {"year", 2019}}}));
  STRATA_REQUIRE_OK(db.vector_upsert("c", "none", {1, 0.2f}));
  auto a = STRATA_REQUIRE_OK(db.vector_search("c", {1, 0}, 10,
                                              filter(R"([{"field":"category","op":"eq","value":"science"}])")));
  BOOST_TEST(keys_of(a) == (std::vector<std::string>{"sci"}), boost::test_tools::per_element());
  auto b = STRATA_REQUIRE_OK(db.vector_search("c", {1, 0}, 10, filter(R"({"year":{"lt":2020}})")));
  BOOST_TEST(keys_of(b) == (std::vector<std::string>{"art"}), boost::test_tools::per_element());
  auto c = STRATA_REQUIRE_OK(db.vector_search("c", {1, 0}, 10,
                                              filter(R"({"category":{"in":["art","science"]}})")));
  BOOST_TEST(c.size() == 2u);
  auto all = STRATA_REQUIRE_OK(db.vector_search("c", {1, 0}, 10));
  BOOST_TEST(all.size() == 3u);
}

BOOST_AUTO_TEST_CASE(batch_upsert_is_all_or_nothing) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.vector_create_collection("c", 2, DistanceMetric::Cosine));
  auto bad = db.vector_batch_upsert("c", {{"a", {1, 0}, std::nullopt}, {"b", {1, 0, 0}, std::nullopt}});
  BOOST_REQUIRE(!bad);
  BOOST_TEST(strata::is(bad.error(), errc::DimensionMismatch));
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_collection_stats("c")).count == 0u);
  auto ok = STRATA_REQUIRE_OK(db.vector_batch_upsert("c", {{"a", {1, 0}, std::nullopt},
                                                          {"b", {0, 1}, std::nullopt},
                                                          {"a", {1, 1}, std::nullopt}}));
  BOOST_TEST(ok == (std::vector<uint64_t>{1, 1, 2}), boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_collection_stats("c")).count == 2u);
}

BOOST_AUTO_TEST_CASE(time_travel_sees_vectors_and_metadata_as_they_were) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.vector_create_collection("c", 2, DistanceMetric::Cosine));
  STRATA_REQUIRE_OK(db.vector_upsert("c", "k", {1, 0}, Value{strata::Object{{"v", 1}}}));
  auto t1 = STRATA_REQUIRE_OK(db.vector_get("c", "k"))->timestamp;
  STRATA_REQUIRE_OK(db.vector_upsert("c", "k", {0, 1}, Value{strata::Object{{"v", 2}}}));
  STRATA_REQUIRE_OK(db.vector_upsert("c", "later", {1, 0}));
  STRATA_REQUIRE_OK(db.vector_delete("c", "k"));
  auto old = STRATA_REQUIRE_OK(db.vector_get_at("c", "k", t1));
  BOOST_REQUIRE(old.has_value());
  BOOST_TEST(old->embedding == (std::vector<float>{1, 0}), boost::test_tools::per_element());
  auto then = STRATA_REQUIRE_OK(db.vector_search_at("c", {1, 0}, 10, {}, t1));
  BOOST_REQUIRE_EQUAL(then.size(), 1u);
  BOOST_TEST(then[0].key == "k");
  BOOST_TEST(then[0].metadata->to_json() == R"({"v":1})");
  auto now = STRATA_REQUIRE_OK(db.vector_search("c", {1, 0}, 10));
  BOOST_TEST(keys_of(now) == (std::vector<std::string>{"later"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(collections_persist_and_their_index_is_rebuilt_on_open) {
  TempDir dir;
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<std::vector<float>> vs(300, std::vector<float>(8));
  for (auto& v : vs)
    for (auto& x : v)
      x = u(rng);
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    STRATA_REQUIRE_DONE(db.set_space("embeddings"));
    STRATA_REQUIRE_OK(db.vector_create_collection("docs", 8, DistanceMetric::Euclidean, IndexKind::Hnsw));
    for (size_t i = 0; i < vs.size(); ++i)
      STRATA_REQUIRE_OK(db.vector_upsert("docs", "v" + std::to_string(i), vs[i],
                                         Value{strata::Object{{"i", static_cast<int64_t>(i)}}}));
    STRATA_REQUIRE_OK(db.vector_delete("docs", "v7"));
  }
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  STRATA_REQUIRE_DONE(db.set_space("embeddings"));
  auto info = STRATA_REQUIRE_OK(db.vector_collection_stats("docs"));
  BOOST_TEST(info.count == 299u);
  BOOST_TEST(info.dimension == 8u);
  BOOST_TEST(info.index_type == "hnsw");
  BOOST_TEST((info.metric == DistanceMetric::Euclidean));
  for (size_t i : {0u, 42u, 299u}) {
    auto hits = STRATA_REQUIRE_OK(db.vector_search("docs", vs[i], 1));
    BOOST_REQUIRE_EQUAL(hits.size(), 1u);
    BOOST_TEST(hits[0].key == "v" + std::to_string(i));
    BOOST_TEST(hits[0].metadata->to_json() == "{\"i\":" + std::to_string(i) + "}");
  }
  auto deleted = STRATA_REQUIRE_OK(db.vector_search("docs", vs[7], 300));
  for (const auto& h : deleted)
    BOOST_TEST_REQUIRE(h.key != "v7");
}

BOOST_AUTO_TEST_CASE(collections_are_per_space_and_make_a_space_non_empty) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  for (const char* tenant : {"acme-corp", "globex", "initech"}) {
    STRATA_REQUIRE_DONE(db.set_space(tenant));
    STRATA_REQUIRE_OK(db.kv_put("config", strata::Object{{"plan", "enterprise"}}));
    STRATA_REQUIRE_OK(db.vector_create_collection("docs", 384, DistanceMetric::Cosine));
  }
  STRATA_REQUIRE_DONE(db.set_space("empty-tenant"));
  STRATA_REQUIRE_OK(db.vector_create_collection("docs", 3, DistanceMetric::Cosine));
  STRATA_REQUIRE_DONE(db.set_space("default"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_list_collections()).empty());
  STRATA_REQUIRE_ERR(db.delete_space("empty-tenant"), errc::ConstraintViolation);
  STRATA_REQUIRE_DONE(db.set_space("acme-corp"));
  auto colls = STRATA_REQUIRE_OK(db.vector_list_collections());
  BOOST_REQUIRE_EQUAL(colls.size(), 1u);
  BOOST_TEST(colls[0].dimension == 384u);
  STRATA_REQUIRE_DONE(db.set_space("default"));
  STRATA_REQUIRE_DONE(db.delete_space_force("acme-corp"));
  STRATA_REQUIRE_DONE(db.set_space("acme-corp"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_list_collections()).empty());
}

BOOST_AUTO_TEST_CASE(dropping_a_collection_removes_its_vectors_for_good) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.vector_create_collection("c", 2, DistanceMetric::Cosine));
  STRATA_REQUIRE_OK(db.vector_upsert("c", "k", {1, 0}));
  STRATA_REQUIRE_OK(db.vector_create_collection("c2", 2, DistanceMetric::Cosine));
  STRATA_REQUIRE_OK(db.vector_upsert("c2", "k", {1, 0}));
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_delete_collection("c")));
  STRATA_REQUIRE_ERR(db.vector_get("c", "k"), errc::CollectionNotFound);
  STRATA_REQUIRE_OK(db.vector_create_collection("c", 3, DistanceMetric::Euclidean));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.vector_get("c", "k")).has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_collection_stats("c")).dimension == 3u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.vector_get("c2", "k")).has_value());
}

BOOST_AUTO_TEST_CASE(vector_and_collection_dimension_limits_hold_at_the_boundary) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.vector_create_collection("at", 8192, DistanceMetric::DotProduct));
  STRATA_REQUIRE_OK(db.vector_upsert("at", "k", std::vector<float>(8192, 0.5f)));
  STRATA_REQUIRE_OK(db.vector_create_collection("past", 8193, DistanceMetric::DotProduct));
  STRATA_REQUIRE_ERR(db.vector_upsert("past", "k", std::vector<float>(8193, 0.5f)),
                     errc::ConstraintViolation);
  STRATA_REQUIRE_OK(db.vector_create_collection("max", 65536, DistanceMetric::DotProduct));
  STRATA_REQUIRE_ERR(db.vector_create_collection("over", 65537, DistanceMetric::DotProduct),
                     errc::InvalidInput);
  STRATA_REQUIRE_OK(db.vector_create_collection(std::string(256, 'c'), 1, DistanceMetric::Cosine));
  STRATA_REQUIRE_ERR(db.vector_create_collection(std::string(257, 'c'), 1, DistanceMetric::Cosine),
                     errc::InvalidInput);
}

BOOST_AUTO_TEST_SUITE_END()
