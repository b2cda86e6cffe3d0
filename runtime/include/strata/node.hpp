#pragma once

// Nodes: a database served to other processes over CAF networking, and the
// client side of it.
//
//   // the node (or: strata serve --db DIR --cert ... --key ... --ca ...)
//   strata::ServeOptions serve;
//   serve.tls = {"node.pem", "node.key", "ca.pem"};
//   auto server = strata::Server::start("/data/agents", {}, serve);
//
//   // a client, in another process
//   strata::ConnectOptions opts;
//   opts.tls = {"client.pem", "client.key", "ca.pem"};
//   auto db = strata::Strata::connect("127.0.0.1:7878", opts);
//   db->kv_put("k", 1);            // the same API as a local handle
//
// What crosses the wire is the command protocol (<strata/command.hpp>) and
// nothing else: a node publishes one gateway actor, which takes Command and
// std::vector<Command> and answers Output / one Outcome per command.
// Failure semantics, limits and security: docs/nodes.md.
//
// This header does not include CAF.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "strata/messages/error.hpp"

namespace strata {

struct OpenOptions;  // <strata/strata.hpp>

/// The wire protocol this build speaks. A client and a node of different
/// versions are refused at the handshake (errc::Unavailable saying so).
/// 2: commands KvScan, KvScanAt, StateCasDetailed and EventRange; an import
/// name in BranchImport and BundleWrite; MergeInfo.applied.
/// 3: single writes answer WriteInfo (version and commit timestamp);
/// timestamps in BatchItemResult and CasOutcome; ForkInfo.entries_copied;
/// vector operations in transactions (TxnOpKind).
inline constexpr uint32_t wire_protocol_version = 3;

/// The PEM files of a TLS identity. Both sides present a certificate
/// signed by the CA the other side trusts (mutual TLS; CAF cannot make it
/// one-sided), and any certificate chained to that CA is accepted: use a
/// CA of its own for each deployment. The files are read at each
/// connection.
struct TlsFiles {
  std::string certificate;
  std::string key;
  std::string ca;
  /// For a passphrase-protected key.
  std::string passphrase;
};

/// Limits on what one message may carry, enforced by both sides: a
/// client refuses to send more (InvalidInput, nothing sent), a node
/// refuses to run it (InvalidInput, nothing done).
struct WireLimits {
  /// Commands in one execute_batch. REQUIRES: >= 1.
  size_t max_batch = 1024;
  /// Encoded bytes of one command or batch. REQUIRES: >= 4 KiB.
  size_t max_message_bytes = 16u << 20;
};

/// How Strata::connect reaches a node.
struct ConnectOptions {
  TlsFiles tls;
  /// Plaintext, without TLS: only to a loopback address, only against a
  /// node started with `insecure` (tests and benchmarks).
  bool insecure = false;
  /// Every call's deadline; past it the call fails with errc::Timeout
  /// (its outcome unknown). REQUIRES: >= 1 ms.
  std::chrono::milliseconds call_timeout{30000};
  /// Bound on establishing a connection, and on noticing a node that
  /// stopped answering (heartbeats every fifth of it): calls waiting on a
  /// frozen node fail with errc::Unavailable within about this long.
  /// REQUIRES: >= 10 ms.
  std::chrono::milliseconds connection_timeout{5000};
  WireLimits limits;
  /// For Strata's own tests: speak another wire protocol version.
  struct TestHooks {
    uint32_t wire_version = wire_protocol_version;
  };
  TestHooks testing;
};

/// How Server::start serves a database.
struct ServeOptions {
  /// HOST:PORT to listen on; port 0 picks a free one (Server::port). A
  /// non-loopback host must be asked for (allow_remote), so that a
  /// default never exposes a database to the network.
  std::string listen = "127.0.0.1:7878";
  bool allow_remote = false;
  /// Required unless `insecure`.
  TlsFiles tls;
  /// Plaintext: refused unless `listen` is a loopback address. Any local
  /// process can then read and write the database, and a forged message
  /// header can make the node allocate up to 4 GiB (docs/nodes.md).
  bool insecure = false;
  /// A client that stays silent this long is disconnected (its open
  /// transactions rolled back); heartbeats go every fifth of it.
  std::chrono::milliseconds connection_timeout{5000};
  WireLimits limits;
  /// One line per connection and disconnection (and at start and stop);
  /// empty: standard error.
  std::function<void(const std::string&)> log;
};

/// A database served to other processes. Stops (in-flight commands
/// answered, then the database closed) on stop() or destruction.
class Server {
 public:
  /// Opens the database at `db_path` (as Strata::open) inside an actor
  /// system of the node's own, and publishes its gateway on
  /// `serve.listen`. Errors: InvalidInput (a bad listen address, a
  /// non-loopback one without allow_remote, insecure off loopback, TLS
  /// files missing), Io (the database, the port in use).
  [[nodiscard]] static result<Server> start(const std::string& db_path, const OpenOptions& open,
                                            ServeOptions serve);

  /// The port listened on; the endpoint "HOST:PORT".
  uint16_t port() const;
  std::string endpoint() const;

  /// Stops taking commands (new ones fail Unavailable), waits for those in
  /// flight to be answered, and closes the database. Idempotent.
  void stop();

  Server(Server&&) noexcept;
  Server& operator=(Server&&) noexcept;
  ~Server();

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata
