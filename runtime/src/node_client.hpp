#pragma once

// detail::Remote — one client connection to a node: an actor system of its
// own (a TLS identity belongs to a whole CAF system) and the link actor,
// through which every handle of the connection sends its commands. The
// link gives every call a deadline, fails every call in flight at once
// when the connection drops, and reconnects on the next call.
// Internal to runtime/.

#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <caf/io/middleman_actor.hpp>

#include "node_wire.hpp"

namespace strata::detail {

/// The link actor of a connection to `ep` (written `endpoint` in errors):
/// it connects through `manager` (the middleman's connect service, or the
/// TLS module's; a test's stand-in), says hello, forwards calls with their
/// deadline, fails every waiting call with Unavailable when the gateway's
/// proxy goes down, and connects again on the next call.
link_actor spawn_link(caf::actor_system& sys, Endpoint ep, std::string endpoint,
                      ConnectOptions options, caf::io::middleman_actor manager);

class Remote {
 public:
  /// Connects to the node at `endpoint` (HOST:PORT) and says hello.
  /// Errors: InvalidInput (endpoint, options), Unavailable (no node there,
  /// refused handshake, another protocol version), Timeout.
  /// `external`: a user's actor system (configured by
  /// strata::configure_client) to run the link in, instead of one of the
  /// connection's own.
  [[nodiscard]] static result<std::shared_ptr<Remote>> connect(const std::string& endpoint,
                                                               const ConnectOptions& options,
                                                               caf::actor_system* external = nullptr);
  ~Remote();

  caf::actor_system& system() { return *sys_; }
  const link_actor& link() const { return link_; }
  const std::string& endpoint() const { return endpoint_; }
  /// What the node said at the first hello.
  const NodeInfo& info() const { return info_; }

 private:
  Remote() = default;

  std::string endpoint_;
  NodeInfo info_;
  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> own_sys_;  // null in a user's system
  caf::actor_system* sys_ = nullptr;            // the one in use
  link_actor link_;
};

}  // namespace strata::detail
