#pragma once

// Fault injection, for tests of Strata and of programs built on it: a
// FaultInjector handed to OpenOptions::testing.faults sits under every
// file the database writes (each space's store, transaction logs, branch
// metadata) and can make chosen operations fail with an I/O error, or
// simulate a power cut. Inert unless a test hands one in; nothing reads
// environment variables.
//
//   auto faults = std::make_shared<strata::testing::FaultInjector>();
//   strata::OpenOptions o;
//   o.durability = strata::Durability::Always;
//   o.testing.faults = faults;
//   auto db = strata::Strata::open(dir, o);
//   faults->fail(strata::testing::FileOp::Sync);  // the next fsync fails
//
// Only on-disk databases: a cache database ignores it.

#include <cstdint>
#include <memory>
#include <string>

#include "strata/messages/commit_step.hpp"

namespace strata::testing {

/// The file operations a fault can hit.
enum class FileOp : uint8_t {
  Append,   ///< writing to a file
  Sync,     ///< fsync of a file (LevelDB's own and Strata's group syncs)
  NewFile,  ///< creating or opening a file for writing
  Rename,   ///< renaming a file (LevelDB's CURRENT, Strata's BRANCH)
  Remove,   ///< deleting a file
};

class FaultInjector {
 public:
  FaultInjector();
  ~FaultInjector();
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  /// Operations of kind `op` on files whose path contains `path_part` (""
  /// for any) fail with an I/O error, `count` times, after `skip` of them
  /// have passed. Rules add up.
  void fail(FileOp op, std::string path_part = "", uint64_t skip = 0, uint64_t count = 1);

  /// The `n`-th file operation of any kind from now (0: the next one)
  /// fails, once. A test walks n = 0, 1, 2, ... over one call of the API
  /// until no fault fires, so that every step of it fails once.
  void fail_nth(uint64_t n);

  /// The `n`-th access (read, scan or write) of any space's store from now
  /// (0: the next one) throws an exception, once: what a library's
  /// exception or std::bad_alloc deep in a store would do. The call that
  /// hit it answers errc::Internal; the space's actor restarts.
  void throw_in_store(uint64_t n = 0);

  /// The process kills itself (SIGKILL) when a two-phase commit reaches
  /// `step` for the (skip + 1)-th time: what kill -9 or a power loss at
  /// that step leaves behind. Replaces an earlier crash_at. Works in every
  /// durability mode.
  void crash_at(CommitStep step, uint64_t skip = 0);

  /// Drops every rule (a power cut stays in force).
  void clear();

  /// How many operations a rule failed so far; how many file operations
  /// ran (failed or not).
  uint64_t injected() const;
  uint64_t operations() const;

  /// Simulates losing power now, under the open database: every file is
  /// cut back to what was synced (a file never synced is gone), and every
  /// later change fails. Then close the database (its handles report
  /// errors; nothing more reaches the files) and reopen it without the
  /// injector to see what a machine would find after the reboot. Returns
  /// what could not be done ("" when all went well).
  std::string power_cut();

  struct Impl;
  /// For the database: the injector's internals.
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::testing
