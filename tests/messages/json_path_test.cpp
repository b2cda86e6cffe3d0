// JSON document paths (SPEC 5.4): the path grammar and its errors, the
// overlap rule transactions use (SPEC 6.2), and get/set/delete/depth on a
// document Value.

#include "strata/messages/json_path.hpp"

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "strata/messages/error.hpp"
#include "strata/messages/limits.hpp"
#include "strata/messages/value.hpp"
#include "test_util.hpp"

using namespace strata;

namespace strata {

// So that a failed BOOST_TEST on two paths shows them.
inline std::ostream& boost_test_print_type(std::ostream& os, const JsonPath& p) {
  return os << p.to_string();
}

}  // namespace strata

namespace {

JsonPath path_of(std::string_view text) {
  auto r = JsonPath::parse(text);
  BOOST_REQUIRE_MESSAGE(r, "parse(\"" << text << "\") failed: " << test::why(r));
  return *r;
}

// The segments spelled out independently of to_string():
// "m:a i:0" for $.a[0].
std::string segments_of(const JsonPath& p) {
  std::string out;
  for (const auto& seg : p.segments()) {
    if (!out.empty())
      out += ' ';
    if (seg.kind == PathSegment::Kind::Member)
      out += "m:" + seg.member;
    else
      out += "i:" + std::to_string(seg.index);
  }
  return out;
}

Value doc_of(std::string_view json) {
  auto r = Value::from_json(json);
  BOOST_REQUIRE_MESSAGE(r, "from_json(" << json << ") failed: " << test::why(r));
  return *r;
}

std::vector<std::string> keys_of(const Value& v) {
  std::vector<std::string> out;
  if (const Object* obj = v.as_object())
    for (const auto& m : *obj)
      out.push_back(m.first);
  return out;
}

// "$" followed by `n` copies of `segment`.
std::string repeated_path(std::string_view segment, size_t n) {
  std::string out = "$";
  for (size_t i = 0; i < n; ++i)
    out += segment;
  return out;
}

// Checks that parsing `text` fails with InvalidPath and the message names
// the path and contains `what` (which includes the byte position).
void check_parse_fails(std::string_view text, const std::string& what) {
  BOOST_TEST_CONTEXT("path \"" << text << "\"") {
    auto r = JsonPath::parse(text);
    BOOST_REQUIRE(!r);
    BOOST_TEST(strata::is(r.error(), strata::errc::InvalidPath));
    auto msg = message_of(r.error());
    BOOST_TEST(msg.find("Invalid JSON path '" + std::string(text) + "': ") == 0u);
    BOOST_CHECK_MESSAGE(msg.find(what) != std::string::npos, "message: " << msg);
  }
}

// Runs json_set expecting `kind`, and checks the document did not change.
void check_set_fails_unchanged(const std::string& json, std::string_view path, errc kind,
                               const std::string& what) {
  BOOST_TEST_CONTEXT("set " << path << " on " << json) {
    Value doc = doc_of(json);
    auto err = json_set(doc, path_of(path), Value{99});
    BOOST_REQUIRE(err);
    BOOST_TEST(strata::is(err, kind));
    auto msg = message_of(err);
    BOOST_CHECK_MESSAGE(msg.find(what) != std::string::npos, "message: " << msg);
    BOOST_TEST(doc == doc_of(json));
    BOOST_TEST(doc.to_json() == doc_of(json).to_json());
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_path)

// ---- parsing: accepted forms ----

BOOST_AUTO_TEST_CASE(empty_string_and_dollar_both_parse_as_the_root) {
  for (std::string_view text : {"", "$"}) {
    BOOST_TEST_CONTEXT("path \"" << text << "\"") {
      auto p = path_of(text);
      BOOST_TEST(p.is_root());
      BOOST_TEST(p.segments().empty());
      BOOST_TEST(p == JsonPath::root());
    }
  }
  BOOST_TEST(JsonPath::root().is_root());
  BOOST_TEST(JsonPath{} == JsonPath::root());
}

BOOST_AUTO_TEST_CASE(dollar_dot_name_is_one_top_level_member) {
  auto p = path_of("$.name");
  BOOST_REQUIRE_EQUAL(p.segments().size(), 1u);
  BOOST_TEST((p.segments()[0].kind == PathSegment::Kind::Member));
  BOOST_TEST(p.segments()[0].member == "name");
  BOOST_TEST(!p.is_root());
}

BOOST_AUTO_TEST_CASE(dotted_members_nest_in_order) {
  BOOST_TEST(segments_of(path_of("$.a.b.c")) == "m:a m:b m:c");
}

BOOST_AUTO_TEST_CASE(member_then_bracketed_index_addresses_an_array_element) {
  auto p = path_of("$.items[0]");
  BOOST_TEST(segments_of(p) == "m:items i:0");
  BOOST_TEST((p.segments()[1].kind == PathSegment::Kind::Index));
  BOOST_TEST(p.segments()[1].index == 0u);
}

BOOST_AUTO_TEST_CASE(index_right_after_dollar_addresses_a_root_array_element) {
  BOOST_TEST(segments_of(path_of("$[0]")) == "i:0");
  BOOST_TEST(segments_of(path_of("$[12]")) == "i:12");
}

BOOST_AUTO_TEST_CASE(members_and_indexes_mix_freely) {
  BOOST_TEST(segments_of(path_of("$.user.address[0].city")) == "m:user m:address i:0 m:city");
  BOOST_TEST(segments_of(path_of("$[0][1]")) == "i:0 i:1");
  BOOST_TEST(segments_of(path_of("$.m[3][4].x[5]")) == "m:m i:3 i:4 m:x i:5");
}

BOOST_AUTO_TEST_CASE(path_without_dollar_is_shorthand_for_dollar_dot) {
  BOOST_TEST(path_of("name") == path_of("$.name"));
  BOOST_TEST(path_of("a.b[1]") == path_of("$.a.b[1]"));
  BOOST_TEST(segments_of(path_of("a.b[1]")) == "m:a m:b i:1");
  BOOST_TEST(path_of("user.address[0].city") == path_of("$.user.address[0].city"));
}

BOOST_AUTO_TEST_CASE(member_names_take_ascii_alphanumerics_underscore_dash_and_non_ascii) {
  BOOST_TEST(segments_of(path_of("$.user_name-2")) == "m:user_name-2");
  BOOST_TEST(segments_of(path_of("$.ABC.xyz09")) == "m:ABC m:xyz09");
  BOOST_TEST(segments_of(path_of("$._")) == "m:_");
  BOOST_TEST(segments_of(path_of("$.-")) == "m:-");
  BOOST_TEST(segments_of(path_of("$.caf\xC3\xA9")) == "m:caf\xC3\xA9");
  BOOST_TEST(segments_of(path_of("$.\xE6\x97\xA5\xE6\x9C\xAC[0]")) ==
             "m:\xE6\x97\xA5\xE6\x9C\xAC i:0");
  BOOST_TEST(segments_of(path_of("\xF0\x9F\x98\x80.x")) == "m:\xF0\x9F\x98\x80 m:x");
}

BOOST_AUTO_TEST_CASE(all_digit_member_name_is_a_member_not_an_index) {
  auto p = path_of("$.a.0");
  BOOST_TEST(segments_of(p) == "m:a m:0");
  BOOST_TEST(p != path_of("$.a[0]"));
}

BOOST_AUTO_TEST_CASE(index_takes_the_whole_uint64_range_and_leading_zeros) {
  BOOST_TEST(path_of("$[18446744073709551615]").segments()[0].index == UINT64_MAX);
  BOOST_TEST(path_of("$[007]").segments()[0].index == 7u);
  BOOST_TEST(path_of("$[0]") == path_of("$[000]"));
}

// ---- parsing: errors ----

BOOST_AUTO_TEST_CASE(error_message_names_the_path_what_is_wrong_and_the_byte) {
  auto r = JsonPath::parse("$.");
  BOOST_REQUIRE(!r);
  BOOST_TEST(strata::is(r.error(), strata::errc::InvalidPath));
  BOOST_TEST(message_of(r.error()) == "Invalid JSON path '$.': empty member name at byte 2");
  BOOST_TEST(describe(r.error()) ==
             "InvalidPath: Invalid JSON path '$.': empty member name at byte 2");
}

BOOST_AUTO_TEST_CASE(empty_member_names_are_invalid_path) {
  check_parse_fails("$.", "empty member name at byte 2");
  check_parse_fails("a..b", "empty member name at byte 2");
  check_parse_fails("$.a.", "empty member name at byte 4");
  check_parse_fails("$..a", "empty member name at byte 2");
  check_parse_fails("$.[0]", "empty member name at byte 2");
  check_parse_fails("$.a..b", "empty member name at byte 4");
  check_parse_fails(".a", "empty member name at byte 0");
  check_parse_fails("a.", "empty member name at byte 2");
  // Shorthand means "$." is implied, so a bare index has no member before it.
  check_parse_fails("[0]", "empty member name at byte 0");
}

BOOST_AUTO_TEST_CASE(unclosed_bracket_is_invalid_path) {
  check_parse_fails("$[", "unclosed bracket '[' at byte 1");
  check_parse_fails("$[0", "unclosed bracket '[' at byte 1");
  check_parse_fails("$.a[12", "unclosed bracket '[' at byte 3");
  check_parse_fails("a[0", "unclosed bracket '[' at byte 1");
  check_parse_fails("$[0].b[", "unclosed bracket '[' at byte 6");
}

BOOST_AUTO_TEST_CASE(invalid_index_is_invalid_path) {
  check_parse_fails("$[]", "invalid index '' (expected a non-negative decimal integer) at byte 2");
  check_parse_fails("$.a[-1]", "invalid index '-1'");
  check_parse_fails("$[+1]", "invalid index '+1'");
  check_parse_fails("$[1.5]", "invalid index '1.5'");
  check_parse_fails("$[ 1]", "invalid index ' 1'");
  check_parse_fails("$[1 ]", "invalid index '1 '");
  check_parse_fails("$[a]", "invalid index 'a'");
  check_parse_fails("$['a']", "invalid index ''a''");
  check_parse_fails("$[*]", "invalid index '*'");
  check_parse_fails("$[0:2]", "invalid index '0:2'");
  check_parse_fails("$[0x1]", "invalid index '0x1'");
  check_parse_fails("$.a[18446744073709551616]",
                    "invalid index '18446744073709551616' (larger than 18446744073709551615) "
                    "at byte 4");
  check_parse_fails("$[99999999999999999999999]", "larger than 18446744073709551615");
}

BOOST_AUTO_TEST_CASE(unexpected_character_is_invalid_path) {
  check_parse_fails("$a", "unexpected character 'a' at byte 1");
  check_parse_fails("$$", "unexpected character '$' at byte 1");
  check_parse_fails("$.a b", "unexpected character ' ' at byte 3");
  check_parse_fails("$.*", "unexpected character '*' at byte 2");
  check_parse_fails("$.a]", "unexpected character ']' at byte 3");
  check_parse_fails("$[0]x", "unexpected character 'x' at byte 4");
  check_parse_fails("$.a/b", "unexpected character '/' at byte 3");
  check_parse_fails("$.a.b@", "unexpected character '@' at byte 5");
  check_parse_fails("$.'a'", "unexpected character ''' at byte 2");
  check_parse_fails(" a", "unexpected character ' ' at byte 0");
  check_parse_fails("a$", "unexpected character '$' at byte 1");
  check_parse_fails("$ ", "unexpected character ' ' at byte 1");
  check_parse_fails("$\xC3\xA9", "unexpected character '\xC3\xA9' at byte 1");
  check_parse_fails(std::string_view("$.a\0b", 5), "unexpected character byte 0x00 at byte 3");
  check_parse_fails("$.a\tb", "unexpected character byte 0x09 at byte 3");
}

BOOST_AUTO_TEST_CASE(paths_of_256_segments_are_accepted_and_257_rejected) {
  for (std::string_view segment : {".a", "[0]"}) {
    BOOST_TEST_CONTEXT("segment " << segment) {
      auto ok = path_of(repeated_path(segment, max_json_path_segments));
      BOOST_TEST(ok.segments().size() == 256u);
      auto r = JsonPath::parse(repeated_path(segment, max_json_path_segments + 1));
      BOOST_REQUIRE(!r);
      BOOST_TEST(strata::is(r.error(), strata::errc::InvalidPath));
      BOOST_TEST(message_of(r.error()).find("more than 256 segments") != std::string::npos);
    }
  }
  // The shorthand counts its implied first member too.
  BOOST_TEST(path_of("a" + repeated_path(".a", 255).substr(1)).segments().size() == 256u);
  BOOST_TEST(!JsonPath::parse("a" + repeated_path(".a", 256).substr(1)));
}

BOOST_AUTO_TEST_CASE(error_message_quotes_only_the_start_of_a_very_long_path_or_index) {
  std::string long_path = repeated_path(".abcdefgh", 300);
  auto r = JsonPath::parse(long_path);
  BOOST_REQUIRE(!r);
  auto msg = message_of(r.error());
  BOOST_TEST(msg.size() < 400u);
  BOOST_TEST(msg.find("Invalid JSON path '$.abcdefgh.abcdefgh") == 0u);
  BOOST_TEST(msg.find("...': more than 256 segments") != std::string::npos);

  auto bad_index = JsonPath::parse("$[" + std::string(5000, '7') + "x]");
  BOOST_REQUIRE(!bad_index);
  BOOST_TEST(strata::is(bad_index.error(), strata::errc::InvalidPath));
  BOOST_TEST(message_of(bad_index.error()).size() < 600u);
}

// ---- to_string, equality, overlaps ----

BOOST_AUTO_TEST_CASE(to_string_is_canonical_and_parses_back_to_an_equal_path) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "$"},
      {"$", "$"},
      {"$.name", "$.name"},
      {"$.a.b.c", "$.a.b.c"},
      {"$.items[0]", "$.items[0]"},
      {"$[0]", "$[0]"},
      {"$.user.address[0].city", "$.user.address[0].city"},
      {"name", "$.name"},
      {"a.b[1]", "$.a.b[1]"},
      {"$[007][18446744073709551615]", "$[7][18446744073709551615]"},
      {"$.a.0", "$.a.0"},
      {"$.caf\xC3\xA9", "$.caf\xC3\xA9"},
  };
  for (const auto& [text, canonical] : cases) {
    BOOST_TEST_CONTEXT("path \"" << text << "\"") {
      auto p = path_of(text);
      BOOST_TEST(p.to_string() == canonical);
      BOOST_TEST(path_of(p.to_string()) == p);
    }
  }
  BOOST_TEST(JsonPath::root().to_string() == "$");
}

BOOST_AUTO_TEST_CASE(paths_are_equal_exactly_when_their_segments_are) {
  BOOST_TEST(path_of("$.a[0]") == path_of("a[0]"));
  BOOST_TEST(path_of("$.a") != path_of("$.b"));
  BOOST_TEST(path_of("$.a") != path_of("$.a.b"));
  BOOST_TEST(path_of("$[0]") != path_of("$[1]"));
}

BOOST_AUTO_TEST_CASE(overlaps_is_true_for_ancestors_descendants_and_equal_paths_only) {
  struct Case {
    const char* a;
    const char* b;
    bool overlap;
  };
  const Case cases[] = {
      {"$.a.b", "$.a.c", false},  // siblings
      {"$.a", "$.b", false},
      {"$.a[0]", "$.a[1]", false},
      {"$.a[0].x", "$.a[1].x", false},
      {"$.a[0]", "$.a.0", false},  // an index is not a member
      {"$.ab", "$.a", false},      // a prefix of a name is not an ancestor
      {"$.a", "$.a.b", true},      // ancestor
      {"$.a", "$.a[3].b.c", true},
      {"$.a.b", "$.a", true},    // descendant
      {"$.a.b", "$.a.b", true},  // equal
      {"$[2]", "$[2]", true},
      {"$", "$", true},
      {"$", "$.a", true},  // the root overlaps everything
      {"$", "$[0].x", true},
      {"$.x.y.z", "$", true},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.a << " vs " << c.b) {
      BOOST_TEST(path_of(c.a).overlaps(path_of(c.b)) == c.overlap);
      BOOST_TEST(path_of(c.b).overlaps(path_of(c.a)) == c.overlap);
    }
  }
}

// ---- json_get ----

BOOST_AUTO_TEST_CASE(get_at_the_root_returns_the_document_itself) {
  Value doc = doc_of(R"({"a":1})");
  BOOST_TEST(json_get(doc, JsonPath::root()) == &doc);
  Value scalar{5};
  BOOST_TEST(json_get(scalar, path_of("")) == &scalar);
}

BOOST_AUTO_TEST_CASE(get_follows_members_indexes_and_mixed_paths) {
  Value doc = doc_of(
      R"({"name":"ann","user":{"address":[{"city":"Oslo"},{"city":"Rome"}]},"m":[[1,2],[3]]})");
  const Value* v = json_get(doc, path_of("$.name"));
  BOOST_REQUIRE(v != nullptr);
  BOOST_TEST(*v == Value{"ann"});
  v = json_get(doc, path_of("$.user.address[1].city"));
  BOOST_REQUIRE(v != nullptr);
  BOOST_TEST(*v == Value{"Rome"});
  v = json_get(doc, path_of("user.address[0]"));
  BOOST_REQUIRE(v != nullptr);
  BOOST_TEST(*v == doc_of(R"({"city":"Oslo"})"));
  v = json_get(doc, path_of("$.m[0][1]"));
  BOOST_REQUIRE(v != nullptr);
  BOOST_TEST(*v == Value{2});

  Value arr = doc_of(R"([10,{"k":true}])");
  v = json_get(arr, path_of("$[0]"));
  BOOST_REQUIRE(v != nullptr);
  BOOST_TEST(*v == Value{10});
  v = json_get(arr, path_of("$[1].k"));
  BOOST_REQUIRE(v != nullptr);
  BOOST_TEST(*v == Value{true});
}

BOOST_AUTO_TEST_CASE(get_returns_a_stored_null_as_a_value_not_as_missing) {
  Value doc = doc_of(R"({"a":null})");
  const Value* v = json_get(doc, path_of("$.a"));
  BOOST_REQUIRE(v != nullptr);
  BOOST_TEST(v->is_null());
}

BOOST_AUTO_TEST_CASE(get_of_a_missing_member_or_index_out_of_range_is_nullptr) {
  Value doc = doc_of(R"({"a":{"b":1},"items":[1,2]})");
  BOOST_TEST(json_get(doc, path_of("$.x")) == nullptr);
  BOOST_TEST(json_get(doc, path_of("$.a.c")) == nullptr);
  BOOST_TEST(json_get(doc, path_of("$.x.y.z")) == nullptr);
  BOOST_TEST(json_get(doc, path_of("$.items[2]")) == nullptr);
  BOOST_TEST(json_get(doc, path_of("$.items[18446744073709551615]")) == nullptr);
  Value empty = doc_of("[]");
  BOOST_TEST(json_get(empty, path_of("$[0]")) == nullptr);
}

BOOST_AUTO_TEST_CASE(get_with_a_segment_of_the_wrong_type_is_nullptr) {
  Value doc = doc_of(R"({"a":{"b":1},"items":[1,2],"s":"text","n":null})");
  BOOST_TEST(json_get(doc, path_of("$[0]")) == nullptr);  // index on object
  BOOST_TEST(json_get(doc, path_of("$.items.x")) == nullptr);  // member on array
  BOOST_TEST(json_get(doc, path_of("$.items.0")) == nullptr);  // member "0" on array
  BOOST_TEST(json_get(doc, path_of("$.a.b.c")) == nullptr);  // member on Int
  BOOST_TEST(json_get(doc, path_of("$.s[0]")) == nullptr);  // index on String
  BOOST_TEST(json_get(doc, path_of("$.n.x")) == nullptr);  // member on Null
  Value scalar{3.5};
  BOOST_TEST(json_get(scalar, path_of("$.a")) == nullptr);
  BOOST_TEST(json_get(scalar, path_of("$[0]")) == nullptr);
}

// ---- json_set ----

BOOST_AUTO_TEST_CASE(set_at_the_root_replaces_the_whole_document) {
  Value doc = doc_of(R"({"a":1,"b":[1,2]})");
  STRATA_CHECK_NO_ERROR(json_set(doc, JsonPath::root(), doc_of(R"([true])")));
  BOOST_TEST(doc.to_json() == "[true]");
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of(""), Value{"scalar"}));
  BOOST_TEST(doc == Value{"scalar"});
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$"), Value{}));
  BOOST_TEST(doc.is_null());
}

BOOST_AUTO_TEST_CASE(set_creates_missing_parent_objects) {
  Value doc{Object{}};
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.a.b.c"), Value{1}));
  BOOST_TEST(doc.to_json() == R"({"a":{"b":{"c":1}}})");
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.a.x.y"), Value{2}));
  BOOST_TEST(doc.to_json() == R"({"a":{"b":{"c":1},"x":{"y":2}}})");
}

BOOST_AUTO_TEST_CASE(set_creates_a_missing_parent_as_an_array_when_an_index_follows) {
  Value doc{Object{}};
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.tags[0]"), Value{"x"}));
  BOOST_TEST(doc.to_json() == R"({"tags":["x"]})");
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.people[0].name"), Value{"ann"}));
  BOOST_TEST(doc.to_json() == R"({"tags":["x"],"people":[{"name":"ann"}]})");
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.grid[0][0]"), Value{7}));
  BOOST_TEST(doc.to_json() == R"({"tags":["x"],"people":[{"name":"ann"}],"grid":[[7]]})");
}

BOOST_AUTO_TEST_CASE(set_into_an_array_it_would_create_only_takes_index_zero) {
  check_set_fails_unchanged(R"({"a":1})", "$.tags[1]", errc::InvalidPath,
                            "index 1 out of bounds (array length 0) at '$.tags[1]'");
  check_set_fails_unchanged(R"({"a":1})", "$.x.y[0][3].z", errc::InvalidPath,
                            "index 3 out of bounds (array length 0) at '$.x.y[0][3]'");
}

BOOST_AUTO_TEST_CASE(set_replaces_an_element_below_the_array_length) {
  Value doc = doc_of(R"({"items":[1,2,3]})");
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.items[1]"), Value{"two"}));
  BOOST_TEST(doc.to_json() == R"({"items":[1,"two",3]})");
  Value arr = doc_of("[1,2]");
  STRATA_CHECK_NO_ERROR(json_set(arr, path_of("$[0]"), doc_of(R"({"k":1})")));
  BOOST_TEST(arr.to_json() == R"([{"k":1},2])");
}

BOOST_AUTO_TEST_CASE(set_appends_at_an_index_equal_to_the_array_length) {
  Value doc = doc_of(R"({"items":[1,2]})");
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.items[2]"), Value{3}));
  BOOST_TEST(doc.to_json() == R"({"items":[1,2,3]})");
  Value empty = doc_of("[]");
  STRATA_CHECK_NO_ERROR(json_set(empty, path_of("$[0]"), Value{"first"}));
  BOOST_TEST(empty.to_json() == R"(["first"])");
}

BOOST_AUTO_TEST_CASE(set_through_an_appended_element_creates_it) {
  Value doc = doc_of(R"({"items":[{"name":"a"},{"name":"b"}]})");
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.items[2].name"), Value{"c"}));
  BOOST_TEST(doc.to_json() == R"({"items":[{"name":"a"},{"name":"b"},{"name":"c"}]})");
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.items[3][0]"), Value{1}));
  BOOST_TEST(doc.to_json() == R"({"items":[{"name":"a"},{"name":"b"},{"name":"c"},[1]]})");
}

BOOST_AUTO_TEST_CASE(set_beyond_the_array_length_fails_and_leaves_the_document_unchanged) {
  check_set_fails_unchanged(R"({"items":[1,2]})", "$.items[3]", errc::InvalidPath,
                            "index 3 out of bounds (array length 2) at '$.items[3]'");
  check_set_fails_unchanged(R"({"items":[1,2]})", "$.items[5].x", errc::InvalidPath,
                            "index 5 out of bounds (array length 2)");
  check_set_fails_unchanged("[]", "$[1]", errc::InvalidPath,
                            "index 1 out of bounds (array length 0) at '$[1]'");
}

BOOST_AUTO_TEST_CASE(set_with_a_member_on_a_non_object_fails_with_wrong_type_and_no_change) {
  check_set_fails_unchanged(R"({"a":{"b":5}})", "$.a.b.c", errc::WrongType,
                            "expected Object at '$.a.b', got Int (setting '$.a.b.c')");
  check_set_fails_unchanged(R"({"items":[1,2]})", "$.items.x", errc::WrongType,
                            "expected Object at '$.items', got Array");
  check_set_fails_unchanged(R"({"s":"text"})", "$.s.x", errc::WrongType,
                            "expected Object at '$.s', got String");
  check_set_fails_unchanged(R"({"n":null})", "$.n.x", errc::WrongType,
                            "expected Object at '$.n', got Null");
  check_set_fails_unchanged("[1,2]", "$.a", errc::WrongType, "expected Object at '$', got Array");
  check_set_fails_unchanged("42", "$.a", errc::WrongType, "expected Object at '$', got Int");
  check_set_fails_unchanged(R"({"a":[{"b":true}]})", "$.a[0].b.c.d", errc::WrongType,
                            "expected Object at '$.a[0].b', got Bool");
}

BOOST_AUTO_TEST_CASE(set_with_an_index_on_a_non_array_fails_with_wrong_type_and_no_change) {
  check_set_fails_unchanged(R"({"a":{"b":1}})", "$.a[0]", errc::WrongType,
                            "expected Array at '$.a', got Object (setting '$.a[0]')");
  check_set_fails_unchanged(R"({"s":"text"})", "$.s[0]", errc::WrongType,
                            "expected Array at '$.s', got String");
  check_set_fails_unchanged(R"({"a":1})", "$[0]", errc::WrongType,
                            "expected Array at '$', got Object");
  check_set_fails_unchanged(R"({"a":[[1],2]})", "$.a[1][0]", errc::WrongType,
                            "expected Array at '$.a[1]', got Int");
}

BOOST_AUTO_TEST_CASE(set_that_fails_deep_down_creates_none_of_the_parents_before_it) {
  // $.new would be created before reaching the bad index if set mutated as
  // it walked.
  check_set_fails_unchanged(R"({"a":1})", "$.new.list[2]", errc::InvalidPath,
                            "out of bounds");
  check_set_fails_unchanged(R"({"items":[1]})", "$.items[1][4]", errc::InvalidPath,
                            "out of bounds");
}

BOOST_AUTO_TEST_CASE(set_may_change_the_type_of_the_value_it_replaces) {
  Value doc = doc_of(R"({"a":{"b":1},"c":[1]})");
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.a"), Value{"now a string"}));
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.c"), doc_of(R"({"x":[]})")));
  BOOST_TEST(doc.to_json() == R"({"a":"now a string","c":{"x":[]}})");
}

BOOST_AUTO_TEST_CASE(set_appends_new_members_at_the_end_in_insertion_order) {
  Value doc{Object{}};
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.model"), Value{"gpt-4"}));
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.temperature"), Value{0.7}));
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.max_tokens"), Value{1000}));
  BOOST_TEST(keys_of(doc) == (std::vector<std::string>{"model", "temperature", "max_tokens"}));
  BOOST_TEST(doc.to_json() == R"({"model":"gpt-4","temperature":0.7,"max_tokens":1000})");
}

BOOST_AUTO_TEST_CASE(set_replaces_an_existing_member_in_place) {
  Value doc = doc_of(R"({"z":1,"a":{"y":1,"b":2},"m":3})");
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.a"), doc_of(R"({"q":0})")));
  BOOST_TEST(keys_of(doc) == (std::vector<std::string>{"z", "a", "m"}));
  STRATA_CHECK_NO_ERROR(json_set(doc, path_of("$.z"), Value{10}));
  BOOST_TEST(doc.to_json() == R"({"z":10,"a":{"q":0},"m":3})");
  Value nested = doc_of(R"({"o":{"c":1,"a":2,"b":3}})");
  STRATA_CHECK_NO_ERROR(json_set(nested, path_of("$.o.a"), Value{20}));
  STRATA_CHECK_NO_ERROR(json_set(nested, path_of("$.o.d"), Value{4}));
  BOOST_TEST(nested.to_json() == R"({"o":{"c":1,"a":20,"b":3,"d":4}})");
}

// ---- json_delete ----

BOOST_AUTO_TEST_CASE(delete_removes_a_member_and_keeps_the_order_of_the_rest) {
  Value doc = doc_of(R"({"c":1,"a":{"x":1,"y":2},"b":3})");
  BOOST_TEST(json_delete(doc, path_of("$.a.x")) == 1u);
  BOOST_TEST(doc.to_json() == R"({"c":1,"a":{"y":2},"b":3})");
  BOOST_TEST(json_delete(doc, path_of("$.a")) == 1u);
  BOOST_TEST(doc.to_json() == R"({"c":1,"b":3})");
  BOOST_TEST(json_get(doc, path_of("$.a")) == nullptr);
}

BOOST_AUTO_TEST_CASE(delete_of_an_array_element_shifts_later_elements_left) {
  Value doc = doc_of(R"({"items":["a","b","c","d"]})");
  BOOST_TEST(json_delete(doc, path_of("$.items[1]")) == 1u);
  BOOST_TEST(doc.to_json() == R"({"items":["a","c","d"]})");
  const Value* v = json_get(doc, path_of("$.items[1]"));
  BOOST_REQUIRE(v != nullptr);
  BOOST_TEST(*v == Value{"c"});
  BOOST_TEST(json_delete(doc, path_of("$.items[2]")) == 1u);
  BOOST_TEST(doc.to_json() == R"({"items":["a","c"]})");
  Value arr = doc_of(R"([[1,2],[3]])");
  BOOST_TEST(json_delete(arr, path_of("$[0][0]")) == 1u);
  BOOST_TEST(arr.to_json() == "[[2],[3]]");
}

BOOST_AUTO_TEST_CASE(delete_of_a_missing_path_returns_zero_and_changes_nothing) {
  const std::string json = R"({"a":{"b":1},"items":[1,2],"s":"x"})";
  for (std::string_view p : {"$.x", "$.a.c", "$.x.y.z", "$.items[2]", "$.items[9].x",
                             "$.items.x", "$[0]", "$.a[0]", "$.a.b.c", "$.s[0]"}) {
    BOOST_TEST_CONTEXT("delete " << p) {
      Value doc = doc_of(json);
      BOOST_TEST(json_delete(doc, path_of(p)) == 0u);
      BOOST_TEST(doc.to_json() == json);
    }
  }
}

BOOST_AUTO_TEST_CASE(delete_at_the_root_sets_the_document_to_null_and_counts_one) {
  Value doc = doc_of(R"({"a":1})");
  BOOST_TEST(json_delete(doc, JsonPath::root()) == 1u);
  BOOST_TEST(doc.is_null());
  Value arr = doc_of("[1]");
  BOOST_TEST(json_delete(arr, path_of("")) == 1u);
  BOOST_TEST(arr.is_null());
}

// ---- json_depth ----

BOOST_AUTO_TEST_CASE(depth_counts_nesting_below_the_top_level) {
  const std::pair<const char*, size_t> cases[] = {
      {"1", 0},
      {"\"s\"", 0},
      {"null", 0},
      {"[]", 0},
      {"{}", 0},
      {"[1]", 1},
      {R"({"a":[]})", 1},
      {"[[1]]", 2},
      {R"({"a":{"b":{}}})", 2},
      {R"([1,{"a":[[2]]},3])", 4},
  };
  for (const auto& [json, depth] : cases) {
    BOOST_TEST_CONTEXT("value " << json) {
      BOOST_TEST(json_depth(doc_of(json)) == depth);
    }
  }
}

BOOST_AUTO_TEST_CASE(depth_agrees_with_validate_value_nesting_limit) {
  auto nested = [](size_t depth) {
    Value v = Array{};
    for (size_t i = 0; i < depth; ++i)
      v = Array{std::move(v)};
    return v;
  };
  Limits small = Limits::small();
  Value at_limit = nested(small.max_nesting_depth);
  Value past_limit = nested(small.max_nesting_depth + 1);
  BOOST_TEST(json_depth(at_limit) == small.max_nesting_depth);
  BOOST_TEST(json_depth(past_limit) == small.max_nesting_depth + 1);
  STRATA_CHECK_NO_ERROR(validate_value(at_limit, small));
  STRATA_CHECK_ERRC(validate_value(past_limit, small), errc::ConstraintViolation);
  // The JSON store's own limit (SPEC 1.4: 100 accepted, 101 rejected).
  BOOST_TEST(json_depth(nested(100)) == 100u);
  BOOST_TEST(json_depth(nested(101)) == 101u);
}

BOOST_AUTO_TEST_SUITE_END()
