// The synchronous Client: replies, errors, dead targets, and inline versus
// scheduled execution of the target.

#include <atomic>
#include <chrono>
#include <map>
#include <vector>
#include <thread>

#include <boost/test/unit_test.hpp>

#include "fixture.hpp"
#include "strata/actors/client.hpp"

using namespace strata;

namespace {

using add_atom = caf::atom_constant<caf::atom("t_add")>;
using fail_atom = caf::atom_constant<caf::atom("t_fail")>;
using tid_atom = caf::atom_constant<caf::atom("t_tid")>;
using later_atom = caf::atom_constant<caf::atom("t_later")>;
using due_atom = caf::atom_constant<caf::atom("t_due")>;

using counter_actor = caf::typed_actor<caf::replies_to<add_atom, int64_t>::with<int64_t>,
                                       caf::replies_to<fail_atom>::with<int64_t>,
                                       caf::replies_to<tid_atom>::with<uint64_t>,
                                       caf::replies_to<later_atom, int64_t>::with<int64_t>,
                                       caf::reacts_to<due_atom, uint64_t>>;

struct CounterState {
  int64_t total = 0;
  bool in_handler = false;
  std::atomic<int>* overlaps = nullptr;
  // Replies owed by later_atom, delivered by the timer (like a reply that
  // waits for an fsync on another thread).
  std::map<uint64_t, std::pair<caf::typed_response_promise<int64_t>, int64_t>> owed;
  uint64_t next_owed = 0;
};

uint64_t thread_hash() {
  return std::hash<std::thread::id>{}(std::this_thread::get_id());
}

counter_actor::behavior_type counter(counter_actor::stateful_pointer<CounterState> self,
                                     std::atomic<int>* overlaps) {
  self->state.overlaps = overlaps;
  return {
    [=](add_atom, int64_t x) -> int64_t {
      auto& st = self->state;
      // Two units running this handler at once would be a serialization bug.
      if (st.in_handler)
        ++*st.overlaps;
      st.in_handler = true;
      st.total += x;
      st.in_handler = false;
      return st.total;
    },
    [=](fail_atom) -> caf::result<int64_t> {
      return make_error(errc::CellNotFound, "nothing here");
    },
    [=](tid_atom) -> uint64_t { return thread_hash(); },
    [=](later_atom, int64_t x) -> caf::result<int64_t> {
      auto rp = self->make_response_promise<int64_t>();
      auto id = self->state.next_owed++;
      self->state.owed.emplace(id, std::make_pair(rp, x));
      self->delayed_send(self, std::chrono::milliseconds(5), due_atom::value, id);
      return rp;
    },
    [=](due_atom, uint64_t id) {
      auto it = self->state.owed.find(id);
      it->second.first.deliver(it->second.second * 2);
      self->state.owed.erase(it);
    },
  };
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(client, test::ActorFixture)

BOOST_AUTO_TEST_CASE(call_returns_the_handlers_reply) {
  std::atomic<int> overlaps{0};
  auto a = sys->spawn(counter, &overlaps);
  actors::Client c{*sys, 8};
  BOOST_TEST(*c.call(a, add_atom::value, int64_t{2}) == 2);
  BOOST_TEST(*c.call(a, add_atom::value, int64_t{40}) == 42);
}

BOOST_AUTO_TEST_CASE(an_idle_actor_runs_on_the_callers_thread) {
  std::atomic<int> overlaps{0};
  auto a = sys->spawn(counter, &overlaps);
  actors::Client c{*sys, 8};
  // The first call may race with the actor's own start-up on a worker;
  // afterwards the actor is idle and each call resumes it inline.
  (void)c.call(a, add_atom::value, int64_t{0});
  int inline_calls = 0;
  for (int i = 0; i < 100; ++i)
    if (*c.call(a, tid_atom::value) == thread_hash())
      ++inline_calls;
  BOOST_TEST(inline_calls >= 95);
}

BOOST_AUTO_TEST_CASE(error_replies_come_back_as_errors) {
  std::atomic<int> overlaps{0};
  auto a = sys->spawn(counter, &overlaps);
  actors::Client c{*sys, 8};
  auto r = c.call(a, fail_atom::value);
  BOOST_REQUIRE(!r);
  BOOST_TEST(is(r.error(), errc::CellNotFound));
  BOOST_TEST(describe(r.error()) == "CellNotFound: nothing here");
}

BOOST_AUTO_TEST_CASE(a_dead_target_answers_with_an_error_instead_of_hanging) {
  std::atomic<int> overlaps{0};
  auto a = sys->spawn(counter, &overlaps);
  actors::Client c{*sys, 8};
  {
    caf::scoped_actor self{*sys};
    self->monitor(a);
    self->send_exit(a, caf::exit_reason::kill);
    self->receive([](const caf::down_msg&) {});
  }
  auto r = c.call(a, add_atom::value, int64_t{1});
  BOOST_REQUIRE(!r);
  BOOST_TEST((r.error() == caf::sec::request_receiver_down));
}

BOOST_AUTO_TEST_CASE(an_invalid_handle_is_an_error) {
  actors::Client c{*sys, 8};
  counter_actor none;
  auto r = c.call(none, add_atom::value, int64_t{1});
  BOOST_REQUIRE(!r);
  BOOST_TEST(is(r.error(), errc::Internal));
}

BOOST_AUTO_TEST_CASE(many_clients_on_one_actor_stay_serialized_and_exact) {
  std::atomic<int> overlaps{0};
  auto a = sys->spawn(counter, &overlaps);
  constexpr int threads = 4, calls = 20000;
  std::vector<std::thread> ts;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&] {
      actors::Client c{*sys, 8};
      for (int i = 0; i < calls; ++i)
        if (!c.call(a, add_atom::value, int64_t{1}))
          ++failures;
    });
  for (auto& t : ts)
    t.join();
  actors::Client c{*sys, 8};
  BOOST_TEST(failures.load() == 0);
  BOOST_TEST(overlaps.load() == 0);
  BOOST_TEST(*c.call(a, add_atom::value, int64_t{0}) == threads * calls);
}

BOOST_AUTO_TEST_CASE(late_replies_reach_call_and_call_durable_from_another_thread) {
  // The reply is delivered by the actor's timer on a scheduler thread, well
  // after the caller stopped pausing and yielding: both kinds of call block
  // and are woken with the right reply.
  std::atomic<int> overlaps{0};
  auto a = sys->spawn(counter, &overlaps);
  constexpr int threads = 8, calls = 20;
  std::atomic<int> wrong{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      actors::Client c{*sys, 8};
      for (int i = 0; i < calls; ++i) {
        int64_t x = t * 1000 + i;
        auto start = std::chrono::steady_clock::now();
        auto r = t % 2 == 0 ? c.call(a, later_atom::value, x)
                            : c.call_durable(a, later_atom::value, x);
        auto waited = std::chrono::steady_clock::now() - start;
        if (!r || *r != 2 * x || waited < std::chrono::milliseconds(4))
          ++wrong;
      }
    });
  for (auto& t : ts)
    t.join();
  BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
