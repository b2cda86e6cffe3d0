#pragma once

// Small helpers shared by the store's sources for talking to LevelDB.

#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include <leveldb/options.h>
#include <leveldb/slice.h>
#include <leveldb/status.h>

#include "strata/messages/error.hpp"
#include "strata/store/options.hpp"

namespace leveldb {
class DB;
}  // namespace leveldb

namespace strata::store {

inline bool starts_with(const leveldb::Slice& s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}

inline std::string_view view(const leveldb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

/// A failed LevelDB status as a strata error: Corruption when LevelDB
/// found damaged data (a checksum mismatch, a torn record), Io otherwise.
inline caf::error io_error(const leveldb::Status& s, const std::string& what) {
  return make_error(s.IsCorruption() ? errc::Corruption : errc::Io, what + ": " + s.ToString());
}

/// The options of every read: block checksums verified, so that a damaged
/// table block is an error rather than missing or wrong data (issue 18;
/// the cost, measured in bench/kv_bench, is in docs/benchmarks.md).
inline leveldb::ReadOptions read_options() {
  leveldb::ReadOptions ro;
  ro.verify_checksums = true;
  return ro;
}

/// How open_leveldb treats a missing or an existing database.
enum class OpenMode {
  Existing,         ///< open only what is there
  CreateIfMissing,  ///< open, creating it (and its directory) if missing
  CreateNew,        ///< create; an existing database is an error
};

/// Opens the LevelDB in `dir` with the options every store of a database
/// shares (Env, block cache, filter policy, file and memtable budgets), so
/// that table files look the same whoever wrote them. On disk, creating
/// modes make the directory first. `what` names the database in errors
/// ("cannot open <what> <dir>: ...").
[[nodiscard]] result<std::unique_ptr<leveldb::DB>> open_leveldb(const StoreOptions& options,
                                                                const std::string& dir,
                                                                OpenMode mode,
                                                                std::string_view what);

}  // namespace strata::store
