// The public facade: each Strata handle is a Client actor plus its current
// branch and space, and a cache of the space actors it has talked to.

#include "strata/strata.hpp"

#include <limits>
#include <thread>
#include <unordered_map>

#include <caf/all.hpp>

#include "handle_impl.hpp"
#include "strata/store/bundle.hpp"

namespace strata {


namespace {

template <class T>
result<void> to_void(result<T>&& r) {
  if (!r)
    return std::move(r.error());
  return {};
}

result<std::optional<Value>> value_of(result<MaybeVersioned>&& r) {
  if (!r)
    return std::move(r.error());
  if (!r->found)
    return std::optional<Value>{};
  return std::optional<Value>{std::move(r->entry.value)};
}

result<std::optional<VersionedValue>> versioned_of(result<MaybeVersioned>&& r) {
  if (!r)
    return std::move(r.error());
  return std::move(*r).to_optional();
}

result<std::optional<std::vector<VersionedValue>>> history_of(result<MaybeHistory>&& r) {
  using out_type = std::optional<std::vector<VersionedValue>>;
  if (!r)
    return std::move(r.error());
  if (!r->found)
    return out_type{};
  return out_type{std::move(r->versions)};
}

VersionedValue versioned_of(Event&& e) {
  return VersionedValue{std::move(e.payload), e.sequence, e.timestamp};
}

}  // namespace

Strata::Strata(std::unique_ptr<detail::HandleImpl> impl) : impl_(std::move(impl)) {
}

Strata::Strata(Strata&&) noexcept = default;
Strata& Strata::operator=(Strata&&) noexcept = default;
Strata::~Strata() = default;

result<Strata> Strata::open_database(std::optional<std::string> path, OpenOptions options) {
  auto db = detail::Database::open(std::move(path), options);
  if (!db)
    return db.error();
  return Strata{std::make_unique<detail::HandleImpl>(std::move(*db))};
}

result<Strata> Strata::open(const std::string& path) {
  return open_database(path, OpenOptions{});
}

result<Strata> Strata::open(const std::string& path, OpenOptions options) {
  return open_database(path, options);
}

result<Strata> Strata::cache() {
  return open_database(std::nullopt, OpenOptions{});
}

result<Strata> Strata::cache(OpenOptions options) {
  return open_database(std::nullopt, options);
}

Session Strata::session() const {
  auto impl = std::make_unique<detail::HandleImpl>(impl_->db);
  impl->branch = impl_->branch;
  impl->space = impl_->space;
  return Session{std::move(impl)};
}

result<Strata> Strata::new_handle() const {
  return Strata{std::make_unique<detail::HandleImpl>(impl_->db)};
}

const std::string& Strata::path() const {
  return impl_->db->path();
}

Durability Strata::durability() const {
  return impl_->db->options().durability;
}

// -- spaces ----------------------------------------------------------------------

const std::string& Strata::current_branch() const {
  return impl_->branch;
}

const std::string& Strata::current_space() const {
  return impl_->space;
}

result<void> Strata::set_space(std::string_view name) {
  return impl_->set_space(name);
}

result<std::vector<std::string>> Strata::list_spaces() {
  return impl_->on_branch(space_list_atom::value);
}

result<void> Strata::create_space(std::string_view name) {
  return to_void(impl_->on_branch(space_create_atom::value, std::string(name)));
}

result<bool> Strata::space_exists(std::string_view name) {
  if (validate_space_name(name))
    return false;
  return impl_->on_branch(space_exists_atom::value, std::string(name));
}

result<void> Strata::delete_space(std::string_view name) {
  return to_void(impl_->on_branch(space_drop_atom::value, std::string(name), false));
}

result<void> Strata::delete_space_force(std::string_view name) {
  return to_void(impl_->on_branch(space_drop_atom::value, std::string(name), true));
}

// -- branches ------------------------------------------------------------------

result<void> Strata::create_branch(std::string_view name) {
  return to_void(impl_->client.call(impl_->db->root(), branch_create_atom::value, std::string(name)));
}

result<void> Strata::set_branch(std::string_view name) {
  return impl_->set_branch(name);
}

result<std::vector<std::string>> Strata::list_branches() {
  return impl_->client.call(impl_->db->root(), branch_list_atom::value);
}

result<bool> Strata::branch_exists(std::string_view name) {
  return impl_->client.call(impl_->db->root(), branch_exists_atom::value, std::string(name));
}

result<std::optional<BranchInfo>> Strata::branch_info(std::string_view name) {
  auto r = impl_->client.call(impl_->db->root(), branch_info_atom::value, std::string(name));
  if (!r)
    return r.error();
  return r->found ? std::optional<BranchInfo>{std::move(r->info)} : std::nullopt;
}

result<void> Strata::delete_branch(std::string_view name) {
  if (name == impl_->branch && name != default_branch)
    return make_error(errc::ConstraintViolation, "cannot delete current branch");
  return to_void(impl_->client.call(impl_->db->root(), branch_delete_atom::value, std::string(name)));
}

result<ForkInfo> Strata::fork_branch(std::string_view dest) {
  return impl_->client.call(impl_->db->root(), branch_fork_atom::value, impl_->branch,
                            std::string(dest));
}

result<BundleInfo> Strata::branch_export(
    std::string_view branch, const std::string& path,
    const std::function<void(uint64_t, uint64_t, uint64_t)>& progress) {
  auto info = branch_info(branch);
  if (!info)
    return info.error();
  if (!*info)
    return make_error(errc::BranchNotFound, "branch \"" + std::string(branch) + "\" does not exist");
  auto h = new_handle();
  if (!h)
    return h.error();
  if (auto r = h->set_branch(branch); !r)
    return r.error();
  auto spaces = h->list_spaces();
  if (!spaces)
    return spaces.error();
  // Space by space, each dumped by its own actor, so that the caller can
  // show progress between them.
  store::Bundle bundle{std::string(branch), encode_branch_meta(**info), {}};
  uint64_t records = 0, done = 0;
  for (const auto& space : *spaces) {
    auto entries = h->impl_->on_space_named(space, space_dump_atom::value);
    if (!entries)
      return entries.error();
    records += entries->size();
    if (!entries->empty())
      bundle.spaces.push_back(BundleSpace{space, std::move(*entries)});
    if (progress)
      progress(++done, spaces->size(), records);
  }
  auto size = store::write_bundle(path, bundle);
  if (!size)
    return size.error();
  return BundleInfo{std::string(branch), path, store::bundle_format_version, records,
                    bundle.spaces.size(), *size, true};
}

result<BundleInfo> Strata::branch_import(const std::string& path) {
  return impl_->client.call(impl_->db->root(), branch_import_atom::value, path);
}

result<BundleInfo> Strata::branch_validate_bundle(const std::string& path) {
  return impl_->client.call(impl_->db->root(), bundle_check_atom::value, path);
}

// -- KV ----------------------------------------------------------------------------

result<uint64_t> Strata::kv_put(std::string_view key, Value value) {
  return impl_->on_space(kv_put_atom::value, std::string(key), value);
}

result<std::optional<VersionedValue>> Strata::kv_get_versioned(std::string_view key) {
  return versioned_of(impl_->on_space(kv_get_atom::value, std::string(key)));
}

result<std::optional<Value>> Strata::kv_get(std::string_view key) {
  return value_of(impl_->on_space(kv_get_atom::value, std::string(key)));
}

result<std::optional<Value>> Strata::kv_get_at(std::string_view key, uint64_t as_of_us) {
  return value_of(impl_->on_space(kv_get_at_atom::value, std::string(key), as_of_us));
}

result<std::optional<std::vector<VersionedValue>>> Strata::kv_getv(std::string_view key) {
  return history_of(impl_->on_space(kv_getv_atom::value, std::string(key)));
}

result<bool> Strata::kv_delete(std::string_view key) {
  return impl_->on_space(kv_del_atom::value, std::string(key));
}

result<std::vector<std::string>> Strata::kv_list(std::optional<std::string_view> prefix) {
  ListOptions opts;
  if (prefix)
    opts.prefix = std::string(*prefix);
  return impl_->on_space(kv_list_atom::value, opts);
}

result<std::vector<std::string>> Strata::kv_list_page(const ListOptions& opts) {
  return impl_->on_space(kv_list_atom::value, opts);
}

result<std::vector<std::string>> Strata::kv_list_at(std::optional<std::string_view> prefix,
                                                    uint64_t as_of_us) {
  return impl_->on_space(kv_list_at_atom::value, std::string(prefix.value_or("")), as_of_us);
}

result<std::vector<BatchItemResult>> Strata::kv_batch_put(std::vector<KvEntry> entries) {
  return impl_->on_space(kv_batch_atom::value, entries);
}

// -- event log ---------------------------------------------------------------------

result<uint64_t> Strata::event_append(std::string_view type, Value payload) {
  return impl_->on_space(event_append_atom::value, std::string(type), payload);
}

result<std::vector<BatchItemResult>> Strata::event_batch_append(std::vector<EventEntry> entries) {
  return impl_->on_space(event_batch_atom::value, entries);
}

result<std::optional<Event>> Strata::event_get_record(uint64_t seq) {
  auto r = impl_->on_space(event_get_atom::value, seq);
  if (!r)
    return std::move(r.error());
  if (!r->found)
    return std::optional<Event>{};
  return std::optional<Event>{std::move(r->event)};
}

result<std::optional<VersionedValue>> Strata::event_get(uint64_t seq) {
  auto e = event_get_record(seq);
  if (!e)
    return std::move(e.error());
  if (!*e)
    return std::optional<VersionedValue>{};
  return std::optional<VersionedValue>{versioned_of(std::move(**e))};
}

result<std::vector<VersionedValue>> Strata::event_get_by_type(std::string_view type,
                                                              uint64_t after, uint64_t limit) {
  auto r = impl_->on_space(event_by_type_atom::value, std::string(type), after, limit,
                           std::numeric_limits<uint64_t>::max());
  if (!r)
    return std::move(r.error());
  std::vector<VersionedValue> out;
  out.reserve(r->size());
  for (auto& e : *r)
    out.push_back(versioned_of(std::move(e)));
  return out;
}

result<std::vector<Event>> Strata::event_list_at(std::optional<std::string_view> type,
                                                 uint64_t as_of_us) {
  return impl_->on_space(event_list_at_atom::value, std::string(type.value_or("")), as_of_us);
}

result<uint64_t> Strata::event_len() {
  return impl_->on_space(event_len_atom::value);
}

result<ChainVerification> Strata::event_verify_chain() {
  return impl_->on_space(event_verify_atom::value);
}

// -- JSON documents ------------------------------------------------------------------

namespace {

result<std::optional<Value>> optional_of(result<MaybeValue>&& r) {
  if (!r)
    return std::move(r.error());
  if (!r->found)
    return std::optional<Value>{};
  return std::optional<Value>{std::move(r->value)};
}

}  // namespace

result<uint64_t> Strata::json_set(std::string_view key, std::string_view path, Value value) {
  return impl_->on_space(json_set_atom::value, std::string(key), std::string(path), value);
}

result<std::optional<Value>> Strata::json_get(std::string_view key, std::string_view path) {
  return optional_of(impl_->on_space(json_get_atom::value, std::string(key), std::string(path)));
}

result<std::optional<Value>> Strata::json_get_at(std::string_view key, std::string_view path,
                                                 uint64_t as_of_us) {
  return optional_of(
      impl_->on_space(json_get_at_atom::value, std::string(key), std::string(path), as_of_us));
}

result<std::optional<VersionedValue>> Strata::json_get_versioned(std::string_view key) {
  return versioned_of(impl_->on_space(json_doc_atom::value, std::string(key)));
}

result<std::optional<std::vector<VersionedValue>>> Strata::json_getv(std::string_view key) {
  return history_of(impl_->on_space(json_getv_atom::value, std::string(key)));
}

result<uint64_t> Strata::json_delete(std::string_view key, std::string_view path) {
  return impl_->on_space(json_del_atom::value, std::string(key), std::string(path));
}

result<JsonListPage> Strata::json_list(std::optional<std::string_view> prefix,
                                       std::optional<std::string_view> cursor, uint64_t limit) {
  ListOptions opts;
  opts.prefix = std::string(prefix.value_or(""));
  if (cursor)
    opts.cursor = std::string(*cursor);
  opts.limit = limit;
  auto r = impl_->on_space(json_list_atom::value, opts);
  if (!r)
    return std::move(r.error());
  JsonListPage page;
  page.keys = std::move(r->keys);
  if (r->has_cursor)
    page.cursor = std::move(r->cursor);
  return page;
}

result<std::vector<std::string>> Strata::json_list_at(std::optional<std::string_view> prefix,
                                                      uint64_t as_of_us) {
  return impl_->on_space(json_list_at_atom::value, std::string(prefix.value_or("")), as_of_us);
}

result<std::vector<BatchItemResult>> Strata::json_batch_set(std::vector<JsonEntry> entries) {
  return impl_->on_space(json_batch_atom::value, entries);
}

// -- vector collections -----------------------------------------------------------

namespace {

result<std::optional<VectorEntry>> entry_of(result<MaybeVectorEntry>&& r) {
  if (!r)
    return std::move(r.error());
  if (!r->found)
    return std::optional<VectorEntry>{};
  return std::optional<VectorEntry>{std::move(r->entry)};
}

}  // namespace

result<uint64_t> Strata::vector_create_collection(std::string_view name, uint64_t dimension,
                                                  DistanceMetric metric, IndexKind index) {
  return impl_->on_space(vec_create_atom::value, std::string(name), dimension, metric,
                         static_cast<uint8_t>(index));
}

result<bool> Strata::vector_delete_collection(std::string_view name) {
  return impl_->on_space(vec_drop_atom::value, std::string(name));
}

result<std::vector<CollectionInfo>> Strata::vector_list_collections() {
  return impl_->on_space(vec_colls_atom::value);
}

result<CollectionInfo> Strata::vector_collection_stats(std::string_view name) {
  return impl_->on_space(vec_stats_atom::value, std::string(name));
}

result<uint64_t> Strata::vector_upsert(std::string_view collection, std::string_view key,
                                       std::vector<float> embedding,
                                       std::optional<Value> metadata) {
  return impl_->on_space(vec_upsert_atom::value, std::string(collection),
                         VectorUpsert{std::string(key), std::move(embedding), std::move(metadata)});
}

result<std::vector<uint64_t>> Strata::vector_batch_upsert(std::string_view collection,
                                                          std::vector<VectorUpsert> entries) {
  return impl_->on_space(vec_batch_atom::value, std::string(collection), entries);
}

result<std::optional<VectorEntry>> Strata::vector_get(std::string_view collection,
                                                      std::string_view key) {
  return entry_of(impl_->on_space(vec_get_atom::value, std::string(collection), std::string(key)));
}

result<std::optional<VectorEntry>> Strata::vector_get_at(std::string_view collection,
                                                         std::string_view key, uint64_t as_of_us) {
  return entry_of(impl_->on_space(vec_get_at_atom::value, std::string(collection),
                                  std::string(key), as_of_us));
}

result<bool> Strata::vector_delete(std::string_view collection, std::string_view key) {
  return impl_->on_space(vec_del_atom::value, std::string(collection), std::string(key));
}

result<std::vector<std::string>> Strata::vector_list_keys(std::string_view collection) {
  return impl_->on_space(vec_keys_atom::value, std::string(collection));
}

result<std::vector<VectorMatch>> Strata::vector_search(std::string_view collection,
                                                       std::vector<float> query, uint64_t k,
                                                       MetadataFilter filter) {
  return impl_->on_space(vec_search_atom::value, std::string(collection), query, k, filter);
}

result<std::vector<VectorMatch>> Strata::vector_search_at(std::string_view collection,
                                                          std::vector<float> query, uint64_t k,
                                                          MetadataFilter filter,
                                                          uint64_t as_of_us) {
  return impl_->on_space(vec_search_at_atom::value, std::string(collection), query, k, filter,
                         as_of_us);
}

// -- state cells ---------------------------------------------------------------------

result<uint64_t> Strata::state_set(std::string_view cell, Value value) {
  return impl_->on_space(state_set_atom::value, std::string(cell), value);
}

result<std::optional<Value>> Strata::state_get(std::string_view cell) {
  return value_of(impl_->on_space(state_get_atom::value, std::string(cell)));
}

result<std::optional<VersionedValue>> Strata::state_get_versioned(std::string_view cell) {
  return versioned_of(impl_->on_space(state_get_atom::value, std::string(cell)));
}

result<std::optional<Value>> Strata::state_get_at(std::string_view cell, uint64_t as_of_us) {
  return value_of(impl_->on_space(state_get_at_atom::value, std::string(cell), as_of_us));
}

result<std::optional<std::vector<VersionedValue>>> Strata::state_getv(std::string_view cell) {
  return history_of(impl_->on_space(state_getv_atom::value, std::string(cell)));
}

result<uint64_t> Strata::state_init(std::string_view cell, Value value) {
  return impl_->on_space(state_init_atom::value, std::string(cell), value);
}

result<std::optional<uint64_t>> Strata::state_cas(std::string_view cell,
                                                  std::optional<uint64_t> expected, Value value) {
  auto r = impl_->on_space(state_cas_atom::value, std::string(cell), expected.has_value(),
                           expected.value_or(0), value);
  if (!r)
    return std::move(r.error());
  return r->to_optional();
}

result<bool> Strata::state_delete(std::string_view cell) {
  return impl_->on_space(state_del_atom::value, std::string(cell));
}

result<std::vector<std::string>> Strata::state_list(std::optional<std::string_view> prefix) {
  return impl_->on_space(state_list_atom::value, std::string(prefix.value_or("")));
}

result<std::vector<std::string>> Strata::state_list_at(std::optional<std::string_view> prefix,
                                                       uint64_t as_of_us) {
  return impl_->on_space(state_list_at_atom::value, std::string(prefix.value_or("")), as_of_us);
}

result<std::vector<BatchItemResult>> Strata::state_batch_set(std::vector<KvEntry> entries) {
  return impl_->on_space(state_batch_atom::value, entries);
}

}  // namespace strata
