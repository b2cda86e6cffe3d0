#include "strata/store/cache_env.hpp"

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <leveldb/helpers/memenv.h>

namespace strata::store {

namespace {

// Every call that creates, renames or removes a file goes to MemEnv and,
// if it succeeded, updates the index under the same lock, so a listing
// never sees the two disagree. MemEnv creates files only in
// NewWritableFile and NewAppendableFile (its locks and loggers are not
// files; directories do not exist).
class CacheEnv final : public leveldb::EnvWrapper {
 public:
  explicit CacheEnv(std::unique_ptr<leveldb::Env> mem)
      : leveldb::EnvWrapper(mem.get()), mem_(std::move(mem)) {}

  leveldb::Status NewWritableFile(const std::string& f, leveldb::WritableFile** r) override {
    return create(f, [&] { return target()->NewWritableFile(f, r); });
  }

  // LevelDB 1.23's MemEnv leaves a null entry behind when asked to append
  // to a file it does not hold (the next access to it crashes): a missing
  // file is created as an empty one instead, which is what appending to it
  // means.
  leveldb::Status NewAppendableFile(const std::string& f, leveldb::WritableFile** r) override {
    return create(f, [&] {
      return files_.count(f) != 0 ? target()->NewAppendableFile(f, r)
                                  : target()->NewWritableFile(f, r);
    });
  }

  leveldb::Status RemoveFile(const std::string& f) override {
    std::lock_guard<std::mutex> guard{mtx_};
    auto s = target()->RemoveFile(f);
    if (s.ok())
      files_.erase(f);
    return s;
  }

  // The deprecated name: EnvWrapper would hand it to MemEnv directly,
  // past the index.
  leveldb::Status DeleteFile(const std::string& f) override { return RemoveFile(f); }

  leveldb::Status RenameFile(const std::string& from, const std::string& to) override {
    std::lock_guard<std::mutex> guard{mtx_};
    // MemEnv drops a file renamed onto itself and keeps a dangling entry
    // (a crash later); POSIX makes it a no-op.
    if (from == to)
      return files_.count(from) != 0 ? leveldb::Status::OK()
                                      : leveldb::Status::IOError(from, "File not found");
    auto s = target()->RenameFile(from, to);
    if (s.ok()) {
      files_.erase(from);
      files_.insert(to);
    }
    return s;
  }

  leveldb::Status GetChildren(const std::string& dir, std::vector<std::string>* out) override {
    std::lock_guard<std::mutex> guard{mtx_};
    out->clear();
    // MemEnv's rule: every path that is `dir`, a slash, then anything.
    std::string prefix = dir + "/";
    for (auto it = files_.lower_bound(prefix);
         it != files_.end() && it->compare(0, prefix.size(), prefix) == 0; ++it)
      out->push_back(it->substr(prefix.size()));
    return leveldb::Status::OK();
  }

 private:
  template <class Open>
  leveldb::Status create(const std::string& f, Open open) {
    std::lock_guard<std::mutex> guard{mtx_};
    auto s = open();
    if (s.ok())
      files_.insert(f);
    return s;
  }

  std::unique_ptr<leveldb::Env> mem_;
  std::mutex mtx_;
  std::set<std::string> files_;  // every path MemEnv holds
};

}  // namespace

std::unique_ptr<leveldb::Env> new_cache_env(leveldb::Env* base) {
  return std::make_unique<CacheEnv>(std::unique_ptr<leveldb::Env>(leveldb::NewMemEnv(base)));
}

}  // namespace strata::store
