#pragma once

// The state one CLI session carries between commands: the database handle
// and the transaction Session (both on the current branch and space), the
// access mode and whether the user asked to leave. Shared by shell, pipe
// and REPL modes.
//
// Commands that take part in a transaction (SPEC 6.4: kv get/put/del/list,
// event append/get/len, state get/set/init/cas/del, json get/set/del) go
// through session() while in_transaction(); everything else, and those
// commands outside a transaction, use db().

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <strata/session.hpp>
#include <strata/strata.hpp>

#include "output.hpp"

namespace strata::cli {

class Context {
 public:
  Context(Strata db, bool read_only, Printer& printer);

  Strata& db() { return db_; }
  Session& session() { return session_; }
  bool in_transaction() const { return session_.in_transaction(); }
  Printer& printer() { return printer_; }
  bool read_only() const { return read_only_; }

  const std::string& branch() const { return db_.current_branch(); }
  const std::string& space() const { return db_.current_space(); }

  /// `strata:<branch>/<space>> ` (SPEC 8.1; unchanged during a transaction).
  std::string prompt() const;

  /// Every branch of the database, sorted, "default" included.
  [[nodiscard]] result<std::vector<std::string>> branches() { return db_.list_branches(); }

  /// `use <branch> [space]`: switches context (the handle and, bound to the
  /// same branch, a new transaction Session), the space resetting to
  /// "default" when not given. Validates both before changing anything, so
  /// on error the context is unchanged. Errors: BranchNotFound
  /// `branch "<b>" does not exist`, InvalidInput for a bad space name or
  /// for a branch change inside a transaction (SPEC 6.4 [R]).
  [[nodiscard]] caf::error use(std::string_view branch, std::string_view space);

  /// Whether a command may read standard input (`--file -`): only in shell
  /// mode, where stdin is not the command stream.
  bool stdin_available() const { return stdin_available_; }
  void set_stdin_available(bool yes) { stdin_available_ = yes; }

  /// Whether `check --repair` ran Strata::repair before the database
  /// opened (shell mode only).
  bool repaired() const { return repaired_; }
  void set_repaired(bool yes) { repaired_ = yes; }

  /// Set by `quit` / `exit`; the mode loop stops after the current command.
  bool quit_requested() const { return quit_; }
  /// Whether the last command was a predicate answered false (Flag).
  bool answered_false() const { return answered_false_; }
  void set_answered_false(bool v) { answered_false_ = v; }
  void request_quit() { quit_ = true; }

  /// Ends the session: rolls back an open transaction.
  void close();

  /// The type of event `seq` appended by the open transaction, which the
  /// Session's reads do not return; empty for other events.
  std::optional<std::string> pending_event_type(uint64_t seq) const;
  void note_pending_event(uint64_t seq, std::string type);
  /// Called when a transaction begins or ends.
  void clear_pending_events() { pending_events_.clear(); }

 private:
  Strata db_;
  Session session_;
  bool read_only_;
  Printer& printer_;
  bool quit_ = false;
  bool answered_false_ = false;
  bool stdin_available_ = false;
  bool repaired_ = false;
  /// (space, seq) -> type of the events this transaction appended.
  std::map<std::pair<std::string, uint64_t>, std::string> pending_events_;
};

/// BranchNotFound with the CLI wording of SPEC 7.
caf::error branch_not_found(std::string_view branch);

}  // namespace strata::cli
