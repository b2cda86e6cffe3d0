#include "strata/actors/database_root.hpp"

#include <atomic>
#include <filesystem>
#include "strata/actors/exceptions.hpp"

#include <chrono>
#include <optional>
#include <set>

#include <caf/all.hpp>
#include <leveldb/env.h>

#include "strata/actors/branch_supervisor.hpp"
#include "strata/messages/codec.hpp"
#include "strata/messages/limits.hpp"
#include "strata/store/bundle.hpp"
#include "strata/store/files.hpp"

namespace strata::actors {

namespace {

using self_ptr = database_actor::stateful_pointer<DatabaseState>;

// Each branch directory holds a BRANCH file: a Cap'n Proto Value object
// {"name": String, "created_at": Int (µs), "parent": String}.
std::string meta_path(const DatabaseContext& ctx, const std::string& branch) {
  return ctx.branch_dir(branch) + "/BRANCH";
}

bool on_disk(const DatabaseContext& ctx) {
  return ctx.store_options.durability != Durability::Cache;
}

// The root has no supervisor to restart it: its file work (an Env or a
// library may throw, and allocation may fail under a memory limit) goes
// through catching(), so that one bad file cannot stop the database.
constexpr const char* root_name = "strata.root";

caf::error write_meta(const DatabaseContext& ctx, const BranchInfo& info) {
  return catching(root_name, [&] {
    return store::write_checked_file(ctx.store_options.env, meta_path(ctx, info.name),
                                     encode_branch_meta(info), on_disk(ctx));
  });
}

caf::error remove_tree(const DatabaseContext& ctx, const std::string& dir) {
  return catching(root_name,
                  [&] { return store::remove_tree(ctx.store_options.env, dir, on_disk(ctx)); });
}

result<BranchInfo> read_meta(const DatabaseContext& ctx, const std::string& dir) {
  auto bytes = store::read_checked_file(ctx.store_options.env, dir + "/BRANCH");
  if (!bytes)
    return bytes.error();
  return decode_branch_meta(*bytes);
}

uint64_t now_us() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

branch_actor start_branch(self_ptr self, const BranchInfo& info) {
  auto& st = self->state;
  auto orphans = std::make_shared<Orphans<space_actor>>();
  auto actor = self->spawn<caf::linked>(branch_behavior, st.ctx, info.name, orphans);
  st.branches[info.name] = actor;
  st.orphans[info.name] = std::move(orphans);
  st.infos[info.name] = info;
  return actor;
}

// Removes a deleted branch's directory so that a crash at any moment
// leaves either the whole branch or nothing: on disk the directory is first
// renamed (atomically) to a name no branch has — a leading dot — which the
// next open removes if the removal here did not finish.
caf::error remove_branch_dir(const DatabaseContext& ctx, const std::string& dir) {
  if (!on_disk(ctx))
    return remove_tree(ctx, dir);
  static std::atomic<uint64_t> serial{0};
  auto trash = ctx.root + "/branches/.deleted-" + std::to_string(now_us()) + "-" +
               std::to_string(serial++);
  std::error_code ec;
  std::filesystem::rename(dir, trash, ec);
  if (ec)
    return make_error(errc::Io, "cannot delete " + dir + ": " + ec.message());
  if (auto err = store::sync_dir(ctx.root + "/branches"))
    return err;
  return remove_tree(ctx, trash);
}

void restart_branch(self_ptr self, const std::string& name) {
  auto actor = start_branch(self, self->state.infos[name]);
  self->request(actor, caf::infinite, recover_atom::value).then([](bool) {}, [](caf::error&) {});
}

caf::error not_found(const std::string& branch) {
  return make_error(errc::BranchNotFound, "branch \"" + branch + "\" does not exist");
}

// Holds a request while branch `name` is in `waiting` (being deleted, or
// restarting after a crash): it is sent to the root again, with its
// original sender, when that ends. Returns the promise to answer with, or
// none when `name` is not waiting.
template <class T, class... Ts>
std::optional<caf::typed_response_promise<T>> later_if_in(
    self_ptr self, std::map<std::string, std::vector<std::function<void()>>>& waiting,
    const std::string& name, Ts... request) {
  auto it = waiting.find(name);
  if (it == waiting.end())
    return std::nullopt;
  auto rp = self->make_response_promise<T>();
  auto me = caf::actor_cast<database_actor>(self);
  it->second.push_back([rp, me, request...]() mutable { rp.delegate(me, request...); });
  return rp;
}

// While branch `name` is being deleted, its directory is still there (the
// root removes it once every store of the branch is closed): a request that
// would create a branch of that name waits for the deletion to finish.
template <class T, class... Ts>
auto after_deletion(self_ptr self, const std::string& name, Ts... request) {
  return later_if_in<T>(self, self->state.deleting, name, request...);
}

// A request for branch `name`, left by a crashed root or supervisor, waits
// until it has restarted.
template <class T, class... Ts>
auto after_restart(self_ptr self, const std::string& name, Ts... request) {
  return later_if_in<T>(self, self->state.restarting, name, request...);
}

// Starts branch `name` again once every actor in `old` is down: what a
// crash left of it (the supervisor of a crashed root, the space actors of
// a crashed branch) still holds its stores until then. Requests to open
// it wait meanwhile (after_restart).
// `then_wait`: the space actors the old supervisor in `old` leaves when it
// goes down, waited for next.
template <class Handle>
void restart_when_down(self_ptr self, const std::string& name, const std::vector<Handle>& old,
                       std::shared_ptr<Orphans<space_actor>> then_wait = nullptr) {
  auto& st = self->state;
  st.branches.erase(name);
  st.restarting[name];
  auto finish = [self, name, then_wait] {
    auto& st = self->state;
    if (then_wait && st.stopping == 0) {
      std::vector<space_actor> left;
      for (auto& [space, child] : then_wait->take())
        left.push_back(std::move(child));
      restart_when_down(self, name, left);
      return;
    }
    if (st.stopping == 0)  // else the database is closing
      restart_branch(self, name);
    auto waiting = std::move(st.restarting[name]);
    st.restarting.erase(name);
    for (auto& resend : waiting)
      resend();
  };
  if (old.empty()) {
    finish();
    return;
  }
  auto left = std::make_shared<size_t>(old.size());
  for (const auto& actor : old) {
    self->monitor(actor);
    st.on_down[actor.address()] = [left, finish] {
      if (--*left == 0)
        finish();
    };
  }
}

}  // namespace

DatabaseState::~DatabaseState() {
  if (!handover)
    return;
  for (auto& [name, branch] : branches) {
    auto o = orphans.find(name);
    handover->leave(name, {branch, o != orphans.end() ? o->second : nullptr});
  }
}

database_actor::behavior_type database_behavior(self_ptr self,
                                                std::shared_ptr<const DatabaseContext> ctx,
                                                std::shared_ptr<RootHandover> handover) {
  self->set_exception_handler(exception_error);
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.handover = std::move(handover);
  std::map<std::string, std::pair<branch_actor, std::shared_ptr<Orphans<space_actor>>>>
      predecessors;
  if (st.handover)
    for (auto& [name, branch] : st.handover->take())
      predecessors[name] = std::move(branch);
  // Every branch found in storage is started (its coordinator may have
  // commits to finish); "default" always exists.
  const auto& c = *st.ctx;
  for (const auto& dir : store::list_subdirs(c.store_options.env, c.root + "/branches")) {
    if (!dir.empty() && dir[0] == '.') {
      // A deletion a crash interrupted (escaped branch names never start
      // with a dot): finish it.
      (void)store::remove_tree(c.store_options.env, c.root + "/branches/" + dir, on_disk(c));
      continue;
    }
    auto info = read_meta(c, c.root + "/branches/" + dir);
    if (info && predecessors.count(info->name) != 0) {
      st.infos[info->name] = *info;
      auto& [old, its_spaces] = predecessors[info->name];
      restart_when_down(self, info->name, std::vector<branch_actor>{old}, its_spaces);
    }
    else if (info)
      start_branch(self, *info);
    else if (c.store_options.env->FileExists(c.root + "/branches/" + dir + "/BRANCH") &&
             !st.damaged)
      st.damaged = std::move(info.error());
    // No BRANCH at all: a creation that did not finish (the file is
    // written last); the directory holds nothing acknowledged.
  }
  self->set_down_handler([self](const caf::down_msg& msg) {
    auto& handlers = self->state.on_down;
    if (auto it = handlers.find(msg.source); it != handlers.end()) {
      auto fn = std::move(it->second);
      handlers.erase(it);
      fn();
    }
  });
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    auto& st = self->state;
    // A branch that went down on its own crashed (an exception in its
    // supervisor or its coordinator; its space actors follow it down):
    // start it again. Its recovery settles the commits it left in doubt,
    // as at open; requests in flight were answered with the error.
    for (auto& [name, branch] : st.branches) {
      if (branch.address() != msg.source)
        continue;
      if (st.stopping == 0) {
        std::vector<space_actor> left;
        if (auto o = st.orphans.find(name); o != st.orphans.end())
          for (auto& [space, child] : o->second->take())
            left.push_back(std::move(child));
        restart_when_down(self, std::string(name), left);
      }
      return;
    }
    if (st.stopping > 0 || msg.reason == caf::exit_reason::normal)
      return;
    // Branches being deleted are monitored already (their deletion still
    // finishes); their down messages count as well.
    for (auto& [name, branch] : st.branches) {
      self->monitor(branch);
      self->send_exit(branch, msg.reason);
      st.on_down.emplace(branch.address(), [] {});
    }
    if (st.on_down.empty()) {
      self->quit(msg.reason);
      return;
    }
    st.stopping = st.on_down.size();
    for (auto& [addr, fn] : st.on_down)
      fn = [self, then = std::move(fn), reason = msg.reason] {
        then();
        if (--self->state.stopping == 0)
          self->quit(reason);
      };
  });
  const std::string main_branch{default_branch};
  if (st.branches.count(main_branch) == 0 && st.restarting.count(main_branch) == 0) {
    BranchInfo info{main_branch, now_us(), "", {}};
    (void)write_meta(c, info);
    start_branch(self, info);
  }
  return {
    [=](branch_open_atom, const std::string& branch) -> caf::result<branch_actor> {
      auto& branches = self->state.branches;
      if (auto it = branches.find(branch); it != branches.end())
        return it->second;
      if (auto later = after_restart<branch_actor>(self, branch, branch_open_atom::value, branch))
        return *later;
      return not_found(branch);
    },
    [=](recover_atom) -> caf::result<bool> {
      // Waits for every branch's recovery; replies once all have answered.
      if (self->state.damaged)
        return self->state.damaged;
      auto& branches = self->state.branches;
      auto rp = self->make_response_promise<bool>();
      auto pending = std::make_shared<size_t>(branches.size());
      auto failed = std::make_shared<caf::error>();
      for (auto& [name, actor] : branches)
        self->request(actor, caf::infinite, recover_atom::value)
            .then(
                [=](bool) mutable {
                  if (--*pending == 0)
                    *failed ? rp.deliver(*failed) : rp.deliver(true);
                },
                [=](caf::error& err) mutable {
                  *failed = err;
                  if (--*pending == 0)
                    rp.deliver(*failed);
                });
      return rp;
    },
    [=](branch_create_atom, const std::string& branch) -> caf::result<bool> {
      if (auto err = validate_branch_name(branch))
        return err;
      if (auto later = after_deletion<bool>(self, branch, branch_create_atom::value, branch))
        return *later;
      if (self->state.infos.count(branch) != 0)
        return make_error(errc::BranchExists, "branch \"" + branch + "\" already exists");
      BranchInfo info{branch, now_us(), "", {}};
      if (auto err = write_meta(*self->state.ctx, info))
        return err;
      start_branch(self, info);
      return true;
    },
    [=](branch_delete_atom, const std::string& branch) -> caf::result<bool> {
      auto& st = self->state;
      if (branch == default_branch)
        return make_error(errc::ConstraintViolation, "cannot delete default branch");
      auto it = st.branches.find(branch);
      if (it == st.branches.end())
        return not_found(branch);
      auto victim = it->second;
      st.branches.erase(it);
      st.infos.erase(branch);
      st.orphans.erase(branch);
      st.deleting[branch];
      // Stop the branch (its links stop its space actors and coordinator,
      // closing every store), then remove its files.
      self->unlink_from(victim);
      auto rp = self->make_response_promise<bool>();
      auto dir = st.ctx->branch_dir(branch);
      auto ctx = st.ctx;
      self->monitor(victim);
      st.on_down[caf::actor_cast<caf::actor_addr>(victim)] = [self, branch, rp, dir,
                                                              ctx]() mutable {
        if (auto err = remove_branch_dir(*ctx, dir))
          rp.deliver(err);
        else
          rp.deliver(true);
        auto waiting = std::move(self->state.deleting[branch]);
        self->state.deleting.erase(branch);
        for (auto& resend : waiting)
          resend();
      };
      self->send_exit(victim, caf::exit_reason::user_shutdown);
      return rp;
    },
    [=](branch_list_atom) -> std::vector<std::string> {
      std::vector<std::string> out;
      for (auto& [name, info] : self->state.infos)
        out.push_back(name);
      return out;
    },
    [=](branch_merged_atom, const std::string& target, const std::string& source,
        uint64_t ts) -> caf::result<bool> {
      auto& infos = self->state.infos;
      auto it = infos.find(target);
      if (it == infos.end())
        return not_found(target);
      auto updated = it->second;
      updated.merged_from[source] = ts;
      if (auto err = write_meta(*self->state.ctx, updated))
        return err;
      it->second = std::move(updated);
      return true;
    },
    [=](branch_exists_atom, const std::string& branch) -> bool {
      return self->state.infos.count(branch) != 0;
    },
    [=](branch_info_atom, const std::string& branch) -> MaybeBranchInfo {
      auto& infos = self->state.infos;
      if (auto it = infos.find(branch); it != infos.end())
        return MaybeBranchInfo{true, it->second};
      return MaybeBranchInfo{};
    },
    [=](bundle_check_atom, const std::string& path) -> caf::result<BundleInfo> {
      auto bundle = catching(root_name, [&] { return store::read_bundle(path); });
      if (!bundle)
        return bundle.error();
      return BundleInfo{bundle->branch, path, store::bundle_format_version,
                        bundle->entry_count(), bundle->spaces.size(), 0, true};
    },
    [=](branch_import_atom, const std::string& path,
        const std::string& as_name) -> caf::result<BundleInfo> {
      auto& st = self->state;
      // Everything is checked before anything is written.
      auto bundle = catching(root_name, [&] { return store::read_bundle(path); });
      if (!bundle)
        return bundle.error();
      // The branch is created under `as_name` when one is given.
      const std::string name = as_name.empty() ? bundle->branch : as_name;
      if (auto err = validate_branch_name(name))
        return err;
      if (auto later = after_deletion<BundleInfo>(self, name, branch_import_atom::value, path,
                                                  as_name))
        return *later;
      if (st.infos.count(name) != 0)
        return make_error(errc::BranchExists, "branch \"" + name + "\" already exists");
      for (const auto& space : bundle->spaces)
        if (auto err = validate_space_name(space.name))
          return make_error(errc::InvalidInput, "invalid bundle: " + message_of(err));
      auto info = decode_branch_meta(bundle->meta);
      if (!info)
        return info.error();
      if (info->name != name) {
        // Under another name it is a new line of history here: the fork
        // and merge records of the bundle's branch do not describe it.
        info->name = name;
        info->parent.clear();
        info->merged_from.clear();
      }
      const auto& c = *st.ctx;
      // A directory of this name without a branch in it is what a failed
      // import or fork left behind (its BRANCH file is written last).
      if (auto err = remove_tree(c, c.branch_dir(name)))
        return err;
      for (const auto& space : bundle->spaces) {
        auto err = catching(root_name, [&] {
          return store::load_space_store(c.store_options, c.space_dir(name, space.name),
                                         space.entries);
        });
        if (err) {
          (void)remove_tree(c, c.branch_dir(name));
          return err;
        }
      }
      if (auto err = write_meta(c, *info)) {
        (void)remove_tree(c, c.branch_dir(name));
        return err;
      }
      start_branch(self, *info);
      return BundleInfo{name, path, store::bundle_format_version,
                        bundle->entry_count(), bundle->spaces.size(), 0, true};
    },
    [=](branch_fork_atom, const std::string& source,
        const std::string& dest) -> caf::result<ForkInfo> {
      auto& st = self->state;
      if (auto err = validate_branch_name(dest))
        return err;
      if (auto later = after_deletion<ForkInfo>(self, dest, branch_fork_atom::value, source, dest))
        return *later;
      auto src = st.branches.find(source);
      if (src == st.branches.end())
        return not_found(source);
      if (st.infos.count(dest) != 0)
        return make_error(errc::BranchExists, "branch \"" + dest + "\" already exists");
      // Leftovers of a failed fork or import of this name go first.
      if (auto err = remove_tree(*st.ctx, st.ctx->branch_dir(dest)))
        return err;
      // Reserve the name while the copy runs.
      BranchInfo info{dest, now_us(), source, {}};
      st.infos[dest] = info;
      auto rp = self->make_response_promise<ForkInfo>();
      self->request(src->second, caf::infinite, space_copy_atom::value, dest)
          .then(
              [=](const std::vector<uint64_t>& copied) mutable {
                if (auto err = write_meta(*self->state.ctx, info)) {
                  self->state.infos.erase(dest);
                  (void)remove_tree(*self->state.ctx, self->state.ctx->branch_dir(dest));
                  rp.deliver(err);
                  return;
                }
                start_branch(self, info);
                ForkInfo out{source, dest, copied.at(0), copied.at(1)};
                rp.deliver(std::move(out));
              },
              [=](caf::error& err) mutable {
                self->state.infos.erase(dest);
                (void)remove_tree(*self->state.ctx, self->state.ctx->branch_dir(dest));
                rp.deliver(err);
              });
      return rp;
    },
  };
}

namespace {

database_actor supervise(caf::actor_system& sys, std::shared_ptr<const DatabaseContext> ctx,
                         std::shared_ptr<RootHandover> handover,
                         std::shared_ptr<std::function<void(const database_actor&)>> published) {
  auto root = sys.spawn(database_behavior, ctx, handover);
  (*published)(root);
  auto* sysp = &sys;
  root->attach_functor([sysp, ctx, handover, published](const caf::error& reason) {
    if (reason == caf::exit_reason::user_shutdown)
      return;  // closed
    supervise(*sysp, ctx, handover, published);
  });
  return root;
}

}  // namespace

database_actor spawn_supervised_root(caf::actor_system& sys,
                                     std::shared_ptr<const DatabaseContext> ctx,
                                     std::function<void(const database_actor&)> published) {
  return supervise(sys, std::move(ctx), std::make_shared<RootHandover>(),
                   std::make_shared<std::function<void(const database_actor&)>>(std::move(published)));
}

}  // namespace strata::actors
