// diff_branches and merge_branches, on top of the handle API: every space
// of both branches is read through a handle on each branch.

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <set>

#include "exec.hpp"
#include "strata/strata.hpp"

namespace strata {

namespace {

// (primitive, key) -> latest value, for one space of one branch.
using Snapshot = std::map<std::pair<std::string, std::string>, Value>;

result<Snapshot> read_space(Strata& h) {
  Snapshot out;
  auto kv = h.kv_list();
  if (!kv)
    return kv.error();
  for (auto& k : *kv) {
    auto v = h.kv_get(k);
    if (!v)
      return v.error();
    if (*v)
      out[{"kv", k}] = std::move(**v);
  }
  auto cells = h.state_list();
  if (!cells)
    return cells.error();
  for (auto& c : *cells) {
    auto v = h.state_get(c);
    if (!v)
      return v.error();
    if (*v)
      out[{"state", c}] = std::move(**v);
  }
  std::optional<std::string> cursor;
  do {
    auto page = h.json_list(std::nullopt, cursor, 1000);
    if (!page)
      return page.error();
    for (auto& k : page->keys) {
      auto v = h.json_get(k);
      if (!v)
        return v.error();
      if (*v)
        out[{"json", k}] = std::move(**v);
    }
    cursor = page->cursor;
  } while (cursor);
  auto collections = h.vector_list_collections();
  if (!collections)
    return collections.error();
  for (const auto& c : *collections) {
    // The collection itself, so that merge can create it in the target.
    out[{"vector_collection", c.name}] =
        Value{Object{{"dimension", static_cast<int64_t>(c.dimension)},
                     {"metric", to_string(c.metric)}}};
    auto keys = h.vector_list_keys(c.name);
    if (!keys)
      return keys.error();
    for (const auto& k : *keys) {
      auto v = h.vector_get(c.name, k);
      if (!v)
        return v.error();
      if (!*v)
        continue;
      Array embedding;
      for (float x : (*v)->embedding)
        embedding.emplace_back(static_cast<double>(x));
      Object record{{"embedding", std::move(embedding)}};
      if ((*v)->metadata)
        record.set("metadata", *(*v)->metadata);
      out[{"vector", c.name + "/" + k}] = Value{std::move(record)};
    }
  }
  auto len = h.event_len();
  if (!len)
    return len.error();
  for (uint64_t seq = 1; seq <= *len; ++seq) {
    auto e = h.event_get_record(seq);
    if (!e)
      return e.error();
    if (*e)
      out[{"event", std::to_string(seq)}] =
          Value{Object{{"type", (*e)->type}, {"payload", (*e)->payload}}};
  }
  return out;
}

result<std::map<std::string, Snapshot>> read_branch(Strata& h, std::string_view branch) {
  if (auto r = h.set_branch(branch); !r)
    return r.error();
  auto spaces = h.list_spaces();
  if (!spaces)
    return spaces.error();
  std::map<std::string, Snapshot> out;
  for (auto& s : *spaces) {
    if (auto r = h.set_space(s); !r)
      return r.error();
    auto snap = read_space(h);
    if (!snap)
      return snap.error();
    out.emplace(s, std::move(*snap));
  }
  return out;
}

}  // namespace

namespace detail {

result<TimeRange> time_range(Strata& base, const std::string& branch) {
  using out_type = TimeRange;
  auto h = base.new_handle();
  if (!h)
    return h.error();
  if (auto r = h->set_branch(branch); !r)
    return r.error();
  auto spaces = h->list_spaces();
  if (!spaces)
    return spaces.error();
  // Each space's store reads the bounds of everything it ever stored,
  // deleted entries' versions included.
  auto& impl = Access::impl(*h);
  uint64_t oldest = UINT64_MAX, latest = 0;
  for (const auto& space : *spaces) {
    auto r = impl.on_space_at(branch, space, space_time_range_atom::value);
    if (!r)
      return r.error();
    if (r->size() == 2) {
      oldest = std::min(oldest, (*r)[0]);
      latest = std::max(latest, (*r)[1]);
    }
  }
  if (latest == 0)
    return out_type{};
  return out_type{std::make_pair(oldest, latest)};
}

}  // namespace detail

result<MergeStrategy> parse_merge_strategy(std::string_view text) {
  if (text == "lww" || text == "last_writer_wins")
    return MergeStrategy::LastWriterWins;
  if (text == "strict")
    return MergeStrategy::Strict;
  return make_error(errc::InvalidInput, "unknown merge strategy '" + std::string(text) +
                                            "' (expected lww, last_writer_wins or strict)");
}

namespace detail {

result<BranchDiff> diff_branches(Strata& base, std::string_view a, std::string_view b) {
  auto h = base.new_handle();
  if (!h)
    return h.error();
  auto side_a = read_branch(*h, a);
  if (!side_a)
    return side_a.error();
  auto side_b = read_branch(*h, b);
  if (!side_b)
    return side_b.error();
  BranchDiff diff;
  diff.branch_a = std::string(a);
  diff.branch_b = std::string(b);
  std::set<std::string> spaces;
  for (auto& [s, _] : *side_a)
    spaces.insert(s);
  for (auto& [s, _] : *side_b)
    spaces.insert(s);
  static const Snapshot empty;
  for (const auto& space : spaces) {
    auto ia = side_a->find(space), ib = side_b->find(space);
    if (ib == side_b->end())
      diff.spaces_only_in_a.push_back(space);
    if (ia == side_a->end())
      diff.spaces_only_in_b.push_back(space);
    const Snapshot& sa = ia == side_a->end() ? empty : ia->second;
    const Snapshot& sb = ib == side_b->end() ? empty : ib->second;
    SpaceDiff sd;
    sd.space = space;
    for (auto& [id, va] : sa) {
      auto it = sb.find(id);
      if (it == sb.end())
        sd.removed.push_back({id.second, id.first, space, va, std::nullopt});
      else if (!(it->second == va))
        sd.modified.push_back({id.second, id.first, space, va, it->second});
    }
    for (auto& [id, vb] : sb)
      if (sa.count(id) == 0)
        sd.added.push_back({id.second, id.first, space, std::nullopt, vb});
    diff.total_added += sd.added.size();
    diff.total_removed += sd.removed.size();
    diff.total_modified += sd.modified.size();
    if (!sd.added.empty() || !sd.removed.empty() || !sd.modified.empty())
      diff.spaces.push_back(std::move(sd));
  }
  return diff;
}

namespace {

// -- three-way merge --------------------------------------------------------------

constexpr uint64_t never = UINT64_MAX;

// Where the state both branches last shared is read: a branch, as of a
// timestamp.
struct MergeBase {
  std::string branch;
  uint64_t ts = 0;
};

// The branch and its ancestors (parent links), nearest first.
result<std::vector<BranchInfo>> ancestry(Strata& h, const std::string& branch) {
  std::vector<BranchInfo> out;
  std::set<std::string> seen;
  for (std::string b = branch; !b.empty() && seen.insert(b).second;) {
    auto info = h.branch_info(b);
    if (!info)
      return info.error();
    if (!*info) {
      if (out.empty())
        return make_error(errc::BranchNotFound, "branch \"" + b + "\" does not exist");
      break;  // an ancestor was deleted: its history ends the chain
    }
    b = (*info)->parent;
    out.push_back(std::move(**info));
  }
  return out;
}

// The merge base of merging `source` into `target`: the later of (a) the
// nearest common ancestor's state at the earliest fork between the two
// (both hold the ancestor's history up to their own fork from it, so the
// target holds it as of that fork), and (b) the last merge between them
// (source into target: the source as of that merge; target into source:
// the target as of that merge). None: no shared history.
result<std::optional<MergeBase>> merge_base(Strata& h, const std::string& source,
                                            const std::string& target) {
  auto s = ancestry(h, source);
  if (!s)
    return s.error();
  auto t = ancestry(h, target);
  if (!t)
    return t.error();
  std::optional<MergeBase> best;
  auto consider = [&best](const std::string& branch, uint64_t ts) {
    if (ts != never && (!best || ts > best->ts))
      best = MergeBase{branch, ts};
  };
  [&] {
    for (size_t i = 0; i < s->size(); ++i)
      for (size_t j = 0; j < t->size(); ++j)
        if ((*s)[i].name == (*t)[j].name) {
          uint64_t fork_s = i == 0 ? never : (*s)[i - 1].created_at;
          uint64_t fork_t = j == 0 ? never : (*t)[j - 1].created_at;
          consider(target, std::min(fork_s, fork_t));
          return;
        }
  }();
  if (auto it = t->front().merged_from.find(source); it != t->front().merged_from.end())
    consider(source, it->second);
  if (auto it = s->front().merged_from.find(target); it != s->front().merged_from.end())
    consider(target, it->second);
  return best;
}

// An entry on one side: its value (absent: deleted or never written) and
// the commit timestamp of that value (0 when absent).
struct Side {
  std::optional<Value> value;
  uint64_t ts = 0;
};

// The newest version at or before `as_of` in a history (newest first).
uint64_t ts_at(const result<std::optional<std::vector<VersionedValue>>>& history, uint64_t as_of) {
  if (history && *history)
    for (const auto& v : **history)
      if (v.timestamp <= as_of)
        return v.timestamp;
  return 0;
}

// One primitive's reads, so that KV, state and JSON share the merge.
struct Family {
  const char* name;  // DiffEntry::primitive
  std::function<result<std::vector<std::string>>(Strata&)> list;
  std::function<result<std::vector<std::string>>(Strata&, uint64_t)> list_at;
  std::function<result<std::optional<Value>>(Strata&, const std::string&, uint64_t)> get_at;
  std::function<result<std::optional<VersionedValue>>(Strata&, const std::string&)> get;
  std::function<result<std::optional<std::vector<VersionedValue>>>(Strata&, const std::string&)>
      history;
  std::function<caf::error(Strata&, const std::string&, const std::optional<Value>&)> write;
};

template <class R>
caf::error status_of(const R& r) {
  return r ? caf::error{} : r.error();
}

const std::vector<Family>& families() {
  static const std::vector<Family> all = {
      {"kv", [](Strata& h) { return h.kv_list(); },
       [](Strata& h, uint64_t ts) { return h.kv_list_at(std::nullopt, ts); },
       [](Strata& h, const std::string& k, uint64_t ts) { return h.kv_get_at(k, ts); },
       [](Strata& h, const std::string& k) { return h.kv_get_versioned(k); },
       [](Strata& h, const std::string& k) { return h.kv_getv(k); },
       [](Strata& h, const std::string& k, const std::optional<Value>& v) {
         return v ? status_of(h.kv_put(k, *v)) : status_of(h.kv_delete(k));
       }},
      {"state", [](Strata& h) { return h.state_list(); },
       [](Strata& h, uint64_t ts) { return h.state_list_at(std::nullopt, ts); },
       [](Strata& h, const std::string& k, uint64_t ts) { return h.state_get_at(k, ts); },
       [](Strata& h, const std::string& k) { return h.state_get_versioned(k); },
       [](Strata& h, const std::string& k) { return h.state_getv(k); },
       [](Strata& h, const std::string& k, const std::optional<Value>& v) {
         return v ? status_of(h.state_set(k, *v)) : status_of(h.state_delete(k));
       }},
      {"json",
       [](Strata& h) -> result<std::vector<std::string>> {
         std::vector<std::string> out;
         std::optional<std::string> cursor;
         do {
           auto page = h.json_list(std::nullopt, cursor, 1000);
           if (!page)
             return page.error();
           out.insert(out.end(), page->keys.begin(), page->keys.end());
           cursor = page->cursor;
         } while (cursor);
         return out;
       },
       [](Strata& h, uint64_t ts) { return h.json_list_at(std::nullopt, ts); },
       [](Strata& h, const std::string& k, uint64_t ts) { return h.json_get_at(k, "$", ts); },
       [](Strata& h, const std::string& k) { return h.json_get_versioned(k); },
       [](Strata& h, const std::string& k) { return h.json_getv(k); },
       [](Strata& h, const std::string& k, const std::optional<Value>& v) {
         return v ? status_of(h.json_set(k, "$", *v)) : status_of(h.json_delete(k, "$"));
       }},
  };
  return all;
}

// A vector entry as a value (embedding and metadata), for comparison and
// conflict reports.
std::optional<Value> vector_value(const std::optional<VectorEntry>& e) {
  if (!e)
    return std::nullopt;
  Array embedding;
  for (float x : e->embedding)
    embedding.emplace_back(static_cast<double>(x));
  Object record{{"embedding", std::move(embedding)}};
  if (e->metadata)
    record.set("metadata", *e->metadata);
  return Value{std::move(record)};
}

// What the merge does to one entry.
struct Decision {
  DiffEntry entry;           // value_a: target, value_b: source
  bool conflict = false;
  bool apply = false;        // write the source's value (or delete)
  std::function<caf::error(Strata&)> write;
};

// The three-way rule: changed only on the source -> applied; only on the
// target -> kept; on both to the same value -> nothing; on both to
// different values -> a conflict, which the later commit wins.
std::optional<Decision> decide(std::string primitive, std::string space, std::string key,
                               const Side& src, const Side& tgt,
                               const std::optional<Value>& base) {
  if (src.value == tgt.value || src.value == base)
    return std::nullopt;
  Decision d;
  d.entry = DiffEntry{std::move(key), std::move(primitive), std::move(space), tgt.value,
                      src.value};
  if (tgt.value == base) {
    d.apply = true;
    return d;
  }
  d.conflict = true;
  d.apply = src.ts > tgt.ts;
  return d;
}

// Reads what a merge of `source` (as of `as_of`) into `target` decides, per
// space; events to append are collected in `events` per space.
struct SpacePlan {
  std::string space;
  std::vector<Decision> decisions;
  std::vector<CollectionInfo> collections;  // to create in the target first
  std::vector<Event> events;
};

result<std::vector<SpacePlan>> plan_merge(Strata& hs, Strata& ht, Strata* hb, uint64_t base_ts,
                                          uint64_t as_of) {
  auto in_source = hs.list_spaces();
  if (!in_source)
    return in_source.error();
  auto in_target = ht.list_spaces();
  if (!in_target)
    return in_target.error();
  std::set<std::string> target_spaces(in_target->begin(), in_target->end());
  std::vector<SpacePlan> plans;
  for (const auto& space : *in_source) {
    SpacePlan plan;
    plan.space = space;
    if (auto r = hs.set_space(space); !r)
      return r.error();
    if (auto r = ht.set_space(space); !r)
      return r.error();
    if (hb)
      if (auto r = hb->set_space(space); !r)
        return r.error();
    bool target_has = target_spaces.count(space) != 0;
    for (const auto& fam : families()) {
      auto keys_s = fam.list_at(hs, as_of);
      if (!keys_s)
        return keys_s.error();
      std::set<std::string> keys(keys_s->begin(), keys_s->end());
      if (target_has) {
        auto keys_t = fam.list(ht);
        if (!keys_t)
          return keys_t.error();
        keys.insert(keys_t->begin(), keys_t->end());
      }
      for (const auto& key : keys) {
        Side src, tgt;
        auto sv = fam.get_at(hs, key, as_of);
        if (!sv)
          return sv.error();
        src.value = std::move(*sv);
        if (src.value)
          src.ts = ts_at(fam.history(hs, key), as_of);
        if (target_has) {
          auto tv = fam.get(ht, key);
          if (!tv)
            return tv.error();
          if (*tv) {
            tgt.value = std::move((*tv)->value);
            tgt.ts = (*tv)->timestamp;
          }
        }
        std::optional<Value> base;
        if (hb) {
          auto bv = fam.get_at(*hb, key, base_ts);
          if (!bv)
            return bv.error();
          base = std::move(*bv);
        }
        auto d = decide(fam.name, space, key, src, tgt, base);
        if (!d)
          continue;
        auto value = d->entry.value_b;
        d->write = [&fam, key, value](Strata& h) { return fam.write(h, key, value); };
        plan.decisions.push_back(std::move(*d));
      }
    }
    // Vectors: collections the target lacks are created; entries merge as
    // above (the source as of the merge, the base as of its timestamp).
    auto colls = hs.vector_list_collections();
    if (!colls)
      return colls.error();
    std::set<std::string> target_colls;
    if (target_has) {
      auto tc = ht.vector_list_collections();
      if (!tc)
        return tc.error();
      for (const auto& c : *tc)
        target_colls.insert(c.name);
    }
    for (const auto& c : *colls) {
      bool exists = target_colls.count(c.name) != 0;
      if (!exists)
        plan.collections.push_back(c);
      auto keys_s = hs.vector_list_keys(c.name);
      if (!keys_s)
        return keys_s.error();
      std::set<std::string> keys(keys_s->begin(), keys_s->end());
      if (exists) {
        auto keys_t = ht.vector_list_keys(c.name);
        if (!keys_t)
          return keys_t.error();
        keys.insert(keys_t->begin(), keys_t->end());
      }
      for (const auto& key : keys) {
        auto se = hs.vector_get_at(c.name, key, as_of);
        if (!se)
          return se.error();
        Side src{vector_value(*se), *se ? (*se)->timestamp : 0};
        Side tgt;
        if (exists) {
          auto te = ht.vector_get(c.name, key);
          if (!te)
            return te.error();
          tgt = Side{vector_value(*te), *te ? (*te)->timestamp : 0};
        }
        std::optional<Value> base;
        if (hb) {
          auto be = hb->vector_get_at(c.name, key, base_ts);
          if (be)  // the collection may not exist at the base
            base = vector_value(*be);
        }
        auto d = decide("vector", space, c.name + "/" + key, src, tgt, base);
        if (!d)
          continue;
        d->write = [coll = c.name, key, entry = *se](Strata& h) -> caf::error {
          if (!entry)
            return status_of(h.vector_delete(coll, key));
          return status_of(h.vector_upsert(coll, key, entry->embedding, entry->metadata));
        };
        plan.decisions.push_back(std::move(*d));
      }
    }
    // Events appended on the source after the base (and up to the merge).
    auto len = hs.event_len();
    if (!len)
      return len.error();
    for (uint64_t seq = *len; seq >= 1; --seq) {
      auto e = hs.event_get_record(seq);
      if (!e)
        return e.error();
      if (!*e || (*e)->timestamp <= base_ts)
        break;
      if ((*e)->timestamp <= as_of)
        plan.events.push_back(std::move(**e));
    }
    std::reverse(plan.events.begin(), plan.events.end());
    if (!plan.decisions.empty() || !plan.collections.empty() || !plan.events.empty())
      plans.push_back(std::move(plan));
  }
  return plans;
}

uint64_t now_us() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

result<MergeInfo> merge_branches(Strata& base, std::string_view source, std::string_view target,
                                 MergeStrategy strategy, bool write) {
  MergeInfo info;
  info.source = std::string(source);
  info.target = std::string(target);
  if (info.source == info.target)
    return make_error(errc::InvalidInput, "cannot merge branch \"" + info.source + "\" into itself");
  auto hs = base.new_handle();
  if (!hs)
    return hs.error();
  auto ht = base.new_handle();
  if (!ht)
    return ht.error();
  if (auto r = hs->set_branch(source); !r)
    return r.error();
  if (auto r = ht->set_branch(target); !r)
    return r.error();
  auto mb = merge_base(*hs, info.source, info.target);
  if (!mb)
    return mb.error();
  std::optional<Strata> hb;
  if (*mb) {
    info.merge_base = (*mb)->ts;
    auto h = base.new_handle();
    if (!h)
      return h.error();
    if (auto r = h->set_branch((*mb)->branch); !r)
      return r.error();
    hb = std::move(*h);
  }
  // The source is read as of one moment, which the merge point records: a
  // write committed after it gets a later timestamp (commit timestamps are
  // at least the wall clock's microsecond, and this one has passed).
  uint64_t as_of = now_us() - 1;
  auto plans = plan_merge(*hs, *ht, hb ? &*hb : nullptr, info.merge_base, as_of);
  if (!plans)
    return plans.error();
  for (const auto& plan : *plans)
    for (const auto& d : plan.decisions)
      if (d.conflict)
        info.conflicts.push_back(d.entry);
  if (strategy == MergeStrategy::Strict && !info.conflicts.empty())
    return make_error(errc::ConstraintViolation,
                      "Merge conflict: " + std::to_string(info.conflicts.size()) +
                          " keys changed differently on '" + info.source + "' and '" +
                          info.target + "' since their merge base. Use the last_writer_wins "
                          "strategy to resolve them by commit time.");
  if (!write) {
    for (const auto& plan : *plans) {
      uint64_t applied = 0;
      for (const auto& d : plan.decisions)
        if (d.apply) {
          ++applied;
          info.applied.push_back(d.entry);
        }
      info.keys_applied += applied;
      info.events_appended += plan.events.size();
      if (applied > 0 || !plan.events.empty() || !plan.collections.empty())
        ++info.spaces_merged;
    }
    return info;
  }
  for (auto& plan : *plans) {
    if (auto r = ht->set_space(plan.space); !r)
      return r.error();
    bool touched = false;
    for (const auto& c : plan.collections) {
      if (auto r = ht->vector_create_collection(c.name, c.dimension, c.metric); !r)
        return r.error();
      touched = true;
    }
    for (auto& d : plan.decisions) {
      if (!d.apply)
        continue;
      if (auto err = d.write(*ht))
        return err;
      ++info.keys_applied;
      info.applied.push_back(d.entry);
      touched = true;
    }
    for (const auto& e : plan.events) {
      if (auto r = ht->event_append(e.type, e.payload); !r)
        return r.error();
      ++info.events_appended;
      touched = true;
    }
    if (touched)
      ++info.spaces_merged;
  }
  // The merge point: the next merge from the source starts here.
  auto& h = Access::impl(*ht);
  if (auto r = h.call_root(branch_merged_atom::value, info.target, info.source, as_of); !r)
    return r.error();
  return info;
}

}  // namespace detail

}  // namespace strata
