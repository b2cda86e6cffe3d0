#pragma once

// File operations on a LevelDB Env, so that the same code serves databases
// on disk and in memory (Durability::Cache): branch directories, small
// metadata files, copies of space stores for forks.

#include <set>
#include <string>
#include <vector>

#include "strata/messages/error.hpp"

namespace leveldb {
class Env;
}  // namespace leveldb

namespace strata::store {

/// Names directly (on disk) or transitively (in memory) below `dir`; empty
/// when it does not exist.
std::vector<std::string> list_dir(leveldb::Env* env, const std::string& dir);

/// The distinct first path components below `dir`: its subdirectories on
/// disk; in memory, the directories the files below it were written under.
std::set<std::string> list_subdirs(leveldb::Env* env, const std::string& dir);

/// fdatasync()s every LevelDB log file (*.log) in the on-disk directory
/// `dir` (SpaceStore::sync_job). A log that disappears meanwhile was
/// retired by LevelDB after its data went to a synced table file: not an
/// error, nor is a missing directory (a dropped store). Thread-safe.
/// `env`: the database's Env, consulted when it is a FaultEnv (tests).
[[nodiscard]] caf::error sync_log_files(const std::string& dir, leveldb::Env* env);

/// Writes `data` to `path` (creating parent directories on disk).
[[nodiscard]] caf::error write_file(leveldb::Env* env, const std::string& path,
                                    const std::string& data, bool on_disk);

/// Reads a whole file. Errors: Io.
[[nodiscard]] result<std::string> read_file(leveldb::Env* env, const std::string& path);

/// Writes a small metadata file (a branch's BRANCH) whole or not at all:
/// `data` and a checksum go to a temporary file, which is synced (on disk)
/// and renamed over `path`.
[[nodiscard]] caf::error write_checked_file(leveldb::Env* env, const std::string& path,
                                            const std::string& data, bool on_disk);

/// Reads what write_checked_file wrote. Errors: Io (unreadable),
/// Corruption naming `path` (too short, or the checksum does not match).
[[nodiscard]] result<std::string> read_checked_file(leveldb::Env* env, const std::string& path);

/// Runs LevelDB's repair over the closed store in `dir` (on disk): keeps
/// every record whose checksum holds, drops damaged ones, rebuilds the
/// manifest. Errors: Io.
[[nodiscard]] caf::error repair_store(const std::string& dir);

/// fsyncs the directory `dir` itself (its entries: a rename, a new file).
/// Errors: Io.
[[nodiscard]] caf::error sync_dir(const std::string& dir);

/// Removes `dir` and everything below it. Not an error when absent.
[[nodiscard]] caf::error remove_tree(leveldb::Env* env, const std::string& dir, bool on_disk);

/// Copies the files of a closed LevelDB directory into `to` (created). On
/// disk, immutable table files are hard-linked, so the cost does not grow
/// with the data; the log, manifest and small files are copied.
[[nodiscard]] caf::error copy_db_dir(leveldb::Env* env, const std::string& from,
                                     const std::string& to, bool on_disk);

}  // namespace strata::store
