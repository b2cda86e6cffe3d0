#include "strata/actors/client.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>

#include <sched.h>

#include <caf/all.hpp>

namespace strata::actors::detail {

// The execution unit a Client hands to enqueue(). CAF calls exec_later()
// with the target actor when the enqueue found it idle; the actor is then
// resumed inline. Of the actors that an inline resume wakes up (the target
// messaging others), the first is kept to run inline next and the rest go
// to the scheduler at once, so that fan-out runs in parallel (a
// coordinator's prepares: one here, one on a worker) instead of queueing
// behind one worker. Inline work per call is bounded; the rest goes to the
// scheduler.
class InlineUnit : public caf::execution_unit {
 public:
  InlineUnit(caf::actor_system* sys, size_t budget) : caf::execution_unit(sys), budget_(budget) {
  }

  void exec_later(caf::resumable* job) override {
    if (running_) {
      if (next_ == nullptr && inline_runs_ < max_inline_runs)
        next_ = job;
      else
        system().scheduler().enqueue(job);
      return;
    }
    inline_runs_ = 0;
    while (job != nullptr) {
      ++inline_runs_;
      running_ = true;
      auto res = job->resume(this, budget_);
      running_ = false;
      switch (res) {
        case caf::resumable::resume_later:
          // More mail than our budget: the scheduler takes over our reference.
          system().scheduler().enqueue(job);
          break;
        default:
          // awaiting_message or done: drop the reference enqueue() took.
          intrusive_ptr_release(job);
          break;
      }
      job = next_;
      next_ = nullptr;
    }
  }

 private:
  // Actors run inline per call at most (the target and what it wakes).
  static constexpr int max_inline_runs = 4;

  size_t budget_;
  bool running_ = false;
  int inline_runs_ = 0;
  caf::resumable* next_ = nullptr;
};

// The Client's actor: accepts the response to the one request in flight.
class ReplyReceiver : public caf::monitorable_actor {
 public:
  explicit ReplyReceiver(caf::actor_config& cfg) : caf::monitorable_actor(cfg) {
  }

  const char* name() const override {
    return "strata.client";
  }

  void expect(uint64_t id) {
    std::lock_guard<std::mutex> guard{mtx_};
    expected_ = id;
  }

  void enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit*) override {
    if (!ptr || !ptr->mid.is_response())
      return;  // a client only ever receives replies
    std::lock_guard<std::mutex> guard{mtx_};
    if (ptr->mid.request_id().integer_value() != expected_)
      return;  // stale: cannot happen without timeouts, but never mix replies
    reply_ = ptr->move_content_to_message();
    ready_.store(true, std::memory_order_release);
    if (waiting_)
      cv_.notify_one();
  }

  // Waiting before blocking, in two steps. First a few pauses (~1 us
  // here): an inline run elsewhere (another caller resuming the same
  // actor) often answers within that. Then a few yields: when the thread
  // that will answer is runnable but waiting for a core (many callers on
  // two cores), yielding hands it the core, where pausing would keep it
  // away and blocking would make it pay for waking us (a futex wake while
  // it holds the actor). With a core idle a yield returns at once: the
  // twenty take ~13 us here before the caller blocks. Measured against 200
  // pauses alone, 16 threads sharing one space ran about twice as many
  // puts and gets (docs/benchmarks.md, "Waiting for a reply").
  static constexpr int spin_pauses = 32;
  static constexpr int spin_yields = 20;

  /// `yield`: whether to yield before blocking (not for replies that wait
  /// for the disk: see Client::call_durable).
  caf::message wait(bool yield) {
    // Inline execution has usually delivered the reply already.
    for (int i = 0; i < spin_pauses; ++i) {
      if (ready_.load(std::memory_order_acquire))
        return take();
      __builtin_ia32_pause();
    }
    for (int i = 0; yield && i < spin_yields; ++i) {
      if (ready_.load(std::memory_order_acquire))
        return take();
      sched_yield();
    }
    std::unique_lock<std::mutex> guard{mtx_};
    waiting_ = true;
    cv_.wait(guard, [this] { return ready_.load(std::memory_order_acquire); });
    waiting_ = false;
    ready_.store(false, std::memory_order_relaxed);
    return std::move(reply_);
  }

 private:
  caf::message take() {
    std::lock_guard<std::mutex> guard{mtx_};
    ready_.store(false, std::memory_order_relaxed);
    return std::move(reply_);
  }

  std::mutex mtx_;
  std::condition_variable cv_;
  std::atomic<bool> ready_{false};
  bool waiting_ = false;
  uint64_t expected_ = 0;
  caf::message reply_;
};

}  // namespace strata::actors::detail

namespace strata::actors {

Client::Client(caf::actor_system& sys, size_t inline_budget)
    : unit_(std::make_unique<detail::InlineUnit>(&sys, inline_budget)) {
  caf::actor_config cfg;
  self_ = caf::make_actor<detail::ReplyReceiver, caf::strong_actor_ptr>(sys.next_actor_id(),
                                                                          sys.node(), &sys, cfg);
  receiver_ = static_cast<detail::ReplyReceiver*>(caf::actor_cast<caf::abstract_actor*>(self_));
}

Client::~Client() = default;

caf::message_id Client::next_request_id() {
  return caf::make_message_id(++next_id_);
}

caf::message Client::request(const caf::strong_actor_ptr& dest, caf::mailbox_element_ptr element,
                             Wait wait) {
  receiver_->expect(element->mid.request_id().integer_value());
  dest->enqueue(std::move(element), unit_.get());
  return receiver_->wait(wait == Wait::brief);
}

caf::error Client::unexpected_reply(const caf::message& reply) {
  return make_error(errc::Internal, "unexpected reply: " + caf::to_string(reply));
}

}  // namespace strata::actors
