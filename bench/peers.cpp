// peers_bench — Strata against SQLite, RocksDB, LMDB and raw LevelDB, side
// by side in one run (issue 15, items 4 to 6).
//
// Every system stores the same 16-byte keys and 100-byte values
// (bench_util.hpp), one thread, one write per transaction: Strata through
// one handle's kv_put / kv_get / kv_scan, each peer as peer_stores.cpp
// opens it. The first seven workloads run in this order on one fresh
// database per system and round, the last two on fresh ones of their own:
//
//   fill      put every record, in random key order
//   get       random gets of loaded keys (uniform)
//   scan100   scans of 100 keys with their values from a random key
//   ycsb-a/b/c/e  YCSB's mixes with its scrambled zipfian key chooser
//             (ycsb.hpp), run in YCSB's recommended order A, B, C, E
//   put-2t    two threads, each putting to its own space (Strata) or its
//             own database (peers)
//   synced-put  puts that are on disk when they return (Sync::Always), on
//             a fresh database
//
// Rounds alternate: each round runs every system once, in an order that
// rotates from round to round, so that the machine's noise reaches all of
// them. Tables show each system's median round and, for each peer, the
// median of the per-round ratios Strata / peer (a ratio above 1 means
// Strata was faster). Then the targets of issue 15 with MET / MISSED.
//
// Cost growth (item 6): gets and 100-key scans on a database of 10,000
// records against one of --growth-records (1,000,000 by default; 0 skips
// it), Strata and raw LevelDB, and the size on disk (du) of each system's
// directory after --size-records puts.
//
// Run: ./build/bench/peers_bench [--records N] [--ops N] [--rounds N]
//        [--synced-ops N] [--size-records N] [--growth-records N]
//        [--plot [--img-dir DIR] [--python PATH]]
// --plot writes the results (peers.csv) and PNG bar charts into docs/img/
// with bench/plot_peers.py (python3-matplotlib).

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "bench_util.hpp"
#include "peer_stores.hpp"
#include "ycsb.hpp"

using namespace strata::bench;
namespace fs = std::filesystem;

namespace {

// -- configuration ---------------------------------------------------------------

struct Config {
  size_t records = 100'000;  // loaded by fill
  size_t ops = 50'000;       // per workload and round (get, ycsb-a/b/c, put-2t)
  size_t rounds = 5;
  size_t synced_ops = 2'000;
  size_t size_records = 100'000;
  size_t growth_records = 1'000'000;
  bool plot = false;
  std::string img_dir = STRATA_PEERS_IMG_DIR;
  std::string python = STRATA_PEERS_PYTHON;

  // Fewer operations where one costs many keys' worth of work.
  size_t scans() const { return std::max<size_t>(ops / 20, 50); }
  size_t ycsb_e_ops() const { return std::max<size_t>(ops / 5, 100); }
  size_t parallel_ops() const { return std::min(ops, records); }
};

constexpr size_t growth_small = 10'000;

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "peers_bench: %s\n"
               "usage: peers_bench [--records N] [--ops N] [--rounds N] [--synced-ops N]\n"
               "                   [--size-records N] [--growth-records N (0: skip)]\n"
               "                   [--plot] [--img-dir DIR] [--python PATH]\n",
               why);
  std::exit(2);
}

Config parse(int argc, char** argv) {
  Config c;
  std::map<std::string, size_t*> numbers{
      {"--records", &c.records},         {"--ops", &c.ops},
      {"--rounds", &c.rounds},           {"--synced-ops", &c.synced_ops},
      {"--size-records", &c.size_records}, {"--growth-records", &c.growth_records}};
  std::map<std::string, std::string*> texts{{"--img-dir", &c.img_dir}, {"--python", &c.python}};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--plot") {
      c.plot = true;
    } else if (numbers.count(arg) && i + 1 < argc) {
      char* end = nullptr;
      *numbers[arg] = std::strtoull(argv[++i], &end, 10);
      if (*argv[i] == '\0' || *end != '\0')
        usage((arg + " takes a whole number").c_str());
    } else if (texts.count(arg) && i + 1 < argc) {
      *texts[arg] = argv[++i];
    } else {
      usage(("unknown or incomplete argument " + arg).c_str());
    }
  }
  // scan100 starts where at least 100 loaded keys follow.
  if (c.records < 200 || c.ops < 1 || c.rounds < 1 || c.synced_ops < 1 || c.size_records < 1)
    usage("--records must be >= 200, the others >= 1");
  if (c.growth_records != 0 && c.growth_records <= growth_small)
    usage("--growth-records must be above 10000 (or 0 to skip the growth phase)");
  return c;
}

// -- data and operations ---------------------------------------------------------

// Keys [0, records) are loaded by fill; the ones after it are fresh keys
// for inserts. Every system gets the same ones.
struct Data {
  size_t records = 0;
  std::vector<std::string> keys;
  std::vector<size_t> by_key;  // the loaded keys' indexes in key order
  std::vector<size_t> rank;    // rank[i]: key i's place in by_key
  std::vector<std::string> values;

  Data(size_t loaded, size_t fresh) : records(loaded), keys(make_keys(loaded + fresh, 42)) {
    by_key.resize(records);
    for (size_t i = 0; i < records; ++i)
      by_key[i] = i;
    std::sort(by_key.begin(), by_key.end(),
              [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    rank.resize(records);
    for (size_t r = 0; r < records; ++r)
      rank[by_key[r]] = r;
    // Distinct values, enough that one table block (about 30 entries)
    // hardly ever holds the same one twice: compression gains nothing.
    std::mt19937_64 rng(7);
    values.resize(1u << 16);
    for (auto& v : values)
      v = make_value(rng);
  }

  const std::string& value(size_t i) const { return values[i % values.size()]; }
  // How many loaded keys come after loaded key i.
  size_t after(size_t i) const { return records - 1 - rank[i]; }
};

struct Op {
  enum Kind : uint8_t { Read, Update, Scan, Insert };
  Kind kind;
  uint32_t len = 0;      // Scan: at most this many entries
  uint32_t min_len = 0;  // Scan: at least this many (the loaded keys that follow)
  size_t key = 0;        // index into Data::keys
};
using Ops = std::vector<Op>;

Ops insert_ops(size_t first, size_t n) {
  Ops ops(n);
  for (size_t i = 0; i < n; ++i)
    ops[i] = Op{Op::Insert, 0, 0, first + i};
  return ops;
}

Op scan_op(const Data& d, size_t start, uint32_t len) {
  return Op{Op::Scan, len, static_cast<uint32_t>(std::min<size_t>(len, d.after(start))), start};
}

Ops get_ops(const Data& d, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, d.records - 1);
  Ops ops(n);
  for (auto& op : ops)
    op = Op{Op::Read, 0, 0, pick(rng)};
  return ops;
}

// Starts where at least max_scan loaded keys follow, so that every scan
// must return exactly max_scan entries.
Ops scan100_ops(const Data& d, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<size_t> pick(0, d.records - 1 - max_scan);
  Ops ops(n);
  for (auto& op : ops)
    op = scan_op(d, d.by_key[pick(rng)], max_scan);
  return ops;
}

Ops mix_ops(const Data& d, const Mix& mix, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> kind(0.0, 1.0);
  std::uniform_int_distribution<uint32_t> scan_len(1, max_scan);
  ScrambledZipfian chooser(d.records, seed + 1);
  size_t inserted = 0;
  Ops ops(n);
  for (auto& op : ops) {
    double k = kind(rng);
    if (k < mix.read)
      op = Op{Op::Read, 0, 0, chooser.next()};
    else if (k < mix.read + mix.update)
      op = Op{Op::Update, 0, 0, chooser.next()};
    else if (k < mix.read + mix.update + mix.scan)
      op = scan_op(d, chooser.next(), scan_len(rng));
    else
      op = Op{Op::Insert, 0, 0, d.records + inserted++};
  }
  check(d.records + inserted <= d.keys.size(), "not enough fresh keys for inserts");
  return ops;
}

void apply(Store& store, const Data& d, const Op& op, size_t i) {
  switch (op.kind) {
    case Op::Read:
      if (!store.get(d.keys[op.key]))
        fail("a get of loaded key " + d.keys[op.key] + " found nothing");
      break;
    case Op::Update:
    case Op::Insert:
      store.put(d.keys[op.key], d.value(op.key + i));
      break;
    case Op::Scan: {
      size_t got = store.scan(d.keys[op.key], op.len);
      if (got < op.min_len || got > op.len)
        fail("a scan after " + d.keys[op.key] + " returned " + std::to_string(got) +
             " entries, not " + std::to_string(op.min_len) + " to " + std::to_string(op.len));
      break;
    }
  }
}

double run_ops(Store& store, const Data& d, const Ops& ops) {
  return ops_per_sec(ops.size(), [&](size_t i) { apply(store, d, ops[i], i); });
}

// -- results ---------------------------------------------------------------------

// The median of the per-round ratios x[i] / y[i] (pairs from one round,
// so that a slow round slows both sides).
double paired_median(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> r;
  for (size_t i = 0; i < std::min(x.size(), y.size()); ++i)
    r.push_back(x[i] / y[i]);
  return median(r);
}

// Per system and workload, one rate (ops/s) per round.
class Results {
 public:
  void add(const std::string& system, const std::string& workload, double rate) {
    rates_[system][workload].push_back(rate);
  }

  const std::vector<double>& rounds(const std::string& system, const std::string& workload) const {
    return rates_.at(system).at(workload);
  }

  double rate(const std::string& system, const std::string& workload) const {
    return median(rounds(system, workload));
  }

  /// System a against system b on one workload.
  double ratio(const std::string& a, const std::string& b, const std::string& workload) const {
    return paired_median(rounds(a, workload), rounds(b, workload));
  }

 private:
  std::map<std::string, std::map<std::string, std::vector<double>>> rates_;
};

// -- the phases ------------------------------------------------------------------

// A fresh directory for one system's turn, removed with what is in it when
// the turn ends.
class TurnDir {
 public:
  TurnDir(const fs::path& base, const std::string& name) : path_(base / name) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TurnDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TurnDir(const TurnDir&) = delete;
  TurnDir& operator=(const TurnDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Calls turn(system, round) for every round and system, the systems'
// order rotating by one each round.
template <class F>
void alternate(size_t rounds, const std::vector<const System*>& which, F turn) {
  for (size_t r = 0; r < rounds; ++r)
    for (size_t k = 0; k < which.size(); ++k)
      turn(*which[(k + r) % which.size()], r);
}

// Opens `count` stores and writes one entry to each before anything is
// timed: Strata creates a space's store on the space's first write, which
// a peer does when it opens. The entry's key sorts after every bench key
// (hex digits), so that it changes no scan's first 100 keys.
Stores open_warm(const System& sys, const fs::path& dir, Sync sync, int count) {
  auto stores = sys.open(dir, sync, count);
  for (auto& store : stores)
    store->put("~warm-up", "w");
  return stores;
}

std::vector<const System*> all_systems() {
  std::vector<const System*> out;
  for (const auto& s : systems())
    out.push_back(&s);
  return out;
}

const System& system_named(const std::string& name) {
  for (const auto& s : systems())
    if (name == s.name)
      return s;
  fail("no system " + name);
}

const std::vector<const char*> main_workloads{"fill",   "get",    "scan100", "ycsb-a",
                                              "ycsb-b", "ycsb-c", "ycsb-e",  "put-2t"};

// fill, get, scan100 and the YCSB mixes on one fresh database per system
// and round, then put-2t on two fresh ones.
void run_main(const Config& c, const Data& d, const fs::path& base, Results& res) {
  alternate(c.rounds, all_systems(), [&](const System& sys, size_t r) {
    uint64_t seed = 1000 * (r + 1);
    std::vector<std::pair<const char*, Ops>> workloads;
    workloads.emplace_back("fill", insert_ops(0, d.records));
    workloads.emplace_back("get", get_ops(d, c.ops, seed));
    workloads.emplace_back("scan100", scan100_ops(d, c.scans(), seed + 1));
    for (const Mix* mix : {&ycsb_a, &ycsb_b, &ycsb_c})
      workloads.emplace_back(mix->name, mix_ops(d, *mix, c.ops, seed + 2));
    workloads.emplace_back(ycsb_e.name, mix_ops(d, ycsb_e, c.ycsb_e_ops(), seed + 3));
    {
      TurnDir dir(base, std::string(sys.name) + "-main-" + std::to_string(r));
      auto stores = open_warm(sys, dir.path(), Sync::Relaxed, 1);
      for (const auto& [name, ops] : workloads)
        res.add(sys.name, name, run_ops(*stores[0], d, ops));
    }
    TurnDir dir(base, std::string(sys.name) + "-2t-" + std::to_string(r));
    auto stores = open_warm(sys, dir.path(), Sync::Relaxed, 2);
    size_t half = c.parallel_ops() / 2;
    Ops ops[2] = {insert_ops(0, half), insert_ops(half, half)};
    res.add(sys.name, "put-2t", parallel_ops_per_sec(2, half, [&](int t, size_t i) {
              apply(*stores[t], d, ops[t][i], i);
            }));
  });
}

void run_synced(const Config& c, const Data& d, const fs::path& base, Results& res) {
  auto ops = insert_ops(0, std::min(c.synced_ops, d.keys.size()));
  alternate(c.rounds, all_systems(), [&](const System& sys, size_t r) {
    TurnDir dir(base, std::string(sys.name) + "-synced-" + std::to_string(r));
    auto stores = open_warm(sys, dir.path(), Sync::Always, 1);
    res.add(sys.name, "synced-put", run_ops(*stores[0], d, ops));
  });
}

// What du reports: the blocks allocated to every file under `dir`.
uint64_t disk_usage(const fs::path& dir) {
  uint64_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    struct stat st;
    if (::lstat(entry.path().c_str(), &st) != 0)
      fail("cannot stat " + entry.path().string());
    if (!S_ISDIR(st.st_mode))
      bytes += static_cast<uint64_t>(st.st_blocks) * 512;
  }
  return bytes;
}

// Each system's directory after --size-records puts, measured (du) once
// the database is closed; in alternating rounds, because how far
// background compaction had come at the close, and so what files are
// left, differs from run to run. Recorded as workload "du" (bytes).
void run_sizes(const Config& c, const fs::path& base, Results& res) {
  Data d(c.size_records, 0);
  auto ops = insert_ops(0, c.size_records);
  alternate(c.rounds, all_systems(), [&](const System& sys, size_t r) {
    TurnDir dir(base, std::string(sys.name) + "-size-" + std::to_string(r));
    run_ops(*open_warm(sys, dir.path(), Sync::Relaxed, 1).front(), d, ops);  // closed at the ;
    res.add(sys.name, "du", static_cast<double>(disk_usage(dir.path())));
  });
}

// Gets and scan100 at 10,000 records and at `big`, for Strata and raw
// LevelDB: one database of each size per system, filled once, then
// measured in alternating rounds. Rates are recorded as
// "<workload>@<records>".
void run_growth(const Config& c, const fs::path& base, Results& res) {
  const Data big(c.growth_records, 0);
  const Data small(growth_small, 0);
  std::vector<const System*> which{&system_named("strata"), &system_named("leveldb")};
  struct Opened {
    std::unique_ptr<TurnDir> dir;
    Stores stores;  // closed before the directory goes
  };
  std::map<std::string, Opened> open;  // "<system>@<records>"
  for (const System* sys : which)
    for (const Data* d : {&small, &big}) {
      auto at = "@" + std::to_string(d->records);
      auto dir = std::make_unique<TurnDir>(base, std::string(sys->name) + "-growth" + at);
      auto stores = open_warm(*sys, dir->path(), Sync::Relaxed, 1);
      run_ops(*stores[0], *d, insert_ops(0, d->records));
      open.emplace(sys->name + at, Opened{std::move(dir), std::move(stores)});
    }
  alternate(c.rounds, which, [&](const System& sys, size_t r) {
    for (const Data* d : {&small, &big}) {
      auto at = "@" + std::to_string(d->records);
      Store& store = *open.at(sys.name + at).stores[0];
      res.add(sys.name, "get" + at, run_ops(store, *d, get_ops(*d, c.ops, 77 + r)));
      res.add(sys.name, "scan100" + at, run_ops(store, *d, scan100_ops(*d, c.scans(), 78 + r)));
    }
  });
}

// -- reporting -------------------------------------------------------------------

std::string kilo(double rate) {
  char buf[32];
  std::snprintf(buf, sizeof buf, rate >= 1e5 ? "%.0fk" : "%.1fk", rate / 1000);
  return buf;
}

void print_durability() {
  std::printf("\nDurability: what a machine crash or power loss may lose (a killed process\n"
              "loses nothing in any of these: each write has reached the OS on return).\n");
  for (Sync sync : {Sync::Relaxed, Sync::Always})
    for (const auto& sys : systems())
      std::printf("  %-8s %-12s %s\n", sys.name, sys.safety(sync).setting, sys.safety(sync).on_crash);
}

void print_rates(const Results& res, Sync sync, const std::vector<const char*>& workloads) {
  std::printf("\n%-8s %-12s", "ops/s", "durability");
  for (const char* w : workloads)
    std::printf(" %9s", w);
  std::printf("\n");
  for (const auto& sys : systems()) {
    std::printf("%-8s %-12s", sys.name, sys.safety(sync).setting);
    for (const char* w : workloads)
      std::printf(" %9s", kilo(res.rate(sys.name, w)).c_str());
    std::printf("\n");
  }
}

void print_ratios(const Results& res, const std::vector<const char*>& workloads) {
  std::printf("\n%-20s", "strata / peer");
  for (const char* w : workloads)
    std::printf(" %10s", w);
  std::printf("\n");
  for (const auto& sys : systems()) {
    if (sys.name == std::string("strata"))
      continue;
    std::printf("%-20s", sys.name);
    for (const char* w : workloads)
      std::printf(" %9.2fx", res.ratio("strata", sys.name, w));
    std::printf("\n");
  }
}

// One line of the targets: `measured` against `at_least` (or at most).
void target(const char* what, double measured, double bound, bool at_most = false) {
  bool met = at_most ? measured <= bound : measured >= bound;
  std::printf("  %-58s %s %5.2fx  measured %5.2fx  %s\n", what, at_most ? "<=" : ">=", bound,
              measured, met ? "MET" : "MISSED");
}

void print_targets(const Results& res) {
  std::printf("\nTargets (issue 15 item 5; median of per-round ratios, this run):\n");
  target("kv_put (fill) / raw LevelDB Put", res.ratio("strata", "leveldb", "fill"), 0.60);
  target("kv_put (fill) / RocksDB put", res.ratio("strata", "rocksdb", "fill"), 1.2);
  target("kv_get / raw LevelDB Get", res.ratio("strata", "leveldb", "get"), 0.75);
  target("kv_get / RocksDB get", res.ratio("strata", "rocksdb", "get"), 1.0);
  target("kv_scan 100 keys with values / raw LevelDB iterator",
         res.ratio("strata", "leveldb", "scan100"), 0.50);
  target("YCSB-A / raw LevelDB", res.ratio("strata", "leveldb", "ycsb-a"), 0.60);
  target("YCSB-A / RocksDB", res.ratio("strata", "rocksdb", "ycsb-a"), 1.2);
}

void print_growth(const Results& res, size_t big) {
  std::string at_small = "@" + std::to_string(growth_small), at_big = "@" + std::to_string(big);
  std::printf("\nCost growth: %zu -> %zu records (filled by single puts, standard durability)\n",
              growth_small, big);
  std::printf("%-8s %-8s %12s %12s %12s\n", "system", "workload", "ops/s small", "ops/s big",
              "big / small");
  for (const char* sys : {"strata", "leveldb"})
    for (std::string w : {"get", "scan100"})
      std::printf("%-8s %-8s %12s %12s %11.2fx\n", sys, w.c_str(),
                  kilo(res.rate(sys, w + at_small)).c_str(), kilo(res.rate(sys, w + at_big)).c_str(),
                  paired_median(res.rounds(sys, w + at_big), res.rounds(sys, w + at_small)));
}

void print_sizes(const Results& res, size_t records) {
  std::printf("\nSize on disk after %zu puts of 100-byte values (du of the closed database's\n"
              "directory; %zu bytes of keys and values; median and range of the rounds):\n",
              records, records * 116);
  std::printf("%-8s %8s %15s %14s %10s\n", "system", "MiB", "range MiB", "bytes/record",
              "/ leveldb");
  for (const auto& sys : systems()) {
    const auto& du = res.rounds(sys.name, "du");
    auto [lo, hi] = std::minmax_element(du.begin(), du.end());
    double mib = 1 << 20;
    std::printf("%-8s %8.1f %7.1f - %5.1f %14.0f %9.2fx\n", sys.name, res.rate(sys.name, "du") / mib,
                *lo / mib, *hi / mib, res.rate(sys.name, "du") / records,
                res.ratio(sys.name, "leveldb", "du"));
  }
}

void print_growth_targets(const Results& res, size_t big) {
  std::printf("\nTargets (issue 15 item 6):\n");
  if (big != 0) {
    std::string at_small = "@" + std::to_string(growth_small), at_big = "@" + std::to_string(big);
    // A scan's cost is the inverse of the scan rate.
    target("kv_scan 100 keys: cost at big / cost at 10,000 records",
           paired_median(res.rounds("strata", "scan100" + at_small),
                         res.rounds("strata", "scan100" + at_big)),
           2.0, true);
    target("kv_get: rate at big / rate at 10,000 records",
           paired_median(res.rounds("strata", "get" + at_big), res.rounds("strata", "get" + at_small)),
           0.5);
  }
  target("size after the puts / raw LevelDB's", res.ratio("strata", "leveldb", "du"), 1.3, true);
}

// -- plot ------------------------------------------------------------------------

// One row per median rate, ratio and size: what plot_peers.py draws.
void write_csv(const fs::path& file, const Results& res) {
  std::ofstream out(file);
  out << "kind,system,setting,workload,value\n";
  auto all = main_workloads;
  all.push_back("synced-put");
  for (const auto& sys : systems())
    for (const char* w : all) {
      auto sync = w == std::string("synced-put") ? Sync::Always : Sync::Relaxed;
      // Quoted: a setting may hold a comma ("WAL, NORMAL").
      auto setting = std::string("\"") + sys.safety(sync).setting + "\"";
      out << "rate," << sys.name << "," << setting << "," << w << "," << res.rate(sys.name, w)
          << "\n";
      if (sys.name != std::string("strata"))
        out << "ratio," << sys.name << "," << setting << "," << w << ","
            << res.ratio("strata", sys.name, w) << "\n";
    }
  for (const auto& sys : systems())
    out << "size," << sys.name << ",," << "du," << res.rate(sys.name, "du") << "\n";
  if (!out)
    fail("cannot write " + file.string());
}

void plot(const Config& c, const Results& res) {
  fs::create_directories(c.img_dir);
  auto csv = fs::path(c.img_dir) / "peers.csv";
  write_csv(csv, res);
  std::string cmd = "'" + c.python + "' '" + STRATA_PEERS_PLOT_SCRIPT + "' '" + csv.string() +
                    "' '" + c.img_dir + "'";
  std::fflush(stdout);  // the script's own output comes after ours
  std::fprintf(stderr, "plot: %s\n", cmd.c_str());
  if (std::system(cmd.c_str()) != 0)
    fail("the plot script failed (is python3-matplotlib installed for " + c.python + "?)");
}

}  // namespace

int main(int argc, char** argv) {
  Config c = parse(argc, argv);
  ScratchDir scratch("strata-peers");
  Data d(c.records, c.ycsb_e_ops());  // fresh keys for ycsb-e's inserts

  std::printf("peers_bench: %zu records, 16 B keys, 100 B values, %zu rounds; per round %zu\n"
              "ops per workload (scan100 %zu scans, ycsb-e %zu ops, put-2t 2 x %zu puts,\n"
              "synced-put %zu puts)\n%s\n",
              c.records, c.rounds, c.ops, c.scans(), c.ycsb_e_ops(), c.parallel_ops() / 2,
              std::min(c.synced_ops, d.keys.size()), peer_versions().c_str());
  std::fflush(stdout);

  Results res;
  std::fprintf(stderr, "fill, get, scan100, ycsb, put-2t ...\n");
  run_main(c, d, scratch.path(), res);
  std::fprintf(stderr, "synced-put ...\n");
  run_synced(c, d, scratch.path(), res);
  std::fprintf(stderr, "sizes ...\n");
  run_sizes(c, scratch.path(), res);
  if (c.growth_records != 0) {
    std::fprintf(stderr, "growth ...\n");
    run_growth(c, scratch.path(), res);
  }

  print_durability();
  print_rates(res, Sync::Relaxed, main_workloads);
  print_rates(res, Sync::Always, {"synced-put"});
  auto all = main_workloads;
  all.push_back("synced-put");
  print_ratios(res, all);
  print_sizes(res, c.size_records);
  if (c.growth_records != 0)
    print_growth(res, c.growth_records);
  print_targets(res);
  print_growth_targets(res, c.growth_records);
  if (c.plot)
    plot(c, res);
  return 0;
}
