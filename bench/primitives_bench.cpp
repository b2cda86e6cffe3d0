// primitives_bench — event append and state CAS against a plain kv_put
// through the same handle, side by side in one run (issue 3's target: event
// append latency <= 2x kv_put). Standard durability, fresh keys per round,
// rounds interleaved so noise hits every operation alike.
//
// Run: ./build/bench/primitives_bench [ops_per_round=20000] [rounds=5]

#include <cstdio>
#include <string>

#include <strata/strata.hpp>

#include "bench_util.hpp"

using namespace strata::bench;

int main(int argc, char** argv) {
  size_t per_round = argc > 1 ? std::stoul(argv[1]) : 20000;
  size_t rounds = argc > 2 ? std::stoul(argv[2]) : 5;
  ScratchDir dir("strata-primitives-bench");
  auto db = strata::Strata::open(dir / "db");
  check(bool(db), "open");
  strata::Value payload = strata::Object{{"tool", "weather_api"}, {"latency_ms", 42}};

  std::vector<double> put, append, cas, state_set;
  for (size_t r = 0; r < rounds; ++r) {
    std::string tag = "r" + std::to_string(r) + ":";
    put.push_back(ops_per_sec(per_round, [&](size_t i) {
      check(bool(db->kv_put(tag + std::to_string(i), payload)), "kv_put");
    }));
    append.push_back(ops_per_sec(per_round, [&](size_t i) {
      check(bool(db->event_append(i % 2 ? "tool_call" : "user_message", payload)), "event_append");
    }));
    state_set.push_back(ops_per_sec(per_round, [&](size_t i) {
      check(bool(db->state_set(tag + std::to_string(i), payload)), "state_set");
    }));
    // CAS on existing cells, each at its current version 1.
    cas.push_back(ops_per_sec(per_round, [&](size_t i) {
      auto v = db->state_cas(tag + std::to_string(i), 1, payload);
      check(v && v->has_value(), "state_cas");
    }));
  }
  double p = median(put);
  std::printf("Strata primitives vs kv_put through one handle, %zu ops x %zu rounds, standard durability\n",
              per_round, rounds);
  std::printf("%-26s %12s %12s %14s\n", "operation", "ops/s", "us/op", "latency vs put");
  auto row = [&](const char* name, double ops, const char* target) {
    std::printf("%-26s %12.0f %12.2f %13.2fx  %s\n", name, ops, 1e6 / ops, p / ops, target);
  };
  row("kv_put", p, "");
  row("event_append", median(append), "(target <= 2x)");
  row("state_set", median(state_set), "");
  row("state_cas (hit)", median(cas), "");
  return 0;
}
