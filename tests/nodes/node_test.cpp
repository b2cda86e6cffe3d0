// Nodes: a database served by a real `strata serve` process over mutual
// TLS on loopback, used through Strata::connect from this process (and
// from worker processes). Certificates are made by cli/make-certs.sh.

#define BOOST_TEST_MODULE node_tests
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <future>
#include <filesystem>
#include <map>
#include <random>
#include <regex>
#include <thread>

#include <caf/all.hpp>
#include <strata/actor.hpp>

#include "../runtime/command_script.hpp"
#include "../runtime/test_util.hpp"
#include "node_fixture.hpp"

using namespace std::chrono_literals;
using strata::Command;
using strata::errc;
using strata::Output;
using strata::Strata;
using strata::Target;
using strata::Value;
using strata::test::pki;
using strata::test::ServerProcess;
using strata::test::TempDir;
namespace cmd = strata::cmd;

namespace {

using Clock = std::chrono::steady_clock;

Strata connect(const ServerProcess& server,
               strata::ConnectOptions opts = strata::test::client_options()) {
  auto db = Strata::connect(server.endpoint(), opts);
  if (!db)
    BOOST_FAIL("connect to " << server.endpoint() << ": " << strata::describe(db.error()));
  return std::move(*db);
}

// The script's transaction ids (those a fresh local handle gives) mapped to
// the node's, and back in error texts.
struct TxnIds {
  std::map<uint64_t, uint64_t> ids;
  Command map(Command c) const {
    auto& at = strata::target_of(c);
    if (auto it = ids.find(at.txn); it != ids.end())
      at.txn = it->second;
    return c;
  }
  std::string symbolic(std::string text) const {
    for (const auto& [local, remote] : ids)
      text = std::regex_replace(text, std::regex("id " + std::to_string(remote) + "\\b"),
                                "id " + std::to_string(local));
    return text;
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(node_basics)

// Every command of the vocabulary (the script of the command tests, errors
// included) through a node gives what it gives on a local database.
BOOST_AUTO_TEST_CASE(every_command_through_a_node_matches_a_local_database) {
  TempDir local_dir, node_dir;
  ServerProcess server(node_dir.db());
  auto remote = connect(server);
  auto local = STRATA_REQUIRE_OK(Strata::open(local_dir.db()));
  auto script_local = strata::test::command_script(local_dir.path());
  auto script_node = strata::test::command_script(node_dir.path());
  TxnIds txns;
  for (size_t i = 0; i < script_local.size(); ++i) {
    auto want = local.execute(script_local[i]);
    auto got = remote.execute(txns.map(script_node[i]));
    if (std::holds_alternative<cmd::Begin>(script_local[i]) && want && got) {
      txns.ids[std::get<uint64_t>(*want)] = std::get<uint64_t>(*got);
      got = want;
    }
    auto got_text = txns.symbolic(strata::test::render(std::move(got)));
    auto want_text = strata::test::render(std::move(want));
    BOOST_TEST(got_text == want_text, "step " << i << " (" << strata::command_name(script_local[i])
                                              << "): the node gave " << got_text
                                              << ", a local database " << want_text);
  }
}

// The handle's methods and Sessions (the same script through them) on a
// node's database, as on a local one.
BOOST_AUTO_TEST_CASE(handle_methods_and_sessions_through_a_node_match_a_local_database) {
  TempDir local_dir, node_dir;
  ServerProcess server(node_dir.db());
  auto remote = connect(server);
  auto local = STRATA_REQUIRE_OK(Strata::open(local_dir.db()));
  strata::test::ViaHandle via_local(local), via_remote(remote);
  auto script_local = strata::test::command_script(local_dir.path());
  auto script_node = strata::test::command_script(node_dir.path());
  for (size_t i = 0; i < script_local.size(); ++i) {
    auto want = strata::test::render(via_local(script_local[i]));
    auto got = strata::test::render(via_remote(script_node[i]));
    BOOST_TEST(got == want, "step " << i << " (" << strata::command_name(script_local[i])
                                    << "): the node gave " << got << ", a local database "
                                    << want);
  }
  BOOST_TEST(remote.endpoint() == server.endpoint());
  BOOST_TEST(remote.path() == node_dir.db());
  BOOST_TEST(remote.durability() == strata::Durability::Standard);
  BOOST_TEST(remote.node_description().find("serving " + node_dir.db()) != std::string::npos);
}

// A transaction across two spaces commits atomically on the node; a
// conflicting one fails with TransactionConflict and applies nothing.
BOOST_AUTO_TEST_CASE(cross_space_transactions_are_atomic_and_isolated_on_a_node) {
  TempDir dir;
  ServerProcess server(dir.db());
  auto db = connect(server);
  auto s1 = db.session();
  auto s2 = STRATA_REQUIRE_OK(db.new_handle()).session();
  STRATA_REQUIRE_DONE(s1.begin());
  STRATA_REQUIRE_DONE(s2.begin());
  STRATA_REQUIRE_DONE(s1.set_space("billing"));
  BOOST_TEST(!STRATA_REQUIRE_OK(s1.kv_get("credits")).has_value());
  STRATA_REQUIRE_OK(s1.kv_put("credits", 99));
  STRATA_REQUIRE_DONE(s1.set_space("api-logs"));
  STRATA_REQUIRE_OK(s1.event_append("api_call", Value(strata::Object{{"endpoint", "/search"}})));
  STRATA_REQUIRE_DONE(s2.set_space("billing"));
  BOOST_TEST(!STRATA_REQUIRE_OK(s2.kv_get("credits")).has_value());
  STRATA_REQUIRE_OK(s2.kv_put("credits", 1));
  // Not visible before the commit.
  STRATA_REQUIRE_DONE(db.set_space("billing"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("credits")).has_value());
  STRATA_REQUIRE_DONE(s1.commit());
  BOOST_TEST(!s1.in_transaction());
  STRATA_REQUIRE_ERR(s2.commit(), errc::TransactionConflict);
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("credits")) == std::optional<Value>(99));
  STRATA_REQUIRE_DONE(db.set_space("api-logs"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 1u);
  // Rollback discards; the id is spent.
  STRATA_REQUIRE_DONE(s1.begin());
  STRATA_REQUIRE_OK(s1.kv_put("rolled", 1));
  STRATA_REQUIRE_DONE(s1.rollback());
  STRATA_REQUIRE_ERR(s1.commit(), errc::TransactionNotActive);
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("rolled")).has_value());
  // A transaction belongs to the connection that began it: another
  // client naming its id is told there is no such transaction.
  auto id = std::get<uint64_t>(STRATA_REQUIRE_OK(db.execute(cmd::Begin{})));
  auto other = connect(server);
  Target in_txn{"default", "billing", id};
  STRATA_REQUIRE_ERR(other.execute(cmd::KvPut{in_txn, "stolen", 1}), errc::TransactionNotActive);
  STRATA_REQUIRE_ERR(other.execute(cmd::Commit{in_txn}), errc::TransactionNotActive);
  STRATA_REQUIRE_OK(db.execute(cmd::KvPut{in_txn, "mine", 1}));
  STRATA_REQUIRE_OK(db.execute(cmd::Commit{in_txn}));
  STRATA_REQUIRE_DONE(db.set_space("billing"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("mine")) == std::optional<Value>(1));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("stolen")).has_value());
}

// execute_batch is one message; writes of one kind to one space land as
// one atomic batch, each command with its own result.
BOOST_AUTO_TEST_CASE(a_batch_crosses_in_one_message_with_one_result_per_command) {
  TempDir dir;
  ServerProcess server(dir.db());
  auto db = connect(server);
  Target t{"default", "b"};
  std::vector<Command> batch;
  for (int i = 0; i < 64; ++i)
    batch.push_back(cmd::KvPut{t, "k" + std::to_string(i), i});
  batch.push_back(cmd::KvPut{t, "", 1});
  batch.push_back(cmd::KvGet{t, "k63"});
  auto out = STRATA_REQUIRE_OK(db.execute_batch(batch));
  BOOST_REQUIRE(out.size() == batch.size());
  for (int i = 0; i < 64; ++i)
    BOOST_TEST(std::get<strata::WriteInfo>(*out[i]).version == 1u);
  BOOST_TEST(strata::is(out[64].error(), errc::InvalidInput));
  BOOST_TEST(std::get<std::optional<Value>>(*out[65]) == std::optional<Value>(63));
}

// A connected handle's branch_export writes the bundle on the client's
// disk and branch_import reads it from there: the file crosses in chunks
// of at most 4 MiB (this one takes three), and the node keeps no staged
// file afterwards.
BOOST_AUTO_TEST_CASE(a_bundle_round_trip_crosses_the_wire_in_chunks) {
  TempDir dir, client_dir;
  ServerProcess server(dir.db());
  auto db = connect(server);
  STRATA_REQUIRE_DONE(db.create_branch("big"));
  STRATA_REQUIRE_DONE(db.set_branch("big"));
  STRATA_REQUIRE_DONE(db.set_space("blobs"));
  std::mt19937_64 rng(7);
  std::vector<std::string> blobs;
  for (int i = 0; i < 40; ++i) {  // 10 MiB that zstd cannot shrink
    std::string blob(256 << 10, '\0');
    for (auto& ch : blob)
      ch = static_cast<char>(rng());
    blobs.push_back(blob);
    STRATA_REQUIRE_OK(db.kv_put("b" + std::to_string(i), Value(strata::Bytes(blob.begin(), blob.end()))));
  }
  STRATA_REQUIRE_OK(db.event_append("made", Value(strata::Object{{"n", 40}})));
  std::string file = client_dir.path() + "/big.bundle";
  auto exported = STRATA_REQUIRE_OK(db.branch_export("big", file));
  BOOST_TEST(exported.path == file);
  BOOST_TEST(std::filesystem::file_size(file) > 2 * strata::bundle_chunk_bytes);
  BOOST_TEST(exported.spaces >= 1u);
  auto checked = STRATA_REQUIRE_OK(db.branch_validate_bundle(file));
  BOOST_TEST(checked.entry_count == exported.entry_count);
  STRATA_REQUIRE_DONE(db.set_branch("default"));
  STRATA_REQUIRE_DONE(db.delete_branch("big"));
  auto imported = STRATA_REQUIRE_OK(db.branch_import(file));
  BOOST_TEST(imported.branch == "big");
  BOOST_TEST(imported.entry_count == exported.entry_count);
  STRATA_REQUIRE_DONE(db.set_branch("big"));
  STRATA_REQUIRE_DONE(db.set_space("blobs"));
  for (int i = 0; i < 40; ++i) {
    auto v = STRATA_REQUIRE_OK(db.kv_get("b" + std::to_string(i)));
    BOOST_REQUIRE(v && v->as_bytes());
    BOOST_TEST(std::string(v->as_bytes()->begin(), v->as_bytes()->end()) == blobs[i]);
  }
  BOOST_TEST(STRATA_REQUIRE_OK(db.event_len()) == 1u);
  // Nothing staged is left on the node; a damaged file is refused before
  // anything is sent.
  std::error_code ec;
  BOOST_TEST(std::filesystem::is_empty(dir.db() + "/.transfers", ec));
  std::filesystem::resize_file(file, 1000);
  STRATA_REQUIRE_ERR(db.branch_import(file), errc::InvalidInput);
}

// A user's actors talk to a node's database through service(), never
// blocking: the connection runs inside the user's actor system.
BOOST_AUTO_TEST_CASE(user_actors_use_a_nodes_database_through_service) {
  TempDir dir;
  ServerProcess server(dir.db());
  auto opts = strata::test::client_options();
  caf::actor_system_config cfg;
  strata::configure_client(cfg, opts);
  caf::actor_system sys{cfg};
  {
    auto db = STRATA_REQUIRE_OK(Strata::connect(sys, server.endpoint(), opts));
    auto svc = db.service();
    constexpr int n = 100;
    std::promise<std::vector<uint64_t>> done;
    auto versions = done.get_future();
    sys.spawn([&](caf::event_based_actor* self) {
      auto got = std::make_shared<std::vector<uint64_t>>(n, 0);
      auto answered = std::make_shared<int>(0);
      for (int i = 0; i < n; ++i)
        self->request(svc, 10s, Command{cmd::KvPut{{"default", "memory"}, "k", i}})
            .then(
                [&, got, answered, i](Output& out) {
                  (*got)[i] = std::get<strata::WriteInfo>(out).version;
                  if (++*answered == n)
                    done.set_value(*got);
                },
                [&, answered](caf::error& err) {
                  BOOST_ERROR("put failed: " << strata::describe(err));
                  if (++*answered == n)
                    done.set_value({});
                });
    });
    auto v = versions.get();
    BOOST_REQUIRE(v.size() == size_t{n});
    for (int i = 0; i < n; ++i)  // in the order sent
      BOOST_TEST(v[i] == uint64_t(i + 1));
    STRATA_REQUIRE_DONE(db.set_space("memory"));
    BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("k")) == std::optional<Value>(n - 1));
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(node_security)

// Clients the node must refuse at the handshake — no certificate
// (plaintext), a certificate of another CA, another wire protocol — get
// Unavailable saying so, and the node keeps serving the others.
BOOST_AUTO_TEST_CASE(refused_clients_do_not_stop_the_node) {
  TempDir dir;
  ServerProcess server(dir.db());
  auto good = connect(server);
  STRATA_REQUIRE_OK(good.kv_put("k", 1));

  auto plain = strata::test::client_options(2s);
  plain.insecure = true;
  auto r = Strata::connect(server.endpoint(), plain);
  BOOST_REQUIRE(!r);
  BOOST_TEST(strata::is(r.error(), errc::Unavailable), strata::describe(r.error()));

  auto rogue = strata::test::client_options(2s);
  rogue.tls = pki().rogue();
  r = Strata::connect(server.endpoint(), rogue);
  BOOST_REQUIRE(!r);
  BOOST_TEST(strata::is(r.error(), errc::Unavailable), strata::describe(r.error()));
  BOOST_TEST(strata::describe(r.error()).find("handshake") != std::string::npos);

  auto other_version = strata::test::client_options(2s);
  other_version.testing.wire_version = strata::wire_protocol_version + 1;
  r = Strata::connect(server.endpoint(), other_version);
  BOOST_REQUIRE(!r);
  BOOST_TEST(strata::is(r.error(), errc::Unavailable), strata::describe(r.error()));
  BOOST_TEST(strata::describe(r.error()).find("wire protocol") != std::string::npos);

  // Bad options are refused before anything is sent.
  auto no_files = strata::test::client_options();
  no_files.tls = {};
  r = Strata::connect(server.endpoint(), no_files);
  BOOST_TEST(strata::is(r.error(), errc::InvalidInput));
  r = Strata::connect("127.0.0.1", strata::test::client_options());
  BOOST_TEST(strata::is(r.error(), errc::InvalidInput));

  // Still serving, the good client and new ones.
  STRATA_REQUIRE_OK(good.kv_put("k", 2));
  auto again = connect(server);
  BOOST_TEST(STRATA_REQUIRE_OK(again.kv_get("k")) == std::optional<Value>(2));
  // Two connections of one process, used in turns, both answered.
  for (int i = 3; i < 20; ++i) {
    auto& writer = i % 2 ? good : again;
    auto& reader = i % 2 ? again : good;
    STRATA_REQUIRE_OK(writer.kv_put("k", i));
    BOOST_TEST(STRATA_REQUIRE_OK(reader.kv_get("k")) == std::optional<Value>(i));
  }
}

// Over the limits (commands per batch, bytes per message): the client
// refuses to send; a client allowed more than the node is refused by the
// node; nothing is written either way.
BOOST_AUTO_TEST_CASE(oversized_messages_are_refused_and_write_nothing) {
  TempDir dir;
  ServerProcess server(dir.db());
  auto db = connect(server);
  Target t{"default", "default"};
  std::vector<Command> big_batch(1025, Command{cmd::KvPut{t, "k", 1}});
  auto r = db.execute_batch(big_batch);
  BOOST_REQUIRE(!r);
  BOOST_TEST(strata::is(r.error(), errc::InvalidInput));
  BOOST_TEST(strata::describe(r.error()).find("1024 commands") != std::string::npos);
  std::string huge(17u << 20, 'x');
  auto put = db.execute(cmd::KvPut{t, "huge", Value(huge)});
  BOOST_TEST(strata::is(put.error(), errc::InvalidInput), strata::describe(put.error()));

  auto generous = strata::test::client_options();
  generous.limits.max_batch = 4096;
  generous.limits.max_message_bytes = 64u << 20;
  auto db2 = connect(server, generous);
  r = db2.execute_batch(big_batch);
  BOOST_REQUIRE(!r);
  BOOST_TEST(strata::is(r.error(), errc::InvalidInput), strata::describe(r.error()));
  put = db2.execute(cmd::KvPut{t, "huge", Value(huge)});
  BOOST_TEST(strata::is(put.error(), errc::InvalidInput), strata::describe(put.error()));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("k")).has_value());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("huge")).has_value());
  // The connection still works.
  BOOST_TEST(STRATA_REQUIRE_OK(db2.kv_put("k", 1)) == 1u);
}

// NETWORKING.md measured a 32-byte BASP header announcing a 1 GiB payload
// making a plaintext node hold 1 GiB. Through TLS the header never reaches
// BASP: the handshake fails first, the node's memory does not grow, and it
// keeps serving.
BOOST_AUTO_TEST_CASE(a_forged_header_does_not_make_a_tls_node_allocate) {
  TempDir dir;
  ServerProcess server(dir.db());
  auto db = connect(server);
  STRATA_REQUIRE_OK(db.kv_put("k", 1));
  auto before = server.rss_bytes();
  for (int attempt = 0; attempt < 4; ++attempt) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    BOOST_REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server.port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    // A client_handshake header (type 1) with payload_len 1 GiB.
    unsigned char header[32] = {};
    header[0] = 1;
    uint32_t len = htonl(1u << 30);
    std::memcpy(header + 4, &len, 4);
    (void)::send(fd, header, sizeof(header), MSG_NOSIGNAL);
    char buf[256];
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    // The node answers with a TLS alert or closes: either way it ends.
    while (::recv(fd, buf, sizeof(buf), 0) > 0) {
    }
    ::close(fd);
  }
  auto after = server.rss_bytes();
  BOOST_TEST_MESSAGE("node RSS before " << before << " bytes, after " << after);
  BOOST_TEST(after < before + (64u << 20));
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_put("k", 2)) == 2u);
}

// `strata serve` refuses what would expose the database: a non-loopback
// address not asked for, plaintext off loopback, no TLS files.
BOOST_AUTO_TEST_CASE(serve_refuses_unsafe_settings) {
  TempDir dir;
  auto serve = [&](std::vector<std::string> args) {
    std::vector<std::string> argv{STRATA_CLI, "--db", dir.db(), "serve"};
    argv.insert(argv.end(), args.begin(), args.end());
    return strata::test::run_process(argv);
  };
  auto tls = strata::test::tls_flags(pki().server());
  auto with_tls = [&](std::vector<std::string> args) {
    args.insert(args.end(), tls.begin(), tls.end());
    return args;
  };
  auto [code, out] = serve(with_tls({"--listen", "0.0.0.0:0"}));
  BOOST_TEST(code == 1);
  BOOST_TEST(out.find("--allow-remote") != std::string::npos, out);
  std::tie(code, out) = serve({"--listen", "0.0.0.0:0", "--insecure", "--allow-remote"});
  BOOST_TEST(code == 1);
  BOOST_TEST(out.find("loopback") != std::string::npos, out);
  std::tie(code, out) = serve({"--listen", "127.0.0.1:0"});
  BOOST_TEST(code == 1);
  BOOST_TEST(out.find("TLS certificate") != std::string::npos, out);
  std::tie(code, out) = serve({"--listen", "127.0.0.1:0", "--cert", "/nonexistent.pem", "--key",
                               "/x", "--ca", "/y"});
  BOOST_TEST(code == 1);
  BOOST_TEST(out.find("cannot read TLS file") != std::string::npos, out);
  std::tie(code, out) = serve(with_tls({"--listen", "127.0.0.1:99999"}));
  BOOST_TEST(code == 1);
  BOOST_TEST(out.find("0 to 65535") != std::string::npos, out);
}

// --insecure on loopback serves plaintext, and says so loudly.
BOOST_AUTO_TEST_CASE(insecure_serves_plaintext_on_loopback_and_says_so) {
  TempDir dir;
  ServerProcess server(dir.db(), {"--insecure"});
  BOOST_TEST(server.wait_for_line("PLAINTEXT"));
  auto opts = strata::test::client_options();
  opts.insecure = true;
  auto db = connect(server, opts);
  BOOST_TEST(STRATA_REQUIRE_OK(db.kv_put("k", 1)) == 1u);
  // A TLS client cannot talk to it.
  auto r = Strata::connect(server.endpoint(), strata::test::client_options(2s));
  BOOST_TEST(!r);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(node_failures)

// Writers stream acknowledged writes; the node is SIGKILLed mid-stream.
// Every call in flight fails at once with Unavailable (not at its 30 s
// deadline); the node restarts on the same port and database; the next
// calls reconnect; every acknowledged write is there with the version it
// was acknowledged with.
BOOST_AUTO_TEST_CASE(sigkill_loses_no_acknowledged_write_and_fails_calls_in_flight_at_once) {
  TempDir dir;
  ServerProcess server(dir.db());
  auto opts = strata::test::client_options();
  opts.call_timeout = 30s;
  auto db = connect(server, opts);
  constexpr int writers = 4;
  std::vector<std::map<std::string, uint64_t>> acked(writers);
  std::vector<std::string> failures(writers);
  std::vector<Clock::duration> failed_after(writers);
  std::atomic<Clock::time_point::rep> killed_at{0};
  strata::test::Progress progress;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w)
    threads.emplace_back([&, w] {
      auto h = STRATA_REQUIRE_OK(db.new_handle());
      STRATA_REQUIRE_DONE(h.set_space("w" + std::to_string(w)));
      for (int i = 0;; ++i) {
        auto key = "k" + std::to_string(i % 50);
        auto r = h.kv_put(key, int64_t{i});
        if (!r) {
          failed_after[w] = Clock::now().time_since_epoch() -
                            Clock::duration(killed_at.load());
          failures[w] = strata::describe(r.error());
          return;
        }
        acked[w][key] = *r;
        progress.add();
      }
    });
  progress.wait_for(400 * writers);
  killed_at = Clock::now().time_since_epoch().count();
  server.restart_after_kill();
  for (auto& t : threads)
    t.join();
  for (int w = 0; w < writers; ++w) {
    BOOST_TEST(failures[w].find("Unavailable") == 0, failures[w]);
    BOOST_TEST((failed_after[w] < Clock::duration(5s)));
  }
  // The handle reconnects on its next call; every acknowledged write is
  // there with its version.
  for (int w = 0; w < writers; ++w) {
    STRATA_REQUIRE_DONE(db.set_space("w" + std::to_string(w)));
    for (const auto& [key, version] : acked[w]) {
      auto v = STRATA_REQUIRE_OK(db.kv_get_versioned(key));
      BOOST_REQUIRE_MESSAGE(v && v->version >= version,
                            "acknowledged " << key << " v" << version << " lost");
      // The last acknowledged write of a key is its newest, unless the
      // write in flight at the kill (outcome unknown) landed too.
      BOOST_TEST(v->version <= version + 1);
    }
  }
  BOOST_TEST(server.count_lines("connection from") >= 1u);
}

// A frozen node (SIGSTOP) is noticed within the connection timeout: calls
// fail with Unavailable long before their deadline; once it runs again,
// the next call reconnects.
BOOST_AUTO_TEST_CASE(a_frozen_node_is_detected_within_the_connection_timeout) {
  TempDir dir;
  ServerProcess server(dir.db());
  auto opts = strata::test::client_options(1s);
  opts.call_timeout = 30s;
  auto db = connect(server, opts);
  STRATA_REQUIRE_OK(db.kv_put("k", 1));
  server.signal(SIGSTOP);
  auto start = Clock::now();
  auto r = db.kv_put("k", 2);
  auto took = Clock::now() - start;
  server.signal(SIGCONT);
  BOOST_REQUIRE(!r);
  BOOST_TEST(strata::is(r.error(), errc::Unavailable), strata::describe(r.error()));
  BOOST_TEST_MESSAGE("frozen node noticed after "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                     << " ms");
  BOOST_TEST((took < Clock::duration(5s)));
  // Running again: the next calls connect anew (a call may still meet
  // the old connection's end).
  bool read = false;
  for (int attempt = 0; attempt < 3 && !read; ++attempt)
    read = static_cast<bool>(db.kv_get("k"));
  BOOST_TEST(read);
}

// A transaction open on a lost connection: the node rolls it back (the
// client is gone); the client's commit reports the loss; nothing of it is
// applied.
BOOST_AUTO_TEST_CASE(a_transaction_on_a_lost_connection_is_rolled_back) {
  TempDir dir;
  ServerProcess server(dir.db());
  auto db = connect(server);
  auto s = db.session();
  STRATA_REQUIRE_DONE(s.begin());
  STRATA_REQUIRE_OK(s.kv_put("pending", 1));
  server.restart_after_kill();
  auto r = s.commit();
  BOOST_REQUIRE(!r);
  BOOST_TEST((strata::is(r.error(), errc::Unavailable) ||
              strata::is(r.error(), errc::TransactionNotActive)),
             strata::describe(r.error()));
  BOOST_TEST(!s.in_transaction());
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("pending")).has_value());

  // A client process that dies with a transaction open: the node logs the
  // disconnection and rolls it back.
  auto [code, out] = strata::test::run_process(
      {STRATA_NODE_WORKER, server.endpoint(), pki().client().certificate, pki().client().key,
       pki().client().ca, "die-in-transaction", "0", "0"});
  BOOST_TEST(code != 0);
  BOOST_TEST(out.find("in transaction") != std::string::npos, out);
  BOOST_TEST(server.wait_for_line("disconnected: client"));
  BOOST_TEST(!STRATA_REQUIRE_OK(db.kv_get("doomed")).has_value());
}

// Two client processes: each writes its own space, both increment one
// shared counter with compare-and-swap; nothing is lost.
BOOST_AUTO_TEST_CASE(two_client_processes_lose_nothing) {
  TempDir dir;
  ServerProcess server(dir.db());
  constexpr int writes = 200, increments = 100;
  auto worker = [&](const std::string& id) {
    return std::async(std::launch::async, [&, id] {
      return strata::test::run_process(
          {STRATA_NODE_WORKER, server.endpoint(), pki().client().certificate,
           pki().client().key, pki().client().ca, "write-and-count", id,
           std::to_string(writes) + ":" + std::to_string(increments)});
    });
  };
  auto a = worker("a"), b = worker("b");
  auto [code_a, out_a] = a.get();
  auto [code_b, out_b] = b.get();
  BOOST_TEST(code_a == 0, out_a);
  BOOST_TEST(code_b == 0, out_b);
  auto db = connect(server);
  for (const char* id : {"a", "b"}) {
    STRATA_REQUIRE_DONE(db.set_space(std::string("space-") + id));
    auto keys = STRATA_REQUIRE_OK(db.kv_list());
    BOOST_TEST(keys.size() == size_t{writes});
    BOOST_TEST(STRATA_REQUIRE_OK(db.kv_get("k17")) == std::optional<Value>(17));
  }
  STRATA_REQUIRE_DONE(db.set_space("shared"));
  BOOST_TEST(STRATA_REQUIRE_OK(db.state_get("counter")) ==
             std::optional<Value>(int64_t{2 * increments}));
}

// SIGTERM: the node answers what is in flight, closes the database and
// exits 0; a restart finds every write.
BOOST_AUTO_TEST_CASE(sigterm_stops_the_node_cleanly) {
  TempDir dir;
  auto server = std::make_unique<ServerProcess>(dir.db());
  {
    auto db = connect(*server);
    for (int i = 0; i < 100; ++i)
      STRATA_REQUIRE_OK(db.kv_put("k" + std::to_string(i), i));
  }
  server->signal(SIGTERM);
  BOOST_TEST(server->wait() == 0);
  // The database was closed: a local open takes its lock.
  auto local = STRATA_REQUIRE_OK(Strata::open(dir.db()));
  BOOST_TEST(STRATA_REQUIRE_OK(local.kv_list()).size() == 100u);
}

BOOST_AUTO_TEST_SUITE_END()
