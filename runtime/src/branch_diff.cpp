// diff_branches and merge_branches, on top of the handle API: every space
// of both branches is read through a handle on each branch.

#include <algorithm>
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
  uint64_t oldest = UINT64_MAX, latest = 0;
  auto see = [&](uint64_t ts) {
    oldest = std::min(oldest, ts);
    latest = std::max(latest, ts);
  };
  auto see_history = [&](const result<std::optional<std::vector<VersionedValue>>>& h) {
    if (h && *h)
      for (const auto& v : **h)
        see(v.timestamp);
  };
  auto spaces = h->list_spaces();
  if (!spaces)
    return spaces.error();
  for (const auto& space : *spaces) {
    if (auto r = h->set_space(space); !r)
      return r.error();
    if (auto keys = h->kv_list())
      for (const auto& k : *keys)
        see_history(h->kv_getv(k));
    if (auto cells = h->state_list())
      for (const auto& c : *cells)
        see_history(h->state_getv(c));
    std::optional<std::string> cursor;
    do {
      auto page = h->json_list(std::nullopt, cursor, 1000);
      if (!page)
        return page.error();
      for (const auto& k : page->keys)
        see_history(h->json_getv(k));
      cursor = page->cursor;
    } while (cursor);
    auto len = h->event_len();
    if (len && *len > 0) {
      for (uint64_t seq : {uint64_t{1}, *len})
        if (auto e = h->event_get(seq); e && *e)
          see((*e)->timestamp);
    }
    if (auto colls = h->vector_list_collections())
      for (const auto& c : *colls)
        if (auto keys = h->vector_list_keys(c.name))
          for (const auto& k : *keys)
            if (auto v = h->vector_get(c.name, k); v && *v)
              see((*v)->timestamp);
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

result<MergeInfo> merge_branches(Strata& base, std::string_view source, std::string_view target,
                                 MergeStrategy strategy) {
  auto diff = diff_branches(base, target, source);
  if (!diff)
    return diff.error();
  MergeInfo info;
  info.source = std::string(source);
  info.target = std::string(target);
  for (auto& sd : diff->spaces)
    for (auto& m : sd.modified)
      info.conflicts.push_back(m);
  if (strategy == MergeStrategy::Strict && !info.conflicts.empty())
    return make_error(errc::ConstraintViolation,
                      "Merge conflict: " + std::to_string(info.conflicts.size()) +
                          " keys differ between '" + info.source + "' and '" + info.target +
                          "'. Use the last_writer_wins strategy to overwrite.");
  auto h = base.new_handle();
  if (!h)
    return h.error();
  if (auto r = h->set_branch(target); !r)
    return r.error();
  auto apply = [&](const DiffEntry& e, bool modified) -> caf::error {
    const Value& v = *e.value_b;  // the source's value (diff(target, source))
    if (e.primitive == "kv")
      { auto r = h->kv_put(e.key, v); return r ? caf::error{} : r.error(); }
    if (e.primitive == "state") {
      auto r = h->state_set(e.key, v);
      return r ? caf::error{} : r.error();
    }
    if (e.primitive == "json") {
      auto r = h->json_set(e.key, "$", v);
      return r ? caf::error{} : r.error();
    }
    if (e.primitive == "vector_collection") {
      if (modified)
        return {};  // same name, other shape: reported as a conflict, kept
      const Object* o = v.as_object();
      auto metric = parse_metric(*o->find("metric")->as_str());
      if (!metric)
        return metric.error();
      auto r = h->vector_create_collection(e.key, static_cast<uint64_t>(*o->find("dimension")->as_int()),
                                           *metric);
      return r ? caf::error{} : r.error();
    }
    if (e.primitive == "vector") {
      auto slash = e.key.find('/');
      const Object* o = v.as_object();
      std::vector<float> embedding;
      for (const auto& x : *o->find("embedding")->as_array())
        embedding.push_back(static_cast<float>(*x.as_float()));
      std::optional<Value> metadata;
      if (const Value* m = o->find("metadata"))
        metadata = *m;
      auto r = h->vector_upsert(e.key.substr(0, slash), e.key.substr(slash + 1), embedding,
                                metadata);
      return r ? caf::error{} : r.error();
    }
    // Events are immutable: only the source's extra events are appended.
    if (modified)
      return {};
    const Object* o = v.as_object();
    auto r = h->event_append(*o->find("type")->as_str(), *o->find("payload"));
    return r ? caf::error{} : r.error();
  };
  for (auto& sd : diff->spaces) {
    if (auto r = h->set_space(sd.space); !r)
      return r.error();
    bool touched = false;
    // Events must be appended in sequence order: "added" is sorted by key
    // as text, so order the event entries numerically.
    std::vector<const DiffEntry*> added;
    for (auto& e : sd.added)
      added.push_back(&e);
    // Collections before their vectors; events in sequence order ("added"
    // is sorted by primitive, then key as text).
    auto rank = [](const DiffEntry* e) { return e->primitive == "vector_collection" ? 0 : 1; };
    std::stable_sort(added.begin(), added.end(), [&](const DiffEntry* x, const DiffEntry* y) {
      if (rank(x) != rank(y))
        return rank(x) < rank(y);
      if (x->primitive != "event" || y->primitive != "event")
        return false;
      return std::stoull(x->key) < std::stoull(y->key);
    });
    for (auto* e : added) {
      if (auto err = apply(*e, false))
        return err;
      ++info.keys_applied;
      touched = true;
    }
    for (auto& e : sd.modified) {
      if (e.primitive == "event")
        continue;
      if (auto err = apply(e, true))
        return err;
      ++info.keys_applied;
      touched = true;
    }
    if (touched)
      ++info.spaces_merged;
  }
  return info;
}

}  // namespace detail

}  // namespace strata
