#pragma once

// One agent of the world in agent_world.hpp, written as a CAF actor that
// talks to Strata only through the database's service actor: each of its
// steps is a chain of requests, every next one sent from the reply to the
// previous one, so the actor never waits for anything. Shared by the
// agent_simulation example and bench/sim_bench.

#include <atomic>
#include <cstdio>
#include <functional>
#include <future>
#include <memory>

#include <caf/all.hpp>

#include <strata/actor.hpp>

#include "agent_world.hpp"

namespace world {

namespace cmd = strata::cmd;
using strata::Command;
using strata::Output;

struct Shared {
  strata::service svc;
  int agents = 0;
  int steps = 0;
  std::atomic<long> claims_won{0};
  std::atomic<long> errors{0};
  std::atomic<int> finished{0};
  std::promise<void> all_done;
};

// One agent: its steps run one after the other, each step's requests
// chained through replies (an actor never waits for anything).
inline caf::behavior agent(caf::event_based_actor* self, std::shared_ptr<Shared> w, int id) {
  strata::Target mine{"default", world::agent_space(id)};
  strata::Target shared{"default", "world"};
  // Sends `c`, then runs `next` with the output (errors are counted and
  // the step goes on: an agent keeps working).
  auto ask = [self, w](Command c, std::function<void(const Output&)> next) {
    self->request(w->svc, caf::infinite, std::move(c))
        .then([next](Output& out) { next(out); },
              [w, next](caf::error& err) {
                std::fprintf(stderr, "agent error: %s\n", strata::describe(err).c_str());
                ++w->errors;
                next(Output{});
              });
  };
  auto step = std::make_shared<std::function<void(int)>>();
  *step = [=](int s) {
    if (s == w->steps) {
      self->quit();
      if (++w->finished == w->agents)
        w->all_done.set_value();
      // Ends the self-reference. This destroys the closure running now, so
      // nothing it captured may be touched after (quitting after it read
      // a destroyed `self`: a rare crash at exit).
      auto cycle = step;
      *cycle = nullptr;
      return;
    }
    strata::Object note{{"step", s}};
    ask(cmd::EventAppend{mine, "step", note}, [=](const Output&) {
      ask(cmd::KvGet{mine, "last_step"}, [=](const Output&) {
        ask(cmd::KvPut{mine, "last_step", s}, [=](const Output&) {
          ask(cmd::JsonSet{mine, "profile", "$.steps", s + 1}, [=](const Output&) {
            int task = world::task_tried(id, s, w->agents, w->steps);
            ask(cmd::StateCas{shared, world::task_cell(task), std::nullopt, id},
                [=](const Output& out) {
                  if (auto* won = std::get_if<std::optional<uint64_t>>(&out); won && *won)
                    ++w->claims_won;
                  ask(cmd::VectorSearch{shared, "memory", world::embedding(id), 3, {}},
                      [=](const Output&) { (*step)(s + 1); });
                });
          });
        });
      });
    });
  };
  // Step 0 starts once the agent's vector is in the shared memory.
  ask(cmd::VectorUpsert{shared, "memory", world::agent_space(id), world::embedding(id),
                        std::nullopt},
      [=](const Output&) { (*step)(0); });
  // Everything happens in replies to its requests; the behaviour only
  // keeps the actor alive until its last step quits it.
  return {[](caf::ok_atom) {}};
}

}  // namespace world
