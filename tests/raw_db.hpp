#pragma once

// Direct access to one LevelDB of a closed database: to plant what a
// failing disk, a foreign writer or an older version would leave, and to
// look at what the database left behind. Shared by the store and runtime
// tests.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <leveldb/db.h>
#include <leveldb/env.h>
#include <leveldb/iterator.h>
#include <leveldb/write_batch.h>

namespace strata::test {

class RawDb {
 public:
  explicit RawDb(const std::string& path, leveldb::Env* env = leveldb::Env::Default()) {
    leveldb::Options opts;
    opts.env = env;
    leveldb::DB* raw = nullptr;
    auto st = leveldb::DB::Open(opts, path, &raw);
    BOOST_REQUIRE_MESSAGE(st.ok(), "raw open of " << path << ": " << st.ToString());
    db_.reset(raw);
  }

  void put(const std::string& key, const std::string& value) {
    auto st = db_->Put(leveldb::WriteOptions{}, key, value);
    BOOST_REQUIRE_MESSAGE(st.ok(), "raw put: " << st.ToString());
  }

  std::optional<std::string> get(const std::string& key) {
    std::string out;
    auto st = db_->Get(leveldb::ReadOptions{}, key, &out);
    if (st.IsNotFound())
      return std::nullopt;
    BOOST_REQUIRE_MESSAGE(st.ok(), "raw get: " << st.ToString());
    return out;
  }

  /// Every key, in order.
  std::vector<std::string> keys() {
    std::vector<std::string> out;
    std::unique_ptr<leveldb::Iterator> it{db_->NewIterator(leveldb::ReadOptions{})};
    for (it->SeekToFirst(); it->Valid(); it->Next())
      out.push_back(it->key().ToString());
    BOOST_REQUIRE_MESSAGE(it->status().ok(), "raw scan: " << it->status().ToString());
    return out;
  }

  /// Removes `keys` in one synced batch.
  void erase(const std::vector<std::string>& keys) {
    leveldb::WriteBatch batch;
    for (const auto& k : keys)
      batch.Delete(k);
    leveldb::WriteOptions wo;
    wo.sync = true;
    auto st = db_->Write(wo, &batch);
    BOOST_REQUIRE_MESSAGE(st.ok(), "raw erase: " << st.ToString());
  }

 private:
  std::unique_ptr<leveldb::DB> db_;
};

}  // namespace strata::test
