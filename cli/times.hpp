#pragma once

// Times on the command line: Strata's timestamps are microseconds since the
// Unix epoch (UTC); people write and read RFC 3339.

#include <cstdint>
#include <string>
#include <string_view>

#include <strata/strata.hpp>

namespace strata::cli {

/// Microseconds since the epoch from "1796220000000000" (the number itself)
/// or RFC 3339: "2026-12-02T14:30:00Z", with optional fractional seconds
/// (up to microseconds) and a "Z" or "+HH:MM" / "-HH:MM" offset ('T' may be
/// 't' or a space). Errors: InvalidInput naming `what` and the text.
[[nodiscard]] result<uint64_t> parse_time_us(std::string_view text, std::string_view what);

/// RFC 3339 in UTC with microseconds: "2026-12-02T14:30:00.123456Z".
std::string format_time_us(uint64_t us);

}  // namespace strata::cli
