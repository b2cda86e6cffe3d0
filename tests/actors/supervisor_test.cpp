// The branch supervisor: space catalog, lazy spawning, and restart of a
// crashed space actor without losing acknowledged data.

#include <boost/test/unit_test.hpp>

#include "fixture.hpp"
#include "strata/actors/branch_supervisor.hpp"
#include "strata/actors/client.hpp"

using namespace strata;
using Names = std::vector<std::string>;

namespace {

void kill_and_wait(caf::actor_system& sys, const actors::space_actor& victim) {
  caf::scoped_actor self{sys};
  self->monitor(victim);
  // What an exception escaping a handler does to an actor; exit_reason::kill
  // would be fatal to the linked supervisor as well, by CAF's design.
  self->send_exit(victim, caf::make_error(caf::sec::runtime_error, "simulated crash"));
  self->receive([](const caf::down_msg&) {});
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(supervisor, test::ActorFixture)

BOOST_AUTO_TEST_CASE(resolve_spawns_one_actor_per_space_and_reuses_it) {
  auto branch = sys->spawn(actors::branch_behavior, std::shared_ptr<const actors::DatabaseContext>(ctx),
                           std::string("default"), std::shared_ptr<actors::Orphans<actors::space_actor>>{});
  actors::Client c{*sys, 8};
  auto a1 = c.call(branch, space_resolve_atom::value, std::string("alpha"));
  auto a2 = c.call(branch, space_resolve_atom::value, std::string("alpha"));
  auto b = c.call(branch, space_resolve_atom::value, std::string("beta"));
  BOOST_REQUIRE(a1 && a2 && b);
  BOOST_TEST((*a1 == *a2));
  BOOST_TEST((*a1 != *b));
  auto bad = c.call(branch, space_resolve_atom::value, std::string("Bad"));
  BOOST_REQUIRE(!bad);
  BOOST_TEST(is(bad.error(), errc::InvalidInput));
  caf::anon_send_exit(branch, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(a_crashed_space_actor_is_restarted_with_its_data_intact) {
  auto branch = sys->spawn(actors::branch_behavior, std::shared_ptr<const actors::DatabaseContext>(ctx),
                           std::string("default"), std::shared_ptr<actors::Orphans<actors::space_actor>>{});
  actors::Client c{*sys, 8};
  auto space = *c.call(branch, space_resolve_atom::value, std::string("memory"));
  for (int i = 0; i < 100; ++i)
    BOOST_REQUIRE(c.call(space, kv_put_atom::value, "k" + std::to_string(i), Value{i}));

  kill_and_wait(*sys, space);
  BOOST_TEST((c.call(space, kv_get_atom::value, std::string("k1")).error() ==
              caf::sec::request_receiver_down));

  // The supervisor replaces the dead child; resolving again yields it.
  actors::space_actor replacement;
  for (int attempt = 0; attempt < 10000 && (!replacement || replacement == space); ++attempt) {
    auto r = c.call(branch, space_resolve_atom::value, std::string("memory"));
    BOOST_REQUIRE(r);
    replacement = *r;
  }
  BOOST_REQUIRE(replacement != space);
  for (int i = 0; i < 100; ++i) {
    auto v = c.call(replacement, kv_get_atom::value, "k" + std::to_string(i));
    BOOST_REQUIRE(v);
    BOOST_REQUIRE(v->found);
    BOOST_TEST(v->value.value == Value{i});
    BOOST_TEST(v->value.version == 1u);
  }
  // The space is still registered and writable.
  auto spaces = c.call(branch, space_list_atom::value);
  BOOST_REQUIRE(spaces);
  BOOST_TEST(*spaces == (Names{"default", "memory"}), boost::test_tools::per_element());
  BOOST_TEST(c.call(replacement, kv_put_atom::value, std::string("k1"), Value{"after"})->version == 2u);
  caf::anon_send_exit(branch, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_CASE(stopping_the_supervisor_stops_its_space_actors) {
  auto branch = sys->spawn(actors::branch_behavior, std::shared_ptr<const actors::DatabaseContext>(ctx),
                           std::string("default"), std::shared_ptr<actors::Orphans<actors::space_actor>>{});
  actors::Client c{*sys, 8};
  auto space = *c.call(branch, space_resolve_atom::value, std::string("alpha"));
  caf::scoped_actor self{*sys};
  self->monitor(space);
  caf::anon_send_exit(branch, caf::exit_reason::user_shutdown);
  bool down = false;
  self->receive([&](const caf::down_msg& msg) {
    down = msg.source == caf::actor_cast<caf::actor_addr>(space);
  });
  BOOST_TEST(down);
}

// A running branch publishes its commit clock for in-process handles and
// withdraws it when it stops; it stops (children first) although the test
// still holds a reference to it.
BOOST_AUTO_TEST_CASE(a_branch_publishes_its_clock_while_it_runs) {
  BOOST_TEST(!ctx->clocks->find("main"));
  auto branch = sys->spawn(actors::branch_behavior, std::shared_ptr<const actors::DatabaseContext>(ctx),
                           std::string("main"), std::shared_ptr<actors::Orphans<actors::space_actor>>{});
  actors::Client c{*sys, 8};
  auto space = c.call(branch, space_resolve_atom::value, std::string("alpha"));
  BOOST_REQUIRE(space);
  BOOST_REQUIRE(c.call(*space, kv_put_atom::value, std::string("k"), Value{1}));
  auto clock = ctx->clocks->find("main");
  BOOST_REQUIRE(clock);
  auto asked = c.call(branch, txn_snapshot_atom::value);
  BOOST_REQUIRE(asked);
  BOOST_TEST(clock->snapshot() >= *asked);
  BOOST_TEST(!ctx->clocks->find(""));
  caf::scoped_actor self{*sys};
  self->monitor(branch);
  caf::anon_send_exit(branch, caf::exit_reason::user_shutdown);
  bool down = false;
  self->receive([&](const caf::down_msg&) { down = true; },
                caf::after(std::chrono::seconds(30)) >> [] {});
  BOOST_TEST(down);
  BOOST_TEST(!ctx->clocks->find("main"));
}

BOOST_AUTO_TEST_CASE(the_catalog_tracks_registration_and_deletion) {
  auto branch = sys->spawn(actors::branch_behavior, std::shared_ptr<const actors::DatabaseContext>(ctx),
                           std::string("default"), std::shared_ptr<actors::Orphans<actors::space_actor>>{});
  actors::Client c{*sys, 8};
  auto space = *c.call(branch, space_resolve_atom::value, std::string("zeta"));
  BOOST_TEST(!*c.call(branch, space_exists_atom::value, std::string("zeta")));
  BOOST_REQUIRE(c.call(space, kv_put_atom::value, std::string("k"), Value{1}));
  BOOST_TEST(*c.call(branch, space_exists_atom::value, std::string("zeta")));
  auto refused = c.call(branch, space_drop_atom::value, std::string("zeta"), false);
  BOOST_REQUIRE(!refused);
  BOOST_TEST(is(refused.error(), errc::ConstraintViolation));
  BOOST_TEST(*c.call(branch, space_drop_atom::value, std::string("zeta"), true));
  BOOST_TEST(!*c.call(branch, space_exists_atom::value, std::string("zeta")));
  caf::anon_send_exit(branch, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()
