// The database root's supervision, walked on the deterministic scheduler:
// a root that crashes is replaced at once, and the new root starts each
// branch again only once the old branch (still closing its stores) is
// down; requests for it wait meanwhile.

#include <boost/test/unit_test.hpp>

#include "deterministic.hpp"
#include "strata/actors/database_root.hpp"
#include "strata/store/fault_env.hpp"

using namespace strata;

namespace {

struct RootWalk : test::Deterministic {
  std::vector<actors::database_actor> roots;
  actors::database_actor root;
  /// Under every store: makes an actor throw when a test asks.
  std::unique_ptr<store::FaultEnv> faults;

  RootWalk() : Deterministic(false) {
    faults = std::make_unique<store::FaultEnv>(env.get());
    ctx->store_options.env = faults.get();
    root = actors::spawn_supervised_root(
        *sys, std::shared_ptr<const actors::DatabaseContext>(ctx),
        [this](const actors::database_actor& r) { roots.push_back(r); });
    drain();
  }

  ~RootWalk() {
    (*me)->send_exit(roots.back(), caf::exit_reason::user_shutdown);
    drain();
  }

  actors::branch_actor open(const actors::database_actor& r, const std::string& name) {
    auto h = (*me)->request(r, caf::infinite, branch_open_atom::value, name);
    drain();
    auto b = take<actors::branch_actor>(h);
    BOOST_REQUIRE(b);
    return *b;
  }

  template <class T, class Handle, class... Ts>
  caf::expected<T> ask(const Handle& dest, const Ts&... xs) {
    auto h = (*me)->request(dest, caf::infinite, xs...);
    drain();
    return take<T>(h);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(root_supervision, RootWalk)

BOOST_AUTO_TEST_CASE(a_crashed_root_is_replaced_and_restarts_branches_once_the_old_are_down) {
  BOOST_REQUIRE_EQUAL(roots.size(), 1u);
  BOOST_TEST((root == roots[0]));
  auto old_branch = open(roots[0], "default");
  auto space = *ask<actors::space_actor>(old_branch, space_resolve_atom::value, std::string("s"));
  BOOST_REQUIRE(ask<WriteInfo>(space, kv_put_atom::value, std::string("k"), Value{"kept"}));

  // Killed: nothing traps it, and the kill reaches the linked branch
  // too, which then dies at once, leaving its space actor running.
  crash(roots[0], caf::exit_reason::kill);  // its functor spawns the next root at once
  BOOST_REQUIRE_EQUAL(roots.size(), 2u);
  step<caf::exit_msg>(old_branch);
  BOOST_TEST(next_is<caf::exit_msg>(space));  // orphaned, still running

  // The new root starts: "default" waits for the old supervisor (down
  // already), then for the space actor it left.
  run_start(roots[1]);
  auto h = (*me)->request(roots[1], caf::infinite, branch_open_atom::value, std::string("default"));
  step<branch_open_atom>(roots[1]);
  BOOST_TEST(!has_mail(roots[1]));  // the old supervisor's down message came first
  BOOST_TEST(!has_mail(me->ptr()));
  BOOST_TEST(state_of<actors::DatabaseState>(roots[1]).restarting.count("default") == 1u);
  BOOST_TEST(next_is<caf::exit_msg>(space));

  drain();  // the space actor goes down; the branch starts again
  auto new_branch = take<actors::branch_actor>(h);
  BOOST_REQUIRE(new_branch);
  BOOST_TEST((*new_branch != old_branch));
  BOOST_TEST(state_of<actors::DatabaseState>(roots[1]).restarting.empty());
  auto again = *ask<actors::space_actor>(*new_branch, space_resolve_atom::value, std::string("s"));
  auto got = ask<MaybeVersioned>(again, kv_get_atom::value, std::string("k"));
  BOOST_REQUIRE(got);
  BOOST_TEST(got->found);
  BOOST_TEST((got->value.value == Value{"kept"}));
  // The catalog came back from disk.
  auto names = ask<std::vector<std::string>>(roots[1], branch_list_atom::value);
  BOOST_REQUIRE(names);
  BOOST_TEST(*names == std::vector<std::string>{"default"}, boost::test_tools::per_element());
}

// A crashed branch leaves its space actors running until the exit it sent
// them arrives: the root starts the branch again only once they are down
// (they hold the branch's stores until then).
BOOST_AUTO_TEST_CASE(a_crashed_branch_restarts_once_its_space_actors_are_down) {
  auto old_branch = open(roots[0], "default");
  auto space = *ask<actors::space_actor>(old_branch, space_resolve_atom::value, std::string("s"));
  BOOST_REQUIRE(ask<WriteInfo>(space, kv_put_atom::value, std::string("k"), Value{"kept"}));

  // An exception in the supervisor (here in the transaction log's check).
  faults->throw_nth(0);
  auto check = (*me)->request(old_branch, caf::infinite, txn_check_atom::value);
  step<txn_check_atom>(old_branch);
  BOOST_TEST(!take<StoreCheck>(check));
  BOOST_TEST(next_is<caf::exit_msg>(space));  // orphaned, still running
  step<caf::exit_msg>(roots[0]);              // the link: the root notices
  BOOST_TEST(state_of<actors::DatabaseState>(roots[0]).restarting.count("default") == 1u);
  auto h = (*me)->request(roots[0], caf::infinite, branch_open_atom::value, std::string("default"));
  step<branch_open_atom>(roots[0]);
  BOOST_TEST(!has_mail(me->ptr()));  // waits for the space actor

  drain();
  auto new_branch = take<actors::branch_actor>(h);
  BOOST_REQUIRE(new_branch);
  BOOST_TEST((*new_branch != old_branch));
  BOOST_TEST(roots.size() == 1u);  // the root itself lived on
  auto again = *ask<actors::space_actor>(*new_branch, space_resolve_atom::value, std::string("s"));
  BOOST_TEST((again != space));
  auto got = ask<MaybeVersioned>(again, kv_get_atom::value, std::string("k"));
  BOOST_REQUIRE(got);
  BOOST_TEST((got->value.value == Value{"kept"}));
}

BOOST_AUTO_TEST_CASE(a_root_stopped_by_shutdown_is_not_replaced) {
  (*me)->send_exit(roots[0], caf::exit_reason::user_shutdown);
  drain();
  BOOST_TEST(roots.size() == 1u);
  roots.push_back(roots[0]);  // the fixture stops the last one (already down)
}

BOOST_AUTO_TEST_SUITE_END()
