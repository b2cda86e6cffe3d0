#include "strata/actors/txn_coordinator.hpp"

#include <csignal>
#include <cstdlib>

#include <caf/all.hpp>

namespace strata::actors {

namespace {

using self_ptr = coordinator_actor::stateful_pointer<CoordinatorState>;
using Round = CoordinatorState::Round;

[[noreturn]] void crash_now() {
  std::raise(SIGKILL);
  std::abort();
}

constexpr auto forget_delay = std::chrono::seconds(1);

void finish(self_ptr self, uint64_t id, const std::shared_ptr<Round>& round) {
  auto& st = self->state;
  if (!round->apply_failed) {
    // Every participant applied it. In standard durability their writes
    // reach the disk within 100 ms; the decision is kept a while longer so
    // that a machine crash in between still finds it.
    st.to_forget.emplace_back(std::chrono::steady_clock::now(), id);
    if (!st.forget_scheduled) {
      st.forget_scheduled = true;
      self->delayed_send(self, forget_delay, forget_atom::value);
    }
  }
  st.clock->end_commit(round->commit_ts);
  st.rounds.erase(id);
}

void send_decision(self_ptr self, uint64_t id, const std::shared_ptr<Round>& round) {
  for (auto& part : round->parts) {
    self->request(caf::actor_cast<space_actor>(part.participant), caf::infinite,
                  txn_decide_atom::value, id, round->commit_ts)
        .then(
            [=](bool) {
              if (++round->acked == 1 &&
                  fault_point(*self->state.ctx, "coordinator-after-first-apply"))
                crash_now();
              if (round->acked == round->parts.size())
                finish(self, id, round);
            },
            [=](caf::error&) {
              // The participant could not apply (it will resolve the
              // transaction from the log when it reopens): the commit
              // stands, and its decision stays logged.
              round->apply_failed = true;
              if (++round->acked == round->parts.size())
                finish(self, id, round);
            });
  }
}

void abort_round(self_ptr self, uint64_t id, const std::shared_ptr<Round>& round) {
  for (auto& part : round->parts)
    caf::anon_send(caf::actor_cast<space_actor>(part.participant), txn_decide_atom::value, id,
               uint64_t{0});
  for (auto& w : round->waiters)
    w.deliver(uint64_t{0});
  self->state.rounds.erase(id);
  round->reply.deliver(round->failure);
}

void on_vote(self_ptr self, uint64_t id, const std::shared_ptr<Round>& round, caf::error vote) {
  auto& st = self->state;
  if (vote && !round->failure)
    round->failure = std::move(vote);
  if (++round->answered == 1 && fault_point(*st.ctx, "coordinator-after-first-vote"))
    crash_now();
  if (round->answered < round->parts.size())
    return;
  if (round->failure) {
    abort_round(self, id, round);
    return;
  }
  round->commit_ts = st.clock->begin_commit();
  // Group commit: decisions reached before the log_decisions message is
  // processed share one log write and one fsync.
  st.to_log.emplace_back(id, round);
  if (!st.log_scheduled) {
    st.log_scheduled = true;
    self->send(self, log_decisions_atom::value);
  }
}

void log_decisions(self_ptr self) {
  auto& st = self->state;
  st.log_scheduled = false;
  auto batch = std::move(st.to_log);
  st.to_log.clear();
  std::vector<CommitDecision> decisions;
  for (auto& [id, round] : batch) {
    CommitDecision d{id, round->commit_ts, {}};
    for (auto& part : round->parts)
      d.participants.push_back(part.space);
    decisions.push_back(std::move(d));
  }
  if (auto err = st.log->log(decisions)) {
    for (auto& [id, round] : batch) {
      st.clock->end_commit(round->commit_ts);
      round->failure = err;
      abort_round(self, id, round);
    }
    return;
  }
  for (auto& [id, round] : batch) {
    round->decided = true;
    for (auto& w : round->waiters)
      w.deliver(round->commit_ts);
    round->waiters.clear();
    if (fault_point(*st.ctx, "coordinator-after-decision"))
      crash_now();
    send_decision(self, id, round);
    // The commit is decided and durable. The caller may go on at once: the
    // decisions are already in the participants' mailboxes, ahead of any
    // request the caller sends next, so it reads its own writes; snapshots
    // of others stay below the commit until every participant applied it.
    round->reply.deliver(round->commit_ts);
  }
}

// Finishes decisions logged before a restart: every participant of each is
// told again (applying is idempotent), then the decision is forgotten.
void recover(self_ptr self) {
  auto& st = self->state;
  auto pending = st.log->pending();
  if (!pending) {
    st.open_error = std::move(pending.error());
    return;
  }
  for (auto& d : *pending) {
    st.clock->observe_in_flight(d.commit_ts);
    auto remaining = std::make_shared<size_t>(d.participants.size());
    uint64_t id = d.txn_id, ts = d.commit_ts;
    st.recovered.emplace(id, d);
    auto failed = std::make_shared<bool>(false);
    auto done = [self, id, ts, remaining, failed] {
      if (--*remaining > 0)
        return;
      auto& st = self->state;
      // A participant that could not apply keeps the decision logged for
      // the next start.
      if (!*failed)
        (void)st.log->forget(id);
      st.clock->end_commit(ts);
      st.recovered.erase(id);
      if (st.recovered.empty()) {
        for (auto& w : st.recovery_waiters)
          w.deliver(true);
        st.recovery_waiters.clear();
      }
    };
    for (const auto& space : d.participants) {
      self->request(caf::actor_cast<branch_actor>(st.branch), caf::infinite,
                    space_resolve_atom::value, space)
          .then(
              [self, id, ts, done, failed](space_actor participant) {
                self->request(participant, caf::infinite, txn_decide_atom::value, id, ts)
                    .then([done](bool) { done(); },
                          [done, failed](caf::error&) {
                            *failed = true;
                            done();
                          });
              },
              [done, failed](caf::error&) {
                *failed = true;
                done();
              });
    }
  }
}

}  // namespace

coordinator_actor::behavior_type coordinator_behavior(self_ptr self,
                                                      std::shared_ptr<const DatabaseContext> ctx,
                                                      std::shared_ptr<store::CommitClock> clock,
                                                      std::string branch_name, caf::actor branch) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.clock = std::move(clock);
  st.branch = std::move(branch);
  auto log = store::DecisionLog::open(st.ctx->branch_dir(branch_name) + "/txn",
                                      st.ctx->store_options);
  if (log) {
    st.log = std::move(*log);
    recover(self);
  } else {
    st.open_error = std::move(log.error());
  }
  return {
    [=](txn_commit_atom, const std::vector<TxnPart>& parts) -> caf::result<uint64_t> {
      auto& st = self->state;
      if (st.open_error)
        return st.open_error;
      if (fault_point(*st.ctx, "coordinator-before-prepare"))
        crash_now();
      uint64_t id = st.clock->next();
      auto round = std::make_shared<Round>();
      round->parts = parts;
      round->reply = self->make_response_promise<uint64_t>();
      st.rounds.emplace(id, round);
      for (auto& part : round->parts) {
        self->request(caf::actor_cast<space_actor>(part.participant), caf::infinite,
                      txn_prepare_atom::value, id, part.work)
            .then([=](bool) { on_vote(self, id, round, caf::error{}); },
                  [=](caf::error& err) { on_vote(self, id, round, std::move(err)); });
      }
      return round->reply;
    },
    [=](log_decisions_atom) { log_decisions(self); },
    [=](forget_atom) {
      auto& st = self->state;
      st.forget_scheduled = false;
      auto cutoff = std::chrono::steady_clock::now() - forget_delay;
      while (!st.to_forget.empty() && st.to_forget.front().first <= cutoff) {
        (void)st.log->forget(st.to_forget.front().second);
        st.to_forget.pop_front();
      }
      if (!st.to_forget.empty()) {
        st.forget_scheduled = true;
        self->delayed_send(self, forget_delay, forget_atom::value);
      }
    },
    [=](recover_atom) -> caf::result<bool> {
      auto& st = self->state;
      if (st.open_error)
        return st.open_error;
      if (st.recovered.empty())
        return true;
      auto rp = self->make_response_promise<bool>();
      st.recovery_waiters.push_back(rp);
      return rp;
    },
    [=](txn_resolve_atom, uint64_t id) -> caf::result<uint64_t> {
      auto& st = self->state;
      if (auto it = st.rounds.find(id); it != st.rounds.end()) {
        if (it->second->decided)
          return it->second->commit_ts;
        auto rp = self->make_response_promise<uint64_t>();
        it->second->waiters.push_back(rp);
        return rp;
      }
      if (auto it = st.recovered.find(id); it != st.recovered.end())
        return it->second.commit_ts;
      return uint64_t{0};  // presumed abort
    },
  };
}

}  // namespace strata::actors
