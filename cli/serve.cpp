#include "serve.hpp"

#include <csignal>
#include <iostream>

#include <pthread.h>

#include <strata/node.hpp>
#include <strata/strata.hpp>

#include "config.hpp"

namespace strata::cli {

namespace {

caf::error bad(const std::string& message) {
  return make_error(errc::InvalidInput, message + " (try 'strata --help')");
}

int fail(const caf::error& err) {
  std::cerr << "(error) " << describe(err) << "\n";
  return 1;
}

}  // namespace

int run_serve(const Invocation& inv, const std::vector<std::string>& words) {
  if (inv.cache)
    return fail(bad("serve needs a database directory, not --cache"));
  std::string dir = inv.path();
  std::optional<std::string> listen, cert = inv.cert, key = inv.key, ca = inv.ca;
  bool insecure = inv.insecure, allow_remote = false;
  for (size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    auto name = w.substr(0, w.find('='));
    auto value = [&]() -> std::optional<std::string> {
      if (name.size() < w.size())
        return w.substr(name.size() + 1);
      if (i + 1 < words.size())
        return words[++i];
      return std::nullopt;
    };
    if (name == "--db" || name == "--listen" || name == "--cert" || name == "--key" ||
        name == "--ca") {
      auto v = value();
      if (!v || v->empty())
        return fail(bad("serve: " + name + " needs a value"));
      (name == "--db"       ? dir
       : name == "--listen" ? listen.emplace()
       : name == "--cert"   ? cert.emplace()
       : name == "--key"    ? key.emplace()
                            : ca.emplace()) = *v;
    } else if (w == "--insecure") {
      insecure = true;
    } else if (w == "--allow-remote") {
      allow_remote = true;
    } else {
      return fail(bad("serve: unknown argument '" + w + "'"));
    }
  }
  auto config = load_config(dir, /*create_if_missing=*/true);
  if (!config)
    return fail(config.error());
  ServeOptions serve;
  serve.listen = listen.value_or(config->node.listen.empty() ? "127.0.0.1:7878"
                                                             : config->node.listen);
  serve.tls = {cert.value_or(config->node.cert), key.value_or(config->node.key),
               ca.value_or(config->node.ca), ""};
  serve.insecure = insecure;
  serve.allow_remote = allow_remote;
  OpenOptions open;
  open.durability = config->durability;

  // The stop signals are taken by sigwait below: blocked before any
  // thread starts, so that every thread inherits the mask.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto server = Server::start(dir, open, std::move(serve));
  if (!server)
    return fail(server.error());
  int sig = 0;
  sigwait(&stop, &sig);
  std::cerr << "strata serve: " << (sig == SIGINT ? "SIGINT" : "SIGTERM")
            << ": stopping (answering the commands in flight)\n";
  server->stop();
  return 0;
}

}  // namespace strata::cli
