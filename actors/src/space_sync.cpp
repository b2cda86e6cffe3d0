// The space actor's fsyncs (space_internal.hpp): group syncs of its store
// on the database's sync worker, and votes waiting for the branch's
// transaction log.

#include "space_internal.hpp"

#include "weak_send.hpp"

namespace strata::actors::space {

namespace {

using SyncReplies = std::vector<std::function<void(const caf::error&)>>;

// Delivers the outcome of an fsync. A failed fsync leaves acknowledged
// writes in the OS only: the actor stops, so that the supervisor reopens
// the store and callers see the failure instead of silently losing
// durability.
void synced(self_ptr self, SyncReplies replies, const caf::error& err) {
  for (auto& reply : replies)
    reply(err);
  if (!err)
    return;
  // Nothing written here from now on is acknowledged: the replies still
  // waiting for a later fsync, and the requests waiting for a prepared
  // transaction's decision, get this error as the actor stops
  // (~SpaceState).
  self->state.stop_error = err;
  self->quit(err);
}

}  // namespace

// Replies once the writes made so far are on stable storage. Always-mode
// commits (and txn_flush requests) arriving together share one fsync: the
// sync request queues behind them in the mailbox. (Votes wait for the
// branch's transaction log instead: vote_after_log_sync.)
void after_group_sync(self_ptr self, std::function<void(const caf::error&)> reply) {
  auto& st = self->state;
  st.awaiting_sync.push_back(std::move(reply));
  if (!st.group_sync_scheduled) {
    st.group_sync_scheduled = true;
    self->send(self, group_sync_atom::value);
  }
}


// Syncs every write made so far, then answers the replies waiting for it.
// Inline when exactly one reply waits, nothing else is queued and no fsync
// is in flight (a lone committer: no thread hand-off on its path).
// Otherwise on the space's sync lane, so that the requests queued
// meanwhile are served while the disk flushes; their writes join the next
// fsync, which the lane starts as soon as the one in flight ends.
void start_sync(self_ptr self) {
  auto& st = self->state;
  auto replies = std::move(st.awaiting_sync);
  st.awaiting_sync.clear();
  const auto& syncer = st.args.ctx->syncer;
  bool in_flight = st.lane && st.lane->busy();
  bool lone = replies.size() == 1 && self->mailbox().empty() && !in_flight;
  if (!syncer || !st.store || lone) {
    synced(self, std::move(replies), st.store ? st.store->sync() : caf::error{});
    return;
  }
  auto job = st.store->sync_job();
  if (!job && !in_flight) {
    // Nothing written since the last fsync, and that one has finished.
    synced(self, std::move(replies), caf::error{});
    return;
  }
  if (!st.lane) {
    // The job syncs the store's directory, which never changes. The lane
    // holds the actor weakly: it is the actor's state that owns the lane.
    st.lane = std::make_shared<SyncLane>(*syncer, [job, me = detail::weak_self(self)](uint64_t n) {
      auto err = job();
      detail::send_if_alive<space_actor>(me, synced_atom::value, n, err);
      return !err;
    });
  }
  auto n = ++st.sync_requests;
  for (auto& reply : replies)
    st.syncing.emplace_back(n, std::move(reply));
  st.lane->request(n);
}

void synced_through(self_ptr self, uint64_t covered, const caf::error& err) {
  auto& st = self->state;
  SyncReplies replies;
  while (!st.syncing.empty() && st.syncing.front().first <= covered) {
    replies.push_back(std::move(st.syncing.front().second));
    st.syncing.pop_front();
  }
  synced(self, std::move(replies), err);
}

void log_synced(self_ptr self, uint64_t n, const caf::error& err) {
  auto& st = self->state;
  auto it = st.log_syncing.find(n);
  if (it == st.log_syncing.end())
    return;
  auto reply = std::move(it->second);
  st.log_syncing.erase(it);
  reply(err);
}

// Votes yes once the branch's transaction log is on stable storage up to
// this participant's PREPARED record. The other participants of the commit
// (and of the commits in flight meanwhile) log theirs in the same file, so
// one fsync on the branch's shared lane serves them all. A failed fsync
// votes no with the error: the coordinator then logs the abort, which
// overrides whatever records reached the disk.
void vote_after_log_sync(self_ptr self, const TxnTicket& ticket,
                         caf::typed_response_promise<bool> rp) {
  auto& st = self->state;
  auto vote = [rp](const caf::error& err) mutable { err ? rp.deliver(err) : rp.deliver(true); };
  if (!st.args.txn_sync) {
    vote(st.args.txn_log->sync());
    return;
  }
  auto n = ++st.log_sync_requests;
  st.log_syncing.emplace(n, std::move(vote));
  // Held weakly like the space's own lane: the vote is lost with the actor
  // (~SpaceState answers it).
  st.args.txn_sync->after_sync(ticket.id, ticket.participants.size(),
                               [me = detail::weak_self(self), n](const caf::error& err) {
                                 detail::send_if_alive<space_actor>(me, log_synced_atom::value, n,
                                                                    err);
                               });
}

}  // namespace strata::actors::space
