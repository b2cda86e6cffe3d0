// txn_crash_writer — the victim process of the transaction crash tests.
// Commits transactions that write key t<i> = ROUND * 1000000 + i into two
// spaces ("alpha" and "beta") at once, printing "ack <i>" after each commit
// returned. It dies either by the parent's SIGKILL or at a fault point
// named by STRATA_FAULT_POINT (after STRATA_FAULT_AFTER passes); its
// forget delay is STRATA_TXN_FORGET_MS. The parent sets these variables;
// this program hands them to the database as OpenOptions::testing.
//
// Usage: txn_crash_writer DB_DIR standard|always ROUND

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <strata/strata.hpp>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: txn_crash_writer DB_DIR standard|always ROUND\n");
    return 2;
  }
  strata::OpenOptions opts;
  opts.durability = std::strcmp(argv[2], "always") == 0 ? strata::Durability::Always
                                                         : strata::Durability::Standard;
  if (const char* point = std::getenv("STRATA_FAULT_POINT"))
    opts.testing.fault_point = point;
  if (const char* after = std::getenv("STRATA_FAULT_AFTER"))
    opts.testing.fault_after = std::atoll(after);
  if (const char* ms = std::getenv("STRATA_TXN_FORGET_MS"))
    opts.testing.txn_forget_delay = std::chrono::milliseconds(std::atoll(ms));
  int64_t base = std::stoll(argv[3]) * 1000000;
  auto db = strata::Strata::open(argv[1], opts);
  if (!db) {
    std::fprintf(stderr, "open: %s\n", strata::describe(db.error()).c_str());
    return 1;
  }
  auto s = db->session();
  for (int64_t i = 0;; ++i) {
    auto key = "t" + std::to_string(i);
    bool ok = s.begin() && s.set_space("alpha") && s.kv_put(key, base + i) &&
              s.set_space("beta") && s.kv_put(key, base + i);
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
