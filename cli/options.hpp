#pragma once

// The `strata` invocation (SPEC 8.1):
//
//   strata [--db PATH | --cache | --connect HOST:PORT [--cert F --key F --ca F]]
//          [--branch NAME] [--space NAME] [--json | --raw] [--read-only]
//          [COMMAND ARGS...]
//   strata [--db PATH] serve [--listen HOST:PORT] [--cert F --key F --ca F]
//          [--insecure] [--allow-remote]
//
// plus the legacy aliases of docs/reference/cli.md: a positional PATH
// (= --db PATH), --memory (= --cache), -c/--command "LINE" (one command
// line, tokenized like the REPL), -h/--help and -V/--version. Global flags
// come before the command; everything from the command word on belongs to
// the command, so `strata kv list --prefix a` works unchanged.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "output.hpp"

namespace strata::cli {

struct Invocation {
  std::optional<std::string> db_path;  ///< --db or positional PATH
  bool cache = false;                  ///< --cache / --memory
  std::string branch = "default";
  std::string space = "default";
  OutputMode mode = OutputMode::Human;
  bool read_only = false;
  bool auto_embed = false;
  std::optional<std::string> command_line;  ///< -c "LINE"
  std::vector<std::string> command;         ///< shell-mode words
  bool help = false;
  bool version = false;
  /// A node to talk to instead of a directory (--connect), and the TLS
  /// identity to present (--cert, --key, --ca; also [node] in strata.toml).
  std::optional<std::string> connect;
  std::optional<std::string> cert, key, ca;
  /// Plaintext to a loopback node (tests; see docs/nodes.md).
  bool insecure = false;

  /// The directory to open: --db, the positional PATH, or ./.strata.
  std::string path() const { return db_path.value_or("./.strata"); }
};

/// Parses argv. `is_command` tells a command word from a legacy positional
/// PATH. Errors: InvalidInput naming the bad or conflicting flag.
[[nodiscard]] result<Invocation> parse_invocation(
    const std::vector<std::string>& argv, const std::function<bool(std::string_view)>& is_command);

/// The text of `strata --help`.
std::string usage_text();

}  // namespace strata::cli
