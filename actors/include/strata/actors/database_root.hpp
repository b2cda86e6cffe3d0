#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_addr.hpp>

#include "strata/actors/context.hpp"
#include "strata/actors/interfaces.hpp"

namespace strata::actors {

struct DatabaseState {
  std::shared_ptr<const DatabaseContext> ctx;
  /// Running branch supervisors by name.
  std::map<std::string, branch_actor> branches;
  /// Branch metadata by name (sorted: list_branches reads it in order).
  std::map<std::string, BranchInfo> infos;
  /// A branch directory whose BRANCH file exists but does not read back
  /// (damaged): recovery, and so opening the database, fails with it
  /// rather than going on without the branch.
  caf::error damaged;
  /// What to do when a monitored actor (a branch being deleted) is down.
  std::map<caf::actor_addr, std::function<void()>> on_down;
  /// Names of branches being deleted (their files are still there), with
  /// the requests that create a branch of the name again: each is sent
  /// here once more when the deletion has finished.
  std::map<std::string, std::vector<std::function<void()>>> deleting;
  /// Branch supervisors still to go down before the root stops (told to
  /// stop by an exit message).
  size_t stopping = 0;

  static inline const char* name = "strata.database";
};

/// The root of one database: spawns (linked) one branch supervisor per
/// branch; `default` exists from the start. An exit message stops every
/// branch (and so every space actor, closing every store); the root goes
/// down itself only once all of them are down, so that whoever monitors it
/// knows the database is closed (a database inside a user's actor system
/// cannot wait for the whole system).
database_actor::behavior_type database_behavior(
    database_actor::stateful_pointer<DatabaseState> self,
    std::shared_ptr<const DatabaseContext> ctx);

}  // namespace strata::actors
