// JSON documents of a space (SPEC 5.4): versioned whole documents under
// head/history keys with tag 'j'; path operations from json_path.hpp.

#include <cmath>
#include <cstdint>
#include <unordered_map>

#include "key_codec.hpp"
#include "strata/messages/json_path.hpp"
#include "strata/messages/limits.hpp"
#include "strata/store/space_store.hpp"

namespace strata::store {

namespace {

constexpr size_t max_document_bytes = 16u << 20;
constexpr size_t max_document_depth = 100;
constexpr size_t max_document_array = 1'000'000;

bool arrays_within(const Value& v, size_t max) {
  if (auto* a = v.as_array()) {
    if (a->size() > max)
      return false;
    for (const auto& x : *a)
      if (!arrays_within(x, max))
        return false;
  } else if (auto* o = v.as_object()) {
    for (const auto& m : *o)
      if (!arrays_within(m.second, max))
        return false;
  }
  return true;
}

}  // namespace

caf::error SpaceStore::check_document(const Value& doc) const {
  auto depth = json_depth(doc);
  if (depth > max_document_depth)
    return make_error(errc::ConstraintViolation,
                      "Document nesting too deep: " + std::to_string(depth) +
                          " levels exceeds maximum " + std::to_string(max_document_depth));
  if (!arrays_within(doc, max_document_array))
    return make_error(errc::ConstraintViolation,
                      "Document array exceeds " + std::to_string(max_document_array) + " elements");
  auto size = doc.to_json().size();
  if (size > max_document_bytes)
    return make_error(errc::ConstraintViolation,
                      "Document too large: " + std::to_string(size) + " bytes exceeds maximum " +
                          std::to_string(max_document_bytes));
  return validate_value(doc, options_.limits);
}

result<Value> SpaceStore::document_after_set(std::optional<Value> current, const JsonPath& path,
                                             const Value& value) const {
  if (!all_finite(value))
    return make_error(errc::Serialization,
                      "JSON documents cannot hold NaN or Infinity (at " + path.to_string() + ")");
  Value doc = current ? std::move(*current) : (path.is_root() ? Value{} : Value{Object{}});
  if (auto err = strata::json_set(doc, path, value))
    return err;
  if (auto err = check_document(doc))
    return err;
  return doc;
}

result<WriteInfo> SpaceStore::json_set(std::string_view key, std::string_view path,
                                       const Value& value) {
  if (auto err = validate_key(key, options_.limits))
    return err;
  auto parsed = JsonPath::parse(path);
  if (!parsed)
    return parsed.error();
  auto prev = head_of(keys::json, key, true, true);
  if (!prev)
    return prev.error();
  std::optional<Value> current;
  if (prev->live())
    current = std::move(prev->record.value);  // the record is rewritten from prev->raw
  auto doc = document_after_set(std::move(current), *parsed, value);
  if (!doc)
    return doc.error();
  std::vector<std::string> paths{parsed->to_string()};
  return write_version(keys::json, key, *prev, &*doc, &paths);
}

result<std::vector<BatchItemResult>> SpaceStore::json_batch_set(
    const std::vector<JsonEntry>& entries) {
  // Items apply in order, each on the result of the previous ones, and all
  // valid ones land in one batch: compute the final documents first.
  std::vector<BatchItemResult> results(entries.size());
  std::vector<KvEntry> docs;
  std::vector<std::vector<std::string>> changed;  // per document, like json_set's
  std::vector<size_t> doc_of_entry(entries.size(), SIZE_MAX);
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (auto err = validate_key(e.key, options_.limits)) {
      results[i].error = std::move(err);
      continue;
    }
    auto path = JsonPath::parse(e.path);
    if (!path) {
      results[i].error = path.error();
      continue;
    }
    // A copy of the pending document: a failing item must leave it as is.
    std::optional<Value> current;
    auto it = index.find(e.key);
    if (it != index.end()) {
      current = docs[it->second].value;
    } else {
      auto cur = get_latest(keys::json, e.key);
      if (!cur) {
        results[i].error = cur.error();
        continue;
      }
      if (*cur)
        current = std::move((*cur)->value);
    }
    auto doc = document_after_set(std::move(current), *path, e.value);
    if (!doc) {
      results[i].error = doc.error();
      continue;
    }
    if (it == index.end()) {
      it = index.emplace(e.key, docs.size()).first;
      docs.push_back(KvEntry{e.key, std::move(*doc)});
      changed.emplace_back();
    } else {
      docs[it->second].value = std::move(*doc);
    }
    changed[it->second].push_back(path->to_string());
    doc_of_entry[i] = it->second;
  }
  // One version per document touched, however many items touched it.
  auto written = batch_put(keys::json, docs, &changed);
  if (!written)
    return written.error();
  for (size_t i = 0; i < entries.size(); ++i) {
    if (doc_of_entry[i] == SIZE_MAX)
      continue;
    auto& item = (*written)[doc_of_entry[i]];
    results[i].version = item.version;
    results[i].timestamp = item.timestamp;
    results[i].error = item.error;
  }
  return results;
}

result<std::optional<Value>> SpaceStore::json_get(std::string_view key, std::string_view path) {
  return json_get_at(key, path, UINT64_MAX);
}

result<std::optional<Value>> SpaceStore::json_get_at(std::string_view key, std::string_view path,
                                                     uint64_t as_of) {
  auto parsed = JsonPath::parse(path);
  if (!parsed)
    return parsed.error();
  auto doc = get_at(keys::json, key, as_of);  // UINT64_MAX: the newest
  if (!doc)
    return doc.error();
  if (!*doc)
    return std::optional<Value>{};
  const Value* at = strata::json_get((*doc)->value, *parsed);
  if (at == nullptr)
    return std::optional<Value>{};
  return std::optional<Value>{*at};
}

result<std::optional<VersionedValue>> SpaceStore::json_get_document(std::string_view key) {
  return get_latest(keys::json, key);
}

result<std::optional<std::vector<VersionedValue>>> SpaceStore::json_getv(std::string_view key) {
  return history(keys::json, key);
}

result<WriteInfo> SpaceStore::json_delete(std::string_view key, std::string_view path) {
  auto parsed = JsonPath::parse(path);
  if (!parsed)
    return parsed.error();
  if (parsed->is_root())
    return remove(keys::json, key);
  if (auto err = validate_key(key, options_.limits))
    return err;
  auto prev = head_of(keys::json, key, true, true);
  if (!prev)
    return prev.error();
  if (!prev->live())
    return WriteInfo{};
  Value doc = prev->record.value;
  if (strata::json_delete(doc, *parsed) == 0)
    return WriteInfo{};
  std::vector<std::string> paths{parsed->to_string()};
  return write_version(keys::json, key, *prev, &doc, &paths);
}

result<JsonListPage> SpaceStore::json_list(const ListOptions& opts) {
  ListOptions probe = opts;
  // One key more than asked tells whether another page exists.
  if (probe.limit)
    probe.limit = *probe.limit + 1;
  auto keys = list(keys::json, probe);
  if (!keys)
    return keys.error();
  JsonListPage page;
  page.keys = std::move(*keys);
  if (opts.limit && page.keys.size() > *opts.limit) {
    page.keys.resize(*opts.limit);
    if (!page.keys.empty())
      page.cursor = page.keys.back();
  }
  return page;
}

result<std::vector<std::string>> SpaceStore::json_list_at(std::string_view prefix, uint64_t as_of) {
  return list_at(keys::json, prefix, as_of);
}

}  // namespace strata::store
