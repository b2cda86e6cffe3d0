// The event log through the public handle (SPEC 5.2).

#include <cmath>

#include <leveldb/db.h>

#include "strata/messages/codec.hpp"

#include "test_util.hpp"

using strata::Strata;
using strata::Value;
using strata::errc;
using strata::test::TempDir;
using strata::test::json_value;

BOOST_AUTO_TEST_SUITE(events)

BOOST_AUTO_TEST_CASE(sequences_start_at_one_and_are_contiguous_per_space) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_append("log", json_value(R"({"msg":"hello"})"))) == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_append("log", json_value("{}"))) == 2u);
  STRATA_REQUIRE_DONE(db.set_space("other"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_append("log", json_value("{}"))) == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 1u);
  STRATA_REQUIRE_DONE(db.set_space("default"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 2u);
}

BOOST_AUTO_TEST_CASE(get_returns_payload_sequence_and_timestamp) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.event_append("user_message", json_value(R"({"content":"What's the weather?"})")));
  auto e = STRATA_REQUIRE_OK(db.event_get(1));
  BOOST_REQUIRE(e.has_value());
  BOOST_TEST(e->version == 1u);
  BOOST_TEST(e->value.to_json() == R"({"content":"What's the weather?"})");
  BOOST_TEST(e->timestamp > 0u);
  BOOST_TEST(!STRATA_REQUIRE_OK(db.event_get(0)).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.event_get(2)).has_value());
  auto rec = STRATA_REQUIRE_OK(db.event_get_record(1));
  BOOST_REQUIRE(rec.has_value());
  BOOST_TEST(rec->type == "user_message");
  BOOST_TEST(rec->hash.size() == 32u);
  BOOST_TEST(rec->prev_hash == std::string(32, '\0'));
}

BOOST_AUTO_TEST_CASE(payloads_must_be_objects_without_non_finite_numbers) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("fresh"));
  for (Value bad : {Value{}, Value{true}, Value{1}, Value{1.5}, Value{"text"},
                    Value{strata::Array{1}}}) {
    auto r = db.event_append("t", bad);
    BOOST_REQUIRE(!r);
    BOOST_TEST(strata::is(r.error(), errc::InvalidInput));
    BOOST_TEST(strata::message_of(r.error()) == "Payload must be a JSON object");
  }
  STRATA_REQUIRE_ERR(db.event_append("t", strata::Object{{"x", std::nan("")}}), errc::InvalidInput);
  STRATA_REQUIRE_ERR(db.event_append("t", strata::Object{{"deep", strata::Array{strata::Object{
                                                                     {"inf", HUGE_VAL}}}}}),
                     errc::InvalidInput);
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 0u);
  // Rejected appends change nothing, not even the space's registration.
  BOOST_TEST(!STRATA_REQUIRE_OK(db.space_exists("fresh")));
}

BOOST_AUTO_TEST_CASE(event_types_are_one_to_256_bytes_of_anything) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_ERR(db.event_append("", strata::Object{}), errc::InvalidInput);
  STRATA_REQUIRE_ERR(db.event_append(std::string(257, 't'), strata::Object{}), errc::InvalidInput);
  for (std::string ok : {std::string(256, 't'), std::string("with space / : . 🚀"),
                         std::string("   "), std::string("nul\0inside", 10)})
    STRATA_REQUIRE_OK(db.event_append(ok, strata::Object{}));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 4u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_get_by_type(std::string("nul\0inside", 10))).size() == 1u);
}

BOOST_AUTO_TEST_CASE(get_by_type_filters_pages_and_keeps_order) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  for (int i = 0; i < 10; ++i)
    STRATA_REQUIRE_OK(db.event_append(i % 2 ? "odd" : "even", strata::Object{{"i", i}}));
  auto odd = STRATA_REQUIRE_OK(db.event_get_by_type("odd"));
  BOOST_REQUIRE_EQUAL(odd.size(), 5u);
  BOOST_TEST(odd[0].version == 2u);
  BOOST_TEST(odd[4].version == 10u);
  auto after = STRATA_REQUIRE_OK(db.event_get_by_type("odd", 4, 2));
  BOOST_REQUIRE_EQUAL(after.size(), 2u);
  BOOST_TEST(after[0].version == 6u);
  BOOST_TEST(after[1].version == 8u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_get_by_type("none")).empty());
  // "odd" must not match a type that merely starts with it.
  STRATA_REQUIRE_OK(db.event_append("oddity", strata::Object{}));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_get_by_type("odd")).size() == 5u);
}

BOOST_AUTO_TEST_CASE(range_reads_whole_events_by_sequence_in_pages) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_range(1)).empty());
  for (int i = 1; i <= 10; ++i)
    STRATA_REQUIRE_OK(db.event_append(i % 2 ? "odd" : "even", strata::Object{{"i", i}}));
  auto all = STRATA_REQUIRE_OK(db.event_range(1));
  BOOST_REQUIRE_EQUAL(all.size(), 10u);
  for (uint64_t i = 0; i < all.size(); ++i) {
    BOOST_TEST(all[i].sequence == i + 1);
    BOOST_TEST(all[i].payload == Value(strata::Object{{"i", static_cast<int64_t>(i + 1)}}));
    // The whole record: type, timestamp and the chain's hashes.
    auto record = STRATA_REQUIRE_OK(db.event_get_record(i + 1));
    BOOST_TEST(all[i].type == record->type);
    BOOST_TEST(all[i].timestamp == record->timestamp);
    BOOST_TEST(all[i].hash == record->hash);
  }
  auto middle = STRATA_REQUIRE_OK(db.event_range(4, 6));
  BOOST_REQUIRE_EQUAL(middle.size(), 3u);
  BOOST_TEST(middle.front().sequence == 4u);
  BOOST_TEST(middle.back().sequence == 6u);
  // Paging: a limit, then on from the last sequence + 1.
  auto page = STRATA_REQUIRE_OK(db.event_range(1, 0, 4));
  BOOST_REQUIRE_EQUAL(page.size(), 4u);
  auto next = STRATA_REQUIRE_OK(db.event_range(page.back().sequence + 1, 0, 4));
  BOOST_REQUIRE_EQUAL(next.size(), 4u);
  BOOST_TEST(next.front().sequence == 5u);
  // 0 reads from the first; past the end or an empty range: nothing.
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_range(0, 2)).size() == 2u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_range(11)).empty());
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_range(7, 5)).empty());
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_range(10, 99)).size() == 1u);
}

BOOST_AUTO_TEST_CASE(list_at_returns_events_up_to_a_timestamp) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  for (int i = 0; i < 4; ++i)
    STRATA_REQUIRE_OK(db.event_append(i < 2 ? "a" : "b", strata::Object{{"i", i}}));
  auto second = STRATA_REQUIRE_OK(db.event_get(2));
  auto upto = STRATA_REQUIRE_OK(db.event_list_at(std::nullopt, second->timestamp));
  BOOST_REQUIRE_EQUAL(upto.size(), 2u);
  BOOST_TEST(upto[1].sequence == 2u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_list_at("b", second->timestamp)).empty());
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_list_at("b", UINT64_MAX)).size() == 2u);
  auto first = STRATA_REQUIRE_OK(db.event_get(1));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_list_at(std::nullopt, first->timestamp - 1)).empty());
}

BOOST_AUTO_TEST_CASE(batch_append_appends_valid_items_in_order) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  auto r = STRATA_REQUIRE_OK(db.event_batch_append({{"a", strata::Object{}},
                                                     {"", strata::Object{}},
                                                     {"b", Value{1}},
                                                     {"c", strata::Object{{"k", 1}}}}));
  BOOST_REQUIRE_EQUAL(r.size(), 4u);
  BOOST_TEST(r[0].version == std::optional<uint64_t>(1));
  BOOST_TEST(!r[1].ok());
  BOOST_TEST(!r[2].ok());
  BOOST_TEST(r[3].version == std::optional<uint64_t>(2));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 2u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_verify_chain()).valid);
}

BOOST_AUTO_TEST_CASE(the_hash_chain_verifies_and_survives_reopen) {
  TempDir dir;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    for (int i = 0; i < 50; ++i)
      STRATA_REQUIRE_OK(db.event_append("t" + std::to_string(i % 3), strata::Object{{"i", i}}));
    auto v = STRATA_REQUIRE_OK(db.event_verify_chain());
    BOOST_TEST(v.valid);
    BOOST_TEST(v.length == 50u);
  }
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 50u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_append("t", strata::Object{})) == 51u);
  auto v = STRATA_REQUIRE_OK(db.event_verify_chain());
  BOOST_TEST(v.valid);
  BOOST_TEST(v.length == 51u);
  auto e50 = STRATA_REQUIRE_OK(db.event_get_record(50));
  auto e51 = STRATA_REQUIRE_OK(db.event_get_record(51));
  BOOST_TEST(e51->prev_hash == e50->hash);
}

BOOST_AUTO_TEST_CASE(verify_chain_detects_a_tampered_record) {
  TempDir dir;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    for (int i = 0; i < 5; ++i)
      STRATA_REQUIRE_OK(db.event_append("t", strata::Object{{"amount", 100 + i}}));
  }
  // Rewrite event 3 behind Strata's back with a different payload but the
  // same stored hashes: a forged record.
  {
    auto forged = [&] {
      auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
      auto e = STRATA_REQUIRE_OK(db.event_get_record(3));
      e->payload = strata::Object{{"amount", 1000000}};
      std::string bytes;
      strata::encode(*e, bytes);
      return bytes;
    }();
    leveldb::DB* raw = nullptr;
    BOOST_REQUIRE(leveldb::DB::Open(leveldb::Options{}, dir.db() + "/branches/default/spaces/default",
                                    &raw)
                      .ok());
    std::unique_ptr<leveldb::DB> guard{raw};
    std::string key = std::string("e") + std::string(7, '\0') + "\x03";
    BOOST_REQUIRE(raw->Put(leveldb::WriteOptions{}, key, forged).ok());
  }
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  auto v = STRATA_REQUIRE_OK(db.event_verify_chain());
  BOOST_TEST(!v.valid);
  BOOST_TEST(v.first_bad_sequence == 3u);
  BOOST_TEST(v.reason.find("hash") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_space_with_events_is_not_empty) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("logs"));
  STRATA_REQUIRE_OK(db.event_append("t", strata::Object{}));
  BOOST_TEST(STRATA_REQUIRE_OK(db.space_exists("logs")));
  STRATA_REQUIRE_ERR(db.delete_space("logs"), errc::ConstraintViolation);
  STRATA_REQUIRE_DONE(db.delete_space_force("logs"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 0u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_append("t", strata::Object{})) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
