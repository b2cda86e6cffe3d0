#pragma once

// Requests to a Strata service actor kept in flight from one event-based
// actor: what the service and node benchmarks measure. Includes CAF.

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>

#include <caf/all.hpp>

#include <strata/actor.hpp>

#include "bench_util.hpp"

namespace strata::bench {

/// Sends `count` requests to `svc`, the i-th made by `make(i)` (a Command
/// or a std::vector<Command>), at most `window` in flight, from one
/// event-based actor of `sys`; returns requests per second. A failed
/// request ends the benchmark. Each request carries `timeout`: in CAF
/// 0.17 a finite one costs a round through the actor clock's thread (a
/// lock, a wake-up, a cancellation) per request — measured as its own line.
template <class Make>
double pipelined_requests(caf::actor_system& sys, strata::service svc, size_t count,
                          size_t window, Make make,
                          caf::duration timeout = caf::duration{std::chrono::seconds(30)}) {
  using Msg = decltype(make(size_t{0}));
  using Reply = std::conditional_t<std::is_same_v<Msg, strata::Command>, strata::Output,
                                   std::vector<strata::Outcome>>;
  std::promise<void> done;
  auto start = clock_type::now();
  sys.spawn([&, svc, make](caf::event_based_actor* self) {
    auto sent = std::make_shared<size_t>(0), answered = std::make_shared<size_t>(0);
    auto send = std::make_shared<std::function<void()>>();
    *send = [=, &done] {
      self->request(svc, timeout, make((*sent)++))
          .then(
              [=, &done](Reply&) {
                if (++*answered == count) {
                  done.set_value();
                  *send = nullptr;  // breaks the cycle
                } else if (*sent < count) {
                  (*send)();
                }
              },
              [](caf::error& err) {
                std::fprintf(stderr, "benchmark failed: %s\n", strata::describe(err).c_str());
                std::exit(1);
              });
    };
    for (size_t i = 0; i < window && i < count; ++i)
      (*send)();
  });
  done.get_future().wait();
  std::chrono::duration<double> secs = clock_type::now() - start;
  return count / secs.count();
}

}  // namespace strata::bench
