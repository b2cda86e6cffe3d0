// The node side: the gateway actor, one peer actor per client, and
// strata::Server.
//
// The gateway is the only actor a node publishes, and it answers every
// request itself (replies carry their sender: an internal actor answering
// a client directly would become addressable from the network,
// NETWORKING.md §5). Each client (the link actor of one connection) gets a
// peer actor, which sends that client's commands to the database's
// service: the service sees the peer as the owner of the client's
// transactions, so when the connection drops and the peer goes, they are
// rolled back (the peer waits for its calls in flight first).

#include "strata/node.hpp"

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <unistd.h>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>

#include "node_wire.hpp"
#include "strata/actors/exceptions.hpp"

namespace strata {

namespace detail {

namespace {

// -- peers -------------------------------------------------------------------------

struct PeerState {
  size_t in_flight = 0;
  bool retired = false;
  static inline const char* name = "strata.peer";
};

using peer_ptr = caf::stateful_actor<PeerState>*;

// Sends `msg` to the service as this peer and answers with its reply.
template <class R, class M>
caf::result<R> to_service(peer_ptr self, const caf::actor& svc, M&& msg) {
  ++self->state.in_flight;
  auto done = [self] {
    if (--self->state.in_flight == 0 && self->state.retired)
      self->quit();
  };
  auto rp = self->make_response_promise<R>();
  self->request(svc, caf::infinite, std::forward<M>(msg))
      .then(
          [rp, done](R& out) mutable {
            rp.deliver(std::move(out));
            done();
          },
          [rp, done](caf::error& err) mutable {
            rp.deliver(std::move(err));
            done();
          });
  return rp;
}

caf::behavior peer(peer_ptr self, caf::actor svc) {
  self->set_exception_handler(actors::exception_error);
  return {
      [self, svc](Command& c) -> caf::result<Output> {
        return to_service<Output>(self, svc, std::move(c));
      },
      [self, svc](std::vector<Command>& cs) -> caf::result<std::vector<Outcome>> {
        return to_service<std::vector<Outcome>>(self, svc, std::move(cs));
      },
      // Its client is gone: once its calls are answered, the peer goes,
      // and the service rolls back the transactions it owned.
      [self](retire_atom) {
        self->state.retired = true;
        if (self->state.in_flight == 0)
          self->quit();
      },
  };
}

// -- the gateway ---------------------------------------------------------------------

/// Commands in flight through the gateway, and whether it still takes new
/// ones: Server::stop waits here for the last answer.
struct Drain {
  std::mutex mtx;
  std::condition_variable cv;
  size_t in_flight = 0;
  bool draining = false;

  bool enter() {
    std::lock_guard<std::mutex> lock(mtx);
    if (draining)
      return false;
    ++in_flight;
    return true;
  }
  void leave() {
    std::lock_guard<std::mutex> lock(mtx);
    if (--in_flight == 0)
      cv.notify_all();
  }
  void drain() {
    std::unique_lock<std::mutex> lock(mtx);
    draining = true;
    cv.wait(lock, [this] { return in_flight == 0; });
  }
};

struct ClientInfo {
  caf::actor peer;
  std::string who;
};

struct GatewayState {
  caf::actor service;
  NodeInfo info;
  WireLimits limits;
  std::shared_ptr<Drain> drain;
  std::function<void(const std::string&)> log;
  std::unordered_map<caf::actor_addr, ClientInfo> clients;
  uint64_t connections = 0;
  static inline const char* name = "strata.gateway";
};

using gateway_ptr = gateway_actor::stateful_pointer<GatewayState>;

caf::error shutting_down() {
  return make_error(errc::Unavailable, "the node is shutting down; the command was not run");
}

// The peer of the client sending the current message; null before its
// hello.
ClientInfo* sender_client(gateway_ptr self) {
  auto addr = caf::actor_cast<caf::actor_addr>(self->current_sender());
  auto it = self->state.clients.find(addr);
  return it == self->state.clients.end() ? nullptr : &it->second;
}

caf::error no_hello() {
  return make_error(errc::InvalidInput, "say hello (with the wire protocol version) first");
}

// Hands `msg` to the sender's peer and answers with what comes back.
template <class R, class M>
caf::result<R> relay(gateway_ptr self, M&& msg) {
  auto* client = sender_client(self);
  if (!client)
    return no_hello();
  auto drain = self->state.drain;
  if (!drain->enter())
    return shutting_down();
  auto rp = self->make_response_promise<R>();
  self->request(client->peer, caf::infinite, std::forward<M>(msg))
      .then(
          [rp, drain](R& out) mutable {
            rp.deliver(std::move(out));
            drain->leave();
          },
          [rp, drain](caf::error& err) mutable {
            rp.deliver(std::move(err));
            drain->leave();
          });
  return rp;
}

gateway_actor::behavior_type gateway(gateway_ptr self, caf::actor svc, NodeInfo info,
                                     WireLimits limits, std::shared_ptr<Drain> drain,
                                     std::function<void(const std::string&)> log) {
  self->set_exception_handler(actors::exception_error);
  auto& st = self->state;
  st.service = std::move(svc);
  st.info = std::move(info);
  st.limits = limits;
  st.drain = std::move(drain);
  st.log = std::move(log);
  self->set_down_handler([self](const caf::down_msg& msg) {
    auto& st = self->state;
    auto it = st.clients.find(msg.source);
    if (it == st.clients.end())
      return;
    st.log("disconnected: " + it->second.who + " (" + self->system().render(msg.reason) + ")");
    caf::anon_send(it->second.peer, retire_atom::value);
    st.clients.erase(it);
  });
  return {
      [self](hello_atom, uint32_t version) -> caf::result<NodeInfo> {
        auto& st = self->state;
        if (version != st.info.wire_version)
          return make_error(errc::Unavailable,
                            "this node speaks wire protocol version " +
                                std::to_string(st.info.wire_version) + ", not " +
                                std::to_string(version));
        auto sender = self->current_sender();
        auto addr = caf::actor_cast<caf::actor_addr>(sender);
        if (!addr)
          return make_error(errc::InvalidInput, "hello from an anonymous sender");
        if (st.clients.count(addr) == 0) {
          auto who = "client " + std::to_string(++st.connections) + " (node " +
                     caf::to_string(addr.node()) + ")";
          st.log("connection from " + who);
          st.clients.emplace(addr, ClientInfo{self->spawn(peer, st.service), who});
          self->monitor(addr);
        }
        return st.info;
      },
      [self](Command& c) -> caf::result<Output> {
        if (auto err = check_limits(self->system(), c, self->state.limits))
          return err;
        return relay<Output>(self, std::move(c));
      },
      [self](std::vector<Command>& cs) -> caf::result<std::vector<Outcome>> {
        if (auto err = check_limits(self->system(), cs, self->state.limits))
          return err;
        return relay<std::vector<Outcome>>(self, std::move(cs));
      },
  };
}

void log_to_stderr(const std::string& line) {
  std::fprintf(stderr, "strata serve: %s\n", line.c_str());
  std::fflush(stderr);
}

caf::error check_serve_options(const Endpoint& ep, const ServeOptions& o) {
  if (auto err = check_connection(o.connection_timeout, o.limits))
    return err;
  if (!is_loopback(ep.host) && !o.allow_remote)
    return make_error(errc::InvalidInput,
                      "listening on \"" + ep.host +
                          "\" exposes the database beyond this machine: ask for it explicitly "
                          "(--allow-remote), or listen on 127.0.0.1");
  if (o.insecure) {
    if (!is_loopback(ep.host))
      return make_error(errc::InvalidInput,
                        "plaintext (--insecure) is allowed on a loopback address only");
    return {};
  }
  if (o.tls.certificate.empty() || o.tls.key.empty() || o.tls.ca.empty())
    return make_error(errc::InvalidInput,
                      "serving needs a TLS certificate, key and CA (--cert, --key, --ca), or "
                      "--insecure on a loopback address");
  for (const auto* f : {&o.tls.certificate, &o.tls.key, &o.tls.ca})
    if (std::FILE* file = std::fopen(f->c_str(), "r"))
      std::fclose(file);
    else
      return make_error(errc::InvalidInput, "cannot read TLS file \"" + *f + "\"");
  return {};
}

}  // namespace

}  // namespace detail

struct Server::Impl {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::optional<Strata> db;
  caf::actor gateway;
  std::shared_ptr<detail::Drain> drain = std::make_shared<detail::Drain>();
  std::function<void(const std::string&)> log;
  std::string host;
  uint16_t port = 0;
  bool stopped = false;

  void stop() {
    if (stopped)
      return;
    stopped = true;
    if (gateway) {
      drain->drain();  // every command taken has been answered
      caf::anon_send_exit(gateway, caf::exit_reason::user_shutdown);
      gateway = nullptr;
    }
    db.reset();   // closes the database
    sys.reset();  // joins the scheduler and the middleman
    if (log)
      log("stopped; database closed");
  }

  ~Impl() { stop(); }
};

result<Server> Server::start(const std::string& db_path, const OpenOptions& open,
                             ServeOptions serve) {
  auto ep = detail::parse_endpoint(serve.listen);
  if (!ep)
    return ep.error();
  if (auto err = detail::check_serve_options(*ep, serve))
    return err;
  auto impl = std::make_unique<Impl>();
  impl->log = serve.log ? serve.log : detail::log_to_stderr;
  impl->host = ep->host;
  auto made = actors::catching("starting the node's actor system", [&]() -> caf::error {
    detail::configure_node(impl->cfg, serve.tls, serve.insecure, serve.connection_timeout,
                           wire_protocol_version);
    // As Strata::open's own system (OpenOptions::scheduler_threads and
    // scheduler_policy): requests arrive from the network, and work
    // stealing's idle workers would nap through them.
    impl->cfg.set("scheduler.max-threads", open.scheduler_threads == 0 ? 2 : open.scheduler_threads);
    if (open.scheduler_policy == SchedulerPolicy::Sharing)
      impl->cfg.set("scheduler.policy", caf::atom("sharing"));
    impl->sys = std::make_unique<caf::actor_system>(impl->cfg);
    return {};
  });
  if (made)
    return make_error(errc::Io, "cannot start the node: " + describe(made));
  auto db = Strata::open(*impl->sys, db_path, open);
  if (!db)
    return db.error();
  impl->db.emplace(std::move(*db));
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0)
    std::snprintf(host, sizeof(host), "?");
  detail::NodeInfo info{wire_protocol_version,
                        std::string("strata node on ") + host + " (pid " +
                            std::to_string(getpid()) + ") serving " + impl->db->path(),
                        impl->db->path(), static_cast<uint8_t>(impl->db->durability())};
  auto svc = caf::actor_cast<caf::actor>(impl->db->service());
  auto gw = impl->sys->spawn(detail::gateway, svc, info, serve.limits, impl->drain, impl->log);
  auto port = serve.insecure
                  ? impl->sys->middleman().publish(gw, ep->port, ep->host.c_str(), true)
                  : caf::openssl::publish(gw, ep->port, ep->host.c_str(), true);
  if (!port) {
    caf::anon_send_exit(gw, caf::exit_reason::user_shutdown);
    return make_error(errc::Io, "cannot listen on " + serve.listen + ": " +
                                    impl->sys->render(port.error()));
  }
  impl->port = *port;
  impl->gateway = caf::actor_cast<caf::actor>(gw);
  impl->log(std::string("listening on ") + impl->host + ":" + std::to_string(impl->port) +
            (serve.insecure ? " (PLAINTEXT, NO TLS: any local process can use this database)"
                            : " (mutual TLS)") +
            ", serving " + impl->db->path());
  return Server{std::move(impl)};
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
}
Server::Server(Server&&) noexcept = default;
Server& Server::operator=(Server&&) noexcept = default;
Server::~Server() = default;

uint16_t Server::port() const {
  return impl_->port;
}

std::string Server::endpoint() const {
  auto host = impl_->host.find(':') != std::string::npos ? "[" + impl_->host + "]" : impl_->host;
  return host + ":" + std::to_string(impl_->port);
}

void Server::stop() {
  if (impl_)
    impl_->stop();
}

}  // namespace strata
