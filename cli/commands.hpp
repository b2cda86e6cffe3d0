#pragma once

// The command table and its dispatcher. A command is one or two words
// ("ping", "kv put") followed by positional arguments and flags; each
// primitive's file registers its commands (commands_kv.cpp, ...), so a new
// feature adds a register_*_commands() and nothing else changes.
//
// Argument rules, the same for every command:
// - `--name value`, `--name=value` and `-n value` set a flag that takes a
//   value; `--name` / `-n` alone set a switch.
// - An unknown `--word` is an error (it is almost always a typo); an
//   unknown `-x` is a positional argument, so `kv put n -1` stores -1.
// - `--` ends the flags: every later word is positional.

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "context.hpp"
#include "output.hpp"

namespace strata::cli {

struct FlagSpec {
  std::string_view name;  ///< long name without "--", also the key in Args
  char short_name = 0;    ///< 0 when there is none
  bool takes_value = false;
};

/// A command's words after its name, split into flags and positionals.
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string, std::less<>> values;  ///< flags with a value
  std::vector<std::string> switches;                       ///< flags without

  bool has(std::string_view flag) const;
  std::optional<std::string> value(std::string_view flag) const;
};

/// What a handler returns: a reply to print, an error, or both (a reply
/// for the work done before the error, e.g. the first pairs of `kv put`).
struct Outcome {
  std::optional<Reply> reply;
  std::optional<CliError> error;

  template <class R, std::enable_if_t<std::is_constructible_v<Reply, R&&>, int> = 0>
  Outcome(R&& r) : reply(Reply{std::forward<R>(r)}) {}
  Outcome(CliError e) : error(std::move(e)) {}
  Outcome(const caf::error& e) : error(CliError::from(e)) {}
  Outcome(Reply r, CliError e) : reply(std::move(r)), error(std::move(e)) {}
};

using Handler = std::function<Outcome(Context&, const Args&)>;

struct CommandSpec {
  std::vector<std::string_view> words;  ///< {"kv", "put"}; {"ping"}
  std::string_view usage;               ///< "kv put <key> <value> [<key> <value> ...]"
  std::string_view summary;             ///< one line for `help`
  std::vector<FlagSpec> flags;
  size_t min_args = 0;
  size_t max_args = SIZE_MAX;
  /// The command's name in AccessDenied errors when it writes (SPEC 2.1
  /// read-only list: "KvPut", "SpaceCreate", ...); empty for reads.
  std::string_view write_name;
  /// Empty only for `help`, which the table answers itself.
  Handler handler;
};

class CommandTable {
 public:
  /// The full table: every register_*_commands() below.
  static CommandTable standard();

  void add(CommandSpec spec);

  /// Runs one tokenized command line: finds the command, parses its
  /// arguments, refuses writes on a read-only database, runs the handler
  /// and prints the reply and/or error. Returns false when the command
  /// failed. An empty line does nothing and succeeds.
  bool execute(Context& ctx, const std::vector<std::string>& words) const;

  const std::vector<CommandSpec>& commands() const { return commands_; }

  /// The text of `help` (all commands) or `help <words...>`.
  [[nodiscard]] Outcome help(const std::vector<std::string>& topic) const;

  /// First words, and the second words of `first`, for TAB completion.
  std::vector<std::string> first_words() const;
  std::vector<std::string> second_words(std::string_view first) const;

 private:
  const CommandSpec* find(const std::vector<std::string>& words, size_t& consumed) const;
  std::vector<std::string> first_words_in_order() const;
  std::vector<std::string> second_words_in_order(std::string_view first) const;

  std::vector<CommandSpec> commands_;
};

/// Splits `words` (the arguments after the command name) by `spec.flags`.
[[nodiscard]] std::optional<CliError> parse_args(const CommandSpec& spec,
                                                 const std::vector<std::string>& words,
                                                 Args& out);

// Registration, one per feature file.
void register_db_commands(CommandTable& t);
void register_kv_commands(CommandTable& t);
void register_event_commands(CommandTable& t);
void register_state_commands(CommandTable& t);
void register_json_commands(CommandTable& t);
void register_vector_commands(CommandTable& t);
void register_space_commands(CommandTable& t);
void register_branch_commands(CommandTable& t);
void register_txn_commands(CommandTable& t);
void register_meta_commands(CommandTable& t);

// Helpers shared by the handlers.

/// A --as-of / number flag parsed as uint64; empty when absent.
[[nodiscard]] result<std::optional<uint64_t>> u64_flag(const Args& args, std::string_view flag);
/// --as-of: microseconds since the epoch or an RFC 3339 time (times.hpp).
[[nodiscard]] result<std::optional<uint64_t>> as_of_flag(const Args& args);

/// The --prefix flag; empty when absent or "" (an empty prefix means all).
std::optional<std::string_view> prefix_of(const Args& args);

/// The flags of a paged `list` command (kv list, json list).
struct ListFlags {
  std::optional<uint64_t> as_of;
  std::optional<uint64_t> limit;
  std::optional<std::string> cursor;
  bool all = false;  // every page; excludes limit and cursor
  std::optional<std::string_view> prefix;
};

/// Parses --as-of, --limit, --cursor, --all and --prefix; InvalidInput for
/// a bad number or --all with --limit or --cursor.
[[nodiscard]] result<ListFlags> list_flags(const Args& args);

/// The version current at `as_of` (microseconds): the newest entry of a
/// newest-first history written at or before it.
std::optional<VersionedValue> version_at(const std::optional<std::vector<VersionedValue>>& history,
                                         uint64_t as_of);

/// The text of a --file argument: a path, or "-" for standard input (shell
/// mode only: in pipe mode and the REPL stdin carries the commands).
[[nodiscard]] result<std::string> read_file_arg(const Context& ctx, const std::string& path);

/// Writes that cannot be part of a transaction (branch create/delete,
/// space operations) are refused while one is open (SPEC 5.5 [R], 6.4):
/// InvalidInput "<what> operations are not supported inside a transaction".
std::optional<CliError> refuse_in_transaction(const Context& ctx, std::string_view what);

/// NotImplemented "<what>".
CliError not_implemented(const std::string& what);

}  // namespace strata::cli
