#pragma once

// The participant's memory of two-phase commits in one space (no CAF here,
// unit-tested on its own): the transactions prepared and not yet decided,
// the entries they hold, and the reads recent transactions made, which
// decide whether a direct write, a read or another transaction has to wait
// or is refused. Owned by the space actor; not thread-safe.
//
// The rules (docs/architecture.md, "Transactions"):
// - An entry a prepared transaction writes is held until its decision is
//   applied here: direct writes to it and plain reads of it wait.
// - A transaction meeting an entry (or a listed prefix) held by an OLDER
//   prepared transaction (smaller commit timestamp) waits for it; one
//   meeting a YOUNGER holder is refused. Waits only go from younger to
//   older, so they never form a cycle across spaces.
// - A transaction writing an entry that a YOUNGER transaction already read
//   here (or a key under a prefix it listed) is refused: its write would
//   change what that one read.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "strata/messages/codec.hpp"
#include "strata/messages/txn_types.hpp"

namespace strata::actors {

/// (primitive, key) of an entry.
using HeldKey = std::pair<Primitive, std::string>;

/// The entries (tag, key) that `ops` write; event appends hold none.
std::vector<HeldKey> written_keys(const std::vector<TxnOp>& ops);

/// What a transaction's work reads or writes here: point entries and the
/// (tag, prefix) of its listings.
struct Touched {
  std::vector<HeldKey> keys;
  std::vector<HeldKey> prefixes;

  static Touched of(const TxnWork& work);
};

class HeldEntries {
 public:
  /// No transaction is prepared here.
  bool empty() const { return prepared_.empty(); }
  size_t size() const { return prepared_.size(); }
  /// No entry is held (a prepared transaction may still append events).
  bool none_held() const { return held_.empty(); }
  bool contains(uint64_t txn_id) const { return prepared_.count(txn_id) != 0; }
  const std::map<uint64_t, PreparedTxn>& prepared() const { return prepared_; }

  /// Holds the entries `txn` writes until release(txn.txn_id): a prepare,
  /// or a record found in doubt when the space opens.
  void hold(PreparedTxn txn);
  /// Forgets transaction `txn_id` and releases its entries; returns its
  /// record, or nothing if it was not prepared here.
  std::optional<PreparedTxn> release(uint64_t txn_id);

  bool is_held(const HeldKey& key) const { return held_.count(key) != 0; }
  bool any_held(const std::vector<HeldKey>& keys) const;
  /// Whether some entry of family `tag` whose key starts with `prefix` is held.
  bool held_under(Primitive tag, const std::string& prefix) const;
  /// Whether a prepared transaction appends events (plain event reads wait).
  bool appends_events() const;
  /// Whether a transaction prepared here commits at or below `ts` (a
  /// snapshot read at `ts` has to wait for its decision).
  bool prepared_at_or_below(uint64_t ts) const;
  /// Whether a transaction prepared with a commit timestamp below `ts`
  /// holds an entry `touched` reads or writes, or one under a prefix it
  /// listed (then a transaction at `ts` waits).
  bool held_by_older(const Touched& touched, uint64_t ts) const;

  /// Records what `work`, committed or prepared at timestamp `ts`, read.
  /// Reads at or below `floor` (the branch's stable timestamp: no prepare
  /// can be older) are pruned once 256 are recorded.
  void note_reads(const TxnWork& work, uint64_t ts, uint64_t floor);
  /// Whether a transaction younger than `ts` read an entry `work` writes,
  /// or listed a prefix holding one.
  bool read_by_younger(const TxnWork& work, uint64_t ts) const;
  size_t reads_recorded() const { return read_at_.size() + listed_at_.size(); }

 private:
  template <class Pred>
  bool held_under(Primitive tag, const std::string& prefix, Pred by) const;

  std::map<uint64_t, PreparedTxn> prepared_;
  /// Held entries with their transaction.
  std::map<HeldKey, uint64_t> held_;
  /// Newest commit timestamp at which a transaction read each entry /
  /// listed each (tag, prefix).
  std::map<HeldKey, uint64_t> read_at_;
  std::vector<std::pair<HeldKey, uint64_t>> listed_at_;
};

}  // namespace strata::actors
