// Two-phase commit walked one message at a time on CAF's deterministic
// scheduler: the coordinator's and the participants' state after every
// step, and a participant or the coordinator crashing, a read, a write, a
// drop or a fork arriving between any two messages. docs/architecture.md
// ("Transactions: states and transitions") names the test of each
// transition.

#include <boost/test/unit_test.hpp>

#include <map>

#include "../raw_db.hpp"
#include "deterministic.hpp"

using namespace strata;
using actors::CoordinatorState;
using actors::SpaceState;
using actors::txn_status_applied;
using actors::txn_status_prepared;
using actors::txn_status_unknown;

namespace {

TxnOp put_op(const std::string& key, Value v) {
  TxnOp op;
  op.kind = TxnOpKind::KvPut;
  op.key = key;
  op.value = std::move(v);
  return op;
}

struct Walk : test::Deterministic {
  actors::space_actor a = space("a");
  actors::space_actor b = space("b");
  actors::coordinator_actor coord = coordinator();

  store::CommitClock& clock() { return *state_of<actors::BranchState>(branch).clock; }
  uint64_t snapshot() { return clock().last(); }

  /// A transaction writing `key` in both spaces.
  std::vector<TxnPart> both(const std::string& va, const std::string& vb,
                            const std::string& key = "k") {
    std::vector<TxnPart> parts(2);
    parts[0] = {"a", caf::actor_cast<caf::actor>(a), TxnWork{snapshot(), {}, {put_op(key, Value{va})}}};
    parts[1] = {"b", caf::actor_cast<caf::actor>(b), TxnWork{snapshot(), {}, {put_op(key, Value{vb})}}};
    return parts;
  }

  auto commit(std::vector<TxnPart> parts) {
    return (*me)->request(coord, caf::infinite, txn_commit_atom::value, std::move(parts));
  }

  /// kv_get of `key` in `space`, run to its answer.
  std::string get(const actors::space_actor& space, const std::string& key) {
    auto h = (*me)->request(space, caf::infinite, kv_get_atom::value, key);
    drain();
    auto r = take<MaybeVersioned>(h);
    BOOST_REQUIRE(r);
    if (!r->found)
      return "(nil)";
    return r->value.value.as_str() ? *r->value.value.as_str() : "(not a string)";
  }

  /// The space actor of `space`, asking the branch and nothing else.
  actors::space_actor space_now(const std::string& name) {
    auto h = (*me)->request(branch, caf::infinite, space_resolve_atom::value, name);
    while (!has_mail(me->ptr()))
      step_any(branch);  // registrations queued before the request
    auto r = take<actors::space_actor>(h);
    BOOST_REQUIRE(r);
    return *r;
  }

  /// Every actor of the branch dies at once, whatever waits in their
  /// mailboxes (what killing the process does); the branch then restarts
  /// from what is on disk.
  void crash_process() {
    crash(a);
    crash(b);
    crash(coord);
    drain();
    start_branch();
    a = space("a");
    b = space("b");
    coord = coordinator();
  }

  /// Neither space holds k: the transaction is gone everywhere.
  void in_neither() {
    BOOST_TEST(get(a, "k") == "(nil)");
    BOOST_TEST(get(b, "k") == "(nil)");
  }
  /// Both spaces hold the transaction's k.
  void in_both(const std::string& va, const std::string& vb) {
    BOOST_TEST(get(a, "k") == va);
    BOOST_TEST(get(b, "k") == vb);
  }

  uint64_t status(const actors::space_actor& space, uint64_t txn) {
    auto h = (*me)->request(space, caf::infinite, txn_status_atom::value, txn);
    drain();
    auto r = take<uint64_t>(h);
    BOOST_REQUIRE(r);
    return *r;
  }

  static SpaceState& st(const actors::space_actor& s) { return state_of<SpaceState>(s); }
  CoordinatorState& cst() { return state_of<CoordinatorState>(coord); }

  /// The one round in flight.
  CoordinatorState::Round& round() {
    BOOST_REQUIRE_EQUAL(cst().rounds.size(), 1u);
    return *cst().rounds.begin()->second;
  }

  /// Runs the prepare phase of `parts` to the point where both votes wait
  /// in the coordinator's mailbox; returns the transaction id.
  uint64_t prepare_both() {
    step<txn_commit_atom>(coord);  // intent noted, prepares sent
    auto id = round().ticket.id;
    step<txn_prepare_atom>(a);
    step<txn_prepare_atom>(b);
    BOOST_TEST(st(a).txns.contains(id));
    BOOST_TEST(st(b).txns.contains(id));
    return id;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(two_phase_commit, Walk)

// idle -> preparing -> prepared (each participant) -> decided -> applied
// -> replied. Reads of a held entry wait for the decision to be applied.
BOOST_AUTO_TEST_CASE(all_yes_commits_one_message_at_a_time) {
  auto h = commit(both("a1", "b1"));
  step<txn_commit_atom>(coord);
  auto& r = round();
  auto id = r.ticket.id;
  auto ts = r.ticket.commit_ts;
  BOOST_TEST(r.ticket.participants == (std::vector<std::string>{"a", "b"}));
  BOOST_TEST(!r.decided);
  // The commit timestamp is in flight: a snapshot at it waits for it.
  BOOST_TEST(clock().owes("a", ts));
  BOOST_TEST(next_is<txn_prepare_atom>(a));
  BOOST_TEST(next_is<txn_prepare_atom>(b));

  step<txn_prepare_atom>(a);  // validated, PREPARED logged and synced, k held
  BOOST_TEST(st(a).txns.contains(id));
  BOOST_TEST(st(a).txns.is_held({Primitive::Kv, "k"}));
  BOOST_TEST(next_is<bool>(coord));  // the yes vote

  // A plain read of the held entry waits for the decision.
  auto read = (*me)->request(a, caf::infinite, kv_get_atom::value, std::string("k"));
  step<kv_get_atom>(a);
  BOOST_TEST(!has_mail(me->ptr()));
  BOOST_TEST(st(a).deferred.size() == 1u);
  BOOST_TEST(st(b).txns.empty());  // b has not seen it yet

  step<txn_prepare_atom>(b);
  step<bool>(coord);  // first vote
  BOOST_TEST(!round().decided);
  step<bool>(coord);  // second vote: the commit point
  BOOST_TEST(round().decided);
  BOOST_TEST(next_is<txn_decide_atom>(a));
  BOOST_TEST(next_is<txn_decide_atom>(b));
  BOOST_TEST(!has_mail(me->ptr()));  // the caller waits for the applies

  step<txn_decide_atom>(a);  // applied, k released, the read answered
  BOOST_TEST(st(a).txns.empty());
  BOOST_TEST(st(a).txns.none_held());
  auto got = take<MaybeVersioned>(read);
  BOOST_REQUIRE(got);
  BOOST_TEST(got->found);
  BOOST_TEST((got->value.value == Value{"a1"}));
  BOOST_TEST(st(b).txns.contains(id));

  step<txn_decide_atom>(b);
  step<bool>(coord);  // a applied
  BOOST_TEST(!has_mail(me->ptr()));
  step<bool>(coord);  // b applied: the caller hears of its commit
  auto done = take<uint64_t>(h);
  BOOST_REQUIRE(done);
  BOOST_TEST(*done == ts);
  BOOST_TEST(cst().rounds.empty());
  BOOST_TEST(!clock().owes("a", ts));
  BOOST_TEST(cst().to_forget.size() == 1u);
  BOOST_TEST(get(b, "k") == "b1");
}


// prepared -> vote no: a participant whose validation fails votes no; the
// others discard what they prepared and the caller hears why. A clean no
// (a conflict) leaves no record behind, so no abort is logged.
BOOST_AUTO_TEST_CASE(a_no_vote_aborts_and_the_other_participant_discards) {
  // b's work sets a cell only if it is at version 5: it is absent.
  auto parts = both("a1", "b1");
  TxnOp cas;
  cas.kind = TxnOpKind::StateCas;
  cas.key = "cell";
  cas.value = Value{int64_t{1}};
  cas.has_expected = true;
  cas.expected = 5;
  parts[1].work.ops = {cas};
  auto h = commit(std::move(parts));
  uint64_t id = 0;
  step<txn_commit_atom>(coord);
  id = round().ticket.id;
  step<txn_prepare_atom>(a);
  step<txn_prepare_atom>(b);
  BOOST_TEST(st(a).txns.contains(id));
  BOOST_TEST(st(b).txns.empty());  // voted no: nothing logged or held
  step<bool>(coord);                   // a: yes
  step<caf::error>(coord);             // b: no -> abort
  BOOST_TEST(cst().rounds.empty());
  BOOST_TEST(cst().decisions.empty());  // a clean no logs nothing
  auto done = take<uint64_t>(h);
  BOOST_REQUIRE(!done);
  BOOST_TEST_MESSAGE("vote: " << caf::to_string(done.error()));
  BOOST_TEST(is(done.error(), errc::TransactionConflict));
  step<txn_decide_atom>(a);  // discard
  BOOST_TEST(st(a).txns.empty());
  BOOST_TEST(st(a).txns.none_held());
  drain();
  BOOST_TEST(get(a, "k") == "(nil)");
  BOOST_TEST(status(a, id) == txn_status_unknown);
  BOOST_TEST(cst().to_forget.size() == 1u);
}

// prepared -> (participant restarts) -> in doubt -> resolve waits for the
// round -> decided -> applied by the new actor. The decide sent to the
// dead actor bounces, so the coordinator logs the decision for it.
BOOST_AUTO_TEST_CASE(a_participant_restarting_after_its_vote_applies_the_decision) {
  auto h = commit(both("a1", "b1"));
  auto id = prepare_both();
  crash(a);
  step<caf::down_msg>(branch);  // the supervisor starts a new actor
  auto a2 = space_now("a");
  BOOST_REQUIRE(a2 != a);
  run_start(a2);
  // Its first open found the PREPARED record without an applied marker:
  // in doubt, the entry held, the coordinator asked.
  BOOST_TEST(st(a2).txns.contains(id));
  BOOST_TEST(st(a2).txns.is_held({Primitive::Kv, "k"}));
  BOOST_TEST(next_is<bool>(coord));  // the old actor's vote came first
  step<bool>(coord);
  step<bool>(coord);  // decided; the decide to the dead actor bounces
  BOOST_TEST(round().decided);
  step<txn_resolve_atom>(coord);  // answered at once: committed
  step<uint64_t>(a2);             // applies it
  BOOST_TEST(st(a2).txns.empty());
  drain();
  auto done = take<uint64_t>(h);
  BOOST_REQUIRE(done);
  BOOST_TEST(get(a2, "k") == "a1");
  BOOST_TEST(get(b, "k") == "b1");
  // One decide bounced: the decision is logged until a is told again.
  BOOST_TEST(cst().decisions.count(id) == 1u);
}

// preparing -> (participant down before its prepare) -> vote no, unclean:
// the abort is logged, since a failed participant might hold a record.
BOOST_AUTO_TEST_CASE(a_participant_down_before_its_prepare_aborts_with_a_logged_abort) {
  auto h = commit(both("a1", "b1"));
  crash(a);                       // a is gone before the commit starts
  step<txn_commit_atom>(coord);   // the prepare to a bounces at once
  auto id = round().ticket.id;
  step<txn_prepare_atom>(b);
  drain();
  auto done = take<uint64_t>(h);
  BOOST_REQUIRE(!done);
  BOOST_TEST(cst().decisions.count(id) == 1u);
  BOOST_TEST(cst().decisions[id] == 0u);
  auto a2 = space("a");
  BOOST_TEST(st(a2).txns.empty());
  BOOST_TEST(st(b).txns.empty());
  BOOST_TEST(get(a2, "k") == "(nil)");
  BOOST_TEST(get(b, "k") == "(nil)");
}

// A transaction meeting an entry held by an older prepared one waits for
// its decision and is validated after it (a blind write does not
// conflict): the entry's versions stay in timestamp order.
BOOST_AUTO_TEST_CASE(a_younger_prepare_waits_for_an_older_holder) {
  auto first = commit(both("a1", "b1"));
  step<txn_commit_atom>(coord);
  auto first_id = round().ticket.id;
  step<txn_prepare_atom>(a);  // first holds a's k
  auto second = commit(both("a2", "b2"));
  step<bool>(coord);  // first's vote from a
  step<txn_commit_atom>(coord);
  BOOST_TEST(cst().rounds.size() == 2u);
  step<txn_prepare_atom>(a);  // second's prepare in a: waits for first
  BOOST_TEST(st(a).deferred.size() == 1u);
  BOOST_TEST(st(a).txns.size() == 1u);
  step<txn_prepare_atom>(b);  // first's in b
  step<bool>(coord);          // first decided
  step<txn_decide_atom>(a);   // first applied in a; second prepares there
  BOOST_TEST(st(a).txns.size() == 1u);
  BOOST_TEST(!st(a).txns.contains(first_id));
  drain();
  BOOST_TEST(take<uint64_t>(first).engaged());
  BOOST_TEST(take<uint64_t>(second).engaged());
  in_both("a2", "b2");
}

// An older transaction meeting an entry a younger one holds votes no:
// waits only go from younger to older, so they never form a cycle across
// spaces.
BOOST_AUTO_TEST_CASE(an_older_prepare_meeting_a_younger_holder_votes_no) {
  auto h = commit(both("a1", "b1"));
  step<txn_commit_atom>(coord);
  auto ts = round().ticket.commit_ts;
  step<txn_prepare_atom>(a);  // holds k at ts
  TxnTicket older{clock().next(), ts - 1, {"a"}};
  auto late = (*me)->request(a, caf::infinite, txn_prepare_atom::value, older,
                             TxnWork{snapshot(), {}, {put_op("k", Value{"late"})}});
  step<txn_prepare_atom>(a);
  auto vote = take<bool>(late);
  BOOST_REQUIRE(!vote);
  BOOST_TEST(is(vote.error(), errc::TransactionConflict));
  BOOST_TEST(st(a).txns.size() == 1u);
  drain();
  BOOST_TEST(take<uint64_t>(h).engaged());
  BOOST_TEST(get(a, "k") == "a1");
}

// A direct write and a one-phase commit meeting an entry an older
// prepared transaction holds wait for its decision, then run after it (the
// entry's versions stay in timestamp order).
BOOST_AUTO_TEST_CASE(direct_writes_and_one_phase_commits_wait_for_the_holder) {
  auto h = commit(both("a1", "b1"));
  auto id = prepare_both();
  auto put = (*me)->request(a, caf::infinite, kv_put_atom::value, std::string("k"), Value{"direct"});
  step<kv_put_atom>(a);
  TxnWork one{snapshot(), {}, {put_op("k", Value{"one-phase"})}};
  auto c1 = (*me)->request(a, caf::infinite, txn_commit1_atom::value, one);
  step<txn_commit1_atom>(a);
  BOOST_TEST(st(a).deferred.size() == 2u);
  BOOST_TEST(!has_mail(me->ptr()));
  step<bool>(coord);
  step<bool>(coord);
  step<txn_decide_atom>(a);  // applied: the two waiting writes run, in order
  BOOST_TEST(st(a).deferred.empty());
  auto v_put = take<WriteInfo>(put);
  auto v_one = take<uint64_t>(c1);
  BOOST_REQUIRE(v_put);
  BOOST_REQUIRE(v_one);
  BOOST_TEST((*v_put).version == 2u);  // version 1 is the transaction's
  drain();
  BOOST_TEST(take<uint64_t>(h).engaged());
  BOOST_TEST(get(a, "k") == "one-phase");
  BOOST_TEST(status(a, id) == txn_status_applied);
}

// A drop arriving while a transaction is prepared waits for its decision;
// meanwhile a new prepare votes no so that traffic cannot starve it.
BOOST_AUTO_TEST_CASE(a_drop_waits_for_the_prepared_transaction) {
  auto h = commit(both("a1", "b1"));
  prepare_both();
  auto drop = (*me)->request(a, caf::infinite, space_drop_atom::value, true);
  step<space_drop_atom>(a);
  BOOST_TEST(st(a).drops_waiting == 1);
  // A prepare arriving now (as a coordinator would send it) votes no.
  TxnTicket ticket{clock().next(), clock().next(), {"a"}};
  auto other = (*me)->request(a, caf::infinite, txn_prepare_atom::value, ticket,
                              TxnWork{snapshot(), {}, {put_op("x", Value{"x"})}});
  step<txn_prepare_atom>(a);
  auto refused = take<bool>(other);
  BOOST_REQUIRE(!refused);
  BOOST_TEST(message_of(refused.error()).find("being dropped") != std::string::npos);
  step<bool>(coord);
  step<bool>(coord);          // the first transaction is decided
  step<txn_decide_atom>(a);   // applied; the drop runs
  auto dropped = take<bool>(drop);
  BOOST_REQUIRE(dropped);
  BOOST_TEST(*dropped);
  drain();
  BOOST_TEST(take<uint64_t>(h).engaged());
  BOOST_TEST(get(a, "k") == "(nil)");  // dropped with the space
  BOOST_TEST(get(b, "k") == "b1");
}

// A copy of the space (a fork) waits like a drop: the prepared
// transaction's vote is not copied, so nothing in the fork could finish it.
BOOST_AUTO_TEST_CASE(a_copy_waits_for_the_prepared_transaction) {
  auto h = commit(both("a1", "b1"));
  prepare_both();
  auto copy = (*me)->request(a, caf::infinite, space_copy_atom::value,
                             ctx->root + std::string("/copy-of-a"));
  step<space_copy_atom>(a);
  BOOST_TEST(st(a).drops_waiting == 1);
  BOOST_TEST(!has_mail(me->ptr()));
  step<bool>(coord);
  step<bool>(coord);
  step<txn_decide_atom>(a);  // applied; the copy runs, with the commit in it
  auto copied = take<std::vector<uint64_t>>(copy);
  BOOST_REQUIRE(copied);
  BOOST_TEST(copied->size() == 1u);  // a store was there, with its records
  BOOST_TEST(st(a).drops_waiting == 0);
  drain();
  BOOST_TEST(take<uint64_t>(h).engaged());
}

// decided -> (participant restarts before its decide) -> in doubt ->
// resolve answered from the decision the coordinator logged when the
// decide bounced.
BOOST_AUTO_TEST_CASE(a_participant_restarting_before_its_decide_applies_it) {
  auto h = commit(both("a1", "b1"));
  auto id = prepare_both();
  step<bool>(coord);
  step<bool>(coord);  // decided: the decide waits in a's mailbox
  crash(a);           // ... and bounces
  step<caf::error>(coord);  // a's decide bounced
  step<txn_decide_atom>(b);
  step<bool>(coord);  // b applied: the caller hears of its commit, and the
                      // decision is logged for a
  BOOST_TEST(take<uint64_t>(h).engaged());
  BOOST_TEST(cst().decisions.count(id) == 1u);
  while (!next_is<caf::down_msg>(branch))
    step_any(branch);  // b's first write registered space "b"
  step<caf::down_msg>(branch);
  auto a2 = space_now("a");
  run_start(a2);  // in doubt: asks the coordinator
  BOOST_TEST(st(a2).txns.contains(id));
  step<txn_resolve_atom>(coord);  // from the logged decision
  step<uint64_t>(a2);
  BOOST_TEST(st(a2).txns.empty());
  drain();
  BOOST_TEST(get(a2, "k") == "a1");
  BOOST_TEST(status(a2, id) == txn_status_applied);
}

// A fork's pause arriving mid-round is answered once the round has ended;
// a commit arriving while paused waits for the resume.
BOOST_AUTO_TEST_CASE(a_pause_waits_for_the_round_and_holds_new_commits) {
  auto h = commit(both("a1", "b1"));
  prepare_both();
  auto pause = (*me)->request(coord, caf::infinite, txn_pause_atom::value, uint64_t{7});
  // The votes are ahead of the pause in the coordinator's mailbox.
  step<bool>(coord);
  step<bool>(coord);
  step<txn_pause_atom>(coord);
  BOOST_TEST(!has_mail(me->ptr()));  // the round is still applying
  step<txn_decide_atom>(a);
  step<txn_decide_atom>(b);
  step<bool>(coord);
  step<bool>(coord);  // the round ended: the caller, then the pause
  BOOST_TEST(take<uint64_t>(h).engaged());
  BOOST_TEST(take<bool>(pause).engaged());
  auto held = commit(both("a2", "b2"));
  step<txn_commit_atom>(coord);
  BOOST_TEST(cst().held_commits.size() == 1u);
  BOOST_TEST(cst().rounds.empty());
  BOOST_TEST(!has_mail(a));
  (*me)->send(coord, txn_resume_atom::value, uint64_t{7});
  step<txn_resume_atom>(coord);
  BOOST_TEST(next_is<txn_prepare_atom>(a));
  drain();
  BOOST_TEST(take<uint64_t>(held).engaged());
  BOOST_TEST(get(a, "k") == "a2");
}

// A snapshot read at or above a commit's timestamp in a space its prepare
// has not reached yet waits: the commit may already show elsewhere.
BOOST_AUTO_TEST_CASE(a_snapshot_read_waits_for_a_commit_the_space_owes) {
  auto h = commit(both("a1", "b1"));
  step<txn_commit_atom>(coord);
  auto ts = round().ticket.commit_ts;
  // Ahead of the prepare in b's mailbox? No: behind it. Ask a instead,
  // whose prepare has not been handled: the read is queued after it, so
  // hand a's prepare to a first and read b, which owes the commit.
  auto read = (*me)->request(b, caf::infinite, kv_get_at_atom::value, std::string("k"), ts);
  step<txn_prepare_atom>(b);
  step<kv_get_at_atom>(b);  // b prepared, undecided: behind
  BOOST_TEST(st(b).deferred.size() == 1u);
  step<txn_prepare_atom>(a);
  step<bool>(coord);
  step<bool>(coord);
  step<txn_decide_atom>(b);  // b applies: the read sees the commit
  auto got = take<MaybeVersioned>(read);
  BOOST_REQUIRE(got);
  BOOST_TEST(got->found);
  BOOST_TEST((got->value.value == Value{"b1"}));
  drain();
  BOOST_TEST(take<uint64_t>(h).engaged());
}

// decided -> forgotten, in three steps each after the one before is on
// disk: the participants sync (txn_flush), the log forgets, the
// participants drop their markers.
BOOST_AUTO_TEST_CASE(a_finished_commit_is_forgotten_in_three_steps) {
  auto h = commit(both("a1", "b1"));
  auto id = prepare_both();
  drain();
  BOOST_TEST(take<uint64_t>(h).engaged());
  BOOST_TEST(cst().to_forget.size() == 1u);
  cst().to_forget.front().at -= std::chrono::hours(2);  // due now
  (*me)->send(coord, forget_atom::value);
  step<forget_atom>(coord);  // step 1: asks the branch for the participants
  drain();
  BOOST_TEST(cst().to_forget.empty());
  BOOST_TEST(cst().forgetting.empty());
  BOOST_TEST(status(a, id) == txn_status_unknown);  // marker gone
  BOOST_TEST(status(b, id) == txn_status_unknown);
  BOOST_TEST(get(a, "k") == "a1");
}

// Forgotten commits leave nothing behind in the files: no record or
// intent in the branch's transaction log ('p', 'i', 'd'), no applied
// marker ('a') in the participants' stores — the three steps all ran.
BOOST_AUTO_TEST_CASE(forgotten_commits_leave_no_records_or_markers_in_the_files) {
  for (int i = 0; i < 20; ++i) {
    auto key = "k" + std::to_string(i);
    auto h = commit(both("a", "b", key));
    drain();
    BOOST_REQUIRE(take<uint64_t>(h).engaged());
  }
  BOOST_TEST(cst().to_forget.size() == 20u);
  for (auto& f : cst().to_forget)
    f.at -= std::chrono::hours(2);  // due now
  (*me)->send(coord, forget_atom::value);
  drain();
  stop_branch();  // every store closed
  auto families = [this](const std::string& dir) {
    std::map<char, int> out;
    for (const auto& k : test::RawDb(dir, env.get()).keys())
      ++out[k[0]];
    return out;
  };
  auto log = families(ctx->branch_dir("main") + "/txn");
  BOOST_TEST(log['p'] == 0);
  BOOST_TEST(log['i'] == 0);
  BOOST_TEST(log['d'] == 0);
  for (const char* space : {"a", "b"}) {
    auto store = families(ctx->space_dir("main", space));
    BOOST_TEST(store['a'] == 0, space << " keeps " << store['a'] << " markers");
    BOOST_TEST(store['h'] == 20, space << " holds " << store['h'] << " keys");
  }
}

BOOST_AUTO_TEST_SUITE_END()

// -- the coordinator restarting ------------------------------------------------

BOOST_FIXTURE_TEST_SUITE(coordinator_restart, Walk)

// The coordinator is linked to its branch: its crash restarts the branch,
// whose new coordinator settles the transactions the log holds.

// Crash after the commit point (every vote in, no apply yet): recovery
// finds every participant's record and commits.
BOOST_AUTO_TEST_CASE(after_the_decision_recovery_commits) {
  auto h = commit(both("a1", "b1"));
  auto id = prepare_both();
  step<bool>(coord);
  step<bool>(coord);
  BOOST_TEST(round().decided);
  crash_process();
  // The caller heard of the commit: decided, it is durable.
  auto done = take<uint64_t>(h);
  BOOST_TEST(done.engaged());
  in_both("a1", "b1");
  BOOST_TEST(status(a, id) == txn_status_applied);
}

// Crash after one vote: only a holds a record; b never prepared, and a
// prepare never outlives its round: recovery aborts.
BOOST_AUTO_TEST_CASE(after_one_prepare_recovery_aborts) {
  auto h = commit(both("a1", "b1"));
  step<txn_commit_atom>(coord);
  step<txn_prepare_atom>(a);
  crash_process();
  BOOST_TEST(!take<uint64_t>(h).engaged());
  BOOST_TEST(st(a).txns.empty());
  in_neither();
}

// Crash before any prepare: an intent alone settles as an abort.
BOOST_AUTO_TEST_CASE(before_any_prepare_recovery_aborts) {
  auto h = commit(both("a1", "b1"));
  step<txn_commit_atom>(coord);
  crash_process();
  BOOST_TEST(!take<uint64_t>(h).engaged());
  in_neither();
  BOOST_TEST(cst().settling.empty());
}

// Crash after one participant applied: the other still holds its record;
// recovery commits it there too.
BOOST_AUTO_TEST_CASE(after_the_first_apply_recovery_completes_the_commit) {
  auto h = commit(both("a1", "b1"));
  auto id = prepare_both();
  step<bool>(coord);
  step<bool>(coord);
  step<txn_decide_atom>(a);
  crash_process();
  BOOST_TEST(take<uint64_t>(h).engaged());
  in_both("a1", "b1");
  BOOST_TEST(status(b, id) == txn_status_applied);
}

BOOST_AUTO_TEST_SUITE_END()
