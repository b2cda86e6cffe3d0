// The service actor's grouping of plain writes (runtime/src/service.cpp),
// message by message on CAF's deterministic test_coordinator, with
// stand-ins for the database root, a branch supervisor and a space actor.
// The stand-in space logs every request it gets and answers only when the
// test says so, so each step — a write sent at once to an idle space, held
// while the space is busy, sent as one batch when it goes quiet or when a
// read must see it, at most 256 to a batch — is checked where it happens.

#include <boost/test/unit_test.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "service.hpp"
#include "strata/actor.hpp"
#include "strata/actors/interfaces.hpp"

using strata::Command;
using strata::Output;
using strata::Target;
using strata::Value;
using strata::errc;
namespace cmd = strata::cmd;

namespace {

/// What the stand-in space got, in order, and its unanswered requests
/// (each with the answer it will give).
struct SpaceLog {
  std::vector<std::string> got;
  std::deque<std::pair<caf::response_promise, std::function<void(caf::response_promise&)>>>
      waiting;
};

struct Fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  std::unique_ptr<caf::scoped_actor> me;
  std::shared_ptr<SpaceLog> log = std::make_shared<SpaceLog>();
  caf::actor space, branch, root, svc;
  Target t{"default", "s"};

  Fixture() {
    strata::configure(cfg);
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.file-verbosity", caf::atom("quiet"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    me = std::make_unique<caf::scoped_actor>(*sys);
    auto log_ = log;
    // Versions per key, as a store would count them; key "bad" is refused.
    auto versions = std::make_shared<std::map<std::string, uint64_t>>();
    space = sys->spawn([log_, versions](caf::event_based_actor* self) -> caf::behavior {
      auto wait = [self, log_](std::string what, std::function<void(caf::response_promise&)> f) {
        log_->got.push_back(std::move(what));
        log_->waiting.emplace_back(self->make_response_promise(), std::move(f));
      };
      return {
          [=](strata::kv_put_atom, const std::string& key, const Value&) {
            auto v = ++(*versions)[key];
            wait("put " + key, [v](auto& rp) { rp.deliver(strata::WriteInfo{v, 1000 + v}); });
          },
          [=](strata::kv_batch_atom, const std::vector<strata::KvEntry>& entries) {
            std::string what = "batch";
            std::vector<strata::BatchItemResult> out;
            for (const auto& e : entries) {
              what += " " + e.key;
              strata::BatchItemResult r;
              if (e.key == "bad") {
                r.error = strata::make_error(errc::InvalidInput, "refused by the stand-in");
              } else {
                auto v = ++(*versions)[e.key];
                r.version = v;
                r.timestamp = 1000 + v;
              }
              out.push_back(std::move(r));
            }
            wait(what, [out](auto& rp) { rp.deliver(out); });
          },
          [=](strata::kv_get_atom, const std::string& key) {
            auto v = (*versions)[key];
            wait("get " + key, [v](auto& rp) {
              strata::MaybeVersioned m;
              m.found = true;
              m.value.value = Value(static_cast<int64_t>(v));
              m.value.version = v;
              rp.deliver(m);
            });
          },
          // The test has it answer its oldest request (a promise is
          // delivered from inside its actor).
          [log_](caf::ok_atom) {
            auto [rp, answer] = std::move(log_->waiting.front());
            log_->waiting.pop_front();
            answer(rp);
          },
      };
    });
    auto sp = space;
    branch = sys->spawn([sp](caf::event_based_actor*) -> caf::behavior {
      return {
          [sp](strata::space_resolve_atom, const std::string&) {
            return caf::actor_cast<strata::actors::space_actor>(sp);
          },
          [](strata::space_list_atom) { return std::vector<std::string>{"s"}; },
      };
    });
    auto br = branch;
    root = sys->spawn([br](caf::event_based_actor*) -> caf::behavior {
      return {[br](strata::branch_open_atom, const std::string&) {
        return caf::actor_cast<strata::actors::branch_actor>(br);
      }};
    });
    svc = strata::detail::spawn_service_on(*sys, root, 1000);
    drain();
  }
  ~Fixture() {
    for (auto* a : {&svc, &root, &branch, &space})
      (*me)->send_exit(*a, caf::exit_reason::user_shutdown);
    drain();
    me.reset();
    sys.reset();
  }

  void drain() {
    while (sched->try_run_once()) {
    }
  }
  using Call = decltype(std::declval<caf::scoped_actor&>()->request(
      std::declval<caf::actor&>(), caf::infinite, std::declval<Command>()));
  Call put(const std::string& key) {
    return (*me)->request(svc, caf::infinite, Command{cmd::KvPut{t, key, 1}});
  }
  Call get(const std::string& key) {
    return (*me)->request(svc, caf::infinite, Command{cmd::KvGet{t, key}});
  }
  /// Has the stand-in space answer its oldest request, and runs everything
  /// that follows.
  void answer() {
    BOOST_REQUIRE(!log->waiting.empty());
    (*me)->send(space, caf::ok_atom::value);
    drain();
  }
  /// The reply a call got (the scheduler has run it: nothing blocks).
  caf::expected<Output> take(Call& c) {
    BOOST_REQUIRE_MESSAGE(me->ptr()->peek_at_next_mailbox_element() != nullptr,
                          "no reply has arrived");
    caf::expected<Output> out{caf::sec::unexpected_response};
    c.receive([&](Output& x) { out = std::move(x); }, [&](caf::error& e) { out = std::move(e); });
    return out;
  }
  uint64_t version_of(Call& c) {
    auto r = take(c);
    if (!r)
      BOOST_FAIL("the write failed: " << strata::describe(r.error()));
    return std::get<strata::WriteInfo>(*r).version;
  }
  bool replied() { return me->ptr()->peek_at_next_mailbox_element() != nullptr; }
};

using Log = std::vector<std::string>;

}  // namespace

BOOST_FIXTURE_TEST_SUITE(service_protocol, Fixture)

// An idle space gets a write at once; writes that find it busy wait in the
// service and go as one batch, before any read that must see them; the
// writes after that wait for the space to answer everything sent before.
BOOST_AUTO_TEST_CASE(writes_to_a_busy_space_travel_as_one_batch_before_the_next_read) {
  auto a = put("a");
  drain();
  BOOST_TEST(log->got == (Log{"put a"}));  // idle: sent alone, at once
  auto b = put("b");
  auto c = put("a");
  drain();
  BOOST_TEST(log->got == (Log{"put a"}));  // busy: held in the service
  BOOST_TEST(!replied());
  auto g = get("a");
  drain();
  // The read sends the held writes first, in one batch, then itself.
  BOOST_TEST(log->got == (Log{"put a", "batch b a", "get a"}));
  auto d = put("d");
  drain();
  BOOST_TEST(log->got.size() == 3u);  // three requests unanswered: held
  answer();                           // put a
  BOOST_TEST(version_of(a) == 1u);
  BOOST_TEST(log->got.size() == 3u);  // two still unanswered
  answer();                           // the batch: each write its own answer
  BOOST_TEST(version_of(b) == 1u);
  BOOST_TEST(version_of(c) == 2u);
  BOOST_TEST(log->got.size() == 3u);
  answer();  // the read; the space is quiet now, so the held write goes
  auto r = take(g);
  BOOST_REQUIRE(r);
  auto read = std::get<std::optional<Value>>(*r);
  BOOST_TEST((read == std::optional<Value>(int64_t{2})), "the read saw the batch's second write of a");
  BOOST_TEST(log->got == (Log{"put a", "batch b a", "get a", "batch d"}));
  answer();
  BOOST_TEST(version_of(d) == 1u);
  BOOST_TEST(log->waiting.empty());
  // Quiet again: the next write goes alone, at once.
  auto e = put("e");
  drain();
  BOOST_TEST(log->got.back() == "put e");
  answer();
  BOOST_TEST(version_of(e) == 1u);
}

// A batch's item that fails answers its own command with the error; the
// others in the batch succeed.
BOOST_AUTO_TEST_CASE(a_failed_item_of_a_batch_fails_its_own_command_only) {
  auto first = put("x");
  auto ok1 = put("y");
  auto bad = put("bad");
  auto ok2 = put("z");
  drain();
  BOOST_TEST(log->got == (Log{"put x"}));
  answer();
  BOOST_TEST(log->got == (Log{"put x", "batch y bad z"}));
  answer();
  BOOST_TEST(version_of(first) == 1u);
  BOOST_TEST(version_of(ok1) == 1u);
  auto r = take(bad);
  BOOST_REQUIRE(!r);
  BOOST_TEST(strata::is(r.error(), errc::InvalidInput));
  BOOST_TEST(version_of(ok2) == 1u);
}

// A command that is not a request to one space (here ListSpaces, which
// goes to the branch) first sends the writes held for the spaces of its
// branch: it sees what the client sent before it.
BOOST_AUTO_TEST_CASE(a_branch_command_sends_the_held_writes_first) {
  auto a = put("a");
  auto b = put("b");
  drain();
  BOOST_TEST(log->got == (Log{"put a"}));
  auto list = (*me)->request(svc, caf::infinite, Command{cmd::ListSpaces{t}});
  drain();
  BOOST_TEST(log->got == (Log{"put a", "batch b"}));
  auto r = take(list);
  BOOST_REQUIRE(r);
  BOOST_TEST(std::get<std::vector<std::string>>(*r) == (std::vector<std::string>{"s"}));
  answer();
  answer();
  BOOST_TEST(version_of(a) == 1u);
  BOOST_TEST(version_of(b) == 1u);
}

// Held writes go as soon as 256 have gathered, busy or not, so a batch is
// bounded.
BOOST_AUTO_TEST_CASE(a_batch_holds_at_most_256_writes) {
  auto first = put("k");
  std::vector<Call> rest;
  for (int i = 0; i < 300; ++i)
    rest.push_back(put("k"));
  drain();
  BOOST_REQUIRE(log->got.size() == 2u);
  BOOST_TEST(log->got[0] == "put k");
  BOOST_TEST(std::count(log->got[1].begin(), log->got[1].end(), ' ') == 256);
  answer();
  answer();  // the 256: the space is quiet, the other 44 go
  BOOST_REQUIRE(log->got.size() == 3u);
  BOOST_TEST(std::count(log->got[2].begin(), log->got[2].end(), ' ') == 44);
  answer();
  BOOST_TEST(version_of(first) == 1u);
  for (size_t i = 0; i < rest.size(); ++i)
    BOOST_TEST(version_of(rest[i]) == i + 2);
}

BOOST_AUTO_TEST_SUITE_END()
