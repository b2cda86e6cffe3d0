// txn_crash_writer — the victim process of the transaction crash tests.
// Commits transactions that write key t<i> = ROUND * 1000000 + i into two
// spaces ("alpha" and "beta") at once — in beta also a vector t<i> of
// collection "mem" with that value as its metadata — printing "ack <i>"
// after each commit returned. It dies either by the parent's SIGKILL or at a step of
// two-phase commit (STEP, after AFTER passes of it), which it hands to the
// database through testing::FaultInjector::crash_at; finished
// transactions are forgotten after FORGET_MS.
//
// Usage: txn_crash_writer DB_DIR standard|always ROUND FORGET_MS [STEP AFTER]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <strata/strata.hpp>
#include <strata/testing.hpp>

int main(int argc, char** argv) {
  if (argc != 5 && argc != 7) {
    std::fprintf(stderr,
                 "usage: txn_crash_writer DB_DIR standard|always ROUND FORGET_MS [STEP AFTER]\n");
    return 2;
  }
  strata::OpenOptions opts;
  opts.durability = std::strcmp(argv[2], "always") == 0 ? strata::Durability::Always
                                                         : strata::Durability::Standard;
  opts.testing.txn_forget_delay = std::chrono::milliseconds(std::atoll(argv[4]));
  if (argc == 7) {
    auto step = strata::commit_step_named(argv[5]);
    if (!step) {
      std::fprintf(stderr, "unknown commit step: %s\n", argv[5]);
      return 2;
    }
    opts.testing.faults = std::make_shared<strata::testing::FaultInjector>();
    opts.testing.faults->crash_at(*step, std::strtoull(argv[6], nullptr, 10));
  }
  int64_t base = std::stoll(argv[3]) * 1000000;
  auto db = strata::Strata::open(argv[1], opts);
  if (!db) {
    std::fprintf(stderr, "open: %s\n", strata::describe(db.error()).c_str());
    return 1;
  }
  // Beta's collection, made once (later rounds find it there).
  if (auto r = db->set_space("beta"); !r) {
    std::fprintf(stderr, "set_space: %s\n", strata::describe(r.error()).c_str());
    return 1;
  }
  auto c = db->vector_create_collection("mem", 2, strata::DistanceMetric::Cosine);
  if (!c && !strata::is(c.error(), strata::errc::CollectionExists)) {
    std::fprintf(stderr, "collection: %s\n", strata::describe(c.error()).c_str());
    return 1;
  }
  auto s = db->session();
  for (int64_t i = 0;; ++i) {
    auto key = "t" + std::to_string(i);
    bool ok = s.begin() && s.set_space("alpha") && s.kv_put(key, base + i) &&
              s.set_space("beta") && s.kv_put(key, base + i) &&
              s.vector_upsert("mem", key, {1.0f, static_cast<float>(i)},
                              strata::Value{base + i});
    if (!ok) {
      std::fprintf(stderr, "transaction setup failed\n");
      return 1;
    }
    if (auto c = s.commit(); !c) {
      std::fprintf(stderr, "commit: %s\n", strata::describe(c.error()).c_str());
      return 1;
    }
    std::printf("ack %lld\n", static_cast<long long>(i));
    std::fflush(stdout);
  }
}
