#pragma once

// An actor system plus an in-memory database context for actor tests.

#include <memory>

#include <caf/all.hpp>
#include <leveldb/env.h>
#include <leveldb/helpers/memenv.h>

#include "strata/actors/context.hpp"
#include "strata/messages/protocol.hpp"

namespace strata::test {

struct ActorFixture {
  std::unique_ptr<leveldb::Env> env{leveldb::NewMemEnv(leveldb::Env::Default())};
  std::shared_ptr<actors::DatabaseContext> ctx = make_context(env.get());
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;

  ActorFixture() {
    cfg.add_message_types<caf::id_block::strata>();
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  ~ActorFixture() {
    sys.reset();  // awaits every actor before the Env goes away
  }

  static std::shared_ptr<actors::DatabaseContext> make_context(leveldb::Env* env) {
    auto ctx = std::make_shared<actors::DatabaseContext>();
    ctx->root = "/actors-test";
    ctx->store_options.env = env;
    ctx->store_options.durability = Durability::Cache;
    return ctx;
  }
};

}  // namespace strata::test
