#pragma once

// The world both simulation examples run (agent_simulation with actors,
// threaded_agents with threads): N agents, each with its own space, and a
// shared space "world" holding a task board of state cells and a shared
// vector memory. Per step an agent
//   - remembers: appends an event {"step": s} to its own log;
//   - recalls: reads its KV "last_step" and its JSON profile, then writes
//     both;
//   - coordinates: tries to claim a task on the board by compare-and-swap
//     (create-if-absent), so each task goes to exactly one agent;
//   - searches the shared memory for the 3 vectors nearest its own.
// verify() checks the invariants afterwards and prints them.

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <strata/strata.hpp>

namespace world {

constexpr size_t dim = 8;

inline std::string agent_space(int agent) { return "agent-" + std::to_string(agent); }
inline std::string task_cell(int task) { return "task-" + std::to_string(task); }

/// Every task is tried by four (agent, step) pairs: it is claimed.
inline int tasks_for(int agents, int steps) { return std::max(1, agents * steps / 4); }
inline int task_tried(int agent, int step, int agents, int steps) {
  return (agent + step * agents) % tasks_for(agents, steps);
}

/// The vector an agent writes to the shared memory.
inline std::vector<float> embedding(int agent) {
  std::vector<float> v(dim);
  for (size_t i = 0; i < dim; ++i)
    v[i] = static_cast<float>(std::sin(agent * 0.37 + i));
  return v;
}

/// Creates the shared space: the vector collection of the shared memory.
inline bool setup(strata::Strata& db) {
  auto r = db.set_space("world");
  auto c = r ? db.vector_create_collection("memory", dim, strata::DistanceMetric::Cosine,
                                          strata::IndexKind::Hnsw)
             : strata::result<uint64_t>{r.error()};
  if (!c && !strata::is(c.error(), strata::errc::CollectionExists)) {
    std::fprintf(stderr, "setup: %s\n", strata::describe(c.error()).c_str());
    return false;
  }
  return true;
}

/// Checks the world after the run; prints every check and a last line
/// "N passed, M failed". Returns the number failed.
inline int verify(strata::Strata& db, int agents, int steps, long claims_won) {
  int passed = 0, failed = 0;
  auto check = [&](bool ok, const std::string& what) {
    std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
    ++(ok ? passed : failed);
  };
  int tasks = tasks_for(agents, steps);
  int unclaimed = 0;
  (void)db.set_space("world");
  for (int t = 0; t < tasks; ++t) {
    auto owner = db.state_get(task_cell(t));
    unclaimed += !owner || !*owner;
  }
  check(unclaimed == 0, "every one of " + std::to_string(tasks) + " tasks is claimed");
  check(claims_won == tasks, "the agents won " + std::to_string(claims_won) +
                                 " claims: exactly one per task");
  int wrong_events = 0, broken_chains = 0, wrong_recall = 0;
  for (int a = 0; a < agents; ++a) {
    (void)db.set_space(agent_space(a));
    auto len = db.event_len();
    wrong_events += !len || *len != static_cast<uint64_t>(steps);
    auto chain = db.event_verify_chain();
    broken_chains += !chain || !chain->valid;
    auto last = db.kv_get("last_step");
    wrong_recall += !last || *last != std::optional<strata::Value>(steps - 1);
  }
  check(wrong_events == 0, "every agent's event count equals its " + std::to_string(steps) +
                               " steps (" + std::to_string(wrong_events) + " wrong)");
  check(broken_chains == 0, "every agent's hash chain verifies (" +
                                std::to_string(broken_chains) + " broken)");
  check(wrong_recall == 0, "every agent recalls its last step (" + std::to_string(wrong_recall) +
                               " wrong)");
  (void)db.set_space("world");
  auto stats = db.vector_collection_stats("memory");
  check(stats && stats->count == static_cast<uint64_t>(agents),
        "the shared memory holds one vector per agent");
  auto spaces = db.list_spaces();
  check(spaces && spaces->size() == static_cast<size_t>(agents + 2),
        "one space per agent, plus world and default");
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed;
}

/// Reads "--agents N" and "--steps S" and an optional positional database
/// directory from argv.
struct Args {
  int agents = 0;
  int steps = 10;
  int threads = 4;
  std::string dir;
  bool ok = true;
};

inline Args parse(int argc, char** argv, int default_agents) {
  Args args;
  args.agents = default_agents;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto number = [&](int& out) {
      if (i + 1 >= argc || (out = std::atoi(argv[++i])) <= 0) {
        std::fprintf(stderr, "%s needs a positive number\n", a.c_str());
        args.ok = false;
      }
    };
    if (a == "--agents")
      number(args.agents);
    else if (a == "--steps")
      number(args.steps);
    else if (a == "--threads")
      number(args.threads);
    else if (!a.empty() && a[0] != '-' && args.dir.empty())
      args.dir = a;
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      args.ok = false;
    }
  }
  return args;
}

}  // namespace world
