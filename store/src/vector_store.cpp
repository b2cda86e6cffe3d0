// Vector collections of a space (SPEC 5.5).
//
// Storage: a collection's config is a versioned entry with tag 'c' under
// its name, a Value object {"dimension": Int, "metric": String, "index":
// String}. Each vector is a versioned entry with tag 'x' under
// "<collection> NUL <key>", a Value object {"id": Int, "embedding": Bytes
// (little-endian float32 x dimension), "metadata": any Value, absent when
// none}. The similarity index lives in memory and is rebuilt from these
// records the first time a collection is used after open.

#include <algorithm>
#include <cmath>
#include <cstring>

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include "key_codec.hpp"
#include "strata/messages/txn_types.hpp"
#include "txn_overlay.hpp"
#include "strata/messages/limits.hpp"
#include "vector_collection.hpp"

namespace strata::store {

namespace {

std::string entry_key(std::string_view collection, std::string_view key) {
  return vector_entry_key(collection, key);
}


IndexKind kind_from(std::string_view s) {
  if (s == "brute_force")
    return IndexKind::BruteForce;
  if (s == "hnsw")
    return IndexKind::Hnsw;
  return IndexKind::Auto;
}

Value record_value(uint64_t id, const std::vector<float>& embedding,
                   const std::optional<Value>& metadata) {
  Bytes bytes(embedding.size() * sizeof(float));
  std::memcpy(bytes.data(), embedding.data(), bytes.size());
  Object o;
  o.set("id", static_cast<int64_t>(id));
  o.set("embedding", std::move(bytes));
  if (metadata)
    o.set("metadata", *metadata);
  return Value{std::move(o)};
}

struct DecodedVector {
  uint64_t id = 0;
  std::vector<float> embedding;
  std::optional<Value> metadata;
};

result<DecodedVector> decode_vector(const Value& v, uint64_t dimension) {
  auto bad = [] { return make_error(errc::Serialization, "corrupt vector record"); };
  const Object* o = v.as_object();
  if (o == nullptr)
    return bad();
  const Value* id = o->find("id");
  const Value* emb = o->find("embedding");
  if (id == nullptr || !id->is_int() || emb == nullptr || !emb->is_bytes())
    return bad();
  const Bytes& bytes = *emb->as_bytes();
  if (bytes.size() != dimension * sizeof(float))
    return bad();
  DecodedVector out;
  out.id = static_cast<uint64_t>(*id->as_int());
  out.embedding.resize(dimension);
  std::memcpy(out.embedding.data(), bytes.data(), bytes.size());
  if (const Value* m = o->find("metadata"))
    out.metadata = *m;
  return out;
}

caf::error dimension_mismatch(uint64_t expected, size_t actual) {
  return make_error(errc::DimensionMismatch, "dimension mismatch: expected " +
                                                 std::to_string(expected) + ", got " +
                                                 std::to_string(actual));
}

caf::error collection_not_found(std::string_view name) {
  return make_error(errc::CollectionNotFound, "collection not found: " + std::string(name));
}

// A collection's stored config.
struct Config {
  uint64_t dimension = 0;
  DistanceMetric metric = DistanceMetric::Cosine;
  IndexKind kind = IndexKind::Auto;
};

Value config_value(uint64_t dimension, DistanceMetric metric, IndexKind kind) {
  Object config;
  config.set("dimension", static_cast<int64_t>(dimension));
  config.set("metric", to_string(metric));
  config.set("index", to_string(kind));
  return Value{std::move(config)};
}

result<Config> decode_config(const Value& v, std::string_view name) {
  const Object* o = v.as_object();
  const Value* dim = o ? o->find("dimension") : nullptr;
  const Value* metric = o ? o->find("metric") : nullptr;
  const Value* index = o ? o->find("index") : nullptr;
  if (dim == nullptr || !dim->is_int() || metric == nullptr || !metric->is_string() ||
      index == nullptr || !index->is_string() || validate_dimension(*dim->as_int()))
    return make_error(errc::Serialization, "corrupt config of collection " + std::string(name));
  auto m = parse_metric(*metric->as_str());
  if (!m)
    return m.error();
  return Config{static_cast<uint64_t>(*dim->as_int()), *m, kind_from(*index->as_str())};
}

// A transaction's vector upsert carries {"embedding", "metadata"?}: the
// record without its index id, which the apply assigns.
result<DecodedVector> decode_upsert(const Value& v) {
  const Object* o = v.as_object();
  const Value* emb = o ? o->find("embedding") : nullptr;
  if (emb == nullptr || !emb->is_bytes() || emb->as_bytes()->size() % sizeof(float) != 0)
    return make_error(errc::Serialization, "corrupt vector upsert in a transaction");
  DecodedVector out;
  const Bytes& bytes = *emb->as_bytes();
  out.embedding.resize(bytes.size() / sizeof(float));
  std::memcpy(out.embedding.data(), bytes.data(), bytes.size());
  if (const Value* m = o->find("metadata"))
    out.metadata = *m;
  return out;
}

// The user's key of vector entry "<collection> NUL <key>".
std::string_view key_part(std::string_view entry, std::string_view collection) {
  return entry.substr(std::min(entry.size(), collection.size() + 1));
}

}  // namespace

result<SpaceStore::Collection*> SpaceStore::collection(std::string_view name) {
  if (auto err = validate_collection_name(name))
    return err;
  if (auto it = collections_.find(name); it != collections_.end())
    return it->second.get();
  auto config = get_latest(keys::collection, name);
  if (!config)
    return config.error();
  if (!*config)
    return collection_not_found(name);
  auto cfg = decode_config((*config)->value, name);
  if (!cfg)
    return cfg.error();
  auto c = std::make_unique<Collection>(std::string(name), cfg->dimension, cfg->metric, cfg->kind);
  // Rebuild the index from the live vectors.
  auto prefix = keys::head_prefix(keys::vector, entry_key(name, ""));
  auto err = scan(prefix, [&](std::string_view k, std::string_view v) -> result<bool> {
    auto rec = decode_versioned_record(v);
    if (!rec)
      return rec.error();
    if (rec->tombstone)
      return true;
    auto vec = decode_vector(rec->value, c->dimension);
    if (!vec)
      return vec.error();
    std::string key(k.substr(prefix.size()));
    c->index.upsert(vec->id, vec->embedding.data());
    c->id_of[key] = vec->id;
    c->key_of[vec->id] = key;
    c->metadata_of[vec->id] = std::move(vec->metadata);
    c->next_id = std::max(c->next_id, vec->id + 1);
    return true;
  });
  if (err)
    return err;
  auto* raw = c.get();
  collections_.emplace(std::string(name), std::move(c));
  return raw;
}

result<SpaceStore::Collection*> SpaceStore::queried_collection(std::string_view name,
                                                               const std::vector<float>& query) {
  auto c = collection(name);
  if (c && query.size() != (*c)->dimension)
    return dimension_mismatch((*c)->dimension, query.size());
  return c;
}

caf::error SpaceStore::check_embedding(const Collection& c,
                                       const std::vector<float>& embedding) const {
  if (embedding.size() > options_.limits.max_vector_dim)
    return make_error(errc::ConstraintViolation,
                      "Vector dimension " + std::to_string(embedding.size()) +
                          " exceeds maximum " + std::to_string(options_.limits.max_vector_dim));
  if (embedding.size() != c.dimension)
    return dimension_mismatch(c.dimension, embedding.size());
  return {};
}

result<uint64_t> SpaceStore::vector_create_collection(std::string_view name, uint64_t dimension,
                                                      DistanceMetric metric, IndexKind kind) {
  if (auto err = validate_collection_name(name))
    return err;
  if (auto err = validate_dimension(dimension))
    return err;
  auto prev = head_of(keys::collection, name, false, true);
  if (!prev)
    return prev.error();
  if (prev->live())
    return make_error(errc::CollectionExists, "collection already exists: " + std::string(name));
  Value v = config_value(dimension, metric, kind);
  auto written = write_version(keys::collection, name, *prev, &v);
  if (!written)
    return written.error();
  collections_.erase(std::string(name));
  return written->version;
}

result<bool> SpaceStore::vector_delete_collection(std::string_view name) {
  if (auto err = validate_collection_name(name))
    return err;
  auto prev = head_of(keys::collection, name, false, true);
  if (!prev)
    return prev.error();
  if (!prev->live())
    return false;
  // Drop every vector record (heads and history) of the collection, and
  // tombstone the config, in one batch.
  leveldb::WriteBatch batch;
  if (auto err = stage_drop_vectors(batch, name))
    return err;
  stage_version(batch, keys::collection, name, *prev, clock_.next(prev->record.timestamp), nullptr);
  if (auto err = write(batch))
    return err;
  collections_.erase(std::string(name));
  return true;
}

caf::error SpaceStore::stage_drop_vectors(leveldb::WriteBatch& batch, std::string_view name) {
  for (const auto& prefix : {keys::head_prefix(keys::vector, entry_key(name, "")),
                             keys::history_prefix(keys::vector, std::string(name))}) {
    // History keys are 'v' 'x' collection NUL key NUL version; history_prefix
    // of the bare name ends with that first NUL.
    auto err = scan(prefix, [&](std::string_view k, std::string_view) -> result<bool> {
      batch.Delete(leveldb::Slice(k.data(), k.size()));
      return true;
    });
    if (err)
      return err;
  }
  return {};
}

result<CollectionInfo> SpaceStore::vector_collection_stats(std::string_view name) {
  auto c = collection(name);
  if (!c)
    return c.error();
  CollectionInfo info;
  info.name = (*c)->name;
  info.dimension = (*c)->dimension;
  info.metric = (*c)->metric;
  info.count = (*c)->index.size();
  info.index_type = (*c)->index.kind_name();
  info.memory_bytes = (*c)->index.memory_bytes();
  return info;
}

result<std::vector<CollectionInfo>> SpaceStore::vector_list_collections() {
  ListOptions opts;
  auto names = list(keys::collection, opts);
  if (!names)
    return names.error();
  std::vector<CollectionInfo> out;
  for (const auto& name : *names) {
    auto info = vector_collection_stats(name);
    if (!info)
      return info.error();
    out.push_back(std::move(*info));
  }
  return out;
}

result<WriteInfo> SpaceStore::vector_upsert(std::string_view collection_name, std::string_view key,
                                            const std::vector<float>& embedding,
                                            const std::optional<Value>& metadata) {
  auto r = upsert_vectors(collection_name, {VectorUpsert{std::string(key), embedding, metadata}});
  if (!r)
    return r.error();
  return r->front();
}

result<std::vector<uint64_t>> SpaceStore::vector_batch_upsert(
    std::string_view collection_name, const std::vector<VectorUpsert>& entries) {
  auto r = upsert_vectors(collection_name, entries);
  if (!r)
    return r.error();
  std::vector<uint64_t> versions;
  versions.reserve(r->size());
  for (const auto& w : *r)
    versions.push_back(w.version);
  return versions;
}

result<std::vector<WriteInfo>> SpaceStore::upsert_vectors(
    std::string_view collection_name, const std::vector<VectorUpsert>& entries) {
  auto c = collection(collection_name);
  if (!c)
    return c.error();
  Collection& coll = **c;
  // Validate everything before writing anything (SPEC 5.5: all or nothing).
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    // In a real batch, say which entry was wrong.
    auto where = [&](caf::error err) {
      if (entries.size() == 1)
        return err;
      return make_error(kind_of(err), "entry " + std::to_string(i) + " ('" + e.key +
                                          "'): " + message_of(err));
    };
    if (auto err = validate_key(e.key, options_.limits))
      return where(std::move(err));
    if (auto err = check_embedding(coll, e.embedding))
      return where(std::move(err));
    if (e.metadata)
      if (auto err = validate_value(*e.metadata, options_.limits))
        return where(std::move(err));
  }
  std::vector<KvEntry> records;
  std::vector<uint64_t> ids;
  std::unordered_map<std::string, uint64_t> fresh;
  uint64_t next_id = coll.next_id;
  for (const auto& e : entries) {
    uint64_t id;
    if (auto it = coll.id_of.find(e.key); it != coll.id_of.end())
      id = it->second;
    else if (auto f = fresh.find(e.key); f != fresh.end())
      id = f->second;
    else
      id = fresh[e.key] = next_id++;
    ids.push_back(id);
    records.push_back(KvEntry{entry_key(coll.name, e.key), record_value(id, e.embedding, e.metadata)});
  }
  auto written = batch_put(keys::vector, records);
  if (!written)
    return written.error();
  std::vector<WriteInfo> versions;
  for (size_t i = 0; i < entries.size(); ++i) {
    auto& item = (*written)[i];
    if (!item.ok())
      return std::move(item.error);  // cannot happen: validated above
    versions.push_back(WriteInfo{*item.version, item.timestamp});
    coll.index.upsert(ids[i], entries[i].embedding.data());
    coll.id_of[entries[i].key] = ids[i];
    coll.key_of[ids[i]] = entries[i].key;
    coll.metadata_of[ids[i]] = entries[i].metadata;
  }
  coll.next_id = next_id;
  return versions;
}

result<std::optional<VectorEntry>> SpaceStore::vector_get_at(std::string_view collection_name,
                                                             std::string_view key,
                                                             uint64_t as_of) {
  using out_type = std::optional<VectorEntry>;
  auto c = collection(collection_name);
  if (!c)
    return c.error();
  if (auto err = validate_key(key, options_.limits))
    return err;
  auto ek = entry_key(collection_name, key);
  auto rec = get_at(keys::vector, ek, as_of);  // UINT64_MAX: the newest
  if (!rec)
    return rec.error();
  if (!*rec)
    return out_type{};
  auto vec = decode_vector((*rec)->value, (*c)->dimension);
  if (!vec)
    return vec.error();
  return out_type{VectorEntry{std::string(key), std::move(vec->embedding), std::move(vec->metadata),
                              (*rec)->version, (*rec)->timestamp}};
}

result<std::optional<VectorEntry>> SpaceStore::vector_get(std::string_view collection_name,
                                                          std::string_view key) {
  return vector_get_at(collection_name, key, UINT64_MAX);
}

result<std::vector<std::string>> SpaceStore::vector_keys(std::string_view collection_name) {
  auto c = collection(collection_name);
  if (!c)
    return c.error();
  std::vector<std::string> out;
  for (const auto& [key, id] : (*c)->id_of)
    out.push_back(key);
  std::sort(out.begin(), out.end());
  return out;
}

result<WriteInfo> SpaceStore::vector_delete(std::string_view collection_name,
                                            std::string_view key) {
  auto c = collection(collection_name);
  if (!c)
    return c.error();
  if (auto err = validate_key(key, options_.limits))
    return err;
  auto removed = remove(keys::vector, entry_key(collection_name, key));
  if (!removed)
    return removed.error();
  if (removed->version != 0) {
    Collection& coll = **c;
    if (auto it = coll.id_of.find(std::string(key)); it != coll.id_of.end()) {
      coll.index.remove(it->second);
      coll.key_of.erase(it->second);
      coll.metadata_of.erase(it->second);
      coll.id_of.erase(it);
    }
  }
  return removed;
}

result<std::vector<VectorMatch>> SpaceStore::vector_search(std::string_view collection_name,
                                                           const std::vector<float>& query,
                                                           uint64_t k,
                                                           const MetadataFilter& filter) {
  auto c = queried_collection(collection_name, query);
  if (!c)
    return c.error();
  Collection& coll = **c;
  std::vector<VectorMatch> out;
  if (k == 0 || coll.index.empty())
    return out;
  std::function<bool(uint64_t)> accept;
  if (!filter.empty())
    accept = [&](uint64_t id) {
      auto it = coll.metadata_of.find(id);
      const Value* m = (it != coll.metadata_of.end() && it->second) ? &*it->second : nullptr;
      return filter.matches(m);
    };
  for (auto& [id, score] : coll.index.search(query.data(), k, accept))
    out.push_back(VectorMatch{coll.key_of[id], score, coll.metadata_of[id]});
  return out;
}

result<std::vector<VectorMatch>> SpaceStore::vector_search_at(std::string_view collection_name,
                                                              const std::vector<float>& query,
                                                              uint64_t k,
                                                              const MetadataFilter& filter,
                                                              uint64_t as_of) {
  auto c = queried_collection(collection_name, query);
  if (!c)
    return c.error();
  Collection& coll = **c;
  struct Hit {
    uint64_t id;
    float score;
    VectorMatch match;
  };
  std::vector<Hit> hits;
  if (k == 0)
    return std::vector<VectorMatch>{};
  // Exact scan over every vector that ever existed, as it was at as_of.
  auto prefix = keys::head_prefix(keys::vector, entry_key(coll.name, ""));
  auto err = scan(prefix, [&](std::string_view stored, std::string_view) -> result<bool> {
    std::string key(stored.substr(prefix.size()));
    auto rec = get_at(keys::vector, entry_key(coll.name, key), as_of);
    if (!rec)
      return rec.error();
    if (!*rec)
      return true;
    auto vec = decode_vector((*rec)->value, coll.dimension);
    if (!vec)
      return vec.error();
    const Value* m = vec->metadata ? &*vec->metadata : nullptr;
    if (!filter.empty() && !filter.matches(m))
      return true;
    float score = vector_score(coll.metric, query.data(), vec->embedding.data(), coll.dimension);
    hits.push_back(Hit{vec->id, score, VectorMatch{key, score, std::move(vec->metadata)}});
    return true;
  });
  if (err)
    return err;
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
  std::vector<VectorMatch> out;
  for (size_t i = 0; i < hits.size() && i < k; ++i)
    out.push_back(std::move(hits[i].match));
  return out;
}

// -- at a time -----------------------------------------------------------------------

result<std::vector<CollectionInfo>> SpaceStore::vector_collections_at(std::string_view name,
                                                                      uint64_t as_of,
                                                                      bool counts) {
  std::vector<std::string> names;
  if (name.empty()) {
    auto all = list_at(keys::collection, "", as_of);
    if (!all)
      return all.error();
    names = std::move(*all);
  } else {
    if (auto err = validate_collection_name(name))
      return err;
    names.emplace_back(name);
  }
  std::vector<CollectionInfo> out;
  for (const auto& n : names) {
    auto rec = get_at(keys::collection, n, as_of);
    if (!rec)
      return rec.error();
    if (!*rec)
      continue;
    auto cfg = decode_config((*rec)->value, n);
    if (!cfg)
      return cfg.error();
    CollectionInfo info;
    info.name = n;
    info.dimension = cfg->dimension;
    info.metric = cfg->metric;
    info.index_type = to_string(cfg->kind);
    if (counts) {
      auto live = vector_keys_at(n, as_of);
      if (!live)
        return live.error();
      info.count = live->size();
    }
    out.push_back(std::move(info));
  }
  return out;
}

result<std::vector<std::string>> SpaceStore::vector_keys_at(std::string_view collection,
                                                            uint64_t as_of) {
  if (auto err = validate_collection_name(collection))
    return err;
  auto prefix = entry_key(collection, "");
  auto entries = live_keys_at(keys::vector, prefix, as_of);
  if (!entries)
    return entries.error();
  for (auto& e : *entries)
    e.erase(0, prefix.size());
  return entries;
}

// -- in a transaction's write set ---------------------------------------------------------

caf::error SpaceStore::txn_vector_op(Overlays& entries, VectorTxn& vt, const TxnOp& op) {
  const bool on_collection =
      op.kind == TxnOpKind::CollectionCreate || op.kind == TxnOpKind::CollectionDelete;
  const std::string& name = on_collection ? op.key : op.arg;
  if (auto err = validate_collection_name(name))
    return err;
  auto config = txn_entry(entries, keys::collection, name);
  if (!config)
    return config.error();
  Overlay& c = **config;
  switch (op.kind) {
    case TxnOpKind::CollectionCreate: {
      if (c.live)
        return make_error(errc::CollectionExists, "collection already exists: " + name);
      if (auto cfg = decode_config(op.value, name); !cfg)
        return cfg.error();
      c.value = op.value;
      c.live = c.touched = true;
      ++c.writes;
      vt.configured.insert(name);
      return {};
    }
    case TxnOpKind::CollectionDelete: {
      if (!c.live)
        return {};
      c.live = false;
      c.touched = true;
      ++c.writes;
      vt.configured.insert(name);
      vt.dropped.insert(name);
      // What the write set did to its vectors so far goes with them.
      auto first = entries.lower_bound({keys::vector, entry_key(name, "")});
      auto last = first;
      while (last != entries.end() && last->first.first == keys::vector &&
             last->first.second.compare(0, name.size() + 1, entry_key(name, "")) == 0)
        ++last;
      entries.erase(first, last);
      return {};
    }
    default: break;
  }
  if (!c.live)
    return collection_not_found(name);
  auto key = key_part(op.key, name);
  if (op.key.size() <= name.size() || op.key.compare(0, name.size() + 1, entry_key(name, "")) != 0)
    return make_error(errc::Serialization, "corrupt vector operation in a transaction");
  if (auto err = validate_key(key, options_.limits))
    return err;
  auto entry = txn_entry(entries, keys::vector, op.key, vt.dropped.count(name) == 0);
  if (!entry)
    return entry.error();
  Overlay& e = **entry;
  if (e.writes == 0 && e.live) {  // the stored vector: keep its id
    const Object* o = e.value.as_object();
    const Value* id = o ? o->find("id") : nullptr;
    if (id == nullptr || !id->is_int())
      return make_error(errc::Serialization, "corrupt vector record");
    e.vector_id = static_cast<uint64_t>(*id->as_int());
  }
  ++e.writes;
  if (op.kind == TxnOpKind::VectorDelete) {
    if (e.live)
      e.live = false, e.touched = true, e.vector_id = 0;
    return {};
  }
  auto cfg = decode_config(c.value, name);
  if (!cfg)
    return cfg.error();
  auto vec = decode_upsert(op.value);
  if (!vec)
    return vec.error();
  if (vec->embedding.size() > options_.limits.max_vector_dim)
    return make_error(errc::ConstraintViolation,
                      "Vector dimension " + std::to_string(vec->embedding.size()) +
                          " exceeds maximum " + std::to_string(options_.limits.max_vector_dim));
  if (vec->embedding.size() != cfg->dimension)
    return dimension_mismatch(cfg->dimension, vec->embedding.size());
  if (vec->metadata)
    if (auto err = validate_value(*vec->metadata, options_.limits))
      return err;
  e.value = op.value;
  e.live = e.touched = true;
  return {};
}

caf::error SpaceStore::txn_stage_vectors(Overlays& entries, VectorTxn& vt,
                                         leveldb::WriteBatch& batch) {
  for (const auto& name : vt.dropped)
    if (auto err = stage_drop_vectors(batch, name))
      return err;
  // New vectors take the next ids of their collection: 1 up in one the
  // write set created afresh, else after the stored ones.
  std::map<std::string, uint64_t, std::less<>> next_id;
  for (auto& [id, e] : entries) {
    const auto& [tag, stored_key] = id;
    if (tag != keys::vector || !e.touched)
      continue;
    auto name = stored_key.substr(0, stored_key.find('\0'));
    VectorTxn::Written w{name, std::string(key_part(stored_key, name)), 0, e.live, {}, {}};
    if (e.live) {
      auto vec = decode_upsert(e.value);
      if (!vec)
        return vec.error();
      if (e.vector_id == 0) {
        auto it = next_id.find(name);
        if (it == next_id.end()) {
          uint64_t first = 1;
          if (vt.configured.count(name) == 0) {
            auto coll = collection(name);
            if (!coll)
              return coll.error();
            first = (*coll)->next_id;
          }
          it = next_id.emplace(name, first).first;
        }
        e.vector_id = it->second++;
      }
      w.id = e.vector_id;
      w.embedding = std::move(vec->embedding);
      w.metadata = std::move(vec->metadata);
      e.value = record_value(w.id, w.embedding, w.metadata);
    }
    vt.written.push_back(std::move(w));
  }
  return {};
}

void SpaceStore::txn_vectors_applied(VectorTxn& vt) {
  for (const auto& name : vt.configured)
    collections_.erase(name);
  for (auto& w : vt.written) {
    auto it = collections_.find(w.collection);
    if (it == collections_.end())
      continue;  // not loaded: built from the records on first use
    Collection& coll = *it->second;
    if (auto old = coll.id_of.find(w.key); old != coll.id_of.end() && old->second != w.id) {
      coll.index.remove(old->second);
      coll.key_of.erase(old->second);
      coll.metadata_of.erase(old->second);
      coll.id_of.erase(old);
    }
    if (!w.live)
      continue;
    coll.index.upsert(w.id, w.embedding.data());
    coll.id_of[w.key] = w.id;
    coll.key_of[w.id] = w.key;
    coll.metadata_of[w.id] = std::move(w.metadata);
    coll.next_id = std::max(coll.next_id, w.id + 1);
  }
}

}  // namespace strata::store
