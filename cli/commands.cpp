#include "commands.hpp"

#include <algorithm>
#include <sstream>

#include "times.hpp"
#include "value_input.hpp"

namespace strata::cli {

bool Args::has(std::string_view flag) const {
  return values.find(flag) != values.end() ||
         std::find(switches.begin(), switches.end(), flag) != switches.end();
}

std::optional<std::string> Args::value(std::string_view flag) const {
  auto it = values.find(flag);
  if (it == values.end())
    return std::nullopt;
  return it->second;
}

result<std::optional<uint64_t>> u64_flag(const Args& args, std::string_view flag) {
  auto text = args.value(flag);
  if (!text)
    return std::optional<uint64_t>{};
  auto n = parse_u64(*text, "--" + std::string(flag));
  if (!n)
    return n.error();
  return std::optional<uint64_t>{*n};
}

result<std::optional<uint64_t>> as_of_flag(const Args& args) {
  auto text = args.value("as-of");
  if (!text)
    return std::optional<uint64_t>{};
  auto t = parse_time_us(*text, "--as-of");
  if (!t)
    return t.error();
  return std::optional<uint64_t>{*t};
}

std::optional<std::string_view> prefix_of(const Args& args) {
  auto p = args.values.find("prefix");
  if (p == args.values.end() || p->second.empty())
    return std::nullopt;
  return std::string_view{p->second};
}

result<ListFlags> list_flags(const Args& args) {
  ListFlags out;
  auto as_of = as_of_flag(args);
  if (!as_of)
    return as_of.error();
  auto limit = u64_flag(args, "limit");
  if (!limit)
    return limit.error();
  out.as_of = *as_of;
  out.limit = *limit;
  out.cursor = args.value("cursor");
  out.all = args.has("all");
  if (out.all && (out.limit || out.cursor))
    return make_error(errc::InvalidInput, "--all cannot be combined with --limit or --cursor");
  out.prefix = prefix_of(args);
  return out;
}

std::optional<VersionedValue> version_at(const std::optional<std::vector<VersionedValue>>& history,
                                         uint64_t as_of) {
  if (history)
    for (const auto& vv : *history)
      if (vv.timestamp <= as_of)
        return vv;
  return std::nullopt;
}

result<std::string> read_file_arg(const Context& ctx, const std::string& path) {
  if (path == "-" && !ctx.stdin_available())
    return make_error(errc::InvalidInput,
                      "--file - reads standard input, which only shell mode leaves free; "
                      "give a file path");
  return read_input_file(path);
}

std::optional<CliError> refuse_in_transaction(const Context& ctx, std::string_view what) {
  if (!ctx.in_transaction())
    return std::nullopt;
  return CliError::make(errc::InvalidInput, std::string(what) +
                                                " operations are not supported inside a "
                                                "transaction");
}

CliError not_implemented(const std::string& what) {
  return CliError::make(errc::NotImplemented, what);
}

std::optional<CliError> parse_args(const CommandSpec& spec, const std::vector<std::string>& words,
                                   Args& out) {
  auto command = [&] {
    std::string s;
    for (auto w : spec.words)
      s += (s.empty() ? "" : " ") + std::string(w);
    return s;
  };
  bool flags_done = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    const FlagSpec* flag = nullptr;
    std::optional<std::string> inline_value;
    if (!flags_done && w == "--") {
      flags_done = true;
      continue;
    }
    if (!flags_done && w.size() > 2 && w.compare(0, 2, "--") == 0) {
      std::string name = w.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name.resize(eq);
      }
      for (const auto& f : spec.flags)
        if (f.name == name)
          flag = &f;
      if (!flag)
        return CliError::make(errc::InvalidInput,
                              "unknown option '--" + name + "' for '" + command() + "'");
    } else if (!flags_done && w.size() == 2 && w[0] == '-') {
      for (const auto& f : spec.flags)
        if (f.short_name != 0 && f.short_name == w[1])
          flag = &f;
    }
    if (!flag) {
      out.positional.push_back(w);
      continue;
    }
    std::string name(flag->name);
    if (!flag->takes_value) {
      if (inline_value)
        return CliError::make(errc::InvalidInput, "option '--" + name + "' takes no value");
      out.switches.push_back(name);
      continue;
    }
    if (inline_value) {
      out.values[name] = *inline_value;
    } else if (i + 1 < words.size()) {
      out.values[name] = words[++i];
    } else {
      return CliError::make(errc::InvalidInput, "option '--" + name + "' needs a value");
    }
  }
  if (out.positional.size() < spec.min_args || out.positional.size() > spec.max_args)
    return CliError::usage(spec.usage);
  return std::nullopt;
}

void CommandTable::add(CommandSpec spec) {
  commands_.push_back(std::move(spec));
}

CommandTable CommandTable::standard() {
  CommandTable t;
  register_db_commands(t);
  register_kv_commands(t);
  register_event_commands(t);
  register_state_commands(t);
  register_json_commands(t);
  register_vector_commands(t);
  register_branch_commands(t);
  register_space_commands(t);
  register_txn_commands(t);
  register_meta_commands(t);
  return t;
}

const CommandSpec* CommandTable::find(const std::vector<std::string>& words,
                                      size_t& consumed) const {
  // The longest match wins, so "txn begin" is found before a lone "txn".
  const CommandSpec* best = nullptr;
  for (const auto& spec : commands_) {
    if (spec.words.size() > words.size())
      continue;
    bool match = true;
    for (size_t i = 0; i < spec.words.size(); ++i)
      if (spec.words[i] != words[i])
        match = false;
    if (match && (!best || spec.words.size() > best->words.size()))
      best = &spec;
  }
  if (best)
    consumed = best->words.size();
  return best;
}

Outcome CommandTable::help(const std::vector<std::string>& topic) const {
  std::ostringstream text;
  if (topic.empty()) {
    // An overview: one line per command group, then the one-word commands.
    text << "Commands ('help <command>' shows usage; flags: --name value, --name=value, -n "
            "value):\n";
    std::vector<std::string> singles;
    for (const auto& first : first_words_in_order()) {
      auto subs = second_words_in_order(first);
      if (subs.empty()) {
        singles.push_back(first);
        continue;
      }
      std::string line = "  " + first;
      line.resize(std::max<size_t>(line.size() + 1, 10), ' ');
      for (size_t i = 0; i < subs.size(); ++i)
        line += (i ? " " : "") + subs[i];
      text << line << "\n";
    }
    std::string line = "  other   ";
    for (size_t i = 0; i < singles.size(); ++i)
      line += (i ? " " : "") + singles[i];
    text << line << "\n";
    return Text{text.str()};
  }
  size_t width = 0;
  std::vector<const CommandSpec*> shown;
  for (const auto& spec : commands_) {
    bool match = true;
    for (size_t i = 0; i < topic.size(); ++i)
      if (i >= spec.words.size() || spec.words[i] != topic[i])
        match = false;
    if (match) {
      shown.push_back(&spec);
      width = std::max(width, spec.usage.size());
    }
  }
  if (shown.empty())
    return CliError::make(errc::InvalidInput, "no command '" + topic.front() + "' (try 'help')");
  for (const auto* spec : shown) {
    text << "  " << spec->usage;
    if (width <= 60)
      text << std::string(width - spec->usage.size() + 2, ' ') << spec->summary << "\n";
    else
      text << "\n      " << spec->summary << "\n";
  }
  return Text{text.str()};
}

std::vector<std::string> CommandTable::first_words_in_order() const {
  std::vector<std::string> out;
  for (const auto& spec : commands_)
    if (std::find(out.begin(), out.end(), spec.words[0]) == out.end())
      out.emplace_back(spec.words[0]);
  return out;
}

std::vector<std::string> CommandTable::second_words_in_order(std::string_view first) const {
  std::vector<std::string> out;
  for (const auto& spec : commands_)
    if (spec.words.size() > 1 && spec.words[0] == first &&
        std::find(out.begin(), out.end(), spec.words[1]) == out.end())
      out.emplace_back(spec.words[1]);
  return out;
}

std::vector<std::string> CommandTable::first_words() const {
  auto out = first_words_in_order();
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> CommandTable::second_words(std::string_view first) const {
  auto out = second_words_in_order(first);
  std::sort(out.begin(), out.end());
  return out;
}

bool CommandTable::execute(Context& ctx, const std::vector<std::string>& words) const {
  if (words.empty())
    return true;
  size_t consumed = 0;
  const CommandSpec* spec = find(words, consumed);
  Printer& printer = ctx.printer();
  if (!spec) {
    auto subs = second_words(words[0]);
    if (!subs.empty()) {
      std::string list;
      for (const auto& s : subs)
        list += (list.empty() ? "" : "|") + s;
      printer.error(words.size() == 1
                        ? CliError::usage(words[0] + " <" + list + "> ...")
                        : CliError::make(errc::InvalidInput, "unknown command '" + words[0] + " " +
                                                                 words[1] + "' (try 'help " +
                                                                 words[0] + "')"));
    } else {
      printer.error(CliError::make(errc::InvalidInput,
                                   "unknown command '" + words[0] + "' (try 'help')"));
    }
    return false;
  }
  Args args;
  std::vector<std::string> rest(words.begin() + static_cast<std::ptrdiff_t>(consumed), words.end());
  if (auto err = parse_args(*spec, rest, args)) {
    printer.error(*err);
    return false;
  }
  if (ctx.read_only() && !spec->write_name.empty()) {
    printer.error(CliError::make(
        errc::AccessDenied, std::string(spec->write_name) + " rejected — database is read-only"));
    return false;
  }
  Outcome outcome = spec->handler ? spec->handler(ctx, args) : help(args.positional);
  const auto* flag = outcome.reply ? std::get_if<Flag>(&*outcome.reply) : nullptr;
  ctx.set_answered_false(flag && flag->predicate && !flag->value);
  if (outcome.reply)
    printer.print(*outcome.reply);
  if (outcome.error) {
    printer.error(*outcome.error);
    return false;
  }
  return true;
}

}  // namespace strata::cli
