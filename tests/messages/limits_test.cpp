// Input validation at the edge: key rules, value limits, space names
// (SPEC 1.4 and 4.4).

#include "strata/messages/limits.hpp"

#include <limits>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "test_util.hpp"

using namespace strata;

namespace {

// An array nested `depth` levels below the top-level one, so its innermost
// array sits at depth `depth` (the top level is depth 0).
Value arrays_to_depth(size_t depth) {
  Value v = Array{};
  for (size_t i = 0; i < depth; ++i)
    v = Array{std::move(v)};
  return v;
}

Value objects_to_depth(size_t depth) {
  Value v = Object{};
  for (size_t i = 0; i < depth; ++i)
    v = Object{{"k", std::move(v)}};
  return v;
}

Array ints(size_t n) {
  Array a;
  for (size_t i = 0; i < n; ++i)
    a.emplace_back(static_cast<int64_t>(i));
  return a;
}

Object members(size_t n) {
  Object o;
  for (size_t i = 0; i < n; ++i)
    o.set("m" + std::to_string(i), static_cast<int64_t>(i));
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(limits)

// -- keys ---------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(an_empty_key_is_invalid_input) {
  auto err = validate_key("", Limits{});
  STRATA_CHECK_ERRC(err, errc::InvalidInput);
  BOOST_TEST(message_of(err) == "Key must not be empty");
}

BOOST_AUTO_TEST_CASE(a_key_of_1024_bytes_is_accepted_and_1025_is_a_constraint_violation) {
  STRATA_CHECK_NO_ERROR(validate_key(std::string(1024, 'k'), Limits{}));
  auto err = validate_key(std::string(1025, 'k'), Limits{});
  STRATA_CHECK_ERRC(err, errc::ConstraintViolation);
  BOOST_TEST(message_of(err) == "Capacity exceeded for key: limit 1024, requested 1025");
}

BOOST_AUTO_TEST_CASE(the_key_limit_counts_bytes_not_characters) {
  std::string two_byte_char = "\xc3\xa9";  // é
  std::string at_limit;
  for (int i = 0; i < 512; ++i)
    at_limit += two_byte_char;
  BOOST_REQUIRE_EQUAL(at_limit.size(), 1024u);
  STRATA_CHECK_NO_ERROR(validate_key(at_limit, Limits{}));
  auto err = validate_key(at_limit + two_byte_char, Limits{});
  STRATA_CHECK_ERRC(err, errc::ConstraintViolation);
  BOOST_TEST(message_of(err) == "Capacity exceeded for key: limit 1024, requested 1026");
}

BOOST_AUTO_TEST_CASE(the_key_limit_follows_custom_limits) {
  auto small = Limits::small();
  STRATA_CHECK_NO_ERROR(validate_key(std::string(100, 'k'), small));
  auto err = validate_key(std::string(101, 'k'), small);
  STRATA_CHECK_ERRC(err, errc::ConstraintViolation);
  BOOST_TEST(message_of(err) == "Capacity exceeded for key: limit 100, requested 101");
}

BOOST_AUTO_TEST_CASE(a_key_with_a_nul_byte_is_invalid_input) {
  for (std::string key : {std::string("a\0b", 3), std::string("\0", 1), std::string("ab\0", 3)}) {
    auto err = validate_key(key, Limits{});
    STRATA_CHECK_ERRC(err, errc::InvalidInput);
  }
}

BOOST_AUTO_TEST_CASE(the_reserved_prefix_is_rejected_but_lookalikes_are_accepted) {
  for (std::string_view key : {"_strata/", "_strata/x", "_strata/a/b"}) {
    BOOST_TEST_INFO("key: " << key);
    STRATA_CHECK_ERRC(validate_key(key, Limits{}), errc::InvalidInput);
  }
  for (std::string_view key : {"_strata", "_strata_x", "x/_strata/", "_STRATA/x", "_strat/"}) {
    BOOST_TEST_INFO("key: " << key);
    STRATA_CHECK_NO_ERROR(validate_key(key, Limits{}));
  }
}

BOOST_AUTO_TEST_CASE(unicode_whitespace_and_punctuation_keys_are_accepted) {
  std::vector<std::string> keys = {"ключ",  "日本語", "🔑",   " ",     "   ", "\t",  "\n",
                                   "/",     ".",      "..",   "~",     ":",   "@",   "#",
                                   "%",     "a b",    "user:1", "a/b/c", "x.y", "$", "/ . .. ~ : @ # %"};
  for (const auto& key : keys) {
    BOOST_TEST_INFO("key: '" << key << "'");
    STRATA_CHECK_NO_ERROR(validate_key(key, Limits{}));
  }
}

BOOST_AUTO_TEST_CASE(a_list_prefix_may_be_empty_and_is_otherwise_checked_as_a_key) {
  STRATA_CHECK_NO_ERROR(validate_prefix("", Limits{}));
  STRATA_CHECK_NO_ERROR(validate_prefix("user:", Limits{}));
  STRATA_CHECK_ERRC(validate_prefix("_strata/", Limits{}), errc::InvalidInput);
  STRATA_CHECK_ERRC(validate_prefix(std::string("a\0", 2), Limits{}), errc::InvalidInput);
  STRATA_CHECK_ERRC(validate_prefix(std::string(1025, 'p'), Limits{}),
                    errc::ConstraintViolation);
}

// -- values -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(scalars_never_exceed_a_limit) {
  auto small = Limits::small();
  for (const Value& v : {Value{}, Value{true}, Value{int64_t{-1}}, Value{1e308},
                         Value{std::numeric_limits<double>::quiet_NaN()}})
    STRATA_CHECK_NO_ERROR(validate_value(v, small));
}

BOOST_AUTO_TEST_CASE(small_profile_has_the_spec_numbers) {
  auto s = Limits::small();
  BOOST_TEST(s.max_key_bytes == 100u);
  BOOST_TEST(s.max_string_bytes == 1000u);
  BOOST_TEST(s.max_bytes_len == 1000u);
  BOOST_TEST(s.max_array_len == 100u);
  BOOST_TEST(s.max_object_entries == 100u);
  BOOST_TEST(s.max_nesting_depth == 10u);
  BOOST_TEST(s.max_vector_dim == 100u);
}

BOOST_AUTO_TEST_CASE(default_limits_have_the_spec_numbers) {
  Limits d;
  BOOST_TEST(d.max_key_bytes == 1024u);
  BOOST_TEST(d.max_string_bytes == 16u * 1024 * 1024);
  BOOST_TEST(d.max_bytes_len == 16u * 1024 * 1024);
  BOOST_TEST(d.max_array_len == 1000000u);
  BOOST_TEST(d.max_object_entries == 1000000u);
  BOOST_TEST(d.max_nesting_depth == 128u);
  BOOST_TEST(d.max_vector_dim == 8192u);
}

BOOST_AUTO_TEST_CASE(a_string_at_the_limit_is_accepted_and_one_byte_more_is_rejected) {
  auto small = Limits::small();
  STRATA_CHECK_NO_ERROR(validate_value(std::string(1000, 's'), small));
  auto err = validate_value(std::string(1001, 's'), small);
  STRATA_CHECK_ERRC(err, errc::ConstraintViolation);
  BOOST_TEST(message_of(err) == "Value too large (string_too_long): 1001 exceeds maximum 1000");
}

BOOST_AUTO_TEST_CASE(bytes_at_the_limit_are_accepted_and_one_byte_more_is_rejected) {
  auto small = Limits::small();
  STRATA_CHECK_NO_ERROR(validate_value(Bytes(1000, 0xab), small));
  auto err = validate_value(Bytes(1001, 0xab), small);
  STRATA_CHECK_ERRC(err, errc::ConstraintViolation);
  BOOST_TEST(message_of(err) == "Value too large (bytes_too_long): 1001 exceeds maximum 1000");
}

BOOST_AUTO_TEST_CASE(an_array_at_the_limit_is_accepted_and_one_element_more_is_rejected) {
  auto small = Limits::small();
  STRATA_CHECK_NO_ERROR(validate_value(ints(100), small));
  auto err = validate_value(ints(101), small);
  STRATA_CHECK_ERRC(err, errc::ConstraintViolation);
  BOOST_TEST(message_of(err) == "Value too large (array_too_long): 101 exceeds maximum 100");
}

BOOST_AUTO_TEST_CASE(an_object_at_the_limit_is_accepted_and_one_entry_more_is_rejected) {
  auto small = Limits::small();
  STRATA_CHECK_NO_ERROR(validate_value(members(100), small));
  auto err = validate_value(members(101), small);
  STRATA_CHECK_ERRC(err, errc::ConstraintViolation);
  BOOST_TEST(message_of(err) ==
             "Value too large (object_too_many_entries): 101 exceeds maximum 100");
}

BOOST_AUTO_TEST_CASE(nesting_at_the_small_limit_is_accepted_and_one_deeper_is_rejected) {
  auto small = Limits::small();
  STRATA_CHECK_NO_ERROR(validate_value(arrays_to_depth(10), small));
  STRATA_CHECK_NO_ERROR(validate_value(objects_to_depth(10), small));
  for (const Value& v : {arrays_to_depth(11), objects_to_depth(11)}) {
    auto err = validate_value(v, small);
    STRATA_CHECK_ERRC(err, errc::ConstraintViolation);
    BOOST_TEST(message_of(err) == "Nesting too deep: 11 levels exceeds maximum 10");
  }
}

BOOST_AUTO_TEST_CASE(a_violation_deep_inside_a_container_is_found) {
  auto small = Limits::small();
  Value v = Object{{"ok", 1}, {"list", Array{1, Object{{"s", std::string(1001, 'x')}}}}};
  auto err = validate_value(v, small);
  STRATA_CHECK_ERRC(err, errc::ConstraintViolation);
  BOOST_TEST(message_of(err) == "Value too large (string_too_long): 1001 exceeds maximum 1000");
  Value bytes_inside = Array{Array{Bytes(1001, 0)}};
  STRATA_CHECK_ERRC(validate_value(bytes_inside, small), errc::ConstraintViolation);
}

BOOST_AUTO_TEST_CASE(an_object_member_name_counts_against_the_string_limit) {
  auto small = Limits::small();
  STRATA_CHECK_NO_ERROR(validate_value(Object{{std::string(1000, 'n'), 1}}, small));
  STRATA_CHECK_ERRC(validate_value(Object{{std::string(1001, 'n'), 1}}, small),
                    errc::ConstraintViolation);
}

BOOST_AUTO_TEST_CASE(the_default_string_limit_is_exactly_16_mib) {
  const size_t mib16 = 16u * 1024 * 1024;
  STRATA_CHECK_NO_ERROR(validate_value(std::string(mib16, 'x'), Limits{}));
  auto err = validate_value(std::string(mib16 + 1, 'x'), Limits{});
  STRATA_CHECK_ERRC(err, errc::ConstraintViolation);
  BOOST_TEST(message_of(err) ==
             "Value too large (string_too_long): 16777217 exceeds maximum 16777216");
  STRATA_CHECK_NO_ERROR(validate_value(Bytes(mib16, 1), Limits{}));
  STRATA_CHECK_ERRC(validate_value(Bytes(mib16 + 1, 1), Limits{}), errc::ConstraintViolation);
}

BOOST_AUTO_TEST_CASE(the_default_nesting_depth_128_is_accepted_and_129_is_rejected) {
  STRATA_CHECK_NO_ERROR(validate_value(arrays_to_depth(128), Limits{}));
  STRATA_CHECK_NO_ERROR(validate_value(objects_to_depth(128), Limits{}));
  for (const Value& v : {arrays_to_depth(129), objects_to_depth(129)}) {
    auto err = validate_value(v, Limits{});
    STRATA_CHECK_ERRC(err, errc::ConstraintViolation);
    BOOST_TEST(message_of(err) == "Nesting too deep: 129 levels exceeds maximum 128");
  }
}

BOOST_AUTO_TEST_CASE(a_scalar_counts_at_the_depth_it_sits) {
  // A scalar inside 128 arrays sits at depth 128; inside 129, at depth 129.
  Value at_limit = 1;
  for (int i = 0; i < 128; ++i)
    at_limit = Array{std::move(at_limit)};
  STRATA_CHECK_NO_ERROR(validate_value(at_limit, Limits{}));
  Value past = Array{std::move(at_limit)};
  STRATA_CHECK_ERRC(validate_value(past, Limits{}), errc::ConstraintViolation);
}

// -- space names --------------------------------------------------------------

BOOST_AUTO_TEST_CASE(the_valid_space_names_of_spec_4_4_are_accepted) {
  for (const std::string& name :
       {std::string("conversations"), std::string("tool-results"),
        std::string("agent_memory_v2"), std::string("a"), std::string("abc123"),
        std::string("space_1"), std::string("my-space"), std::string("default"),
        std::string("z-_9"), std::string(64, 'a')}) {
    BOOST_TEST_INFO("name: " << name);
    STRATA_CHECK_NO_ERROR(validate_space_name(name));
  }
}

BOOST_AUTO_TEST_CASE(the_invalid_space_names_of_spec_4_4_give_their_messages) {
  const std::pair<std::string, const char*> table[] = {
      {"Conversations", "Space name must start with a lowercase letter"},
      {"MySpace", "Space name must start with a lowercase letter"},
      {"123-invalid", "Space name must start with a lowercase letter"},
      {"", "Space name cannot be empty"},
      {"_system_internal", "Space names starting with '_system_' are reserved"},
      {std::string(65, 'a'), "Space name cannot exceed 64 characters"},
      {"-dash", "Space name must start with a lowercase letter"},
      {"_x", "Space name must start with a lowercase letter"},
      {"mySpace", "Space name can only contain lowercase letters, digits, hyphens, and underscores"},
      {"my space", "Space name can only contain lowercase letters, digits, hyphens, and underscores"},
      {"a.b", "Space name can only contain lowercase letters, digits, hyphens, and underscores"},
      {"a/b", "Space name can only contain lowercase letters, digits, hyphens, and underscores"},
      {"caf\xc3\xa9", "Space name can only contain lowercase letters, digits, hyphens, and underscores"},
  };
  for (const auto& [name, message] : table) {
    BOOST_TEST_INFO("name: '" << name << "'");
    auto err = validate_space_name(name);
    STRATA_CHECK_ERRC(err, errc::InvalidInput);
    BOOST_TEST(message_of(err) == message);
  }
}

BOOST_AUTO_TEST_CASE(the_default_space_and_branch_are_named_default) {
  BOOST_TEST(default_space == "default");
  BOOST_TEST(default_branch == "default");
  STRATA_CHECK_NO_ERROR(validate_space_name(default_space));
}

BOOST_AUTO_TEST_SUITE_END()
