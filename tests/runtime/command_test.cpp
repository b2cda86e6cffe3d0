// The command vocabulary (strata/command.hpp): every command through
// Strata::execute gives what the handle method of the same name gives for
// the same state, errors included; batches; transactions by id; commands
// travel through CAF's serialization unchanged.

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "command_script.hpp"
#include "test_util.hpp"

using strata::Command;
using strata::Output;
using strata::Strata;
using strata::Target;
using strata::Value;
using strata::errc;
namespace cmd = strata::cmd;

BOOST_AUTO_TEST_SUITE(commands)

// One table over every command: the script runs on two fresh databases,
// one through execute, one through the handle's methods, and every output
// (or error) must match.
BOOST_AUTO_TEST_CASE(every_command_through_execute_matches_the_handle_method) {
  strata::test::TempDir dir_a, dir_b;
  auto a = STRATA_REQUIRE_OK(Strata::open(dir_a.db()));
  auto b = STRATA_REQUIRE_OK(Strata::open(dir_b.db()));
  auto script_a = strata::test::command_script(dir_a.path());
  auto script_b = strata::test::command_script(dir_b.path());
  BOOST_TEST(strata::test::covered(script_a).size() == std::variant_size_v<Command>);
  strata::test::ViaHandle via(b);
  int errors = 0;
  for (size_t i = 0; i < script_a.size(); ++i) {
    auto got = strata::test::render(a.execute(script_a[i]));
    auto want = strata::test::render(via(script_b[i]));
    BOOST_TEST(got == want, "step " << i << " (" << strata::command_name(script_a[i])
                                    << "): execute gave " << got << ", the handle " << want);
    errors += got.rfind("error", 0) == 0;
  }
  // The script checks errors too (bad key, bad path, conflicts ...).
  BOOST_TEST(errors > 10);
}

BOOST_AUTO_TEST_CASE(a_command_names_its_own_branch_and_space_whatever_the_handle_is_on) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  STRATA_REQUIRE_DONE(db.set_space("elsewhere"));
  auto v = strata::output_as<strata::WriteInfo>(
      db.execute(cmd::KvPut{{"default", "memory"}, "k", 42}));
  BOOST_TEST(STRATA_REQUIRE_OK(std::move(v)).version == 1u);
  BOOST_TEST(db.current_space() == "elsewhere");
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("k")).has_value());
  STRATA_REQUIRE_DONE(db.set_space("memory"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("k")) == std::optional<Value>(42));
  // A branch that does not exist (its reads find nothing, its writes are
  // refused), a space name that is invalid.
  auto r = db.execute(cmd::KvGet{{"nope", "memory"}, "k"});
  BOOST_TEST(!std::get<std::optional<Value>>(STRATA_REQUIRE_OK(std::move(r))).has_value());
  r = db.execute(cmd::KvPut{{"nope", "memory"}, "k", 1});
  BOOST_TEST(strata::is(r.error(), errc::BranchNotFound));
  r = db.execute(cmd::KvPut{{"default", "bad/space"}, "k", 1});
  BOOST_TEST(strata::is(r.error(), errc::InvalidInput));
}

BOOST_AUTO_TEST_CASE(a_batch_runs_in_order_with_one_result_per_command) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  Target t{"default", "b"};
  std::vector<Command> batch;
  for (int i = 0; i < 64; ++i)
    batch.push_back(cmd::KvPut{t, "k" + std::to_string(i), i});
  batch.push_back(cmd::KvPut{t, "", 1});          // its own error
  batch.push_back(cmd::KvGet{t, "k63"});          // sees the writes before it
  batch.push_back(cmd::KvPut{t, "k0", 100});      // a new version
  batch.push_back(cmd::EventAppend{t, "e", Value(strata::Object{})});
  batch.push_back(cmd::EventAppend{t, "e", 1});   // not an object
  batch.push_back(cmd::EventAppend{t, "e", Value(strata::Object{})});
  auto out = STRATA_REQUIRE_OK(db.execute_batch(batch));
  BOOST_REQUIRE(out.size() == batch.size());
  for (int i = 0; i < 64; ++i)
    BOOST_TEST(std::get<strata::WriteInfo>(*out[i]).version == 1u);
  BOOST_TEST(strata::is(out[64].error(), errc::InvalidInput));
  BOOST_TEST(std::get<std::optional<Value>>(*out[65]) == std::optional<Value>(63));
  BOOST_TEST(std::get<strata::WriteInfo>(*out[66]).version == 2u);
  BOOST_TEST(std::get<strata::WriteInfo>(*out[67]).version == 1u);
  BOOST_TEST(strata::is(out[68].error(), errc::InvalidInput));
  BOOST_TEST(std::get<strata::WriteInfo>(*out[69]).version == 2u);
  STRATA_REQUIRE_DONE(db.set_space("b"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_list()).size() == 64u);
  // The grouped writes answer each item's own commit timestamp, the one
  // the store keeps.
  for (int i : {0, 63}) {
    auto stored = STRATA_REQUIRE_OK(db.kv_getv("k" + std::to_string(i)));
    BOOST_REQUIRE(stored.has_value());
    BOOST_TEST(stored->back().timestamp == std::get<strata::WriteInfo>(*out[i]).timestamp);
  }
  auto k0 = STRATA_REQUIRE_OK(db.kv_get_versioned("k0"));
  BOOST_TEST(k0->timestamp == std::get<strata::WriteInfo>(*out[66]).timestamp);
  auto e2 = STRATA_REQUIRE_OK(db.event_get(2));
  BOOST_TEST(e2->timestamp == std::get<strata::WriteInfo>(*out[69]).timestamp);
}

// Consecutive sets of one document in a batch answer what each answers
// alone: a version each, and the commit timestamp the store keeps. (They
// once travelled as one JsonBatchSet, which gives the document a single
// version for all of them, and answered timestamp 0.)
BOOST_AUTO_TEST_CASE(a_batch_sets_one_document_a_version_per_command) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  Target t{"default", "j"};
  auto out = STRATA_REQUIRE_OK(db.execute_batch(
      {cmd::JsonSet{t, "d", "$.a", 1}, cmd::JsonSet{t, "d", "$.b", 2}, cmd::JsonSet{t, "d", "$[", 3},
       cmd::JsonSet{t, "d", "$.a", 4}}));
  BOOST_REQUIRE(out.size() == 4u);
  BOOST_TEST(std::get<strata::WriteInfo>(*out[0]).version == 1u);
  BOOST_TEST(std::get<strata::WriteInfo>(*out[1]).version == 2u);
  BOOST_TEST(strata::is(out[2].error(), errc::InvalidPath));
  BOOST_TEST(std::get<strata::WriteInfo>(*out[3]).version == 3u);
  STRATA_REQUIRE_DONE(db.set_space("j"));
  auto doc = STRATA_REQUIRE_OK(db.json_getv("d"));
  BOOST_REQUIRE(doc.has_value());
  BOOST_REQUIRE(doc->size() == 3u);
  for (size_t i : {0, 1}) {
    const auto& w = std::get<strata::WriteInfo>(*out[i]);
    auto it = std::find_if(doc->begin(), doc->end(), [&](const auto& v) { return v.version == w.version; });
    BOOST_REQUIRE(it != doc->end());
    BOOST_TEST(it->timestamp == w.timestamp);
  }
}

BOOST_AUTO_TEST_CASE(transactions_by_id_are_atomic_and_isolated) {
  auto db = STRATA_REQUIRE_OK(Strata::cache());
  auto id = STRATA_REQUIRE_OK(strata::output_as<uint64_t>(db.execute(cmd::Begin{})));
  Target billing{"default", "billing", id}, logs{"default", "logs", id};
  STRATA_REQUIRE_OK(db.execute(cmd::KvPut{billing, "credits", 99}));
  STRATA_REQUIRE_OK(db.execute(cmd::EventAppend{logs, "call", Value(strata::Object{})}));
  // Not visible outside before the commit; a history read is refused inside.
  auto outside = db.execute(cmd::KvGet{{"default", "billing"}, "credits"});
  BOOST_TEST(!std::get<std::optional<Value>>(STRATA_REQUIRE_OK(std::move(outside))).has_value());
  auto refused = db.execute(cmd::KvGetv{billing, "credits"});
  BOOST_TEST(strata::is(refused.error(), errc::InvalidInput));
  STRATA_REQUIRE_OK(db.execute(cmd::Commit{billing}));
  auto after = db.execute(cmd::KvGet{{"default", "billing"}, "credits"});
  BOOST_TEST(std::get<std::optional<Value>>(STRATA_REQUIRE_OK(std::move(after))) ==
             std::optional<Value>(99));
  // The id is spent.
  auto again = db.execute(cmd::KvPut{billing, "credits", 1});
  BOOST_TEST(strata::is(again.error(), errc::TransactionNotActive));
  // A transaction belongs to its branch.
  STRATA_REQUIRE_DONE(db.create_branch("other"));
  auto id2 = STRATA_REQUIRE_OK(strata::output_as<uint64_t>(db.execute(cmd::Begin{{"other"}})));
  auto wrong = db.execute(cmd::KvPut{{"default", "x", id2}, "k", 1});
  BOOST_TEST(strata::is(wrong.error(), errc::InvalidInput));
}

// What crosses an actor boundary (and later the network): every command of
// the script and every output survive a round trip through CAF's binary
// serialization.
BOOST_AUTO_TEST_CASE(commands_and_outputs_survive_serialization) {
  caf::actor_system_config cfg;
  cfg.add_message_types<caf::id_block::strata>();
  cfg.add_message_types<caf::id_block::strata_api>();
  caf::actor_system sys{cfg};
  strata::test::TempDir dir;
  auto db = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  for (auto& c : strata::test::command_script(dir.path())) {
    std::vector<char> buf;
    caf::binary_serializer sink{sys, buf};
    Command copy = c;
    BOOST_REQUIRE(!sink(copy));
    Command back;
    caf::binary_deserializer source{sys, buf};
    BOOST_REQUIRE(!source(back));
    BOOST_TEST(caf::deep_to_string(back) == caf::deep_to_string(c));
    auto out = db.execute(c);
    std::vector<char> obuf;
    caf::binary_serializer osink{sys, obuf};
    auto outcome = strata::Outcome::of(std::move(out));
    BOOST_REQUIRE(!osink(outcome));
    strata::Outcome out_back;
    caf::binary_deserializer osource{sys, obuf};
    BOOST_REQUIRE(!osource(out_back));
    BOOST_TEST(strata::test::render(std::move(out_back).get()) ==
               strata::test::render(std::move(outcome).get()));
  }
}

BOOST_AUTO_TEST_CASE(a_command_number_past_the_last_is_refused_on_load) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  uint8_t bogus = 250;
  BOOST_REQUIRE(!sink(bogus));
  Command back;
  caf::binary_deserializer source{sys, buf};
  auto err = source(back);
  BOOST_REQUIRE(err);
  BOOST_TEST(strata::describe(err).find("unknown strata::Command") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
