// service_bench — the actor-native API against the synchronous handle,
// side by side in one run (issue 13's targets):
//   1. cmd::KvPut pipelined through service() from one user actor, window
//      1 / 16 / 256, vs the handle's kv_put (target: window 16 >= 1.5x);
//      window 16 again with a 1 s timeout on each request (what CAF 0.17
//      charges for a finite timeout);
//   2. execute_batch of 64 KvPut commands vs kv_batch_put of 64 entries,
//      4 x puts / 64 batches per round (target: >= 90%).
// Standard durability, on disk; medians of alternating rounds.
//
// Run: ./build/bench/service_bench [puts=20000]

#include <cstdio>
#include <future>
#include <memory>
#include <string>

#include <caf/all.hpp>

#include <strata/actor.hpp>

#include "bench_util.hpp"
#include "pipeline.hpp"

using namespace strata::bench;
namespace cmd = strata::cmd;

namespace {

// `n` puts through the service, at most `window` in flight at once, from
// one event-based actor; returns puts per second.
double pipelined(caf::actor_system& sys, strata::service svc, size_t n, size_t window,
                 size_t round, caf::duration timeout = caf::duration{caf::infinite}) {
  return pipelined_requests(
      sys, svc, n, window,
      [n, round](size_t i) {
        return strata::Command{
            cmd::KvPut{{"default", "svc"}, "k" + std::to_string(round * n + i), 1}};
      },
      timeout);
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::stoul(argv[1]) : 20000;
  ScratchDir dir("strata-service-bench");
  caf::actor_system_config cfg;
  strata::configure(cfg);
  cfg.set("scheduler.max-threads", 2);
  caf::actor_system sys{cfg};
  auto db = strata::Strata::open(sys, dir / "db");
  check(bool(db), "open");
  auto svc = db->service();
  check(bool(db->set_space("sync")), "set_space");

  // 1. Pipelined puts vs the synchronous handle.
  constexpr int rounds = 5;
  std::vector<double> sync;
  std::vector<std::vector<double>> async(3);
  std::vector<double> timed;  // window 16, each request with a 1 s timeout
  const size_t windows[] = {1, 16, 256};
  for (int round = 0; round < rounds; ++round) {
    sync.push_back(ops_per_sec(n, [&](size_t i) {
      check(bool(db->kv_put("k" + std::to_string(round * n + i), 1)), "kv_put");
    }));
    for (size_t w = 0; w < 3; ++w)
      async[w].push_back(pipelined(sys, svc, n, windows[w], round * 4 + w));
    timed.push_back(pipelined(sys, svc, n, 16, round * 4 + 3, caf::duration{std::chrono::seconds(1)}));
  }
  std::printf("1. kv_put through service() from one actor vs the handle (standard, %zu puts x %d)\n",
              n, rounds);
  std::printf("   handle kv_put %.0f ops/s\n", median(sync));
  for (size_t w = 0; w < 3; ++w)
    std::printf("   window %3zu: %.0f ops/s: %.2fx%s\n", windows[w], median(async[w]),
                median(async[w]) / median(sync), windows[w] == 16 ? " (target >= 1.5x)" : "");
  std::printf("   window  16, 1 s timeout per request: %.0f ops/s: %.2fx\n", median(timed),
              median(timed) / median(sync));

  // 2. execute_batch of 64 puts vs kv_batch_put. Four times as many puts
  // as each line above: a round of n / 64 batches took about 30 ms here,
  // short enough for one scheduler hiccup to move the median by 10%.
  size_t batches = 4 * n / 64;
  std::vector<double> raw, ours;
  strata::Target t{"default", "batch"};
  for (int round = 0; round < rounds; ++round) {
    raw.push_back(ops_per_sec(batches, [&](size_t b) {
      std::vector<strata::KvEntry> entries;
      for (size_t i = 0; i < 64; ++i)
        entries.push_back({"r" + std::to_string((round * batches + b) * 64 + i), 1});
      check(bool(db->kv_batch_put(std::move(entries))), "kv_batch_put");
    }));
    ours.push_back(ops_per_sec(batches, [&](size_t b) {
      std::vector<strata::Command> cmds;
      for (size_t i = 0; i < 64; ++i)
        cmds.push_back(cmd::KvPut{t, "e" + std::to_string((round * batches + b) * 64 + i), 1});
      check(bool(db->execute_batch(std::move(cmds))), "execute_batch");
    }));
  }
  std::printf("2. execute_batch of 64 KvPut vs kv_batch_put of 64 (%zu batches x %d)\n", batches,
              rounds);
  std::printf("   kv_batch_put %.0f batches/s, execute_batch %.0f batches/s: %.1f%% (target >= "
              "90%%)\n",
              median(raw), median(ours), 100 * median(ours) / median(raw));
  return 0;
}
