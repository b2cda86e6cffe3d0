#include "strata/actors/database_root.hpp"

#include <caf/all.hpp>

#include "strata/actors/branch_supervisor.hpp"
#include "strata/messages/limits.hpp"

namespace strata::actors {

database_actor::behavior_type database_behavior(
    database_actor::stateful_pointer<DatabaseState> self,
    std::shared_ptr<const DatabaseContext> ctx) {
  self->state.ctx = std::move(ctx);
  const std::string main_branch{default_branch};
  self->state.branches[main_branch] =
      self->spawn<caf::linked>(branch_behavior, self->state.ctx, main_branch);
  return {
    [=](branch_open_atom, const std::string& branch) -> caf::result<branch_actor> {
      auto& branches = self->state.branches;
      if (auto it = branches.find(branch); it != branches.end())
        return it->second;
      return make_error(errc::BranchNotFound, "branch \"" + branch + "\" does not exist");
    },
    [=](recover_atom) -> caf::result<bool> {
      // One branch today; with more, this waits for each.
      return self->delegate(self->state.branches.begin()->second, recover_atom::value);
    },
  };
}

}  // namespace strata::actors
