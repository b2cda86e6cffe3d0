#pragma once

// Cutting torn tails off LevelDB logs before a store reopens (why: the top
// of log_tail.cpp).

#include <cstdint>
#include <string>

#include "strata/messages/error.hpp"

namespace strata::store {

/// The length of `log` (a LevelDB log or manifest file's bytes) up to the
/// end of its last complete logical record, when what follows is a torn
/// tail; the whole length when the log is complete or its damage is
/// followed by more data (damage is not a tail: it is not cut).
uint64_t log_valid_length(const std::string& log);

/// Trims every *.log and MANIFEST-* file in `dir` (a closed store on disk)
/// to log_valid_length, synced. Errors: Io.
[[nodiscard]] caf::error trim_log_tails(const std::string& dir);

}  // namespace strata::store
