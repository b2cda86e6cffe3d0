#pragma once

// The service actor of a database (<strata/actor.hpp>): takes commands as
// messages from any actor and runs them on a few executor threads, each
// with its own handle on the database. Internal to runtime/.

#include <caf/actor.hpp>

namespace strata::detail {

class Database;

/// Spawns the service and its executors in `db`'s actor system. They hold
/// `db` without owning it: Database's destructor stops them first.
caf::actor spawn_service(Database& db);

}  // namespace strata::detail
