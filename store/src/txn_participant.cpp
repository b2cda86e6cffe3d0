// The participant side of transactions (SPEC 6, DESIGN "Transactions"):
// validation of a transaction's reads against what was committed after its
// snapshot, and the atomic application of a write set at one commit
// timestamp (with the applied marker of a two-phase commit; the PREPARED
// records themselves live in the branch's TxnLog).

#include <cmath>
#include <cstring>
#include <map>

#include <leveldb/db.h>
#include <leveldb/write_batch.h>
#include <openssl/evp.h>

#include "key_codec.hpp"
#include "leveldb_util.hpp"
#include "strata/messages/json_path.hpp"
#include "strata/messages/limits.hpp"
#include "strata/store/space_store.hpp"
#include "txn_overlay.hpp"

namespace strata::store {

namespace {

caf::error conflict(std::string what) {
  return make_error(errc::TransactionConflict, std::move(what));
}

const char* primitive_name(char tag) {
  switch (tag) {
    case keys::kv: return "kv";
    case keys::state: return "state";
    case keys::json: return "json";
    case keys::collection: return "vector collection";
    case keys::vector: return "vector";
    default: return "event";
  }
}

// Whether a version that changed `changed` (empty list = whole document)
// touches `path`.
bool paths_overlap(const std::vector<std::string>& changed, std::string_view path) {
  auto mine = JsonPath::parse(path);
  if (!mine || changed.empty() || mine->is_root())
    return true;
  for (const auto& c : changed) {
    auto theirs = JsonPath::parse(c);
    if (!theirs || theirs->overlaps(*mine))
      return true;
  }
  return false;
}

}  // namespace


result<SpaceStore::Overlay*> SpaceStore::txn_entry(Overlays& entries, char tag,
                                                   const std::string& key, bool stored) {
  auto [it, fresh] = entries.try_emplace({tag, key});
  Overlay& o = it->second;
  if (fresh && stored) {
    // Only a JSON operation edits the current value; other writes replace
    // it (a vector keeps its id from it; a vector write checks its
    // collection's config).
    auto head = head_of(tag, key,
                        tag == keys::json || tag == keys::vector || tag == keys::collection,
                        /*for_write=*/true);
    if (!head)
      return head.error();
    o.prev = std::move(*head);
    o.live = o.prev.live();
    if (o.live)
      o.value = std::move(o.prev.record.value);
  }
  return &o;
}

result<bool> SpaceStore::changed_after(char tag, std::string_view key, uint64_t snapshot,
                                       std::string_view json_path) {
  auto head = head_of(tag, key, false);
  if (!head)
    return head.error();
  if (!head->found || head->record.timestamp <= snapshot)
    return false;
  if (tag != keys::json)
    return true;
  // JSON: only versions that changed an overlapping path count.
  if (paths_overlap(head->record.paths, json_path))
    return true;
  bool overlapped = false;
  auto err = scan_history(tag, key, [&](VersionedRecord&& old) -> result<bool> {
    if (old.timestamp <= snapshot)
      return false;
    overlapped = paths_overlap(old.paths, json_path);
    return !overlapped;
  });
  if (err)
    return err;
  return overlapped;
}

caf::error SpaceStore::txn_validate(const TxnWork& work, bool dry_run) {
  const uint64_t s = work.snapshot;
  for (const auto& r : work.reads) {
    if (r.range) {
      auto err = scan(keys::head_prefix(tag_of(r.tag), r.key),
                      [&](std::string_view k, std::string_view v) -> result<bool> {
                        auto rec = decode_versioned_record(v, false);
                        if (!rec)
                          return rec.error();
                        if (rec->timestamp <= s)
                          return true;
                        return conflict("key was modified by another transaction: " +
                                        std::string(keys::user_key_of_head(k)) + " (" +
                                        primitive_name(tag_of(r.tag)) + ", listed by prefix '" + r.key +
                                        "')");
                      });
      if (err)
        return err;
      continue;
    }
    auto changed = changed_after(tag_of(r.tag), r.key, s, r.path);
    if (!changed)
      return changed.error();
    if (*changed)
      return conflict("key was modified by another transaction: " + r.key + " (" +
                      primitive_name(tag_of(r.tag)) + ")");
  }
  for (const auto& op : work.ops) {
    if (op.kind == TxnOpKind::JsonSet || op.kind == TxnOpKind::JsonDelete) {
      auto changed = changed_after(keys::json, op.key, s, op.arg);
      if (!changed)
        return changed.error();
      if (*changed)
        return conflict("document path " + op.arg + " of " + op.key +
                        " overlaps a write by another transaction");
    } else if (op.kind == TxnOpKind::StateCas) {
      if (auto err = validate_key(op.key, options_.limits))
        return err;
      auto cur = head_of(keys::state, op.key, false);
      if (!cur)
        return cur.error();
      auto expected = op.has_expected ? std::optional<uint64_t>{op.expected} : std::nullopt;
      if (!cur->cas_matches(expected))
        return conflict("CAS on " + op.key + " expected version " +
                        (expected ? std::to_string(*expected) : std::string("none")) +
                        ", current version " +
                        (cur->live() ? std::to_string(cur->record.version) : std::string("none")));
    }
  }
  // A dry run catches what validation cannot see, e.g. a JSON path whose
  // parent has become a scalar.
  if (!dry_run)
    return {};
  return txn_run(work.ops, clock_.last() + 1, 0, true);
}

caf::error SpaceStore::txn_apply(const std::vector<TxnOp>& ops, uint64_t commit_ts,
                                 uint64_t prepared_id, bool sync) {
  return txn_run(ops, commit_ts, prepared_id, false, sync);
}

caf::error SpaceStore::txn_run(const std::vector<TxnOp>& ops, uint64_t commit_ts,
                               uint64_t prepared_id, bool dry_run, bool sync) {
  Overlays entries;
  VectorTxn vectors;
  std::vector<EventEntry> events;
  for (const auto& op : ops) {
    if (op.kind == TxnOpKind::EventAppend) {
      if (auto err = validate_event(op.arg, op.value, options_.limits))
        return err;
      events.push_back(EventEntry{op.arg, op.value});
      continue;
    }
    auto family = primitive_of(op.kind);
    if (family == Primitive::Vector || family == Primitive::Collection) {
      if (auto err = txn_vector_op(entries, vectors, op))
        return err;
      continue;
    }
    if (auto err = validate_key(op.key, options_.limits))
      return err;
    if (auto err = validate_value(op.value, options_.limits))
      return err;
    auto o = txn_entry(entries, tag_of(family), op.key);
    if (!o)
      return o.error();
    Overlay& e = **o;
    ++e.writes;
    switch (op.kind) {
      case TxnOpKind::KvPut:
      case TxnOpKind::StateSet:
      case TxnOpKind::StateCas:
        e.value = op.value;
        e.live = e.touched = true;
        break;
      case TxnOpKind::StateInit:
        if (!e.live) {
          e.value = op.value;
          e.live = e.touched = true;
        }
        break;
      case TxnOpKind::KvDelete:
      case TxnOpKind::StateDelete:
        if (e.live)
          e.live = false, e.touched = true;
        break;
      case TxnOpKind::JsonSet: {
        auto path = JsonPath::parse(op.arg);
        if (!path)
          return path.error();
        if (!e.live)
          e.value = path->is_root() ? Value{} : Value{Object{}};
        if (auto err = strata::json_set(e.value, *path, op.value))
          return err;
        if (auto err = check_document(e.value))
          return err;
        e.live = e.touched = true;
        e.paths.push_back(path->to_string());
        break;
      }
      case TxnOpKind::JsonDelete: {
        auto path = JsonPath::parse(op.arg);
        if (!path)
          return path.error();
        if (!e.live)
          break;
        if (path->is_root()) {
          e.live = false;
          e.touched = true;
          e.paths.push_back("$");
        } else if (strata::json_delete(e.value, *path) > 0) {
          e.touched = true;
          e.paths.push_back(path->to_string());
        }
        break;
      }
      default: break;  // events and vectors: above
    }
  }
  if (dry_run)
    return {};
  leveldb::WriteBatch batch;
  if (auto err = txn_stage_vectors(entries, vectors, batch))
    return err;
  for (auto& [id, e] : entries) {
    if (!e.touched)
      continue;
    const auto& [tag, key] = id;
    if (!e.live && !e.prev.live())
      continue;  // deleted something that never lived: nothing to record
    stage_version(batch, tag, key, e.prev, commit_ts, e.live ? &e.value : nullptr,
                  tag == keys::json ? &e.paths : nullptr, e.writes);
  }
  // Events: appended in order, all at the commit timestamp, chained on.
  EventTail tail;
  if (!events.empty()) {
    if (auto err = load_event_tail())
      return err;
    tail = event_tail_;
    for (auto& ev : events)
      stage_event(batch, tail, std::move(ev.type), std::move(ev.payload),
                  std::max(commit_ts, tail.timestamp));
  }
  if (prepared_id != 0)
    batch.Put(keys::applied(prepared_id), "");
  clock_.observe(commit_ts);
  if (auto err = write(batch, sync))
    return err;
  if (!events.empty())
    event_tail_ = std::move(tail);
  txn_vectors_applied(vectors);
  return {};
}

result<bool> SpaceStore::txn_applied(uint64_t txn_id) {
  if (broken_)
    return broken_;
  if (!db_)
    return false;
  std::string ignored;
  auto st = db_->Get(read_options(), keys::applied(txn_id), &ignored);
  if (st.IsNotFound())
    return false;
  if (!st.ok())
    return io_error(st, "cannot read transaction marker in " + dir_);
  return true;
}

caf::error SpaceStore::txn_forget(const std::vector<uint64_t>& txn_ids) {
  if (!db_ || txn_ids.empty())
    return {};
  leveldb::WriteBatch batch;
  for (auto id : txn_ids)
    batch.Delete(keys::applied(id));
  return write(batch, false);
}

result<uint64_t> SpaceStore::event_len_at(uint64_t as_of) {
  if (auto err = load_event_tail())
    return err;
  // Walk back from the newest event: snapshots are recent, so few steps.
  uint64_t seq = event_tail_.count;
  while (seq > 0) {
    auto e = event_get(seq);
    if (!e)
      return e.error();
    if (*e && (*e)->timestamp <= as_of)
      break;
    --seq;
  }
  return seq;
}

}  // namespace strata::store
