#include "options.hpp"

namespace strata::cli {

namespace {

caf::error bad(const std::string& message) {
  return make_error(errc::InvalidInput, message + " (try 'strata --help')");
}

}  // namespace

std::string usage_text() {
  return R"(strata - an embedded database for AI agents

Usage:
  strata [OPTIONS] [COMMAND [ARGS...]]

With a COMMAND, run it and exit (0 on success, 1 on error). Without one,
read commands from standard input: an interactive shell on a terminal,
otherwise one command per line (blank lines and # comments skipped).

Options:
  --db PATH        database directory (default ./.strata; created if missing)
  --cache          ephemeral in-memory database (alias --memory)
  --branch NAME    start on this branch (default "default")
  --space NAME     start in this space (default "default")
  --json           one JSON document per command
  --raw            bare values for scripts (no quotes or type prefixes)
  --read-only      refuse every write
  --connect H:P    use the database a node serves at H:P (strata serve)
  --cert F, --key F, --ca F
                   the TLS certificate, key and CA presented to the node
                   (also [node] cert/key/ca in strata.toml)
  -c, --command L  run the command line L (quoted as in the shell)
  -h, --help       show this help
  -V, --version    show the version

Serving a database to other processes (docs/nodes.md):
  strata --db PATH serve [--listen 127.0.0.1:7878] --cert F --key F --ca F

A Model Context Protocol server on stdin/stdout, for agents (docs/mcp.md):
  strata --db PATH [--branch B] [--space S] mcp

Shell completion (eval its output in ~/.bashrc or ~/.zshrc):
  strata completion bash|zsh

Examples:
  strata --cache kv put name Alice
  strata --db ./data --space tenant-a kv list --prefix user:
  strata --db ./data --raw state get counter
  echo '{"data": 123}' | strata --db ./data event append reading -f -

Type 'help' inside the shell for the list of commands.
)";
}

result<Invocation> parse_invocation(const std::vector<std::string>& argv,
                                    const std::function<bool(std::string_view)>& is_command) {
  Invocation inv;
  bool json = false;
  bool raw = false;
  bool explicit_db = false;
  size_t i = 1;
  // The value of a flag: "--name=value" or the next word.
  auto value_of = [&](const std::string& word, const std::string& name,
                      std::string& out) -> caf::error {
    if (word.size() > name.size() && word[name.size()] == '=') {
      out = word.substr(name.size() + 1);
      return {};
    }
    if (i + 1 >= argv.size())
      return bad("option '" + name + "' needs a value");
    out = argv[++i];
    return {};
  };
  auto is_flag = [](const std::string& word, const std::string& name) {
    return word == name || (word.size() > name.size() && word.compare(0, name.size(), name) == 0 &&
                            word[name.size()] == '=');
  };

  for (; i < argv.size(); ++i) {
    const std::string& w = argv[i];
    std::string value;
    if (w == "--") {
      ++i;
      break;
    }
    if (w.empty() || w[0] != '-') {
      if (is_command(w) || inv.db_path || inv.cache) {
        break;  // the command starts here
      }
      inv.db_path = w;  // legacy positional PATH
      continue;
    }
    if (is_flag(w, "--db")) {
      if (auto err = value_of(w, "--db", value))
        return err;
      if (value.empty())
        return bad("--db needs a non-empty path");
      inv.db_path = value;
      explicit_db = true;
    } else if (is_flag(w, "--connect")) {
      if (auto err = value_of(w, "--connect", value))
        return err;
      inv.connect = value;
    } else if (is_flag(w, "--cert") || is_flag(w, "--key") || is_flag(w, "--ca")) {
      std::string name = w.substr(0, w.find('='));
      if (auto err = value_of(w, name, value))
        return err;
      if (value.empty())
        return bad(name + " needs a file name");
      (name == "--cert" ? inv.cert : name == "--key" ? inv.key : inv.ca) = value;
    } else if (w == "--insecure") {
      inv.insecure = true;
    } else if (w == "--cache" || w == "--memory") {
      inv.cache = true;
    } else if (is_flag(w, "--branch")) {
      if (auto err = value_of(w, "--branch", value))
        return err;
      inv.branch = value;
    } else if (is_flag(w, "--space")) {
      if (auto err = value_of(w, "--space", value))
        return err;
      inv.space = value;
    } else if (w == "--json") {
      json = true;
    } else if (w == "--raw") {
      raw = true;
    } else if (w == "--read-only") {
      inv.read_only = true;
    } else if (w == "--auto-embed") {
      inv.auto_embed = true;
    } else if (w == "-c" || is_flag(w, "--command")) {
      if (auto err = value_of(w, w == "-c" ? "-c" : "--command", value))
        return err;
      inv.command_line = value;
    } else if (w == "-h" || w == "--help") {
      inv.help = true;
    } else if (w == "-V" || w == "--version") {
      inv.version = true;
    } else {
      return bad("unknown option '" + w + "'");
    }
  }
  inv.command.assign(argv.begin() + static_cast<std::ptrdiff_t>(std::min(i, argv.size())),
                     argv.end());

  if (json && raw)
    return bad("--json conflicts with --raw");
  inv.mode = json ? OutputMode::Json : raw ? OutputMode::Raw : OutputMode::Human;
  if (inv.cache && inv.db_path)
    return bad(std::string("--cache conflicts with ") + (explicit_db ? "--db" : "a database path"));
  if (inv.connect && (inv.cache || inv.db_path))
    return bad(std::string("--connect conflicts with ") +
               (inv.cache ? "--cache" : explicit_db ? "--db" : "a database path"));
  if (inv.command_line && !inv.command.empty())
    return bad("-c conflicts with a command on the command line");
  return inv;
}

}  // namespace strata::cli
