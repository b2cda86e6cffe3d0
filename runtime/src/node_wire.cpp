// What a node and its clients share (node_wire.hpp).

#include "node_wire.hpp"

#include <caf/all.hpp>
#include <caf/detail/serialized_size.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

namespace strata::detail {

std::string wire_app_id(uint32_t version) {
  return "strata-wire-" + std::to_string(version);
}

void configure_node(caf::actor_system_config& cfg, const TlsFiles& tls, bool insecure,
                    std::chrono::milliseconds timeout, uint32_t wire_version) {
  cfg.load<caf::io::middleman>();
  if (!insecure) {
    cfg.load<caf::openssl::manager>();
    cfg.openssl_certificate = tls.certificate;
    cfg.openssl_key = tls.key;
    cfg.openssl_cafile = tls.ca;
    cfg.openssl_passphrase = tls.passphrase;
  }
  caf::config_value::list ids{caf::config_value{wire_app_id(wire_version)}};
  cfg.set("middleman.app-identifiers", std::move(ids));
  // Both sides send heartbeats: without them a frozen peer is never
  // noticed, and with them on one side only an idle healthy peer would be
  // dropped (NETWORKING.md §3).
  cfg.set("middleman.heartbeat-interval", caf::timespan{timeout / 5});
  cfg.set("middleman.connection-timeout", caf::timespan{timeout});
  cfg.add_message_types<caf::id_block::strata_node>();
  configure(cfg);
}

result<Endpoint> parse_endpoint(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return make_error(errc::InvalidInput,
                      "endpoint \"" + text + "\" is not HOST:PORT (" + why + ")");
  };
  std::string host, port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return bad("an IPv6 address is written [ADDRESS]:PORT");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos)
      return bad("no port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string::npos)
      return bad("an IPv6 address is written [ADDRESS]:PORT");
  }
  if (host.empty())
    return bad("no host");
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return bad("the port is a number from 0 to 65535");
  auto n = std::stoul(port);
  if (n > 65535)
    return bad("the port is a number from 0 to 65535");
  // CAF binds and connects to addresses; "localhost" means IPv4 loopback.
  if (host == "localhost")
    host = "127.0.0.1";
  return Endpoint{host, static_cast<uint16_t>(n)};
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

caf::error check_connection(std::chrono::milliseconds timeout, const WireLimits& limits) {
  if (timeout < std::chrono::milliseconds{10})
    return make_error(errc::InvalidInput, "connection_timeout must be at least 10 ms");
  if (limits.max_batch < 1 || limits.max_message_bytes < 4096)
    return make_error(errc::InvalidInput,
                      "limits: max_batch must be >= 1 and max_message_bytes >= 4096");
  return {};
}

namespace {

caf::error too_big(size_t bytes, const WireLimits& limits) {
  return make_error(errc::InvalidInput,
                    "message of " + std::to_string(bytes) + " bytes is over the limit of " +
                        std::to_string(limits.max_message_bytes) +
                        " bytes per message (split it, or raise WireLimits::max_message_bytes "
                        "on both sides)");
}

}  // namespace

caf::error check_limits(caf::actor_system& sys, const Command& c, const WireLimits& limits) {
  auto bytes = caf::detail::serialized_size(sys, c);
  if (bytes > limits.max_message_bytes)
    return too_big(bytes, limits);
  return {};
}

caf::error check_limits(caf::actor_system& sys, const std::vector<Command>& cs,
                        const WireLimits& limits) {
  if (cs.size() > limits.max_batch)
    return make_error(errc::InvalidInput,
                      "a batch of " + std::to_string(cs.size()) + " commands is over the limit of " +
                          std::to_string(limits.max_batch) + " commands per batch");
  auto bytes = caf::detail::serialized_size(sys, cs);
  if (bytes > limits.max_message_bytes)
    return too_big(bytes, limits);
  return {};
}

caf::error network_error(caf::actor_system& sys, const caf::error& err,
                         const std::string& endpoint, const char* during) {
  if (err.category() == error_category())
    return err;
  std::string where = " (node " + endpoint + ", " + during + ")";
  if (err.category() == caf::atom("system")) {
    switch (static_cast<caf::sec>(err.code())) {
      case caf::sec::request_timeout:
        return make_error(errc::Timeout, "no answer from the node within the deadline; the "
                                         "outcome of this call is unknown" + where);
      case caf::sec::incompatible_application_ids:
        return make_error(errc::Unavailable,
                          "the node speaks another version of Strata's wire protocol or is not "
                          "a Strata node (this client speaks " +
                              wire_app_id(wire_protocol_version) + ")" + where);
      case caf::sec::disconnect_during_handshake:
        return make_error(errc::Unavailable,
                          "the connection was closed during the handshake: the node refused "
                          "this client's TLS certificate, or this client the node's, or one "
                          "side runs without TLS" + where);
      case caf::sec::cannot_connect_to_node:
        return make_error(errc::Unavailable,
                          "cannot connect: nothing listens there, or it cannot be reached" + where);
      case caf::sec::connection_timeout:
        return make_error(errc::Unavailable,
                          "the node stopped answering (no heartbeat within the connection "
                          "timeout)" + where);
      case caf::sec::unexpected_actor_messaging_interface:
      case caf::sec::no_actor_published_at_port:
        return make_error(errc::Unavailable,
                          "no Strata gateway of this protocol version is published there" + where);
      default:
        break;
    }
  }
  return make_error(errc::Unavailable, sys.render(err) + where);
}

}  // namespace strata::detail

namespace strata {

void configure_client(caf::actor_system_config& cfg, const ConnectOptions& options) {
  detail::configure_node(cfg, options.tls, options.insecure, options.connection_timeout,
                         options.testing.wire_version);
}

}  // namespace strata

// -- OpenSSL's error queue -------------------------------------------------------
//
// CAF 0.17.6's TLS module (libcaf_openssl, openssl/session.cpp) calls
// SSL_get_error after SSL_read, SSL_write, SSL_accept and SSL_connect
// without first emptying the thread's OpenSSL error queue, and empties it
// only inside log statements, which Debian's build compiles out. Every
// connection's I/O runs on the one multiplexer thread, so the errors a
// refused handshake leaves in the queue make the next SSL_read of a healthy
// connection report SSL_ERROR_SSL, and CAF drops that connection: one
// client with a bad certificate disconnected every good client (measured;
// tests/nodes, refused_clients_do_not_stop_the_node). OpenSSL requires an
// empty queue before each of these calls (SSL_get_error(3)). The
// definitions below come first in symbol lookup (they are in the
// executable that links Strata), empty the queue, and call libssl's own.

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

template <class F>
F next_definition(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  static auto real = next_definition<int (*)(SSL*, void*, int)>("SSL_read");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static auto real = next_definition<int (*)(SSL*, const void*, int)>("SSL_write");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_accept(SSL* ssl) {
  static auto real = next_definition<int (*)(SSL*)>("SSL_accept");
  ERR_clear_error();
  return real(ssl);
}

int SSL_connect(SSL* ssl) {
  static auto real = next_definition<int (*)(SSL*)>("SSL_connect");
  ERR_clear_error();
  return real(ssl);
}

}  // extern "C"
