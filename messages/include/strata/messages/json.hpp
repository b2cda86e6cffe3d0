#pragma once

// JSON text <-> Value beyond the two members on Value itself.

#include <string>
#include <string_view>

#include "strata/messages/limits.hpp"
#include "strata/messages/value.hpp"

namespace strata {

/// Parses JSON text into a Value (SPEC 1.2), refusing nesting deeper than
/// `max_depth` (top level = 0) before building it.
/// Errors: InvalidInput (syntax, with the byte position), ConstraintViolation
/// ("Nesting too deep: ...").
[[nodiscard]] result<Value> parse_json(std::string_view text, size_t max_depth);

/// Standard base64 with padding; how Bytes appear in JSON (lossy: reading
/// the JSON back yields a String).
std::string base64_encode(const Bytes& data);

}  // namespace strata
