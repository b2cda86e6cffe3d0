// vector create / drop / collections / stats / upsert / batch-upsert /
// get / del / search (SPEC 5.5, 8.2 "Vector").

#include <algorithm>

#include "commands.hpp"
#include "progress.hpp"
#include "value_input.hpp"

#include "strata/messages/limits.hpp"
#include "strata/messages/vector_types.hpp"

namespace strata::cli {

namespace {

// Batches larger than this are written in chunks of this size, with a
// progress line on a terminal.
constexpr size_t batch_chunk = 1000;

// Runs `call` on the session inside a transaction (its view, its buffered
// writes), on the handle otherwise: the two have the same vector calls.
template <class F>
auto on_view(Context& ctx, F call) {
  return ctx.in_transaction() ? call(ctx.session()) : call(ctx.db());
}

Outcome vector_create(Context& ctx, const Args& args) {
  auto dim = parse_u64(args.positional[1], "dimension");
  if (!dim)
    return dim.error();
  DistanceMetric metric = DistanceMetric::Cosine;
  if (auto m = args.value("metric")) {
    auto parsed = parse_metric(*m);
    if (!parsed)
      return parsed.error();
    metric = *parsed;
  }
  IndexKind index = IndexKind::Auto;
  if (auto i = args.value("index")) {
    if (*i == "flat" || *i == "brute_force")
      index = IndexKind::BruteForce;
    else if (*i == "hnsw")
      index = IndexKind::Hnsw;
    else if (*i != "auto")
      return CliError::make(errc::InvalidInput,
                            "unknown index '" + *i + "' (expected auto, flat or hnsw)");
  }
  auto v = on_view(ctx, [&](auto& h) {
    return h.vector_create_collection(args.positional[0], *dim, metric, index);
  });
  if (!v)
    return v.error();
  return Ack{*v};
}

Outcome vector_drop(Context& ctx, const Args& args) {
  auto existed =
      on_view(ctx, [&](auto& h) { return h.vector_delete_collection(args.positional[0]); });
  if (!existed)
    return existed.error();
  return Deleted{*existed ? 1u : 0u};
}

Outcome vector_collections(Context& ctx, const Args&) {
  auto r = on_view(ctx, [](auto& h) { return h.vector_list_collections(); });
  if (!r)
    return r.error();
  return Collections{std::move(*r)};
}

// `vector list`: the collections; `vector list <collection>`: its keys.
Outcome vector_list(Context& ctx, const Args& args) {
  if (args.positional.empty())
    return vector_collections(ctx, args);
  auto keys = on_view(ctx, [&](auto& h) { return h.vector_list_keys(args.positional[0]); });
  if (!keys)
    return keys.error();
  return Names{std::move(*keys), /*dashed=*/false, false, std::nullopt};
}

Outcome vector_stats(Context& ctx, const Args& args) {
  auto r = on_view(ctx, [&](auto& h) { return h.vector_collection_stats(args.positional[0]); });
  if (!r)
    return r.error();
  return CollectionStats{std::move(*r)};
}

Outcome vector_upsert(Context& ctx, const Args& args) {
  auto vec = parse_vector(args.positional[2]);
  if (!vec)
    return vec.error();
  std::optional<Value> metadata;
  if (auto m = args.value("metadata")) {
    auto parsed = parse_strict_json(*m);
    if (!parsed)
      return parsed.error();
    metadata = std::move(*parsed);
  }
  auto v = on_view(ctx, [&](auto& h) {
    return h.vector_upsert(args.positional[0], args.positional[1], std::move(*vec),
                           std::move(metadata));
  });
  if (!v)
    return v.error();
  return Ack{*v};
}

// `[{"key": "a", "vector": [..], "metadata": {..}}, ...]`
result<std::vector<VectorUpsert>> batch_entries(const Value& json) {
  const Array* arr = json.as_array();
  if (!arr)
    return make_error(errc::InvalidInput,
                      "batch must be a JSON array of {\"key\", \"vector\", \"metadata\"} objects");
  std::vector<VectorUpsert> out;
  out.reserve(arr->size());
  for (size_t i = 0; i < arr->size(); ++i) {
    auto bad = [i](const std::string& what) {
      return make_error(errc::InvalidInput, "entry " + std::to_string(i) + ": " + what);
    };
    const Object* o = (*arr)[i].as_object();
    if (!o)
      return bad("expected an object");
    VectorUpsert e;
    for (const auto& [name, value] : *o) {
      if (name == "key") {
        if (!value.as_str())
          return bad("\"key\" must be a string");
        e.key = *value.as_str();
      } else if (name == "vector" || name == "embedding") {
        auto v = vector_from_value(value);
        if (!v)
          return bad(message_of(v.error()));
        e.embedding = std::move(*v);
      } else if (name == "metadata") {
        if (!value.is_null())
          e.metadata = value;
      } else {
        return bad("unexpected member \"" + name + "\"");
      }
    }
    if (!o->contains("key"))
      return bad("missing \"key\"");
    if (!o->contains("vector") && !o->contains("embedding"))
      return bad("missing \"vector\"");
    out.push_back(std::move(e));
  }
  return out;
}

// Every entry is checked before the first chunk is written, so that a bad
// entry fails the whole batch with nothing written, as a single batch does.
caf::error prevalidate(Strata& db, const std::string& collection,
                       const std::vector<VectorUpsert>& entries) {
  auto info = db.vector_collection_stats(collection);
  if (!info)
    return info.error();
  Limits limits;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (e.embedding.size() != info->dimension)
      return make_error(errc::DimensionMismatch,
                        "entry " + std::to_string(i) + ": expected " +
                            std::to_string(info->dimension) + ", got " +
                            std::to_string(e.embedding.size()));
    if (auto err = validate_key(e.key, limits))
      return err;
    if (e.metadata)
      if (auto err = validate_value(*e.metadata, limits))
        return err;
  }
  return {};
}

Outcome vector_batch_upsert(Context& ctx, const Args& args) {
  const auto& pos = args.positional;
  std::string text;
  if (auto file = args.value("file")) {
    if (pos.size() != 1)
      return CliError::usage("vector batch-upsert <collection> --file <path|->");
    auto t = read_file_arg(ctx, *file);
    if (!t)
      return t.error();
    text = std::move(*t);
  } else {
    if (pos.size() != 2)
      return CliError::usage("vector batch-upsert <collection> <json-array>");
    text = pos[1];
  }
  auto json = parse_strict_json(text);
  if (!json)
    return json.error();
  auto entries = batch_entries(*json);
  if (!entries)
    return entries.error();
  const auto& collection = pos[0];
  // In a transaction the whole batch is buffered at once; outside one a
  // large batch goes in chunks.
  if (entries->size() <= batch_chunk || ctx.in_transaction()) {
    auto r = on_view(ctx, [&](auto& h) {
      return h.vector_batch_upsert(collection, std::move(*entries));
    });
    if (!r)
      return r.error();
    return Ack{};
  }
  if (auto err = prevalidate(ctx.db(), collection, *entries))
    return err;
  Progress progress("vector batch-upsert " + collection, entries->size());
  size_t done = 0;
  while (done < entries->size()) {
    size_t n = std::min(batch_chunk, entries->size() - done);
    std::vector<VectorUpsert> chunk(std::make_move_iterator(entries->begin() + done),
                                    std::make_move_iterator(entries->begin() + done + n));
    auto r = ctx.db().vector_batch_upsert(collection, std::move(chunk));
    if (!r) {
      progress.finish();
      return CliError::from(make_error(
          kind_of(r.error()), message_of(r.error()) + " (after " + std::to_string(done) +
                                  " of " + std::to_string(entries->size()) + " written)"));
    }
    done += n;
    progress.update(done);
  }
  progress.finish();
  return Ack{};
}

Outcome vector_get(Context& ctx, const Args& args) {
  auto as_of = as_of_flag(args);
  if (!as_of)
    return as_of.error();
  auto r = *as_of ? ctx.db().vector_get_at(args.positional[0], args.positional[1], **as_of)
                  : on_view(ctx, [&](auto& h) {
                      return h.vector_get(args.positional[0], args.positional[1]);
                    });
  if (!r)
    return r.error();
  return VectorRecord{std::move(*r)};
}

Outcome vector_del(Context& ctx, const Args& args) {
  auto existed = on_view(
      ctx, [&](auto& h) { return h.vector_delete(args.positional[0], args.positional[1]); });
  if (!existed)
    return existed.error();
  return Deleted{*existed ? 1u : 0u};
}

Outcome vector_search(Context& ctx, const Args& args) {
  auto query = parse_vector(args.positional[1]);
  if (!query)
    return query.error();
  uint64_t k = 10;
  if (args.positional.size() > 2) {
    auto n = parse_u64(args.positional[2], "k");
    if (!n)
      return n.error();
    k = *n;
  }
  if (auto m = args.value("metric")) {
    // Documented but, as in the reference implementation, the collection's
    // own metric is always used; the name is still checked.
    if (auto parsed = parse_metric(*m); !parsed)
      return parsed.error();
  }
  MetadataFilter filter;
  if (auto f = args.value("filter")) {
    auto json = parse_strict_json(*f);
    if (!json)
      return json.error();
    auto parsed = MetadataFilter::from_value(*json);
    if (!parsed)
      return parsed.error();
    filter = std::move(*parsed);
  }
  auto as_of = as_of_flag(args);
  if (!as_of)
    return as_of.error();
  auto r = *as_of ? ctx.db().vector_search_at(args.positional[0], std::move(*query), k,
                                              std::move(filter), **as_of)
                  : on_view(ctx, [&](auto& h) {
                      return h.vector_search(args.positional[0], std::move(*query), k,
                                             std::move(filter));
                    });
  if (!r)
    return r.error();
  return Matches{std::move(*r)};
}

}  // namespace

void register_vector_commands(CommandTable& t) {
  t.add({{"vector", "create"},
         "vector create <name> <dim> [--metric cosine|euclidean|dot] [--index auto|flat|hnsw]",
         "create a collection (default metric cosine; index auto: exact, then HNSW past "
         "20,000 vectors)",
         {{"metric", 'm', true}, {"index", 'i', true}},
         2,
         2,
         "VectorCreateCollection",
         vector_create});
  for (std::string_view word : {"drop", "del-collection"})
    t.add({{"vector", word},
           word == "drop" ? "vector drop <name>" : "vector del-collection <name>",
           "delete a collection and its vectors",
           {},
           1,
           1,
           "VectorDeleteCollection",
           vector_drop});
  t.add({{"vector", "collections"},
         "vector collections",
         "collections of the space: name, dimension, metric, count",
         {},
         0,
         0,
         {},
         vector_collections});
  t.add({{"vector", "list"},
         "vector list [<collection>]",
         "the collections, or the keys of one collection",
         {},
         0,
         1,
         {},
         vector_list});
  t.add({{"vector", "stats"},
         "vector stats <name>",
         "one collection's details",
         {},
         1,
         1,
         {},
         vector_stats});
  t.add({{"vector", "upsert"},
         "vector upsert <collection> <key> <vector-json> [--metadata <json>]",
         "insert or replace a vector",
         {{"metadata", 0, true}},
         3,
         3,
         "VectorUpsert",
         vector_upsert});
  t.add({{"vector", "batch-upsert"},
         "vector batch-upsert <collection> <json-array> | --file <path|->",
         "upsert [{\"key\":..,\"vector\":[..],\"metadata\":{..}}, ...]",
         {{"file", 'f', true}},
         1,
         2,
         "VectorBatchUpsert",
         vector_batch_upsert});
  t.add({{"vector", "get"},
         "vector get <collection> <key> [--as-of <ts>]",
         "one vector with its metadata, (nil) when missing",
         {{"as-of", 0, true}},
         2,
         2,
         {},
         vector_get});
  t.add({{"vector", "del"},
         "vector del <collection> <key>",
         "delete a vector (not an error when missing)",
         {},
         2,
         2,
         "VectorDelete",
         vector_del});
  t.add({{"vector", "search"},
         "vector search <collection> <query-json> [k] [--filter <json>] [--as-of <ts>]",
         "the k (default 10) most similar vectors, best first",
         {{"metric", 'm', true}, {"filter", 'f', true}, {"as-of", 0, true}},
         2,
         3,
         {},
         vector_search});
}

}  // namespace strata::cli
