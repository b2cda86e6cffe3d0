#pragma once

// Strata for CAF actors: the database inside your own actor system, and
// the service actor that takes commands (<strata/command.hpp>) as
// messages, so that an agent written as an actor never blocks on Strata.
//
//   caf::actor_system_config cfg;
//   strata::configure(cfg);                       // Strata's message types
//   caf::actor_system sys{cfg};
//   auto db = strata::Strata::open(sys, "/data/agents");
//   auto svc = db->service();
//   // in an actor:
//   self->request(svc, std::chrono::seconds(1),
//                 strata::Command{strata::cmd::KvPut{{"default", "memory"}, "k", 42}})
//       .then([](const strata::Output& out) { /* std::get<strata::WriteInfo>(out).version */ },
//             [](const caf::error& err) { /* strata::kind_of(err) */ });
//
// The service (strata::service):
// - Command -> Output, or an error carrying strata::errc (exactly what
//   Strata::execute gives for the same state);
// - std::vector<Command> -> std::vector<Outcome>, one per command, run in
//   order (as execute_batch; cmd::Begin is refused inside a batch: send it
//   alone, so that the service knows who owns the transaction).
// - Order: commands one client sends to one target (branch, space), and
//   every command of one transaction, run in the order sent. Commands to
//   different targets may run concurrently: wait for a reply (or send one
//   batch) where order across spaces matters.
// - Backpressure: each client (sending actor) may have at most
//   OpenOptions::service_max_in_flight requests in flight; more are
//   answered at once with errc::Busy and do nothing. Each client may hold
//   at most 1,024 open transactions (more: Busy).
// - Transactions: cmd::Begin returns an id owned by the actor that sent
//   it; commands naming it in Target::txn run in it. When the owner dies,
//   its open transactions are rolled back.
// - Lifetime: the service runs while a Strata handle of the database is
//   open; once the last handle closes, requests to it fail
//   (caf::sec::request_receiver_down).
//
// This header includes CAF.

#include <caf/actor_system_config.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "strata/command_wire.hpp"
#include "strata/strata.hpp"

namespace strata {

/// The typed handle of a database's service actor.
using service = caf::typed_actor<caf::replies_to<Command>::with<Output>,
                                 caf::replies_to<std::vector<Command>>::with<std::vector<Outcome>>>;

/// Registers Strata's message types and its error category (rendering
/// "Kind: message") with `cfg`. Call it on the configuration of an actor
/// system before Strata::open(system, ...) / cache(system, ...), and on
/// every system that exchanges Strata's messages.
void configure(caf::actor_system_config& cfg);

/// Prepares `cfg` for Strata::connect(system, ...): loads CAF's middleman
/// and (unless options.insecure) its TLS module with options.tls as the
/// system's identity, turns heartbeats on (options.connection_timeout),
/// sets the wire protocol version, and does what configure() does. Call
/// it before the actor system exists.
void configure_client(caf::actor_system_config& cfg, const ConnectOptions& options);

namespace detail {

/// What Strata::service() needs of this header (see there).
struct ServiceTraits {
  using handle = strata::service;
  static handle get(const Strata& db);
};

}  // namespace detail

}  // namespace strata
