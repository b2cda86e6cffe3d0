#pragma once

// Client — a synchronous caller of Strata's actors that is nearly as cheap
// as a function call when the target actor is idle.
//
// A Client is a lightweight actor of its own (its reply receiver has an
// address and receives the replies). A request is enqueued with the
// Client's private execution unit as the context: when the target actor is
// idle, CAF hands it back to that unit, which resumes the actor right here
// on the caller's thread with a small message budget; the handler's reply
// lands in the receiver before the call even waits. When the target is busy
// on another thread (or remote), the caller pauses briefly, yields its core
// a few times (to the thread that will answer, when that one waits for a
// core), and then blocks until the reply arrives. Either way the target
// stays serialized: CAF lets exactly one execution unit resume an actor at
// a time.
//
// Thread-safety: one thread at a time per Client (N threads use N clients,
// which share nothing). Pitfall: handlers run on the caller's thread, so a
// handler must never call back into a Client synchronously.

#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/message.hpp>
#include <caf/response_type.hpp>

#include "strata/messages/error.hpp"

namespace caf {
class actor_system;
}  // namespace caf

namespace strata::actors {

namespace detail {
class InlineUnit;
class ReplyReceiver;
}  // namespace detail

class Client {
 public:
  /// `inline_budget`: how many messages an inline resume may process before
  /// handing the actor to the scheduler.
  Client(caf::actor_system& sys, size_t inline_budget);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// The client's own actor (the sender of its requests).
  const caf::strong_actor_ptr& address() const { return self_; }

  /// Sends a request made of `xs...` to `dest` and returns its reply: the
  /// single value of the interface's reply type, or the error the actor
  /// answered with. A dead or invalid `dest` yields an error (CAF's
  /// request_receiver_down), never a hang.
  template <class Handle, class... Ts>
  auto call(const Handle& dest, Ts&&... xs) {
    return call_as(Wait::brief, dest, std::forward<Ts>(xs)...);
  }

  /// The same for a request whose reply waits for the disk (an fsync, so
  /// hundreds of microseconds): when the reply is not there at once the
  /// caller blocks without first yielding its core a few times, which
  /// could not catch such a reply and, with many callers per core, costs a
  /// context switch each.
  template <class Handle, class... Ts>
  auto call_durable(const Handle& dest, Ts&&... xs) {
    return call_as(Wait::durable, dest, std::forward<Ts>(xs)...);
  }

 private:
  enum class Wait { brief, durable };

  template <class Handle, class... Ts>
  auto call_as(Wait wait, const Handle& dest, Ts&&... xs) {
    using rt = caf::response_type<typename Handle::signatures, std::decay_t<Ts>...>;
    static_assert(rt::valid, "the actor's interface has no such request");
    using R = std::tuple_element_t<0, typename rt::tuple_type>;
    auto ptr = caf::actor_cast<caf::strong_actor_ptr>(dest);
    if (!ptr)
      return result<R>{make_error(errc::Internal, "request to an invalid actor handle")};
    auto reply = request(ptr, make_element(ptr, std::forward<Ts>(xs)...), wait);
    return unpack<R>(reply);
  }

  template <class... Ts>
  caf::mailbox_element_ptr make_element(const caf::strong_actor_ptr&, Ts&&... xs) {
    return caf::make_mailbox_element(self_, next_request_id(), {}, std::forward<Ts>(xs)...);
  }

  template <class R>
  static result<R> unpack(caf::message& reply) {
    if (reply.match_elements<R>())
      return std::move(reply.get_mutable_as<R>(0));
    if (reply.match_elements<caf::error>())
      return std::move(reply.get_mutable_as<caf::error>(0));
    return unexpected_reply(reply);
  }

  static caf::error unexpected_reply(const caf::message& reply);

  caf::message_id next_request_id();
  caf::message request(const caf::strong_actor_ptr& dest, caf::mailbox_element_ptr element,
                       Wait wait);

  std::unique_ptr<detail::InlineUnit> unit_;
  caf::strong_actor_ptr self_;
  detail::ReplyReceiver* receiver_;  // owned through self_
  uint64_t next_id_ = 0;
};

}  // namespace strata::actors
