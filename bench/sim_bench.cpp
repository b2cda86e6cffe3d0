// sim_bench — the multi-agent simulation (examples/agent_actor.hpp: agent
// actors through the service actor, each on its own space) at 10, 100,
// 1,000 and 10,000 agents, in memory and on disk, and what an idle agent
// and an idle space cost (issue 13's targets: 10,000 agents run, and their
// agent-steps/s are >= 50% of those at 100 agents; <= 64 KiB resident per
// idle space at 10,000 spaces).
//
// Run: ./build/bench/sim_bench [--disk-only | --cache-only]

#include <chrono>
#include <cstdio>
#include <malloc.h>
#include <string>

#include "../examples/agent_actor.hpp"
#include "bench_util.hpp"

using namespace strata::bench;

namespace {

// Heap bytes in use (resident memory would count what earlier runs freed
// but the allocator kept, and miss what is reused).
double heap_kib() {
  return static_cast<double>(mallinfo2().uordblks) / 1024;
}

// Runs `agents` agent actors for `steps` steps on a fresh database (on
// disk under `dir`, or in memory when empty); returns agent-steps/s. The
// agents' spaces are created first and not timed: creating a LevelDB
// costs ~1.5 ms here, which 3 steps of 10,000 agents would otherwise
// measure instead of the steps. `setup_secs` gets that time.
double run(caf::actor_system& sys, const std::string& dir, int agents, int steps,
           double& setup_secs) {
  auto db = dir.empty() ? strata::Strata::cache(sys) : strata::Strata::open(sys, dir);
  check(bool(db), "open");
  auto setup_start = clock_type::now();
  check(world::setup(*db), "setup");
  for (int a = 0; a < agents; ++a)
    check(bool(db->create_space(world::agent_space(a))), "create_space");
  setup_secs = std::chrono::duration<double>(clock_type::now() - setup_start).count();
  auto w = std::make_shared<world::Shared>();
  w->svc = db->service();
  w->agents = agents;
  w->steps = steps;
  auto start = clock_type::now();
  for (int a = 0; a < agents; ++a)
    sys.spawn(world::agent, w, a);
  w->all_done.get_future().wait();
  std::chrono::duration<double> secs = clock_type::now() - start;
  check(w->errors == 0, "agent errors");
  return agents * steps / secs.count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string only = argc > 1 ? argv[1] : "";
  ScratchDir dir("strata-sim-bench");
  caf::actor_system_config cfg;
  strata::configure(cfg);
  // Strata's own system runs like this: two workers sharing one queue (most
  // work is short, and work stealing's idle polling costs a core here).
  cfg.set("scheduler.max-threads", 2);
  cfg.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system sys{cfg};

  // 2. What idle agents and idle spaces cost: 10,000 spaces written once
  //    (then idle: the store budget closes the least recently used), and
  //    10,000 idle agent actors.
  std::printf("0. memory per idle space and per idle agent actor\n");
  {
    auto db = strata::Strata::open(sys, dir / "idle");
    check(bool(db), "open idle");
    double before = heap_kib();
    for (int i = 0; i < 10000; ++i) {
      check(bool(db->set_space("s" + std::to_string(i))), "set_space");
      check(bool(db->kv_put("k", i)), "kv_put");
    }
    double after = heap_kib();
    std::printf("   10,000 spaces written once, then idle: %.1f KiB of heap per space (target "
                "<= 64 KiB resident)\n",
                (after - before) / 10000.0);
  }
  {
    double before = heap_kib();
    std::vector<caf::actor> idle;
    for (int i = 0; i < 10000; ++i)
      idle.push_back(sys.spawn([](caf::event_based_actor*) -> caf::behavior {
        return {[](caf::ok_atom) {}};
      }));
    double after = heap_kib();
    std::printf("   10,000 idle agent actors: %.1f KiB of heap per actor\n",
                (after - before) / 10000.0);
    for (auto& a : idle)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
  std::printf("1. agent-steps/s of the actor simulation (agent_simulation's world)\n");
  for (const char* where : {"cache", "disk"}) {
    if ((only == "--disk-only" && where[0] == 'c') || (only == "--cache-only" && where[0] == 'd'))
      continue;
    double at100 = 0, at10k = 0;
    for (int agents : {10, 100, 1000, 10000}) {
      // About 20,000 agent-steps per size (50,000 at 10,000 agents: every
      // agent takes at least 5 steps).
      int steps = std::max(5, 20000 / agents);
      std::string path = where[0] == 'd' ? dir / ("db-" + std::to_string(agents)).c_str() : "";
      double setup = 0;
      double rate = run(sys, path, agents, steps, setup);
      if (agents == 100)
        at100 = rate;
      if (agents == 10000)
        at10k = rate;
      std::printf("   %-5s %6d agents x %4d steps: %8.0f agent-steps/s (spaces created in "
                  "%.2f s)\n",
                  where, agents, steps, rate, setup);
    }
    std::printf("   %-5s 10,000 agents at %.0f%% of 100 agents' rate (target >= 50%%)\n", where,
                100 * at10k / at100);
  }

  return 0;
}
