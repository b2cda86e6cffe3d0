#pragma once

// A branch (supervisor, coordinator, space actors) on CAF's deterministic
// test_coordinator: nothing runs until a test says which actor handles its
// next message, so a test walks a protocol one message at a time and can
// crash an actor, or send it a request, between any two of them.
//
// The stores live in LevelDB's in-memory Env; fsyncs run inline (no sync
// worker), so every step is one message and nothing happens on another
// thread.

#include <memory>
#include <string>
#include <typeinfo>

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <leveldb/env.h>
#include <leveldb/helpers/memenv.h>

#include "fixture.hpp"
#include "strata/actors/branch_supervisor.hpp"
#include "strata/actors/context.hpp"
#include "strata/actors/space_actor.hpp"
#include "strata/actors/txn_coordinator.hpp"
#include "strata/messages/protocol.hpp"

namespace strata::test {

struct Deterministic {
  std::unique_ptr<leveldb::Env> env{leveldb::NewMemEnv(leveldb::Env::Default())};
  std::shared_ptr<actors::DatabaseContext> ctx = make_context(env.get());
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  /// The test's own actor: it sends the requests and receives the replies.
  std::unique_ptr<caf::scoped_actor> me;
  actors::branch_actor branch;

  explicit Deterministic(bool with_branch = true) {
    cfg.add_message_types<caf::id_block::strata>();
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.file-verbosity", caf::atom("quiet"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    me = std::make_unique<caf::scoped_actor>(*sys);
    if (with_branch)
      start_branch();
  }

  ~Deterministic() {
    stop_branch();
    me.reset();
    sys.reset();
  }

  static std::shared_ptr<actors::DatabaseContext> make_context(leveldb::Env* env) {
    auto ctx = ActorFixture::make_context(env);
    ctx->store_options.durability = Durability::Standard;
    // Finished transactions are forgotten only when a test fires the timer.
    ctx->txn_forget_delay = std::chrono::hours(1);
    return ctx;
  }

  /// Starts the branch "main" (again: after a crash, what it recovers).
  void start_branch() {
    branch = sys->spawn(actors::branch_behavior,
                        std::shared_ptr<const actors::DatabaseContext>(ctx), std::string("main"), std::shared_ptr<actors::Orphans<actors::space_actor>>{});
    drain();
  }

  /// Stops the branch and everything under it.
  void stop_branch() {
    if (!branch)
      return;
    (*me)->send_exit(branch, caf::exit_reason::user_shutdown);
    drain();
    branch = nullptr;
  }

  /// Runs every job until none is left; timers are left alone (fire them
  /// with sched->trigger_timeouts()).
  void drain() {
    while (sched->try_run_once()) {
    }
  }

  static caf::abstract_actor* raw(const caf::actor_addr& a) {
    return caf::actor_cast<caf::abstract_actor*>(a);
  }
  template <class Handle>
  static caf::abstract_actor* raw(const Handle& h) {
    return caf::actor_cast<caf::abstract_actor*>(h);
  }

  /// The next message waiting in `h`'s mailbox, rendered ("" when none).
  template <class Handle>
  static std::string next(const Handle& h) {
    auto* e = raw(h)->peek_at_next_mailbox_element();
    return e ? caf::to_string(e->content()) : std::string();
  }

  template <class Handle>
  static bool has_mail(const Handle& h) {
    return raw(h)->peek_at_next_mailbox_element() != nullptr;
  }

  /// Whether the next message in `h`'s mailbox starts with a `T`.
  template <class T, class Handle>
  static bool next_is(const Handle& h) {
    auto* e = raw(h)->peek_at_next_mailbox_element();
    return e && e->content().size() > 0 && e->content().template match_element<T>(0);
  }

  /// Has `h` handle its next message, which must start with a `T` (an
  /// atom for a request, the reply's type or caf::error for a reply).
  template <class T, class Handle>
  void step(const Handle& h) {
    BOOST_REQUIRE_MESSAGE(next_is<T>(h), "expected a " << typeid(T).name() << " message, found \"" << next(h) << "\"");
    BOOST_REQUIRE(sched->prioritize(h));
    sched->run_once();
  }

  /// Has `h` handle its next message, whatever it is.
  template <class Handle>
  void step_any(const Handle& h) {
    BOOST_REQUIRE_MESSAGE(has_mail(h), "mailbox empty");
    BOOST_REQUIRE(sched->prioritize(h));
    sched->run_once();
  }

  /// The reply `handle` (a request sent by `me`) brought. The reply must
  /// have arrived: the test never blocks.
  template <class T, class ResponseHandle>
  caf::expected<T> take(ResponseHandle& handle) {
    BOOST_REQUIRE_MESSAGE(has_mail(me->ptr()), "no reply has arrived");
    caf::expected<T> out{caf::sec::unexpected_response};
    handle.receive([&](T& x) { out = std::move(x); }, [&](caf::error& err) { out = std::move(err); });
    return out;
  }

  /// The state of a stateful actor (read-only inspection by tests).
  template <class State, class Handle>
  static State& state_of(const Handle& h) {
    auto* p = dynamic_cast<caf::stateful_actor<State, typename Handle::base>*>(raw(h));
    BOOST_REQUIRE(p != nullptr);
    return p->state;
  }

  /// The space actor of `space` (spawned if needed).
  actors::space_actor space(const std::string& name) {
    auto h = (*me)->request(branch, caf::infinite, space_resolve_atom::value, name);
    drain();
    auto r = take<actors::space_actor>(h);
    BOOST_REQUIRE(r);
    return *r;
  }

  actors::coordinator_actor coordinator() {
    auto h = (*me)->request(branch, caf::infinite, txn_coord_atom::value);
    drain();
    auto r = take<actors::coordinator_actor>(h);
    BOOST_REQUIRE(r);
    return *r;
  }

  /// Crashes `victim` now, between two of its messages: an exit message
  /// of high priority overtakes whatever waits in its mailbox, which then
  /// bounces to the senders (requests) or is lost, as in a crash. The
  /// supervisor has yet to notice (its down message waits in its mailbox).
  template <class Handle>
  void crash(const Handle& victim,
             caf::error reason = caf::make_error(caf::sec::runtime_error, "simulated crash")) {
    (*me)->template send<caf::message_priority::high>(caf::actor_cast<caf::actor>(victim),
                                                      caf::exit_msg{(*me)->address(), reason});
    BOOST_REQUIRE(sched->prioritize(victim));
    sched->run_once();
  }

  /// Runs an actor just spawned (it initializes on its first run).
  template <class Handle>
  void run_start(const Handle& h) {
    BOOST_REQUIRE(sched->prioritize(h));
    sched->run_once();
  }
};

}  // namespace strata::test
