#pragma once

// The three ways `strata` takes commands (SPEC 8.1). Each returns the
// process exit code.

#include <istream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "context.hpp"

namespace strata::cli {

/// Shell mode: one command from the argv (already split by the shell).
/// 0 on success, 1 on error.
int run_shell(Context& ctx, const CommandTable& table, const std::vector<std::string>& words);

/// Tokenizes one line (SPEC 8.1 quoting) and executes it; false on error
/// (an unbalanced quote prints `(error) Invalid quoting`).
bool run_line(Context& ctx, const CommandTable& table, const std::string& line);

/// Pipe mode: every line of `in` in order, no prompt; blank lines and
/// lines starting with `#` are skipped; errors do not stop the run; `quit`
/// does. 1 if any line failed, else 0.
int run_pipe(Context& ctx, const CommandTable& table, std::istream& in);

/// The interactive shell: prompt, line editing, history in
/// `$HOME/.strata_history`, TAB completion. Always 0.
int run_repl(Context& ctx, const CommandTable& table);

}  // namespace strata::cli
