#pragma once

// `strata completion bash|zsh`: a shell completion script generated from the
// command table (commands, their subcommands and flags, global flags; file
// names after --db, --cert, --key, --ca and --file).
//
//   eval "$(strata completion bash)"     # in ~/.bashrc
//   eval "$(strata completion zsh)"      # in ~/.zshrc (through bashcompinit)

#include <optional>
#include <string>
#include <string_view>

#include "commands.hpp"

namespace strata::cli {

/// The script for `shell` ("bash" or "zsh"); empty for another shell.
std::optional<std::string> completion_script(const CommandTable& table, std::string_view shell);

}  // namespace strata::cli
