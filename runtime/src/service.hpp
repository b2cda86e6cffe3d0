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

/// For protocol tests on CAF's test coordinator: a service with no
/// database behind it. Commands find their actors through `root` (a
/// stand-in answering branch_open with a branch that answers
/// space_resolve); there are no executors, so commands that need one
/// (transactions, composites, batches) answer Unavailable.
caf::actor spawn_service_on(caf::actor_system& sys, caf::actor root, size_t max_in_flight);

}  // namespace strata::detail
