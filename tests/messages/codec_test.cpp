// Cap'n Proto codecs: every variant round-trips, and no byte sequence makes
// a decoder crash or return anything but a value or errc::Serialization.

#include "strata/messages/codec.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "test_util.hpp"

using namespace strata;
using strata::test::member_names;

namespace {

std::string encoded(const Value& v) {
  std::string out;
  encode(v, out);
  return out;
}

std::string encoded(const VersionedRecord& rec) {
  std::string out;
  encode(rec, out);
  return out;
}

Value round_trip(const Value& v) {
  auto bytes = encoded(v);
  BOOST_REQUIRE_EQUAL(bytes.size() % 8, 0u);
  auto r = decode_value(bytes);
  BOOST_REQUIRE_MESSAGE(r, "decode_value failed: " << test::why(r));
  return std::move(*r);
}

// A value touching every variant, nested, with awkward contents.
Value rich_value() {
  return Object{
      {"null", nullptr},
      {"bool", true},
      {"int", std::numeric_limits<int64_t>::min()},
      {"float", -0.5},
      {"nan", std::numeric_limits<double>::quiet_NaN()},
      {"text", std::string("nul\0inside", 10)},
      {"bytes", Bytes{0, 1, 2, 0xff}},
      {"list", Array{1, "two", Array{}, Object{}, Bytes{}}},
      {"obj", Object{{"", ""}, {std::string("k\0", 2), Array{nullptr}}}},
  };
}

VersionedRecord rich_record() {
  VersionedRecord rec;
  rec.version = 42;
  rec.timestamp = 1700000000123456;
  rec.value = rich_value();
  return rec;
}

// Every decoder must return a value or a Serialization error for `bytes`;
// anything else (another kind, a crash, an exception) fails the test.
void check_decoders_survive(std::string_view bytes) {
  auto survives = [](const auto& decoded) {
    if (!decoded)
      STRATA_CHECK_ERRC(decoded, errc::Serialization);
  };
  survives(decode_value(bytes));
  survives(decode_versioned_record(bytes));
  survives(decode_space_meta(bytes));
  survives(decode_prepared_txn(bytes));
  survives(decode_commit_decision(bytes));
}

// Word-aligned storage, so a test controls alignment exactly.
struct AlignedBuffer {
  explicit AlignedBuffer(size_t bytes) : words(new uint64_t[bytes / 8 + 2]()) {}
  char* data() { return reinterpret_cast<char*>(words.get()); }
  std::unique_ptr<uint64_t[]> words;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(codec)

BOOST_AUTO_TEST_CASE(every_scalar_variant_round_trips) {
  for (const Value& v :
       {Value{}, Value{true}, Value{false}, Value{int64_t{0}}, Value{int64_t{-1}},
        Value{std::numeric_limits<int64_t>::max()}, Value{std::numeric_limits<int64_t>::min()},
        Value{0.0}, Value{3.5}, Value{-1e-300}, Value{std::numeric_limits<double>::infinity()},
        Value{-std::numeric_limits<double>::infinity()}, Value{"text"}, Value{""},
        Value{Bytes{1, 2, 3}}, Value{Bytes{}}}) {
    Value back = round_trip(v);
    BOOST_TEST(back.kind() == v.kind());
    BOOST_TEST(back == v);
  }
}

BOOST_AUTO_TEST_CASE(empty_string_bytes_array_and_object_keep_their_variant) {
  BOOST_TEST(round_trip(Value{""}).is_string());
  BOOST_TEST(round_trip(Value{Bytes{}}).is_bytes());
  BOOST_TEST(round_trip(Value{Array{}}).is_array());
  BOOST_TEST(round_trip(Value{Object{}}).is_object());
  BOOST_TEST(round_trip(Value{}).is_null());
}

BOOST_AUTO_TEST_CASE(nan_and_negative_zero_keep_their_bits) {
  Value nan = round_trip(Value{std::numeric_limits<double>::quiet_NaN()});
  BOOST_REQUIRE(nan.is_float());
  BOOST_TEST(std::isnan(*nan.as_float()));
  Value neg_zero = round_trip(Value{-0.0});
  BOOST_REQUIRE(neg_zero.is_float());
  BOOST_TEST(std::signbit(*neg_zero.as_float()));
}

BOOST_AUTO_TEST_CASE(strings_and_member_names_keep_interior_nul_bytes) {
  std::string s("a\0b\0", 4);
  Value back = round_trip(Value{s});
  BOOST_REQUIRE(back.is_string());
  BOOST_TEST(back.as_str()->size() == 4u);
  BOOST_TEST(*back.as_str() == s);

  Value obj = Object{{std::string("k\0ey", 4), 1}};
  Value obj_back = round_trip(obj);
  BOOST_TEST(obj_back == obj);
  BOOST_TEST(member_names(obj_back).front().size() == 4u);
}

BOOST_AUTO_TEST_CASE(a_rich_nested_value_round_trips_with_member_order) {
  Value v = rich_value();
  Value back = round_trip(v);
  BOOST_TEST(member_names(back) == member_names(v));
  // NaN makes v != back by design; compare the NaN-free members.
  for (const auto& m : *v.as_object()) {
    if (m.first == "nan")
      continue;
    BOOST_TEST_INFO("member " << m.first);
    BOOST_REQUIRE(back.as_object()->find(m.first) != nullptr);
    BOOST_TEST(*back.as_object()->find(m.first) == m.second);
  }
  BOOST_TEST(std::isnan(*back.as_object()->find("nan")->as_float()));
}

BOOST_AUTO_TEST_CASE(big_and_deep_values_round_trip) {
  Value deep_arrays = Array{};
  Value deep_objects = "leaf";
  for (int i = 0; i < 128; ++i) {
    deep_arrays = Array{std::move(deep_arrays)};
    deep_objects = Object{{"k", std::move(deep_objects)}};
  }
  BOOST_TEST(round_trip(deep_arrays) == deep_arrays);
  BOOST_TEST(round_trip(deep_objects) == deep_objects);

  Array many;
  for (int64_t i = 0; i < 100000; ++i)
    many.push_back(i % 3 == 0 ? Value{i} : i % 3 == 1 ? Value{"s" + std::to_string(i)} : Value{});
  Value many_v = std::move(many);
  BOOST_TEST(round_trip(many_v) == many_v);

  Object wide;
  for (int i = 9999; i >= 0; --i)
    wide.set("member" + std::to_string(i), i);
  Value wide_v = std::move(wide);
  Value wide_back = round_trip(wide_v);
  BOOST_TEST(wide_back == wide_v);
  BOOST_TEST(member_names(wide_back) == member_names(wide_v));

  Value big_string = std::string(1 << 20, 'x');
  BOOST_TEST(round_trip(big_string) == big_string);
  Value big_bytes = Bytes(1 << 20, 0x5a);
  BOOST_TEST(round_trip(big_bytes) == big_bytes);
}

BOOST_AUTO_TEST_CASE(a_versioned_record_round_trips) {
  auto rec = rich_record();
  rec.value = Object{{"k", Array{1, "v"}}};
  auto r = decode_versioned_record(encoded(rec));
  BOOST_REQUIRE_MESSAGE(r, test::why(r));
  BOOST_TEST(r->version == 42u);
  BOOST_TEST(r->timestamp == 1700000000123456u);
  BOOST_TEST(!r->tombstone);
  BOOST_TEST(r->value == rec.value);
}

BOOST_AUTO_TEST_CASE(a_record_read_without_its_value_keeps_everything_else) {
  auto rec = rich_record();
  rec.paths = {"$.a", "$.b[2]"};
  auto r = decode_versioned_record(encoded(rec), false);
  BOOST_REQUIRE_MESSAGE(r, test::why(r));
  BOOST_TEST(r->version == 42u);
  BOOST_TEST(r->timestamp == 1700000000123456u);
  BOOST_TEST(!r->tombstone);
  BOOST_TEST((r->paths == rec.paths));
  BOOST_TEST(r->value.is_null());
  // Corrupt bytes are refused all the same.
  auto bytes = encoded(rec);
  BOOST_TEST(!decode_versioned_record(std::string_view(bytes).substr(0, 9), false));
}

BOOST_AUTO_TEST_CASE(extreme_versions_and_timestamps_round_trip) {
  VersionedRecord rec;
  rec.version = std::numeric_limits<uint64_t>::max();
  rec.timestamp = std::numeric_limits<uint64_t>::max();
  rec.value = Value{};
  auto r = decode_versioned_record(encoded(rec));
  BOOST_REQUIRE(r);
  BOOST_TEST(r->version == std::numeric_limits<uint64_t>::max());
  BOOST_TEST(r->timestamp == std::numeric_limits<uint64_t>::max());
  BOOST_TEST(!r->tombstone);
  BOOST_TEST(r->value.is_null());
}

BOOST_AUTO_TEST_CASE(a_tombstone_round_trips_without_a_value) {
  VersionedRecord rec;
  rec.version = 3;
  rec.timestamp = 99;
  rec.tombstone = true;
  rec.value = "ignored";
  auto r = decode_versioned_record(encoded(rec));
  BOOST_REQUIRE(r);
  BOOST_TEST(r->tombstone);
  BOOST_TEST(r->version == 3u);
  BOOST_TEST(r->timestamp == 99u);
  BOOST_TEST(r->value.is_null());
}

BOOST_AUTO_TEST_CASE(encode_record_with_a_null_value_pointer_writes_a_tombstone) {
  std::string tomb;
  encode_record(5, 6, nullptr, tomb);
  auto t = decode_versioned_record(tomb);
  BOOST_REQUIRE(t);
  BOOST_TEST(t->tombstone);
  BOOST_TEST(t->version == 5u);

  Value v = Array{"x"};
  std::string live;
  encode_record(7, 8, &v, live);
  auto l = decode_versioned_record(live);
  BOOST_REQUIRE(l);
  BOOST_TEST(!l->tombstone);
  BOOST_TEST(l->version == 7u);
  BOOST_TEST(l->timestamp == 8u);
  BOOST_TEST(l->value == v);
}

BOOST_AUTO_TEST_CASE(a_null_value_is_not_a_tombstone) {
  VersionedRecord rec;
  rec.version = 1;
  rec.value = nullptr;
  auto r = decode_versioned_record(encoded(rec));
  BOOST_REQUIRE(r);
  BOOST_TEST(!r->tombstone);
  BOOST_TEST(r->value.is_null());
}

BOOST_AUTO_TEST_CASE(space_meta_round_trips) {
  for (const SpaceMeta& meta : {SpaceMeta{1, 0}, SpaceMeta{1, 1700000000000000},
                                SpaceMeta{7, std::numeric_limits<uint64_t>::max()}}) {
    std::string out;
    encode(meta, out);
    auto r = decode_space_meta(out);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->format_version == meta.format_version);
    BOOST_TEST(r->max_timestamp == meta.max_timestamp);
  }
}

BOOST_AUTO_TEST_CASE(encode_appends_to_the_output) {
  std::string out;
  encode(Value{1}, out);
  size_t first = out.size();
  encode(Value{"second"}, out);
  BOOST_REQUIRE(out.size() > first);
  auto a = decode_value(std::string_view(out).substr(0, first));
  auto b = decode_value(std::string_view(out).substr(first));
  BOOST_REQUIRE(a);
  BOOST_REQUIRE(b);
  BOOST_TEST(*a == Value{1});
  BOOST_TEST(*b == Value{"second"});
}

BOOST_AUTO_TEST_CASE(empty_input_is_a_serialization_error) {
  STRATA_CHECK_ERRC(decode_value(""), errc::Serialization);
  STRATA_CHECK_ERRC(decode_versioned_record(""), errc::Serialization);
  STRATA_CHECK_ERRC(decode_space_meta(""), errc::Serialization);
}

BOOST_AUTO_TEST_CASE(a_size_not_a_multiple_of_eight_is_a_serialization_error) {
  auto valid = encoded(rich_record());
  for (size_t n : {size_t{1}, size_t{7}, size_t{9}, size_t{15}, valid.size() - 1,
                   valid.size() + 1}) {
    std::string bytes = valid;
    bytes.resize(n, '\0');
    BOOST_TEST_INFO("size " << n);
    auto r = decode_versioned_record(bytes);
    BOOST_REQUIRE(!r);
    STRATA_CHECK_ERRC(r, errc::Serialization);
    STRATA_CHECK_ERRC(decode_value(bytes), errc::Serialization);
  }
}

BOOST_AUTO_TEST_CASE(every_truncation_of_a_valid_message_is_a_serialization_error) {
  auto valid = encoded(rich_record());
  BOOST_REQUIRE(decode_versioned_record(valid));
  for (size_t n = 0; n < valid.size(); ++n) {
    BOOST_TEST_INFO("truncated to " << n << " of " << valid.size());
    auto r = decode_versioned_record(std::string_view(valid).substr(0, n));
    BOOST_REQUIRE(!r);
    STRATA_CHECK_ERRC(r, errc::Serialization);
    BOOST_TEST(message_of(r.error()).rfind("corrupt record", 0) == 0u);
  }
}

BOOST_AUTO_TEST_CASE(random_bytes_never_crash_a_decoder) {
  std::mt19937_64 rng{20240601};
  for (int i = 0; i < 2000; ++i) {
    size_t len = rng() % 512;
    if (i % 2 == 0)
      len -= len % 8;  // half of them pass the size check
    std::string bytes(len, '\0');
    for (auto& c : bytes)
      c = static_cast<char>(rng());
    check_decoders_survive(bytes);
  }
}

BOOST_AUTO_TEST_CASE(random_segments_behind_a_valid_header_never_crash_a_decoder) {
  // A well-formed segment table makes the reader go on to follow random
  // pointers, which is where a careless decoder would read out of bounds.
  std::mt19937_64 rng{7};
  for (int i = 0; i < 2000; ++i) {
    uint32_t words = 1 + static_cast<uint32_t>(rng() % 64);
    std::string bytes((words + 1) * 8, '\0');
    uint32_t segments_minus_one = 0;
    std::memcpy(&bytes[0], &segments_minus_one, 4);
    std::memcpy(&bytes[4], &words, 4);
    for (size_t j = 8; j < bytes.size(); ++j)
      bytes[j] = static_cast<char>(rng() % 4 == 0 ? rng() : 0);
    check_decoders_survive(bytes);
  }
}

BOOST_AUTO_TEST_CASE(a_valid_message_with_any_one_byte_flipped_decodes_or_fails_cleanly) {
  for (const std::string& valid : {encoded(rich_record()), encoded(rich_value())}) {
    for (size_t i = 0; i < valid.size(); ++i) {
      for (int mask : {0x01, 0x80, 0xff}) {
        std::string bytes = valid;
        bytes[i] = static_cast<char>(bytes[i] ^ mask);
        BOOST_TEST_INFO("byte " << i << " mask " << mask);
        check_decoders_survive(bytes);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(random_multi_byte_damage_never_crashes_a_decoder) {
  std::mt19937_64 rng{99};
  const std::string valid = encoded(rich_record());
  for (int i = 0; i < 2000; ++i) {
    std::string bytes = valid;
    int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f)
      bytes[rng() % bytes.size()] = static_cast<char>(rng());
    check_decoders_survive(bytes);
  }
}

BOOST_AUTO_TEST_CASE(decoding_one_record_type_as_another_fails_cleanly) {
  check_decoders_survive(encoded(rich_value()));
  check_decoders_survive(encoded(rich_record()));
  std::string meta;
  encode(SpaceMeta{1, 5}, meta);
  check_decoders_survive(meta);
}

BOOST_AUTO_TEST_CASE(misaligned_input_decodes_correctly) {
  const Value v = Object{{"k", Array{1, "two", Bytes{3}}}};
  const std::string value_bytes = encoded(v);
  const std::string record_bytes = encoded(rich_record());
  for (size_t offset = 1; offset < 8; ++offset) {
    BOOST_TEST_INFO("offset " << offset);
    AlignedBuffer buf{record_bytes.size() + value_bytes.size() + 8};
    char* at = buf.data() + offset;
    BOOST_REQUIRE(reinterpret_cast<uintptr_t>(at) % 8 != 0);

    std::memcpy(at, value_bytes.data(), value_bytes.size());
    auto r = decode_value(std::string_view(at, value_bytes.size()));
    BOOST_REQUIRE_MESSAGE(r, test::why(r));
    BOOST_TEST(*r == v);

    std::memcpy(at, record_bytes.data(), record_bytes.size());
    auto rec = decode_versioned_record(std::string_view(at, record_bytes.size()));
    BOOST_REQUIRE_MESSAGE(rec, test::why(rec));
    BOOST_TEST(rec->version == 42u);
    BOOST_TEST(member_names(rec->value) == member_names(rich_value()));
  }
}

// A misaligned record is copied before decoding: onto the stack up to a
// size, to the heap beyond it. Records on both sides of that size, and
// right at it, decode whole from every misaligned offset.
BOOST_AUTO_TEST_CASE(misaligned_records_of_every_size_around_the_copy_limit_decode_whole) {
  bool small = false, large = false;
  for (size_t len = 400; len <= 640; len += 8) {
    const std::string text(len, 'v');
    std::string bytes;
    const Value value{text};
    encode_record(7, 9, &value, bytes);
    small |= bytes.size() <= 512;
    large |= bytes.size() > 512;
    for (size_t offset = 1; offset < 8; offset += 3) {
      BOOST_TEST_INFO("value of " << len << " bytes at offset " << offset);
      AlignedBuffer buf{bytes.size() + 8};
      char* at = buf.data() + offset;
      std::memcpy(at, bytes.data(), bytes.size());
      auto rec = decode_versioned_record(std::string_view(at, bytes.size()));
      BOOST_REQUIRE_MESSAGE(rec, test::why(rec));
      BOOST_TEST(rec->version == 7u);
      BOOST_TEST(rec->timestamp == 9u);
      BOOST_TEST((rec->value == value));
    }
  }
  BOOST_TEST(small);
  BOOST_TEST(large);
}

BOOST_AUTO_TEST_CASE(a_prepared_transaction_round_trips_with_its_ticket) {
  PreparedTxn txn;
  txn.txn_id = 77;
  txn.snapshot = 1700000000000001;
  txn.commit_ts = 1700000000000009;
  txn.participants = {"billing", std::string("a\0b", 3)};
  const Value cell{Object{{"n", int64_t{-3}}, {"s", "text"}, {"l", Array{1.5, nullptr}}}};
  txn.ops.push_back(TxnOp{TxnOpKind::StateCas, "cell", {}, cell, true, 4});
  txn.ops.push_back(TxnOp{TxnOpKind::EventAppend, {}, "type", Value{Object{}}, false, 0});
  std::string bytes;
  encode(txn, bytes);
  auto r = decode_prepared_txn(bytes);
  BOOST_REQUIRE_MESSAGE(r, "decode_prepared_txn failed: " << test::why(r));
  BOOST_TEST(r->txn_id == 77u);
  BOOST_TEST(r->snapshot == txn.snapshot);
  BOOST_TEST(r->commit_ts == txn.commit_ts);
  BOOST_TEST(r->participants == txn.participants, boost::test_tools::per_element());
  BOOST_REQUIRE_EQUAL(r->ops.size(), 2u);
  BOOST_TEST(r->ops[0].value == cell);
  BOOST_TEST(r->ops[0].has_expected);
  BOOST_TEST(r->ops[0].expected == 4u);
  BOOST_TEST(r->ops[1].arg == "type");
  for (size_t cut = 0; cut < bytes.size(); cut += 7)
    check_decoders_survive(std::string_view(bytes).substr(0, cut));
}

BOOST_AUTO_TEST_SUITE_END()
