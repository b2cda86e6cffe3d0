#include "strata/actors/txn_coordinator.hpp"
#include "strata/actors/exceptions.hpp"

#include <csignal>
#include <cstdlib>
#include <functional>
#include <set>

#include <caf/all.hpp>

#include "weak_send.hpp"

namespace strata::actors {

namespace {

using self_ptr = coordinator_actor::stateful_pointer<CoordinatorState>;
using Round = CoordinatorState::Round;
using Settlement = CoordinatorState::Settlement;

[[noreturn]] void crash_now() {
  std::raise(SIGKILL);
  std::abort();
}

CommitDecision decision_of(const TxnTicket& t, uint64_t outcome) {
  return CommitDecision{t.id, outcome, t.participants};
}

// Finds the space actor of `space` through the branch (spawning it if it is
// not running) and calls `found` with it, or `failed` with the error.
template <class Found, class Failed>
void with_space(self_ptr self, const std::string& space, Found found, Failed failed) {
  self->request(caf::actor_cast<branch_actor>(self->state.branch), caf::infinite,
                space_resolve_atom::value, space)
      .then(std::move(found), std::move(failed));
}

// Returns a function to call once per participant with whether it did what
// it was told; after `n` calls it calls done(all of them did). At once when
// n is 0.
std::function<void(bool)> countdown(size_t n, std::function<void(bool)> done) {
  if (n == 0) {
    done(true);
    return [](bool) {};
  }
  auto left = std::make_shared<size_t>(n);
  auto all_ok = std::make_shared<bool>(true);
  return [left, all_ok, done = std::move(done)](bool ok) {
    *all_ok = *all_ok && ok;
    if (--*left == 0)
      done(*all_ok);
  };
}

// -- pausing (forks) ------------------------------------------------------------

// No commit in flight: every one decided so far is applied everywhere.
bool quiet(const CoordinatorState& st) {
  return st.rounds.empty() && st.settling.empty();
}

// A round or settlement ended: answers the pauses waiting for quiet.
void ended(self_ptr self) {
  auto& st = self->state;
  if (st.pause_waiters.empty() || !quiet(st))
    return;
  for (auto& [token, w] : st.pause_waiters)
    w.deliver(true);
  st.pause_waiters.clear();
}

// -- forgetting ---------------------------------------------------------------

using Batch = std::vector<CoordinatorState::Finished>;

void schedule_forget(self_ptr self) {
  auto& st = self->state;
  if (!st.forget_scheduled && !st.to_forget.empty()) {
    st.forget_scheduled = true;
    self->delayed_send(self, st.ctx->txn_forget_delay, forget_atom::value);
  }
}

// Queues a finished transaction: its intent, logged decision, records and
// (if `committed`) the participants' applied markers go once every
// participant's writes are surely on disk.
void forget_later(self_ptr self, const TxnTicket& t, bool committed) {
  self->state.to_forget.push_back({std::chrono::steady_clock::now(), t, committed});
  schedule_forget(self);
}

// The participants holding applied markers of `batch`, with their ids.
std::map<std::string, std::vector<uint64_t>> markers_of(const Batch& batch) {
  std::map<std::string, std::vector<uint64_t>> out;
  for (const auto& f : batch)
    if (f.committed)
      for (const auto& space : f.ticket.participants)
        out[space].push_back(f.ticket.id);
  return out;
}

// Step 3: the log's forgets are on disk (unless `err`): the participants
// drop their markers. A failed fsync leaves everything as it is on disk —
// the log can no longer vouch for anything, and recovery settles those
// transactions again after the next open.
void forget_synced(self_ptr self, uint64_t n, const caf::error& err) {
  auto& st = self->state;
  auto it = st.forgetting.find(n);
  if (it == st.forgetting.end())
    return;
  auto batch = std::move(it->second);
  st.forgetting.erase(it);
  if (err)
    return;
  if (crash_point(*st.ctx, CommitStep::CoordinatorAfterForgetSynced))
    crash_now();
  for (const auto& f : batch)
    st.decisions.erase(f.ticket.id);
  for (auto& [space, ids] : markers_of(batch))
    with_space(
        self, space,
        [self, ids = std::move(ids)](space_actor participant) {
          self->send(participant, txn_forget_atom::value, ids);
        },
        [](caf::error&) {});  // the markers stay: a few stray bytes
}

// Step 2: drops the batch's intents, decisions and records from the log,
// then has the log synced.
void forget_logged(self_ptr self, Batch batch) {
  auto& st = self->state;
  std::vector<CommitDecision> finished;
  for (const auto& f : batch)
    finished.push_back(decision_of(f.ticket, f.ticket.commit_ts));
  if (auto err = st.log->forget(finished))
    return;  // left on disk: settled again after the next open
  if (crash_point(*st.ctx, CommitStep::CoordinatorAfterForgetWritten))
    crash_now();
  auto n = ++st.forget_batches;
  st.forgetting.emplace(n, std::move(batch));
  if (!st.log_sync) {
    forget_synced(self, n, st.log->sync());
    return;
  }
  st.log_sync->after_sync([me = detail::weak_self(self), n](const caf::error& err) {
    detail::send_if_alive<coordinator_actor>(me, forget_atom::value, n, err);
  });
}

// Forgets the transactions finished a second ago or more, in three steps,
// each once the one before is on disk: (1) every participant that applied
// one of them syncs its store (an apply is not synced before the commit is
// acknowledged: the records stand for it); (2) the log drops their intents,
// decisions and records; (3) the participants drop their applied markers.
// So a record never goes while the apply it stands for could still be
// lost, and a marker never goes while its record could come back — also
// on power loss. After a failed step the rest stays on disk until the
// next open, whose recovery settles those transactions again.
void forget_due(self_ptr self) {
  auto& st = self->state;
  st.forget_scheduled = false;
  auto cutoff = std::chrono::steady_clock::now() - st.ctx->txn_forget_delay;
  Batch batch;
  while (!st.to_forget.empty() && st.to_forget.front().at <= cutoff) {
    batch.push_back(std::move(st.to_forget.front()));
    st.to_forget.pop_front();
  }
  schedule_forget(self);
  if (batch.empty())
    return;
  auto markers = markers_of(batch);
  // A participant that cannot sync now may have lost the apply (its
  // fsync failed, and its store was reopened): the batch stays on disk, to
  // be settled again after the next open, rather than trusting the
  // reopened store's first fsync.
  auto synced = countdown(markers.size(), [self, batch](bool all_ok) {
    if (all_ok)
      forget_logged(self, batch);
  });
  for (const auto& entry : markers)
    with_space(
        self, entry.first,
        [self, synced](space_actor participant) {
          self->request(participant, caf::infinite, txn_flush_atom::value)
              .then([synced](bool) { synced(true); }, [synced](caf::error&) { synced(false); });
        },
        [synced](caf::error&) { synced(false); });
}

// -- commit rounds --------------------------------------------------------------

// Every participant of `t` was told `outcome`. If all applied (or
// discarded) it, the transaction is forgotten once their writes are surely
// on disk. One that could not keeps its PREPARED record and asks again when
// it reopens; the outcome is logged so that it stands after the other
// participants' markers are gone.
void told_all(self_ptr self, const TxnTicket& t, uint64_t outcome, bool all_ok) {
  auto& st = self->state;
  if (all_ok) {
    forget_later(self, t, outcome != 0);
    return;
  }
  if (st.decisions.count(t.id) == 0) {
    (void)st.log->log({decision_of(t, outcome)});
    st.decisions[t.id] = outcome;
  }
}

// Tells one participant the outcome of transaction `id`; acked(whether it
// applied or discarded it).
void tell(self_ptr self, const space_actor& participant, uint64_t id, uint64_t outcome,
          const std::function<void(bool)>& acked) {
  self->request(participant, caf::infinite, txn_decide_atom::value, id, outcome)
      .then([acked](bool) { acked(true); }, [acked](caf::error&) { acked(false); });
}

// Tells every participant of a round the outcome; acked(ok) per answer.
void tell_round(self_ptr self, const std::shared_ptr<Round>& round, uint64_t outcome,
                std::function<void(bool)> acked) {
  for (auto& part : round->parts)
    tell(self, caf::actor_cast<space_actor>(part.participant), round->ticket.id, outcome, acked);
}

void send_commit(self_ptr self, const std::shared_ptr<Round>& round) {
  auto acked = countdown(round->parts.size(), [self, round](bool all_ok) {
    auto& st = self->state;
    const auto& t = round->ticket;
    told_all(self, t, t.commit_ts, all_ok);
    st.clock->end_commit(t.commit_ts);
    // Only now: a read that follows the caller's hearing of its commit
    // must find it applied in every space, plain reads included.
    round->reply.deliver(t.commit_ts);
    st.rounds.erase(t.id);
    ended(self);
  });
  tell_round(self, round, round->ticket.commit_ts, [self, round, acked](bool ok) {
    if (ok && ++round->applied == 1 &&
        crash_point(*self->state.ctx, CommitStep::CoordinatorAfterFirstApply))
      crash_now();
    acked(ok);
  });
}

void abort_round(self_ptr self, const std::shared_ptr<Round>& round) {
  auto& st = self->state;
  const auto& t = round->ticket;
  if (st.log_sync)
    st.log_sync->forget(t.id);
  caf::error reply = round->failure;
  bool durable = !round->unclean_no;
  if (round->unclean_no) {
    // A participant that failed (a sync error, a crashed actor) may hold a
    // PREPARED record anyway; with every other participant prepared, the
    // records would read as a commit. A logged abort overrides them.
    if (auto err = st.log->log({decision_of(t, 0)})) {
      reply = make_error(errc::Io, "transaction failed and its abort could not be logged (" +
                                       message_of(err) +
                                       "); the outcome is settled when the database reopens");
    } else {
      st.decisions[t.id] = 0;
      durable = true;
    }
  }
  for (auto& w : round->waiters)
    durable ? w.deliver(uint64_t{0}) : w.deliver(reply);
  round->waiters.clear();
  tell_round(self, round, 0, countdown(round->parts.size(), [self, t](bool all_ok) {
               told_all(self, t, 0, all_ok);
             }));
  st.clock->end_commit(t.commit_ts);
  round->reply.deliver(reply);
  st.rounds.erase(t.id);
  ended(self);
}

void on_vote(self_ptr self, const std::shared_ptr<Round>& round, caf::error vote) {
  auto& st = self->state;
  if (vote) {
    // The commit aborts: the other participants' records need not wait
    // for this one's on the log's fsync (their votes still count).
    if (!round->failure && st.log_sync)
      st.log_sync->settle(round->ticket.id);
    if (!is(vote, errc::TransactionConflict))
      round->unclean_no = true;
    if (!round->failure)
      round->failure = std::move(vote);
  }
  if (++round->answered == 1 && crash_point(*st.ctx, CommitStep::CoordinatorAfterFirstVote))
    crash_now();
  if (round->answered < round->parts.size())
    return;
  if (round->failure) {
    abort_round(self, round);
    return;
  }
  // Every participant durably logged PREPARED with the ticket: committed.
  round->decided = true;
  if (crash_point(*st.ctx, CommitStep::CoordinatorAfterDecision))
    crash_now();
  auto ts = round->ticket.commit_ts;
  for (auto& w : round->waiters)
    w.deliver(ts);
  round->waiters.clear();
  send_commit(self, round);
}

// Starts the two-phase commit of `parts`, answering `rp`.
void start_round(self_ptr self, std::vector<TxnPart> parts, CoordinatorState::reply_promise rp) {
  auto& st = self->state;
  if (crash_point(*st.ctx, CommitStep::CoordinatorBeforePrepare))
    crash_now();
  auto round = std::make_shared<Round>();
  round->parts = std::move(parts);
  auto& t = round->ticket;
  t.id = st.clock->next();
  for (auto& part : round->parts)
    t.participants.push_back(part.space);
  t.commit_ts = st.clock->begin_commit(t.participants);
  if (auto err = st.log->note_intent(decision_of(t, t.commit_ts))) {
    st.clock->end_commit(t.commit_ts);
    rp.deliver(err);
    return;
  }
  round->reply = std::move(rp);
  st.rounds.emplace(t.id, round);
  for (auto& part : round->parts) {
    self->request(caf::actor_cast<space_actor>(part.participant), caf::infinite,
                  txn_prepare_atom::value, round->ticket, std::move(part.work))
        .then([=](bool) { on_vote(self, round, caf::error{}); },
              [=](caf::error& err) { on_vote(self, round, std::move(err)); });
  }
}

// -- settling from the participants' records ------------------------------------

void end_settlement(self_ptr self, const std::shared_ptr<Settlement>& s) {
  auto& st = self->state;
  if (s->ticket.commit_ts != 0)
    st.clock->end_commit(s->ticket.commit_ts);
  st.settling.erase(s->ticket.id);
  if (st.settling.empty()) {
    for (auto& w : st.recovery_waiters)
      w.deliver(true);
    st.recovery_waiters.clear();
  }
  ended(self);
}

// Tells every participant the outcome (applying and discarding are
// idempotent, so those that already did are unaffected).
void conclude(self_ptr self, const std::shared_ptr<Settlement>& s, uint64_t outcome) {
  s->outcome = outcome;
  for (auto& w : s->waiters)
    w.deliver(outcome);
  s->waiters.clear();
  auto acked = countdown(s->ticket.participants.size(), [self, s](bool all_ok) {
    told_all(self, s->ticket, *s->outcome, all_ok);
    end_settlement(self, s);
  });
  for (const auto& space : s->ticket.participants)
    with_space(
        self, space,
        [self, s, outcome, acked](space_actor participant) {
          tell(self, participant, s->ticket.id, outcome, acked);
        },
        [acked](caf::error&) { acked(false); });
}

// Settles transaction `t`: with a known outcome (a logged decision), or by
// asking every participant whether it holds the transaction's PREPARED
// record or applied marker (a dropped space answers from the commit
// decision its drop logged) — all of them: committed; any not: aborted (a
// participant that never prepared never will: prepares do not outlive the
// round that sent them).
std::shared_ptr<Settlement> settle(self_ptr self, TxnTicket t, std::optional<uint64_t> known) {
  auto& st = self->state;
  auto s = std::make_shared<Settlement>();
  s->ticket = std::move(t);
  st.settling[s->ticket.id] = s;
  if (s->ticket.commit_ts != 0)
    st.clock->observe_in_flight(s->ticket.commit_ts, s->ticket.participants);
  if (known || s->ticket.participants.empty()) {
    conclude(self, s, known.value_or(0));
    return s;
  }
  auto failed = [self, s](caf::error& err) {
    // Left in doubt: the participant asks again when it reopens.
    if (s->done)
      return;
    s->done = true;
    for (auto& w : s->waiters)
      w.deliver(err);
    s->waiters.clear();
    end_settlement(self, s);
  };
  auto n = s->ticket.participants.size();
  for (const auto& space : s->ticket.participants)
    with_space(
        self, space,
        [self, s, n, failed](space_actor participant) {
          self->request(participant, caf::infinite, txn_status_atom::value, s->ticket.id)
              .then(
                  [self, s, n](uint64_t status) {
                    if (s->done)
                      return;
                    if (status == txn_status_unknown)
                      s->all_prepared = false;
                    if (++s->answered == n)
                      conclude(self, s, s->all_prepared ? s->ticket.commit_ts : 0);
                  },
                  failed);
        },
        failed);
  return s;
}

// Settles everything the log holds from before a restart: decisions as
// logged, intents from the participants' records.
void recover(self_ptr self) {
  auto& st = self->state;
  auto decisions = st.log->pending();
  if (!decisions) {
    st.open_error = std::move(decisions.error());
    return;
  }
  auto intents = st.log->intents();
  if (!intents) {
    st.open_error = std::move(intents.error());
    return;
  }
  std::set<uint64_t> decided;
  for (auto& d : *decisions) {
    decided.insert(d.txn_id);
    settle(self, TxnTicket{d.txn_id, d.commit_ts, d.participants}, d.commit_ts);
  }
  for (auto& i : *intents)
    if (decided.count(i.txn_id) == 0)
      settle(self, TxnTicket{i.txn_id, i.commit_ts, i.participants}, std::nullopt);
}

}  // namespace

CoordinatorState::~CoordinatorState() {
  auto closed = [this](const char* what) {
    return make_error(errc::BranchClosed, "branch \"" + branch_name + "\" stopped " + what);
  };
  for (auto& [id, round] : rounds) {
    // A round is in the map until its reply went out.
    if (round->decided) {
      round->reply.deliver(round->ticket.commit_ts);
      continue;
    }
    auto err = closed("during the commit; its outcome is settled when the branch opens again");
    round->reply.deliver(err);
    for (auto& w : round->waiters)
      w.deliver(err);
  }
  for (auto& [id, settlement] : settling)
    for (auto& w : settlement->waiters)
      w.deliver(closed("before the transaction was settled"));
  for (auto& w : recovery_waiters)
    w.deliver(closed("before its recovery finished"));
  for (auto& [token, w] : pause_waiters)
    w.deliver(closed("while a fork waited for its commits"));
  for (auto& [parts, rp] : held_commits)
    rp.deliver(closed("before the commit started (a fork held it back)"));
}

coordinator_actor::behavior_type coordinator_behavior(self_ptr self,
                                                      std::shared_ptr<const DatabaseContext> ctx,
                                                      std::shared_ptr<store::CommitClock> clock,
                                                      std::string branch_name, caf::actor branch,
                                                      std::shared_ptr<store::TxnLog> log,
                                                      std::shared_ptr<SharedSyncLane> log_sync,
                                                      caf::error log_error) {
  self->set_exception_handler(exception_error);
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.clock = std::move(clock);
  st.branch = std::move(branch);
  st.branch_name = branch_name;
  st.log = std::move(log);
  st.log_sync = std::move(log_sync);
  st.open_error = std::move(log_error);
  if (!st.open_error)
    recover(self);
  return {
    [=](txn_commit_atom, std::vector<TxnPart>& parts) -> caf::result<uint64_t> {
      auto& st = self->state;
      if (st.open_error)
        return st.open_error;
      auto rp = self->make_response_promise<uint64_t>();
      if (!st.pauses.empty())
        st.held_commits.emplace_back(std::move(parts), rp);
      else
        start_round(self, std::move(parts), rp);
      return rp;
    },
    [=](txn_pause_atom, uint64_t token) -> caf::result<bool> {
      auto& st = self->state;
      st.pauses.insert(token);
      if (quiet(st))
        return true;
      auto rp = self->make_response_promise<bool>();
      st.pause_waiters.emplace(token, rp);
      return rp;
    },
    [=](txn_resume_atom, uint64_t token) {
      auto& st = self->state;
      st.pauses.erase(token);
      if (auto it = st.pause_waiters.find(token); it != st.pause_waiters.end()) {
        it->second.deliver(make_error(errc::Internal, "pause withdrawn"));
        st.pause_waiters.erase(it);
      }
      if (!st.pauses.empty())
        return;
      auto held = std::move(st.held_commits);
      st.held_commits.clear();
      for (auto& [parts, rp] : held)
        start_round(self, std::move(parts), rp);
    },
    [=](forget_atom) { forget_due(self); },
    [=](forget_atom, uint64_t n, const caf::error& err) { forget_synced(self, n, err); },
    [=](recover_atom) -> caf::result<bool> {
      auto& st = self->state;
      if (st.open_error)
        return st.open_error;
      if (st.settling.empty())
        return true;
      auto rp = self->make_response_promise<bool>();
      st.recovery_waiters.push_back(rp);
      return rp;
    },
    [=](txn_resolve_atom, const TxnTicket& t) -> caf::result<uint64_t> {
      auto& st = self->state;
      if (st.open_error)
        return st.open_error;
      if (auto it = st.rounds.find(t.id); it != st.rounds.end()) {
        if (it->second->decided)
          return it->second->ticket.commit_ts;
        auto rp = self->make_response_promise<uint64_t>();
        it->second->waiters.push_back(rp);
        return rp;
      }
      if (auto it = st.decisions.find(t.id); it != st.decisions.end())
        return it->second;
      if (auto it = st.settling.find(t.id); it != st.settling.end()) {
        if (it->second->outcome)
          return *it->second->outcome;
        auto rp = self->make_response_promise<uint64_t>();
        it->second->waiters.push_back(rp);
        return rp;
      }
      auto rp = self->make_response_promise<uint64_t>();
      settle(self, t, std::nullopt)->waiters.push_back(rp);
      return rp;
    },
  };
}

}  // namespace strata::actors
