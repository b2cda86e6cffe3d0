#pragma once

// Runs a writer process for the crash tests: the writer prints "ack <n>"
// (flushed) after each write or commit returned. The parent reads the acks
// and may SIGKILL the writer once enough arrived; the writer may also kill
// itself at a fault point. Either way it must die by SIGKILL.

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

namespace strata::test {

struct WriterRun {
  long last_ack = -1;   ///< the last acknowledged number (-1: none)
  bool killed = false;  ///< whether the parent sent the SIGKILL
};

/// Runs `argv` with `env` added to its environment. With kill_after >= 0 the
/// writer is killed once that many acks arrived. Every ack printed before
/// the death is counted: it was printed after its write returned.
inline WriterRun run_ack_writer(const std::vector<std::string>& argv,
                                const std::vector<std::pair<std::string, std::string>>& env,
                                long kill_after) {
  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    for (const auto& [name, value] : env)
      ::setenv(name.c_str(), value.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  FILE* out = ::fdopen(fds[0], "r");
  WriterRun run;
  char line[128];
  while (std::fgets(line, sizeof line, out) != nullptr) {
    long n;
    if (std::sscanf(line, "ack %ld", &n) == 1)
      run.last_ack = n;
    if (kill_after >= 0 && !run.killed && run.last_ack >= kill_after) {
      ::kill(pid, SIGKILL);
      run.killed = true;
    }
  }
  std::fclose(out);
  int status = 0;
  ::waitpid(pid, &status, 0);
  BOOST_REQUIRE_MESSAGE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                        "the writer " << argv[0] << " must die by SIGKILL, status " << status);
  return run;
}

}  // namespace strata::test
