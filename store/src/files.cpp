#include "strata/store/files.hpp"
#include "strata/store/fault_env.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include <fcntl.h>
#include <unistd.h>

#include <leveldb/env.h>

namespace strata::store {

caf::error sync_log_files(const std::string& dir, leveldb::Env* env) {
  auto* faults = as_fault_env(env);
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec), end;
  if (ec)
    return ec == std::errc::no_such_file_or_directory
               ? caf::error{}
               : make_error(errc::Io, "cannot list " + dir + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    const auto& path = it->path();
    if (path.extension() != ".log")
      continue;
    if (faults)
      if (auto st = faults->before_path_sync(path.string()); !st.ok())
        return make_error(errc::Io, "sync failed for " + path.string() + ": " + st.ToString());
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT)
        continue;
      return make_error(errc::Io, "cannot open " + path.string() + ": " + std::strerror(errno));
    }
    int rc = ::fdatasync(fd);
    int saved = errno;
    ::close(fd);
    if (rc != 0)
      return make_error(errc::Io, "sync failed for " + path.string() + ": " + std::strerror(saved));
    if (faults)
      faults->after_path_sync(path.string());
  }
  if (ec)
    return make_error(errc::Io, "cannot list " + dir + ": " + ec.message());
  return {};
}

namespace fs = std::filesystem;

namespace {

bool is_table_file(const std::string& name) {
  auto ends_with = [&](const char* suffix) {
    std::string s{suffix};
    return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  return ends_with(".ldb") || ends_with(".sst");
}

}  // namespace

std::vector<std::string> list_dir(leveldb::Env* env, const std::string& dir) {
  std::vector<std::string> out;
  if (!env->GetChildren(dir, &out).ok())
    return {};
  std::vector<std::string> names;
  for (auto& name : out)
    if (name != "." && name != "..")
      names.push_back(std::move(name));
  return names;
}

std::set<std::string> list_subdirs(leveldb::Env* env, const std::string& dir) {
  std::set<std::string> out;
  for (const auto& entry : list_dir(env, dir))
    out.insert(entry.substr(0, entry.find('/')));
  return out;
}

namespace {

// Creates the directory `path` goes into (on disk; the in-memory Env has
// no directories).
caf::error make_parent(const std::string& path, bool on_disk) {
  if (!on_disk)
    return {};
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec)
    return make_error(errc::Io, "cannot create directory for " + path + ": " + ec.message());
  return {};
}

}  // namespace

caf::error write_file(leveldb::Env* env, const std::string& path, const std::string& data,
                      bool on_disk) {
  if (auto err = make_parent(path, on_disk))
    return err;
  auto st = leveldb::WriteStringToFile(env, data, path);
  if (!st.ok())
    return make_error(errc::Io, "cannot write " + path + ": " + st.ToString());
  return {};
}

result<std::string> read_file(leveldb::Env* env, const std::string& path) {
  std::string data;
  auto st = leveldb::ReadFileToString(env, path, &data);
  if (!st.ok())
    return make_error(errc::Io, "cannot read " + path + ": " + st.ToString());
  return data;
}

namespace {

// A checked file ends with the first bytes of its data's SHA-256.
constexpr size_t check_bytes = 8;

std::string check_of(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(md), check_bytes);
}

}  // namespace

caf::error write_checked_file(leveldb::Env* env, const std::string& path, const std::string& data,
                              bool on_disk) {
  if (auto err = make_parent(path, on_disk))
    return err;
  auto tmp = path + ".tmp";
  leveldb::WritableFile* raw = nullptr;
  auto st = env->NewWritableFile(tmp, &raw);
  if (st.ok()) {
    std::unique_ptr<leveldb::WritableFile> file{raw};
    st = file->Append(data + check_of(data));
    if (st.ok())
      st = file->Sync();
    if (st.ok())
      st = file->Close();
  }
  if (st.ok())
    st = env->RenameFile(tmp, path);
  if (!st.ok()) {
    (void)env->RemoveFile(tmp);
    return make_error(errc::Io, "cannot write " + path + ": " + st.ToString());
  }
  return {};
}

result<std::string> read_checked_file(leveldb::Env* env, const std::string& path) {
  auto data = read_file(env, path);
  if (!data)
    return data;
  if (data->size() < check_bytes)
    return make_error(errc::Corruption, path + " is truncated (" + std::to_string(data->size()) +
                                            " bytes)");
  auto body = std::string_view(*data).substr(0, data->size() - check_bytes);
  if (check_of(body) != std::string_view(*data).substr(body.size()))
    return make_error(errc::Corruption, path + ": checksum mismatch");
  data->resize(body.size());
  return data;
}

caf::error sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return make_error(errc::Io, "cannot open " + dir + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0)
    return make_error(errc::Io, "cannot sync " + dir + ": " + std::strerror(saved));
  return {};
}

caf::error remove_tree(leveldb::Env* env, const std::string& dir, bool on_disk) {
  if (on_disk) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec)
      return make_error(errc::Io, "cannot remove " + dir + ": " + ec.message());
    return {};
  }
  // The in-memory Env has no directories: every file below `dir` is listed
  // with its path relative to it.
  for (const auto& name : list_dir(env, dir))
    (void)env->RemoveFile(dir + "/" + name);
  return {};
}

caf::error copy_db_dir(leveldb::Env* env, const std::string& from, const std::string& to,
                       bool on_disk) {
  if (on_disk) {
    std::error_code ec;
    fs::create_directories(to, ec);
    if (ec)
      return make_error(errc::Io, "cannot create " + to + ": " + ec.message());
    for (const auto& entry : fs::directory_iterator(from, ec)) {
      auto name = entry.path().filename().string();
      if (name == "LOCK" || name.rfind("LOG", 0) == 0)
        continue;  // per-instance files, recreated by LevelDB
      auto target = fs::path(to) / name;
      if (is_table_file(name))
        fs::create_hard_link(entry.path(), target, ec);
      else
        fs::copy_file(entry.path(), target, fs::copy_options::overwrite_existing, ec);
      if (ec)
        return make_error(errc::Io, "cannot copy " + entry.path().string() + ": " + ec.message());
    }
    if (ec)
      return make_error(errc::Io, "cannot list " + from + ": " + ec.message());
    return {};
  }
  for (const auto& name : list_dir(env, from)) {
    if (name == "LOCK" || name.rfind("LOG", 0) == 0)
      continue;
    auto data = read_file(env, from + "/" + name);
    if (!data)
      return data.error();
    if (auto err = write_file(env, to + "/" + name, *data, false))
      return err;
  }
  return {};
}

}  // namespace strata::store
