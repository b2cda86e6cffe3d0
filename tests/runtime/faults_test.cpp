// Injected I/O faults and simulated power cuts (<strata/testing.hpp>):
// every step of a put, a two-space commit, a fork and an import fails once
// in turn, and each time the call answers an I/O error or succeeds, the
// database reopens, nothing acknowledged is lost, and what failed is all
// or nothing; a power cut in `always` mode loses no acknowledged write
// (issue 18).

#include <filesystem>
#include <map>

#include <strata/session.hpp>
#include <strata/testing.hpp>

#include "test_util.hpp"

using strata::Durability;
using strata::OpenOptions;
using strata::Strata;
using strata::Value;
using strata::errc;
using strata::test::TempDir;
using strata::testing::FaultInjector;

namespace {

OpenOptions with(std::shared_ptr<FaultInjector> faults, Durability d = Durability::Always) {
  OpenOptions o;
  o.durability = d;
  o.testing.faults = std::move(faults);
  return o;
}

// An injected failure surfaces as an I/O error, whatever the layer.
void expect_clear_error(const caf::error& err, const std::string& what) {
  BOOST_TEST((strata::is(err, errc::Io) || strata::is(err, errc::Corruption)),
             what << ": " << strata::describe(err));
  BOOST_TEST(strata::message_of(err).find("injected") != std::string::npos,
             what << ": " << strata::describe(err));
}

void expect_sound(Strata& db) {
  for (const auto& s : STRATA_REQUIRE_OK(db.check()))
    BOOST_TEST(s.ok(), s.branch << "/" << s.space << ": " << (s.ok() ? std::string() : s.problems.front()));
}

// Runs `step(db, n)` with the n-th file operation failing, for n = 0, 1,
// ... until a run in which no fault fired; after each run the database is
// closed and reopened without faults and `verify(db, n, succeeded)`
// checks it. Returns how many steps failed.
template <class Step, class Verify>
int sweep(const std::string& dir, Step step, Verify verify) {
  auto faults = std::make_shared<FaultInjector>();
  int failed_steps = 0;
  for (uint64_t n = 0; n < 200; ++n) {
    bool succeeded = false;
    uint64_t fired = 0;
    {
      auto db = STRATA_REQUIRE_OK(Strata::open(dir, with(faults)));
      auto before = faults->injected();
      faults->fail_nth(n);
      succeeded = step(db, n);
      fired = faults->injected() - before;
      faults->clear();
    }
    auto db = STRATA_REQUIRE_OK(Strata::open(dir, with(faults)));
    verify(db, n, succeeded);
    expect_sound(db);
    if (fired == 0) {
      BOOST_TEST(succeeded);
      return failed_steps;
    }
    failed_steps += succeeded ? 0 : 1;
  }
  BOOST_FAIL("the operation never ran without a fault");
  return failed_steps;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(faults)

BOOST_AUTO_TEST_CASE(every_step_of_a_put_fails_cleanly) {
  TempDir tmp;
  std::map<std::string, int64_t> acked;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db()));
    STRATA_REQUIRE_DONE(db.kv_put("k", -1));
  }
  int64_t last = -1;
  int failed = sweep(
      tmp.db(),
      [&](Strata& db, uint64_t n) {
        auto r = db.kv_put("k", static_cast<int64_t>(n));
        if (!r)
          expect_clear_error(r.error(), "kv_put, step " + std::to_string(n));
        return bool(r);
      },
      [&](Strata& db, uint64_t n, bool succeeded) {
        auto v = STRATA_REQUIRE_OK(db.kv_get("k"));
        BOOST_REQUIRE(v.has_value());
        if (succeeded)
          BOOST_TEST((*v == Value{static_cast<int64_t>(n)}));
        else  // the old value, or the new one if it reached the log
          BOOST_TEST((*v == Value{last} || *v == Value{static_cast<int64_t>(n)}));
        last = *v->as_int();
      });
  BOOST_TEST(failed > 0);
  BOOST_TEST_MESSAGE("kv_put: " << failed << " steps failed in turn");
}

BOOST_AUTO_TEST_CASE(every_step_of_a_two_space_commit_fails_all_or_nothing) {
  TempDir tmp;
  int failed = sweep(
      tmp.db(),
      [&](Strata& db, uint64_t n) {
        auto s = db.session();
        STRATA_REQUIRE_DONE(s.begin());
        STRATA_REQUIRE_DONE(s.set_space("a"));
        STRATA_REQUIRE_DONE(s.kv_put("k", static_cast<int64_t>(n)));
        STRATA_REQUIRE_DONE(s.set_space("b"));
        STRATA_REQUIRE_DONE(s.kv_put("k", static_cast<int64_t>(n)));
        auto r = s.commit();
        if (!r)
          expect_clear_error(r.error(), "commit, step " + std::to_string(n));
        return bool(r);
      },
      [&](Strata& db, uint64_t n, bool succeeded) {
        STRATA_REQUIRE_DONE(db.set_space("a"));
        auto a = STRATA_REQUIRE_OK(db.kv_get("k"));
        STRATA_REQUIRE_DONE(db.set_space("b"));
        auto b = STRATA_REQUIRE_OK(db.kv_get("k"));
        BOOST_TEST((a == b), "step " << n << ": the commit reached one space only");
        if (succeeded)
          BOOST_TEST((a == std::optional<Value>{Value{static_cast<int64_t>(n)}}));
      });
  BOOST_TEST(failed > 0);
  BOOST_TEST_MESSAGE("commit: " << failed << " steps failed in turn");
}

BOOST_AUTO_TEST_CASE(every_step_of_a_fork_fails_cleanly) {
  TempDir tmp;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db()));
    STRATA_REQUIRE_DONE(db.kv_put("k", "v"));
    STRATA_REQUIRE_DONE(db.set_space("other"));
    STRATA_REQUIRE_DONE(db.kv_put("o", 1));
  }
  int failed = sweep(
      tmp.db(),
      [&](Strata& db, uint64_t n) {
        auto r = db.fork_branch("f" + std::to_string(n));
        if (!r)
          expect_clear_error(r.error(), "fork, step " + std::to_string(n));
        return bool(r);
      },
      [&](Strata& db, uint64_t n, bool succeeded) {
        auto name = "f" + std::to_string(n);
        bool exists = STRATA_REQUIRE_OK(db.branch_exists(name));
        if (succeeded)
          BOOST_TEST(exists);
        if (exists) {  // a fork that is there is whole
          STRATA_REQUIRE_DONE(db.set_branch(name));
          BOOST_TEST((STRATA_REQUIRE_OK(db.kv_get("k")) == std::optional<Value>{"v"}));
          STRATA_REQUIRE_DONE(db.set_space("other"));
          BOOST_TEST((STRATA_REQUIRE_OK(db.kv_get("o")) == std::optional<Value>{1}));
        } else {  // and one that is not can be made again
          STRATA_REQUIRE_DONE(db.fork_branch(name));
        }
      });
  BOOST_TEST(failed > 0);
  BOOST_TEST_MESSAGE("fork: " << failed << " steps failed in turn");
}

BOOST_AUTO_TEST_CASE(every_step_of_an_import_fails_cleanly) {
  TempDir tmp;
  auto bundle = tmp.path() + "/b.bundle";
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db()));
    STRATA_REQUIRE_DONE(db.create_branch("src"));
    STRATA_REQUIRE_DONE(db.set_branch("src"));
    STRATA_REQUIRE_DONE(db.kv_put("k", "v"));
    STRATA_REQUIRE_DONE(db.set_space("other"));
    STRATA_REQUIRE_DONE(db.kv_put("o", 1));
    STRATA_REQUIRE_DONE(db.set_branch("default"));
    STRATA_REQUIRE_OK(db.branch_export("src", bundle));
    STRATA_REQUIRE_DONE(db.delete_branch("src"));
  }
  int failed = sweep(
      tmp.db(),
      [&](Strata& db, uint64_t n) {
        auto r = db.branch_import(bundle);
        if (!r)
          expect_clear_error(r.error(), "import, step " + std::to_string(n));
        return bool(r);
      },
      [&](Strata& db, uint64_t n, bool succeeded) {
        bool exists = STRATA_REQUIRE_OK(db.branch_exists("src"));
        if (succeeded)
          BOOST_TEST(exists);
        if (exists) {
          STRATA_REQUIRE_DONE(db.set_branch("src"));
          BOOST_TEST((STRATA_REQUIRE_OK(db.kv_get("k")) == std::optional<Value>{"v"}),
                     "step " << n);
          STRATA_REQUIRE_DONE(db.set_space("other"));
          BOOST_TEST((STRATA_REQUIRE_OK(db.kv_get("o")) == std::optional<Value>{1}));
          STRATA_REQUIRE_DONE(db.set_branch("default"));
          STRATA_REQUIRE_DONE(db.delete_branch("src"));  // for the next step
        }
      });
  BOOST_TEST(failed > 0);
  BOOST_TEST_MESSAGE("import: " << failed << " steps failed in turn");
}

BOOST_AUTO_TEST_CASE(a_power_cut_in_always_mode_loses_no_acknowledged_write) {
  TempDir tmp;
  auto faults = std::make_shared<FaultInjector>();
  std::map<std::pair<std::string, std::string>, int64_t> acked;
  uint64_t events = 0;
  int txns = 0;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db(), with(faults)));
    auto s = db.session();
    for (int i = 0; i < 300; ++i) {
      auto space = "s" + std::to_string(i % 3);
      STRATA_REQUIRE_DONE(db.set_space(space));
      STRATA_REQUIRE_DONE(db.kv_put("k" + std::to_string(i), i));
      acked[{space, "k" + std::to_string(i)}] = i;
      if (i % 3 == 0) {
        STRATA_REQUIRE_DONE(db.set_space("log"));
        events = STRATA_REQUIRE_OK(db.event_append("tick", strata::Object{{"i", i}}));
      }
      if (i % 10 == 0) {
        STRATA_REQUIRE_DONE(s.begin());
        STRATA_REQUIRE_DONE(s.set_space("ta"));
        STRATA_REQUIRE_DONE(s.kv_put("t" + std::to_string(i), i));
        STRATA_REQUIRE_DONE(s.set_space("tb"));
        STRATA_REQUIRE_DONE(s.kv_put("t" + std::to_string(i), i));
        STRATA_REQUIRE_DONE(s.commit());
        ++txns;
      }
    }
    BOOST_TEST(faults->power_cut() == "");
    // The "dead" process goes on a little: nothing more reaches the files.
    STRATA_REQUIRE_DONE(db.set_space("s0"));
    BOOST_TEST(!db.kv_put("after", 1));
  }
  auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db()));
  for (const auto& [where, v] : acked) {
    STRATA_REQUIRE_DONE(db.set_space(where.first));
    BOOST_TEST((STRATA_REQUIRE_OK(db.kv_get(where.second)) == std::optional<Value>{v}),
               where.first << "/" << where.second);
  }
  STRATA_REQUIRE_DONE(db.set_space("log"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == events);
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_verify_chain()).valid);
  for (int i = 0; i < 300; i += 10) {
    STRATA_REQUIRE_DONE(db.set_space("ta"));
    auto a = STRATA_REQUIRE_OK(db.kv_get("t" + std::to_string(i)));
    STRATA_REQUIRE_DONE(db.set_space("tb"));
    auto b = STRATA_REQUIRE_OK(db.kv_get("t" + std::to_string(i)));
    BOOST_TEST((a == std::optional<Value>{i} && b == a), "transaction t" << i);
  }
  STRATA_REQUIRE_DONE(db.set_space("s0"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("after")).has_value());
  expect_sound(db);
  BOOST_TEST_MESSAGE("power cut: " << acked.size() << " puts, " << events << " events, " << txns
                                   << " transactions acknowledged, all there");
}

BOOST_AUTO_TEST_CASE(a_power_cut_in_standard_mode_leaves_a_consistent_prefix) {
  TempDir tmp;
  auto faults = std::make_shared<FaultInjector>();
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db(), with(faults, Durability::Standard)));
    for (int i = 0; i < 2000; ++i)
      STRATA_REQUIRE_DONE(db.kv_put("k" + std::to_string(i), i));
    BOOST_TEST(faults->power_cut() == "");
  }
  auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db()));
  // What survived is the start of what was written, in order.
  int kept = 0;
  while (kept < 2000 && STRATA_REQUIRE_OK(db.kv_get("k" + std::to_string(kept))).has_value())
    ++kept;
  for (int i = kept; i < 2000; ++i)
    BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("k" + std::to_string(i))).has_value(), i);
  expect_sound(db);
  BOOST_TEST_MESSAGE("standard mode power cut kept the first " << kept << " of 2000 puts");
}

BOOST_AUTO_TEST_CASE(a_failing_sync_is_an_error_and_the_write_is_not_acknowledged) {
  TempDir tmp;
  auto faults = std::make_shared<FaultInjector>();
  auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db(), with(faults)));
  STRATA_REQUIRE_DONE(db.kv_put("k", 1));
  faults->fail(strata::testing::FileOp::Sync, "spaces/default");
  auto r = db.kv_put("k", 2);
  BOOST_REQUIRE(!r);
  expect_clear_error(r.error(), "kv_put with a failing fsync");
  BOOST_TEST(faults->injected() == 1u);
}

// An exception deep in a store (a library's, std::bad_alloc) in the middle
// of any public operation: the call answers errc::Internal, nothing
// crosses into the caller, the space's actor restarts and the next call
// works; the database stays sound.
BOOST_AUTO_TEST_CASE(an_exception_in_a_store_is_an_error_for_every_operation) {
  TempDir tmp;
  auto faults = std::make_shared<FaultInjector>();
  // No store access in the background (a finished commit's markers are
  // forgotten later than this test runs): each throw lands in the call.
  auto options = with(faults, Durability::Standard);
  options.testing.txn_forget_delay = std::chrono::hours(1);
  auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db(), options));
  STRATA_REQUIRE_DONE(db.kv_put("k", 1));
  STRATA_REQUIRE_OK(db.event_append("t", strata::Object{{"i", 1}}));
  STRATA_REQUIRE_DONE(db.state_set("c", 1));
  STRATA_REQUIRE_DONE(db.json_set("d", "$", strata::Object{{"a", 1}}));
  STRATA_REQUIRE_OK(db.vector_create_collection("v", 2, strata::DistanceMetric::Cosine));
  STRATA_REQUIRE_OK(db.vector_upsert("v", "x", {1, 0}));
  const auto bundle = tmp.path() + "/shipped.bundle";
  STRATA_REQUIRE_DONE(db.fork_branch("shipped"));
  STRATA_REQUIRE_OK(db.branch_export("shipped", bundle));
  STRATA_REQUIRE_DONE(db.delete_branch("shipped"));
  auto as_error = [](const auto& r) { return r ? caf::error{} : r.error(); };
  std::vector<std::pair<const char*, std::function<caf::error()>>> ops = {
      {"kv_put", [&] { return as_error(db.kv_put("k", 2)); }},
      {"kv_get", [&] { return as_error(db.kv_get("k")); }},
      {"kv_getv", [&] { return as_error(db.kv_getv("k")); }},
      {"kv_list", [&] { return as_error(db.kv_list(std::nullopt)); }},
      {"kv_delete", [&] { return as_error(db.kv_delete("gone")); }},
      {"event_append", [&] { return as_error(db.event_append("t", strata::Object{{"i", 2}})); }},
      {"event_get", [&] { return as_error(db.event_get(1)); }},
      {"event_verify_chain", [&] { return as_error(db.event_verify_chain()); }},
      {"state_set", [&] { return as_error(db.state_set("c", 2)); }},
      {"state_get", [&] { return as_error(db.state_get("c")); }},
      {"state_cas", [&] { return as_error(db.state_cas("c", std::nullopt, 3)); }},
      {"json_set", [&] { return as_error(db.json_set("d", "$.a", 2)); }},
      {"json_get", [&] { return as_error(db.json_get("d", "$.a")); }},
      {"vector_upsert", [&] { return as_error(db.vector_upsert("v", "y", {0, 1})); }},
      {"vector_get", [&] { return as_error(db.vector_get("v", "x")); }},
      {"transaction", [&] {
         auto s = db.session();
         if (auto r = s.begin(); !r)
           return r.error();
         for (const char* space : {"a", "b"}) {
           if (auto r = s.set_space(space); !r)
             return r.error();
           if (auto r = s.kv_put("t", 1); !r)
             return r.error();
         }
         auto r = s.commit();
         return r ? caf::error{} : r.error();
       }},
      {"fork_branch", [&] {
         static int n = 0;
         return as_error(db.fork_branch("fork" + std::to_string(n++)));
       }},
      {"branch_export", [&] { return as_error(db.branch_export("default", tmp.path() + "/b")); }},
      // The root's own file work (it has no supervisor: an exception there
      // used to stop the database for the rest of the process).
      {"create_branch", [&] {
         static int n = 0;
         return as_error(db.create_branch("made" + std::to_string(n++)));
       }},
      {"branch_import", [&] {
         auto r = db.branch_import(bundle);
         if (r)
           STRATA_REQUIRE_DONE(db.delete_branch("shipped"));  // for the next call
         return as_error(r);
       }},
  };
  int thrown = 0;
  for (auto& [name, op] : ops) {
    STRATA_REQUIRE_DONE(db.set_space("default"));
    auto before = faults->injected();
    faults->throw_in_store(0);
    auto err = op();
    bool fired = faults->injected() != before;
    faults->clear();
    if (fired) {
      ++thrown;
      BOOST_TEST(strata::is(err, errc::Internal), name << ": " << strata::describe(err));
      BOOST_TEST(strata::message_of(err).find("injected exception") != std::string::npos,
                 name << ": " << strata::describe(err));
    }
    // The actor is back: the same call works.
    auto again = op();
    BOOST_TEST(!again, name << " after the exception: " << strata::describe(again));
  }
  BOOST_TEST(thrown >= 15);
  expect_sound(db);
  BOOST_TEST_MESSAGE(thrown << " of " << ops.size() << " operations hit the exception");
}

BOOST_AUTO_TEST_SUITE_END()
