#include "strata/store/fault_env.hpp"

#include <memory>
#include <stdexcept>

#include <sys/stat.h>
#include <unistd.h>

namespace strata::store {

namespace {

// A writable file whose appends and syncs the FaultEnv sees. Once an
// append failed, every later one fails the same way, as on a file whose
// write failed for real (store/src/disk_env.cpp's log): LevelDB goes on
// writing a log after a failed append, so a record written after the
// failed one — by a write that was already queued behind it — would land
// after half a record, damage the next open must refuse.
class FaultFile final : public leveldb::WritableFile {
 public:
  FaultFile(FaultEnv& env, std::string path, leveldb::WritableFile* base)
      : env_(env), path_(std::move(path)), base_(base) {}

  leveldb::Status Append(const leveldb::Slice& data) override {
    if (!failed_.ok())
      return failed_;
    if (auto st = env_.check(FaultEnv::Op::Append, path_); !st.ok()) {
      failed_ = st;
      return st;
    }
    auto st = base_->Append(data);
    if (st.ok())
      env_.appended(path_, data.size());
    return st;
  }
  leveldb::Status Close() override { return base_->Close(); }
  leveldb::Status Flush() override { return base_->Flush(); }
  leveldb::Status Sync() override {
    if (auto st = env_.check(FaultEnv::Op::Sync, path_); !st.ok())
      return st;
    auto st = base_->Sync();
    if (st.ok())
      env_.synced(path_);
    return st;
  }

 private:
  FaultEnv& env_;
  std::string path_;
  std::unique_ptr<leveldb::WritableFile> base_;
  leveldb::Status failed_;
};

uint64_t size_on_disk(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

}  // namespace

FaultEnv::FaultEnv(leveldb::Env* base) : leveldb::EnvWrapper(base) {
}

FaultEnv::~FaultEnv() = default;

void FaultEnv::fail(Op op, std::string path_part, uint64_t skip, uint64_t count) {
  std::lock_guard<std::mutex> guard{mtx_};
  rules_.push_back(Rule{op, std::move(path_part), skip, count});
}

void FaultEnv::fail_nth(uint64_t n) {
  std::lock_guard<std::mutex> guard{mtx_};
  nth_ = operations_ + n;
}

void FaultEnv::clear() {
  std::lock_guard<std::mutex> guard{mtx_};
  rules_.clear();
  nth_ = UINT64_MAX;
  throw_at_ = UINT64_MAX;
}

void FaultEnv::throw_nth(uint64_t n) {
  std::lock_guard<std::mutex> guard{mtx_};
  throw_at_ = accesses_ + n;
}

void FaultEnv::exception_point(const char* where) {
  {
    std::lock_guard<std::mutex> guard{mtx_};
    if (accesses_++ != throw_at_)
      return;
    throw_at_ = UINT64_MAX;
    ++injected_;
  }
  throw std::runtime_error(std::string("injected exception in ") + where);
}

uint64_t FaultEnv::injected() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return injected_;
}

uint64_t FaultEnv::operations() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return operations_;
}

leveldb::Status FaultEnv::check(Op op, const std::string& path) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (dead_)
    return leveldb::Status::IOError(path, "power cut (injected)");
  auto n = operations_++;
  if (n == nth_) {
    nth_ = UINT64_MAX;
    ++injected_;
    return leveldb::Status::IOError(path, "injected fault");
  }
  for (auto& r : rules_) {
    if (r.op != op || r.count == 0 || path.find(r.path_part) == std::string::npos)
      continue;
    if (r.skip > 0) {
      --r.skip;
      continue;
    }
    --r.count;
    ++injected_;
    return leveldb::Status::IOError(path, "injected fault");
  }
  return leveldb::Status::OK();
}

void FaultEnv::appended(const std::string& path, uint64_t bytes) {
  std::lock_guard<std::mutex> guard{mtx_};
  files_[path].size += bytes;
}

void FaultEnv::synced(const std::string& path) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto& f = files_[path];
  f.synced = f.size;
}

leveldb::Status FaultEnv::NewWritableFile(const std::string& f, leveldb::WritableFile** r) {
  if (auto st = check(Op::NewWritableFile, f); !st.ok())
    return st;
  leveldb::WritableFile* base = nullptr;
  auto st = target()->NewWritableFile(f, &base);
  if (!st.ok())
    return st;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    files_[f] = FileState{};  // truncated: nothing of it is synced yet
  }
  *r = new FaultFile(*this, f, base);
  return st;
}

leveldb::Status FaultEnv::NewAppendableFile(const std::string& f, leveldb::WritableFile** r) {
  if (auto st = check(Op::NewWritableFile, f); !st.ok())
    return st;
  auto before = size_on_disk(f);
  bool existed = target()->FileExists(f);
  leveldb::WritableFile* base = nullptr;
  auto st = target()->NewAppendableFile(f, &base);
  if (!st.ok())
    return st;
  {
    std::lock_guard<std::mutex> guard{mtx_};
    auto [it, added] = files_.try_emplace(f);
    if (added)  // what was there before counts as on disk
      it->second = FileState{before, before, existed};
  }
  *r = new FaultFile(*this, f, base);
  return st;
}

leveldb::Status FaultEnv::RemoveFile(const std::string& f) {
  if (auto st = check(Op::Remove, f); !st.ok())
    return st;
  auto st = target()->RemoveFile(f);
  if (st.ok()) {
    std::lock_guard<std::mutex> guard{mtx_};
    files_.erase(f);
  }
  return st;
}

leveldb::Status FaultEnv::RenameFile(const std::string& from, const std::string& to) {
  if (auto st = check(Op::Rename, to); !st.ok())
    return st;
  auto st = target()->RenameFile(from, to);
  if (st.ok()) {
    std::lock_guard<std::mutex> guard{mtx_};
    auto it = files_.find(from);
    if (it != files_.end()) {
      files_[to] = it->second;
      files_.erase(it);
    } else {
      files_.erase(to);  // replaced by a file this Env did not write
    }
  }
  return st;
}

leveldb::Status FaultEnv::before_path_sync(const std::string& path) {
  return check(Op::Sync, path);
}

void FaultEnv::after_path_sync(const std::string& path) {
  synced(path);
}

std::string FaultEnv::power_cut() {
  std::lock_guard<std::mutex> guard{mtx_};
  dead_ = true;
  std::string errors;
  for (const auto& [path, f] : files_) {
    if (f.synced == 0 && !f.existed) {
      if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        errors += "cannot remove " + path + "; ";
    } else if (f.synced < size_on_disk(path)) {
      if (::truncate(path.c_str(), static_cast<off_t>(f.synced)) != 0)
        errors += "cannot truncate " + path + "; ";
    }
  }
  return errors;
}

FaultEnv* as_fault_env(leveldb::Env* env) {
  return dynamic_cast<FaultEnv*>(env);
}

}  // namespace strata::store
