#pragma once

// Turning command-line words into Values, numbers and vectors.
//
// Two parsers, chosen per command (SPEC 1.3):
// - auto_detect(): `kv put`, `state set/init/cas` and `json set` values;
//   the word's shape decides its type (42 is Int, 4.2 Float, hello String).
// - parse_strict_json(): event payloads, --metadata, vector literals,
//   filters and batch JSON; anything but valid JSON is an error.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strata/messages/error.hpp"
#include "strata/messages/value.hpp"

namespace strata::cli {

/// SPEC 1.3, first matching rule wins:
/// 1. starts with `{`, `[` or `"` and parses as JSON → that value;
/// 2. `null` → Null; 3. `true`/`false` → Bool (case-sensitive);
/// 4. `-?[0-9]+` fitting int64 → Int (`007` → 7);
/// 5. `-?[0-9.eE+-]+` with a `.`, `e` or `E`, parsing fully as a double →
///    Float (`.5`, `5.`, `1e5`);
/// 6. anything else → String (`+5`, `inf`, `NaN`, `1.2.3`, "").
/// Error: ConstraintViolation when the word is JSON nested deeper than the
/// limit (it is not stored as a String instead).
[[nodiscard]] result<Value> auto_detect(std::string_view word);

/// JSON text to Value (SPEC 1.2). Errors: InvalidInput naming the byte
/// position, ConstraintViolation past the nesting limit.
[[nodiscard]] result<Value> parse_strict_json(std::string_view text);

/// A vector literal: a JSON array of numbers, e.g. `[1.0,0.0,0.5]`.
/// Errors: InvalidInput "Invalid vector literal: ..." (not JSON),
/// "Expected a JSON array of numbers", "Element <i> is not a number".
[[nodiscard]] result<std::vector<float>> parse_vector(std::string_view text);

/// The same check for a value already parsed (a batch entry's "vector").
[[nodiscard]] result<std::vector<float>> vector_from_value(const Value& v);

/// A non-negative decimal integer that fits uint64 (sequence numbers,
/// versions, limits, timestamps). `what` names the argument in the error:
/// InvalidInput "<what> must be a non-negative integer, got '<word>'".
[[nodiscard]] result<uint64_t> parse_u64(std::string_view word, std::string_view what);

/// The most bytes `--file` reads: a String value's limit plus room for the
/// quotes and escapes of the JSON that may carry it.
inline constexpr size_t max_input_file_bytes = 64u << 20;

/// The contents of `path`, or of standard input when `path` is "-".
/// Errors: Io "cannot read '<path>': <reason>"; InvalidInput when `path` is
/// a directory; ConstraintViolation past max_input_file_bytes (checked
/// before reading a regular file, while reading anything else).
[[nodiscard]] result<std::string> read_input_file(const std::string& path);

/// What `--file` gives a value-taking command (SPEC 8.2 `kv put --file`):
/// the text parsed as JSON when it is valid JSON, otherwise the text with
/// surrounding whitespace trimmed, as a String. Error: ConstraintViolation
/// when the text is JSON nested deeper than the limit.
[[nodiscard]] result<Value> value_from_file_text(std::string_view text);

}  // namespace strata::cli
