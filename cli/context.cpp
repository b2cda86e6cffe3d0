#include "context.hpp"

#include <iostream>

namespace strata::cli {

caf::error branch_not_found(std::string_view branch) {
  return make_error(errc::BranchNotFound, "branch \"" + std::string(branch) + "\" does not exist");
}

Context::Context(Strata db, bool read_only, Printer& printer)
    : db_(std::move(db)), session_(db_.session()), read_only_(read_only), printer_(printer) {}

std::string Context::prompt() const {
  return "strata:" + branch() + "/" + space() + (in_transaction() ? "(tx)" : "") + "> ";
}

caf::error Context::use(std::string_view branch, std::string_view space) {
  bool switching = branch != this->branch();
  if (switching) {
    if (in_transaction())
      return make_error(errc::InvalidInput,
                        "cannot switch branches inside a transaction (commit or rollback first)");
    auto exists = db_.branch_exists(branch);
    if (!exists)
      return exists.error();
    if (!*exists)
      return branch_not_found(branch);
  }
  if (auto err = validate_space_name(space))
    return err;
  // Both names are valid now, so no step below can leave a half switch.
  if (switching) {
    if (auto r = db_.set_branch(branch); !r)
      return r.error();
    session_ = db_.session();  // a Session is bound to its handle's branch
  }
  if (auto r = db_.set_space(space); !r)
    return r.error();
  if (auto r = session_.set_space(space); !r)
    return r.error();
  return {};
}

void Context::close() {
  if (in_transaction()) {
    // Leaving with a transaction open is not an error, but its writes are
    // gone: say so.
    (void)session_.rollback();
    std::cerr << "note: the open transaction was rolled back (commit it before quitting to keep "
                 "its writes)\n";
  }
  pending_events_.clear();
}

std::optional<std::string> Context::pending_event_type(uint64_t seq) const {
  auto it = pending_events_.find({space(), seq});
  if (it == pending_events_.end())
    return std::nullopt;
  return it->second;
}

void Context::note_pending_event(uint64_t seq, std::string type) {
  pending_events_[{space(), seq}] = std::move(type);
}

}  // namespace strata::cli
