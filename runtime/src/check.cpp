// Strata::check (cmd::Check): every store of every branch verified by the
// actor that owns it (Strata::repair, offline, is in database.cpp).

#include <caf/all.hpp>

#include "database.hpp"
#include "exec.hpp"
#include "handle_impl.hpp"

namespace strata::detail {

result<std::vector<StoreCheck>> check_database(HandleImpl& h) {
  auto branches = h.call_root(branch_list_atom::value);
  if (!branches)
    return branches.error();
  std::vector<StoreCheck> out;
  for (const auto& branch : *branches) {
    auto spaces = h.on_branch_named(branch, space_list_atom::value);
    if (!spaces) {
      // Deleted meanwhile: nothing left to check.
      if (is(spaces.error(), errc::BranchNotFound))
        continue;
      return spaces.error();
    }
    // The default space exists without a store until its first write;
    // list_spaces names it either way.
    for (const auto& space : *spaces) {
      auto r = h.on_space_at(branch, space, space_check_atom::value);
      if (r) {
        out.push_back(std::move(*r));
        continue;
      }
      // A store that does not open (damaged) is the space's problem.
      StoreCheck failed;
      failed.branch = branch;
      failed.space = space;
      failed.problems.push_back(message_of(r.error()));
      out.push_back(std::move(failed));
    }
    auto log = h.on_branch_named(branch, txn_check_atom::value);
    if (log) {
      out.push_back(std::move(*log));
    } else if (!is(log.error(), errc::BranchNotFound)) {
      StoreCheck failed;
      failed.branch = branch;
      failed.problems.push_back(message_of(log.error()));
      out.push_back(std::move(failed));
    }
  }
  return out;
}

}  // namespace strata::detail
