#pragma once

// What an exception thrown inside an actor's handler becomes. CAF would
// turn it into a generic runtime error and stop the actor; every Strata
// actor installs this handler instead (set_exception_handler), so that the
// request that raised it is answered errc::Internal naming the actor and
// the exception. The actor still stops — its state may be half-updated —
// and its supervisor starts it again: a space actor by its branch, a
// branch (with its coordinator and spaces) by the database root.

#include <exception>

#include <caf/fwd.hpp>

namespace strata::actors {

caf::error exception_error(caf::scheduled_actor* self, std::exception_ptr& eptr);

/// The error an exception caught in `where` becomes (errc::Internal).
caf::error caught_error(const char* where, std::exception_ptr eptr);

/// Runs `fn` and returns what it returns (a caf::error or a result<T>), or
/// errc::Internal if it throws. For work that touches files in an actor
/// that no supervisor restarts (the database root): one bad file or a
/// library's exception must not stop the database.
template <class F>
auto catching(const char* where, F&& fn) noexcept -> decltype(fn()) {
  try {
    return fn();
  } catch (...) {
    return caught_error(where, std::current_exception());
  }
}

}  // namespace strata::actors
