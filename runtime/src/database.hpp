#pragma once

// detail::Database — one open database: the actor system, the root actor,
// the process-exclusive lock and the LevelDB objects every space shares.
// Shared by all handles; closed when the last handle lets go.

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "strata/actors/context.hpp"
#include "strata/actors/interfaces.hpp"
#include "strata/strata.hpp"

namespace leveldb {
class Cache;
class Env;
class FilterPolicy;
}  // namespace leveldb

namespace strata::detail {

/// Where a database stages bundle transfers (cmd::BundleRead /
/// BundleWrite): under its directory, emptied when it opens.
inline constexpr const char* transfers_dir_name = ".transfers";

class Database : public std::enable_shared_from_this<Database> {
 public:
  /// Opens the database at `path`, or a cache database when `path` is empty.
  /// Errors: Io (cannot create the directory, locked by another process).
  /// `external`: run inside that actor system instead of one of its own.
  [[nodiscard]] static result<std::shared_ptr<Database>> open(std::optional<std::string> path,
                                                              const OpenOptions& options,
                                                              caf::actor_system* external = nullptr);
  ~Database();

  /// Strata::repair: LevelDB's repair over every store of the closed
  /// database at `path` (holding its lock meanwhile).
  [[nodiscard]] static result<uint64_t> repair(const std::string& path);

  caf::actor_system& system() { return *sys_; }
  /// The service actor (started on first use; thread-safe).
  caf::actor service();
  /// The database root (a crashed root is replaced: ask again after
  /// request_receiver_down).
  actors::database_actor root() const {
    std::lock_guard<std::mutex> lock(root_mtx_);
    return root_;
  }
  /// The database's directory as opened (a read-only open reads a
  /// snapshot of it elsewhere: files_root()).
  const std::string& path() const { return path_; }
  /// The directory the stores live in: path(), or a read-only open's
  /// snapshot.
  const std::string& files_root() const { return context_->root; }
  const OpenOptions& options() const { return options_; }
  size_t inline_budget() const { return context_->inline_budget; }
  /// The commit clocks of the running branches (actors::BranchClocks).
  const actors::BranchClocks& clocks() const { return *context_->clocks; }

 private:
  Database() = default;
  /// Spawns the root actor and finishes what a crash left (recovery).
  result<std::shared_ptr<Database>> start();

  std::string path_;
  OpenOptions options_;
  int lock_fd_ = -1;
  /// A read-only open's snapshot directory and the lock that marks it as
  /// in use (<path>/.readers/<id> and <id>.lock).
  std::string snapshot_dir_;
  int snapshot_lock_fd_ = -1;
  /// A test's fault injector, whose Env every store writes through: kept
  /// alive until the stores are closed.
  std::shared_ptr<testing::FaultInjector> faults_;
  /// A cache database's in-memory Env (on disk: store::disk_env()).
  std::unique_ptr<leveldb::Env> env_;
  std::unique_ptr<leveldb::Cache> block_cache_;
  std::unique_ptr<const leveldb::FilterPolicy> filter_;
  std::shared_ptr<actors::DatabaseContext> context_;
  caf::actor_system_config config_;
  std::unique_ptr<caf::actor_system> system_;  // null inside a user's system
  caf::actor_system* sys_ = nullptr;            // the one in use
  mutable std::mutex root_mtx_;
  actors::database_actor root_;
  std::mutex service_mtx_;
  caf::actor service_;
};

}  // namespace strata::detail
