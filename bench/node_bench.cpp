// node_bench — a database served by a node (another process, loopback)
// against the same operations on a local database, side by side in one run
// (issue 14's targets):
//   1. synchronous kv_put: p50 latency and ops/s, remote vs local
//      (target: remote p50 <= 0.5 ms);
//   2. execute_batch of 64 KvPut: items/s, remote vs local (target: >= 50%);
//   3. KvPut pipelined through a remote service() with window 16, vs the
//      local synchronous kv_put rate (target: >= 10%);
//   4. mutual TLS vs plaintext on workloads 1 and 3.
// Standard durability, on disk; medians of alternating rounds. The nodes
// are two child processes (one TLS, one plaintext) forked before any
// thread exists; test certificates are made by cli/make-certs.sh.
//
// Run: ./build/bench/node_bench [puts=5000]

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <caf/all.hpp>

#include <strata/actor.hpp>
#include <strata/node.hpp>

#include "bench_util.hpp"
#include "pipeline.hpp"

using namespace strata::bench;
namespace cmd = strata::cmd;

namespace {

struct Node {
  pid_t pid = -1;
  int stop_fd = -1;  // closing it stops the node
  std::string endpoint;
};

// The stop ends of the nodes forked so far: a later node must not hold
// them open, or an earlier one would never see its end of file.
std::vector<int> stop_fds;

// Forks a node serving `dir`; it runs until stop_fd closes.
Node fork_node(const std::string& dir, const strata::TlsFiles& tls, bool insecure) {
  int to_child[2], from_child[2];
  check(::pipe(to_child) == 0 && ::pipe(from_child) == 0, "pipe");
  pid_t pid = ::fork();
  if (pid == 0) {
    for (int fd : stop_fds)
      ::close(fd);
    ::close(to_child[1]);
    ::close(from_child[0]);
    strata::ServeOptions serve;
    serve.listen = "127.0.0.1:0";
    serve.tls = tls;
    serve.insecure = insecure;
    serve.log = [](const std::string&) {};
    auto server = strata::Server::start(dir, strata::OpenOptions{}, serve);
    if (!server) {
      std::fprintf(stderr, "node: %s\n", strata::describe(server.error()).c_str());
      ::_exit(1);
    }
    auto ep = server->endpoint() + "\n";
    check(::write(from_child[1], ep.data(), ep.size()) == ssize_t(ep.size()), "write");
    char c;
    while (::read(to_child[0], &c, 1) > 0) {
    }
    server->stop();
    ::_exit(0);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  std::string ep;
  char c;
  while (::read(from_child[0], &c, 1) == 1 && c != '\n')
    ep += c;
  ::close(from_child[0]);
  check(!ep.empty(), "node start");
  stop_fds.push_back(to_child[1]);
  return {pid, to_child[1], ep};
}

void stop_node(Node& n) {
  ::close(n.stop_fd);
  ::waitpid(n.pid, nullptr, 0);
}

struct Sync {
  double ops_per_sec;
  double p50_us;
};

Sync sync_puts(strata::Strata& db, size_t n, const std::string& prefix) {
  std::vector<double> us;
  us.reserve(n);
  auto start = clock_type::now();
  for (size_t i = 0; i < n; ++i) {
    auto t0 = clock_type::now();
    check(bool(db.kv_put(prefix + std::to_string(i), 1)), "kv_put");
    us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t0).count());
  }
  std::chrono::duration<double> secs = clock_type::now() - start;
  return {n / secs.count(), median(us)};
}

double batches(strata::Strata& db, size_t count, const std::string& prefix) {
  strata::Target t{"default", "batch"};
  return 64 * ops_per_sec(count, [&](size_t b) {
           std::vector<strata::Command> cmds;
           for (size_t i = 0; i < 64; ++i)
             cmds.push_back(cmd::KvPut{t, prefix + std::to_string(b * 64 + i), 1});
           check(bool(db.execute_batch(std::move(cmds))), "execute_batch");
         });
}

// `n` puts through `svc`, at most `window` in flight, from one actor.
double pipelined(caf::actor_system& sys, strata::service svc, size_t n, size_t window,
                 const std::string& prefix) {
  return pipelined_requests(sys, svc, n, window, [prefix](size_t i) {
    return strata::Command{cmd::KvPut{{"default", "svc"}, prefix + std::to_string(i), 1}};
  });
}

// `count` batches of 64 puts through `svc`, 16 batches in flight; items/s.
double pipelined_batches(caf::actor_system& sys, strata::service svc, size_t count,
                         const std::string& prefix) {
  return 64 * pipelined_requests(sys, svc, count, 16, [prefix](size_t b) {
           std::vector<strata::Command> cmds;
           for (size_t i = 0; i < 64; ++i)
             cmds.push_back(
                 cmd::KvPut{{"default", "pbatch"}, prefix + std::to_string(b * 64 + i), 1});
           return cmds;
         });
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = argc > 1 ? std::stoul(argv[1]) : 5000;
  ScratchDir dir("strata-node-bench");
  std::string pki = dir / "pki";
  check(std::system((std::string(STRATA_MAKE_CERTS) + " '" + pki + "' 1 >/dev/null 2>&1").c_str()) == 0,
        "cli/make-certs.sh (certificates)");
  strata::TlsFiles server_tls{pki + "/server.pem", pki + "/server.key", pki + "/ca.pem", ""};
  strata::TlsFiles client_tls{pki + "/client.pem", pki + "/client.key", pki + "/ca.pem", ""};

  // The nodes first: no thread may exist at fork.
  auto tls_node = fork_node(dir / "tls-db", server_tls, false);
  auto plain_node = fork_node(dir / "plain-db", {}, true);

  strata::ConnectOptions tls_opts;
  tls_opts.tls = client_tls;
  strata::ConnectOptions plain_opts;
  plain_opts.insecure = true;
  // The handles' connections run in actor systems of their own; the
  // pipelining actors' in a user's system, one per kind, set up alike.
  auto user_config = [](caf::actor_system_config& cfg, const strata::ConnectOptions& o) {
    strata::configure_client(cfg, o);
    cfg.set("scheduler.max-threads", 2);
    cfg.set("scheduler.policy", caf::atom("sharing"));
  };
  caf::actor_system_config cfg, plain_cfg;
  user_config(cfg, tls_opts);
  user_config(plain_cfg, plain_opts);
  caf::actor_system sys{cfg};
  caf::actor_system plain_sys{plain_cfg};
  auto local = strata::Strata::open(dir / "local-db");
  check(bool(local), "open");
  auto remote = strata::Strata::connect(tls_node.endpoint, tls_opts);
  check(bool(remote), "connect (TLS)");
  auto plain = strata::Strata::connect(plain_node.endpoint, plain_opts);
  check(bool(plain), "connect (plaintext)");
  auto tls_actor = strata::Strata::connect(sys, tls_node.endpoint, tls_opts);
  check(bool(tls_actor), "connect (TLS, actors)");
  auto plain_actor = strata::Strata::connect(plain_sys, plain_node.endpoint, plain_opts);
  check(bool(plain_actor), "connect (plaintext, actors)");

  constexpr int rounds = 5;
  std::vector<double> l_ops, l_p50, r_ops, r_p50, p_ops, p_p50, l_batch, r_batch, r_pipe,
      p_pipe, r_pbatch;
  for (int round = 0; round < rounds; ++round) {
    auto tag = "r" + std::to_string(round) + "-";
    auto l = sync_puts(*local, n, tag);
    auto r = sync_puts(*remote, n, tag);
    auto p = sync_puts(*plain, n, tag);
    l_ops.push_back(l.ops_per_sec);
    l_p50.push_back(l.p50_us);
    r_ops.push_back(r.ops_per_sec);
    r_p50.push_back(r.p50_us);
    p_ops.push_back(p.ops_per_sec);
    p_p50.push_back(p.p50_us);
    l_batch.push_back(batches(*local, n / 64, tag));
    r_batch.push_back(batches(*remote, n / 64, tag));
    r_pipe.push_back(pipelined(sys, tls_actor->service(), n, 16, tag));
    p_pipe.push_back(pipelined(plain_sys, plain_actor->service(), n, 16, tag));
    r_pbatch.push_back(pipelined_batches(sys, tls_actor->service(), n / 64, tag));
  }

  std::printf("node_bench: loopback, standard durability, %zu ops x %d rounds (medians)\n", n,
              rounds);
  std::printf("1. synchronous kv_put\n");
  std::printf("   local            %8.0f ops/s  p50 %7.1f us\n", median(l_ops), median(l_p50));
  std::printf("   remote (TLS)     %8.0f ops/s  p50 %7.1f us  (target p50 <= 500 us): %.1f%% "
              "of local ops/s\n",
              median(r_ops), median(r_p50), 100 * median(r_ops) / median(l_ops));
  std::printf("2. execute_batch of 64 KvPut\n");
  std::printf("   local %.0f items/s, remote (TLS) %.0f items/s: %.1f%% (target >= 50%%)\n",
              median(l_batch), median(r_batch), 100 * median(r_batch) / median(l_batch));
  std::printf("   16 batches in flight through a remote service(): %.0f items/s: %.1f%% of "
              "local synchronous batches\n",
              median(r_pbatch), 100 * median(r_pbatch) / median(l_batch));
  std::printf("3. KvPut through a remote service(), window 16\n");
  std::printf("   remote (TLS) %.0f ops/s vs local synchronous %.0f ops/s: %.1f%% (target >= "
              "10%%)\n",
              median(r_pipe), median(l_ops), 100 * median(r_pipe) / median(l_ops));
  std::printf("4. mutual TLS vs plaintext\n");
  std::printf("   synchronous kv_put: TLS %.0f ops/s (p50 %.1f us), plaintext %.0f ops/s (p50 "
              "%.1f us): TLS/plaintext %.2fx\n",
              median(r_ops), median(r_p50), median(p_ops), median(p_p50),
              median(r_ops) / median(p_ops));
  std::printf("   window 16: TLS %.0f ops/s, plaintext %.0f ops/s: TLS/plaintext %.2fx\n",
              median(r_pipe), median(p_pipe), median(r_pipe) / median(p_pipe));

  remote = caf::error{};
  tls_actor = caf::error{};
  plain = caf::error{};
  plain_actor = caf::error{};
  stop_node(tls_node);
  stop_node(plain_node);
  return 0;
}
