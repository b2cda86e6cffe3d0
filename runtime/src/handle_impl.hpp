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
  actors::coordinator_actor coordinator;
  /// The clock of the branch the actors above were resolved on, as last
  /// seen by snapshot().
  std::shared_ptr<const store::CommitClock> branch_clock;

  /// Forgets the actors resolved on the current branch (it changed, or
  /// was deleted or restarted).
  void forget_branch_actors() {
    branch_actor = nullptr;
    spaces.clear();
    coordinator = nullptr;
  }

  /// Makes `name` the current space (SPEC 4.4 names; nothing is created).
  result<void> set_space(std::string_view name) {
    if (auto err = validate_space_name(name))
      return err;
    space = std::string(name);
    return {};
  }

  /// Makes `name` the current branch and "default" the current space.
  /// Errors: BranchNotFound (nothing changes).
  result<void> set_branch(std::string_view name) {
    std::string target(name);
    auto actor = client.call(db->root(), branch_open_atom::value, target);
    if (!actor)
      return actor.error();
    branch = std::move(target);
    forget_branch_actors();
    branch_actor = std::move(*actor);
    space = std::string(default_space);
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
  /// Gone again after that: BranchClosed.
  template <class... Ts>
  auto on_branch(const Ts&... xs) {
    using reply_type = decltype(client.call(std::declval<actors::branch_actor>(), xs...));
    for (int attempt = 0;; ++attempt) {
      auto br = current_branch_actor();
      if (!br)
        return reply_type{br.error()};
      auto r = client.call(*br, xs...);
      if (r || !receiver_down(r.error()))
        return r;
      forget_branch_actors();
      if (attempt > 0)
        return reply_type{branch_closed("during the call")};
    }
  }

  /// The error for a request that found the branch's actors gone (the
  /// branch deleted, or deleted and created again, meanwhile).
  caf::error branch_closed(std::string_view what) const {
    return make_error(errc::BranchClosed,
                      "branch \"" + branch + "\" was deleted or restarted " + std::string(what));
  }

  /// A snapshot timestamp of the current branch for a new transaction:
  /// read from the branch's clock when the branch runs in this process,
  /// else asked of the branch (which also reports a missing branch).
  /// A branch started again under the same name (deleted and created,
  /// restarted) publishes a new clock: the actors resolved on the old one
  /// are forgotten here, so that the transaction commits on the new one.
  result<uint64_t> snapshot() {
    auto clock = db->clocks().find(branch);
    if (!clock)
      return on_branch(txn_snapshot_atom::value);
    if (clock != branch_clock) {
      forget_branch_actors();
      branch_clock = clock;
    }
    return clock->snapshot();
  }

  /// Sends a request to the current branch's transaction coordinator
  /// (resolved once per branch) and waits for a durable reply. A
  /// coordinator that is gone (its branch stopped or restarted since)
  /// bounces the request unprocessed; the resolved actors are forgotten and
  /// the caller gets BranchClosed — the request itself (a commit's write
  /// set) was moved into the message, so it is not sent again here.
  template <class... Ts>
  auto on_coordinator_durable(Ts&&... xs) {
    using reply_type = decltype(client.call_durable(std::declval<actors::coordinator_actor>(),
                                                    std::forward<Ts>(xs)...));
    if (!coordinator) {
      auto r = on_branch(txn_coord_atom::value);
      if (!r)
        return reply_type{r.error()};
      coordinator = std::move(*r);
    }
    auto r = client.call_durable(coordinator, std::forward<Ts>(xs)...);
    if (!r && receiver_down(r.error())) {
      forget_branch_actors();
      return reply_type{branch_closed("before the commit reached it; nothing was committed")};
    }
    return r;
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
      if (r || !receiver_down(r.error()))
        return r;
      if (attempt >= max_resend_attempts)
        return reply_type{branch_closed("during the call")};
      spaces.erase(name);
      std::this_thread::yield();
    }
  }

  static constexpr int max_resend_attempts = 1000;
};

}  // namespace detail

}  // namespace strata
