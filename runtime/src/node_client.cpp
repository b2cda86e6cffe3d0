// The client side of a node: the link actor and detail::Remote.
//
// CAF 0.17 leaves a request to a remote actor pending until its own
// timeout when the connection drops, and silently drops requests sent to
// a dead proxy (NETWORKING.md §3). The link fixes both for Strata's
// callers: it monitors the gateway's proxy, keeps every call in flight in
// `pending`, and on the down message fails them all at once with
// Unavailable; the next call finds no gateway and connects again.

#include "node_client.hpp"

#include <functional>
#include <unordered_map>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include "strata/actors/exceptions.hpp"

namespace strata::detail {

namespace {

struct LinkState {
  Endpoint ep;
  std::string endpoint;
  ConnectOptions opts;
  caf::io::middleman_actor manager;  // the middleman's, or the TLS module's
  gateway_actor gateway;             // null while not connected
  NodeInfo info;
  bool connecting = false;
  /// Calls waiting for a connection (run once it succeeds or fails).
  std::vector<std::function<void(caf::error)>> waiting;
  /// Calls in flight on the connection, by id: each fails the call.
  std::unordered_map<uint64_t, std::function<void(caf::error)>> pending;
  uint64_t next_id = 0;
  static inline const char* name = "strata.link";
};

using link_ptr = link_actor::stateful_pointer<LinkState>;

void finish_connecting(link_ptr self, caf::error err) {
  auto& st = self->state;
  st.connecting = false;
  auto waiting = std::move(st.waiting);
  st.waiting.clear();
  for (auto& w : waiting)
    w(err);
}

void say_hello(link_ptr self, gateway_actor gw) {
  auto& st = self->state;
  self->request(gw, st.opts.connection_timeout, hello_atom::value, st.opts.testing.wire_version)
      .then(
          [self, gw](NodeInfo& info) {
            self->state.gateway = gw;
            self->state.info = std::move(info);
            self->monitor(gw);
            finish_connecting(self, {});
          },
          [self](caf::error& err) {
            finish_connecting(self, network_error(self->system(), err, self->state.endpoint,
                                                  "at hello"));
          });
}

// Runs `then` once connected (at once when connected), or with the error
// that kept the connection from being made.
void with_gateway(link_ptr self, std::function<void(caf::error)> then) {
  auto& st = self->state;
  if (st.gateway) {
    then({});
    return;
  }
  st.waiting.push_back(std::move(then));
  if (st.connecting)
    return;
  st.connecting = true;
  self->request(st.manager, st.opts.connection_timeout, caf::connect_atom::value, st.ep.host,
                st.ep.port)
      .then(
          [self](const caf::node_id&, caf::strong_actor_ptr& ptr,
                 const std::set<std::string>& ifs) {
            auto& sys = self->system();
            if (!ptr || !sys.assignable(ifs, sys.message_types<gateway_actor>())) {
              finish_connecting(self, network_error(sys, caf::sec::no_actor_published_at_port,
                                                    self->state.endpoint, "connecting"));
              return;
            }
            say_hello(self, caf::actor_cast<gateway_actor>(std::move(ptr)));
          },
          [self](caf::error& err) {
            finish_connecting(self, network_error(self->system(), err, self->state.endpoint,
                                                  "connecting"));
          });
}

// Sends `msg` to the gateway (connecting first when needed) and answers
// the caller with its reply, the call's timeout, or the connection's loss.
template <class R, class M>
caf::result<R> forward(link_ptr self, M&& msg) {
  auto rp = self->make_response_promise<R>();
  with_gateway(self, [self, rp, msg = std::forward<M>(msg)](caf::error err) mutable {
    if (err) {
      rp.deliver(std::move(err));
      return;
    }
    auto& st = self->state;
    auto id = ++st.next_id;
    st.pending.emplace(id, [rp](caf::error e) mutable { rp.deliver(std::move(e)); });
    self->request(st.gateway, st.opts.call_timeout, std::move(msg))
        .then(
            [self, rp, id](R& out) mutable {
              if (self->state.pending.erase(id) != 0)
                rp.deliver(std::move(out));
            },
            [self, rp, id](caf::error& e) mutable {
              if (self->state.pending.erase(id) != 0)
                rp.deliver(network_error(self->system(), e, self->state.endpoint, "during a call"));
            });
  });
  return rp;
}

link_actor::behavior_type link_behavior(link_ptr self, Endpoint ep, std::string endpoint,
                                        ConnectOptions opts, caf::io::middleman_actor manager) {
  self->set_exception_handler(actors::exception_error);
  auto& st = self->state;
  st.ep = std::move(ep);
  st.endpoint = std::move(endpoint);
  st.opts = std::move(opts);
  st.manager = std::move(manager);
  self->set_down_handler([self](const caf::down_msg& msg) {
    auto& st = self->state;
    if (!st.gateway || msg.source != st.gateway.address())
      return;
    st.gateway = nullptr;
    auto pending = std::move(st.pending);
    st.pending.clear();
    auto err = make_error(errc::Unavailable,
                          "connection to node " + st.endpoint + " lost (" +
                              self->system().render(msg.reason) +
                              "); the outcome of this call is unknown");
    for (auto& [id, fail] : pending)
      fail(err);
  });
  return {
      [self](connect_atom) -> caf::result<NodeInfo> {
        auto rp = self->make_response_promise<NodeInfo>();
        with_gateway(self, [self, rp](caf::error err) mutable {
          if (err)
            rp.deliver(std::move(err));
          else
            rp.deliver(self->state.info);
        });
        return rp;
      },
      [self](Command& c) -> caf::result<Output> {
        if (auto err = check_limits(self->system(), c, self->state.opts.limits))
          return err;
        return forward<Output>(self, std::move(c));
      },
      [self](std::vector<Command>& cs) -> caf::result<std::vector<Outcome>> {
        if (auto err = check_limits(self->system(), cs, self->state.opts.limits))
          return err;
        return forward<std::vector<Outcome>>(self, std::move(cs));
      },
  };
}

}  // namespace

link_actor spawn_link(caf::actor_system& sys, Endpoint ep, std::string endpoint,
                      ConnectOptions options, caf::io::middleman_actor manager) {
  return sys.spawn(link_behavior, std::move(ep), std::move(endpoint), std::move(options),
                   std::move(manager));
}

namespace {

caf::error check_options(const Endpoint& ep, const ConnectOptions& o, bool external) {
  using std::chrono::milliseconds;
  if (o.call_timeout < milliseconds{1})
    return make_error(errc::InvalidInput, "call_timeout must be at least 1 ms");
  if (auto err = check_connection(o.connection_timeout, o.limits))
    return err;
  if (o.insecure) {
    if (!is_loopback(ep.host))
      return make_error(errc::InvalidInput, "a plaintext (insecure) connection is allowed to a "
                                            "loopback address only, not \"" + ep.host + "\"");
    return {};
  }
  if (!external && (o.tls.certificate.empty() || o.tls.key.empty() || o.tls.ca.empty()))
    return make_error(errc::InvalidInput,
                      "connecting needs a TLS certificate, key and CA (--cert, --key, --ca)");
  return {};
}

}  // namespace

result<std::shared_ptr<Remote>> Remote::connect(const std::string& endpoint,
                                                const ConnectOptions& options,
                                                caf::actor_system* external) {
  auto ep = parse_endpoint(endpoint);
  if (!ep)
    return ep.error();
  if (auto err = check_options(*ep, options, external != nullptr))
    return err;
  std::shared_ptr<Remote> r{new Remote};
  r->endpoint_ = endpoint;
  if (external) {
    if (!external->has_middleman() || (!options.insecure && !external->has_openssl_manager()))
      return make_error(errc::InvalidInput, "the actor system cannot reach nodes: call "
                                            "strata::configure_client on its configuration");
    r->sys_ = external;
  } else {
    auto made = actors::catching("starting the client's actor system", [&]() -> caf::error {
      configure_node(r->cfg_, options.tls, options.insecure, options.connection_timeout,
                     options.testing.wire_version);
      // One scheduler thread: the link only forwards; socket I/O runs on
      // the middleman's own thread.
      r->cfg_.set("scheduler.max-threads", 1);
      // One FIFO queue whose idle worker sleeps until work arrives: work
      // stealing's idle workers nap in timed sleeps, which a reply
      // arriving from the network waits out (measured: a batch of 64 puts
      // took 2.5x its round trip).
      r->cfg_.set("scheduler.policy", caf::atom("sharing"));
      r->own_sys_ = std::make_unique<caf::actor_system>(r->cfg_);
      return {};
    });
    if (made)
      return make_error(errc::Io, "cannot start a client for " + endpoint + ": " + describe(made));
    r->sys_ = r->own_sys_.get();
  }
  auto manager = options.insecure ? r->sys_->middleman().actor_handle()
                                  : r->sys_->openssl_manager().actor_handle();
  r->link_ = spawn_link(*r->sys_, *ep, endpoint, options, std::move(manager));
  caf::scoped_actor self{*r->sys_};
  caf::error err;
  self->request(r->link_, options.connection_timeout * 2, connect_atom::value)
      .receive([&](NodeInfo& info) { r->info_ = std::move(info); },
               [&](caf::error& e) { err = network_error(*r->sys_, e, endpoint, "connecting"); });
  if (err)
    return err;
  return r;
}

Remote::~Remote() {
  if (link_)
    caf::anon_send_exit(link_, caf::exit_reason::user_shutdown);
  link_ = nullptr;
  own_sys_.reset();  // joins the scheduler and the middleman
}

}  // namespace strata::detail
