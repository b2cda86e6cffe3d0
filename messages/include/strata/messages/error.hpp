#pragma once

// The one error vocabulary of Strata: `strata::errc` (the kinds of SPEC 7),
// carried in a `caf::error` so that it crosses actors and the network
// unchanged. `strata::result<T>` is `caf::expected<T>`.

#include <cstdint>
#include <string>
#include <string_view>

#include <caf/error.hpp>
#include <caf/expected.hpp>

namespace strata {

/// Error kinds, spelled as SPEC section 7. The numeric values are part of
/// the wire format: append only, never renumber.
enum class errc : uint8_t {
  KeyNotFound = 1,
  BranchNotFound,
  CollectionNotFound,
  StreamNotFound,
  CellNotFound,
  DocumentNotFound,
  WrongType,
  InvalidKey,
  InvalidPath,
  InvalidInput,
  VersionConflict,
  TransitionFailed,
  Conflict,
  BranchClosed,
  BranchExists,
  CollectionExists,
  DimensionMismatch,
  ConstraintViolation,
  HistoryTrimmed,
  Overflow,
  AccessDenied,
  TransactionNotActive,
  TransactionAlreadyActive,
  TransactionConflict,
  HistoryUnavailable,
  Io,
  Serialization,
  Internal,
  NotImplemented,
  /// A client has too many requests in flight (the service's bound);
  /// nothing was done: retry once replies have come back.
  Busy,
  /// Stored data failed a check (a checksum, a record that does not
  /// decode, a broken version or hash chain): nothing was read around it.
  /// The message names the space's directory and, where LevelDB says, the
  /// file.
  Corruption,
  /// A remote node could not be reached, or the connection to it dropped
  /// while the call was in flight: the outcome of a write in flight is
  /// unknown (it may or may not have been applied). The next call
  /// reconnects.
  Unavailable,
  /// A remote call passed its deadline without an answer: its outcome is
  /// unknown, as for Unavailable.
  Timeout,
};

/// The category atom under which strata errors travel inside caf::error.
caf::atom_value error_category() noexcept;

/// The SPEC 7 spelling of a kind, e.g. "InvalidInput".
const char* to_string(errc kind) noexcept;

/// Builds an error of `kind` whose context is the human-readable `message`.
caf::error make_error(errc kind, std::string message);

/// The strata kind of `err`; errc::Internal for errors of other categories
/// (CAF's own system errors, e.g. a dead actor) and for a default error.
errc kind_of(const caf::error& err) noexcept;

/// The message an error was made with ("" when it has none).
std::string message_of(const caf::error& err);

/// "<Kind>: <message>", the form the CLI prints after "(error) ". Errors of
/// other categories render as "Internal: <CAF's rendering>".
std::string describe(const caf::error& err);

/// True when `err` is a strata error of `kind`.
inline bool is(const caf::error& err, errc kind) noexcept {
  return err && err.category() == error_category() && static_cast<errc>(err.code()) == kind;
}

/// What every fallible public call returns. A missing key is an empty
/// std::optional inside a successful result, not an error.
template <class T>
using result = caf::expected<T>;

}  // namespace strata
