// The Env of a cache database (store/src/cache_env.cpp) lists directories
// from its own index of file names instead of walking every file as
// LevelDB's MemEnv does. Listings must stay what MemEnv answers: a random
// sequence of creates, appends, renames and removes runs on both, and
// after every step every directory lists the same on both. Then a LevelDB
// database in it: written, reopened, listed.

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/helpers/memenv.h>
#include <leveldb/options.h>
#include <leveldb/write_batch.h>

#include "strata/store/cache_env.hpp"

namespace {

std::vector<std::string> children(leveldb::Env& env, const std::string& dir) {
  std::vector<std::string> out;
  BOOST_REQUIRE(env.GetChildren(dir, &out).ok());
  return out;
}

// Creates `path` (writable: truncating; appendable: keeping) with a byte.
leveldb::Status touch(leveldb::Env& env, const std::string& path, bool append) {
  leveldb::WritableFile* f = nullptr;
  auto s = append ? env.NewAppendableFile(path, &f) : env.NewWritableFile(path, &f);
  if (!s.ok())
    return s;
  std::unique_ptr<leveldb::WritableFile> file{f};
  s = file->Append("x");
  if (s.ok())
    s = file->Close();
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cache_env)

BOOST_AUTO_TEST_CASE(lists_what_memenv_lists_after_every_step) {
  auto cache = strata::store::new_cache_env(leveldb::Env::Default());
  std::unique_ptr<leveldb::Env> mem{leveldb::NewMemEnv(leveldb::Env::Default())};
  // Paths in a few nested directories, and names that share prefixes
  // ("a" and "ab", "a/b" and "a/bc") so that a sloppy prefix test fails.
  const std::vector<std::string> dirs = {"/r", "/r/a", "/r/ab", "/r/a/b", "/r/a/bc", "/r/x"};
  const std::vector<std::string> names = {"CURRENT", "LOCK", "000001.log", "b", "bc", "z"};
  std::mt19937 rng{20261203};
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  auto path = [&] { return pick(dirs) + "/" + pick(names); };
  for (int step = 0; step < 2000; ++step) {
    auto op = rng() % 4;
    auto p = path();
    if (op == 0 || op == 1) {
      // Appending only to a file that exists, as LevelDB does (reuse_logs):
      // LevelDB 1.23's MemEnv leaves a null entry for a missing one (the
      // cache Env creates it instead: a case below).
      bool append = op == 1 && mem->FileExists(p);
      BOOST_TEST(touch(*cache, p, append).ok() == touch(*mem, p, append).ok());
    } else if (op == 2) {
      BOOST_TEST(cache->RemoveFile(p).ok() == mem->RemoveFile(p).ok(), "remove " << p);
    } else {
      auto to = path();
      if (to == p)
        continue;  // MemEnv loses a file renamed onto itself (the next case)
      BOOST_TEST(cache->RenameFile(p, to).ok() == mem->RenameFile(p, to).ok(),
                 "rename " << p << " to " << to);
    }
    for (const auto& d : dirs)
      BOOST_TEST(children(*cache, d) == children(*mem, d), "step " << step << ": " << d);
    BOOST_TEST(children(*cache, "/r") == children(*mem, "/r"));
    BOOST_TEST(children(*cache, "/nowhere").empty());
  }
  // The sequence did reach nested paths, or the comparison proved little.
  BOOST_TEST(children(*mem, "/r").size() > 3u);
}

BOOST_AUTO_TEST_CASE(a_file_renamed_onto_itself_stays) {
  auto env = strata::store::new_cache_env(leveldb::Env::Default());
  BOOST_REQUIRE(touch(*env, "/d/f", false).ok());
  BOOST_TEST(env->RenameFile("/d/f", "/d/f").ok());
  BOOST_TEST(env->FileExists("/d/f"));
  BOOST_TEST(children(*env, "/d") == std::vector<std::string>{"f"});
  BOOST_TEST(!env->RenameFile("/d/g", "/d/g").ok());
  uint64_t size = 0;
  BOOST_TEST(env->GetFileSize("/d/f", &size).ok());
  BOOST_TEST(size == 1u);
}

BOOST_AUTO_TEST_CASE(appending_to_a_missing_file_creates_it) {
  auto env = strata::store::new_cache_env(leveldb::Env::Default());
  BOOST_REQUIRE(touch(*env, "/d/new", true).ok());  // MemEnv alone crashes below
  BOOST_REQUIRE(touch(*env, "/d/new", true).ok());
  uint64_t size = 0;
  BOOST_TEST(env->GetFileSize("/d/new", &size).ok());
  BOOST_TEST(size == 2u);  // both appends kept
  BOOST_TEST(children(*env, "/d") == std::vector<std::string>{"new"});
  BOOST_TEST(env->RemoveFile("/d/new").ok());
  BOOST_TEST(children(*env, "/d").empty());
}

BOOST_AUTO_TEST_CASE(the_deprecated_delete_updates_the_listing_too) {
  auto env = strata::store::new_cache_env(leveldb::Env::Default());
  BOOST_REQUIRE(touch(*env, "/d/f", false).ok());
  BOOST_TEST(children(*env, "/d") == std::vector<std::string>{"f"});
  BOOST_REQUIRE(env->DeleteFile("/d/f").ok());
  BOOST_TEST(children(*env, "/d").empty());
  BOOST_TEST(!env->FileExists("/d/f"));
}

BOOST_AUTO_TEST_CASE(a_leveldb_database_lives_in_it) {
  auto env = strata::store::new_cache_env(leveldb::Env::Default());
  leveldb::Options o;
  o.env = env.get();
  o.create_if_missing = true;
  o.write_buffer_size = 64 << 10;  // several tables, so compactions list and remove files
  for (int open = 0; open < 3; ++open) {
    leveldb::DB* raw = nullptr;
    BOOST_REQUIRE(leveldb::DB::Open(o, "/db" + std::to_string(open % 2), &raw).ok());
    std::unique_ptr<leveldb::DB> db{raw};
    for (int i = 0; i < 5000; ++i)
      BOOST_REQUIRE(db->Put({}, "k" + std::to_string(i), std::string(100, 'a' + open)).ok());
    std::string v;
    BOOST_REQUIRE(db->Get({}, "k4999", &v).ok());
    BOOST_TEST(v == std::string(100, 'a' + open));
  }
  // Both databases are there and separate: each lists its own files only.
  auto one = children(*env, "/db0");
  auto two = children(*env, "/db1");
  BOOST_TEST(!one.empty());
  BOOST_TEST(!two.empty());
  for (const auto& f : one)
    BOOST_TEST(env->FileExists("/db0/" + f));
  BOOST_TEST(std::count(one.begin(), one.end(), "CURRENT") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
