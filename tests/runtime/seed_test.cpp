// Every code example of seed/spaces-guide.md, translated to C++. Lines that
// use events, state cells, vectors or sessions belong to later issues and
// are marked where they would go.

#include <thread>

#include "test_util.hpp"

using strata::Strata;
using strata::Value;
using strata::errc;
using strata::test::TempDir;
using Names = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(seed_examples)

BOOST_AUTO_TEST_CASE(default_space_receives_writes_without_switching) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.kv_put("key", "value"));
  STRATA_REQUIRE_OK(db.event_append("log", strata::Object{{"msg", "hello"}}));
  BOOST_TEST(db.current_space() == "default");
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 1u);
  auto got = STRATA_REQUIRE_OK(db.kv_get("key"));
  BOOST_REQUIRE(got.has_value());
  BOOST_TEST(*got == Value{"value"});
}

BOOST_AUTO_TEST_CASE(creating_and_switching_spaces_registers_them_on_first_write) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("conversations"));
  STRATA_REQUIRE_OK(db.kv_put("msg_001", "hello"));
  STRATA_REQUIRE_DONE(db.set_space("tool-results"));
  STRATA_REQUIRE_OK(db.kv_put("task_42", "done"));
  auto spaces = STRATA_REQUIRE_OK(db.list_spaces());
  BOOST_TEST(spaces == (Names{"conversations", "default", "tool-results"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_same_key_in_two_spaces_holds_two_values) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_OK(db.kv_put("config", "default-config"));
  STRATA_REQUIRE_DONE(db.set_space("experiments"));
  STRATA_REQUIRE_OK(db.kv_put("config", "experiment-config"));

  STRATA_REQUIRE_DONE(db.set_space("default"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("config")) ==
             std::optional<Value>(Value{"default-config"}));
  STRATA_REQUIRE_DONE(db.set_space("experiments"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("config")) ==
             std::optional<Value>(Value{"experiment-config"}));
}

BOOST_AUTO_TEST_CASE(space_naming_rules_accept_and_reject_the_guides_examples) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("conversations"));
  STRATA_REQUIRE_DONE(db.set_space("tool-results"));
  STRATA_REQUIRE_DONE(db.set_space("agent_memory_v2"));
  STRATA_REQUIRE_ERR(db.set_space("Conversations"), errc::InvalidInput);
  STRATA_REQUIRE_ERR(db.set_space("123-invalid"), errc::InvalidInput);
  STRATA_REQUIRE_ERR(db.set_space(""), errc::InvalidInput);
  STRATA_REQUIRE_ERR(db.set_space("_system_internal"), errc::InvalidInput);
  // A rejected switch leaves the handle where it was.
  BOOST_TEST(db.current_space() == "agent_memory_v2");
}

BOOST_AUTO_TEST_CASE(deleting_spaces_follows_the_guides_rules) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("temp"));
  STRATA_REQUIRE_OK(db.kv_put("key", "value"));
  STRATA_REQUIRE_DONE(db.set_space("default"));

  auto refused = db.delete_space("temp");
  BOOST_REQUIRE(!refused);
  BOOST_TEST(strata::is(refused.error(), errc::ConstraintViolation));
  BOOST_TEST(strata::message_of(refused.error()) == "space is non-empty");
  BOOST_TEST(STRATA_REQUIRE_OK(db.space_exists("temp")));

  STRATA_REQUIRE_DONE(db.delete_space_force("temp"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.space_exists("temp")));
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_spaces()) == (Names{"default"}),
             boost::test_tools::per_element());

  STRATA_REQUIRE_ERR(db.delete_space("default"), errc::ConstraintViolation);
  STRATA_REQUIRE_ERR(db.delete_space_force("default"), errc::ConstraintViolation);
}

BOOST_AUTO_TEST_CASE(handles_on_threads_keep_their_own_current_space) {
  TempDir dir;
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  auto handle_a = STRATA_REQUIRE_OK(db.new_handle());
  auto handle_b = STRATA_REQUIRE_OK(db.new_handle());
  bool a_ok = false, b_ok = false;
  std::thread ta([&] {
    a_ok = handle_a.set_space("conversations") && handle_a.kv_put("msg_001", "hello");
  });
  std::thread tb([&] {
    b_ok = handle_b.set_space("tool-results") && handle_b.kv_put("task_42", "done");
  });
  ta.join();
  tb.join();
  BOOST_REQUIRE(a_ok);
  BOOST_REQUIRE(b_ok);
  BOOST_TEST(handle_a.current_space() == "conversations");
  BOOST_TEST(handle_b.current_space() == "tool-results");
  BOOST_TEST(db.current_space() == "default");
  STRATA_REQUIRE_DONE(db.set_space("conversations"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("msg_001")) == std::optional<Value>(Value{"hello"}));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("task_42")).has_value());
  STRATA_REQUIRE_DONE(db.set_space("tool-results"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("task_42")) == std::optional<Value>(Value{"done"}));
}

BOOST_AUTO_TEST_CASE(new_handles_always_start_on_the_default_space) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("elsewhere"));
  auto h = STRATA_REQUIRE_OK(db.new_handle());
  BOOST_TEST(h.current_space() == "default");
  BOOST_TEST(h.current_branch() == "default");
}

BOOST_AUTO_TEST_CASE(agent_memory_pattern_organizes_data_by_space) {
  TempDir dir;
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  STRATA_REQUIRE_DONE(db.set_space("conversations"));
  STRATA_REQUIRE_OK(db.event_append("user_message",
                                    strata::Object{{"content", "What's the weather?"}}));
  STRATA_REQUIRE_OK(db.event_append("tool_call", strata::Object{{"tool", "weather_api"}}));
  STRATA_REQUIRE_DONE(db.set_space("tool-results"));
  auto result = STRATA_REQUIRE_OK(Value::from_json(R"({"temp": 72, "conditions": "sunny"})"));
  STRATA_REQUIRE_OK(db.kv_put("weather_api:call_1", result));
  STRATA_REQUIRE_DONE(db.set_space("user-context"));
  STRATA_REQUIRE_OK(db.state_set("preferences", strata::Object{{"units", "fahrenheit"}}));
  auto got = STRATA_REQUIRE_OK(db.new_handle());
  STRATA_REQUIRE_DONE(got.set_space("conversations"));
  BOOST_TEST(STRATA_REQUIRE_OK(got.event_len()) == 2u);
  BOOST_TEST(STRATA_REQUIRE_OK(got.event_get_by_type("tool_call")).size() == 1u);
  STRATA_REQUIRE_DONE(got.set_space("user-context"));
  BOOST_TEST(STRATA_REQUIRE_OK(got.state_get("preferences"))->to_json() ==
             R"({"units":"fahrenheit"})");
  STRATA_REQUIRE_DONE(got.set_space("tool-results"));
  auto v = STRATA_REQUIRE_OK(got.kv_get("weather_api:call_1"));
  BOOST_REQUIRE(v.has_value());
  BOOST_TEST(v->to_json() == R"({"temp":72,"conditions":"sunny"})");
}

BOOST_AUTO_TEST_CASE(multi_tenant_pattern_lists_every_tenant_space) {
  TempDir dir;
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  for (const char* tenant : {"acme-corp", "globex", "initech"}) {
    STRATA_REQUIRE_DONE(db.set_space(tenant));
    STRATA_REQUIRE_OK(db.kv_put("config", strata::Object{{"plan", "enterprise"}}));
    // db.vector_create_collection("docs", 384, DistanceMetric::Cosine) — vector issue.
  }
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_spaces()) ==
                 (Names{"acme-corp", "default", "globex", "initech"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(experiment_tracking_pattern_keeps_results_apart) {
  TempDir dir;
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  STRATA_REQUIRE_DONE(db.set_space("hyperparams"));
  STRATA_REQUIRE_OK(db.kv_put("config", strata::Object{{"lr", 0.001}, {"epochs", 10}}));
  STRATA_REQUIRE_DONE(db.set_space("experiment-001"));
  STRATA_REQUIRE_OK(db.kv_put("metrics", strata::Object{{"loss", 0.42}, {"accuracy", 0.87}}));
  STRATA_REQUIRE_DONE(db.set_space("experiment-002"));
  STRATA_REQUIRE_OK(db.kv_put("metrics", strata::Object{{"loss", 0.38}, {"accuracy", 0.89}}));

  STRATA_REQUIRE_DONE(db.set_space("experiment-001"));
  auto m1 = STRATA_REQUIRE_OK(db.kv_get("metrics"));
  STRATA_REQUIRE_DONE(db.set_space("experiment-002"));
  auto m2 = STRATA_REQUIRE_OK(db.kv_get("metrics"));
  BOOST_REQUIRE(m1 && m2);
  BOOST_TEST(*m1->as_object()->find("loss") == Value{0.42});
  BOOST_TEST(*m2->as_object()->find("loss") == Value{0.38});
  BOOST_TEST(STRATA_REQUIRE_OK(db.list_spaces()) ==
                 (Names{"default", "experiment-001", "experiment-002", "hyperparams"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
