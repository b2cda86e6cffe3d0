// The spaces API beyond the seed's examples: auto-registration (SPEC 4.3),
// create/exists/delete semantics (SPEC 4.2) and per-handle context.

#include <functional>

#include "test_util.hpp"

using strata::Strata;
using strata::Value;
using strata::errc;
using Names = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(spaces)

BOOST_AUTO_TEST_CASE(a_fresh_database_lists_only_default) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_spaces()) == (Names{"default"}),
             boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.space_exists("default")));
}

BOOST_AUTO_TEST_CASE(reads_and_set_space_never_register_a_space) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("ghost"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("k")).has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list()).empty());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_getv("k")).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get_at("k", 1)).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.space_exists("ghost")));
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_spaces()) == (Names{"default"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(every_kv_write_command_registers_the_space) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("by-put"));
  STRATA_REQUIRE_OK(db.kv_put("k", 1));
  STRATA_REQUIRE_DONE(db.set_space("by-delete"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_delete("missing")));
  STRATA_REQUIRE_DONE(db.set_space("by-batch"));
  STRATA_REQUIRE_OK(db.kv_batch_put({{"a", 1}, {"b", 2}}));
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_spaces()) ==
                 (Names{"by-batch", "by-delete", "by-put", "default"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(create_space_registers_without_data_and_is_idempotent) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.create_space("empty-one"));
  STRATA_REQUIRE_DONE(db.create_space("empty-one"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.space_exists("empty-one")));
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_spaces()) == (Names{"default", "empty-one"}),
             boost::test_tools::per_element());
  STRATA_REQUIRE_ERR(db.create_space("Bad Name"), errc::InvalidInput);
  BOOST_TEST(db.current_space() == "default");
}

BOOST_AUTO_TEST_CASE(space_exists_is_false_for_unknown_and_invalid_names) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.space_exists("nope")));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.space_exists("NOPE")));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.space_exists("")));
}

BOOST_AUTO_TEST_CASE(delete_space_removes_an_empty_space_and_ignores_missing_ones) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.create_space("scratch"));
  STRATA_REQUIRE_DONE(db.delete_space("scratch"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.space_exists("scratch")));
  STRATA_REQUIRE_DONE(db.delete_space("never-existed"));
  STRATA_REQUIRE_ERR(db.delete_space("Not-Valid"), errc::InvalidInput);
}

BOOST_AUTO_TEST_CASE(a_space_whose_keys_were_all_deleted_counts_as_empty) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("drained"));
  STRATA_REQUIRE_OK(db.kv_put("k", 1));
  STRATA_REQUIRE_OK(db.kv_delete("k"));
  STRATA_REQUIRE_DONE(db.set_space("default"));
  STRATA_REQUIRE_DONE(db.delete_space("drained"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.space_exists("drained")));
}

BOOST_AUTO_TEST_CASE(force_delete_removes_all_data_and_a_later_write_starts_empty) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("temp"));
  for (int i = 0; i < 50; ++i)
    STRATA_REQUIRE_OK(db.kv_put("key-" + std::to_string(i), i));
  STRATA_REQUIRE_DONE(db.delete_space_force("temp"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.space_exists("temp")));
  // The handle still points at "temp": reads show nothing, a write
  // re-creates the space empty, with versions starting over.
  BOOST_TEST(db.current_space() == "temp");
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list()).empty());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_getv("key-1")).has_value());
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_put("fresh", "x")) == 1u);
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list()) == (Names{"fresh"}), boost::test_tools::per_element());
  BOOST_TEST(STRATA_REQUIRE_OK(db.space_exists("temp")));
}

BOOST_AUTO_TEST_CASE(force_delete_leaves_other_spaces_untouched) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("keep"));
  STRATA_REQUIRE_OK(db.kv_put("k", "kept"));
  STRATA_REQUIRE_DONE(db.set_space("drop"));
  STRATA_REQUIRE_OK(db.kv_put("k", "dropped"));
  STRATA_REQUIRE_DONE(db.delete_space_force("drop"));
  STRATA_REQUIRE_DONE(db.set_space("keep"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("k")) == std::optional<Value>(Value{"kept"}));
}

BOOST_AUTO_TEST_CASE(a_deletion_is_seen_by_every_handle) {
  auto a = STRATA_REQUIRE_OK(Strata::cache());
  auto b = STRATA_REQUIRE_OK(a.new_handle());
  STRATA_REQUIRE_DONE(a.set_space("shared"));
  STRATA_REQUIRE_DONE(b.set_space("shared"));
  STRATA_REQUIRE_OK(a.kv_put("k", 1));
  BOOST_TEST(STRATA_REQUIRE_OK(b.kv_get("k")).has_value());
  STRATA_REQUIRE_DONE(a.delete_space_force("shared"));
  BOOST_TEST(!STRATA_REQUIRE_OK(b.kv_get("k")).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(b.space_exists("shared")));
}

BOOST_AUTO_TEST_CASE(handles_switch_spaces_independently) {
  auto a = STRATA_REQUIRE_OK(Strata::cache());
  auto b = STRATA_REQUIRE_OK(a.new_handle());
  STRATA_REQUIRE_DONE(a.set_space("alpha"));
  BOOST_TEST(b.current_space() == "default");
  STRATA_REQUIRE_OK(a.kv_put("k", "in alpha"));
  STRATA_REQUIRE_OK(b.kv_put("k", "in default"));
  BOOST_TEST(STRATA_REQUIRE_OK(a.kv_get("k")) == std::optional<Value>(Value{"in alpha"}));
  BOOST_TEST(STRATA_REQUIRE_OK(b.kv_get("k")) == std::optional<Value>(Value{"in default"}));
}

BOOST_AUTO_TEST_CASE(set_space_accepts_the_default_space_and_64_character_names) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space(std::string(64, 'a')));
  STRATA_REQUIRE_ERR(db.set_space(std::string(65, 'a')), errc::InvalidInput);
  STRATA_REQUIRE_DONE(db.set_space("default"));
  BOOST_TEST(db.current_space() == "default");
}

BOOST_AUTO_TEST_CASE(a_write_of_every_primitive_registers_its_space_and_blocks_plain_delete) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  struct Writer {
    const char* space;
    std::function<bool(Strata&)> write;
  };
  std::vector<Writer> writers{
      {"p-kv", [](Strata& h) { return bool(h.kv_put("k", 1)); }},
      {"p-event", [](Strata& h) { return bool(h.event_append("t", strata::Object{})); }},
      {"p-state", [](Strata& h) { return bool(h.state_set("c", 1)); }},
      {"p-json", [](Strata& h) { return bool(h.json_set("d", "$.a", 1)); }},
      {"p-vector",
       [](Strata& h) { return bool(h.vector_create_collection("v", 2, strata::DistanceMetric::Cosine)); }},
  };
  for (auto& w : writers) {
    STRATA_REQUIRE_DONE(db.set_space(w.space));
    BOOST_REQUIRE_MESSAGE(w.write(db), w.space);
  }
  STRATA_REQUIRE_DONE(db.set_space("default"));
  for (auto& w : writers) {
    BOOST_TEST_CONTEXT(w.space) {
      BOOST_TEST(STRATA_REQUIRE_OK(db.space_exists(w.space)));
      STRATA_REQUIRE_ERR(db.delete_space(w.space), errc::ConstraintViolation);
      STRATA_REQUIRE_DONE(db.delete_space_force(w.space));
      BOOST_TEST(!STRATA_REQUIRE_OK(db.space_exists(w.space)));
    }
  }
}

BOOST_AUTO_TEST_CASE(the_same_name_in_two_spaces_is_two_objects_for_every_primitive) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  for (const char* space : {"left", "right"}) {
    STRATA_REQUIRE_DONE(db.set_space(space));
    Value v{space};
    STRATA_REQUIRE_OK(db.kv_put("name", v));
    STRATA_REQUIRE_OK(db.event_append("name", strata::Object{{"side", v}}));
    STRATA_REQUIRE_OK(db.state_set("name", v));
    STRATA_REQUIRE_OK(db.json_set("name", "$.side", v));
    STRATA_REQUIRE_OK(db.vector_create_collection("name", space == std::string("left") ? 2 : 3,
                                                  strata::DistanceMetric::Cosine));
  }
  for (const char* space : {"left", "right"}) {
    STRATA_REQUIRE_DONE(db.set_space(space));
    Value v{space};
    BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("name")) == std::optional<Value>(v));
    BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 1u);
    BOOST_TEST(*STRATA_REQUIRE_OK(db.event_get(1))->value.as_object()->find("side") == v);
    BOOST_TEST(STRATA_REQUIRE_OK(db.state_get("name")) == std::optional<Value>(v));
    BOOST_TEST(STRATA_REQUIRE_OK(db.json_get("name", "$.side")) == std::optional<Value>(v));
    BOOST_TEST(STRATA_REQUIRE_OK(db.vector_collection_stats("name")).dimension ==
               (space == std::string("left") ? 2u : 3u));
  }
}

BOOST_AUTO_TEST_SUITE_END()
