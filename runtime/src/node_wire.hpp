#pragma once

// What a node and its clients share: the gateway's typed interface (the
// only actor a node publishes), the hello exchange, the actor system
// configuration of both sides, and the checks of a message's size.
// Internal to runtime/.

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <caf/actor_system_config.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "strata/actor.hpp"
#include "strata/node.hpp"

namespace strata::detail {

using hello_atom = caf::atom_constant<caf::atom("st_hello")>;
using connect_atom = caf::atom_constant<caf::atom("st_connect")>;
using drain_atom = caf::atom_constant<caf::atom("st_drain")>;
using retire_atom = caf::atom_constant<caf::atom("st_retire")>;

/// What a node says about itself in answer to hello.
struct NodeInfo {
  uint32_t wire_version = 0;
  /// "strata <version> at HOST:PORT serving DIR".
  std::string description;
  std::string path;
  uint8_t durability = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, NodeInfo& x) {
  return f(caf::meta::type_name("strata::NodeInfo"), x.wire_version, x.description, x.path,
           x.durability);
}

}  // namespace strata::detail

CAF_BEGIN_TYPE_ID_BLOCK(strata_node, caf::id_block::strata_api::end)
  CAF_ADD_TYPE_ID(strata_node, (strata::detail::NodeInfo))
CAF_END_TYPE_ID_BLOCK(strata_node)

namespace strata::detail {

/// The one actor a node publishes. A client says hello (with its wire
/// version) before anything else; then Command and std::vector<Command>
/// as the service actor takes them (<strata/actor.hpp>).
using gateway_actor =
    caf::typed_actor<caf::replies_to<hello_atom, uint32_t>::with<NodeInfo>,
                     caf::replies_to<Command>::with<Output>,
                     caf::replies_to<std::vector<Command>>::with<std::vector<Outcome>>>;

/// A client's connection to one node (in the client's process): the
/// service interface, plus connect (to the node, if not connected; answers
/// what the node said at hello).
using link_actor = service::extend<caf::replies_to<connect_atom>::with<NodeInfo>>;

/// The application identifier of wire protocol `version`: CAF refuses a
/// connection between systems whose identifiers differ.
std::string wire_app_id(uint32_t version);

/// Loads the middleman (and, unless `insecure`, CAF's TLS module with the
/// identity `tls`), sets the wire protocol version and heartbeats
/// (every fifth of `timeout`; a peer silent for `timeout` is dropped), and
/// registers Strata's message types. REQUIRES: before the system exists.
void configure_node(caf::actor_system_config& cfg, const TlsFiles& tls, bool insecure,
                    std::chrono::milliseconds timeout, uint32_t wire_version);

/// HOST:PORT ("[v6]:PORT" too); "localhost" becomes 127.0.0.1.
/// Errors: InvalidInput.
struct Endpoint {
  std::string host;
  uint16_t port = 0;
};
result<Endpoint> parse_endpoint(const std::string& text);
/// 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(const std::string& host);

/// What both sides require of their options: a connection timeout of at
/// least 10 ms, limits of at least one command and 4 KiB. Errors:
/// InvalidInput naming the option.
caf::error check_connection(std::chrono::milliseconds timeout, const WireLimits& limits);

/// The encoded size of a command or batch, or InvalidInput naming the
/// limit when it is past `limits` (a batch also by its length).
caf::error check_limits(caf::actor_system& sys, const Command& c, const WireLimits& limits);
caf::error check_limits(caf::actor_system& sys, const std::vector<Command>& cs,
                        const WireLimits& limits);

/// A CAF error from the network (a connection refused, dropped, timed
/// out, a handshake failed, another protocol) as errc::Unavailable or
/// errc::Timeout saying what happened at `endpoint`; strata errors pass
/// through.
caf::error network_error(caf::actor_system& sys, const caf::error& err,
                         const std::string& endpoint, const char* during);

}  // namespace strata::detail
