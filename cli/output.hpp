#pragma once

// What a command produced (a Reply) and how it is printed in each output
// mode (SPEC 8.3-8.6). Command handlers build Replies and never print; the
// Printer alone decides the text, so the three modes stay consistent.
//
// Mode cheat-sheet for the common replies:
//
//   Reply         human                     --json                     --raw
//   Ack           OK                        {"ok":true[,"version":N]}  OK
//   Written       (version) N / (seq) N     {"version":N} / {"seq":N}  N
//   NoOp          (no-op)                   {"version":N,"created":false}  N
//   Lookups       "Alice" / 42 / (nil)      {"value":..,"version":..}  Alice / 42 / nothing
//   Flag          true / false              true / false               1 / 0
//   Count         2                         2                          2
//   Deleted       OK                        {"deleted":N}              N
//
// Results go to stdout; errors go to stderr as `(error) <Kind>: <message>`
// (human), `{"error":"<Kind>: <message>"}` (--json) or `<Kind>: <message>`
// (--raw), after stdout has been flushed so that the two streams interleave
// in order when they share a file.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "strata/messages/error.hpp"
#include "strata/messages/types.hpp"
#include "strata/messages/value.hpp"

namespace strata::cli {

enum class OutputMode { Human, Json, Raw };

/// A command failed. `text` is the full line after "(error) ": normally
/// describe(err) ("<Kind>: <message>"), but a few documented lines carry
/// no kind ("CAS conflict: ...", "space is non-empty", "Invalid quoting").
struct CliError {
  errc kind = errc::Internal;
  std::string text;

  /// From a library error, with the documented wordings of SPEC 7 applied.
  static CliError from(const caf::error& err);
  /// "<Kind>: <message>".
  static CliError make(errc kind, const std::string& message);
  /// InvalidInput "usage: <usage>".
  static CliError usage(std::string_view usage);
};

/// An acknowledgement ("OK"); `version` is shown only in --json.
struct Ack {
  std::optional<uint64_t> version;
};

/// Versions (or event sequence numbers) of writes, one line each.
struct Written {
  enum class Label { Version, Seq };
  Label label = Label::Version;
  std::vector<uint64_t> numbers;
};

/// `state init` on an existing cell: nothing was written.
struct NoOp {
  uint64_t version = 0;
};

/// Nothing to print (a successful `use`).
struct Silent {};

/// One looked-up value; `value` empty means "missing" (`(nil)`).
struct Lookup {
  std::optional<Value> value;
  std::optional<uint64_t> version;
  std::optional<uint64_t> timestamp;
};

/// The answers of a get, one per key asked. `with_version` adds
/// ` (v<N>, ts=<T>)` in human mode.
struct Lookups {
  std::vector<Lookup> items;
  bool with_version = false;
};

struct Flag {
  bool value = false;
  /// A predicate (`branch exists`, `space exists`): in shell mode a false
  /// answer makes the exit status 1, as test(1) does, so that
  /// `if strata branch exists x; then ...` works.
  bool predicate = false;
};

struct Count {
  uint64_t value = 0;
};

/// The outcome of deletes: how many things existed and were removed.
struct Deleted {
  uint64_t count = 0;
};

/// Keys or names. Human: one per line, or `- name` lines when `dashed`
/// (branch and space lists), `(empty)` when there are none; `cursor`
/// adds a `(cursor) <c>` line. --json: an array, or {"keys":[..],
/// "cursor":..} when `paged`.
struct Names {
  std::vector<std::string> names;
  bool dashed = false;
  bool paged = false;
  std::optional<std::string> cursor;
};

/// `kv list`: `key = value` lines.
struct KeyValues {
  std::vector<std::pair<std::string, Value>> items;
};

/// Events: `seq=N type=T payload=J` lines. `single` (event get) prints
/// `(nil)` instead of `(empty)` when there is none and a bare object in
/// --json.
struct Events {
  std::vector<Event> items;
  bool single = false;
};

/// Version history, newest first; empty optional when never written.
struct History {
  std::optional<std::vector<VersionedValue>> versions;
};

struct Collections {
  std::vector<CollectionInfo> items;
};

struct CollectionStats {
  CollectionInfo info;
};

struct VectorRecord {
  std::optional<VectorEntry> entry;
};

struct Matches {
  std::vector<VectorMatch> items;
};

/// `name: value` lines (info, txn info); --json gives an object with the
/// same members in order, --raw the values alone.
struct Fields {
  std::vector<std::pair<std::string, Value>> items;
};

/// Free text (help, PONG); printed as is in every mode, as a JSON string
/// in --json.
struct Text {
  std::string text;
};

/// A report with a written form and a structured one (`check`): `text`
/// as is in human and raw modes, `json` in --json.
struct Report {
  std::string text;
  Value json;
};

using Reply = std::variant<Ack, Written, NoOp, Silent, Lookups, Flag, Count, Deleted, Names,
                           KeyValues, Events, History, Collections, CollectionStats,
                           VectorRecord, Matches, Fields, Text, Report>;

/// How a stored Value reads in human mode (SPEC 8.3): strings JSON-quoted,
/// numbers bare (floats keep `.0`), containers compact JSON in insertion
/// order, Bytes as `(bytes) <base64>`.
std::string render_human(const Value& v);

/// The --raw form: strings bare, booleans 1/0, containers compact JSON.
std::string render_raw(const Value& v);

/// A float vector as compact JSON, each element in the shortest form that
/// reads back as the same float, integral elements keeping `.0`
/// (`[1.0,0.0,0.5]`).
std::string render_vector(const std::vector<float>& v);

/// "brute_force" reads "flat", as the guides print it.
std::string index_type_name(const std::string& library_name);

class Printer {
 public:
  Printer(OutputMode mode, std::ostream& out, std::ostream& err)
      : mode_(mode), out_(out), err_(err) {}

  OutputMode mode() const { return mode_; }

  void print(const Reply& reply);
  /// Human: "(error) <Kind>: <message>"; JSON:
  /// {"error": {"kind": "<Kind>", "message": "<message>"}} (with "line"
  /// in pipe mode); raw: the text. On the error stream.
  void error(const CliError& e);
  /// Pipe mode: errors name the input line of the failing command, as
  /// sqlite3 does ("line 12: (error) ..."); nothing outside pipe mode.
  void set_line(std::optional<size_t> line) { line_ = line; }

 private:
  OutputMode mode_;
  std::optional<size_t> line_;
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace strata::cli
