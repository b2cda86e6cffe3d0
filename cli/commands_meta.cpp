// use / help / clear / quit / exit: the session's own commands (SPEC 8.1
// "REPL meta-commands"), available in every mode.

#include <unistd.h>

#include "commands.hpp"

namespace strata::cli {

namespace {

Outcome use(Context& ctx, const Args& args) {
  std::string_view space = args.positional.size() > 1 ? std::string_view{args.positional[1]}
                                                      : default_space;
  if (auto err = ctx.use(args.positional[0], space))
    return err;
  return Silent{};
}

Outcome clear(Context&, const Args&) {
  if (::isatty(STDOUT_FILENO) == 1)
    return Text{"\033[H\033[2J"};
  return Silent{};
}

Outcome quit(Context& ctx, const Args&) {
  ctx.request_quit();
  return Silent{};
}

}  // namespace

void register_meta_commands(CommandTable& t) {
  t.add({{"use"},
         "use <branch> [<space>]",
         "switch branch and space (space defaults to default)",
         {},
         1,
         2,
         {},
         use});
  t.add({{"help"}, "help [<command>]", "this list, or one command's usage", {}, 0, 2, {}, {}});
  t.add({{"clear"}, "clear", "clear the screen", {}, 0, 0, {}, clear});
  t.add({{"quit"}, "quit", "leave (an open transaction is rolled back)", {}, 0, 0, {}, quit});
  t.add({{"exit"}, "exit", "same as quit", {}, 0, 0, {}, quit});
}

}  // namespace strata::cli
