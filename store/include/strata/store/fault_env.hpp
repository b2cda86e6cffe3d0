#pragma once

// FaultEnv: a leveldb::Env for tests that injects I/O errors and simulates
// a power cut (after LevelDB's own fault_injection_test). Every store of a
// database opened with it (OpenOptions::testing.faults) goes through it,
// and so do the group-sync lanes (sync_log_files).
//
// Faults: a rule makes operations of one kind (optionally only on paths
// containing a substring) fail with an I/O error, after letting `skip`
// pass, `count` times. Power cut: every file written through this Env is
// cut back to what was synced (a file never synced disappears, unless it
// existed before this Env opened it for appending), and from then on
// every operation that would change a file fails — the process is "dead"
// until the test closes it and reopens without faults.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <leveldb/env.h>

namespace strata::store {

class FaultEnv final : public leveldb::EnvWrapper {
 public:
  enum class Op : uint8_t { Append, Sync, NewWritableFile, Rename, Remove };

  explicit FaultEnv(leveldb::Env* base);
  ~FaultEnv() override;

  /// Adds a rule: the operations of kind `op` on paths containing
  /// `path_part` ("" for any) fail, `count` times, after `skip` pass.
  void fail(Op op, std::string path_part, uint64_t skip, uint64_t count);
  /// Fails the `n`-th (from 0) mutating operation of any kind from now on,
  /// once: the sweep tests walk n over every step of an operation.
  void fail_nth(uint64_t n);
  /// The `n`-th (from 0) store access from now on throws, once: a space
  /// store's read, scan or write (SpaceStore calls exception_point), so
  /// that tests see what an exception deep in a store does to its actor.
  void throw_nth(uint64_t n);
  /// Throws std::runtime_error naming `where` when throw_nth says so.
  void exception_point(const char* where);

  /// Removes every rule (a power cut stays in force).
  void clear();
  /// How many operations failed by a rule so far, and how many mutating
  /// operations ran (failed or not).
  uint64_t injected() const;
  uint64_t operations() const;

  /// Cuts every file back to its synced length and refuses every later
  /// change. Errors go to the returned message (empty: done).
  std::string power_cut();

  /// The group-sync hook (sync_log_files): the fsync of `path` by file
  /// name. Fails when a rule says so; records the sync otherwise.
  leveldb::Status before_path_sync(const std::string& path);
  void after_path_sync(const std::string& path);

  // -- leveldb::Env ----------------------------------------------------------------
  leveldb::Status NewWritableFile(const std::string& f, leveldb::WritableFile** r) override;
  leveldb::Status NewAppendableFile(const std::string& f, leveldb::WritableFile** r) override;
  leveldb::Status RemoveFile(const std::string& f) override;
  leveldb::Status RenameFile(const std::string& from, const std::string& to) override;

  // Used by the wrapped files.
  leveldb::Status check(Op op, const std::string& path);
  void appended(const std::string& path, uint64_t bytes);
  void synced(const std::string& path);

 private:
  struct Rule {
    Op op;
    std::string path_part;
    uint64_t skip;
    uint64_t count;
  };
  struct FileState {
    uint64_t size = 0;         // bytes written through this Env (plus the start)
    uint64_t synced = 0;       // bytes known to be on disk
    bool existed = false;      // there before this Env first opened it
  };

  mutable std::mutex mtx_;
  std::vector<Rule> rules_;
  std::map<std::string, FileState> files_;
  bool dead_ = false;
  uint64_t injected_ = 0;
  uint64_t operations_ = 0;
  uint64_t nth_ = UINT64_MAX;  // fail_nth target, as an operations_ count
  uint64_t accesses_ = 0;       // exception_point calls
  uint64_t throw_at_ = UINT64_MAX;
};

/// The FaultEnv behind `env`, or nullptr when it is a plain Env.
FaultEnv* as_fault_env(leveldb::Env* env);

}  // namespace strata::store
