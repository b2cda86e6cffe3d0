// agent_simulation — N agents written as CAF actors share one Strata
// database through its service actor, never blocking: each agent has its
// own space, remembers (events), recalls (KV, JSON), claims tasks from a
// shared board by compare-and-swap, and searches a shared vector memory
// (examples/agent_world.hpp says what a step does). At the end the
// invariants are checked and printed with a last line "N passed, M failed".
//
// Run: ./build/examples/agent_simulation [DB_DIR] [--agents 1000] [--steps 10]
//      (no DB_DIR: an in-memory database)

#include <chrono>
#include <cstdio>
#include <memory>

#include "agent_actor.hpp"

int main(int argc, char** argv) {
  auto args = world::parse(argc, argv, 1000);
  if (!args.ok)
    return 2;
  caf::actor_system_config cfg;
  strata::configure(cfg);
  // Strata's own system runs like this: two workers sharing one queue (most
  // work is short, and work stealing's idle polling costs a core here).
  cfg.set("scheduler.max-threads", 2);
  cfg.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system sys{cfg};
  auto db = args.dir.empty() ? strata::Strata::cache(sys) : strata::Strata::open(sys, args.dir);
  if (!db) {
    std::fprintf(stderr, "open: %s\n", strata::describe(db.error()).c_str());
    return 1;
  }
  if (!world::setup(*db))
    return 1;
  auto w = std::make_shared<world::Shared>();
  w->svc = db->service();
  w->agents = args.agents;
  w->steps = args.steps;
  auto start = std::chrono::steady_clock::now();
  for (int a = 0; a < args.agents; ++a)
    sys.spawn(world::agent, w, a);
  w->all_done.get_future().wait();
  std::chrono::duration<double> secs = std::chrono::steady_clock::now() - start;
  std::printf("%d agent actors x %d steps in %.2f s: %.0f agent-steps/s, %ld errors\n",
              args.agents, args.steps, secs.count(), args.agents * args.steps / secs.count(),
              w->errors.load());
  int failed = world::verify(*db, args.agents, args.steps, w->claims_won.load());
  return failed == 0 && w->errors == 0 ? 0 : 1;
}
