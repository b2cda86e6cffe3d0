// Torn log tails (store/src/log_tail.cpp): a log cut anywhere — inside a
// header, a payload, between the fragments of a record larger than a
// block, in block padding — is trimmed back to its last complete record,
// so that LevelDB reopening it with reuse_logs appends after a clean end;
// the store reopens with paranoid checks, holds a prefix of what was
// written, and keeps what was written after the reopen. Without the trim,
// such a reopen-write-reopen fails with Corruption.

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include <boost/test/unit_test.hpp>
#include <leveldb/db.h>
#include <leveldb/options.h>

#include "strata/store/log_tail.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;

namespace {

std::unique_ptr<leveldb::DB> open_db(const std::string& dir) {
  leveldb::Options o;
  o.create_if_missing = true;
  o.reuse_logs = true;
  o.paranoid_checks = true;
  leveldb::DB* db = nullptr;
  auto st = leveldb::DB::Open(o, dir, &db);
  BOOST_REQUIRE_MESSAGE(st.ok(), st.ToString());
  return std::unique_ptr<leveldb::DB>(db);
}

std::string value_of(int i) {
  // Mostly small records, every tenth larger than a 32 KiB block
  // (written as first, middle, last fragments).
  return std::string(i % 10 == 9 ? 40000 : 50 + i % 300, static_cast<char>('a' + i % 26));
}

std::string key_of(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "k%04d", i);
  return buf;
}

fs::path only_log(const fs::path& dir) {
  fs::path log;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".log" && fs::file_size(e.path()) > 0)
      log = e.path();
  BOOST_REQUIRE(!log.empty());
  return log;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(log_tail)

BOOST_AUTO_TEST_CASE(a_log_cut_anywhere_reopens_and_keeps_new_writes) {
  strata::test::TempDir tmp;
  auto pristine = fs::path(tmp.path()) / "pristine";
  constexpr int n = 60;
  {
    auto db = open_db(pristine.string());
    for (int i = 0; i < n; ++i)
      BOOST_REQUIRE(db->Put(leveldb::WriteOptions{}, key_of(i), value_of(i)).ok());
  }
  auto log_name = only_log(pristine).filename();
  auto size = fs::file_size(pristine / log_name);
  BOOST_REQUIRE(size > 4 * 32768);  // several blocks, fragmented records
  // Every byte of the first two records, around every block boundary, and
  // random points.
  std::set<uint64_t> cuts;
  for (uint64_t p = 0; p < 400; ++p)
    cuts.insert(p);
  for (uint64_t b = 32768; b < size; b += 32768)
    for (uint64_t d = 0; d < 16; ++d)
      cuts.insert(b - 8 + d);
  std::mt19937_64 rng{18};
  for (int i = 0; i < 200; ++i)
    cuts.insert(rng() % size);
  auto trial = fs::path(tmp.path()) / "trial";
  int trimmed = 0;
  for (auto cut : cuts) {
    fs::remove_all(trial);
    fs::copy(pristine, trial);
    fs::resize_file(trial / log_name, cut);
    BOOST_TEST_INFO("cut at " << cut);
    STRATA_REQUIRE_NO_ERROR(strata::store::trim_log_tails(trial.string()));
    trimmed += fs::file_size(trial / log_name) < cut ? 1 : 0;
    {
      auto db = open_db(trial.string());
      BOOST_REQUIRE(db->Put(leveldb::WriteOptions{}, "after", "x").ok());
    }
    auto db = open_db(trial.string());  // paranoid: fails on a record behind a torn one
    std::string v;
    BOOST_TEST(db->Get(leveldb::ReadOptions{}, "after", &v).ok());
    // What survived is a prefix of what was written, each value whole.
    int kept = 0;
    while (kept < n && db->Get(leveldb::ReadOptions{}, key_of(kept), &v).ok()) {
      BOOST_TEST((v == value_of(kept)));
      ++kept;
    }
    for (int i = kept; i < n; ++i)
      BOOST_TEST(db->Get(leveldb::ReadOptions{}, key_of(i), &v).IsNotFound());
  }
  BOOST_TEST(trimmed > 0);
  BOOST_TEST_MESSAGE(cuts.size() << " cut points, " << trimmed << " torn tails trimmed");
}

BOOST_AUTO_TEST_CASE(damage_followed_by_data_is_not_cut) {
  std::string log(3 * 100, 'x');
  // A record header whose length overruns its block: damage, not a tail.
  log[4] = static_cast<char>(0xff);
  log[5] = static_cast<char>(0xff);
  log[6] = 1;
  BOOST_TEST(strata::store::log_valid_length(log) == log.size());
  // Zeros followed by data: damage too.
  std::string zeros(100, '\0');
  zeros += "data";
  BOOST_TEST(strata::store::log_valid_length(zeros) == zeros.size());
  // A zero tail is cut.
  BOOST_TEST(strata::store::log_valid_length(std::string(100, '\0')) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
