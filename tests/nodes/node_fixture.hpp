#pragma once

// What the node tests share: test certificates made by cli/make-certs.sh,
// a `strata serve` process (real process, real socket, its log
// read through a pipe), and running the CLI as a process.

#include <poll.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <strata/node.hpp>
#include <strata/strata.hpp>

#include "../temp_dir.hpp"

namespace strata::test {

/// A CA with a server and a client certificate, and a rogue CA with a
/// client certificate of its own; made once per test process by
/// cli/make-certs.sh (what users run).
struct Pki {
  TempDir dir;
  std::string file(const std::string& name) const { return dir.path() + "/" + name; }
  TlsFiles server() const { return {file("server.pem"), file("server.key"), file("ca.pem"), ""}; }
  TlsFiles client() const { return {file("client.pem"), file("client.key"), file("ca.pem"), ""}; }
  /// A certificate the node's CA did not sign (it trusts the node's CA,
  /// so only the node refuses it).
  TlsFiles rogue() const {
    return {file("rogue/client.pem"), file("rogue/client.key"), file("ca.pem"), ""};
  }

  Pki() {
    for (const auto& target : {dir.path(), file("rogue")}) {
      auto cmd = std::string(STRATA_MAKE_CERTS) + " '" + target + "' 2 >/dev/null 2>&1";
      if (std::system(cmd.c_str()) != 0)
        throw std::runtime_error("failed: " + cmd);
    }
  }
};

inline const Pki& pki() {
  static Pki p;
  return p;
}

inline ConnectOptions client_options(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  ConnectOptions o;
  o.tls = pki().client();
  o.connection_timeout = timeout;
  return o;
}

/// The TLS flags of the CLI for `files`.
inline std::vector<std::string> tls_flags(const TlsFiles& files) {
  return {"--cert", files.certificate, "--key", files.key, "--ca", files.ca};
}

/// `strata --db DIR serve ...` as a child process. Its standard error is
/// read line by line on a thread of its own (so the server never blocks on
/// a full pipe); the constructor returns once it listens.
class ServerProcess {
 public:
  ServerProcess(std::string db, std::vector<std::string> serve_args = tls_flags(pki().server()),
                uint16_t port = 0)
      : db_(std::move(db)), args_(std::move(serve_args)) {
    start(port);
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGCONT);
      ::kill(pid_, SIGKILL);
      wait();
    }
    if (reader_.joinable())
      reader_.join();
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  uint16_t port() const { return port_; }
  std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return pid_; }

  void signal(int sig) { ::kill(pid_, sig); }

  /// Waits for the process to end; its exit status (128 + signal when
  /// killed).
  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (reader_.joinable())
      reader_.join();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  /// Kills it (SIGKILL) and starts it again on the same port and database.
  void restart_after_kill() {
    signal(SIGKILL);
    wait();
    start(port_);
  }

  /// Waits until a log line contains `text` (or `timeout` passes).
  bool wait_for_line(const std::string& text,
                     std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock<std::mutex> lock(mtx_);
    return cv_.wait_for(lock, timeout, [&] {
      for (const auto& l : lines_)
        if (l.find(text) != std::string::npos)
          return true;
      return false;
    });
  }
  size_t count_lines(const std::string& text) {
    std::lock_guard<std::mutex> lock(mtx_);
    size_t n = 0;
    for (const auto& l : lines_)
      n += l.find(text) != std::string::npos;
    return n;
  }
  std::string log() {
    std::lock_guard<std::mutex> lock(mtx_);
    std::string out;
    for (const auto& l : lines_)
      out += l + "\n";
    return out;
  }

  /// The server's resident memory (VmRSS) in bytes.
  size_t rss_bytes() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(status, line))
      if (line.rfind("VmRSS:", 0) == 0)
        return std::stoul(line.substr(6)) * 1024;
    return 0;
  }

 private:
  void start(uint16_t port) {
    if (reader_.joinable())
      reader_.join();
    int fds[2];
    if (::pipe(fds) != 0)
      throw std::runtime_error("pipe failed");
    std::vector<std::string> argv{STRATA_CLI, "--db", db_, "serve", "--listen",
                                  "127.0.0.1:" + std::to_string(port)};
    argv.insert(argv.end(), args_.begin(), args_.end());
    // Built before fork: the child of a threaded process may only call
    // async-signal-safe functions (no allocation).
    std::vector<char*> args;
    for (auto& a : argv)
      args.push_back(a.data());
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlives a killed test
      ::dup2(fds[1], 2);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    {
      std::lock_guard<std::mutex> lock(mtx_);
      lines_.clear();
      exited_ = false;
    }
    reader_ = std::thread([this, fd = fds[0]] {
      std::string partial;
      char buf[4096];
      for (;;) {
        auto n = ::read(fd, buf, sizeof(buf));
        if (n <= 0)
          break;
        partial.append(buf, static_cast<size_t>(n));
        for (auto nl = partial.find('\n'); nl != std::string::npos; nl = partial.find('\n')) {
          std::lock_guard<std::mutex> lock(mtx_);
          lines_.push_back(partial.substr(0, nl));
          partial.erase(0, nl + 1);
          cv_.notify_all();
        }
      }
      ::close(fd);
      std::lock_guard<std::mutex> lock(mtx_);
      exited_ = true;
      cv_.notify_all();
    });
    std::unique_lock<std::mutex> lock(mtx_);
    static const std::regex listening("listening on [0-9.]+:([0-9]+)");
    std::string port_text;
    bool up = cv_.wait_for(lock, std::chrono::seconds(30), [&] {
      for (const auto& l : lines_) {
        std::smatch m;
        if (std::regex_search(l, m, listening)) {
          port_text = m[1].str();
          return true;
        }
      }
      return exited_;
    });
    if (!up || port_text.empty()) {
      std::string out;
      for (const auto& l : lines_)
        out += l + "\n";
      throw std::runtime_error("strata serve did not start: " + out);
    }
    port_ = static_cast<uint16_t>(std::stoul(port_text));
  }

  std::string db_;
  std::vector<std::string> args_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::thread reader_;
  std::mutex mtx_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  bool exited_ = false;
};

/// Runs `argv` (argv[0] a path), feeding it `input`; its exit status and
/// everything it wrote to standard output and error.
inline std::pair<int, std::string> run_process(const std::vector<std::string>& argv,
                                               const std::string& input = "") {
  TempDir dir;
  std::string in = dir.path() + "/in", out = dir.path() + "/out";
  std::ofstream(in) << input;
  std::string cmd;
  for (const auto& a : argv)
    cmd += "'" + a + "' ";
  cmd += "<'" + in + "' >'" + out + "' 2>&1";
  int status = std::system(cmd.c_str());
  std::ifstream f(out);
  std::string text{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

}  // namespace strata::test
