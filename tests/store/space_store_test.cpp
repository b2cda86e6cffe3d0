// SpaceStore on LevelDB's in-memory Env: lifecycle of a space's database,
// the KV primitive (SPEC 5.1) and its version chains (SPEC 5.0, time travel).

#include "strata/store/space_store.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <leveldb/db.h>
#include <leveldb/iterator.h>

#include "../raw_db.hpp"
#include "test_util.hpp"

using namespace strata;
using strata::test::MemStore;
using strata::test::RawDb;

namespace {

using Keys = std::vector<std::string>;

// Stored head key of KV `key` (grammar in store/src/key_codec.cpp).
std::string kv_head(const std::string& key) {
  return "hk" + key;
}

const uint64_t far_future_offset = 1'000'000'000'000;  // about 11.6 days in µs

// "none" or the JSON of the value, so a time-travel check reads as one line
// and fails cleanly when nothing came back.
std::string shown(const std::optional<VersionedValue>& v) {
  return v ? v->value.to_json() : "none";
}

Value nested_arrays(size_t depth) {
  Value v = Array{};
  for (size_t i = 0; i < depth; ++i)
    v = Array{std::move(v)};
  return v;
}

}  // namespace

// ---------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(space_store)

BOOST_FIXTURE_TEST_CASE(a_fresh_store_is_absent_and_reads_do_not_create_it, MemStore) {
  BOOST_TEST(!db->exists());
  BOOST_TEST(!files_exist());

  BOOST_TEST(!get("k").has_value());
  BOOST_TEST(list().empty());
  BOOST_TEST(page("", std::string("a"), 10).empty());
  BOOST_TEST(!STRATA_REQUIRE_OK(db->kv_getv("k")).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db->kv_get_at("k", UINT64_MAX)).has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_list_at("", UINT64_MAX)).empty());
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_delete("k")).version == 0);
  BOOST_TEST(STRATA_REQUIRE_OK(db->is_empty()) == true);

  BOOST_TEST(!db->exists());
  BOOST_TEST(!files_exist());
}

BOOST_FIXTURE_TEST_CASE(the_first_write_creates_the_store, MemStore) {
  BOOST_TEST(put("k", 1) == 1u);
  BOOST_TEST(db->exists());
  BOOST_TEST(files_exist());
  reopen();
  BOOST_TEST(db->exists());
}

BOOST_FIXTURE_TEST_CASE(create_makes_an_empty_store_and_is_idempotent, MemStore) {
  STRATA_REQUIRE_NO_ERROR(db->create());
  BOOST_TEST(db->exists());
  BOOST_TEST(files_exist());
  BOOST_TEST(STRATA_REQUIRE_OK(db->is_empty()) == true);
  put("k", "v");
  STRATA_REQUIRE_NO_ERROR(db->create());
  auto got = get("k");
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->value == Value{"v"});
  reopen();
  STRATA_REQUIRE_NO_ERROR(db->create());
  BOOST_TEST(get("k").has_value());
}

BOOST_FIXTURE_TEST_CASE(is_empty_tracks_live_keys, MemStore) {
  put("a", 1);
  put("b", 2);
  BOOST_TEST(STRATA_REQUIRE_OK(db->is_empty()) == false);
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_delete("a")).version != 0);
  BOOST_TEST(STRATA_REQUIRE_OK(db->is_empty()) == false);
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_delete("b")).version != 0);
  BOOST_TEST(STRATA_REQUIRE_OK(db->is_empty()) == true);
  put("a", nullptr);  // Null is a value, not a deletion
  BOOST_TEST(STRATA_REQUIRE_OK(db->is_empty()) == false);
}

BOOST_FIXTURE_TEST_CASE(destroy_makes_the_store_absent_and_a_later_put_recreates_it_empty,
                        MemStore) {
  put("a", 1);
  put("a", 2);
  put("b", 3);
  STRATA_REQUIRE_NO_ERROR(db->destroy());
  BOOST_TEST(!db->exists());
  BOOST_TEST(!files_exist());
  BOOST_TEST(!get("a").has_value());
  BOOST_TEST(list().empty());
  BOOST_TEST(STRATA_REQUIRE_OK(db->is_empty()) == true);

  BOOST_TEST(put("c", 4) == 1u);
  BOOST_TEST(db->exists());
  BOOST_TEST(list() == (Keys{"c"}));
  BOOST_TEST(!STRATA_REQUIRE_OK(db->kv_getv("a")).has_value());
  // The old chain is gone: "a" starts again at version 1.
  BOOST_TEST(put("a", 5) == 1u);
}

BOOST_FIXTURE_TEST_CASE(destroy_of_an_absent_store_is_not_an_error, MemStore) {
  STRATA_REQUIRE_NO_ERROR(db->destroy());
  BOOST_TEST(!db->exists());
  STRATA_REQUIRE_NO_ERROR(db->destroy());
  BOOST_TEST(!files_exist());
}

BOOST_FIXTURE_TEST_CASE(data_and_versions_survive_closing_and_reopening, MemStore) {
  put("k", "one");
  put("k", "two");
  uint64_t v3 = put("k", Object{{"n", 3}});
  put("gone", true);
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_delete("gone")).version != 0);
  auto before = get("k");
  BOOST_REQUIRE(before.has_value());

  reopen();
  BOOST_TEST(db->exists());
  auto after = get("k");
  BOOST_REQUIRE(after.has_value());
  BOOST_TEST(after->value == (Value{Object{{"n", 3}}}));
  BOOST_TEST(after->version == v3);
  BOOST_TEST(after->timestamp == before->timestamp);
  BOOST_TEST(!get("gone").has_value());
  BOOST_TEST(list() == (Keys{"k"}));
  auto history = STRATA_REQUIRE_OK(db->kv_getv("k"));
  BOOST_REQUIRE(history.has_value());
  BOOST_TEST(history->size() == 3u);
  BOOST_TEST(put("k", "four") == 4u);
  BOOST_TEST(put("gone", 1) == 3u);
}

BOOST_FIXTURE_TEST_CASE(timestamps_keep_increasing_after_reopening_with_a_fresh_clock,
                        MemStore) {
  // The wall clock may go backwards across a restart; the store remembers the
  // largest timestamp it wrote so that a new clock starts above it.
  const uint64_t future = clock.next() + far_future_offset;
  clock.observe(future);
  put("a", 1);
  uint64_t written = get("a")->timestamp;
  BOOST_TEST(written > future);
  close();

  store::CommitClock fresh;
  auto reopened = STRATA_REQUIRE_OK(store::SpaceStore::open(path, options, fresh));
  BOOST_TEST(fresh.last() >= written);
  BOOST_REQUIRE(reopened->kv_put("b", 2));
  auto b = STRATA_REQUIRE_OK(reopened->kv_get("b"));
  BOOST_REQUIRE(b.has_value());
  BOOST_TEST(b->timestamp > written);
  // Time travel stays coherent: at the time "a" was written, "b" did not
  // exist yet.
  BOOST_TEST(STRATA_REQUIRE_OK(reopened->kv_list_at("", written)) == (Keys{"a"}));
}

BOOST_FIXTURE_TEST_CASE(a_corrupt_head_record_gives_serialization_and_is_not_overwritten,
                        MemStore) {
  put("other", "fine");
  close();
  const std::string garbage = "garbage!garbage!garbage!";
  {
    RawDb raw{path, env.get()};
    raw.put(kv_head("somekey"), garbage);
  }
  reopen();

  STRATA_CHECK_ERRC(db->kv_get("somekey"), errc::Serialization);
  STRATA_CHECK_ERRC(db->kv_getv("somekey"), errc::Serialization);
  STRATA_CHECK_ERRC(db->kv_get_at("somekey", UINT64_MAX), errc::Serialization);
  STRATA_CHECK_ERRC(db->kv_list(ListOptions{}), errc::Serialization);

  auto put_result = db->kv_put("somekey", "new");
  BOOST_TEST(!put_result);
  STRATA_CHECK_ERRC(put_result, errc::Serialization);
  STRATA_CHECK_ERRC(db->kv_delete("somekey"), errc::Serialization);
  auto batch = STRATA_REQUIRE_OK(db->kv_batch_put({{"somekey", 1}, {"third", 3}}));
  BOOST_REQUIRE_EQUAL(batch.size(), 2u);
  BOOST_TEST(!batch[0].ok());
  STRATA_CHECK_ERRC(batch[0].error, errc::Serialization);
  BOOST_TEST(batch[1].ok());

  // Other keys are unaffected.
  auto other = get("other");
  BOOST_REQUIRE(other.has_value());
  BOOST_TEST(other->value == Value{"fine"});

  // Nothing was written for the damaged key: its head still holds the
  // garbage and it has no history.
  close();
  RawDb raw{path, env.get()};
  auto stored = raw.get(kv_head("somekey"));
  BOOST_REQUIRE(stored.has_value());
  BOOST_TEST(*stored == garbage);
  int stored_keys_naming_it = 0;
  for (const auto& k : raw.keys())
    stored_keys_naming_it += k.find("somekey") != std::string::npos;
  BOOST_TEST(stored_keys_naming_it == 1);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(kv_store)

BOOST_FIXTURE_TEST_CASE(put_returns_versions_1_2_3_per_key, MemStore) {
  BOOST_TEST(put("k", 1) == 1u);
  BOOST_TEST(put("k", 2) == 2u);
  BOOST_TEST(put("k", 3) == 3u);
  BOOST_TEST(put("other", 1) == 1u);
  BOOST_TEST(put("k", 4) == 4u);
}

BOOST_FIXTURE_TEST_CASE(get_returns_the_newest_value_with_its_version_and_timestamp, MemStore) {
  put("k", "old");
  uint64_t v = put("k", "new");
  auto got = get("k");
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->value == Value{"new"});
  BOOST_TEST(got->version == v);
  BOOST_TEST(got->timestamp > 0u);
  BOOST_TEST(got->timestamp <= clock.last());
}

BOOST_FIXTURE_TEST_CASE(get_of_a_missing_key_is_empty, MemStore) {
  put("present", 1);
  BOOST_TEST(!get("absent").has_value());
  BOOST_TEST(!get("presen").has_value());
  BOOST_TEST(!get("present2").has_value());
}

BOOST_FIXTURE_TEST_CASE(every_variant_is_stored_and_returned_intact, MemStore) {
  const std::vector<Value> values = {
      Value{},
      Value{false},
      Value{std::numeric_limits<int64_t>::min()},
      Value{-0.25},
      Value{std::numeric_limits<double>::infinity()},
      Value{-std::numeric_limits<double>::infinity()},
      Value{std::string("with\0nul", 8)},
      Value{Bytes{0, 255, 7}},
      Value{Array{1, "a", Array{}}},
      Value{Object{{"z", 1}, {"a", Object{{"deep", Bytes{}}}}}},
  };
  for (size_t i = 0; i < values.size(); ++i)
    put("k" + std::to_string(i), values[i]);
  for (size_t i = 0; i < values.size(); ++i) {
    auto got = get("k" + std::to_string(i));
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(got->value.kind() == values[i].kind());
    BOOST_TEST(got->value == values[i]);
  }
  // NaN compares unequal to itself, so check it by hand.
  put("nan", std::numeric_limits<double>::quiet_NaN());
  auto nan = get("nan");
  BOOST_REQUIRE(nan.has_value());
  BOOST_REQUIRE(nan->value.is_float());
  BOOST_TEST(std::isnan(*nan->value.as_float()));
}

BOOST_FIXTURE_TEST_CASE(null_is_stored_as_a_value_not_a_delete, MemStore) {
  BOOST_TEST(put("k", nullptr) == 1u);
  auto got = get("k");
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->value.is_null());
  BOOST_TEST(list() == (Keys{"k"}));
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_delete("k")).version != 0);
}

BOOST_FIXTURE_TEST_CASE(delete_returns_true_then_false_and_false_for_a_missing_key, MemStore) {
  put("k", 1);
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_delete("k")).version != 0);
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_delete("k")).version == 0);
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_delete("never")).version == 0);
  BOOST_TEST(!get("k").has_value());
  BOOST_TEST(list().empty());
}

BOOST_FIXTURE_TEST_CASE(delete_then_put_never_reuses_a_version, MemStore) {
  uint64_t first = put("k", "a");
  BOOST_TEST(first == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_delete("k")).version != 0);
  uint64_t again = put("k", "b");
  // The tombstone took version 2.
  BOOST_TEST(again > first);
  BOOST_TEST(again == 3u);
  auto got = get("k");
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->version == 3u);
  BOOST_TEST(got->value == Value{"b"});
  // A second delete/put cycle keeps counting.
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_delete("k")).version != 0);
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_delete("k")).version == 0);
  BOOST_TEST(put("k", "c") == 5u);
}

BOOST_FIXTURE_TEST_CASE(list_returns_live_keys_sorted_by_bytes, MemStore) {
  for (const char* k : {"b", "a", "aa", "B", "a:", "\xc3\xa9", "z", "A", " "})
    put(k, 1);
  BOOST_TEST(list() == (Keys{" ", "A", "B", "a", "a:", "aa", "b", "z", "\xc3\xa9"}));
}

BOOST_FIXTURE_TEST_CASE(list_returns_keys_not_values_and_each_key_once, MemStore) {
  put("k", 1);
  put("k", 2);
  put("k", 3);
  put("j", 1);
  BOOST_TEST(list() == (Keys{"j", "k"}));
}

BOOST_FIXTURE_TEST_CASE(list_with_a_prefix_is_a_plain_byte_prefix_match, MemStore) {
  for (const char* k : {"user:1", "user:2", "task:1", "user", "users", "user:10"})
    put(k, 1);
  BOOST_TEST(list("user:") == (Keys{"user:1", "user:10", "user:2"}));
  BOOST_TEST(list("task") == (Keys{"task:1"}));
  BOOST_TEST(list("user") == (Keys{"user", "user:1", "user:10", "user:2", "users"}));
  BOOST_TEST(list("nope").empty());
  BOOST_TEST(list("user:10") == (Keys{"user:10"}));
  BOOST_TEST(list("").size() == 6u);
}

BOOST_FIXTURE_TEST_CASE(list_omits_deleted_keys_until_they_are_written_again, MemStore) {
  put("a", 1);
  put("b", 2);
  put("c", 3);
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_delete("b")).version != 0);
  BOOST_TEST(list() == (Keys{"a", "c"}));
  BOOST_TEST(page("", std::nullopt, 2) == (Keys{"a", "c"}));
  put("b", 4);
  BOOST_TEST(list() == (Keys{"a", "b", "c"}));
}

BOOST_FIXTURE_TEST_CASE(paging_starts_strictly_after_the_cursor, MemStore) {
  for (int i = 1; i <= 9; ++i)
    put("k" + std::to_string(i), i);
  BOOST_TEST(page("", std::nullopt, 3) == (Keys{"k1", "k2", "k3"}));
  BOOST_TEST(page("", std::string("k3"), 3) == (Keys{"k4", "k5", "k6"}));
  BOOST_TEST(page("", std::string("k6"), 3) == (Keys{"k7", "k8", "k9"}));
  BOOST_TEST(page("", std::string("k9"), 3).empty());
  // A cursor that is not a key starts at the next key after it.
  BOOST_TEST(page("", std::string("k35"), 2) == (Keys{"k4", "k5"}));
  // A limit larger than what is left gives the rest.
  BOOST_TEST(page("", std::string("k7"), 100) == (Keys{"k8", "k9"}));
}

BOOST_FIXTURE_TEST_CASE(a_limit_of_zero_gives_an_empty_page, MemStore) {
  put("a", 1);
  BOOST_TEST(page("", std::nullopt, 0).empty());
  BOOST_TEST(page("", std::string(" "), 0).empty());
}

BOOST_FIXTURE_TEST_CASE(a_cursor_outside_the_prefix_range_is_clamped_to_it, MemStore) {
  for (const char* k : {"a:1", "m:1", "m:2", "m:3", "z:1"})
    put(k, 1);
  BOOST_TEST(page("m:", std::string("a:9"), 2) == (Keys{"m:1", "m:2"}));
  BOOST_TEST(page("m:", std::string("m"), 10) == (Keys{"m:1", "m:2", "m:3"}));
  BOOST_TEST(page("m:", std::string("n"), 10).empty());
  BOOST_TEST(page("m:", std::string("z:1"), 10).empty());
}

BOOST_FIXTURE_TEST_CASE(paging_with_the_last_key_as_cursor_visits_every_key_once, MemStore) {
  // Includes a key equal to the prefix itself: the cursor is then equal to
  // the prefix and must still be skipped, or `--all` paging never ends.
  const Keys keys = {"a", "a1", "a2", "a3"};
  for (const auto& k : keys)
    put(k, 1);
  put("b", 1);
  for (uint64_t limit : {1u, 2u, 3u}) {
    BOOST_TEST_INFO("limit " << limit);
    Keys seen;
    std::optional<std::string> cursor;
    for (int pages = 0; pages < 10; ++pages) {
      auto p = page("a", cursor, limit);
      if (p.empty())
        break;
      seen.insert(seen.end(), p.begin(), p.end());
      cursor = p.back();
    }
    BOOST_TEST(seen == keys);
  }
}

BOOST_FIXTURE_TEST_CASE(invalid_keys_are_rejected_and_nothing_changes, MemStore) {
  struct Case {
    std::string key;
    errc kind;
  };
  const Case cases[] = {
      {"", errc::InvalidInput},
      {std::string("a\0b", 3), errc::InvalidInput},
      {"_strata/x", errc::InvalidInput},
      {std::string(1025, 'k'), errc::ConstraintViolation},
  };
  // On an absent store a rejected write must not create it.
  for (const auto& c : cases)
    STRATA_CHECK_ERRC(db->kv_put(c.key, 1), c.kind);
  BOOST_TEST(!db->exists());
  BOOST_TEST(!files_exist());

  put("a", "kept");
  auto before = get("a");
  for (const auto& c : cases) {
    BOOST_TEST_INFO("key of " << c.key.size() << " bytes");
    STRATA_CHECK_ERRC(db->kv_put(c.key, 1), c.kind);
    STRATA_CHECK_ERRC(db->kv_get(c.key), c.kind);
    STRATA_CHECK_ERRC(db->kv_delete(c.key), c.kind);
    STRATA_CHECK_ERRC(db->kv_getv(c.key), c.kind);
    STRATA_CHECK_ERRC(db->kv_get_at(c.key, UINT64_MAX), c.kind);
  }
  BOOST_TEST(list() == (Keys{"a"}));
  auto after = get("a");
  BOOST_REQUIRE(after.has_value());
  BOOST_TEST(after->version == before->version);
  BOOST_TEST(after->timestamp == before->timestamp);
  // 1024 bytes and "_strata" are fine.
  BOOST_TEST(put(std::string(1024, 'k'), 1) == 1u);
  BOOST_TEST(put("_strata", 1) == 1u);
}

BOOST_FIXTURE_TEST_CASE(an_invalid_list_prefix_is_rejected, MemStore) {
  put("a", 1);
  ListOptions opts;
  opts.prefix = "_strata/";
  STRATA_CHECK_ERRC(db->kv_list(opts), errc::InvalidInput);
  opts.prefix = std::string(1025, 'p');
  STRATA_CHECK_ERRC(db->kv_list(opts), errc::ConstraintViolation);
  STRATA_CHECK_ERRC(db->kv_list_at("_strata/", UINT64_MAX), errc::InvalidInput);
}

BOOST_AUTO_TEST_CASE(values_over_the_configured_limits_are_rejected_and_nothing_changes) {
  MemStore s{Limits::small()};
  BOOST_TEST(s.put("k", "first") == 1u);
  const Value too_big[] = {
      Value{std::string(1001, 's')},
      Value{Bytes(1001, 1)},
      Value{Array(101, Value{1})},
      nested_arrays(11),
  };
  for (const auto& v : too_big) {
    STRATA_CHECK_ERRC(s.db->kv_put("k", v), errc::ConstraintViolation);
    STRATA_CHECK_ERRC(s.db->kv_put("fresh", v), errc::ConstraintViolation);
  }
  STRATA_CHECK_ERRC(s.db->kv_put(std::string(101, 'k'), 1), errc::ConstraintViolation);
  BOOST_TEST(s.list() == (Keys{"k"}));
  auto got = s.get("k");
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->version == 1u);
  BOOST_TEST(got->value == Value{"first"});
  // At the limit is fine.
  BOOST_TEST(s.put("k", std::string(1000, 's')) == 2u);
}

BOOST_FIXTURE_TEST_CASE(the_default_string_limit_applies_to_puts, MemStore) {
  const size_t mib16 = 16u << 20;
  STRATA_CHECK_ERRC(db->kv_put("big", std::string(mib16 + 1, 'x')), errc::ConstraintViolation);
  BOOST_TEST(!db->exists());
  BOOST_TEST(put("big", std::string(mib16, 'x')) == 1u);
  auto got = get("big");
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->value.as_str()->size() == mib16);
}

BOOST_FIXTURE_TEST_CASE(timestamps_strictly_increase_across_writes, MemStore) {
  std::vector<uint64_t> stamps;
  for (int i = 0; i < 50; ++i) {
    std::string key = "k" + std::to_string(i % 7);
    put(key, i);
    stamps.push_back(get(key)->timestamp);
    if (i % 5 == 0)
      BOOST_REQUIRE(db->kv_delete(key));
  }
  for (size_t i = 1; i < stamps.size(); ++i)
    BOOST_TEST(stamps[i] > stamps[i - 1]);
}

BOOST_FIXTURE_TEST_CASE(batch_put_writes_every_valid_item, MemStore) {
  put("existing", 0);
  auto results = STRATA_REQUIRE_OK(db->kv_batch_put({{"a", 1}, {"b", "two"}, {"existing", 3}}));
  BOOST_REQUIRE_EQUAL(results.size(), 3u);
  for (const auto& r : results) {
    BOOST_TEST(r.ok());
    BOOST_TEST(!r.error);
  }
  BOOST_TEST(results[0].version.value_or(0) == 1u);
  BOOST_TEST(results[1].version.value_or(0) == 1u);
  BOOST_TEST(results[2].version.value_or(0) == 2u);
  BOOST_TEST(list() == (Keys{"a", "b", "existing"}));
  BOOST_TEST(shown(get("b")) == "\"two\"");
  BOOST_TEST(shown(get("existing")) == "3");
}

BOOST_FIXTURE_TEST_CASE(batch_put_reports_invalid_items_and_still_writes_the_valid_ones,
                        MemStore) {
  auto results = STRATA_REQUIRE_OK(db->kv_batch_put({{"ok1", 1},
                                                     {"", 2},
                                                     {"_strata/x", 3},
                                                     {std::string(1025, 'k'), 4},
                                                     {"ok2", 5}}));
  BOOST_REQUIRE_EQUAL(results.size(), 5u);
  BOOST_TEST(results[0].ok());
  BOOST_TEST(!results[1].ok());
  STRATA_CHECK_ERRC(results[1].error, errc::InvalidInput);
  BOOST_TEST(!results[2].ok());
  STRATA_CHECK_ERRC(results[2].error, errc::InvalidInput);
  BOOST_TEST(!results[3].ok());
  STRATA_CHECK_ERRC(results[3].error, errc::ConstraintViolation);
  BOOST_TEST(results[4].ok());
  BOOST_TEST(list() == (Keys{"ok1", "ok2"}));
  BOOST_TEST(shown(get("ok2")) == "5");
}

BOOST_AUTO_TEST_CASE(batch_put_reports_oversized_values_per_item) {
  MemStore s{Limits::small()};
  auto results = STRATA_REQUIRE_OK(
      s.db->kv_batch_put({{"big", std::string(1001, 'x')}, {"small", "x"}}));
  BOOST_REQUIRE_EQUAL(results.size(), 2u);
  STRATA_CHECK_ERRC(results[0].error, errc::ConstraintViolation);
  BOOST_TEST(results[1].ok());
  BOOST_TEST(s.list() == (Keys{"small"}));
}

BOOST_FIXTURE_TEST_CASE(the_same_key_twice_in_a_batch_gets_consecutive_versions, MemStore) {
  put("k", "before");
  auto results = STRATA_REQUIRE_OK(db->kv_batch_put({{"k", "first"}, {"j", 0}, {"k", "second"}}));
  BOOST_REQUIRE_EQUAL(results.size(), 3u);
  BOOST_TEST(results[0].version.value_or(0) == 2u);
  BOOST_TEST(results[2].version.value_or(0) == 3u);
  auto got = get("k");
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(got->version == 3u);
  BOOST_TEST(got->value == Value{"second"});
  auto history = STRATA_REQUIRE_OK(db->kv_getv("k"));
  BOOST_REQUIRE(history.has_value());
  BOOST_REQUIRE_EQUAL(history->size(), 3u);
  BOOST_TEST((*history)[0].value == Value{"second"});
  BOOST_TEST((*history)[1].value == Value{"first"});
  BOOST_TEST((*history)[2].value == Value{"before"});
  BOOST_TEST((*history)[0].timestamp > (*history)[1].timestamp);
}

BOOST_FIXTURE_TEST_CASE(batch_put_continues_numbering_after_a_delete, MemStore) {
  put("k", 1);
  BOOST_REQUIRE(STRATA_REQUIRE_OK(db->kv_delete("k")).version != 0);
  auto results = STRATA_REQUIRE_OK(db->kv_batch_put({{"k", 2}}));
  BOOST_REQUIRE_EQUAL(results.size(), 1u);
  BOOST_TEST(results[0].version.value_or(0) == 3u);
}

BOOST_FIXTURE_TEST_CASE(an_empty_batch_gives_an_empty_result_and_creates_nothing, MemStore) {
  auto results = STRATA_REQUIRE_OK(db->kv_batch_put({}));
  BOOST_TEST(results.empty());
  BOOST_TEST(!db->exists());
  auto only_bad = STRATA_REQUIRE_OK(db->kv_batch_put({{"", 1}}));
  BOOST_REQUIRE_EQUAL(only_bad.size(), 1u);
  BOOST_TEST(!only_bad[0].ok());
  BOOST_TEST(!db->exists());
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(kv_history)

BOOST_FIXTURE_TEST_CASE(getv_lists_every_version_newest_first, MemStore) {
  put("k", "v1");
  put("k", "v2");
  put("k", "v3");
  auto current = get("k");
  auto history = STRATA_REQUIRE_OK(db->kv_getv("k"));
  BOOST_REQUIRE(history.has_value());
  BOOST_REQUIRE_EQUAL(history->size(), 3u);
  const char* expected[] = {"v3", "v2", "v1"};
  for (size_t i = 0; i < 3; ++i) {
    BOOST_TEST((*history)[i].value == Value{expected[i]});
    BOOST_TEST((*history)[i].version == 3u - i);
  }
  BOOST_TEST((*history)[0].timestamp > (*history)[1].timestamp);
  BOOST_TEST((*history)[1].timestamp > (*history)[2].timestamp);
  BOOST_TEST(((*history)[0] == *current));
}

BOOST_FIXTURE_TEST_CASE(getv_orders_hundreds_of_versions_newest_first, MemStore) {
  // Past 255 versions the stored version no longer fits one byte, which is
  // where a wrong byte order in the history keys would show.
  for (int i = 1; i <= 300; ++i)
    put("k", i);
  auto history = STRATA_REQUIRE_OK(db->kv_getv("k"));
  BOOST_REQUIRE(history.has_value());
  BOOST_REQUIRE_EQUAL(history->size(), 300u);
  for (size_t i = 0; i < history->size(); ++i) {
    BOOST_TEST((*history)[i].version == 300u - i);
    BOOST_TEST((*history)[i].value == Value{static_cast<int64_t>(300 - i)});
  }
  uint64_t t_257 = (*history)[300 - 257].timestamp;
  BOOST_TEST(shown(STRATA_REQUIRE_OK(db->kv_get_at("k", t_257))) == "257");
}

BOOST_FIXTURE_TEST_CASE(getv_of_a_never_written_key_is_none, MemStore) {
  put("k", 1);
  BOOST_TEST(!STRATA_REQUIRE_OK(db->kv_getv("never")).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db->kv_getv("k\x01")).has_value());
}

BOOST_FIXTURE_TEST_CASE(getv_does_not_list_deletions, MemStore) {
  put("k", "a");
  put("k", "b");
  BOOST_REQUIRE(STRATA_REQUIRE_OK(db->kv_delete("k")).version != 0);
  put("k", "c");
  auto history = STRATA_REQUIRE_OK(db->kv_getv("k"));
  BOOST_REQUIRE(history.has_value());
  BOOST_REQUIRE_EQUAL(history->size(), 3u);
  BOOST_TEST((*history)[0].version == 4u);
  BOOST_TEST((*history)[0].value == Value{"c"});
  BOOST_TEST((*history)[1].version == 2u);
  BOOST_TEST((*history)[2].version == 1u);
}

BOOST_FIXTURE_TEST_CASE(getv_of_a_deleted_key_still_shows_its_past_values, MemStore) {
  put("k", "only");
  BOOST_REQUIRE(STRATA_REQUIRE_OK(db->kv_delete("k")).version != 0);
  auto history = STRATA_REQUIRE_OK(db->kv_getv("k"));
  BOOST_REQUIRE(history.has_value());
  BOOST_REQUIRE_EQUAL(history->size(), 1u);
  BOOST_TEST((*history)[0].value == Value{"only"});
  BOOST_TEST((*history)[0].version == 1u);
}

BOOST_FIXTURE_TEST_CASE(histories_of_keys_sharing_a_prefix_stay_apart, MemStore) {
  // "a" and "ab" must not see each other's versions (the 0x00 separator).
  put("a", 1);
  put("ab", 2);
  put("a", 3);
  put("ab", 4);
  put("ab", 5);
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_getv("a"))->size() == 2u);
  BOOST_TEST(STRATA_REQUIRE_OK(db->kv_getv("ab"))->size() == 3u);
  uint64_t t_a1 = STRATA_REQUIRE_OK(db->kv_getv("a"))->back().timestamp;
  BOOST_TEST(shown(STRATA_REQUIRE_OK(db->kv_get_at("a", t_a1))) == "1");
}

BOOST_FIXTURE_TEST_CASE(get_at_is_inclusive_and_picks_the_newest_version_not_after_as_of,
                        MemStore) {
  put("k", "development");
  put("k", "staging");
  put("k", "production");
  auto history = *STRATA_REQUIRE_OK(db->kv_getv("k"));
  uint64_t t1 = history[2].timestamp, t2 = history[1].timestamp, t3 = history[0].timestamp;

  auto at = [&](uint64_t ts) { return STRATA_REQUIRE_OK(db->kv_get_at("k", ts)); };
  BOOST_TEST(shown(at(t1 - 1)) == "none");
  BOOST_TEST(shown(at(t1)) == "\"development\"");
  BOOST_TEST(shown(at(t2 - 1)) == "\"development\"");
  BOOST_TEST(shown(at(t2)) == "\"staging\"");
  BOOST_TEST(shown(at(t3 - 1)) == "\"staging\"");
  BOOST_TEST(shown(at(t3)) == "\"production\"");
  auto v2 = at(t2);
  BOOST_REQUIRE(v2.has_value());
  BOOST_TEST(v2->version == 2u);
  BOOST_TEST(v2->timestamp == t2);
}

BOOST_FIXTURE_TEST_CASE(get_at_before_the_first_write_is_empty, MemStore) {
  uint64_t before = clock.next();
  put("k", 1);
  BOOST_TEST(!STRATA_REQUIRE_OK(db->kv_get_at("k", before)).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db->kv_get_at("never", UINT64_MAX)).has_value());
}

BOOST_FIXTURE_TEST_CASE(get_at_a_deletion_is_empty, MemStore) {
  put("k", "before");
  uint64_t t_put = get("k")->timestamp;
  BOOST_REQUIRE(STRATA_REQUIRE_OK(db->kv_delete("k")).version != 0);
  put("k", "after");
  uint64_t t_again = get("k")->timestamp;
  // The tombstone lies strictly between the two writes.
  BOOST_TEST(shown(STRATA_REQUIRE_OK(db->kv_get_at("k", t_put))) == "\"before\"");
  BOOST_TEST(shown(STRATA_REQUIRE_OK(db->kv_get_at("k", t_again - 1))) == "none");
  BOOST_TEST(shown(STRATA_REQUIRE_OK(db->kv_get_at("k", t_again))) == "\"after\"");
}

BOOST_FIXTURE_TEST_CASE(get_at_a_future_time_gives_the_current_state, MemStore) {
  put("k", 1);
  put("k", 2);
  auto future = STRATA_REQUIRE_OK(db->kv_get_at("k", UINT64_MAX));
  BOOST_REQUIRE(future.has_value());
  BOOST_TEST((*future == *get("k")));
  BOOST_TEST(shown(STRATA_REQUIRE_OK(db->kv_get_at("k", clock.last() + 1'000'000))) == "2");
  BOOST_REQUIRE(STRATA_REQUIRE_OK(db->kv_delete("k")).version != 0);
  BOOST_TEST(!STRATA_REQUIRE_OK(db->kv_get_at("k", UINT64_MAX)).has_value());
}

BOOST_FIXTURE_TEST_CASE(list_at_gives_the_keys_live_at_that_time, MemStore) {
  put("a", 1);
  uint64_t t_a = get("a")->timestamp;
  put("b", 1);
  uint64_t t_b = get("b")->timestamp;
  BOOST_REQUIRE(STRATA_REQUIRE_OK(db->kv_delete("a")).version != 0);
  put("c", 1);
  uint64_t t_c = get("c")->timestamp;
  put("other:1", 1);

  auto at = [&](std::string_view prefix, uint64_t ts) {
    return STRATA_REQUIRE_OK(db->kv_list_at(prefix, ts));
  };
  BOOST_TEST(at("", t_a - 1).empty());
  BOOST_TEST(at("", t_a) == (Keys{"a"}));
  BOOST_TEST(at("", t_b) == (Keys{"a", "b"}));
  BOOST_TEST(at("", t_c - 1) == (Keys{"b"}));
  BOOST_TEST(at("", t_c) == (Keys{"b", "c"}));
  BOOST_TEST(at("", UINT64_MAX) == (Keys{"b", "c", "other:1"}));
  BOOST_TEST(at("other:", t_c).empty());
  BOOST_TEST(at("other:", UINT64_MAX) == (Keys{"other:1"}));
}

BOOST_FIXTURE_TEST_CASE(history_survives_closing_and_reopening, MemStore) {
  put("k", "one");
  put("k", "two");
  auto before = *STRATA_REQUIRE_OK(db->kv_getv("k"));
  reopen();
  auto after = *STRATA_REQUIRE_OK(db->kv_getv("k"));
  BOOST_REQUIRE_EQUAL(after.size(), before.size());
  for (size_t i = 0; i < before.size(); ++i)
    BOOST_TEST((after[i] == before[i]));
  BOOST_TEST(shown(STRATA_REQUIRE_OK(db->kv_get_at("k", before[1].timestamp))) == "\"one\"");
}

BOOST_AUTO_TEST_SUITE_END()
