// threaded_agents — the world of agent_simulation (examples/agent_world.hpp)
// driven by T plain threads instead of actors: each thread owns its own
// handle (handles are not shared between threads) and plays its share of
// the agents step by step with blocking calls. The invariants are checked
// and printed with a last line "N passed, M failed".
//
// Run: ./build/examples/threaded_agents [DB_DIR] [--agents 1000] [--steps 10] [--threads 4]
//      (no DB_DIR: an in-memory database)

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "agent_world.hpp"

int main(int argc, char** argv) {
  auto args = world::parse(argc, argv, 1000);
  if (!args.ok)
    return 2;
  auto db = args.dir.empty() ? strata::Strata::cache() : strata::Strata::open(args.dir);
  if (!db) {
    std::fprintf(stderr, "open: %s\n", strata::describe(db.error()).c_str());
    return 1;
  }
  if (!world::setup(*db))
    return 1;
  std::atomic<long> claims_won{0}, errors{0};
  auto fail = [&errors](const caf::error& err) {
    std::fprintf(stderr, "agent error: %s\n", strata::describe(err).c_str());
    ++errors;
  };
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < args.threads; ++t) {
    auto h = db->new_handle();
    if (!h) {
      fail(h.error());
      break;
    }
    threads.emplace_back([&, t, h = std::move(*h)]() mutable {
      // This thread's agents: t, t + T, t + 2T, ...
      for (int a = t; a < args.agents; a += args.threads)
        if (auto r = h.set_space("world"); !r ||
            !h.vector_upsert("memory", world::agent_space(a), world::embedding(a)))
          ++errors;
      for (int s = 0; s < args.steps; ++s) {
        for (int a = t; a < args.agents; a += args.threads) {
          auto ok = [&](const auto& r) {
            if (!r)
              fail(r.error());
            return bool(r);
          };
          ok(h.set_space(world::agent_space(a))) &&
              ok(h.event_append("step", strata::Object{{"step", s}})) &&
              ok(h.kv_get("last_step")) && ok(h.kv_put("last_step", s)) &&
              ok(h.json_set("profile", "$.steps", s + 1)) && ok(h.set_space("world"));
          auto won = h.state_cas(world::task_cell(world::task_tried(a, s, args.agents, args.steps)),
                                 std::nullopt, a);
          if (ok(won) && *won)
            ++claims_won;
          ok(h.vector_search("memory", world::embedding(a), 3));
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  std::chrono::duration<double> secs = std::chrono::steady_clock::now() - start;
  std::printf("%d agents on %d threads x %d steps in %.2f s: %.0f agent-steps/s, %ld errors\n",
              args.agents, args.threads, args.steps, secs.count(),
              args.agents * args.steps / secs.count(), errors.load());
  int failed = world::verify(*db, args.agents, args.steps, claims_won.load());
  return failed == 0 && errors == 0 ? 0 : 1;
}
