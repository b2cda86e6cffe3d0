// strata::Value: the eight variants, conversions from C++ types, accessors
// and the equality rules of SPEC 1.1.

#include "strata/messages/value.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "test_util.hpp"

using namespace strata;

namespace {

// Classifies through a `const Value&` parameter, so that the argument goes
// through the implicit conversion a user's call (`kv_put("k", 42)`) uses.
ValueKind kind_after_conversion(const Value& v) {
  return v.kind();
}

// One sample of each variant, in ValueKind order.
std::vector<Value> one_of_each() {
  return {Value{},        Value{true},          Value{int64_t{1}}, Value{1.0},
          Value{"a"},     Value{Bytes{'a'}},    Value{Array{1}},   Value{Object{{"a", 1}}}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(value)

BOOST_AUTO_TEST_CASE(there_are_exactly_eight_variants_in_spec_order) {
  BOOST_TEST(std::variant_size_v<Value::Storage> == 8u);
  auto samples = one_of_each();
  BOOST_REQUIRE_EQUAL(samples.size(), 8u);
  for (size_t i = 0; i < samples.size(); ++i)
    BOOST_TEST(static_cast<size_t>(samples[i].kind()) == i);
  BOOST_TEST(samples[0].kind() == ValueKind::Null);
  BOOST_TEST(samples[7].kind() == ValueKind::Object);
}

BOOST_AUTO_TEST_CASE(type_name_spells_each_variant_as_the_spec_does) {
  const char* expected[] = {"Null", "Bool", "Int", "Float", "String", "Bytes", "Array", "Object"};
  auto samples = one_of_each();
  for (size_t i = 0; i < samples.size(); ++i)
    BOOST_TEST(std::string(samples[i].type_name()) == expected[i]);
}

BOOST_AUTO_TEST_CASE(default_and_nullptr_construct_null) {
  BOOST_TEST(Value{}.is_null());
  BOOST_TEST(Value{nullptr}.is_null());
  BOOST_TEST(kind_after_conversion(nullptr) == ValueKind::Null);
}

BOOST_AUTO_TEST_CASE(string_literal_std_string_and_string_view_become_string) {
  BOOST_TEST(kind_after_conversion("hello") == ValueKind::String);
  BOOST_TEST(kind_after_conversion(std::string("hello")) == ValueKind::String);
  BOOST_TEST(kind_after_conversion(std::string_view("hello")) == ValueKind::String);
  Value v = "hello";
  BOOST_REQUIRE(v.as_str() != nullptr);
  BOOST_TEST(*v.as_str() == "hello");
  // A literal must not decay to bool, which would be a silent coercion.
  BOOST_TEST(!v.is_bool());
}

BOOST_AUTO_TEST_CASE(strings_keep_interior_nul_bytes) {
  std::string with_nul("a\0b", 3);
  Value v{with_nul};
  BOOST_REQUIRE(v.as_str() != nullptr);
  BOOST_TEST(v.as_str()->size() == 3u);
  BOOST_TEST(*v.as_str() == with_nul);
}

BOOST_AUTO_TEST_CASE(integers_of_every_width_widen_to_int) {
  BOOST_TEST(kind_after_conversion(int32_t{-7}) == ValueKind::Int);
  BOOST_TEST(kind_after_conversion(int64_t{-7}) == ValueKind::Int);
  BOOST_TEST(kind_after_conversion(static_cast<short>(3)) == ValueKind::Int);
  BOOST_TEST(kind_after_conversion(static_cast<uint8_t>(200)) == ValueKind::Int);
  BOOST_TEST(kind_after_conversion(42) == ValueKind::Int);
  BOOST_TEST(kind_after_conversion(42u) == ValueKind::Int);

  Value min32 = std::numeric_limits<int32_t>::min();
  BOOST_REQUIRE(min32.as_int() != nullptr);
  BOOST_TEST(*min32.as_int() == int64_t{-2147483648LL});
  Value max64 = std::numeric_limits<int64_t>::max();
  BOOST_TEST(*max64.as_int() == std::numeric_limits<int64_t>::max());
  Value min64 = std::numeric_limits<int64_t>::min();
  BOOST_TEST(*min64.as_int() == std::numeric_limits<int64_t>::min());
  Value max32u = std::numeric_limits<uint32_t>::max();
  BOOST_TEST(*max32u.as_int() == int64_t{4294967295LL});
}

BOOST_AUTO_TEST_CASE(double_and_float_become_float_never_int) {
  BOOST_TEST(kind_after_conversion(1.0) == ValueKind::Float);
  BOOST_TEST(kind_after_conversion(1.5f) == ValueKind::Float);
  Value v = 3.25;
  BOOST_REQUIRE(v.as_float() != nullptr);
  BOOST_TEST(*v.as_float() == 3.25);
  BOOST_TEST(v.as_int() == nullptr);
  Value f = 0.5f;
  BOOST_TEST(*f.as_float() == 0.5);
}

BOOST_AUTO_TEST_CASE(bool_becomes_bool_never_int) {
  BOOST_TEST(kind_after_conversion(true) == ValueKind::Bool);
  BOOST_TEST(kind_after_conversion(false) == ValueKind::Bool);
  Value v = false;
  BOOST_REQUIRE(v.as_bool() != nullptr);
  BOOST_TEST(*v.as_bool() == false);
  BOOST_TEST(v.as_int() == nullptr);
}

BOOST_AUTO_TEST_CASE(bytes_array_and_object_construct_their_variants) {
  BOOST_TEST(kind_after_conversion(Bytes{1, 2, 3}) == ValueKind::Bytes);
  BOOST_TEST(kind_after_conversion(Array{1, "two", 3.0}) == ValueKind::Array);
  BOOST_TEST(kind_after_conversion(Object{{"k", "v"}}) == ValueKind::Object);

  Value arr = Array{1, "two", 3.0, nullptr};
  const Array* a = arr.as_array();
  BOOST_REQUIRE(a != nullptr);
  BOOST_REQUIRE(a->size() == 4u);
  BOOST_TEST((*a)[0].is_int());
  BOOST_TEST((*a)[1].is_string());
  BOOST_TEST((*a)[2].is_float());
  BOOST_TEST((*a)[3].is_null());
}

BOOST_AUTO_TEST_CASE(accessors_return_nullptr_on_the_wrong_variant) {
  auto samples = one_of_each();
  for (const auto& v : samples) {
    auto k = v.kind();
    BOOST_TEST((v.as_bool() != nullptr) == (k == ValueKind::Bool));
    BOOST_TEST((v.as_int() != nullptr) == (k == ValueKind::Int));
    BOOST_TEST((v.as_float() != nullptr) == (k == ValueKind::Float));
    BOOST_TEST((v.as_str() != nullptr) == (k == ValueKind::String));
    BOOST_TEST((v.as_bytes() != nullptr) == (k == ValueKind::Bytes));
    BOOST_TEST((v.as_array() != nullptr) == (k == ValueKind::Array));
    BOOST_TEST((v.as_object() != nullptr) == (k == ValueKind::Object));
  }
}

BOOST_AUTO_TEST_CASE(predicates_match_exactly_one_variant) {
  for (const auto& v : one_of_each()) {
    int matches = v.is_null() + v.is_bool() + v.is_int() + v.is_float() + v.is_string() +
                  v.is_bytes() + v.is_array() + v.is_object();
    BOOST_TEST(matches == 1);
  }
  auto s = one_of_each();
  BOOST_TEST(s[0].is_null());
  BOOST_TEST(s[1].is_bool());
  BOOST_TEST(s[2].is_int());
  BOOST_TEST(s[3].is_float());
  BOOST_TEST(s[4].is_string());
  BOOST_TEST(s[5].is_bytes());
  BOOST_TEST(s[6].is_array());
  BOOST_TEST(s[7].is_object());
}

BOOST_AUTO_TEST_CASE(values_of_different_variants_are_never_equal) {
  BOOST_TEST(Value{1} != Value{1.0});
  BOOST_TEST(Value{0} != Value{false});
  BOOST_TEST(Value{1} != Value{true});
  BOOST_TEST(Value{} != Value{false});
  BOOST_TEST(Value{} != Value{0});
  BOOST_TEST(Value{} != Value{""});
  BOOST_TEST(Value{} != Value{Array{}});
  BOOST_TEST(Value{Array{}} != Value{Object{}});
  BOOST_TEST(Value{"1"} != Value{1});

  auto samples = one_of_each();
  for (size_t i = 0; i < samples.size(); ++i)
    for (size_t j = 0; j < samples.size(); ++j)
      BOOST_TEST((samples[i] == samples[j]) == (i == j));
}

BOOST_AUTO_TEST_CASE(bytes_and_string_with_the_same_content_differ) {
  Value s = "abc";
  Value b = Bytes{'a', 'b', 'c'};
  BOOST_TEST(s != b);
  BOOST_TEST(Value{""} != Value{Bytes{}});
  BOOST_TEST(b == Value(Bytes{'a', 'b', 'c'}));
}

BOOST_AUTO_TEST_CASE(equal_scalars_compare_equal_and_unequal_ones_do_not) {
  BOOST_TEST(Value{} == Value{nullptr});
  BOOST_TEST(Value{true} == Value{true});
  BOOST_TEST(Value{true} != Value{false});
  BOOST_TEST(Value{42} == Value{int64_t{42}});
  BOOST_TEST(Value{42} != Value{43});
  BOOST_TEST(Value{"x"} == Value{std::string("x")});
  BOOST_TEST(Value{"x"} != Value{"y"});
}

BOOST_AUTO_TEST_CASE(float_equality_follows_ieee754) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  BOOST_TEST(Value{nan} != Value{nan});
  BOOST_TEST(!(Value{nan} == Value{nan}));
  BOOST_TEST(Value{-0.0} == Value{0.0});
  BOOST_TEST(Value{inf} == Value{inf});
  BOOST_TEST(Value{-inf} == Value{-inf});
  BOOST_TEST(Value{inf} != Value{-inf});
  BOOST_TEST(Value{0.1 + 0.2} != Value{0.3});
}

BOOST_AUTO_TEST_CASE(nan_inside_a_container_makes_the_containers_unequal) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  BOOST_TEST(Value{Array{nan}} != Value{Array{nan}});
  BOOST_TEST(Value(Object{{"x", nan}}) != Value(Object{{"x", nan}}));
}

BOOST_AUTO_TEST_CASE(arrays_compare_element_wise_and_in_order) {
  BOOST_TEST(Value(Array{1, "a"}) == Value(Array{1, "a"}));
  BOOST_TEST(Value(Array{1, "a"}) != Value(Array{"a", 1}));
  BOOST_TEST(Value(Array{1}) != Value(Array{1, 1}));
  BOOST_TEST(Value{Array{1}} != Value{Array{1.0}});
  BOOST_TEST(Value{Array{Array{1}}} == Value{Array{Array{1}}});
}

BOOST_AUTO_TEST_CASE(objects_are_equal_regardless_of_member_order) {
  Value a = Object{{"x", 1}, {"y", "two"}, {"z", Array{true}}};
  Value b = Object{{"z", Array{true}}, {"x", 1}, {"y", "two"}};
  BOOST_TEST(a == b);
  BOOST_TEST(b == a);
}

BOOST_AUTO_TEST_CASE(objects_with_different_keys_or_values_are_unequal) {
  Value base = Object{{"x", 1}, {"y", 2}};
  BOOST_TEST(base != Value(Object{{"x", 1}}));
  BOOST_TEST(Value(Object{{"x", 1}}) != base);
  BOOST_TEST(base != Value(Object{{"x", 1}, {"y", 2}, {"z", 3}}));
  BOOST_TEST(base != Value(Object{{"x", 1}, {"w", 2}}));
  BOOST_TEST(base != Value(Object{{"x", 1}, {"y", 2.0}}));
  BOOST_TEST(Value{Object{}} == Value{Object{}});
}

BOOST_AUTO_TEST_CASE(object_set_replaces_in_place_and_keeps_member_order) {
  Object o{{"a", 1}, {"b", 2}, {"c", 3}};
  o.set("b", "replaced");
  BOOST_REQUIRE_EQUAL(o.size(), 3u);
  std::vector<std::string> keys;
  for (const auto& m : o)
    keys.push_back(m.first);
  BOOST_TEST(keys == (std::vector<std::string>{"a", "b", "c"}));
  BOOST_REQUIRE(o.find("b") != nullptr);
  BOOST_TEST(*o.find("b") == Value{"replaced"});
}

BOOST_AUTO_TEST_CASE(object_set_appends_a_new_member_at_the_end) {
  Object o{{"z", 1}, {"a", 2}};
  Value& inserted = o.set("m", 3);
  BOOST_TEST(inserted == Value{3});
  std::vector<std::string> keys;
  for (const auto& m : o)
    keys.push_back(m.first);
  BOOST_TEST(keys == (std::vector<std::string>{"z", "a", "m"}));
}

BOOST_AUTO_TEST_CASE(object_initializer_with_a_repeated_key_keeps_one_member) {
  Object o{{"k", 1}, {"other", 2}, {"k", 3}};
  BOOST_TEST(o.size() == 2u);
  BOOST_REQUIRE(o.find("k") != nullptr);
  BOOST_TEST(*o.find("k") == Value{3});
  BOOST_TEST(o.begin()->first == "k");
}

BOOST_AUTO_TEST_CASE(object_find_contains_and_erase) {
  Object o{{"a", 1}, {"b", 2}};
  BOOST_TEST(o.contains("a"));
  BOOST_TEST(!o.contains("c"));
  BOOST_TEST(o.find("c") == nullptr);
  BOOST_TEST(o.erase("a"));
  BOOST_TEST(!o.erase("a"));
  BOOST_TEST(!o.contains("a"));
  BOOST_TEST(o.size() == 1u);
  BOOST_TEST(o.begin()->first == "b");
}

BOOST_AUTO_TEST_CASE(mutable_accessors_edit_the_value_in_place) {
  Value v = Array{1};
  v.as_array()->push_back("two");
  BOOST_TEST(v == Value(Array{1, "two"}));
  Value o = Object{};
  o.as_object()->set("k", true);
  BOOST_TEST(o == Value(Object{{"k", true}}));
}

BOOST_AUTO_TEST_CASE(versioned_values_compare_value_version_and_timestamp) {
  VersionedValue a{Value{1}, 2, 3};
  BOOST_TEST((a == VersionedValue{Value{1}, 2, 3}));
  BOOST_TEST(!(a == VersionedValue{Value{1.0}, 2, 3}));
  BOOST_TEST(!(a == VersionedValue{Value{1}, 9, 3}));
  BOOST_TEST(!(a == VersionedValue{Value{1}, 2, 9}));
}

BOOST_AUTO_TEST_SUITE_END()
