#pragma once

// Input validation at the edge of the database: key rules, value limits and
// space names (SPEC 1.4 and 4.4). Every check returns a clear error naming
// what was wrong; nothing here touches storage.

#include <cstdint>
#include <string_view>

#include "strata/messages/error.hpp"
#include "strata/messages/value.hpp"

namespace strata {

/// Size limits applied to keys and values. The defaults are SPEC 1.4's;
/// `Limits::small()` is the "small" test profile.
struct Limits {
  size_t max_key_bytes = 1024;
  size_t max_string_bytes = 16u << 20;
  size_t max_bytes_len = 16u << 20;
  size_t max_array_len = 1'000'000;
  size_t max_object_entries = 1'000'000;
  /// The top level is depth 0; a value nested deeper than this is rejected.
  size_t max_nesting_depth = 128;
  size_t max_vector_dim = 8192;

  static Limits small() {
    return Limits{100, 1000, 1000, 100, 100, 10, 100};
  }
};

/// Checks a user key (KV key, state cell name, JSON document id):
/// non-empty, no NUL byte, not starting with the reserved "_strata/",
/// at most `limits.max_key_bytes` bytes.
/// Errors: InvalidInput (empty, NUL, reserved prefix), ConstraintViolation
/// (too long: "Capacity exceeded for key: limit 1024, requested 1025").
[[nodiscard]] caf::error validate_key(std::string_view key, const Limits& limits);

/// Checks a list prefix: empty is allowed (all keys); otherwise as a key.
[[nodiscard]] caf::error validate_prefix(std::string_view prefix, const Limits& limits);

/// Checks a value against the limits: string and bytes lengths, array and
/// object sizes, nesting depth. Errors: ConstraintViolation with messages of
/// the form "Value too large (string_too_long): <n> exceeds maximum <max>"
/// and "Nesting too deep: <n> levels exceeds maximum <max>".
[[nodiscard]] caf::error validate_value(const Value& value, const Limits& limits);

/// validate_key, then validate_value: the checks of a keyed write.
[[nodiscard]] caf::error validate_entry(std::string_view key, const Value& value,
                                        const Limits& limits);

/// Checks an event before it is appended (SPEC 5.2): `type` 1-256 bytes of
/// anything; `payload` a JSON object with no NaN or infinity anywhere, within
/// the value limits. Errors: InvalidInput ("Payload must be a JSON object",
/// ...), ConstraintViolation.
[[nodiscard]] caf::error validate_event(std::string_view type, const Value& payload,
                                        const Limits& limits);

/// The longest event type, in bytes.
inline constexpr size_t max_event_type_bytes = 256;

/// True when no Float anywhere in `v` is NaN or infinite.
bool all_finite(const Value& v);

/// Checks a space name (SPEC 4.4): 1–64 bytes, first `[a-z]`, then
/// `[a-z0-9_-]`, not starting with "_system_". "default" is valid.
/// Errors: InvalidInput with the messages of SPEC 4.4.
[[nodiscard]] caf::error validate_space_name(std::string_view name);

/// Checks a branch name (SPEC 3.1 [I]): 1-255 bytes, not whitespace only,
/// no NUL or other control character ("feature/new-model", "v2.0" and
/// "experiment-1" are valid). Errors: InvalidInput.
[[nodiscard]] caf::error validate_branch_name(std::string_view name);

/// The name of the space every branch has and nobody can delete.
inline constexpr std::string_view default_space = "default";
/// The name of the branch every database has.
inline constexpr std::string_view default_branch = "default";

}  // namespace strata
