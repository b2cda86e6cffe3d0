#include "strata/actors/held_entries.hpp"

#include <algorithm>

namespace strata::actors {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

std::vector<HeldKey> written_keys(const std::vector<TxnOp>& ops) {
  std::vector<HeldKey> out;
  for (const auto& op : ops)
    if (op.kind != TxnOpKind::EventAppend)
      out.emplace_back(primitive_of(op.kind), op.key);
  return out;
}

Touched Touched::of(const TxnWork& work) {
  Touched t{written_keys(work.ops), {}};
  for (const auto& r : work.reads)
    (r.range ? t.prefixes : t.keys).emplace_back(r.tag, r.key);
  return t;
}

void HeldEntries::hold(PreparedTxn txn) {
  auto id = txn.txn_id;
  for (auto& k : written_keys(txn.ops))
    held_[std::move(k)] = id;
  prepared_[id] = std::move(txn);
}

std::optional<PreparedTxn> HeldEntries::release(uint64_t txn_id) {
  auto it = prepared_.find(txn_id);
  if (it == prepared_.end())
    return std::nullopt;
  for (auto h = held_.begin(); h != held_.end();)
    h = h->second == txn_id ? held_.erase(h) : std::next(h);
  auto txn = std::move(it->second);
  prepared_.erase(it);
  return txn;
}

bool HeldEntries::any_held(const std::vector<HeldKey>& keys) const {
  if (held_.empty())
    return false;
  for (const auto& k : keys)
    if (held_.count(k) != 0)
      return true;
  return false;
}

template <class Pred>
bool HeldEntries::held_under(Primitive tag, const std::string& prefix, Pred by) const {
  for (auto h = held_.lower_bound(HeldKey{tag, prefix});
       h != held_.end() && h->first.first == tag && starts_with(h->first.second, prefix); ++h)
    if (by(h->second))
      return true;
  return false;
}

bool HeldEntries::held_under(Primitive tag, const std::string& prefix) const {
  return held_under(tag, prefix, [](uint64_t) { return true; });
}

bool HeldEntries::appends_events() const {
  for (const auto& [id, txn] : prepared_)
    for (const auto& op : txn.ops)
      if (op.kind == TxnOpKind::EventAppend)
        return true;
  return false;
}

bool HeldEntries::prepared_at_or_below(uint64_t ts) const {
  for (const auto& [id, txn] : prepared_)
    if (txn.commit_ts <= ts)
      return true;
  return false;
}

bool HeldEntries::held_by_older(const Touched& touched, uint64_t ts) const {
  if (held_.empty())
    return false;
  auto older = [this, ts](uint64_t txn_id) {
    auto p = prepared_.find(txn_id);
    return p != prepared_.end() && p->second.commit_ts < ts;
  };
  for (const auto& k : touched.keys)
    if (auto h = held_.find(k); h != held_.end() && older(h->second))
      return true;
  for (const auto& [tag, prefix] : touched.prefixes)
    if (held_under(tag, prefix, older))
      return true;
  return false;
}

void HeldEntries::note_reads(const TxnWork& work, uint64_t ts, uint64_t floor) {
  if (reads_recorded() >= 256) {
    for (auto it = read_at_.begin(); it != read_at_.end();)
      it = it->second <= floor ? read_at_.erase(it) : std::next(it);
    listed_at_.erase(std::remove_if(listed_at_.begin(), listed_at_.end(),
                                    [floor](const auto& l) { return l.second <= floor; }),
                     listed_at_.end());
  }
  for (const auto& r : work.reads) {
    if (r.range) {
      listed_at_.emplace_back(HeldKey{r.tag, r.key}, ts);
    } else {
      auto& at = read_at_[HeldKey{r.tag, r.key}];
      at = std::max(at, ts);
    }
  }
}

bool HeldEntries::read_by_younger(const TxnWork& work, uint64_t ts) const {
  for (const auto& k : written_keys(work.ops)) {
    if (auto it = read_at_.find(k); it != read_at_.end() && it->second > ts)
      return true;
    for (const auto& [listed, at] : listed_at_)
      if (at > ts && listed.first == k.first && starts_with(k.second, listed.second))
        return true;
  }
  return false;
}

}  // namespace strata::actors
