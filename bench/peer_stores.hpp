#pragma once

// The systems bench/peers compares, each behind the same small interface:
// Strata (one handle, one space) and four peers — raw LevelDB with the
// options of a Strata space, RocksDB, SQLite and LMDB — each used the way
// its own documentation suggests for a key-value table, one write per
// transaction.
//
// Every failed call ends the process with a message (bench_util.hpp
// fail()): a put that failed must not be timed as a fast one.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace strata::bench {

/// How writes reach the disk.
enum class Sync {
  /// Each system's usual setting, which returns before an fsync:
  /// Strata's standard durability, LevelDB and RocksDB sync=false, SQLite
  /// WAL with synchronous=NORMAL, LMDB with MDB_NOSYNC. What a crash
  /// loses differs: System::durability says it.
  Relaxed,
  /// An fsync (or fdatasync) before every write returns: Strata's
  /// Durability::Always, LevelDB and RocksDB sync=true, SQLite WAL with
  /// synchronous=FULL, LMDB's default.
  Always,
};

/// One open database (or one Strata handle). Not thread-safe: one thread
/// uses one store. Destroying it closes it.
class Store {
 public:
  virtual ~Store() = default;

  /// Creates or overwrites `key`, in a transaction of its own.
  virtual void put(std::string_view key, std::string_view value) = 0;

  /// Copies the value of `key` into a buffer the store keeps. False when
  /// the key is absent (not an error).
  virtual bool get(std::string_view key) = 0;

  /// Copies up to `n` entries, keys and values, with keys after `after`
  /// (exclusive, as Strata's scan cursor), in key order, into a page the
  /// store keeps, as a caller of a page would. Returns how many it copied.
  virtual size_t scan(std::string_view after, size_t n) = 0;
};

using Stores = std::vector<std::unique_ptr<Store>>;

/// What one Sync mode is for one system: its setting, and what a machine
/// crash or power loss may cost. (A killed process loses nothing in any
/// of them: every write has reached the OS when the call returns.)
struct WriteSafety {
  const char* setting;
  const char* on_crash;
};

/// One system: its name, what each Sync mode means for it, and how to open
/// it.
struct System {
  const char* name;
  WriteSafety relaxed;
  WriteSafety always;
  /// Opens `count` stores under the empty directory `dir`, one for each
  /// thread of a parallel workload: Strata opens one database with a
  /// handle per store, each on a space of its own; a peer opens a
  /// database per store in a subdirectory (a Strata space is a LevelDB
  /// store of its own, so each peer gets the same independence).
  Stores (*open)(const std::filesystem::path& dir, Sync sync, int count);

  const WriteSafety& safety(Sync sync) const { return sync == Sync::Always ? always : relaxed; }
};

/// Strata first, then the peers: LevelDB, RocksDB, SQLite, LMDB.
const std::vector<System>& systems();

/// The versions of the peer libraries this process runs with (SQLite and
/// LMDB as their shared libraries report them).
std::string peer_versions();

}  // namespace strata::bench
