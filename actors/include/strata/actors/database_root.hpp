#pragma once

#include <map>
#include <memory>
#include <string>

#include "strata/actors/context.hpp"
#include "strata/actors/interfaces.hpp"

namespace strata::actors {

struct DatabaseState {
  std::shared_ptr<const DatabaseContext> ctx;
  std::map<std::string, branch_actor> branches;

  static inline const char* name = "strata.database";
};

/// The root of one database: spawns (linked) one branch supervisor per
/// branch; `default` exists from the start. Stopping the root stops every
/// branch and space actor, closing every store.
database_actor::behavior_type database_behavior(
    database_actor::stateful_pointer<DatabaseState> self,
    std::shared_ptr<const DatabaseContext> ctx);

}  // namespace strata::actors
