// One bit flipped in any file of a closed database is either detected (the
// open, or the read of what it damaged, fails with an error) or harmless
// (everything reads back as written); never silently wrong or missing
// (issue 18). File kinds: a space store's write-ahead log, table files,
// manifest and CURRENT; the branch's transaction log; its BRANCH file.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "test_util.hpp"

using strata::Strata;
using strata::Value;
using strata::errc;
using strata::test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr int kv_keys = 1500;      // 4 KiB each: past one memtable, so tables exist
constexpr int events = 100;
constexpr int cells = 50;
constexpr int docs = 20;

std::string key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "k%05d", i);
  return buf;
}

Value kv_value(int i) {
  return Value{std::string(4096, static_cast<char>('a' + i % 26)) + std::to_string(i)};
}

void populate(const std::string& dir) {
  auto db = STRATA_REQUIRE_OK(Strata::open(dir));
  for (int i = 0; i < kv_keys; ++i)
    STRATA_REQUIRE_DONE(db.kv_put(key(i), kv_value(i)));
  for (int i = 0; i < events; ++i)
    STRATA_REQUIRE_DONE(db.event_append("tick", strata::Object{{"i", i}}));
  for (int i = 0; i < cells; ++i)
    STRATA_REQUIRE_DONE(db.state_set("c" + std::to_string(i), i * 7));
  for (int i = 0; i < docs; ++i)
    STRATA_REQUIRE_DONE(db.json_set("d" + std::to_string(i), "$", strata::Object{{"n", i}}));
}

// What one trial found.
enum class Verdict { Detected, Harmless, Silent };

// Reads everything populate() wrote. Any error counts as detection (the
// damage was reported); a value that differs or is missing is silent
// damage, described in `why`.
Verdict read_back(const std::string& dir, std::string& why) {
  auto opened = Strata::open(dir);
  if (!opened) {
    why = strata::message_of(opened.error());
    return Verdict::Detected;
  }
  auto& db = *opened;
  bool detected = false;
  auto silent = [&](std::string what) {
    why = std::move(what);
    return Verdict::Silent;
  };
  for (int i = 0; i < kv_keys; ++i) {
    auto v = db.kv_get(key(i));
    if (!v) {
      detected = true;
      continue;
    }
    if (!*v || **v != kv_value(i))
      return silent("kv " + key(i) + (*v ? " has a wrong value" : " is missing"));
  }
  if (auto listed = db.kv_list(std::nullopt); !listed)
    detected = true;
  else if (listed->size() != kv_keys)
    return silent("kv list holds " + std::to_string(listed->size()) + " keys");
  if (auto n = db.event_len(); !n)
    detected = true;
  else if (*n != events)
    return silent("event log holds " + std::to_string(*n) + " events");
  for (int i = 0; i < events; ++i) {
    auto e = db.event_get(i + 1);
    if (!e) {
      detected = true;
      continue;
    }
    if (!*e || (*e)->value != Value{strata::Object{{"i", i}}})
      return silent("event " + std::to_string(i + 1) + " is wrong or missing");
  }
  if (auto chain = db.event_verify_chain(); !chain)
    detected = true;
  else if (!chain->valid)
    detected = true;  // the chain check itself reports the damage
  for (int i = 0; i < cells; ++i) {
    auto v = db.state_get("c" + std::to_string(i));
    if (!v) {
      detected = true;
      continue;
    }
    if (!*v || **v != Value{int64_t{i * 7}})
      return silent("state cell c" + std::to_string(i) + " is wrong or missing");
  }
  for (int i = 0; i < docs; ++i) {
    auto v = db.json_get("d" + std::to_string(i), "$.n");
    if (!v) {
      detected = true;
      continue;
    }
    if (!*v || **v != Value{int64_t{i}})
      return silent("document d" + std::to_string(i) + " is wrong or missing");
  }
  return detected ? Verdict::Detected : Verdict::Harmless;
}

// Every table file of the default space. Which of them are live depends
// on when LevelDB's background work ran (closing a store can cut a flush
// short, leaving a table nobody reads until the next open deletes it), so
// the tests that need damage to be found damage all of them.
std::vector<fs::path> tables_of(const std::string& db) {
  {
    // Under load, closing the store can cut LevelDB's only flush short:
    // then no table is live and everything is in the logs. Opening the
    // space once more writes the older log into a table during recovery
    // (before the open returns) and deletes the leftovers.
    auto reopened = STRATA_REQUIRE_OK(Strata::open(db));
    STRATA_REQUIRE_OK(reopened.kv_get(key(0)));
  }
  std::vector<fs::path> tables;
  for (const auto& e : fs::directory_iterator(fs::path(db) / "branches/default/spaces/default"))
    if (e.path().extension() == ".ldb")
      tables.push_back(e.path());
  BOOST_REQUIRE(!tables.empty());
  return tables;
}

void flip_bit(const fs::path& file, uint64_t offset, int bit) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  BOOST_REQUIRE(f);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ (1 << bit));
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(&c, 1);
  BOOST_REQUIRE(f);
}

// The files of the pristine database to damage, relative to its root,
// with the kind each is.
std::vector<std::pair<std::string, std::string>> targets(const fs::path& root) {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string> seen;
  std::vector<fs::path> all;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file())
      all.push_back(e.path());
  std::sort(all.begin(), all.end());
  for (const auto& p : all) {
    auto rel = fs::relative(p, root).string();
    auto name = p.filename().string();
    bool txn = rel.find("/txn/") != std::string::npos;
    std::string kind;
    if (name == "BRANCH")
      kind = "BRANCH";
    else if (name == "CURRENT")
      kind = txn ? "txn CURRENT" : "space CURRENT";
    else if (name.rfind("MANIFEST-", 0) == 0)
      kind = txn ? "txn manifest" : "space manifest";
    else if (p.extension() == ".log")
      kind = txn ? "txn log" : "space log";
    else if (p.extension() == ".ldb")
      kind = "space table";
    else
      continue;  // LOCK, .lock, strata.toml: no data in them
    // One table file is enough; they are all alike (the oldest: a newer
    // one may be a cut-short flush's leftover, see tables_of; a flip there
    // counts as harmless).
    if (kind == "space table" && !seen.insert(kind).second)
      continue;
    out.emplace_back(rel, kind);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(corruption)

BOOST_AUTO_TEST_CASE(every_bit_flip_is_detected_or_harmless) {
  TempDir tmp;
  auto pristine = fs::path(tmp.path()) / "pristine";
  populate(pristine.string());
  auto files = targets(pristine);
  std::set<std::string> kinds;
  for (const auto& [rel, kind] : files)
    kinds.insert(kind);
  // The layout this test covers must be the one it found.
  for (const char* kind : {"BRANCH", "space CURRENT", "space manifest", "space log",
                           "space table", "txn CURRENT", "txn manifest", "txn log"})
    BOOST_TEST(kinds.count(kind) == 1u, "no " << kind << " file found");

  std::mt19937_64 rng{20261202};
  std::map<std::string, std::pair<int, int>> counts;  // kind → detected, harmless
  auto trial_dir = fs::path(tmp.path()) / "trial";
  for (const auto& [rel, kind] : files) {
    auto size = fs::file_size(pristine / rel);
    if (size == 0)
      continue;  // a fresh log: no bit to flip
    // The first and last byte, then bytes spread over the file.
    std::vector<uint64_t> offsets{0, size - 1};
    int spread = size < 64 ? static_cast<int>(size) : 14;
    for (int i = 0; i < spread; ++i)
      offsets.push_back(std::uniform_int_distribution<uint64_t>{0, size - 1}(rng));
    for (auto offset : offsets) {
      fs::remove_all(trial_dir);
      fs::copy(pristine, trial_dir, fs::copy_options::recursive);
      int bit = static_cast<int>(rng() % 8);
      flip_bit(trial_dir / rel, offset, bit);
      std::string why;
      auto verdict = read_back(trial_dir.string(), why);
      BOOST_TEST_INFO(kind << " " << rel << " byte " << offset << " bit " << bit);
      BOOST_TEST((verdict != Verdict::Silent), why);
      if (verdict == Verdict::Detected && std::getenv("STRATA_TEST_VERBOSE"))
        BOOST_TEST_MESSAGE(kind << " byte " << offset << ": " << why);
      if (verdict == Verdict::Detected)
        ++counts[kind].first;
      else if (verdict == Verdict::Harmless)
        ++counts[kind].second;
    }
  }
  for (const auto& [kind, c] : counts)
    BOOST_TEST_MESSAGE(kind << ": " << c.first << " detected, " << c.second << " harmless");
}

BOOST_AUTO_TEST_CASE(a_damaged_table_block_reads_as_corruption_naming_the_space) {
  TempDir tmp;
  populate(tmp.db());
  for (const auto& table : tables_of(tmp.db()))
    flip_bit(table, 100, 3);  // inside the first data block
  auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db()));
  std::optional<caf::error> first;
  for (int i = 0; i < kv_keys && !first; ++i)
    if (auto v = db.kv_get(key(i)); !v)
      first = v.error();
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(strata::is(*first, errc::Corruption));
  BOOST_TEST(strata::message_of(*first).find("spaces/default") != std::string::npos,
             strata::message_of(*first));
}

BOOST_AUTO_TEST_CASE(a_damaged_log_fails_the_open_instead_of_dropping_writes) {
  TempDir tmp;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db()));
    for (int i = 0; i < 300; ++i)
      STRATA_REQUIRE_DONE(db.kv_put(key(i), i));
  }
  fs::path log;
  for (const auto& e : fs::recursive_directory_iterator(tmp.db()))
    if (e.path().extension() == ".log" && e.path().string().find("spaces/default") !=
                                              std::string::npos)
      log = e.path();
  BOOST_REQUIRE(!log.empty());
  flip_bit(log, fs::file_size(log) / 2, 5);  // a record in the middle
  // Spaces open on first use: the database opens, the space does not.
  auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db()));
  auto v = db.kv_get(key(299));
  BOOST_REQUIRE(!v);
  BOOST_TEST(strata::is(v.error(), errc::Corruption), strata::message_of(v.error()));
  BOOST_TEST(strata::message_of(v.error()).find("spaces/default") != std::string::npos,
             strata::message_of(v.error()));
  // And keeps failing: nothing was opened around the damage.
  BOOST_TEST(!db.kv_list(std::nullopt));
}

BOOST_AUTO_TEST_CASE(a_damaged_branch_file_fails_the_open_naming_it) {
  TempDir tmp;
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db()));
    STRATA_REQUIRE_DONE(db.create_branch("experiment"));
  }
  auto file = fs::path(tmp.db()) / "branches" / "experiment" / "BRANCH";
  flip_bit(file, 4, 1);
  auto db = Strata::open(tmp.db());
  BOOST_REQUIRE(!db);
  BOOST_TEST(strata::is(db.error(), errc::Corruption), strata::message_of(db.error()));
  BOOST_TEST(strata::message_of(db.error()).find("experiment/BRANCH") != std::string::npos,
             strata::message_of(db.error()));
}

BOOST_AUTO_TEST_CASE(check_reports_every_store_sound) {
  TempDir tmp;
  populate(tmp.db());
  auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db()));
  STRATA_REQUIRE_DONE(db.set_space("other"));
  STRATA_REQUIRE_DONE(db.kv_put("a", 1));
  STRATA_REQUIRE_DONE(db.kv_put("a", 2));
  STRATA_REQUIRE_DONE(db.kv_delete("a"));
  STRATA_REQUIRE_DONE(db.fork_branch("fork"));
  auto stores = STRATA_REQUIRE_OK(db.check());
  std::vector<std::string> names;
  for (const auto& s : stores) {
    names.push_back(s.branch + "/" + s.space);
    BOOST_TEST(s.ok(), s.branch << "/" << s.space << ": " << (s.ok() ? std::string() : s.problems.front()));
  }
  BOOST_TEST(names == (std::vector<std::string>{"default/default", "default/other", "default/",
                                                "fork/default", "fork/other", "fork/"}),
             boost::test_tools::per_element());
  // Every record of the default space was read: kv heads, events and
  // their type index, cells, documents, metadata.
  BOOST_TEST(stores[0].records >= uint64_t{kv_keys + 2 * events + cells + docs});
  // Metadata, the head (a tombstone), two older versions, and the record
  // count the fork stored before copying the space.
  BOOST_TEST(stores[1].records == 5u);
}

BOOST_AUTO_TEST_CASE(check_names_the_damaged_space_and_repair_salvages_it) {
  TempDir tmp;
  populate(tmp.db());
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db()));
    STRATA_REQUIRE_DONE(db.set_space("intact"));
    STRATA_REQUIRE_DONE(db.kv_put("x", 1));
  }
  for (const auto& table : tables_of(tmp.db()))
    flip_bit(table, 100, 3);
  {
    auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db()));
    auto stores = STRATA_REQUIRE_OK(db.check());
    std::map<std::string, strata::StoreCheck> by_space;
    for (auto& s : stores)
      by_space[s.space] = s;
    BOOST_REQUIRE(by_space.count("default") == 1u);
    BOOST_REQUIRE(!by_space["default"].ok());
    BOOST_TEST(by_space["default"].problems.front().find("Corruption") != std::string::npos,
               by_space["default"].problems.front());
    BOOST_TEST(by_space["intact"].ok());
    BOOST_TEST(by_space[""].ok());
    // Reads of the damaged block keep failing; nothing was read around it.
    bool failed = false;
    for (int i = 0; i < kv_keys && !failed; ++i)
      failed = !db.kv_get(key(i));
    BOOST_TEST(failed);
    // Repair needs the database closed.
    auto busy = Strata::repair(tmp.db());
    BOOST_REQUIRE(!busy);
    BOOST_TEST(strata::message_of(busy.error()).find("in use") != std::string::npos);
  }
  auto repaired = STRATA_REQUIRE_OK(Strata::repair(tmp.db()));
  BOOST_TEST(repaired == 3u);  // spaces default and intact, the transaction log
  auto db = STRATA_REQUIRE_OK(Strata::open(tmp.db()));
  for (const auto& s : STRATA_REQUIRE_OK(db.check()))
    BOOST_TEST(s.ok(), s.branch << "/" << s.space << ": " << (s.ok() ? std::string() : s.problems.front()));
  // What survived reads back as written; what was in the damaged block is
  // gone, not wrong.
  int kept = 0;
  for (int i = 0; i < kv_keys; ++i) {
    auto v = STRATA_REQUIRE_OK(db.kv_get(key(i)));
    if (v) {
      BOOST_TEST((*v == kv_value(i)));
      ++kept;
    }
  }
  BOOST_TEST(kept > kv_keys / 2);
  BOOST_TEST(kept < kv_keys);
  BOOST_TEST_MESSAGE("repair kept " << kept << " of " << kv_keys << " keys");
}

BOOST_AUTO_TEST_SUITE_END()
