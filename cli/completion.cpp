#include "completion.hpp"

#include <map>
#include <set>

namespace strata::cli {

namespace {

const char* const global_flags =
    "--db --cache --memory --branch --space --json --raw --read-only --connect --cert --key "
    "--ca --insecure --command --help --version";

std::string joined(const std::set<std::string>& words) {
  std::string out;
  for (const auto& w : words)
    out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string bash_function(const CommandTable& table) {
  // first word -> second words; "first second" (or "first") -> flags.
  std::set<std::string> firsts;
  std::map<std::string, std::set<std::string>> seconds;
  std::map<std::string, std::set<std::string>> flags;
  for (const auto& c : table.commands()) {
    std::string first(c.words[0]);
    firsts.insert(first);
    std::string key = first;
    if (c.words.size() > 1) {
      seconds[first].insert(std::string(c.words[1]));
      key += " " + std::string(c.words[1]);
    }
    for (const auto& f : c.flags)
      flags[key].insert("--" + std::string(f.name));
  }
  for (const char* extra : {"serve", "mcp", "completion"})
    firsts.insert(extra);
  seconds["completion"] = {"bash", "zsh"};
  flags["serve"] = {"--listen", "--cert", "--key", "--ca", "--insecure", "--allow-remote"};

  std::string s;
  s += "_strata() {\n";
  s += "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n";
  s += "  case \"$prev\" in\n";
  s += "    --db|--cert|--key|--ca|--file|-f) COMPREPLY=($(compgen -f -- \"$cur\")); return;;\n";
  s += "    --branch|--space|--connect|--command|-c|--listen) COMPREPLY=(); return;;\n";
  s += "  esac\n";
  s += "  local i=1 first=\"\" second=\"\"\n";
  s += "  while [ $i -lt $COMP_CWORD ]; do\n";
  s += "    case \"${COMP_WORDS[$i]}\" in\n";
  s += "      --db|--branch|--space|--connect|--cert|--key|--ca|--command|-c) i=$((i+2));;\n";
  s += "      -*) i=$((i+1));;\n";
  s += "      *) first=\"${COMP_WORDS[$i]}\"; break;;\n";
  s += "    esac\n";
  s += "  done\n";
  s += "  if [ -z \"$first\" ]; then\n";
  s += "    if [[ \"$cur\" == -* ]]; then\n";
  s += "      COMPREPLY=($(compgen -W \"" + std::string(global_flags) + "\" -- \"$cur\"))\n";
  s += "    else\n";
  s += "      COMPREPLY=($(compgen -W \"" + joined(firsts) + "\" -- \"$cur\"))\n";
  s += "    fi\n";
  s += "    return\n";
  s += "  fi\n";
  s += "  if [ $((i+1)) -lt $COMP_CWORD ]; then second=\"${COMP_WORDS[$((i+1))]}\"; fi\n";
  s += "  if [ $((i+1)) -eq $COMP_CWORD ] && [[ \"$cur\" != -* ]]; then\n";
  s += "    case \"$first\" in\n";
  for (const auto& [first, words] : seconds)
    s += "      " + first + ") COMPREPLY=($(compgen -W \"" + joined(words) + "\" -- \"$cur\"));;\n";
  s += "    esac\n";
  s += "    return\n";
  s += "  fi\n";
  s += "  if [[ \"$cur\" == -* ]]; then\n";
  s += "    local own=\"\"\n";
  s += "    case \"$first $second\" in\n";
  for (const auto& [key, names] : flags)
    if (key.find(' ') != std::string::npos)
      s += "      \"" + key + "\") own=\"" + joined(names) + "\";;\n";
  s += "      *) case \"$first\" in\n";
  for (const auto& [key, names] : flags)
    if (key.find(' ') == std::string::npos)
      s += "           " + key + ") own=\"" + joined(names) + "\";;\n";
  s += "         esac;;\n";
  s += "    esac\n";
  s += "    COMPREPLY=($(compgen -W \"$own " + std::string(global_flags) + "\" -- \"$cur\"))\n";
  s += "  fi\n";
  s += "}\n";
  s += "complete -F _strata strata\n";
  return s;
}

}  // namespace

std::optional<std::string> completion_script(const CommandTable& table, std::string_view shell) {
  if (shell == "bash")
    return "# strata completion for bash: eval \"$(strata completion bash)\"\n" +
           bash_function(table);
  if (shell == "zsh")
    return "# strata completion for zsh: eval \"$(strata completion zsh)\"\n"
           "# (bash's completion function, through zsh's bashcompinit)\n"
           "autoload -U +X compinit && compinit\n"
           "autoload -U +X bashcompinit && bashcompinit\n" +
           bash_function(table);
  return std::nullopt;
}

}  // namespace strata::cli
