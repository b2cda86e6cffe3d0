#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <caf/actor_addr.hpp>

#include "strata/actors/context.hpp"
#include "strata/actors/interfaces.hpp"
#include "strata/actors/orphans.hpp"

namespace strata::actors {

/// What a root that crashed leaves to the root started in its place: its
/// branch supervisors, which go down with it (they are linked) but keep
/// their stores open until their space actors are down, with where each
/// leaves its space actors if it goes down at once. The new root starts
/// those branches again only once all of them are down.
using RootHandover = Orphans<std::pair<branch_actor, std::shared_ptr<Orphans<space_actor>>>>;

struct DatabaseState {
  DatabaseState() = default;
  DatabaseState(const DatabaseState&) = delete;
  DatabaseState& operator=(const DatabaseState&) = delete;
  /// Hands the running branches to the next root (RootHandover).
  ~DatabaseState();

  std::shared_ptr<const DatabaseContext> ctx;
  std::shared_ptr<RootHandover> handover;
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
  /// Branches to start again once what a crash left of them is down (the
  /// old supervisor of a crashed root, the space actors of a crashed
  /// branch), with the requests to open them, sent here again once they
  /// have restarted.
  std::map<std::string, std::vector<std::function<void()>>> restarting;
  /// Per running branch, where its supervisor leaves its space actors if
  /// it crashes.
  std::map<std::string, std::shared_ptr<Orphans<space_actor>>> orphans;

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
    std::shared_ptr<const DatabaseContext> ctx, std::shared_ptr<RootHandover> handover);

/// Spawns the root and supervises it: a root that goes down for any
/// reason but a shutdown (user_shutdown) is started again at once, with
/// what it left (RootHandover). `published` is called with every root
/// spawned, the first one included, from the thread that spawned it (the
/// crashed root's, for a restart); it must not block.
database_actor spawn_supervised_root(caf::actor_system& sys,
                                     std::shared_ptr<const DatabaseContext> ctx,
                                     std::function<void(const database_actor&)> published);

}  // namespace strata::actors
