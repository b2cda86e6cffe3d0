// The client side of a node connection, message by message on CAF's
// deterministic test_coordinator: the link actor (runtime/src/
// node_client.cpp) with stand-ins for the middleman's connect service and
// for the node's gateway. Nothing runs until the test says which actor
// handles its next message, so each step of connecting, forwarding, losing
// the connection and reconnecting is checked where it happens.

#define BOOST_TEST_MODULE node_protocol_tests
#include <boost/test/unit_test.hpp>

#include <memory>
#include <vector>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "node_client.hpp"

using namespace std::chrono_literals;
using strata::Command;
using strata::errc;
using strata::Output;
using strata::detail::connect_atom;
using strata::detail::gateway_actor;
using strata::detail::hello_atom;
using strata::detail::link_actor;
using strata::detail::NodeInfo;
namespace cmd = strata::cmd;

namespace {

struct Fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  std::unique_ptr<caf::scoped_actor> me;
  /// Commands a stand-in gateway holds unanswered, and what it answered.
  std::shared_ptr<std::vector<caf::response_promise>> held =
      std::make_shared<std::vector<caf::response_promise>>();
  caf::actor manager;
  caf::actor gateway;  ///< the one the manager hands out next
  int connects = 0;
  link_actor link;

  Fixture() {
    strata::configure(cfg);
    cfg.add_message_types<caf::id_block::strata_node>();
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.file-verbosity", caf::atom("quiet"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    me = std::make_unique<caf::scoped_actor>(*sys);
    new_gateway();
    // The connect service: hands out `gateway` with the gateway interface.
    manager = sys->spawn([this](caf::event_based_actor*) -> caf::behavior {
      return {
          [this](caf::connect_atom, const std::string&, uint16_t)
              -> caf::result<caf::node_id, caf::strong_actor_ptr, std::set<std::string>> {
            ++connects;
            return {caf::node_id{}, caf::actor_cast<caf::strong_actor_ptr>(gateway),
                    sys->message_types<gateway_actor>()};
          },
      };
    });
    strata::ConnectOptions opts;
    opts.call_timeout = 30s;
    link = strata::detail::spawn_link(*sys, {"127.0.0.1", 7878}, "127.0.0.1:7878", opts,
                                      caf::actor_cast<caf::io::middleman_actor>(manager));
    drain();
  }
  ~Fixture() {
    for (auto* a : {&manager, &gateway})
      if (*a)
        (*me)->send_exit(*a, caf::exit_reason::user_shutdown);
    (*me)->send_exit(link, caf::exit_reason::user_shutdown);
    drain();
    me.reset();
    sys.reset();
  }

  /// A stand-in gateway: answers hello, holds every command until told.
  void new_gateway() {
    auto held_ = held;
    gateway = sys->spawn([held_](caf::event_based_actor* self) -> caf::behavior {
      return {
          [](hello_atom, uint32_t version) { return NodeInfo{version, "stand-in", "/db", 0}; },
          [self, held_](Command&) -> caf::result<Output> {
            held_->push_back(self->make_response_promise());
            return caf::delegated<Output>{};
          },
          // The test has it answer its oldest held command (a promise is
          // delivered from inside its actor).
          [held_](caf::ok_atom, uint64_t v) {
            held_->front().deliver(Output{v});
            held_->erase(held_->begin());
          },
      };
    });
    drain();
  }

  void drain() {
    while (sched->try_run_once()) {
    }
  }
  template <class T, class Handle>
  bool next_is(const Handle& h) {
    auto* e = caf::actor_cast<caf::abstract_actor*>(h)->peek_at_next_mailbox_element();
    return e && e->content().size() > 0 && e->content().template match_element<T>(0);
  }
  template <class T, class Handle>
  void step(const Handle& h) {
    BOOST_REQUIRE_MESSAGE(next_is<T>(h), "expected a " << typeid(T).name() << " message");
    BOOST_REQUIRE(sched->prioritize(h));
    sched->run_once();
  }
  template <class Handle>
  void step_any(const Handle& h) {
    BOOST_REQUIRE(caf::actor_cast<caf::abstract_actor*>(h)->peek_at_next_mailbox_element());
    BOOST_REQUIRE(sched->prioritize(h));
    sched->run_once();
  }
  bool replied() { return me->ptr()->peek_at_next_mailbox_element() != nullptr; }
  template <class Handle>
  caf::expected<Output> take(Handle& h) {
    BOOST_REQUIRE_MESSAGE(replied(), "no reply has arrived");
    caf::expected<Output> out{caf::sec::unexpected_response};
    h.receive([&](Output& x) { out = std::move(x); }, [&](caf::error& e) { out = std::move(e); });
    return out;
  }
  auto call(int i) {
    return (*me)->request(link, caf::infinite,
                          Command{cmd::KvPut{{"default", "default"}, "k", int64_t{i}}});
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(link_protocol, Fixture)

// Connect on the first call, say hello, forward; a dropped connection
// fails every waiting call at once (not at its deadline); the next call
// connects again.
BOOST_AUTO_TEST_CASE(a_lost_connection_fails_every_waiting_call_at_once_and_the_next_reconnects) {
  auto first = call(1);
  step<Command>(link);              // no gateway yet: ask the connect service
  BOOST_TEST(connects == 0);
  step<caf::connect_atom>(manager);
  BOOST_TEST(connects == 1);
  step_any(link);                   // the gateway's handle: say hello
  BOOST_REQUIRE(next_is<hello_atom>(gateway));
  BOOST_TEST(!next_is<Command>(gateway));  // nothing forwarded before hello
  step<hello_atom>(gateway);
  step<NodeInfo>(link);             // connected: the waiting call goes out
  step<Command>(gateway);
  auto second = call(2);
  step<Command>(link);              // connected: forwarded at once
  step<Command>(gateway);
  BOOST_TEST(held->size() == 2u);
  BOOST_TEST(!replied());
  // The node dies: CAF tells the link with a down message, nothing else.
  auto old = gateway;
  (*me)->send_exit(old, caf::exit_reason::remote_link_unreachable);
  drain();
  held->clear();
  for (auto* h : {&first, &second}) {
    auto r = take(*h);
    BOOST_REQUIRE(!r);
    BOOST_TEST(strata::is(r.error(), errc::Unavailable), strata::describe(r.error()));
    BOOST_TEST(strata::describe(r.error()).find("outcome of this call is unknown") !=
               std::string::npos);
  }
  // The next call connects again, to the node's new gateway.
  new_gateway();
  auto third = call(3);
  step<Command>(link);
  step<caf::connect_atom>(manager);
  BOOST_TEST(connects == 2);
  step_any(link);
  step<hello_atom>(gateway);
  step<NodeInfo>(link);
  step<Command>(gateway);
  BOOST_REQUIRE(held->size() == 1u);
  (*me)->send(gateway, caf::ok_atom::value, uint64_t{7});
  drain();
  auto r = take(third);
  BOOST_REQUIRE(r);
  BOOST_TEST(std::get<uint64_t>(*r) == 7u);
}

// A call the gateway never answers fails at its deadline with Timeout (the
// link's request timer), and a late answer after it is dropped.
BOOST_AUTO_TEST_CASE(an_unanswered_call_fails_at_its_deadline_with_timeout) {
  auto c = call(1);
  drain();
  BOOST_REQUIRE(held->size() == 1u);
  BOOST_TEST(!replied());
  sched->trigger_timeouts();
  drain();
  auto r = take(c);
  BOOST_REQUIRE(!r);
  BOOST_TEST(strata::is(r.error(), errc::Timeout), strata::describe(r.error()));
  (*me)->send(gateway, caf::ok_atom::value, uint64_t{1});  // too late
  drain();
  BOOST_TEST(!replied());
}

// Calls waiting for a connection that cannot be made all fail with
// Unavailable naming the endpoint; nothing is sent.
BOOST_AUTO_TEST_CASE(calls_waiting_for_a_failed_connection_fail_with_unavailable) {
  (*me)->send_exit(manager, caf::exit_reason::user_shutdown);
  drain();
  auto a = call(1);
  auto b = call(2);
  drain();
  for (auto* h : {&a, &b}) {
    auto r = take(*h);
    BOOST_REQUIRE(!r);
    BOOST_TEST(strata::is(r.error(), errc::Unavailable), strata::describe(r.error()));
    BOOST_TEST(strata::describe(r.error()).find("127.0.0.1:7878") != std::string::npos);
  }
  BOOST_TEST(held->empty());
  manager = nullptr;
}

// A message over the limits is refused by the link itself.
BOOST_AUTO_TEST_CASE(an_oversized_batch_is_refused_before_connecting) {
  std::vector<Command> batch(1025, Command{cmd::KvGet{{"default", "default"}, "k"}});
  auto h = (*me)->request(link, caf::infinite, batch);
  drain();
  BOOST_TEST(connects == 0);
  BOOST_REQUIRE(replied());
  caf::error err;
  h.receive([](std::vector<strata::Outcome>&) {}, [&](caf::error& e) { err = e; });
  BOOST_TEST(strata::is(err, errc::InvalidInput), strata::describe(err));
}

BOOST_AUTO_TEST_SUITE_END()
