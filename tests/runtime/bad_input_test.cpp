// Bad input gets a clear error and changes nothing: names, keys, values over
// the limits, and damaged record bytes on disk.

#include <leveldb/db.h>

#include "test_util.hpp"

using strata::Limits;
using strata::OpenOptions;
using strata::Strata;
using strata::Value;
using strata::errc;
using strata::test::TempDir;
using Names = std::vector<std::string>;

namespace {

// Snapshot of what a user can observe, to compare before and after.
struct Observed {
  std::vector<std::string> spaces;
  std::vector<std::string> keys;
  std::optional<Value> value;

  bool operator==(const Observed& o) const {
    return spaces == o.spaces && keys == o.keys && value == o.value;
  }
};

Observed observe(Strata& db) {
  Observed o;
  o.spaces = *db.list_spaces();
  o.keys = *db.kv_list();
  o.value = *db.kv_get("existing");
  return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(invalid_space_names_are_rejected_everywhere_and_change_nothing) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.kv_put("existing", 1));
  auto before = observe(db);
  const std::vector<std::string> bad_names{"Conversations", "MySpace",   "123-invalid",
                                           "",              "_system_internal",
                                           std::string(65, 'a'),        "has space",
                                           "tab\there",    "dot.name",  "ümlaut"};
  for (const auto& bad : bad_names) {
    BOOST_TEST_CONTEXT("name: " << bad) {
      STRATA_REQUIRE_ERR(db.set_space(bad), errc::InvalidInput);
      STRATA_REQUIRE_ERR(db.create_space(bad), errc::InvalidInput);
      STRATA_REQUIRE_ERR(db.delete_space(bad), errc::InvalidInput);
      STRATA_REQUIRE_ERR(db.delete_space_force(bad), errc::InvalidInput);
      BOOST_TEST(!STRATA_REQUIRE_OK(db.space_exists(bad)));
      BOOST_TEST(db.current_space() == "default");
    }
  }
  BOOST_TEST((observe(db) == before));
}

BOOST_AUTO_TEST_CASE(space_name_errors_say_what_was_wrong) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  auto message = [&](const std::string& name) {
    auto r = db.set_space(name);
    return r ? std::string("accepted") : strata::message_of(r.error());
  };
  BOOST_TEST(message("") == "Space name cannot be empty");
  BOOST_TEST(message(std::string(65, 'a')) == "Space name cannot exceed 64 characters");
  BOOST_TEST(message("1abc") == "Space name must start with a lowercase letter");
  BOOST_TEST(message("abc!") ==
             "Space name can only contain lowercase letters, digits, hyphens, and underscores");
  BOOST_TEST(message("_system_x") == "Space names starting with '_system_' are reserved");
}

BOOST_AUTO_TEST_CASE(invalid_keys_are_rejected_by_every_kv_call_and_change_nothing) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("victim"));
  STRATA_REQUIRE_OK(db.kv_put("existing", 1));
  auto before = observe(db);
  struct Case {
    std::string key;
    errc kind;
  };
  for (const auto& c : {Case{"", errc::InvalidInput}, Case{std::string("a\0b", 3), errc::InvalidInput},
                        Case{"_strata/internal", errc::InvalidInput},
                        Case{std::string(1025, 'k'), errc::ConstraintViolation}}) {
    BOOST_TEST_CONTEXT("key of " << c.key.size() << " bytes") {
      STRATA_REQUIRE_ERR(db.kv_put(c.key, 1), c.kind);
      STRATA_REQUIRE_ERR(db.kv_get(c.key), c.kind);
      STRATA_REQUIRE_ERR(db.kv_get_at(c.key, 1), c.kind);
      STRATA_REQUIRE_ERR(db.kv_getv(c.key), c.kind);
      STRATA_REQUIRE_ERR(db.kv_delete(c.key), c.kind);
    }
  }
  BOOST_TEST((observe(db) == before));
  auto long_key = db.kv_put(std::string(1025, 'k'), 1);
  BOOST_TEST(strata::message_of(long_key.error()) ==
             "Capacity exceeded for key: limit 1024, requested 1025");
  // The boundary itself is fine, and so are unusual but legal keys.
  STRATA_REQUIRE_OK(db.kv_put(std::string(1024, 'k'), 1));
  for (const char* ok : {"_strata", " ", "/ . .. ~ : @ # %", "ключ", "🔑"})
    STRATA_REQUIRE_OK(db.kv_put(ok, 1));
}

BOOST_AUTO_TEST_CASE(a_bad_key_does_not_register_a_space) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("untouched"));
  STRATA_REQUIRE_ERR(db.kv_put("", 1), errc::InvalidInput);
  STRATA_REQUIRE_ERR(db.kv_put("k", Value{std::string(17u << 20, 'x')}), errc::ConstraintViolation);
  BOOST_TEST(!STRATA_REQUIRE_OK(db.space_exists("untouched")));
}

BOOST_AUTO_TEST_CASE(values_over_the_limits_are_rejected_at_the_boundary) {
  OpenOptions opts;
  opts.limits = Limits::small();
  auto db = STRATA_REQUIRE_OK(Strata::cache(opts));
  STRATA_REQUIRE_OK(db.kv_put("existing", 1));
  auto before = observe(db);
  STRATA_REQUIRE_OK(db.kv_put("s", std::string(1000, 'x')));
  STRATA_REQUIRE_ERR(db.kv_put("s", std::string(1001, 'x')), errc::ConstraintViolation);
  STRATA_REQUIRE_ERR(db.kv_put("b", Value{strata::Bytes(1001, 1)}), errc::ConstraintViolation);
  STRATA_REQUIRE_ERR(db.kv_put("a", Value{strata::Array(101, 0)}), errc::ConstraintViolation);
  strata::Object big;
  for (int i = 0; i < 101; ++i)
    big.set("m" + std::to_string(i), i);
  STRATA_REQUIRE_ERR(db.kv_put("o", big), errc::ConstraintViolation);
  Value deep = 1;
  for (int i = 0; i < 11; ++i)
    deep = Value{strata::Array{deep}};
  auto r = db.kv_put("d", deep);
  BOOST_REQUIRE(!r);
  BOOST_TEST(strata::describe(r.error()) ==
             "ConstraintViolation: Nesting too deep: 11 levels exceeds maximum 10");
  STRATA_REQUIRE_ERR(db.kv_put(std::string(101, 'k'), 1), errc::ConstraintViolation);
  // Only the one valid put above changed anything.
  auto after = observe(db);
  BOOST_TEST(after.keys == (Names{"existing", "s"}), boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_getv("s"))->size() == 1u);
  BOOST_TEST((after.value == before.value));
}

BOOST_AUTO_TEST_CASE(a_damaged_record_on_disk_is_reported_not_fatal) {
  TempDir dir;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    STRATA_REQUIRE_OK(db.kv_put("good", "fine"));
    STRATA_REQUIRE_OK(db.kv_put("victim", "original"));
  }
  {
    // Damage the newest record of "victim" behind Strata's back.
    leveldb::DB* raw = nullptr;
    leveldb::Options o;
    auto path = dir.db() + "/branches/default/spaces/default";
    BOOST_REQUIRE(leveldb::DB::Open(o, path, &raw).ok());
    std::unique_ptr<leveldb::DB> guard{raw};
    BOOST_REQUIRE(raw->Put(leveldb::WriteOptions{}, std::string("hk") + "victim",
                           std::string("\x01\x02\x03garbage!", 11))
                      .ok());
  }
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  STRATA_REQUIRE_ERR(db.kv_get("victim"), errc::Serialization);
  STRATA_REQUIRE_ERR(db.kv_put("victim", "overwrite"), errc::Serialization);
  STRATA_REQUIRE_ERR(db.kv_getv("victim"), errc::Serialization);
  // Everything else keeps working.
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("good")) == std::optional<Value>("fine"));
  STRATA_REQUIRE_OK(db.kv_put("new", 1));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("new")) == std::optional<Value>(1));
}

BOOST_AUTO_TEST_CASE(bad_json_input_is_rejected_with_its_position) {
  auto r = Value::from_json(R"({"a": 1,})");
  BOOST_REQUIRE(!r);
  BOOST_TEST(strata::is(r.error(), errc::InvalidInput));
  BOOST_TEST(strata::message_of(r.error()).find("byte") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
