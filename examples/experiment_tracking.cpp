// experiment_tracking — baseline parameters and per-experiment results in
// separate spaces (seed: "Experiment Tracking"), then a comparison that reads
// each experiment's metrics and its history.
//
// Run: ./build/examples/experiment_tracking [DB_DIR]   (default ./.strata-ml)

#include <iostream>

#include <strata/strata.hpp>

using strata::Object;
using strata::Strata;

namespace {

int fail(const caf::error& err, const char* what) {
  std::cerr << what << ": " << strata::describe(err) << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "./.strata-ml";
  auto db = Strata::open(dir);
  if (!db)
    return fail(db.error(), "open");
  if (auto r = db->set_space("hyperparams"); !r)
    return fail(r.error(), "set_space");
  if (auto r = db->kv_put("config", Object{{"lr", 0.001}, {"epochs", 10}}); !r)
    return fail(r.error(), "kv_put");

  struct Run {
    const char* space;
    double loss, accuracy;
  };
  for (auto run : {Run{"experiment-001", 0.42, 0.87}, Run{"experiment-002", 0.38, 0.89}}) {
    if (auto r = db->set_space(run.space); !r)
      return fail(r.error(), "set_space");
    // Two checkpoints per run: the history keeps both.
    if (auto r = db->kv_put("metrics", Object{{"loss", run.loss + 0.1}, {"accuracy", run.accuracy - 0.05}}); !r)
      return fail(r.error(), "kv_put");
    if (auto r = db->kv_put("metrics", Object{{"loss", run.loss}, {"accuracy", run.accuracy}}); !r)
      return fail(r.error(), "kv_put");
  }

  for (const char* space : {"experiment-001", "experiment-002"}) {
    if (auto r = db->set_space(space); !r)
      return fail(r.error(), "set_space");
    auto history = db->kv_getv("metrics");
    if (!history)
      return fail(history.error(), "kv_getv");
    std::cout << space << ":\n";
    for (const auto& v : history->value_or(std::vector<strata::VersionedValue>{}))
      std::cout << "  v" << v.version << " @" << v.timestamp << " " << v.value << "\n";
  }
  return 0;
}
