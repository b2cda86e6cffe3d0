#pragma once

// Helpers shared by the store tests: a SpaceStore on LevelDB's in-memory
// Env, and checks that print strata errors readably (the printers and
// STRATA_CHECK_* come from the messages tests, one layer down).

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <optional>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "../temp_dir.hpp"
#include <leveldb/env.h>
#include <leveldb/helpers/memenv.h>

#include "../messages/test_util.hpp"
#include "strata/store/clock.hpp"
#include "strata/store/options.hpp"
#include "strata/store/space_store.hpp"

namespace strata::test {


/// Requires `r` to hold a value and yields it; `what` names the call.
template <class T>
T require_ok(result<T> r, const char* what) {
  BOOST_REQUIRE_MESSAGE(r, what << " failed: " << why(r));
  return std::move(*r);
}

/// One space store at "/space" on a private in-memory Env. The Env outlives
/// every store opened on it, so closing and reopening keeps the data.
struct MemStore {
  MemStore() : MemStore(Limits{}) {}

  explicit MemStore(Limits limits) : env(leveldb::NewMemEnv(leveldb::Env::Default())) {
    options.durability = Durability::Cache;
    options.env = env.get();
    options.limits = limits;
    reopen();
  }

  ~MemStore() { db.reset(); }

  /// Closes the store (if open) and opens it again on the same Env.
  void reopen() {
    db.reset();
    db = require_ok(store::SpaceStore::open(path, options, clock), "SpaceStore::open");
  }

  void close() { db.reset(); }

  bool files_exist() const { return env->FileExists(path + "/CURRENT"); }

  std::vector<std::string> list(std::string prefix = "") {
    ListOptions opts;
    opts.prefix = std::move(prefix);
    return require_ok(db->kv_list(opts), "kv_list");
  }

  std::vector<std::string> page(std::string prefix, std::optional<std::string> cursor,
                                std::optional<uint64_t> limit) {
    ListOptions opts;
    opts.prefix = std::move(prefix);
    opts.cursor = std::move(cursor);
    opts.limit = limit;
    return require_ok(db->kv_list(opts), "kv_list");
  }

  /// Writes and requires success; yields the version.
  uint64_t put(std::string_view key, const Value& value) {
    return require_ok(db->kv_put(key, value), "kv_put").version;
  }

  std::optional<VersionedValue> get(std::string_view key) {
    return require_ok(db->kv_get(key), "kv_get");
  }

  const std::string path = "/space";
  std::unique_ptr<leveldb::Env> env;
  store::StoreOptions options;
  store::CommitClock clock;
  std::unique_ptr<store::SpaceStore> db;
};

}  // namespace strata::test

/// Requires `expr` (a result) to hold a value and yields it.
#define STRATA_REQUIRE_OK(expr) ::strata::test::require_ok((expr), #expr)

/// Requires `expr` (a caf::error) to be no error.
#define STRATA_REQUIRE_NO_ERROR(expr)                                          \
  do {                                                                         \
    caf::error strata_err_ = (expr);                                           \
    BOOST_REQUIRE_MESSAGE(!strata_err_, #expr << " failed: "                   \
                                              << ::strata::describe(strata_err_)); \
  } while (false)
