// torture — kills a writer at random moments, over and over, and checks
// with an independent verifier that every acknowledged piece of work
// survived and every transaction stayed all-or-nothing; every few cycles
// it also flips a bit in a copy of the closed database and checks that
// the damage is detected or harmless, never silently wrong (issue 18).
//
//   torture DIR CYCLES SEED        (tests/torture/run builds and runs it)
//
// One process plays both parts. A cycle forks a worker, which opens DIR in
// `always` durability and loops over random work — KV puts, event appends,
// two-space transactions, forks and bundle imports — printing one line on
// a pipe after each call returned. The parent reads the lines, kills the
// worker with SIGKILL after a random delay (0-150 ms), and verifies:
//   - every acknowledged put, append, commit, fork and import is there;
//   - a transaction's key is in both its spaces with the same value or in
//     neither (acknowledged or not);
//   - the database opens, and `check()` finds every store sound.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <strata/session.hpp>
#include <strata/strata.hpp>

namespace fs = std::filesystem;
using strata::Strata;
using strata::Value;

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "torture: %s\n", what.c_str());
  std::_Exit(2);
}

template <class R>
R ok(R r, const char* what) {
  if (!r)
    die(std::string(what) + ": " + strata::describe(r.error()));
  return r;
}

// -- the worker --------------------------------------------------------------------------

// Writes acknowledgements to `fd`, one line each, after the call returned.
void worker(const std::string& dir, int fd, uint64_t seed, int cycle) {
  strata::OpenOptions opts;
  opts.durability = strata::Durability::Always;
  auto db = ok(Strata::open(dir + "/db", opts), "open");
  std::mt19937_64 rng(seed);
  auto ack = [fd](const std::string& line) {
    auto s = line + "\n";
    if (::write(fd, s.data(), s.size()) != static_cast<ssize_t>(s.size()))
      std::_Exit(3);
  };
  ack("ready");
  auto session = db->session();
  for (int i = 0;; ++i) {
    auto tag = "c" + std::to_string(cycle) + "-" + std::to_string(i);
    int what = static_cast<int>(rng() % 100);
    if (what < 50) {
      auto space = "s" + std::to_string(rng() % 4);
      ok(db->set_space(space), "set_space");
      auto v = ok(db->kv_put(tag, static_cast<int64_t>(i)), "kv_put");
      (void)v;
      ack("kv " + space + " " + tag + " " + std::to_string(i));
    } else if (what < 75) {
      ok(db->set_space("log"), "set_space");
      auto seq = ok(db->event_append("tick", strata::Object{{"tag", tag}}), "event_append");
      ack("ev " + std::to_string(*seq) + " " + tag);
    } else if (what < 95) {
      ok(session.begin(), "begin");
      ok(session.set_space("tx-a"), "set_space");
      ok(session.kv_put(tag, static_cast<int64_t>(i)), "txn put a");
      ok(session.set_space("tx-b"), "set_space");
      ok(session.kv_put(tag, static_cast<int64_t>(i)), "txn put b");
      auto r = session.commit();
      if (r)
        ack("tx " + tag + " " + std::to_string(i));
      else if (!strata::is(r.error(), strata::errc::TransactionConflict))
        die("commit: " + strata::describe(r.error()));
    } else if (what < 97) {
      ok(db->set_space("default"), "set_space");
      ok(db->fork_branch("fork-" + tag), "fork");
      ack("fork fork-" + tag);
    } else if (what < 99) {
      // Keeps the branch count bounded: deletes branches beyond eight.
      // Announced before the call: once it starts, the branch may be gone.
      auto names = ok(db->list_branches(), "list_branches");
      for (size_t k = 0; k + 8 < names->size(); ++k) {
        const auto& victim = (*names)[k];
        if (victim == "default")
          continue;
        ack("deleting " + victim);
        ok(db->delete_branch(victim), "delete_branch");
      }
    } else {
      // Export the default branch under a new name and import it back.
      auto bundle = dir + "/bundle-" + tag;
      ok(db->branch_export("default", bundle), "export");
      auto copy = "copy-" + tag;
      auto renamed = dir + "/renamed-" + tag;
      // Imports take the branch name from the bundle: import into a fresh
      // name by forking first, exporting the fork, deleting it.
      ok(db->fork_branch(copy), "fork for import");
      ok(db->branch_export(copy, renamed), "export fork");
      ok(db->delete_branch(copy), "delete fork");
      ok(db->branch_import(renamed), "import");
      ack("import " + copy);
      fs::remove(bundle);
      fs::remove(renamed);
    }
  }
}

// -- the verifier ------------------------------------------------------------------------

struct Acks {
  std::vector<std::tuple<std::string, std::string, int64_t>> kv;  // space, key, value
  std::vector<std::pair<uint64_t, std::string>> events;          // seq, tag
  std::vector<std::pair<std::string, int64_t>> txns;              // key, value
  std::set<std::string> branches;                                 // acknowledged, not deleted

  void merge(const Acks& o) {
    kv.insert(kv.end(), o.kv.begin(), o.kv.end());
    events.insert(events.end(), o.events.begin(), o.events.end());
    txns.insert(txns.end(), o.txns.begin(), o.txns.end());
  }
};

void parse_ack(const std::string& line, Acks& acks) {
  std::istringstream in(line);
  std::string kind;
  in >> kind;
  if (kind == "kv") {
    std::string space, key;
    int64_t v;
    in >> space >> key >> v;
    acks.kv.emplace_back(space, key, v);
  } else if (kind == "ev") {
    uint64_t seq;
    std::string tag;
    in >> seq >> tag;
    acks.events.emplace_back(seq, tag);
  } else if (kind == "tx") {
    std::string key;
    int64_t v;
    in >> key >> v;
    acks.txns.emplace_back(key, v);
  } else if (kind == "fork" || kind == "import") {
    std::string name;
    in >> name;
    acks.branches.insert(name);
  } else if (kind == "deleting") {
    std::string name;
    in >> name;
    acks.branches.erase(name);
  }
}

struct Counts {
  uint64_t cycles = 0, acks = 0;
  uint64_t torn_txns_checked = 0, flips = 0, flips_detected = 0, flips_harmless = 0;
};

int failures = 0;

void fail(const std::string& what) {
  std::fprintf(stderr, "FAIL: %s\n", what.c_str());
  ++failures;
}

// Checks `acks` (this cycle's, or a sample of earlier ones) and the
// atomicity of the transactions whose keys start with `txn_prefix`.
void verify(const std::string& dir, const Acks& acks, const std::string& txn_prefix,
            Counts& counts) {
  auto db = ok(Strata::open(dir + "/db"), "verifier open");
  for (const auto& [space, key, v] : acks.kv) {
    ok(db->set_space(space), "set_space");
    auto got = ok(db->kv_get(key), "kv_get");
    if (!*got || **got != Value{v})
      fail("acknowledged kv " + space + "/" + key + " lost or wrong");
  }
  ok(db->set_space("log"), "set_space");
  for (const auto& [seq, tag] : acks.events) {
    auto e = ok(db->event_get(seq), "event_get");
    if (!*e || (*e)->value != Value{strata::Object{{"tag", tag}}})
      fail("acknowledged event " + std::to_string(seq) + " lost or wrong");
  }
  auto chain = ok(db->event_verify_chain(), "verify chain");
  if (!chain->valid)
    fail("event hash chain broken: " + chain->reason);
  // Atomicity over every transaction key either space holds.
  std::set<std::string> keys;
  for (const char* space : {"tx-a", "tx-b"}) {
    ok(db->set_space(space), "set_space");
    auto listed = ok(db->kv_list(std::string_view(txn_prefix)), "kv_list");
    keys.insert(listed->begin(), listed->end());
  }
  for (const auto& key : keys) {
    ok(db->set_space("tx-a"), "set_space");
    auto a = *ok(db->kv_get(key), "kv_get a");
    ok(db->set_space("tx-b"), "set_space");
    auto b = *ok(db->kv_get(key), "kv_get b");
    if (a != b)
      fail("transaction " + key + " applied in one space only");
    ++counts.torn_txns_checked;
  }
  ok(db->set_space("tx-a"), "set_space");
  for (const auto& [key, v] : acks.txns) {
    auto got = ok(db->kv_get(key), "kv_get");
    if (!*got || **got != Value{v})
      fail("acknowledged transaction " + key + " lost");
  }
  for (const auto& name : acks.branches)
    if (!*ok(db->branch_exists(name), "branch_exists"))
      fail("acknowledged branch " + name + " lost");
  auto stores = ok(db->check(), "check");
  for (const auto& s : *stores)
    if (!s.ok())
      fail("check: " + s.branch + "/" + s.space + ": " + s.problems.front());
}

// Flips one bit of one file in a copy of the closed database; the copy
// must fail to open or to read something, or read everything acknowledged
// as it is.
void flip_and_check(const std::string& dir, const Acks& acks, std::mt19937_64& rng,
                    Counts& counts) {
  auto copy = dir + "/flip";
  fs::remove_all(copy);
  fs::copy(dir + "/db", copy, fs::copy_options::recursive);
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(copy))
    if (e.is_regular_file() && e.file_size() > 0 && e.path().filename() != "LOCK" &&
        e.path().filename() != ".lock" && e.path().filename() != "strata.toml")
      files.push_back(e.path());
  if (files.empty())
    return;
  auto file = files[rng() % files.size()];
  auto offset = rng() % fs::file_size(file);
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ (1 << (rng() % 8)));
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(&c, 1);
  }
  ++counts.flips;
  auto db = Strata::open(copy);
  bool detected = !db;
  auto damaged = [&](const auto& r) {
    if (!r)
      detected = true;
    return !r;
  };
  if (db) {
    auto stores = ok(db->check(), "check");
    for (const auto& s : *stores)
      detected = detected || !s.ok();
    for (const auto& [space, key, v] : acks.kv) {
      if (damaged(db->set_space(space)))
        continue;
      auto got = db->kv_get(key);
      if (damaged(got))
        continue;
      if (!*got || **got != Value{v})
        fail("bit flip in " + file.string() + " at " + std::to_string(offset) +
             " silently changed kv " + space + "/" + key);
    }
  }
  ++(detected ? counts.flips_detected : counts.flips_harmless);
  db = strata::result<Strata>{strata::make_error(strata::errc::Io, "closed")};
  fs::remove_all(copy);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: torture DIR CYCLES SEED\n");
    return 2;
  }
  std::string dir = argv[1];
  int cycles = std::stoi(argv[2]);
  uint64_t seed = std::stoull(argv[3]);
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::mt19937_64 rng(seed);
  Acks all;  // every acknowledgement so far; branches: those that should exist
  Counts counts;
  auto start = std::chrono::steady_clock::now();
  for (int cycle = 0; cycle < cycles && failures == 0; ++cycle) {
    int fds[2];
    if (::pipe(fds) != 0)
      die("pipe");
    uint64_t worker_seed = rng();
    pid_t pid = ::fork();
    if (pid < 0)
      die("fork");
    if (pid == 0) {
      ::close(fds[0]);
      worker(dir, fds[1], worker_seed, cycle);
      std::_Exit(0);
    }
    ::close(fds[1]);
    // Read "ready", then a random number of acknowledgements, then kill:
    // the worker is somewhere in its next operations by then (a kill at
    // any step, not at a guessed moment). Then read whatever else the
    // pipe holds: everything acknowledged before the kill.
    FILE* in = ::fdopen(fds[0], "r");
    char line[512];
    if (!std::fgets(line, sizeof line, in) || std::strncmp(line, "ready", 5) != 0)
      die("worker did not start");
    Acks acks;
    acks.branches = all.branches;
    for (uint64_t wanted = rng() % 64; wanted > 0 && std::fgets(line, sizeof line, in); --wanted) {
      parse_ack(line, acks);
      ++counts.acks;
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    while (std::fgets(line, sizeof line, in)) {
      parse_ack(line, acks);
      ++counts.acks;
    }
    std::fclose(in);
    if (WIFEXITED(status))
      die("worker exited by itself with status " + std::to_string(WEXITSTATUS(status)));
    verify(dir, acks, "c" + std::to_string(cycle) + "-", counts);
    all.merge(acks);
    all.branches = acks.branches;
    // Every 25 cycles, a sample of everything acknowledged since the start.
    if (cycle % 25 == 24) {
      Acks sample;
      sample.branches = all.branches;
      for (int i = 0; i < 500 && !all.kv.empty(); ++i)
        sample.kv.push_back(all.kv[rng() % all.kv.size()]);
      for (int i = 0; i < 200 && !all.events.empty(); ++i)
        sample.events.push_back(all.events[rng() % all.events.size()]);
      for (int i = 0; i < 200 && !all.txns.empty(); ++i)
        sample.txns.push_back(all.txns[rng() % all.txns.size()]);
      verify(dir, sample, "c", counts);
    }
    if (cycle % 10 == 9)
      flip_and_check(dir, acks, rng, counts);
    ++counts.cycles;
    if (cycle % 50 == 49)
      std::printf("cycle %d: %llu acknowledgements so far\n", cycle + 1,
                  static_cast<unsigned long long>(counts.acks));
  }
  std::chrono::duration<double> secs = std::chrono::steady_clock::now() - start;
  std::printf(
      "torture seed %llu: %llu cycles in %.0f s, %llu acknowledged (%zu kv, %zu events, %zu "
      "transactions, %zu branches alive), %llu transaction keys checked for atomicity; %llu bit "
      "flips: %llu detected, %llu harmless; %d failures\n",
      static_cast<unsigned long long>(seed), static_cast<unsigned long long>(counts.cycles),
      secs.count(), static_cast<unsigned long long>(counts.acks), all.kv.size(),
      all.events.size(), all.txns.size(), all.branches.size(),
      static_cast<unsigned long long>(counts.torn_txns_checked),
      static_cast<unsigned long long>(counts.flips),
      static_cast<unsigned long long>(counts.flips_detected),
      static_cast<unsigned long long>(counts.flips_harmless), failures);
  return failures == 0 ? 0 : 1;
}
