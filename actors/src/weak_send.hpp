#pragma once

// How work on a sync thread reports back to the actor that asked for it:
// through a weak handle, because the actor's state owns what runs the work
// (a lane, a promise), and a report to an actor that is gone is dropped.
// Internal to actors/src (its users include caf/all.hpp already).

#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/send.hpp>

namespace strata::actors::detail {

/// A weak handle to `self` (an actor's `this` inside its behaviour).
template <class Self>
caf::weak_actor_ptr weak_self(Self* self) {
  return caf::actor_cast<caf::weak_actor_ptr>(self->ctrl());
}

/// Sends `xs...` to the actor behind `to`, as `Handle`, if it still lives.
/// Thread-safe.
template <class Handle, class... Ts>
void send_if_alive(const caf::weak_actor_ptr& to, Ts&&... xs) {
  if (auto strong = to.lock())
    caf::anon_send(caf::actor_cast<Handle>(strong), std::forward<Ts>(xs)...);
}

}  // namespace strata::actors::detail
