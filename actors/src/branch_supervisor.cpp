#include "strata/actors/branch_supervisor.hpp"
#include "strata/actors/exceptions.hpp"

#include <algorithm>
#include <filesystem>

#include <leveldb/env.h>

#include <caf/all.hpp>

#include "strata/actors/space_actor.hpp"
#include "strata/actors/txn_coordinator.hpp"
#include "strata/store/files.hpp"
#include "strata/messages/limits.hpp"

namespace strata::actors {

namespace {

using self_ptr = branch_actor::stateful_pointer<BranchState>;

// How long a fork waits for the branch's commits in flight.
constexpr auto fork_pause_wait = std::chrono::seconds(10);

space_actor spawn_child(self_ptr self, const std::string& space) {
  auto& st = self->state;
  SpaceActorArgs args{st.ctx,         st.clock,      st.branch,
                      space,          caf::actor_cast<space_registry>(self),
                      st.coordinator, st.txn_log,    st.txn_sync,
                      st.txn_log_error};
  // Monitored, not linked: CAF keeps an actor's links in a list it scans
  // to remove one, so a branch of 100,000 spaces took minutes to stop
  // (each child unlinking itself from the supervisor).
  auto child = self->spawn(space_behavior, std::move(args));
  self->monitor(child);
  st.children[space] = child;
  if (st.stopping) {
    // A request that raced the branch's stop: the child goes down with it.
    st.stopping_wait.insert(caf::actor_cast<caf::actor_addr>(child));
    self->send_exit(child, st.stop_reason);
  }
  return child;
}

space_actor child_of(self_ptr self, const std::string& space) {
  auto& children = self->state.children;
  if (auto it = children.find(space); it != children.end())
    return it->second;
  return spawn_child(self, space);
}

// Copies every space that may hold a store (the registered ones and
// default) into branch `dest_branch`, all at once; then done(the first
// error, how many spaces had a store, how many records they held).
void copy_spaces(self_ptr self, const std::string& dest_branch,
                 std::function<void(caf::error, uint64_t, uint64_t)> done) {
  std::vector<std::string> names(self->state.catalog.begin(), self->state.catalog.end());
  names.emplace_back(default_space);
  auto pending = std::make_shared<size_t>(names.size());
  auto copied = std::make_shared<uint64_t>(0);
  auto records = std::make_shared<uint64_t>(0);
  auto failed = std::make_shared<caf::error>();
  auto one_done = [=] {
    if (--*pending == 0)
      done(*failed, *copied, *records);
  };
  for (const auto& name : names)
    self->request(child_of(self, name), caf::infinite, space_copy_atom::value,
                  self->state.ctx->space_dir(dest_branch, name))
        .then(
            [=](const std::vector<uint64_t>& did) {
              if (!did.empty()) {
                ++*copied;
                *records += did.front();
              }
              one_done();
            },
            [=](caf::error& err) {
              if (!*failed)
                *failed = err;
              one_done();
            });
}

// Spaces registered in storage: directories of the branch holding a store.
void load_catalog(BranchState& st) {
  auto* env = st.ctx->store_options.env;
  auto spaces = st.ctx->branch_dir(st.branch) + "/spaces";
  for (const auto& name : store::list_subdirs(env, spaces)) {
    if (name != default_space && !validate_space_name(name) &&
        env->FileExists(spaces + "/" + name + "/CURRENT"))
      st.catalog.insert(name);
  }
}

// Opens the branch's transaction log, before any actor that writes it.
void open_txn_log(BranchState& st) {
  auto log = store::TxnLog::open(st.ctx->branch_dir(st.branch) + "/txn", st.ctx->store_options);
  if (!log) {
    st.txn_log_error = std::move(log.error());
    return;
  }
  st.txn_log = std::move(*log);
  if (auto job = st.txn_log->sync_job(); job && st.ctx->syncer)
    st.txn_sync = SharedSyncLane::make(*st.ctx->syncer, std::move(job));
}

}  // namespace

BranchState::~BranchState() {
  if (ctx && clock)
    ctx->clocks->withdraw(branch, clock.get());
  // A branch that crashed (an exception; its coordinator's crash) takes
  // its space actors down with it, closing their stores, so that the branch
  // the root starts again opens them afresh. After a normal stop they are
  // gone already. (Not a monitor per child on the branch: CAF scans an
  // actor's attachables to unlink, and with 100,000 spaces every exit
  // message to the branch then cost a scan of 100,000.)
  if (!stopping)
    for (auto& [name, child] : children) {
      if (orphans)
        orphans->leave(name, child);
      caf::anon_send_exit(child, caf::exit_reason::unknown);
    }
}

branch_actor::behavior_type branch_behavior(self_ptr self,
                                            std::shared_ptr<const DatabaseContext> ctx,
                                            std::string branch,
                                            std::shared_ptr<Orphans<space_actor>> orphans) {
  self->set_exception_handler(exception_error);
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.branch = std::move(branch);
  st.orphans = std::move(orphans);
  st.clock = std::make_shared<store::CommitClock>();
  st.clock->observe_wall_clock();
  st.ctx->clocks->publish(st.branch, st.clock);
  load_catalog(st);
  open_txn_log(st);
  st.coordinator = self->spawn<caf::linked>(coordinator_behavior, st.ctx, st.clock, st.branch,
                                            caf::actor_cast<caf::actor>(self), st.txn_log,
                                            st.txn_sync, st.txn_log_error);
  self->monitor(st.coordinator);
  // Children are monitored. A child going down while the branch runs has
  // crashed (children never quit on their own): it is restarted. An exit
  // message (the database root deleting the branch or shutting down)
  // stops the branch: children first, and this actor only once every one
  // of them is down. A space actor closes its store when it exits, so
  // whoever watches this actor (deleting the branch's files, or reopening
  // them) never races a store that is still open.
  auto gone = [self](const caf::actor_addr& who) {
    auto& st = self->state;
    st.stopping_wait.erase(who);
    if (st.stopping_wait.empty())
      self->quit(st.stop_reason);
  };
  self->set_down_handler([self, gone](const caf::down_msg& msg) {
    auto& st = self->state;
    if (st.stopping) {
      gone(msg.source);
      return;
    }
    for (auto& [space, child] : st.children)
      if (msg.source == caf::actor_cast<caf::actor_addr>(child)) {
        spawn_child(self, space);
        return;
      }
  });
  self->set_exit_handler([self, gone](const caf::exit_msg& msg) {
    auto& st = self->state;
    if (st.stopping) {
      gone(msg.source);
      return;
    }
    st.stopping = true;
    st.stop_reason = msg.reason;
    st.ctx->clocks->withdraw(st.branch, st.clock.get());
    st.stopping_wait.insert(caf::actor_cast<caf::actor_addr>(st.coordinator));
    for (auto& [space, child] : st.children)
      st.stopping_wait.insert(caf::actor_cast<caf::actor_addr>(child));
    self->send_exit(st.coordinator, msg.reason);
    for (auto& [space, child] : st.children)
      self->send_exit(child, msg.reason);
  });
  return {
    [=](space_register_atom, const std::string& space) {
      if (space != default_space)
        self->state.catalog.insert(space);
    },
    [=](space_unregister_atom, const std::string& space) { self->state.catalog.erase(space); },
    [=](space_resolve_atom, const std::string& space) -> caf::result<space_actor> {
      if (auto err = validate_space_name(space))
        return err;
      return child_of(self, space);
    },
    [=](txn_check_atom) -> StoreCheck {
      auto& st = self->state;
      StoreCheck out;
      if (st.txn_log)
        out = st.txn_log->check();
      else
        out.problems.push_back("the transaction log does not open: " +
                               message_of(st.txn_log_error));
      out.branch = st.branch;
      return out;
    },
    [=](space_list_atom) -> std::vector<std::string> {
      std::vector<std::string> out(self->state.catalog.begin(), self->state.catalog.end());
      out.insert(std::lower_bound(out.begin(), out.end(), std::string(default_space)),
                 std::string(default_space));
      return out;
    },
    [=](space_exists_atom, const std::string& space) -> bool {
      return space == default_space || self->state.catalog.count(space) > 0;
    },
    [=](space_create_atom, const std::string& space) -> caf::result<bool> {
      if (auto err = validate_space_name(space))
        return err;
      // The child registers itself (a message that reaches this mailbox
      // before the caller sees the reply) and then answers the caller.
      return self->delegate(child_of(self, space), space_create_atom::value);
    },
    [=](txn_coord_atom) -> coordinator_actor { return self->state.coordinator; },
    [=](txn_snapshot_atom) -> uint64_t { return self->state.clock->snapshot(); },
    [=](recover_atom) -> caf::result<bool> {
      return self->delegate(self->state.coordinator, recover_atom::value);
    },
    [=](space_copy_atom, const std::string& dest_branch) -> caf::result<std::vector<uint64_t>> {
      // With two-phase commits held back and none in flight, so that no
      // copy holds half of one (its other participant applying it only
      // after its own copy): every commit decided so far is applied in
      // every space, and the next waits until the copies are done.
      // A commit that cannot finish (waiting behind one left in doubt)
      // must not hold the branch's commits back for good: the fork gives
      // up after a while.
      auto rp = self->make_response_promise<std::vector<uint64_t>>();
      auto coordinator = self->state.coordinator;
      auto token = ++self->state.pauses;
      self->request(coordinator, fork_pause_wait, txn_pause_atom::value, token)
          .then(
              [=](bool) mutable {
                copy_spaces(self, dest_branch,
                            [=](caf::error err, uint64_t copied, uint64_t records) mutable {
                              self->send(coordinator, txn_resume_atom::value, token);
                              if (err)
                                rp.deliver(err);
                              else
                                rp.deliver(std::vector<uint64_t>{copied, records});
                            });
              },
              [=](caf::error& err) mutable {
                self->send(coordinator, txn_resume_atom::value, token);
                if (err == caf::sec::request_timeout)
                  err = make_error(errc::ConstraintViolation,
                                   "the branch's commits in flight did not finish; try again");
                rp.deliver(err);
              });
      return rp;
    },
    [=](space_drop_atom, const std::string& space, bool force) -> caf::result<bool> {
      if (auto err = validate_space_name(space))
        return err;
      if (space == default_space)
        return make_error(errc::ConstraintViolation, "Cannot delete the default space");
      if (self->state.catalog.count(space) == 0)
        return false;
      return self->delegate(child_of(self, space), space_drop_atom::value, force);
    },
  };
}

}  // namespace strata::actors
