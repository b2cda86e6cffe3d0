// Trimming a torn tail off LevelDB's write-ahead logs before a reopen.
//
// Why: stores are opened with reuse_logs (leveldb_util.cpp), so LevelDB
// appends to the last log and manifest after reopening instead of starting
// new ones. A crash or power cut can leave a log ending in a torn record: a
// header whose payload is missing, half a header, a fragmented record
// without its last fragment, or a zero-filled region. LevelDB's recovery
// reads such a tail as the end of the log, and then appends new records
// after it; the next recovery finds the new records behind the torn one
// and reports corruption (paranoid checks: the store no longer opens) or,
// without paranoid checks, silently drops them. So before each open the
// tail of every log and manifest is cut back to the end of its last
// complete record. Only a tail is ever cut: damage followed by intact data
// is left for the paranoid open to report.
//
// LevelDB's log format (db/log_format.h, stable since 2011): 32 KiB
// blocks; each physical record is a 7-byte header (CRC32C 4, length 2
// little-endian, type 1) and its payload, inside one block; fewer than 7
// bytes left at a block's end are zero padding. Types: 1 full, 2 first,
// 3 middle, 4 last (a logical record is a full one, or first, middles and
// a last); 0 with length 0 is a preallocated (zero) region.

#include "strata/store/log_tail.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <fcntl.h>
#include <unistd.h>

namespace strata::store {

namespace {

constexpr uint64_t block_size = 32768;
constexpr uint64_t header_size = 7;

enum : uint8_t { zero_type = 0, full_type = 1, first_type = 2, middle_type = 3, last_type = 4 };

bool all_zero(const std::string& s, uint64_t from) {
  for (uint64_t i = from; i < s.size(); ++i)
    if (s[i] != '\0')
      return false;
  return true;
}

}  // namespace

uint64_t log_valid_length(const std::string& log) {
  const uint64_t n = log.size();
  uint64_t pos = 0;
  uint64_t valid = 0;  // end of the last complete logical record
  while (pos < n) {
    uint64_t left = block_size - pos % block_size;
    if (left < header_size) {  // block trailer: zero padding
      pos += left;
      continue;
    }
    if (pos + header_size > n)
      return valid;  // half a header at the end: torn
    auto length = static_cast<uint64_t>(static_cast<uint8_t>(log[pos + 4])) |
                  static_cast<uint64_t>(static_cast<uint8_t>(log[pos + 5])) << 8;
    auto type = static_cast<uint8_t>(log[pos + 6]);
    if (type == zero_type && length == 0) {
      // A zero region: a tail if nothing but zeros follows; otherwise
      // damage in the middle, not ours to cut.
      return all_zero(log, pos) ? valid : n;
    }
    if (header_size + length > left || type > last_type)
      return n;  // not a record LevelDB writes: damage, left for the open to report
    if (pos + header_size + length > n)
      return valid;  // payload cut off at the end: torn
    pos += header_size + length;
    if (type == full_type || type == last_type)
      valid = pos;
  }
  // The end: whatever follows the last complete logical record (the first
  // fragments of one never finished, block padding) is tail.
  return valid;
}

caf::error trim_log_tails(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    auto name = entry.path().filename().string();
    bool log = entry.path().extension() == ".log";
    bool manifest = name.rfind("MANIFEST-", 0) == 0;
    if (!log && !manifest)
      continue;
    const auto path = entry.path().string();
    std::ifstream in(path, std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad())
      return make_error(errc::Io, "cannot read " + path);
    auto valid = log_valid_length(bytes);
    if (valid >= bytes.size())
      continue;
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
      return make_error(errc::Io, "cannot open " + path + ": " + std::strerror(errno));
    int rc = ::ftruncate(fd, static_cast<off_t>(valid));
    if (rc == 0)
      rc = ::fdatasync(fd);
    int saved = errno;
    ::close(fd);
    if (rc != 0)
      return make_error(errc::Io, "cannot trim the torn tail of " + path + ": " +
                                      std::strerror(saved));
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    return make_error(errc::Io, "cannot list " + dir + ": " + ec.message());
  return {};
}

}  // namespace strata::store
