// JSON <-> Value (SPEC 1.2) and the error vocabulary (SPEC 7).

#include "strata/messages/json.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <caf/atom.hpp>
#include <caf/sec.hpp>

#include "strata/messages/error.hpp"
#include "strata/messages/limits.hpp"
#include "test_util.hpp"

using namespace strata;
using strata::test::member_names;

namespace {

// Parses text that must be valid; fails the test case otherwise.
Value parse_ok(std::string_view text) {
  auto r = Value::from_json(text);
  BOOST_REQUIRE_MESSAGE(r, "from_json(" << text << ") failed: " << test::why(r));
  return std::move(*r);
}

std::string nested_arrays(size_t depth, std::string_view innermost = "") {
  return std::string(depth, '[') + std::string(innermost) + std::string(depth, ']');
}

std::string nested_objects(size_t depth) {
  std::string out;
  for (size_t i = 0; i < depth; ++i)
    out += "{\"a\":";
  out += "1";
  out += std::string(depth, '}');
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json)

BOOST_AUTO_TEST_CASE(integers_that_fit_int64_become_int) {
  BOOST_TEST(parse_ok("42") == Value{42});
  BOOST_TEST(parse_ok("-1") == Value{-1});
  BOOST_TEST(parse_ok("0") == Value{0});
  BOOST_TEST(parse_ok("-0").is_int());
  BOOST_TEST(parse_ok("9223372036854775807") == Value{std::numeric_limits<int64_t>::max()});
  BOOST_TEST(parse_ok("-9223372036854775808") == Value{std::numeric_limits<int64_t>::min()});
}

BOOST_AUTO_TEST_CASE(numbers_with_a_fraction_or_exponent_become_float) {
  BOOST_TEST(parse_ok("1.0") == Value{1.0});
  BOOST_TEST(parse_ok("1.0") != Value{1});
  BOOST_TEST(parse_ok("1e3") == Value{1000.0});
  BOOST_TEST(parse_ok("1E3").is_float());
  BOOST_TEST(parse_ok("-2.5e-3") == Value{-2.5e-3});
  BOOST_TEST(parse_ok("3.14") == Value{3.14});
}

BOOST_AUTO_TEST_CASE(integers_outside_int64_become_float) {
  Value above = parse_ok("9223372036854775808");
  BOOST_REQUIRE(above.is_float());
  BOOST_TEST(*above.as_float() == 9223372036854775808.0);
  Value u64max = parse_ok("18446744073709551615");
  BOOST_REQUIRE(u64max.is_float());
  BOOST_TEST(*u64max.as_float() == 18446744073709551615.0);
  BOOST_TEST(parse_ok("-9223372036854775809").is_float());
  BOOST_TEST(parse_ok("100000000000000000000000").is_float());
}

BOOST_AUTO_TEST_CASE(literals_strings_arrays_and_objects_map_one_to_one) {
  BOOST_TEST(parse_ok("null") == Value{});
  BOOST_TEST(parse_ok("true") == Value{true});
  BOOST_TEST(parse_ok("false") == Value{false});
  BOOST_TEST(parse_ok("\"hi\"") == Value{"hi"});
  BOOST_TEST(parse_ok("\"caf\\u00e9\\n\"") == Value{"caf\xc3\xa9\n"});
  BOOST_TEST(parse_ok("[1,\"a\",null,[true]]") == Value(Array{1, "a", nullptr, Array{true}}));
  BOOST_TEST(parse_ok("{\"k\":{\"n\":[]}}") == Value(Object{{"k", Object{{"n", Array{}}}}}));
  BOOST_TEST(parse_ok("  [ ]  ") == Value{Array{}});
  BOOST_TEST(parse_ok("{}") == Value{Object{}});
}

BOOST_AUTO_TEST_CASE(parsing_preserves_object_member_order) {
  Value v = parse_ok(R"({"zeta":1,"alpha":2,"mid":{"y":1,"b":2}})");
  BOOST_TEST(member_names(v) == (std::vector<std::string>{"zeta", "alpha", "mid"}));
  BOOST_TEST(member_names(*v.as_object()->find("mid")) == (std::vector<std::string>{"y", "b"}));
}

BOOST_AUTO_TEST_CASE(to_json_renders_compact_json_in_member_order) {
  Value v = Object{{"b", 1}, {"a", Array{true, nullptr, "x", -2}}, {"c", Object{}}};
  BOOST_TEST(v.to_json() == R"({"b":1,"a":[true,null,"x",-2],"c":{}})");
  BOOST_TEST(Value{}.to_json() == "null");
  BOOST_TEST(Value{"q\"uote"}.to_json() == R"("q\"uote")");
}

BOOST_AUTO_TEST_CASE(floats_render_as_json_numbers_and_read_back_as_float) {
  for (double d : {1.0, 0.1, -2.5, 1e300, 123456.789}) {
    Value back = parse_ok(Value{d}.to_json());
    BOOST_TEST_INFO("value " << d << " rendered as " << Value{d}.to_json());
    BOOST_TEST(back.is_float());
    BOOST_TEST(back == Value{d});
  }
}

BOOST_AUTO_TEST_CASE(nan_and_infinity_render_as_null) {
  BOOST_TEST(Value{std::numeric_limits<double>::quiet_NaN()}.to_json() == "null");
  BOOST_TEST(Value{std::numeric_limits<double>::infinity()}.to_json() == "null");
  BOOST_TEST(Value{-std::numeric_limits<double>::infinity()}.to_json() == "null");
  Value arr = Array{1, std::numeric_limits<double>::quiet_NaN()};
  BOOST_TEST(arr.to_json() == "[1,null]");
}

BOOST_AUTO_TEST_CASE(bytes_render_as_base64_and_read_back_as_string) {
  Value b = Bytes{'h', 'i'};
  BOOST_TEST(b.to_json() == "\"aGk=\"");
  Value back = parse_ok(b.to_json());
  BOOST_TEST(back.is_string());
  BOOST_TEST(back == Value{"aGk="});
  BOOST_TEST(Value{Bytes{}}.to_json() == "\"\"");
}

BOOST_AUTO_TEST_CASE(base64_matches_the_rfc4648_test_vectors) {
  auto enc = [](std::string_view s) { return base64_encode(Bytes(s.begin(), s.end())); };
  BOOST_TEST(enc("") == "");
  BOOST_TEST(enc("f") == "Zg==");
  BOOST_TEST(enc("fo") == "Zm8=");
  BOOST_TEST(enc("foo") == "Zm9v");
  BOOST_TEST(enc("foob") == "Zm9vYg==");
  BOOST_TEST(enc("fooba") == "Zm9vYmE=");
  BOOST_TEST(enc("foobar") == "Zm9vYmFy");
  BOOST_TEST(base64_encode(Bytes{0xff, 0xfe, 0xfd}) == "//79");
  BOOST_TEST(base64_encode(Bytes{0x00}) == "AA==");
}

BOOST_AUTO_TEST_CASE(int64_extremes_survive_the_round_trip) {
  for (int64_t i : {std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
                    int64_t{0}, int64_t{-1}}) {
    Value v = i;
    Value back = parse_ok(v.to_json());
    BOOST_TEST(back.is_int());
    BOOST_TEST(back == v);
  }
  BOOST_TEST(Value{std::numeric_limits<int64_t>::max()}.to_json() == "9223372036854775807");
}

BOOST_AUTO_TEST_CASE(a_value_without_bytes_or_non_finite_floats_round_trips) {
  Value v = Object{{"name", "strata"},
                   {"n", 7},
                   {"ratio", 0.25},
                   {"ok", true},
                   {"none", nullptr},
                   {"list", Array{1, Array{2, Object{{"deep", "yes"}}}}}};
  Value back = parse_ok(v.to_json());
  BOOST_TEST(back == v);
  BOOST_TEST(member_names(back) == member_names(v));
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_a_string_still_renders) {
  // Strings are not checked for UTF-8 on the way in, so rendering must not
  // throw on them (it would take down the actor or the CLI printing them).
  Value v = std::string("ok\xff\xfe");
  std::string out;
  BOOST_CHECK_NO_THROW(out = v.to_json());
  BOOST_TEST(out.size() >= 4u);
  BOOST_TEST(out.front() == '"');
  BOOST_TEST(out.substr(0, 3) == "\"ok");
  Value key = Object{{std::string("k\xc3"), 1}};
  BOOST_CHECK_NO_THROW(out = key.to_json());
  BOOST_TEST(out.back() == '}');
}

BOOST_AUTO_TEST_CASE(syntax_errors_give_invalid_input_with_a_message) {
  for (std::string_view bad : {"", "   ", "{", "[1,]", "{\"a\" 1}", "tru", "1 2", "'x'",
                               "{\"a\":}", "[1] x", "nul", "{\"a\":1,}", "\"unterminated",
                               "01", "[1 2]", "{1:2}"}) {
    BOOST_TEST_INFO("input: '" << bad << "'");
    auto r = Value::from_json(bad);
    BOOST_REQUIRE(!r);
    STRATA_CHECK_ERRC(r, errc::InvalidInput);
    BOOST_TEST(!message_of(r.error()).empty());
  }
}

BOOST_AUTO_TEST_CASE(a_syntax_error_message_names_the_byte_position) {
  auto r = Value::from_json("[1,2,?]");
  BOOST_REQUIRE(!r);
  STRATA_CHECK_ERRC(r, errc::InvalidInput);
  auto msg = message_of(r.error());
  BOOST_TEST_INFO("message: " << msg);
  // '?' is the 6th byte read.
  BOOST_TEST(msg.rfind("invalid JSON at byte 6:", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(nesting_to_depth_128_is_accepted) {
  // 129 brackets: the outermost array is depth 0, the innermost depth 128.
  auto r = Value::from_json(nested_arrays(129));
  BOOST_REQUIRE_MESSAGE(r, test::why(r));
  STRATA_CHECK_NO_ERROR(validate_value(*r, Limits{}));
  // A scalar at depth 128.
  BOOST_TEST(bool(Value::from_json(nested_arrays(128, "1"))));
  BOOST_TEST(bool(Value::from_json(nested_objects(128))));
}

BOOST_AUTO_TEST_CASE(nesting_deeper_than_128_is_a_constraint_violation) {
  for (const auto& text : {nested_arrays(130), nested_arrays(129, "1"), nested_objects(129),
                           nested_arrays(129, "{}")}) {
    auto r = Value::from_json(text);
    BOOST_REQUIRE(!r);
    STRATA_CHECK_ERRC(r, errc::ConstraintViolation);
    BOOST_TEST(message_of(r.error()) == "Nesting too deep: 129 levels exceeds maximum 128");
  }
}

BOOST_AUTO_TEST_CASE(parse_json_and_validate_value_agree_on_nesting) {
  // The same value must get the same verdict from the parser's early check
  // and from validate_value, whether the deepest element is a container or
  // a scalar.
  Limits limits;
  limits.max_nesting_depth = 3;
  for (const auto& text : {nested_arrays(4), nested_arrays(5), nested_arrays(3, "7"),
                           nested_arrays(4, "7"), nested_objects(3), nested_objects(4)}) {
    BOOST_TEST_INFO("input: " << text);
    auto parsed = parse_json(text, limits.max_nesting_depth);
    auto unbounded = parse_json(text, 1000);
    BOOST_REQUIRE(unbounded);
    auto verdict = validate_value(*unbounded, limits);
    BOOST_TEST(bool(parsed) == !verdict);
    if (!parsed && verdict)
      BOOST_TEST(message_of(parsed.error()) == message_of(verdict));
  }
}

BOOST_AUTO_TEST_CASE(very_deep_nesting_fails_cleanly_without_crashing) {
  for (char open : {'[', '{'}) {
    std::string text(100000, open);
    if (open == '{') {
      // Make it `{"a":{"a":...` so the parser reaches the depth limit.
      text.clear();
      for (int i = 0; i < 100000; ++i)
        text += "{\"a\":";
    }
    auto r = Value::from_json(text);
    BOOST_REQUIRE(!r);
    STRATA_CHECK_ERRC(r, errc::ConstraintViolation);
  }
}

BOOST_AUTO_TEST_CASE(parse_json_honours_a_custom_depth_limit) {
  BOOST_TEST(bool(parse_json("[[]]", 1)));
  auto r = parse_json("[[[]]]", 1);
  BOOST_REQUIRE(!r);
  STRATA_CHECK_ERRC(r, errc::ConstraintViolation);
  BOOST_TEST(bool(parse_json("5", 0)));
  BOOST_TEST(bool(parse_json("[]", 0)));
  BOOST_TEST(!parse_json("[[]]", 0));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(describe_gives_kind_colon_message) {
  auto err = make_error(errc::InvalidInput, "msg");
  BOOST_TEST(describe(err) == "InvalidInput: msg");
  BOOST_TEST(describe(make_error(errc::KeyNotFound, "no key 'x'")) == "KeyNotFound: no key 'x'");
}

BOOST_AUTO_TEST_CASE(describe_of_an_error_without_message_is_the_kind_alone) {
  BOOST_TEST(describe(make_error(errc::Conflict, "")) == "Conflict");
}

BOOST_AUTO_TEST_CASE(describe_of_no_error_says_so) {
  BOOST_TEST(describe(caf::error{}) == "no error");
}

BOOST_AUTO_TEST_CASE(kind_of_and_message_of_read_back_what_make_error_built) {
  auto err = make_error(errc::ConstraintViolation, "too big");
  BOOST_TEST(kind_of(err) == errc::ConstraintViolation);
  BOOST_TEST(message_of(err) == "too big");
  BOOST_TEST((err.category() == error_category()));
  caf::error copy = err;
  BOOST_TEST(kind_of(copy) == errc::ConstraintViolation);
  BOOST_TEST(message_of(copy) == "too big");
}

BOOST_AUTO_TEST_CASE(is_matches_only_the_same_strata_kind) {
  auto err = make_error(errc::Serialization, "bad");
  BOOST_TEST(is(err, errc::Serialization));
  BOOST_TEST(!is(err, errc::Io));
  BOOST_TEST(!is(caf::error{}, errc::Serialization));
  // Same code number, other category: not a strata error.
  caf::error foreign{static_cast<uint8_t>(errc::Serialization), caf::atom("other")};
  BOOST_TEST(!is(foreign, errc::Serialization));
}

BOOST_AUTO_TEST_CASE(errors_of_other_categories_are_internal) {
  caf::error caf_err = caf::make_error(caf::sec::unexpected_message);
  BOOST_REQUIRE(bool(caf_err));
  BOOST_TEST(kind_of(caf_err) == errc::Internal);
  BOOST_TEST(!is(caf_err, errc::Internal));
  BOOST_TEST(describe(caf_err).rfind("Internal: ", 0) == 0u);
  BOOST_TEST(kind_of(caf::error{}) == errc::Internal);
  BOOST_TEST(message_of(caf::error{}) == "");
}

BOOST_AUTO_TEST_CASE(to_string_spells_every_kind_as_spec_section_7) {
  const std::pair<errc, const char*> table[] = {
      {errc::KeyNotFound, "KeyNotFound"},
      {errc::BranchNotFound, "BranchNotFound"},
      {errc::CollectionNotFound, "CollectionNotFound"},
      {errc::StreamNotFound, "StreamNotFound"},
      {errc::CellNotFound, "CellNotFound"},
      {errc::DocumentNotFound, "DocumentNotFound"},
      {errc::WrongType, "WrongType"},
      {errc::InvalidKey, "InvalidKey"},
      {errc::InvalidPath, "InvalidPath"},
      {errc::InvalidInput, "InvalidInput"},
      {errc::VersionConflict, "VersionConflict"},
      {errc::TransitionFailed, "TransitionFailed"},
      {errc::Conflict, "Conflict"},
      {errc::BranchClosed, "BranchClosed"},
      {errc::BranchExists, "BranchExists"},
      {errc::CollectionExists, "CollectionExists"},
      {errc::DimensionMismatch, "DimensionMismatch"},
      {errc::ConstraintViolation, "ConstraintViolation"},
      {errc::HistoryTrimmed, "HistoryTrimmed"},
      {errc::Overflow, "Overflow"},
      {errc::AccessDenied, "AccessDenied"},
      {errc::TransactionNotActive, "TransactionNotActive"},
      {errc::TransactionAlreadyActive, "TransactionAlreadyActive"},
      {errc::TransactionConflict, "TransactionConflict"},
      {errc::HistoryUnavailable, "HistoryUnavailable"},
      {errc::Io, "Io"},
      {errc::Serialization, "Serialization"},
      {errc::Internal, "Internal"},
      {errc::NotImplemented, "NotImplemented"},
      // Beyond SPEC 7: the service's backpressure, damaged data, and
      // calls to a node.
      {errc::Busy, "Busy"},
      {errc::Corruption, "Corruption"},
      {errc::Unavailable, "Unavailable"},
      {errc::Timeout, "Timeout"},
  };
  for (const auto& [kind, name] : table) {
    BOOST_TEST(std::string(to_string(kind)) == name);
    BOOST_TEST(describe(make_error(kind, "m")) == std::string(name) + ": m");
  }
}

BOOST_AUTO_TEST_CASE(error_codes_keep_their_wire_numbers) {
  // The numbers travel between processes: appending is fine, renumbering
  // breaks peers.
  BOOST_TEST(static_cast<int>(errc::KeyNotFound) == 1);
  BOOST_TEST(static_cast<int>(errc::InvalidInput) == 10);
  BOOST_TEST(static_cast<int>(errc::ConstraintViolation) == 18);
  BOOST_TEST(static_cast<int>(errc::Io) == 26);
  BOOST_TEST(static_cast<int>(errc::Serialization) == 27);
  BOOST_TEST(static_cast<int>(errc::Internal) == 28);
  BOOST_TEST(static_cast<int>(errc::NotImplemented) == 29);
  BOOST_TEST(static_cast<int>(errc::Busy) == 30);
  BOOST_TEST(static_cast<int>(errc::Corruption) == 31);
  BOOST_TEST(static_cast<int>(errc::Unavailable) == 32);
  BOOST_TEST(static_cast<int>(errc::Timeout) == 33);
}

BOOST_AUTO_TEST_SUITE_END()
