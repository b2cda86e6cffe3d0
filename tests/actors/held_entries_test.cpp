// HeldEntries: which request waits for which prepared transaction, and
// which transaction is refused (no actors involved).

#include <boost/test/unit_test.hpp>

#include "strata/actors/held_entries.hpp"

using namespace strata;
using actors::HeldEntries;
using actors::HeldKey;
using actors::Touched;

namespace {

TxnOp op(TxnOpKind kind, std::string key) {
  TxnOp o;
  o.kind = kind;
  o.key = std::move(key);
  return o;
}

PreparedTxn txn(uint64_t id, uint64_t commit_ts, std::vector<TxnOp> ops) {
  return PreparedTxn{id, 0, std::move(ops), commit_ts, {"s"}};
}

TxnWork writes(std::vector<TxnOp> ops, std::vector<TxnRead> reads = {}) {
  return TxnWork{0, std::move(reads), std::move(ops)};
}

TxnRead point(Primitive tag, std::string key) { return TxnRead{tag, std::move(key), "", false}; }
TxnRead listing(Primitive tag, std::string prefix) { return TxnRead{tag, std::move(prefix), "", true}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(held_entries)

BOOST_AUTO_TEST_CASE(a_prepared_transaction_holds_what_it_writes_until_released) {
  HeldEntries h;
  BOOST_TEST(h.empty());
  h.hold(txn(1, 10, {op(TxnOpKind::KvPut, "a"), op(TxnOpKind::StateSet, "a"),
                     op(TxnOpKind::EventAppend, "")}));
  h.hold(txn(2, 20, {op(TxnOpKind::KvDelete, "b")}));
  BOOST_TEST(h.size() == 2u);
  BOOST_TEST(h.is_held({Primitive::Kv, "a"}));
  BOOST_TEST(h.is_held({Primitive::State, "a"}));
  BOOST_TEST(!h.is_held({Primitive::Json, "a"}));  // another family
  BOOST_TEST(h.any_held({{Primitive::Kv, "x"}, {Primitive::Kv, "b"}}));
  BOOST_TEST(!h.any_held({{Primitive::Kv, "x"}}));
  BOOST_TEST(h.appends_events());
  auto released = h.release(1);
  BOOST_REQUIRE(released);
  BOOST_TEST(released->commit_ts == 10u);
  BOOST_TEST(!h.is_held({Primitive::Kv, "a"}));
  BOOST_TEST(!h.is_held({Primitive::State, "a"}));
  BOOST_TEST(h.is_held({Primitive::Kv, "b"}));  // the other one's entry stays
  BOOST_TEST(!h.appends_events());
  BOOST_TEST(!h.release(1));  // a decision is applied once
  BOOST_TEST(h.release(2).has_value());
  BOOST_TEST(h.empty());
  BOOST_TEST(h.none_held());
}

BOOST_AUTO_TEST_CASE(listings_wait_for_held_entries_under_their_prefix) {
  HeldEntries h;
  h.hold(txn(1, 10, {op(TxnOpKind::KvPut, "user:7")}));
  BOOST_TEST(h.held_under(Primitive::Kv, "user:"));
  BOOST_TEST(h.held_under(Primitive::Kv, ""));
  BOOST_TEST(!h.held_under(Primitive::Kv, "users"));
  BOOST_TEST(!h.held_under(Primitive::State, "user:"));
}

BOOST_AUTO_TEST_CASE(snapshot_reads_wait_for_transactions_at_or_below_them) {
  HeldEntries h;
  h.hold(txn(1, 10, {op(TxnOpKind::KvPut, "a")}));
  BOOST_TEST(!h.prepared_at_or_below(9));
  BOOST_TEST(h.prepared_at_or_below(10));
  BOOST_TEST(h.prepared_at_or_below(11));
}

BOOST_AUTO_TEST_CASE(a_transaction_waits_only_for_older_holders) {
  HeldEntries h;
  h.hold(txn(1, 10, {op(TxnOpKind::KvPut, "a")}));
  auto touches_a = Touched::of(writes({op(TxnOpKind::KvPut, "a")}));
  BOOST_TEST(h.held_by_older(touches_a, 11));   // younger: waits
  BOOST_TEST(!h.held_by_older(touches_a, 9));   // older: does not wait (is refused)
  auto reads_a = Touched::of(writes({}, {point(Primitive::Kv, "a")}));
  BOOST_TEST(h.held_by_older(reads_a, 11));  // reading a held entry counts too
  auto lists = Touched::of(writes({}, {listing(Primitive::Kv, "")}));
  BOOST_TEST(h.held_by_older(lists, 11));
  BOOST_TEST(lists.prefixes.size() == 1u);
  BOOST_TEST(lists.keys.empty());
  auto other = Touched::of(writes({op(TxnOpKind::KvPut, "b")}));
  BOOST_TEST(!h.held_by_older(other, 11));
}

BOOST_AUTO_TEST_CASE(a_write_under_a_younger_read_is_refused) {
  HeldEntries h;
  h.note_reads(writes({}, {point(Primitive::Kv, "a"), listing(Primitive::State, "cell:")}), 20, 0);
  BOOST_TEST(h.reads_recorded() == 2u);
  BOOST_TEST(h.read_by_younger(writes({op(TxnOpKind::KvPut, "a")}), 15));
  BOOST_TEST(!h.read_by_younger(writes({op(TxnOpKind::KvPut, "a")}), 25));
  BOOST_TEST(!h.read_by_younger(writes({op(TxnOpKind::KvPut, "b")}), 15));
  BOOST_TEST(h.read_by_younger(writes({op(TxnOpKind::StateSet, "cell:1")}), 15));
  BOOST_TEST(!h.read_by_younger(writes({op(TxnOpKind::KvPut, "cell:1")}), 15));
  // The newest read of an entry counts.
  h.note_reads(writes({}, {point(Primitive::Kv, "a")}), 12, 0);
  BOOST_TEST(h.read_by_younger(writes({op(TxnOpKind::KvPut, "a")}), 15));
}

BOOST_AUTO_TEST_CASE(reads_at_or_below_the_stable_timestamp_are_pruned) {
  HeldEntries h;
  for (uint64_t i = 0; i < 256; ++i)
    h.note_reads(writes({}, {point(Primitive::Kv, "k" + std::to_string(i))}), i + 1, 0);
  BOOST_TEST(h.reads_recorded() == 256u);
  // No prepare can be older than the stable timestamp 200: those go.
  h.note_reads(writes({}, {point(Primitive::Kv, "new")}), 300, 200);
  BOOST_TEST(h.reads_recorded() == 57u);  // 201..256 and the new one
  BOOST_TEST(h.read_by_younger(writes({op(TxnOpKind::KvPut, "k255")}), 250));
  BOOST_TEST(!h.read_by_younger(writes({op(TxnOpKind::KvPut, "k5")}), 3));
}

BOOST_AUTO_TEST_SUITE_END()
