#pragma once

// detail::HandleImpl — what one Strata handle (and a Session) is made of: a
// Client actor for synchronous calls, the current branch and space, and the
// actors it has resolved. Internal to runtime/.

#include <string>
#include <thread>
#include <unordered_map>

#include <caf/all.hpp>

#include "database.hpp"
#include "strata/actors/client.hpp"
#include "strata/messages/limits.hpp"
#include "strata/messages/protocol.hpp"

namespace strata {

namespace detail {

struct HandleImpl {
  HandleImpl(std::shared_ptr<Database> database)
      : db(std::move(database)),
        client(db->system(), db->inline_budget()),
        branch(default_branch),
        space(default_space) {
  }

  std::shared_ptr<Database> db;
  actors::Client client;
  std::string branch;
  std::string space;
  actors::branch_actor branch_actor;
  std::unordered_map<std::string, actors::space_actor> spaces;

  /// Makes `name` the current space (SPEC 4.4 names; nothing is created).
  result<void> set_space(std::string_view name) {
    if (auto err = validate_space_name(name))
      return err;
    space = std::string(name);
    return {};
  }

  result<actors::branch_actor> current_branch_actor() {
    if (!branch_actor) {
      auto r = client.call(db->root(), branch_open_atom::value, branch);
      if (!r)
        return r.error();
      branch_actor = std::move(*r);
    }
    return branch_actor;
  }

  /// Sends a request to the current branch's supervisor, re-resolving once
  /// if it was deleted or restarted (the root then answers BranchNotFound
  /// for a deleted branch); the cached space actors, its children, go too.
  template <class... Ts>
  auto on_branch(const Ts&... xs) {
    using reply_type = decltype(client.call(std::declval<actors::branch_actor>(), xs...));
    for (int attempt = 0;; ++attempt) {
      auto br = current_branch_actor();
      if (!br)
        return reply_type{br.error()};
      auto r = client.call(*br, xs...);
      if (r || attempt > 0 || !receiver_down(r.error()))
        return r;
      branch_actor = nullptr;
      spaces.clear();
    }
  }

  result<actors::space_actor> space_actor(const std::string& name) {
    if (auto it = spaces.find(name); it != spaces.end())
      return it->second;
    auto r = on_branch(space_resolve_atom::value, name);
    if (!r)
      return r.error();
    spaces.emplace(name, *r);
    return std::move(*r);
  }

  static bool receiver_down(const caf::error& err) {
    return err.category() == caf::atom("system") &&
           err.code() == static_cast<uint8_t>(caf::sec::request_receiver_down);
  }

  /// Sends a request to the current space's actor. A space actor that died
  /// bounces the request unprocessed, so it is safe to resolve the actor
  /// again and resend. The supervisor learns of the death (and restarts the
  /// space) through a link message that may trail the bounce by a moment,
  /// so a few attempts may see the dead actor again.
  template <class... Ts>
  auto on_space(const Ts&... xs) {
    return on_space_named(space, xs...);
  }

  /// The same for a space other than the current one. `Durable`: the
  /// reply waits for an fsync (Client::call_durable).
  template <bool Durable = false, class... Ts>
  auto on_space_named(const std::string& name, const Ts&... xs) {
    using reply_type = decltype(client.call(std::declval<actors::space_actor>(), xs...));
    for (int attempt = 0;; ++attempt) {
      auto actor = space_actor(name);
      if (!actor)
        return reply_type{actor.error()};
      auto r = Durable ? client.call_durable(*actor, xs...) : client.call(*actor, xs...);
      if (r || attempt >= max_resend_attempts || !receiver_down(r.error()))
        return r;
      spaces.erase(name);
      std::this_thread::yield();
    }
  }

  static constexpr int max_resend_attempts = 1000;

};

}  // namespace detail

}  // namespace strata
