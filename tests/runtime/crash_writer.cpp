// crash_writer — the victim process of the crash tests. Opens a database,
// writes keys k0, k1, ... with value ROUND * 1000000 + i, and prints "ack <i>" (flushed) after
// each write returned. The parent kills it with SIGKILL at a moment of its
// choosing and checks that every acknowledged write survived.
//
// Usage: crash_writer DB_DIR standard|always SPACE_COUNT ROUND

#include <cstdio>
#include <cstring>
#include <string>

#include <strata/strata.hpp>

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: crash_writer DB_DIR standard|always SPACE_COUNT ROUND\n");
    return 2;
  }
  strata::OpenOptions opts;
  opts.durability = std::strcmp(argv[2], "always") == 0 ? strata::Durability::Always
                                                         : strata::Durability::Standard;
  int spaces = std::stoi(argv[3]);
  int64_t base = std::stoll(argv[4]) * 1000000;
  auto db = strata::Strata::open(argv[1], opts);
  if (!db) {
    std::fprintf(stderr, "open: %s\n", strata::describe(db.error()).c_str());
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);
  for (long i = 0;; ++i) {
    auto space = "space-" + std::to_string(i % spaces);
    if (!db->set_space(space)) {
      std::fprintf(stderr, "set_space failed\n");
      return 1;
    }
    auto r = db->kv_put("k" + std::to_string(i), base + i);
    if (!r) {
      std::fprintf(stderr, "kv_put: %s\n", strata::describe(r.error()).c_str());
      return 1;
    }
    std::printf("ack %ld\n", i);
    std::fflush(stdout);
  }
}
