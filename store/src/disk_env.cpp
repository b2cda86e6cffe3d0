#include "strata/store/disk_env.hpp"

#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <unistd.h>

namespace strata::store {

namespace {

std::string_view file_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool is_manifest(std::string_view path) {
  return file_name(path).substr(0, 9) == "MANIFEST-";
}

bool is_log(std::string_view path) {
  auto name = file_name(path);
  return name.size() > 4 && name.substr(name.size() - 4) == ".log";
}

leveldb::Status posix_error(const std::string& context, int error) {
  if (error == ENOENT)
    return leveldb::Status::NotFound(context, std::strerror(error));
  return leveldb::Status::IOError(context, std::strerror(error));
}

// A store's log: LevelDB appends a record (a header and the batch) and
// flushes it, once per write; a sync is an fdatasync. Written as LevelDB's
// own POSIX file does — one write(2) per flush, the record's bytes
// gathered first — but its buffer grows to the record instead of being a
// fixed 64 KiB array: that array was most of an open store's heap (the
// heap per open store went from 84 to 20 KiB on 10,000 stores). LevelDB
// writes a batch as fragments of at most 32 KiB, one flush each; a buffer
// grown past 4 KiB by a large one is given back after it is written.
class LogFile final : public leveldb::WritableFile {
 public:
  LogFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  // As LevelDB's own file: what is buffered is written (LevelDB deletes
  // its log without closing it).
  ~LogFile() override {
    if (fd_ >= 0)
      (void)Close();
  }

  leveldb::Status Append(const leveldb::Slice& data) override {
    if (!broken_.ok())
      return broken_;
    buf_.append(data.data(), data.size());
    return buf_.size() >= flush_bytes ? Flush() : leveldb::Status::OK();
  }

  // A failed write breaks the file for good: LevelDB goes on writing a
  // log after a failed record, and what it wrote next would follow a torn
  // one — damage, not a tail (log_tail.cpp). Every later call fails
  // instead, and the store reopens (which cuts the torn tail).
  leveldb::Status Flush() override {
    if (!broken_.ok())
      return broken_;
    const char* p = buf_.data();
    size_t left = buf_.size();
    while (left > 0) {
      ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR)
          continue;
        broken_ = posix_error(path_, errno);
        std::string().swap(buf_);
        return broken_;
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    if (buf_.capacity() > keep_bytes)
      std::string().swap(buf_);
    else
      buf_.clear();
    return leveldb::Status::OK();
  }

  leveldb::Status Sync() override {
    if (auto s = Flush(); !s.ok())
      return s;
    if (::fdatasync(fd_) != 0)
      return posix_error(path_, errno);
    return leveldb::Status::OK();
  }

  leveldb::Status Close() override {
    auto s = Flush();  // a broken file answers its error
    if (::close(fd_) != 0 && s.ok())
      s = posix_error(path_, errno);
    fd_ = -1;
    return s;
  }

 private:
  static constexpr size_t keep_bytes = 4 << 10;    // kept between records
  static constexpr size_t flush_bytes = 64 << 10;  // never held unwritten
  std::string path_;
  int fd_;
  std::string buf_;
  leveldb::Status broken_;
};

leveldb::Status open_log(const std::string& path, int flags, leveldb::WritableFile** r) {
  int fd = ::open(path.c_str(), flags | O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    *r = nullptr;
    return posix_error(path, errno);
  }
  *r = new LogFile(path, fd);
  return leveldb::Status::OK();
}

// A MANIFEST that holds a descriptor only between an append and the sync
// that follows it. LevelDB writes a record (Append, Flush) and syncs it
// (VersionSet::LogAndApply); the file is opened for appending on the
// first Append and closed when a Sync succeeds. A failed Sync keeps it
// open, so that LevelDB's retry syncs the same bytes again.
class ManifestFile final : public leveldb::WritableFile {
 public:
  ManifestFile(leveldb::Env* env, std::string path) : env_(env), path_(std::move(path)) {}

  leveldb::Status Append(const leveldb::Slice& data) override {
    if (!file_) {
      leveldb::WritableFile* f = nullptr;
      auto s = env_->NewAppendableFile(path_, &f);
      if (!s.ok())
        return s;
      file_.reset(f);
    }
    return file_->Append(data);
  }

  leveldb::Status Flush() override { return file_ ? file_->Flush() : leveldb::Status::OK(); }

  // Without an open file every byte appended was synced before it closed.
  leveldb::Status Sync() override {
    if (!file_)
      return leveldb::Status::OK();
    auto s = file_->Sync();
    if (!s.ok())
      return s;
    return close();
  }

  leveldb::Status Close() override { return file_ ? close() : leveldb::Status::OK(); }

 private:
  leveldb::Status close() {
    auto s = file_->Close();
    file_.reset();
    return s;
  }

  leveldb::Env* env_;
  std::string path_;
  std::unique_ptr<leveldb::WritableFile> file_;
};

// A lock of this process's table: no file, no descriptor.
class PathLock final : public leveldb::FileLock {
 public:
  explicit PathLock(std::string path) : path(std::move(path)) {}
  const std::string path;
};

class DiskEnv final : public leveldb::EnvWrapper {
 public:
  DiskEnv() : leveldb::EnvWrapper(leveldb::Env::Default()) {}

  leveldb::Status NewWritableFile(const std::string& f, leveldb::WritableFile** r) override {
    return open(f, r, O_TRUNC, &leveldb::Env::NewWritableFile);
  }

  leveldb::Status NewAppendableFile(const std::string& f, leveldb::WritableFile** r) override {
    return open(f, r, O_APPEND, &leveldb::Env::NewAppendableFile);
  }

  leveldb::Status LockFile(const std::string& f, leveldb::FileLock** lock) override {
    std::lock_guard<std::mutex> guard{mtx_};
    if (!locked_.insert(f).second)
      return leveldb::Status::IOError("lock " + f, "already held by process");
    *lock = new PathLock(f);
    return leveldb::Status::OK();
  }

  leveldb::Status UnlockFile(leveldb::FileLock* lock) override {
    auto* held = static_cast<PathLock*>(lock);
    {
      std::lock_guard<std::mutex> guard{mtx_};
      locked_.erase(held->path);
    }
    delete held;
    return leveldb::Status::OK();
  }

 private:
  using Open = leveldb::Status (leveldb::Env::*)(const std::string&, leveldb::WritableFile**);

  // Opens `f` for writing, from its start (`log_flags` O_TRUNC, `base`
  // NewWritableFile) or at its end (O_APPEND, NewAppendableFile). A log is
  // this Env's LogFile; a MANIFEST is opened with the base Env's `base`
  // and closed again (LevelDB creates one and writes it at once, or reuses
  // one on open only if it can be appended to now), then a ManifestFile
  // opens it for each append; any other file is the base Env's.
  leveldb::Status open(const std::string& f, leveldb::WritableFile** r, int log_flags, Open base) {
    if (is_log(f))
      return open_log(f, log_flags, r);
    if (!is_manifest(f))
      return (target()->*base)(f, r);
    leveldb::WritableFile* opened = nullptr;
    auto s = (target()->*base)(f, &opened);
    if (!s.ok())
      return s;
    std::unique_ptr<leveldb::WritableFile> file{opened};
    if (s = file->Close(); !s.ok())
      return s;
    *r = new ManifestFile(target(), f);
    return s;
  }

  std::mutex mtx_;
  std::set<std::string> locked_;
};

}  // namespace

std::unique_ptr<leveldb::Env> new_disk_env() {
  return std::make_unique<DiskEnv>();
}

leveldb::Env* disk_env() {
  // Never destroyed, as Env::Default(): stores may close during exit.
  static leveldb::Env* env = new DiskEnv();
  return env;
}

}  // namespace strata::store
