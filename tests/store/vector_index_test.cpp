// VectorIndex (brute force and HNSW) and the vector vocabulary it is used
// with (SPEC 5.5 and 1.4): metrics and scores, tie order, replace and
// remove, filters, HNSW recall and the auto switch; metric names, metadata
// filters in both JSON forms, collection names and dimensions.

#include "strata/store/vector_index.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "../messages/test_util.hpp"
#include "strata/messages/vector_types.hpp"

using namespace strata;
using strata::store::IndexKind;
using strata::store::IndexParams;
using strata::store::VectorIndex;
using strata::store::vector_score;

namespace {

using Hits = std::vector<std::pair<uint64_t, float>>;
using Vec = std::vector<float>;

std::vector<uint64_t> ids_of(const Hits& hits) {
  std::vector<uint64_t> out;
  for (const auto& h : hits)
    out.push_back(h.first);
  return out;
}

// n vectors of `dim` floats uniform in [-1, 1], row-major.
Vec random_vectors(size_t n, size_t dim, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Vec out(n * dim);
  for (float& x : out)
    x = u(rng);
  return out;
}

// The exact answer by definition: score everything, sort, cut.
Hits naive_top_k(DistanceMetric metric, const Vec& data, size_t dim, const float* query, size_t k,
                 const std::vector<uint64_t>& ids) {
  Hits all;
  for (size_t i = 0; i < ids.size(); ++i)
    all.emplace_back(ids[i], vector_score(metric, query, data.data() + i * dim, dim));
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (all.size() > k)
    all.resize(k);
  return all;
}

Value json(std::string_view text) {
  auto v = Value::from_json(text);
  BOOST_REQUIRE_MESSAGE(v, "bad test JSON: " << text);
  return *v;
}

MetadataFilter filter(std::string_view text) {
  auto f = MetadataFilter::from_value(json(text));
  BOOST_REQUIRE_MESSAGE(f, "filter did not parse: " << text << ": " << test::why(f));
  return *f;
}

bool match(std::string_view filter_json, std::string_view metadata_json) {
  Value meta = json(metadata_json);
  return filter(filter_json).matches(&meta);
}

MetadataFilter one(std::string field, FilterCondition::Op op, Value value) {
  MetadataFilter f;
  f.conditions.push_back(FilterCondition{std::move(field), op, std::move(value)});
  return f;
}

// The parse error message for `text`, requiring InvalidInput.
std::string parse_error(std::string_view text) {
  auto f = MetadataFilter::from_value(json(text));
  BOOST_REQUIRE_MESSAGE(!f, "expected a parse error for " << text);
  BOOST_CHECK(strata::is(f.error(), errc::InvalidInput));
  return message_of(f.error());
}

std::string four_decimals(float score) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", static_cast<double>(score));
  return buf;
}

bool mentions(const std::string& message, std::string_view part) {
  return message.find(part) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(vector_index)

// -- metrics and names --------------------------------------------------------

BOOST_AUTO_TEST_CASE(parse_metric_accepts_every_documented_spelling_case_insensitively) {
  struct Case {
    const char* text;
    DistanceMetric metric;
  };
  const Case cases[] = {
      {"cosine", DistanceMetric::Cosine},         {"COSINE", DistanceMetric::Cosine},
      {"Euclidean", DistanceMetric::Euclidean},   {"euclidean", DistanceMetric::Euclidean},
      {"dot", DistanceMetric::DotProduct},        {"dot_product", DistanceMetric::DotProduct},
      {"DotProduct", DistanceMetric::DotProduct}, {"DOT_PRODUCT", DistanceMetric::DotProduct},
  };
  for (const auto& c : cases) {
    auto m = parse_metric(c.text);
    BOOST_TEST_REQUIRE(static_cast<bool>(m), c.text);
    BOOST_TEST((*m == c.metric), c.text);
  }
}

BOOST_AUTO_TEST_CASE(parse_metric_rejects_other_names_with_invalid_input) {
  for (const char* text : {"", "cos", "l2", "dot product", "inner", "cosine "}) {
    auto m = parse_metric(text);
    STRATA_CHECK_ERRC(m, errc::InvalidInput);
  }
  auto m = parse_metric("manhattan");
  BOOST_REQUIRE(!m);
  BOOST_TEST(mentions(message_of(m.error()), "manhattan"));
}

BOOST_AUTO_TEST_CASE(metric_names_are_the_spec_spellings_and_parse_back) {
  BOOST_TEST(std::string(to_string(DistanceMetric::Cosine)) == "cosine");
  BOOST_TEST(std::string(to_string(DistanceMetric::Euclidean)) == "euclidean");
  BOOST_TEST(std::string(to_string(DistanceMetric::DotProduct)) == "dot_product");
  for (auto m : {DistanceMetric::Cosine, DistanceMetric::Euclidean, DistanceMetric::DotProduct}) {
    auto parsed = parse_metric(to_string(m));
    BOOST_TEST_REQUIRE(static_cast<bool>(parsed));
    BOOST_TEST((*parsed == m));
  }
}

BOOST_AUTO_TEST_CASE(collection_names_of_1_to_256_bytes_without_slash_nul_or_leading_underscore_are_valid) {
  for (std::string name : {std::string("a"), std::string(256, 'x'), std::string("docs.v2-en"),
                           std::string("a_b"), std::string("has space"), std::string("émbeddings"),
                           std::string("x_")}) {
    auto err = validate_collection_name(name);
    BOOST_TEST(!err, name << ": " << test::why(err));
  }
  for (std::string name : {std::string(), std::string(257, 'x'), std::string("a/b"),
                           std::string("/"), std::string("a\0b", 3), std::string("_system_x"),
                           std::string("_hidden")}) {
    auto err = validate_collection_name(name);
    STRATA_CHECK_ERRC(err, errc::InvalidInput);
  }
}

BOOST_AUTO_TEST_CASE(dimension_must_be_between_1_and_65536) {
  STRATA_CHECK_ERRC(validate_dimension(0), errc::InvalidInput);
  STRATA_CHECK_NO_ERROR(validate_dimension(1));
  STRATA_CHECK_NO_ERROR(validate_dimension(8192));
  STRATA_CHECK_NO_ERROR(validate_dimension(65536));
  STRATA_CHECK_ERRC(validate_dimension(65537), errc::InvalidInput);
  STRATA_CHECK_ERRC(validate_dimension(UINT64_MAX), errc::InvalidInput);
}

// -- metadata filter: matching ------------------------------------------------

BOOST_AUTO_TEST_CASE(an_empty_filter_matches_everything_even_absent_metadata) {
  MetadataFilter f;
  BOOST_TEST(f.empty());
  Value null_meta, text_meta("x"), obj_meta = json(R"({"a":1})");
  BOOST_TEST(f.matches(nullptr));
  BOOST_TEST(f.matches(&null_meta));
  BOOST_TEST(f.matches(&text_meta));
  BOOST_TEST(f.matches(&obj_meta));
}

BOOST_AUTO_TEST_CASE(a_non_empty_filter_never_matches_absent_or_non_object_metadata) {
  auto f = filter(R"({"a":{"ne":"zzz"}})");
  BOOST_TEST(!f.empty());
  Value null_meta, text_meta("a"), array_meta = json(R"([{"a":"b"}])");
  BOOST_TEST(!f.matches(nullptr));
  BOOST_TEST(!f.matches(&null_meta));
  BOOST_TEST(!f.matches(&text_meta));
  BOOST_TEST(!f.matches(&array_meta));
  Value ok = json(R"({"a":"b"})");
  BOOST_TEST(f.matches(&ok));
}

BOOST_AUTO_TEST_CASE(eq_matches_equal_scalars_of_the_same_type) {
  BOOST_TEST(match(R"({"s":{"eq":"docs"}})", R"({"s":"docs"})"));
  BOOST_TEST(!match(R"({"s":{"eq":"docs"}})", R"({"s":"Docs"})"));
  BOOST_TEST(match(R"({"b":{"eq":true}})", R"({"b":true})"));
  BOOST_TEST(!match(R"({"b":{"eq":true}})", R"({"b":false})"));
  BOOST_TEST(match(R"({"n":{"eq":null}})", R"({"n":null})"));
  BOOST_TEST(match(R"({"i":{"eq":42}})", R"({"i":42})"));
  BOOST_TEST(!match(R"({"i":{"eq":42}})", R"({"i":43})"));
  BOOST_TEST(match(R"({"f":{"eq":2.5}})", R"({"f":2.5})"));
  // Ints compare exactly, also beyond double precision.
  BOOST_TEST(!match(R"({"i":{"eq":9007199254740993}})", R"({"i":9007199254740992})"));
}

BOOST_AUTO_TEST_CASE(eq_compares_int_and_float_numerically_within_f64_epsilon) {
  BOOST_TEST(match(R"({"n":{"eq":1}})", R"({"n":1.0})"));
  BOOST_TEST(match(R"({"n":{"eq":1.0}})", R"({"n":1})"));
  BOOST_TEST(match(R"({"n":{"eq":0.3}})", R"({"n":0.30000000000000004})"));
  BOOST_TEST(!match(R"({"n":{"eq":1}})", R"({"n":1.000001})"));
}

BOOST_AUTO_TEST_CASE(eq_across_types_is_false) {
  BOOST_TEST(!match(R"({"v":{"eq":true}})", R"({"v":1})"));
  BOOST_TEST(!match(R"({"v":{"eq":1}})", R"({"v":true})"));
  BOOST_TEST(!match(R"({"v":{"eq":"42"}})", R"({"v":42})"));
  BOOST_TEST(!match(R"({"v":{"eq":42}})", R"({"v":"42"})"));
  BOOST_TEST(!match(R"({"v":{"eq":null}})", R"({"v":0})"));
  BOOST_TEST(!match(R"({"v":{"eq":""}})", R"({"v":null})"));
  BOOST_TEST(!match(R"({"v":{"eq":false}})", R"({"v":null})"));
}

BOOST_AUTO_TEST_CASE(eq_never_matches_an_array_or_object_field) {
  BOOST_TEST(!match(R"({"v":{"eq":"a"}})", R"({"v":["a"]})"));
  BOOST_TEST(!match(R"({"v":{"eq":1}})", R"({"v":{"x":1}})"));
  Value bytes_meta = Object{{"v", Value(Bytes{'a'})}};
  BOOST_TEST(!one("v", FilterCondition::Op::Eq, "a").matches(&bytes_meta));
}

BOOST_AUTO_TEST_CASE(ne_negates_eq_but_a_missing_field_is_still_a_non_match) {
  BOOST_TEST(match(R"({"s":{"ne":"docs"}})", R"({"s":"web"})"));
  BOOST_TEST(!match(R"({"s":{"ne":"docs"}})", R"({"s":"docs"})"));
  BOOST_TEST(match(R"({"v":{"ne":1}})", R"({"v":"1"})"));
  BOOST_TEST(!match(R"({"v":{"ne":1}})", R"({"v":1.0})"));
  BOOST_TEST(!match(R"({"s":{"ne":"docs"}})", R"({"other":"web"})"));
  BOOST_TEST(!match(R"({"s":{"ne":"docs"}})", R"({})"));
}

BOOST_AUTO_TEST_CASE(gt_gte_lt_lte_compare_numbers_only) {
  const char* meta = R"({"i":5,"f":2.5,"s":"9","b":true,"n":null})";
  BOOST_TEST(match(R"({"i":{"gt":4}})", meta));
  BOOST_TEST(!match(R"({"i":{"gt":5}})", meta));
  BOOST_TEST(match(R"({"i":{"gte":5}})", meta));
  BOOST_TEST(!match(R"({"i":{"gte":5.5}})", meta));
  BOOST_TEST(match(R"({"i":{"lt":5.5}})", meta));
  BOOST_TEST(!match(R"({"i":{"lt":5}})", meta));
  BOOST_TEST(match(R"({"i":{"lte":5}})", meta));
  BOOST_TEST(!match(R"({"i":{"lte":4}})", meta));
  BOOST_TEST(match(R"({"f":{"gt":2}})", meta));
  BOOST_TEST(match(R"({"f":{"lte":2.5}})", meta));
  BOOST_TEST(!match(R"({"f":{"lt":2.5}})", meta));
  for (const char* op : {"gt", "gte", "lt", "lte"}) {
    std::string f = std::string(R"({"s":{")") + op + R"(":1}})";
    BOOST_TEST(!match(f, meta), op << " on a string field");
    f = std::string(R"({"b":{")") + op + R"(":0}})";
    BOOST_TEST(!match(f, meta), op << " on a bool field");
    f = std::string(R"({"n":{")") + op + R"(":0}})";
    BOOST_TEST(!match(f, meta), op << " on a null field");
    f = std::string(R"({"i":{")") + op + R"(":"5"}})";
    BOOST_TEST(!match(f, meta), op << " with a string value");
  }
}

BOOST_AUTO_TEST_CASE(in_with_an_array_value_matches_any_element) {
  const char* f = R"([{"field":"tag","op":"in","value":["a","b",3]}])";
  BOOST_TEST(match(f, R"({"tag":"a"})"));
  BOOST_TEST(match(f, R"({"tag":"b"})"));
  BOOST_TEST(match(f, R"({"tag":3.0})"));
  BOOST_TEST(!match(f, R"({"tag":"c"})"));
  BOOST_TEST(!match(f, R"({"tag":"3"})"));
  BOOST_TEST(!match(f, R"({"other":"a"})"));
  BOOST_TEST(match(R"({"tag":{"in":"a"}})", R"({"tag":"a"})"));
  BOOST_TEST(!match(R"({"tag":{"in":[]}})", R"({"tag":"a"})"));
}

BOOST_AUTO_TEST_CASE(several_in_conditions_on_one_field_are_ored_and_other_conditions_anded) {
  const char* f = R"([{"field":"cat","op":"in","value":"science"},
                      {"field":"year","op":"gte","value":2020},
                      {"field":"cat","op":"in","value":"art"},
                      {"field":"lang","op":"in","value":"en"}])";
  BOOST_TEST(match(f, R"({"cat":"science","year":2021,"lang":"en"})"));
  BOOST_TEST(match(f, R"({"cat":"art","year":2020,"lang":"en"})"));
  BOOST_TEST(!match(f, R"({"cat":"music","year":2021,"lang":"en"})"));
  BOOST_TEST(!match(f, R"({"cat":"art","year":2019,"lang":"en"})"));
  BOOST_TEST(!match(f, R"({"cat":"art","year":2021,"lang":"fr"})"));
  BOOST_TEST(!match(f, R"({"cat":"art","year":2021})"));
}

BOOST_AUTO_TEST_CASE(contains_matches_a_substring_of_a_string_field_only) {
  BOOST_TEST(match(R"({"t":{"contains":"quick"}})", R"({"t":"the quick fox"})"));
  BOOST_TEST(match(R"({"t":{"contains":""}})", R"({"t":"anything"})"));
  BOOST_TEST(!match(R"({"t":{"contains":"Quick"}})", R"({"t":"the quick fox"})"));
  BOOST_TEST(!match(R"({"t":{"contains":"1"}})", R"({"t":123})"));
  BOOST_TEST(!match(R"({"t":{"contains":"a"}})", R"({"t":["a"]})"));
  BOOST_TEST(!match(R"({"t":{"contains":1}})", R"({"t":"123"})"));
}

BOOST_AUTO_TEST_CASE(every_condition_must_hold) {
  const char* f = R"({"source":{"eq":"docs"},"year":{"gte":2020,"lt":2024}})";
  BOOST_TEST(match(f, R"({"source":"docs","year":2022})"));
  BOOST_TEST(!match(f, R"({"source":"web","year":2022})"));
  BOOST_TEST(!match(f, R"({"source":"docs","year":2024})"));
  BOOST_TEST(!match(f, R"({"source":"docs"})"));
}

BOOST_AUTO_TEST_CASE(a_condition_on_a_missing_field_fails_for_every_operator) {
  Value meta = json(R"({"present":1})");
  using Op = FilterCondition::Op;
  for (Op op : {Op::Eq, Op::Ne, Op::Gt, Op::Gte, Op::Lt, Op::Lte, Op::In, Op::Contains}) {
    Value value = op == Op::Contains ? Value("x") : Value(1);
    BOOST_TEST(!one("absent", op, value).matches(&meta), to_string(op));
  }
}

BOOST_AUTO_TEST_CASE(field_names_are_top_level_members_not_paths) {
  BOOST_TEST(match(R"({"a.b":{"eq":1}})", R"({"a.b":1})"));
  BOOST_TEST(!match(R"({"a.b":{"eq":1}})", R"({"a":{"b":1}})"));
}

// -- metadata filter: parsing -------------------------------------------------

BOOST_AUTO_TEST_CASE(filter_parses_the_array_form) {
  auto f = filter(R"([{"field":"category","op":"eq","value":"science"},
                      {"field":"year","op":"gte","value":2020}])");
  BOOST_TEST_REQUIRE(f.conditions.size() == 2u);
  BOOST_TEST(f.conditions[0].field == "category");
  BOOST_TEST((f.conditions[0].op == FilterCondition::Op::Eq));
  BOOST_TEST(f.conditions[0].value == Value("science"));
  BOOST_TEST(f.conditions[1].field == "year");
  BOOST_TEST((f.conditions[1].op == FilterCondition::Op::Gte));
  BOOST_TEST(f.conditions[1].value == Value(2020));
}

BOOST_AUTO_TEST_CASE(filter_parses_the_object_form_with_every_operator) {
  auto f = filter(R"({"a":{"eq":1,"ne":2,"gt":3,"gte":4,"lt":5,"lte":6,"in":[7,8],"contains":"x"},
                      "b":{"eq":null}})");
  using Op = FilterCondition::Op;
  std::vector<FilterCondition> expected = {
      {"a", Op::Eq, 1},  {"a", Op::Ne, 2},  {"a", Op::Gt, 3},
      {"a", Op::Gte, 4}, {"a", Op::Lt, 5},  {"a", Op::Lte, 6},
      {"a", Op::In, Array{7, 8}},           {"a", Op::Contains, "x"},
      {"b", Op::Eq, nullptr},
  };
  BOOST_TEST_REQUIRE(f.conditions.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    BOOST_TEST((f.conditions[i] == expected[i]), "condition " << i);
}

BOOST_AUTO_TEST_CASE(both_filter_forms_parse_to_the_same_filter) {
  auto from_array = filter(R"([{"field":"source","op":"eq","value":"docs"},
                               {"field":"n","op":"lt","value":2.5}])");
  auto from_object = filter(R"({"source":{"eq":"docs"},"n":{"lt":2.5}})");
  BOOST_TEST((from_array == from_object));
}

BOOST_AUTO_TEST_CASE(null_and_empty_containers_parse_to_the_empty_filter) {
  for (const char* text : {"null", "[]", "{}"}) {
    auto f = filter(text);
    BOOST_TEST(f.empty(), text);
  }
}

BOOST_AUTO_TEST_CASE(filter_parse_errors_are_invalid_input_naming_what_was_wrong) {
  BOOST_TEST(mentions(parse_error(R"({"a":{"like":"x"}})"), "unknown operator \"like\""));
  BOOST_TEST(mentions(parse_error(R"([{"field":"a","op":"EQ","value":1}])"), "\"EQ\""));
  BOOST_TEST(mentions(parse_error(R"([{"op":"eq","value":1}])"), "missing \"field\""));
  BOOST_TEST(mentions(parse_error(R"([{"field":"a","value":1}])"), "missing \"op\""));
  BOOST_TEST(mentions(parse_error(R"([{"field":"a","op":"eq"}])"), "missing \"value\""));
  BOOST_TEST(mentions(parse_error(R"([{"field":"a","op":"eq","value":1,"x":2}])"),
                      "unexpected member \"x\""));
  BOOST_TEST(mentions(parse_error(R"([{"field":1,"op":"eq","value":1}])"), "\"field\" must be a string"));
  BOOST_TEST(mentions(parse_error(R"([{"field":"","op":"eq","value":1}])"), "must not be empty"));
  BOOST_TEST(mentions(parse_error(R"([{"field":"a","op":3,"value":1}])"), "\"op\" must be a string"));
  BOOST_TEST(mentions(parse_error(R"(["a"])"), "condition 0"));
  BOOST_TEST(mentions(parse_error(R"("source")"), "expected an array of conditions or an object"));
  BOOST_TEST(mentions(parse_error("42"), "got Int"));
  BOOST_TEST(mentions(parse_error(R"({"source":"docs"})"), "field \"source\" needs an object"));
  BOOST_TEST(mentions(parse_error(R"({"source":{}})"), "has no operator"));
  BOOST_TEST(mentions(parse_error(R"({"a":{"eq":[1]}})"), "must be a scalar"));
  BOOST_TEST(mentions(parse_error(R"({"a":{"gt":{"x":1}}})"), "must be a scalar"));
  BOOST_TEST(mentions(parse_error(R"({"a":{"in":[1,[2]]}})"), "must be a scalar"));
}

// -- scores -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(cosine_worked_example_scores_1_and_0_9939) {
  VectorIndex index(4, DistanceMetric::Cosine);
  Vec a{1, 0, 0, 0}, b{0.9f, 0.1f, 0, 0}, q{1, 0, 0, 0};
  index.upsert(1, a.data());
  index.upsert(2, b.data());
  auto hits = index.search(q.data(), 10);
  BOOST_TEST_REQUIRE(hits.size() == 2u);
  BOOST_TEST(hits[0].first == 1u);
  BOOST_TEST(hits[1].first == 2u);
  BOOST_TEST(four_decimals(hits[0].second) == "1.0000");
  BOOST_TEST(four_decimals(hits[1].second) == "0.9939");
}

BOOST_AUTO_TEST_CASE(euclidean_ranks_unit_above_origin_for_query_2_0_0) {
  VectorIndex index(3, DistanceMetric::Euclidean);
  Vec origin{0, 0, 0}, unit{1, 0, 0}, q{2, 0, 0};
  index.upsert(1, origin.data());
  index.upsert(2, unit.data());
  auto hits = index.search(q.data(), 2);
  BOOST_TEST_REQUIRE(hits.size() == 2u);
  BOOST_TEST(hits[0].first == 2u);
  BOOST_TEST(hits[0].second == 0.5f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(hits[1].first == 1u);
  BOOST_TEST(hits[1].second == 1.0f / 3.0f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(vector_score(DistanceMetric::Euclidean, q.data(), q.data(), 3) == 1.0f);
}

BOOST_AUTO_TEST_CASE(dot_product_is_the_raw_unbounded_inner_product) {
  Vec a{2, 3, -1}, b{4, -1, 5};
  BOOST_TEST(vector_score(DistanceMetric::DotProduct, a.data(), b.data(), 3) == 0.0f);
  Vec big{10, 0, 0}, small{1, 0, 0}, q{3, 0, 0};
  VectorIndex index(3, DistanceMetric::DotProduct);
  index.upsert(1, small.data());
  index.upsert(2, big.data());
  auto hits = index.search(q.data(), 2);
  BOOST_TEST_REQUIRE(hits.size() == 2u);
  BOOST_TEST(hits[0].first == 2u);
  BOOST_TEST(hits[0].second == 30.0f);
  BOOST_TEST(hits[1].second == 3.0f);
}

BOOST_AUTO_TEST_CASE(vectors_are_never_normalized) {
  VectorIndex index(2, DistanceMetric::Cosine);
  Vec v{3, 4}, q{6, 8};
  index.upsert(7, v.data());
  const float* stored = index.vector(7);
  BOOST_TEST_REQUIRE(stored != nullptr);
  BOOST_TEST(stored[0] == 3.0f);
  BOOST_TEST(stored[1] == 4.0f);
  BOOST_TEST(vector_score(DistanceMetric::Cosine, v.data(), q.data(), 2) == 1.0f,
             boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(vector_score(DistanceMetric::DotProduct, v.data(), q.data(), 2) == 50.0f);
}

BOOST_AUTO_TEST_CASE(cosine_with_a_zero_norm_vector_scores_zero) {
  Vec zero{0, 0, 0}, v{1, 2, 3};
  BOOST_TEST(vector_score(DistanceMetric::Cosine, zero.data(), v.data(), 3) == 0.0f);
  BOOST_TEST(vector_score(DistanceMetric::Cosine, v.data(), zero.data(), 3) == 0.0f);
  BOOST_TEST(vector_score(DistanceMetric::Cosine, zero.data(), zero.data(), 3) == 0.0f);
  VectorIndex index(3, DistanceMetric::Cosine);
  Vec neg{-1, -2, -3};
  index.upsert(1, neg.data());
  index.upsert(2, zero.data());
  auto hits = index.search(v.data(), 2);
  BOOST_TEST_REQUIRE(hits.size() == 2u);
  BOOST_TEST(hits[0].first == 2u);
  BOOST_TEST(hits[0].second == 0.0f);
  BOOST_TEST(hits[1].second == -1.0f, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(cosine_scores_stay_within_minus_1_and_1) {
  Vec data = random_vectors(200, 7, 11);
  for (size_t i = 0; i + 1 < 200; ++i) {
    const float* a = data.data() + i * 7;
    float self = vector_score(DistanceMetric::Cosine, a, a, 7);
    float other = vector_score(DistanceMetric::Cosine, a, a + 7, 7);
    BOOST_REQUIRE(self <= 1.0f && self > 0.9999f);
    BOOST_REQUIRE(other <= 1.0f && other >= -1.0f);
  }
}

// -- brute force behaviour ----------------------------------------------------

BOOST_AUTO_TEST_CASE(an_empty_index_returns_no_results) {
  VectorIndex index(3, DistanceMetric::Cosine);
  Vec q{1, 0, 0};
  BOOST_TEST(index.size() == 0u);
  BOOST_TEST(index.search(q.data(), 10).empty());
  BOOST_TEST(std::string(index.kind_name()) == "brute_force");
}

BOOST_AUTO_TEST_CASE(equal_scores_break_ties_by_smaller_id_first) {
  VectorIndex index(2, DistanceMetric::Cosine);
  Vec same{1, 1}, q{1, 1};
  for (uint64_t id : {5, 3, 9, 1, 7})
    index.upsert(id, same.data());
  auto hits = index.search(q.data(), 3);
  BOOST_TEST(ids_of(hits) == (std::vector<uint64_t>{1, 3, 5}), boost::test_tools::per_element());
  // A better score still wins over a smaller id.
  Vec better{1, 2};
  Vec q2{1, 2};
  index.upsert(100, better.data());
  BOOST_TEST(index.search(q2.data(), 1)[0].first == 100u);
}

BOOST_AUTO_TEST_CASE(upsert_with_an_existing_id_replaces_its_vector) {
  VectorIndex index(2, DistanceMetric::Euclidean);
  Vec a{0, 0}, b{10, 10}, c{5, 5};
  index.upsert(1, a.data());
  index.upsert(2, c.data());
  index.upsert(1, b.data());
  BOOST_TEST(index.size() == 2u);
  BOOST_TEST(index.vector(1)[0] == 10.0f);
  auto hits = index.search(a.data(), 2);
  BOOST_TEST_REQUIRE(hits.size() == 2u);
  BOOST_TEST(hits[0].first == 2u);
  BOOST_TEST(hits[1].first == 1u);
  BOOST_TEST(hits[1].second == vector_score(DistanceMetric::Euclidean, a.data(), b.data(), 2));
}

BOOST_AUTO_TEST_CASE(remove_deletes_the_vector_and_reports_whether_it_existed) {
  VectorIndex index(2, DistanceMetric::Cosine);
  Vec a{1, 0}, b{0, 1}, c{1, 1};
  index.upsert(1, a.data());
  index.upsert(2, b.data());
  index.upsert(3, c.data());
  BOOST_TEST(index.remove(1));
  BOOST_TEST(!index.remove(1));
  BOOST_TEST(!index.remove(42));
  BOOST_TEST(index.size() == 2u);
  BOOST_TEST(!index.contains(1));
  BOOST_TEST(index.contains(2));
  BOOST_TEST(index.contains(3));
  BOOST_TEST(index.vector(1) == nullptr);
  // The slot of 1 was refilled: the other vectors must be intact.
  BOOST_TEST(index.vector(3)[0] == 1.0f);
  BOOST_TEST(index.vector(3)[1] == 1.0f);
  auto hits = index.search(a.data(), 10);
  BOOST_TEST(ids_of(hits) == (std::vector<uint64_t>{3, 2}), boost::test_tools::per_element());
  index.upsert(1, a.data());
  BOOST_TEST(index.search(a.data(), 1)[0].first == 1u);
}

BOOST_AUTO_TEST_CASE(accept_limits_results_to_accepted_ids) {
  VectorIndex index(1, DistanceMetric::DotProduct);
  for (uint64_t id = 1; id <= 20; ++id) {
    float v = static_cast<float>(id);
    index.upsert(id, &v);
  }
  float q = 1;
  auto hits = index.search(&q, 3, [](uint64_t id) { return id % 2 == 1; });
  BOOST_TEST(ids_of(hits) == (std::vector<uint64_t>{19, 17, 15}), boost::test_tools::per_element());
  BOOST_TEST(index.search(&q, 3, [](uint64_t) { return false; }).empty());
}

BOOST_AUTO_TEST_CASE(k_larger_than_the_index_returns_every_vector_and_k_zero_none) {
  VectorIndex index(2, DistanceMetric::Euclidean);
  Vec a{0, 0}, b{1, 0}, c{2, 0};
  index.upsert(1, a.data());
  index.upsert(2, b.data());
  index.upsert(3, c.data());
  auto hits = index.search(a.data(), 1000);
  BOOST_TEST(ids_of(hits) == (std::vector<uint64_t>{1, 2, 3}), boost::test_tools::per_element());
  BOOST_TEST(index.search(a.data(), 0).empty());
  BOOST_TEST(index.search(a.data(), SIZE_MAX).size() == 3u);
}

BOOST_AUTO_TEST_CASE(brute_force_matches_a_naive_ranking_for_every_metric) {
  const size_t n = 1000, dim = 19;
  Vec data = random_vectors(n, dim, 7);
  Vec queries = random_vectors(20, dim, 8);
  std::vector<uint64_t> ids;
  for (size_t i = 0; i < n; ++i)
    ids.push_back(i * 3 + 1);
  for (auto metric : {DistanceMetric::Cosine, DistanceMetric::Euclidean, DistanceMetric::DotProduct}) {
    VectorIndex index(dim, metric, IndexKind::BruteForce);
    for (size_t i = 0; i < n; ++i)
      index.upsert(ids[i], data.data() + i * dim);
    for (size_t qi = 0; qi < 20; ++qi) {
      const float* q = queries.data() + qi * dim;
      auto hits = index.search(q, 10);
      auto expected = naive_top_k(metric, data, dim, q, 10, ids);
      BOOST_REQUIRE_MESSAGE(hits == expected, to_string(metric) << " query " << qi);
    }
  }
}

BOOST_AUTO_TEST_CASE(dimension_zero_is_rejected_at_construction) {
  BOOST_CHECK_THROW(VectorIndex(0, DistanceMetric::Cosine), std::invalid_argument);
}

// -- HNSW ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(hnsw_recall_at_10_is_at_least_0_9_against_brute_force) {
  const size_t n = 5000, dim = 32, k = 10, nq = 100;
  Vec data = random_vectors(n, dim, 1);
  Vec queries = random_vectors(nq, dim, 2);
  VectorIndex hnsw(dim, DistanceMetric::Cosine, IndexKind::Hnsw);
  VectorIndex exact(dim, DistanceMetric::Cosine, IndexKind::BruteForce);
  for (size_t i = 0; i < n; ++i) {
    hnsw.upsert(i, data.data() + i * dim);
    exact.upsert(i, data.data() + i * dim);
  }
  BOOST_TEST(std::string(hnsw.kind_name()) == "hnsw");
  size_t found = 0;
  for (size_t qi = 0; qi < nq; ++qi) {
    const float* q = queries.data() + qi * dim;
    auto got = hnsw.search(q, k);
    auto truth = exact.search(q, k);
    BOOST_REQUIRE(got.size() == k);
    std::set<uint64_t> truth_ids;
    for (const auto& h : truth)
      truth_ids.insert(h.first);
    for (size_t i = 0; i < got.size(); ++i) {
      found += truth_ids.count(got[i].first);
      // Scores are exact (re-scored on the raw vectors) and ordered.
      BOOST_REQUIRE(got[i].second ==
                    vector_score(DistanceMetric::Cosine, q, data.data() + got[i].first * dim, dim));
      if (i > 0)
        BOOST_REQUIRE(got[i - 1].second >= got[i].second);
    }
  }
  double recall = static_cast<double>(found) / static_cast<double>(nq * k);
  BOOST_TEST_MESSAGE("HNSW recall@10 on 5000 x 32-d: " << recall);
  BOOST_TEST(recall >= 0.9);
}

BOOST_AUTO_TEST_CASE(hnsw_finds_exact_matches_under_every_metric) {
  const size_t n = 1500, dim = 12;
  Vec data = random_vectors(n, dim, 3);
  for (auto metric : {DistanceMetric::Cosine, DistanceMetric::Euclidean}) {
    VectorIndex index(dim, metric, IndexKind::Hnsw);
    for (size_t i = 0; i < n; ++i)
      index.upsert(i, data.data() + i * dim);
    size_t hits_at_top = 0;
    for (size_t i = 0; i < n; i += 15)
      hits_at_top += index.search(data.data() + i * dim, 5)[0].first == i;
    BOOST_TEST(hits_at_top >= 98u, to_string(metric) << ": " << hits_at_top << " of 100");
  }
  // Under dot product a longer vector can beat the query's own copy; the
  // graph must still return the true best for most queries.
  VectorIndex dot(dim, DistanceMetric::DotProduct, IndexKind::Hnsw);
  VectorIndex exact(dim, DistanceMetric::DotProduct, IndexKind::BruteForce);
  for (size_t i = 0; i < n; ++i) {
    dot.upsert(i, data.data() + i * dim);
    exact.upsert(i, data.data() + i * dim);
  }
  size_t agree = 0;
  for (size_t i = 0; i < n; i += 15)
    agree += dot.search(data.data() + i * dim, 5)[0] == exact.search(data.data() + i * dim, 5)[0];
  BOOST_TEST(agree >= 90u, "dot_product: " << agree << " of 100");
}

BOOST_AUTO_TEST_CASE(auto_mode_switches_to_hnsw_at_the_threshold_and_stays) {
  const size_t dim = 8;
  Vec data = random_vectors(300, dim, 4);
  IndexParams params;
  params.hnsw_threshold = 100;
  VectorIndex index(dim, DistanceMetric::Cosine, IndexKind::Auto, params);
  for (size_t i = 0; i < 99; ++i)
    index.upsert(i, data.data() + i * dim);
  BOOST_TEST(std::string(index.kind_name()) == "brute_force");
  index.upsert(99, data.data() + 99 * dim);
  BOOST_TEST(std::string(index.kind_name()) == "hnsw");
  for (size_t i = 100; i < 300; ++i)
    index.upsert(i, data.data() + i * dim);
  for (size_t i = 0; i < 300; i += 7) {
    auto hits = index.search(data.data() + i * dim, 3);
    BOOST_REQUIRE(hits.size() == 3u);
    BOOST_TEST(hits[0].first == i);
    BOOST_TEST(hits[0].second == 1.0f, boost::test_tools::tolerance(1e-6f));
  }
  for (size_t i = 0; i < 250; ++i)
    BOOST_REQUIRE(index.remove(i));
  BOOST_TEST(index.size() == 50u);
  BOOST_TEST(std::string(index.kind_name()) == "hnsw");
  for (size_t i = 250; i < 300; ++i)
    BOOST_TEST(index.search(data.data() + i * dim, 1)[0].first == i);

  VectorIndex forced(dim, DistanceMetric::Cosine, IndexKind::BruteForce, params);
  for (size_t i = 0; i < 300; ++i)
    forced.upsert(i, data.data() + i * dim);
  BOOST_TEST(std::string(forced.kind_name()) == "brute_force");
}

BOOST_AUTO_TEST_CASE(hnsw_never_returns_removed_or_replaced_vectors) {
  const size_t n = 2000, dim = 16;
  Vec data = random_vectors(n, dim, 5);
  Vec other = random_vectors(n, dim, 6);
  VectorIndex index(dim, DistanceMetric::Euclidean, IndexKind::Hnsw);
  for (size_t i = 0; i < n; ++i)
    index.upsert(i, data.data() + i * dim);
  std::set<uint64_t> removed;
  for (size_t i = 0; i < n; i += 3) {
    BOOST_REQUIRE(index.remove(i));
    removed.insert(i);
  }
  for (size_t i = 1; i < n; i += 3)  // replace: the old vector must be gone
    index.upsert(i, other.data() + i * dim);
  BOOST_TEST(std::string(index.kind_name()) == "hnsw");
  for (size_t i = 0; i < n; i += 10) {
    auto hits = index.search(data.data() + i * dim, 20);
    BOOST_REQUIRE(hits.size() == 20u);
    for (const auto& h : hits) {
      BOOST_REQUIRE(removed.count(h.first) == 0);
      BOOST_REQUIRE(h.second == vector_score(DistanceMetric::Euclidean, data.data() + i * dim,
                                             index.vector(h.first), dim));
    }
    if (i % 3 == 1)
      BOOST_TEST(hits[0].second < 1.0f);  // its old copy is not there to match
  }
  // Removing most of the rest rebuilds the graph; it still works.
  for (size_t i = 0; i < n; ++i)
    if (i % 3 != 0 && i % 5 != 0)
      index.remove(i);
  BOOST_TEST(std::string(index.kind_name()) == "hnsw");
  for (size_t i = 5; i < n; i += 5) {
    if (i % 3 == 0)
      continue;
    auto hits = index.search(data.data() + i * dim, 1);
    BOOST_REQUIRE(!hits.empty());
    BOOST_TEST(hits[0].first % 5 == 0u);
    BOOST_TEST(hits[0].first % 3 != 0u);
  }
  // A removed id can come back.
  index.upsert(0, data.data());
  BOOST_TEST(index.search(data.data(), 1)[0].first == 0u);
}

BOOST_AUTO_TEST_CASE(filtered_hnsw_search_returns_only_accepted_ids) {
  const size_t n = 3000, dim = 16, k = 10;
  Vec data = random_vectors(n, dim, 9);
  Vec queries = random_vectors(20, dim, 10);
  VectorIndex hnsw(dim, DistanceMetric::Cosine, IndexKind::Hnsw);
  VectorIndex exact(dim, DistanceMetric::Cosine, IndexKind::BruteForce);
  for (size_t i = 0; i < n; ++i) {
    hnsw.upsert(i, data.data() + i * dim);
    exact.upsert(i, data.data() + i * dim);
  }
  auto even = [](uint64_t id) { return id % 2 == 0; };
  auto rare = [](uint64_t id) { return id % 101 == 0; };  // forces the exact fallback
  for (size_t qi = 0; qi < 20; ++qi) {
    const float* q = queries.data() + qi * dim;
    auto hits = hnsw.search(q, k, even);
    BOOST_REQUIRE(hits.size() == k);
    for (const auto& h : hits)
      BOOST_REQUIRE(h.first % 2 == 0);
    auto rare_hits = hnsw.search(q, k, rare);
    BOOST_REQUIRE(rare_hits == exact.search(q, k, rare));
    BOOST_REQUIRE(rare_hits.size() == k);
  }
  // Fewer accepted ids than k: all of them, exactly.
  auto few = [](uint64_t id) { return id == 17 || id == 2999; };
  auto hits = hnsw.search(queries.data(), k, few);
  BOOST_TEST((hits == exact.search(queries.data(), k, few)));
  BOOST_TEST(hits.size() == 2u);
}

BOOST_AUTO_TEST_CASE(hnsw_is_deterministic_for_the_same_operations) {
  const size_t n = 1500, dim = 16;
  Vec data = random_vectors(n, dim, 12);
  Vec queries = random_vectors(30, dim, 13);
  VectorIndex a(dim, DistanceMetric::Cosine, IndexKind::Hnsw);
  VectorIndex b(dim, DistanceMetric::Cosine, IndexKind::Hnsw);
  for (size_t i = 0; i < n; ++i) {
    a.upsert(i, data.data() + i * dim);
    b.upsert(i, data.data() + i * dim);
  }
  for (size_t qi = 0; qi < 30; ++qi)
    BOOST_REQUIRE(a.search(queries.data() + qi * dim, 10) == b.search(queries.data() + qi * dim, 10));
}

BOOST_AUTO_TEST_CASE(a_zero_cosine_query_on_hnsw_returns_the_smallest_ids_with_score_zero) {
  const size_t n = 500, dim = 8;
  Vec data = random_vectors(n, dim, 14);
  VectorIndex index(dim, DistanceMetric::Cosine, IndexKind::Hnsw);
  for (size_t i = 0; i < n; ++i)
    index.upsert(i + 1, data.data() + i * dim);
  Vec zero(dim, 0.0f);
  auto hits = index.search(zero.data(), 3);
  BOOST_TEST(ids_of(hits) == (std::vector<uint64_t>{1, 2, 3}), boost::test_tools::per_element());
  for (const auto& h : hits)
    BOOST_TEST(h.second == 0.0f);
}

BOOST_AUTO_TEST_CASE(memory_estimate_grows_with_the_vectors_and_the_graph) {
  const size_t dim = 64;
  Vec data = random_vectors(1000, dim, 15);
  VectorIndex brute(dim, DistanceMetric::Cosine, IndexKind::BruteForce);
  VectorIndex hnsw(dim, DistanceMetric::Cosine, IndexKind::Hnsw);
  size_t brute_empty = brute.memory_bytes();
  for (size_t i = 0; i < 1000; ++i) {
    brute.upsert(i, data.data() + i * dim);
    hnsw.upsert(i, data.data() + i * dim);
  }
  BOOST_TEST(brute.memory_bytes() >= brute_empty + 1000 * dim * sizeof(float));
  // The graph keeps its own copy of every vector plus links.
  BOOST_TEST(hnsw.memory_bytes() >= brute.memory_bytes() + 1000 * dim * sizeof(float));
}

BOOST_AUTO_TEST_SUITE_END()
