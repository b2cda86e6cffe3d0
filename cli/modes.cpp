#include "modes.hpp"

#include <iostream>

#include "tokenizer.hpp"

namespace strata::cli {

int run_shell(Context& ctx, const CommandTable& table, const std::vector<std::string>& words) {
  bool ok = table.execute(ctx, words);
  std::cout.flush();
  ctx.close();
  return ok && !ctx.answered_false() ? 0 : 1;
}

bool run_line(Context& ctx, const CommandTable& table, const std::string& line) {
  auto words = tokenize(line);
  if (!words) {
    ctx.printer().error(CliError{errc::InvalidInput, message_of(words.error())});
    return false;
  }
  return table.execute(ctx, *words);
}

int run_pipe(Context& ctx, const CommandTable& table, std::istream& in) {
  bool failed = false;
  std::string line;
  size_t number = 0;
  while (!ctx.quit_requested() && std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#')
      continue;
    ctx.printer().set_line(number);
    if (!run_line(ctx, table, line))
      failed = true;
    ctx.printer().set_line(std::nullopt);
    // Each answer leaves as soon as its command ran, so a program driving
    // strata through pipes (a coprocess) can wait for it.
    std::cout.flush();
  }
  std::cout.flush();
  ctx.close();
  return failed ? 1 : 0;
}

}  // namespace strata::cli
