// The service actor (<strata/actor.hpp>): user actors send commands as
// messages and never block. Every command through the service gives what
// execute gives; commands to one space run in the order sent; a dead
// owner's transaction is rolled back; a flood is answered Busy with memory
// flat; a thousand agent actors on their own spaces cross nothing.

#include <atomic>
#include <fstream>
#include <future>
#include <map>
#include <regex>

#include <caf/all.hpp>

#include <strata/actor.hpp>

#include "command_script.hpp"
#include "test_util.hpp"

using strata::Command;
using strata::Output;
using strata::Outcome;
using strata::Strata;
using strata::Target;
using strata::Value;
using strata::errc;
namespace cmd = strata::cmd;

namespace {

// A user actor system with Strata's types registered.
struct UserSystem {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  UserSystem() {
    strata::configure(cfg);
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

// Runs `script` through `svc` from one event-based actor, one command after
// the other (each sent once the previous one answered), and returns each
// rendered result. Transaction ids are the script's own: the n-th Begin's
// id is n, mapped to the id the service gave.
std::vector<std::string> run_via_service(caf::actor_system& sys, strata::service svc,
                                         std::vector<Command> script) {
  struct Run {
    std::vector<Command> script;
    std::vector<std::string> out;
    std::map<uint64_t, uint64_t> ids;  // script id -> service id
    std::promise<void> done;
  };
  auto run = std::make_shared<Run>();
  run->script = std::move(script);
  auto finished = run->done.get_future();
  sys.spawn([run, svc](caf::event_based_actor* self) {
    auto step = std::make_shared<std::function<void(size_t)>>();
    *step = [self, run, svc, step](size_t i) {
      if (i == run->script.size()) {
        run->done.set_value();
        *step = nullptr;  // breaks the cycle
        return;
      }
      Command c = run->script[i];
      auto& at = strata::target_of(c);
      if (auto it = run->ids.find(at.txn); it != run->ids.end())
        at.txn = it->second;
      bool begin = std::holds_alternative<cmd::Begin>(c);
      // Error texts name the service's ids; the script's stand in for them.
      auto symbolic = [run](std::string text) {
        for (const auto& [script_id, id] : run->ids)
          text = std::regex_replace(text, std::regex("id " + std::to_string(id) + "\\b"),
                                    "id " + std::to_string(script_id));
        return text;
      };
      self->request(svc, caf::infinite, std::move(c))
          .then(
              [=](Output& out) {
                if (begin) {
                  auto n = run->ids.size() + 1;
                  run->ids[n] = std::get<uint64_t>(out);
                  out = Output{uint64_t{n}};
                }
                run->out.push_back(strata::test::render(std::move(out)));
                (*step)(i + 1);
              },
              [=](caf::error& err) {
                run->out.push_back(symbolic("error " + strata::describe(err)));
                (*step)(i + 1);
              });
    };
    (*step)(0);
  });
  finished.wait();
  return std::move(run->out);
}

// Resident memory of this process in KiB.
long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stol(line.substr(6));
  return -1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(service)

// The same table as the commands suite: the whole script through the
// service from a user actor, against execute on another database.
BOOST_AUTO_TEST_CASE(every_command_through_the_service_matches_execute) {
  UserSystem user;
  strata::test::TempDir dir_a, dir_b;
  auto a = STRATA_REQUIRE_OK(Strata::open(*user.sys, dir_a.db()));
  auto b = STRATA_REQUIRE_OK(Strata::open(dir_b.db()));
  auto got = run_via_service(*user.sys, a.service(), strata::test::command_script(dir_a.path()));
  auto script_b = strata::test::command_script(dir_b.path());
  BOOST_REQUIRE(got.size() == script_b.size());
  for (size_t i = 0; i < script_b.size(); ++i) {
    auto want = strata::test::render(b.execute(script_b[i]));
    BOOST_TEST(got[i] == want, "step " << i << " (" << strata::command_name(script_b[i])
                                       << "): the service gave " << got[i] << ", execute "
                                       << want);
  }
}

// A database opened read-only refuses writes through the service too,
// whichever way the service runs them (on the actors directly, or on an
// executor), and answers reads.
BOOST_AUTO_TEST_CASE(a_read_only_database_refuses_writes_through_the_service) {
  UserSystem user;
  strata::test::TempDir dir;
  {
    auto w = STRATA_REQUIRE_OK(Strata::open(dir.db()));
    STRATA_REQUIRE_OK(w.kv_put("k", "v"));
  }
  strata::OpenOptions ro;
  ro.read_only = true;
  auto db = STRATA_REQUIRE_OK(Strata::open(*user.sys, dir.db(), ro));
  Target d{"default", "default"};
  auto got = run_via_service(
      *user.sys, db.service(),
      {cmd::KvPut{d, "k", 1}, cmd::KvGet{d, "k"}, cmd::StateSet{d, "c", 1},
       cmd::CreateBranch{d, "b"}, cmd::Begin{d, false}, cmd::Begin{d, true},
       cmd::KvGet{Target{"default", "default", 1}, "k"}, cmd::Commit{Target{"default", "default", 1}},
       cmd::MergeBranches{d, "default", "x", strata::MergeStrategy::LastWriterWins}});
  const std::string denied = "error AccessDenied: access denied: ";
  BOOST_TEST(got[0] == denied + "KvPut rejected — database is read-only");
  BOOST_TEST(got[1] == strata::test::render(Output{std::optional<Value>("v")}));
  BOOST_TEST(got[2] == denied + "StateSet rejected — database is read-only");
  BOOST_TEST(got[3] == denied + "CreateBranch rejected — database is read-only");
  BOOST_TEST(got[4] == denied + "Begin rejected — database is read-only");
  BOOST_TEST(got[6] == strata::test::render(Output{std::optional<Value>("v")}));
  BOOST_TEST(got[8] == denied + "MergeBranches rejected — database is read-only");
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("k")) == std::optional<Value>("v"));
}

// Two hundred puts of one key sent at once, without waiting: each answered,
// versions in the order sent.
BOOST_AUTO_TEST_CASE(commands_to_one_space_run_in_the_order_sent) {
  UserSystem user;
  auto db = STRATA_REQUIRE_OK(Strata::cache(*user.sys));
  auto svc = db.service();
  constexpr int n = 200;
  std::vector<uint64_t> versions(n, 0);
  std::atomic<int> answered{0};
  std::promise<void> done;
  user.sys->spawn([&](caf::event_based_actor* self) {
    for (int i = 0; i < n; ++i)
      self->request(svc, caf::infinite, Command{cmd::KvPut{{"default", "log"}, "k", i}})
          .then(
              [&, i](Output& out) {
                versions[i] = std::get<strata::WriteInfo>(out).version;
                if (++answered == n)
                  done.set_value();
              },
              [&](caf::error&) {
                if (++answered == n)
                  done.set_value();
              });
  });
  done.get_future().wait();
  for (int i = 0; i < n; ++i)
    BOOST_TEST(versions[i] == static_cast<uint64_t>(i + 1));
  STRATA_REQUIRE_DONE(db.set_space("log"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("k")) == std::optional<Value>(n - 1));
}

// Writes that meet a busy space travel to it grouped (service.cpp): a
// mixed stream of writes of four kinds, invalid ones and reads between
// them, all sent at once to one space, answers exactly what the same
// commands give one by one through execute — versions, event sequence
// numbers, each invalid write its own error, each read what the writes
// before it left.
BOOST_AUTO_TEST_CASE(pipelined_writes_and_reads_answer_as_if_sent_one_by_one) {
  UserSystem user;
  auto db = STRATA_REQUIRE_OK(Strata::cache(*user.sys));
  auto oracle = STRATA_REQUIRE_OK(Strata::cache());
  Target t{"default", "busy"};
  std::vector<Command> script;
  for (int i = 0; i < 250; ++i) {  // under the 256 in flight a client may have
    auto k = "k" + std::to_string(i % 4);
    auto path = "$.f" + std::to_string(i % 3);
    switch (i % 10) {
      // Reads right behind writes they must see: held writes go first.
      case 0: script.push_back(cmd::KvPut{t, k, i}); break;
      case 1: script.push_back(cmd::KvPut{t, k, i}); break;  // the same key again
      case 2: script.push_back(cmd::KvGet{t, k}); break;
      case 3: script.push_back(cmd::StateSet{t, "c" + std::to_string(i % 3), i}); break;
      case 4: script.push_back(cmd::EventAppend{t, "e", strata::Object{{"i", i}}}); break;
      case 5: script.push_back(cmd::EventLen{t}); break;
      case 6: script.push_back(cmd::JsonSet{t, "d", path, i}); break;
      case 7: script.push_back(cmd::JsonSet{t, "d", path, i}); break;  // the same document
      case 8: script.push_back(cmd::KvPut{t, "", i}); break;  // invalid key
      default: script.push_back(cmd::JsonSet{t, "d", "$[", i}); break;  // invalid path
    }
  }
  std::vector<std::string> got(script.size());
  std::atomic<size_t> answered{0};
  std::promise<void> done;
  auto svc = db.service();
  user.sys->spawn([&](caf::event_based_actor* self) {
    for (size_t i = 0; i < script.size(); ++i) {
      auto finish = [&, i](std::string text) {
        got[i] = std::move(text);
        if (++answered == script.size())
          done.set_value();
      };
      self->request(svc, caf::infinite, script[i])
          .then([finish](Output& out) { finish(strata::test::render(std::move(out))); },
                [finish](caf::error& err) { finish("error " + strata::describe(err)); });
    }
  });
  done.get_future().wait();
  size_t errors = 0;
  for (size_t i = 0; i < script.size(); ++i) {
    auto want = strata::test::render(oracle.execute(script[i]));
    errors += want.rfind("error", 0) == 0;
    BOOST_TEST(got[i] == want, "command " << i << " (" << strata::command_name(script[i])
                                          << "): the service gave " << got[i]
                                          << ", one by one " << want);
  }
  BOOST_TEST(errors == 2 * script.size() / 10);  // the invalid ones, no more
  STRATA_REQUIRE_DONE(db.set_space("busy"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == script.size() / 10);
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_verify_chain()).valid);
}

BOOST_AUTO_TEST_CASE(a_batch_message_runs_in_order_with_one_outcome_each) {
  UserSystem user;
  auto db = STRATA_REQUIRE_OK(Strata::cache(*user.sys));
  caf::scoped_actor self{*user.sys};
  Target t{"default", "b"};
  std::vector<Command> batch{cmd::KvPut{t, "a", 1}, cmd::KvPut{t, "", 1}, cmd::KvGet{t, "a"}};
  std::vector<Outcome> out;
  self->request(db.service(), caf::infinite, batch)
      .receive([&](std::vector<Outcome>& o) { out = std::move(o); },
               [](caf::error& err) { BOOST_FAIL(strata::describe(err)); });
  BOOST_REQUIRE(out.size() == 3u);
  BOOST_TEST(std::get<strata::WriteInfo>(*std::move(out[0]).get()).version == 1u);
  BOOST_TEST(strata::is(std::move(out[1]).get().error(), errc::InvalidInput));
  BOOST_TEST(std::get<std::optional<Value>>(*std::move(out[2]).get()) == std::optional<Value>(1));
  // Begin is refused in a batch (the service could not tell its owner).
  self->request(db.service(), caf::infinite, std::vector<Command>{cmd::Begin{}})
      .receive([](std::vector<Outcome>&) { BOOST_FAIL("Begin in a batch was accepted"); },
               [](caf::error& err) { BOOST_TEST(strata::is(err, errc::InvalidInput)); });
}

// An agent actor opens a transaction, writes, and dies before committing:
// the service rolls the transaction back, and nothing it wrote appears.
BOOST_AUTO_TEST_CASE(a_transaction_whose_owner_dies_is_rolled_back) {
  UserSystem user;
  auto db = STRATA_REQUIRE_OK(Strata::cache(*user.sys));
  auto svc = db.service();
  std::promise<uint64_t> began;
  auto agent = user.sys->spawn([&](caf::event_based_actor* self) {
    self->request(svc, caf::infinite, Command{cmd::Begin{}})
        .then([=, &began](Output& out) {
          auto id = std::get<uint64_t>(out);
          self->request(svc, caf::infinite,
                        Command{cmd::KvPut{{"default", "mem", id}, "k", 1}})
              .then([=, &began](Output&) {
                began.set_value(id);
                self->quit();  // dies with the transaction open
              });
        });
  });
  auto id = began.get_future().get();
  caf::scoped_actor self{*user.sys};
  // The service rolls back once it sees the owner's down message; until
  // then the transaction still answers. Probe until it is gone.
  bool rolled_back = false;
  for (int probe = 0; probe < 100000 && !rolled_back; ++probe) {
    self->request(svc, caf::infinite, Command{cmd::KvGet{{"default", "mem", id}, "k"}})
        .receive([](Output&) {},
                 [&](caf::error& err) {
                   BOOST_REQUIRE(strata::is(err, errc::TransactionNotActive));
                   rolled_back = true;
                 });
    if (!rolled_back)
      std::this_thread::yield();
  }
  BOOST_TEST(rolled_back);
  STRATA_REQUIRE_DONE(db.set_space("mem"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("k")).has_value());
  (void)agent;
}

// Ten times the in-flight bound sent at once, forty times over: every
// request is answered (done or Busy, none lost), and memory stays flat.
BOOST_AUTO_TEST_CASE(a_flood_is_answered_busy_and_memory_stays_flat) {
  UserSystem user;
  strata::OpenOptions opts;
  opts.service_max_in_flight = 64;
  auto db = STRATA_REQUIRE_OK(Strata::cache(*user.sys, opts));
  auto svc = db.service();
  constexpr int per_round = 640;
  auto flood = [&](int round) {
    std::atomic<int> ok{0}, busy{0}, other{0};
    std::promise<void> done;
    user.sys->spawn([&](caf::event_based_actor* self) {
      for (int i = 0; i < per_round; ++i) {
        auto key = "k" + std::to_string(i % 50);
        self->request(svc, caf::infinite, Command{cmd::KvPut{{"default", "flood"}, key, round}})
            .then(
                [&](Output&) {
                  if (++ok + busy + other == per_round)
                    done.set_value();
                },
                [&](caf::error& err) {
                  ++(strata::is(err, errc::Busy) ? busy : other);
                  if (ok + busy + other == per_round)
                    done.set_value();
                });
      }
    });
    done.get_future().wait();
    BOOST_TEST(other.load() == 0);
    BOOST_TEST(ok.load() + busy.load() == per_round);
    return std::make_pair(ok.load(), busy.load());
  };
  long busy_total = 0;
  for (int round = 0; round < 5; ++round)
    busy_total += flood(round).second;
  long before = rss_kib();
  for (int round = 5; round < 40; ++round)
    busy_total += flood(round).second;
  long after = rss_kib();
  BOOST_TEST(busy_total > 0);
  BOOST_TEST_MESSAGE("flood: RSS " << before << " KiB after 5 rounds, " << after
                                   << " KiB after 40; " << busy_total << " Busy answers");
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps freed memory in quarantine (256 MiB): resident
  // size says nothing about leaks there, and LeakSanitizer checks them.
#else
  BOOST_TEST(after - before < 16 * 1024, "RSS grew by " << (after - before) << " KiB");
#endif
}

// A thousand agent actors, each on its own space, writing and reading back
// through the service at once: each space holds exactly its agent's data.
BOOST_AUTO_TEST_CASE(a_thousand_agent_actors_on_their_own_spaces_cross_nothing) {
  UserSystem user;
  strata::test::TempDir dir;
  auto db = STRATA_REQUIRE_OK(Strata::open(*user.sys, dir.db()));
  auto svc = db.service();
  constexpr int agents = 1000;
  constexpr int steps = 5;
  std::atomic<int> finished{0}, failures{0};
  std::promise<void> all_done;
  for (int a = 0; a < agents; ++a)
    user.sys->spawn([&, a](caf::event_based_actor* self) {
      Target t{"default", "agent-" + std::to_string(a)};
      auto left = std::make_shared<int>(2 * steps);
      auto done_one = [&, left] {
        if (--*left == 0 && ++finished == agents)
          all_done.set_value();
      };
      for (int s = 0; s < steps; ++s) {
        self->request(svc, caf::infinite,
                      Command{cmd::KvPut{t, "step" + std::to_string(s), a * 100 + s}})
            .then([=](Output&) { done_one(); },
                  [&, done_one](caf::error&) {
                    ++failures;
                    done_one();
                  });
        self->request(svc, caf::infinite,
                      Command{cmd::EventAppend{t, "step", Value(strata::Object{{"agent", a}})}})
            .then([=](Output&) { done_one(); },
                  [&, done_one](caf::error&) {
                    ++failures;
                    done_one();
                  });
      }
    });
  all_done.get_future().wait();
  BOOST_TEST(failures.load() == 0);
  auto spaces = STRATA_REQUIRE_OK(db.list_spaces());
  BOOST_TEST(spaces.size() == static_cast<size_t>(agents + 1));
  int crossed = 0;
  for (int a = 0; a < agents; ++a) {
    STRATA_REQUIRE_DONE(db.set_space("agent-" + std::to_string(a)));
    auto keys = STRATA_REQUIRE_OK(db.kv_list());
    crossed += keys.size() != static_cast<size_t>(steps);
    for (int s = 0; s < steps; ++s)
      crossed += STRATA_REQUIRE_OK(db.kv_get("step" + std::to_string(s))) !=
                 std::optional<Value>(a * 100 + s);
    crossed += STRATA_REQUIRE_OK(db.event_len()) != static_cast<uint64_t>(steps);
    auto e = STRATA_REQUIRE_OK(db.event_get(steps));
    crossed += !e || e->value != Value(strata::Object{{"agent", a}});
  }
  BOOST_TEST(crossed == 0);
}

BOOST_AUTO_TEST_SUITE_END()
