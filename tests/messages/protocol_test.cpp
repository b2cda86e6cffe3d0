// Actor messages through CAF's binary serializer — the path they take
// between nodes: optional members keep "absent" apart from a default value,
// and enum bytes past the last known value are refused, not cast.

#include "strata/messages/protocol.hpp"

#include <vector>

#include <boost/test/unit_test.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

using namespace strata;

namespace {

template <class T>
std::vector<char> serialized(T x) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  auto err = sink(x);
  BOOST_REQUIRE_MESSAGE(!err, "serialize: " << describe(err));
  return buf;
}

template <class T>
caf::error deserialize(const std::vector<char>& buf, T& out) {
  caf::binary_deserializer source{nullptr, buf};
  return source(out);
}

template <class T>
T round_trip(const T& x) {
  T out;
  auto err = deserialize(serialized(x), out);
  BOOST_REQUIRE_MESSAGE(!err, "deserialize: " << describe(err));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(protocol)

BOOST_AUTO_TEST_CASE(transaction_operations_round_trip) {
  TxnOp op{TxnOpKind::JsonDelete, "doc", "$.a[1]", Value{Object{{"x", 1}}}, true, 42};
  auto got = round_trip(op);
  BOOST_TEST(static_cast<int>(got.kind) == static_cast<int>(TxnOpKind::JsonDelete));
  BOOST_TEST(got.key == "doc");
  BOOST_TEST(got.arg == "$.a[1]");
  BOOST_TEST((got.value == op.value));
  BOOST_TEST(got.has_expected);
  BOOST_TEST(got.expected == 42u);
}

BOOST_AUTO_TEST_CASE(unknown_enum_bytes_are_refused) {
  // The kind is a TxnOp's first byte.
  auto buf = serialized(TxnOp{TxnOpKind::KvPut, "k", "", Value{1}, false, 0});
  buf[0] = static_cast<char>(static_cast<uint8_t>(TxnOpKind::VectorDelete) + 1);
  TxnOp op;
  auto err = deserialize(buf, op);
  BOOST_REQUIRE(err);
  BOOST_TEST(is(err, errc::Serialization));
  BOOST_TEST(message_of(err) == "unknown transaction operation");

  // A condition with an empty field: one length byte, then the operator.
  buf = serialized(FilterCondition{"", FilterCondition::Op::Contains, Value{"a"}});
  BOOST_REQUIRE((round_trip(FilterCondition{"", FilterCondition::Op::Contains, Value{"a"}}) ==
                 FilterCondition{"", FilterCondition::Op::Contains, Value{"a"}}));
  buf[1] = static_cast<char>(static_cast<uint8_t>(FilterCondition::Op::Contains) + 1);
  FilterCondition cond;
  err = deserialize(buf, cond);
  BOOST_REQUIRE(err);
  BOOST_TEST(message_of(err) == "unknown filter operator");
}

BOOST_AUTO_TEST_CASE(optional_members_keep_absent_apart_from_default) {
  BatchItemResult none;
  BatchItemResult zero;
  zero.version = 0;
  BatchItemResult seven;
  seven.version = 7;
  BOOST_TEST(!round_trip(none).version.has_value());
  BOOST_TEST((round_trip(zero).version == std::optional<uint64_t>{0}));
  BOOST_TEST((round_trip(seven).version == std::optional<uint64_t>{7}));

  VectorEntry bare{"k", {1.0f, 2.5f}, std::nullopt, 3, 99};
  auto got = round_trip(bare);
  BOOST_TEST(!got.metadata.has_value());
  BOOST_TEST((got.embedding == bare.embedding));
  BOOST_TEST(got.version == 3u);
  BOOST_TEST(got.timestamp == 99u);
  VectorEntry with_null_meta = bare;
  with_null_meta.metadata = Value{};
  BOOST_TEST((round_trip(with_null_meta).metadata == std::optional<Value>{Value{}}));
  VectorEntry with_meta = bare;
  with_meta.metadata = Value{Object{{"tag", "a"}}};
  BOOST_TEST((round_trip(with_meta).metadata == with_meta.metadata));
}

BOOST_AUTO_TEST_SUITE_END()
