// strata — the command-line interface (SPEC section 8).
//
//   strata [--db PATH | --cache | --connect HOST:PORT] [--branch B] [--space S]
//          [--json | --raw] [--read-only] [COMMAND ARGS...]
//   strata [--db PATH] serve [--listen HOST:PORT] --cert F --key F --ca F
//
// A command on the argv runs once (shell mode); otherwise commands come
// from stdin: an interactive shell on a terminal, line by line otherwise
// (pipe mode).

#include <filesystem>
#include <iostream>
#include <set>
#include <unistd.h>

#include <strata/strata.hpp>

#include "commands.hpp"
#include "config.hpp"
#include "context.hpp"
#include "modes.hpp"
#include "options.hpp"
#include "completion.hpp"
#include "mcp.hpp"
#include "serve.hpp"
#include "tokenizer.hpp"

#ifndef STRATA_VERSION
#define STRATA_VERSION "0.0.0"
#endif

using namespace strata;
using namespace strata::cli;

namespace {

// Connects to the node at `endpoint`, with the TLS identity of the flags,
// else of [node] in strata.toml.
result<Strata> connect_node(const Invocation& inv, const std::string& endpoint,
                            const NodeConfig& node) {
  ConnectOptions options;
  options.tls = {inv.cert.value_or(node.cert), inv.key.value_or(node.key),
                 inv.ca.value_or(node.ca), ""};
  options.insecure = inv.insecure;
  return Strata::connect(endpoint, options);
}

// Opens the database the invocation names, honouring strata.toml: a
// [node] connect there (or --connect) means a node's database.
result<Strata> open_database(const Invocation& inv) {
  if (inv.connect) {
    auto config = load_config(inv.path(), /*create_if_missing=*/false);
    return connect_node(inv, *inv.connect, config ? config->node : NodeConfig{});
  }
  if (inv.cache)
    return Strata::cache();
  std::string dir = inv.path();
  if (auto existing = load_config(dir, /*create_if_missing=*/false);
      existing && !existing->node.connect.empty())
    return connect_node(inv, existing->node.connect, existing->node);
  // A read-only open creates nothing (the library refuses a directory
  // without a database: BranchNotFound), and neither does its config.
  auto config = load_config(dir, /*create_if_missing=*/!inv.read_only);
  if (!config)
    return config.error();
  OpenOptions options;
  options.durability = config->durability;
  // Read-only: a snapshot of its own, so that several readers (and then a
  // writer) can open the directory at once.
  options.read_only = inv.read_only;
  return Strata::open(dir, options);
}

// The entry of `table` that `words` name (the longest match), or null.
const CommandSpec* spec_for(const CommandTable& table, const std::vector<std::string>& words) {
  const CommandSpec* spec = nullptr;
  for (const auto& c : table.commands()) {
    if (c.words.size() > words.size())
      continue;
    bool match = true;
    for (size_t k = 0; k < c.words.size(); ++k)
      match = match && words[k] == c.words[k];
    if (match && (!spec || c.words.size() > spec->words.size()))
      spec = &c;
  }
  return spec;
}

// Global flags written after the command (`strata vector collections
// --space memory`), which the command does not take itself: the argument
// list with them moved before it. Words after "--" stay where they are;
// `serve` reads its own flags.
std::vector<std::string> hoist_global_flags(const CommandTable& table,
                                            const std::vector<std::string>& args,
                                            size_t command_size) {
  static const std::set<std::string, std::less<>> switches = {
      "--json", "--raw", "--read-only", "--cache", "--memory", "--insecure"};
  static const std::set<std::string, std::less<>> valued = {
      "--db", "--branch", "--space", "--connect", "--cert", "--key", "--ca"};
  const size_t start = args.size() - command_size;
  if (command_size == 0 || args[start] == "serve")
    return args;
  // The command's own flags win.
  const CommandSpec* spec = spec_for(
      table, std::vector<std::string>(args.begin() + static_cast<std::ptrdiff_t>(start), args.end()));
  auto own = [&](std::string_view flag) {
    if (spec)
      for (const auto& f : spec->flags)
        if (flag.substr(2) == f.name)
          return true;
    return false;
  };
  std::vector<std::string> globals, rest;
  for (size_t k = start; k < args.size(); ++k) {
    const std::string& w = args[k];
    if (w == "--") {
      rest.insert(rest.end(), args.begin() + static_cast<std::ptrdiff_t>(k), args.end());
      break;
    }
    auto name = std::string_view(w).substr(0, w.find('='));
    if (switches.count(w) && !own(w)) {
      globals.push_back(w);
    } else if (valued.count(name) && !own(name)) {
      globals.push_back(w);
      if (name.size() == w.size() && k + 1 < args.size())
        globals.push_back(args[++k]);
    } else {
      rest.push_back(w);
    }
  }
  if (globals.empty())
    return args;
  std::vector<std::string> out(args.begin(), args.begin() + static_cast<std::ptrdiff_t>(start));
  out.insert(out.end(), globals.begin(), globals.end());
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(true);
  CommandTable table = CommandTable::standard();
  auto first_words = table.first_words();
  auto is_command = [&](std::string_view w) {
    return w == "serve" || w == "mcp" || w == "completion" ||
           std::find(first_words.begin(), first_words.end(), w) != first_words.end();
  };
  std::vector<std::string> args(argv, argv + argc);
  auto inv = parse_invocation(args, is_command);
  if (inv && !inv->command.empty()) {
    auto hoisted = hoist_global_flags(table, args, inv->command.size());
    if (hoisted != args)
      inv = parse_invocation(hoisted, is_command);
  }
  // Errors before the output mode is known print in the human form.
  Printer early(inv ? inv->mode : OutputMode::Human, std::cout, std::cerr);
  if (!inv) {
    early.error(CliError::from(inv.error()));
    return 1;
  }
  if (inv->help) {
    std::cout << usage_text();
    return 0;
  }
  if (inv->version) {
    std::cout << "strata " << STRATA_VERSION << "\n";
    return 0;
  }
  if (inv->auto_embed) {
    early.error(CliError::make(errc::NotImplemented,
                               "auto-embedding is not available in this build"));
    return 1;
  }
  if (!inv->command.empty() && inv->command[0] == "setup") {
    early.error(CliError::make(errc::NotImplemented,
                               "setup (embedding model download) is not available in this build"));
    return 1;
  }

  // Completion scripts need no database.
  if (!inv->command.empty() && inv->command[0] == "completion") {
    auto script = inv->command.size() == 2 ? completion_script(table, inv->command[1])
                                           : std::nullopt;
    if (!script) {
      early.error(CliError::usage("strata completion bash|zsh"));
      return 1;
    }
    std::cout << *script;
    return 0;
  }
  if (!inv->command.empty() && inv->command[0] == "serve")
    return run_serve(*inv, inv->command);

  // `check --repair` salvages the database before it opens (a damaged
  // store may not open at all), then checks it like `check`.
  bool repair = !inv->cache && !inv->connect && !inv->read_only && inv->command.size() >= 2 &&
                inv->command[0] == "check" &&
                std::find(inv->command.begin(), inv->command.end(), "--repair") !=
                    inv->command.end();
  if (repair) {
    auto repaired = Strata::repair(inv->path());
    if (!repaired) {
      early.error(CliError::from(repaired.error()));
      return 1;
    }
    if (inv->mode == OutputMode::Human)
      std::cout << "repaired " << *repaired << " stores\n";
  }
  // A command that only reads, on a directory that holds no database, says
  // so instead of creating one (strata.toml is still checked first).
  if (!inv->cache && !inv->connect && !inv->read_only && !inv->command.empty()) {
    const CommandSpec* spec = spec_for(table, inv->command);
    std::error_code ec;
    if (spec && spec->handler && spec->write_name.empty() && spec->words[0] != "use" &&
        !std::filesystem::is_directory(std::filesystem::path(inv->path()) / "branches" /
                                           default_branch,
                                       ec)) {
      auto config = load_config(inv->path(), /*create_if_missing=*/false);
      if (!config) {
        early.error(CliError::from(config.error()));
        return 1;
      }
      if (config->node.connect.empty()) {  // (else the node's database is meant)
        early.error(CliError::make(errc::BranchNotFound,
                                   "no database at '" + inv->path() +
                                       "': a command that only reads creates none (a write "
                                       "creates it; --db names another directory)"));
        return 1;
      }
    }
  }
  auto db = open_database(*inv);
  if (!db) {
    early.error(CliError::from(db.error()));
    return 1;
  }
  if (!inv->command.empty() && inv->command[0] == "mcp") {
    if (inv->command.size() > 1) {
      early.error(CliError::usage("strata [--db DIR | --connect H:P] [--branch B] [--space S] mcp"));
      return 1;
    }
    return run_mcp(std::move(*db), inv->branch, inv->space, std::cin, std::cout);
  }
  Printer printer(inv->mode, std::cout, std::cerr);
  Context ctx(std::move(*db), inv->read_only, printer);
  ctx.set_repaired(repair);
  if (auto err = ctx.use(inv->branch, inv->space)) {
    printer.error(CliError::from(err));
    return 1;
  }

  if (inv->command_line) {
    ctx.set_stdin_available(true);
    bool ok = run_line(ctx, table, *inv->command_line);
    std::cout.flush();
    ctx.close();
    return ok ? 0 : 1;
  }
  if (!inv->command.empty()) {
    ctx.set_stdin_available(true);
    return run_shell(ctx, table, inv->command);
  }
  if (::isatty(STDIN_FILENO) == 1)
    return run_repl(ctx, table);
  return run_pipe(ctx, table, std::cin);
}
