#pragma once

// detail::HandleImpl — what one Strata handle (and a Session) is made of: a
// Client actor for synchronous calls, the current branch and space, and the
// actors it has resolved. Internal to runtime/.

#include <string>
#include <thread>
#include <memory>
#include <unordered_map>

#include <caf/all.hpp>

#include "database.hpp"
#include "node_client.hpp"
#include "strata/actors/client.hpp"
#include "strata/messages/limits.hpp"
#include "strata/messages/protocol.hpp"
#include "strata/session.hpp"

namespace strata {

namespace detail {

/// A result whose value the caller does not want (a void method over a
/// command with an output).
template <class T>
result<void> to_void(result<T>&& r) {
  if (!r)
    return std::move(r.error());
  return {};
}

// The classic answers of the writes, from the WriteInfo of their
// `*_versioned` forms: the version; whether a delete wrote (something was
// live); how many values a JSON delete removed (0 or 1).
inline result<uint64_t> version_of(result<WriteInfo>&& r) {
  if (!r)
    return std::move(r.error());
  return r->version;
}
inline result<bool> wrote(result<WriteInfo>&& r) {
  if (!r)
    return std::move(r.error());
  return r->version != 0;
}
inline result<uint64_t> removed_count(result<WriteInfo>&& r) {
  if (!r)
    return std::move(r.error());
  return r->version != 0 ? uint64_t{1} : uint64_t{0};
}

/// AccessDenied for `command` when `db` was opened read-only (SPEC 2.1:
/// "access denied: <Command> rejected — database is read-only"), else none.
inline caf::error refuse_if_read_only(const Database* db, std::string_view command) {
  if (db && db->options().read_only)
    return make_error(errc::AccessDenied, "access denied: " + std::string(command) +
                                              " rejected — database is read-only");
  return {};
}

struct HandleImpl {
  explicit HandleImpl(std::shared_ptr<Database> database)
      : db(std::move(database)),
        client(db->system(), db->inline_budget()),
        branch(default_branch),
        space(default_space) {
  }
  /// A handle on a node's database (Strata::connect): every command goes
  /// to the node through the connection's link actor.
  explicit HandleImpl(std::shared_ptr<Remote> node)
      : remote(std::move(node)),
        client(remote->system(), 16),
        branch(default_branch),
        space(default_space) {
  }

  std::shared_ptr<Database> db;  ///< null on a remote handle
  std::shared_ptr<Remote> remote;  ///< null on a local handle
  actors::Client client;
  /// The handle's current branch and space: where its calls go.
  std::string branch;
  std::string space;

  /// The actors resolved on one branch, and the branch's clock as last
  /// seen by snapshot().
  struct BranchActors {
    actors::branch_actor supervisor;
    std::unordered_map<std::string, actors::space_actor> spaces;
    actors::coordinator_actor coordinator;
    std::shared_ptr<const store::CommitClock> clock;
  };
  /// By branch name: the current branch's, and those commands named.
  std::unordered_map<std::string, BranchActors> resolved;

  /// Transactions begun through commands (cmd::Begin), by id.
  std::unordered_map<uint64_t, std::unique_ptr<Session>> txns;
  uint64_t last_txn_id = 0;
  /// Ids go up by this much (the service's executors interleave theirs).
  uint64_t txn_id_step = 1;

  /// Forgets the actors resolved on `name` (it was deleted or restarted).
  void forget_branch_actors(const std::string& name) { resolved.erase(name); }
  void forget_branch_actors() { forget_branch_actors(branch); }

  /// Makes `name` the current space (SPEC 4.4 names; nothing is created).
  result<void> set_space(std::string_view name) {
    if (auto err = validate_space_name(name))
      return err;
    space = std::string(name);
    return {};
  }

  /// Sends a request to the database root. A root that crashed bounces it
  /// unprocessed and is replaced at once (actors::spawn_supervised_root):
  /// resent to the new one, a few times at most.
  template <class... Ts>
  auto call_root(const Ts&... xs) {
    auto r = client.call(db->root(), xs...);
    for (int attempt = 0; attempt < 100 && !r && receiver_down(r.error()); ++attempt) {
      std::this_thread::yield();  // the replacement is published as the old one ends
      r = client.call(db->root(), xs...);
    }
    return r;
  }

  /// Runs command `c` on the node (a remote handle only): its output, or
  /// its error.
  template <class C>
  result<typename C::output> remote_run(C c) {
    auto r = client.call(remote->link(), Command{std::move(c)});
    if (!r)
      return std::move(r.error());
    if (auto* out = std::get_if<typename C::output>(&*r))
      return std::move(*out);
    return make_error(errc::Internal, "the node answered a command with the output of another");
  }

  /// Makes `name` the current branch and "default" the current space.
  /// Errors: BranchNotFound (nothing changes).
  result<void> set_branch(std::string_view name) {
    std::string target(name);
    if (remote) {
      auto exists = remote_run(cmd::BranchExists{Target{branch, space, 0}, target});
      if (!exists)
        return exists.error();
      if (!*exists)
        return make_error(errc::BranchNotFound, "branch \"" + target + "\" does not exist");
      branch = std::move(target);
      space = std::string(default_space);
      return {};
    }
    auto actor = call_root(branch_open_atom::value, target);
    if (!actor)
      return actor.error();
    forget_branch_actors(target);
    resolved[target].supervisor = std::move(*actor);
    branch = std::move(target);
    space = std::string(default_space);
    return {};
  }

  result<actors::branch_actor> branch_actor(const std::string& name) {
    auto& actors = resolved[name];
    if (!actors.supervisor) {
      auto r = call_root(branch_open_atom::value, name);
      if (!r) {
        resolved.erase(name);
        return r.error();
      }
      actors.supervisor = std::move(*r);
    }
    return actors.supervisor;
  }

  /// Sends a request to the supervisor of branch `name`, re-resolving once
  /// if it was deleted or restarted (the root then answers BranchNotFound
  /// for a deleted branch); the cached space actors, its children, go too.
  /// Gone again after that: BranchClosed.
  template <class... Ts>
  auto on_branch_named(const std::string& name, const Ts&... xs) {
    using reply_type = decltype(client.call(std::declval<actors::branch_actor>(), xs...));
    for (int attempt = 0;; ++attempt) {
      auto br = branch_actor(name);
      if (!br)
        return reply_type{br.error()};
      auto r = client.call(*br, xs...);
      if (r || !receiver_down(r.error()))
        return r;
      forget_branch_actors(name);
      if (attempt > 0)
        return reply_type{branch_closed(name, "during the call")};
    }
  }

  /// The same on the current branch.
  template <class... Ts>
  auto on_branch(const Ts&... xs) {
    return on_branch_named(branch, xs...);
  }

  /// The error for a request that found the branch's actors gone (the
  /// branch deleted, or deleted and created again, meanwhile).
  static caf::error branch_closed(const std::string& name, std::string_view what) {
    return make_error(errc::BranchClosed,
                      "branch \"" + name + "\" was deleted or restarted " + std::string(what));
  }
  caf::error branch_closed(std::string_view what) const { return branch_closed(branch, what); }

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
    if (auto it = resolved.find(branch); it == resolved.end() || clock != it->second.clock) {
      forget_branch_actors();
      resolved[branch].clock = clock;
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
    auto& coordinator = resolved[branch].coordinator;
    if (!coordinator) {
      auto r = on_branch(txn_coord_atom::value);
      if (!r)
        return reply_type{r.error()};
      resolved[branch].coordinator = std::move(*r);
    }
    auto r = client.call_durable(resolved[branch].coordinator, std::forward<Ts>(xs)...);
    if (!r && receiver_down(r.error())) {
      forget_branch_actors();
      return reply_type{branch_closed("before the commit reached it; nothing was committed")};
    }
    return r;
  }

  /// The actor of space `name` of branch `br`.
  result<actors::space_actor> space_actor_of(const std::string& br, const std::string& name) {
    if (auto b = resolved.find(br); b != resolved.end())
      if (auto it = b->second.spaces.find(name); it != b->second.spaces.end())
        return it->second;
    auto r = on_branch_named(br, space_resolve_atom::value, name);
    if (!r)
      return r.error();
    resolved[br].spaces.emplace(name, *r);
    return std::move(*r);
  }

  result<actors::space_actor> space_actor(const std::string& name) {
    return space_actor_of(branch, name);
  }

  static bool receiver_down(const caf::error& err) {
    return err.category() == caf::atom("system") &&
           err.code() == static_cast<uint8_t>(caf::sec::request_receiver_down);
  }

  /// Sends a request to the actor of space `name` of branch `br`. A space
  /// actor that died bounces the request unprocessed, so it is safe to
  /// resolve the actor again and resend. The supervisor learns of the death
  /// (and restarts the space) through a link message that may trail the
  /// bounce by a moment, so a few attempts may see the dead actor again.
  /// `Durable`: the reply waits for an fsync (Client::call_durable).
  template <bool Durable = false, class... Ts>
  auto on_space_at(const std::string& br, const std::string& name, const Ts&... xs) {
    using reply_type = decltype(client.call(std::declval<actors::space_actor>(), xs...));
    for (int attempt = 0;; ++attempt) {
      auto actor = space_actor_of(br, name);
      if (!actor)
        return reply_type{actor.error()};
      auto r = Durable ? client.call_durable(*actor, xs...) : client.call(*actor, xs...);
      if (r || !receiver_down(r.error()))
        return r;
      if (attempt >= max_resend_attempts)
        return reply_type{branch_closed(br, "during the call")};
      if (auto b = resolved.find(br); b != resolved.end())
        b->second.spaces.erase(name);
      std::this_thread::yield();
    }
  }

  /// The same on the current branch.
  template <bool Durable = false, class... Ts>
  auto on_space_named(const std::string& name, const Ts&... xs) {
    return on_space_at<Durable>(branch, name, xs...);
  }

  /// The same in the current space.
  template <class... Ts>
  auto on_space(const Ts&... xs) {
    return on_space_named(space, xs...);
  }

  static constexpr int max_resend_attempts = 1000;
};

}  // namespace detail

}  // namespace strata
