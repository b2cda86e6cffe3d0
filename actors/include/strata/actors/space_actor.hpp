#pragma once

#include <memory>
#include <string>

#include "strata/actors/context.hpp"
#include "strata/actors/interfaces.hpp"
#include "strata/store/space_store.hpp"

namespace strata::actors {

/// Everything a space actor is started with.
struct SpaceActorArgs {
  std::shared_ptr<const DatabaseContext> ctx;
  std::shared_ptr<store::CommitClock> clock;
  std::string branch;
  std::string space;
  /// Told when the space becomes registered (first write) or is dropped.
  space_registry registry;
};

struct SpaceState {
  SpaceActorArgs args;
  std::unique_ptr<store::SpaceStore> store;
  /// Set when the store could not be opened; every request gets it.
  caf::error open_error;
  bool registered = false;
  bool flush_scheduled = false;

  static inline const char* name = "strata.space";
};

/// The behaviour of a space actor: the sole owner of one space's store.
/// It opens the store at start (nothing is created before the first write)
/// and, in standard durability, syncs the log within 100 ms of a write.
space_actor::behavior_type space_behavior(space_actor::stateful_pointer<SpaceState> self,
                                          SpaceActorArgs args);

}  // namespace strata::actors
