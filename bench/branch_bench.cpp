// branch_bench — fork cost against the amount of data (issue 5's target: a
// fork of a branch holding 100,000 keys within 2x the time of a fork holding
// 1,000 keys, and under 10 ms). Both branches are filled, made durable and
// then forked several times each, alternating; medians are compared.
//
// Run: ./build/bench/branch_bench [big=100000] [small=1000] [forks=5]

#include <cstdio>
#include <string>

#include <strata/strata.hpp>

#include "bench_util.hpp"

using namespace strata::bench;

namespace {

void fill(strata::Strata& db, const std::string& branch, size_t keys) {
  check(bool(db.create_branch(branch)), "create_branch");
  check(bool(db.set_branch(branch)), "set_branch");
  std::vector<strata::KvEntry> batch;
  for (size_t i = 0; i < keys; ++i) {
    batch.push_back({"key-" + std::to_string(i), strata::Value{std::string(100, 'v')}});
    if (batch.size() == 1000 || i + 1 == keys) {
      check(bool(db.kv_batch_put(std::move(batch))), "kv_batch_put");
      batch.clear();
    }
  }
}

double fork_ms(strata::Strata& db, const std::string& source, const std::string& dest) {
  check(bool(db.set_branch(source)), "set_branch");
  auto start = clock_type::now();
  auto info = db.fork_branch(dest);
  std::chrono::duration<double, std::milli> ms = clock_type::now() - start;
  check(bool(info), "fork_branch");
  return ms.count();
}

}  // namespace

int main(int argc, char** argv) {
  size_t big = argc > 1 ? std::stoul(argv[1]) : 100000;
  size_t small = argc > 2 ? std::stoul(argv[2]) : 1000;
  int forks = argc > 3 ? std::stoi(argv[3]) : 5;
  ScratchDir dir("strata-branch-bench");
  auto db = strata::Strata::open(dir / "db");
  check(bool(db), "open");
  fill(*db, "big", big);
  fill(*db, "small", small);
  std::vector<double> big_ms, small_ms;
  for (int i = 0; i < forks; ++i) {
    small_ms.push_back(fork_ms(*db, "small", "small-fork-" + std::to_string(i)));
    big_ms.push_back(fork_ms(*db, "big", "big-fork-" + std::to_string(i)));
  }
  // The forks share table files with their source: check one is complete.
  check(bool(db->set_branch("big-fork-0")), "set_branch");
  auto keys = db->kv_list();
  check(keys && keys->size() == big, "fork holds every key");
  std::printf("fork of a branch with %zu keys: %.2f ms; with %zu keys: %.2f ms; ratio %.2fx "
              "(target <= 2x and < 10 ms)\n",
              big, median(big_ms), small, median(small_ms), median(big_ms) / median(small_ms));
  return 0;
}
