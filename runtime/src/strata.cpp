// The public facade: each Strata handle is a Client actor plus its current
// branch and space, and a cache of the actors it has talked to. Every
// operation is a command (strata/command.hpp) run by detail::Exec; the
// methods below only build the command for the handle's current branch
// and space.

#include "strata/strata.hpp"

#include <limits>
#include <thread>
#include <unordered_map>

#include <caf/all.hpp>

#include "exec.hpp"
#include "strata/store/bundle.hpp"

namespace strata {

namespace detail {

namespace {

Strata new_handle_on(HandleImpl& h) {
  return Access::make(h);
}

}  // namespace

// The export of a branch, space by space (each dumped by its own actor),
// reporting progress between spaces when asked.
result<BundleInfo> export_branch(Strata& base, std::string_view branch, const std::string& path,
                                 const std::function<void(uint64_t, uint64_t, uint64_t)>& progress) {
  auto info = base.branch_info(branch);
  if (!info)
    return info.error();
  if (!*info)
    return make_error(errc::BranchNotFound, "branch \"" + std::string(branch) + "\" does not exist");
  auto h = base.new_handle();
  if (!h)
    return h.error();
  if (auto r = h->set_branch(branch); !r)
    return r.error();
  auto spaces = h->list_spaces();
  if (!spaces)
    return spaces.error();
  store::Bundle bundle{std::string(branch), encode_branch_meta(**info), {}};
  uint64_t records = 0, done = 0;
  for (const auto& space : *spaces) {
    auto entries = Access::impl(*h).on_space_named(space, space_dump_atom::value);
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

out_t<cmd::BranchExport> Exec::operator()(const cmd::BranchExport& c) {
  auto base = handle(h);
  return export_branch(base, c.branch, c.path, {});
}

result<Output> execute(HandleImpl& h, Strata (*handle)(HandleImpl&), const Command& c) {
  Exec exec{h, handle};
  return std::visit(
      [&exec](const auto& x) -> result<Output> {
        auto r = exec.run(x);
        if (!r)
          return std::move(r.error());
        return Output{std::move(*r)};
      },
      c);
}

namespace {

bool same_target(const Target& a, const Target& b) {
  return a.txn == 0 && b.txn == 0 && a.space == b.space && a.branch == b.branch;
}

// Runs cmds[i..] while they are C on the same target as cmds[i] as one
// batch request, moving their keys and values into it; appends their
// results to `out` and returns the index after the group.
template <class C>
size_t run_group(HandleImpl& h, std::vector<Command>& cmds, size_t i,
                 std::vector<result<Output>>& out) {
  const auto& first = std::get<C>(cmds[i]);
  if (auto err = refused_on(h.db.get(), first)) {  // each command of the group gets it
    for (; i < cmds.size() && std::holds_alternative<C>(cmds[i]) &&
           same_target(std::get<C>(cmds[i]).at, first.at);
         ++i)
      out.emplace_back(err);
    return i;
  }
  using Item = decltype(Grouped<C>::item(first));
  std::vector<Item> items;
  size_t j = i;
  for (; j < cmds.size(); ++j) {
    auto* c = std::get_if<C>(&cmds[j]);
    if (!c || !same_target(c->at, first.at))
      break;
    // Moves the key and value only: the target, which `first` reads, stays.
    items.push_back(Grouped<C>::item(std::move(*c)));
  }
  auto r = h.on_space_at(first.at.branch, first.at.space, typename Grouped<C>::atom{}, items);
  for (size_t k = 0; k < items.size(); ++k) {
    if (!r)
      out.emplace_back(r.error());
    else
      out.push_back(grouped_output(std::move((*r)[k])));
  }
  return j;
}

template <class C>
bool groupable(const std::vector<Command>& cmds, size_t i) {
  const auto* c = std::get_if<C>(&cmds[i]);
  if (!c || c->at.txn != 0 || i + 1 >= cmds.size())
    return false;
  const auto* next = std::get_if<C>(&cmds[i + 1]);
  return next && same_target(c->at, next->at);
}

}  // namespace

std::vector<result<Output>> execute_batch(HandleImpl& h, Strata (*handle)(HandleImpl&),
                                          std::vector<Command>& cmds) {
  std::vector<result<Output>> out;
  out.reserve(cmds.size());
  for (size_t i = 0; i < cmds.size();) {
    if (groupable<cmd::KvPut>(cmds, i))
      i = run_group<cmd::KvPut>(h, cmds, i, out);
    else if (groupable<cmd::StateSet>(cmds, i))
      i = run_group<cmd::StateSet>(h, cmds, i, out);
    else if (groupable<cmd::EventAppend>(cmds, i))
      i = run_group<cmd::EventAppend>(h, cmds, i, out);
    else
      out.push_back(execute(h, handle, cmds[i++]));
  }
  return out;
}

}  // namespace detail

namespace {

constexpr const char* command_names[] = {
    "ListSpaces", "CreateSpace", "SpaceExists", "DeleteSpace", "DeleteSpaceForce", "TimeRange",
    "CreateBranch", "ListBranches", "BranchExists", "BranchInfo", "DeleteBranch", "ForkBranch",
    "BranchExport", "BranchImport", "BranchValidateBundle", "DiffBranches", "MergeBranches",
    "KvPut", "KvGet", "KvGetVersioned", "KvGetAt", "KvGetv", "KvDelete", "KvList", "KvListPage",
    "KvListAt", "KvBatchPut", "EventAppend", "EventBatchAppend", "EventGet", "EventGetRecord",
    "EventGetByType", "EventListAt", "EventLen", "EventVerifyChain", "StateSet", "StateGet",
    "StateGetVersioned", "StateGetAt", "StateGetv", "StateInit", "StateCas", "StateDelete",
    "StateList", "StateListAt", "StateBatchSet", "JsonSet", "JsonGet", "JsonGetAt",
    "JsonGetVersioned", "JsonGetv", "JsonDelete", "JsonList", "JsonListAt", "JsonBatchSet",
    "VectorCreateCollection", "VectorDeleteCollection", "VectorListCollections",
    "VectorCollectionStats", "VectorUpsert", "VectorBatchUpsert", "VectorGet", "VectorGetAt",
    "VectorDelete", "VectorListKeys", "VectorSearch", "VectorSearchAt", "Begin", "Commit",
    "Rollback", "Check", "MergePreview", "BundleRead", "BundleWrite", "StateCasDetailed",
    "EventRange", "KvScan", "KvScanAt"};
static_assert(std::size(command_names) == std::variant_size_v<Command>,
              "one name per command, in the variant's order");

std::optional<std::string> opt(std::optional<std::string_view> s) {
  return s ? std::optional<std::string>{std::string(*s)} : std::nullopt;
}

}  // namespace

const char* command_name(const Command& c) noexcept {
  return command_names[c.index()];
}

template <class C>
result<typename C::output> Strata::run(C&& c) {
  return detail::Exec{*impl_, &detail::new_handle_on}.run(c);
}

Target Strata::here() const {
  return Target{impl_->branch, impl_->space, 0};
}

result<Output> Strata::execute(const Command& c) {
  return detail::execute(*impl_, &detail::new_handle_on, c);
}

result<std::vector<result<Output>>> Strata::execute_batch(std::vector<Command> cmds) {
  if (impl_->remote) {  // one message: it fails (or is refused) as a whole
    auto r = impl_->client.call(impl_->remote->link(), cmds);
    if (!r)
      return std::move(r.error());
    std::vector<result<Output>> out;
    out.reserve(r->size());
    for (auto& o : *r)
      out.push_back(std::move(o).get());
    return out;
  }
  return detail::execute_batch(*impl_, &detail::new_handle_on, cmds);
}

Strata::Strata(std::unique_ptr<detail::HandleImpl> impl) : impl_(std::move(impl)) {
}

Strata::Strata(Strata&&) noexcept = default;
Strata& Strata::operator=(Strata&&) noexcept = default;
Strata::~Strata() = default;

result<Strata> Strata::open_database(std::optional<std::string> path, OpenOptions options,
                                     caf::actor_system* sys) {
  auto db = detail::Database::open(std::move(path), options, sys);
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

result<Strata> Strata::open(caf::actor_system& sys, const std::string& path,
                            OpenOptions options) {
  return open_database(path, options, &sys);
}

result<Strata> Strata::cache(caf::actor_system& sys, OpenOptions options) {
  return open_database(std::nullopt, options, &sys);
}

Session Strata::session() const {
  auto impl = impl_->remote ? std::make_unique<detail::HandleImpl>(impl_->remote)
                            : std::make_unique<detail::HandleImpl>(impl_->db);
  impl->branch = impl_->branch;
  impl->space = impl_->space;
  return Session{std::move(impl)};
}

result<Strata> Strata::new_handle() const {
  if (impl_->remote)
    return Strata{std::make_unique<detail::HandleImpl>(impl_->remote)};
  return Strata{std::make_unique<detail::HandleImpl>(impl_->db)};
}

result<Strata> Strata::connect(const std::string& endpoint, const ConnectOptions& options) {
  auto node = detail::Remote::connect(endpoint, options);
  if (!node)
    return node.error();
  return Strata{std::make_unique<detail::HandleImpl>(std::move(*node))};
}

result<Strata> Strata::connect(caf::actor_system& sys, const std::string& endpoint,
                               const ConnectOptions& options) {
  auto node = detail::Remote::connect(endpoint, options, &sys);
  if (!node)
    return node.error();
  return Strata{std::make_unique<detail::HandleImpl>(std::move(*node))};
}

const std::string& Strata::path() const {
  return impl_->remote ? impl_->remote->info().path : impl_->db->path();
}

const std::string& Strata::endpoint() const {
  static const std::string local;
  return impl_->remote ? impl_->remote->endpoint() : local;
}

std::string Strata::node_description() const {
  return impl_->remote ? impl_->remote->info().description : std::string{};
}

Durability Strata::durability() const {
  if (impl_->remote)
    return static_cast<Durability>(impl_->remote->info().durability);
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

using detail::to_void;
using detail::removed_count;
using detail::version_of;
using detail::wrote;

result<std::vector<std::string>> Strata::list_spaces() {
  return run(cmd::ListSpaces{here()});
}

result<void> Strata::create_space(std::string_view name) {
  return to_void(run(cmd::CreateSpace{here(), std::string(name)}));
}

result<bool> Strata::space_exists(std::string_view name) {
  return run(cmd::SpaceExists{here(), std::string(name)});
}

result<void> Strata::delete_space(std::string_view name) {
  return to_void(run(cmd::DeleteSpace{here(), std::string(name)}));
}

result<void> Strata::delete_space_force(std::string_view name) {
  return to_void(run(cmd::DeleteSpaceForce{here(), std::string(name)}));
}

result<TimeRange> Strata::time_range() {
  return run(cmd::TimeRange{here()});
}

result<std::vector<StoreCheck>> Strata::check() {
  return run(cmd::Check{here()});
}

result<uint64_t> Strata::repair(const std::string& path) {
  return detail::Database::repair(path);
}

// -- branches ------------------------------------------------------------------

result<void> Strata::create_branch(std::string_view name) {
  return to_void(run(cmd::CreateBranch{here(), std::string(name)}));
}

result<void> Strata::set_branch(std::string_view name) {
  return impl_->set_branch(name);
}

result<std::vector<std::string>> Strata::list_branches() {
  return run(cmd::ListBranches{here()});
}

result<bool> Strata::branch_exists(std::string_view name) {
  return run(cmd::BranchExists{here(), std::string(name)});
}

result<std::optional<BranchInfo>> Strata::branch_info(std::string_view name) {
  return run(cmd::BranchInfo{here(), std::string(name)});
}

result<void> Strata::delete_branch(std::string_view name) {
  return to_void(run(cmd::DeleteBranch{here(), std::string(name)}));
}

result<ForkInfo> Strata::fork_branch(std::string_view dest) {
  return run(cmd::ForkBranch{here(), std::string(dest)});
}

result<BundleInfo> Strata::branch_export(
    std::string_view branch, const std::string& path,
    const std::function<void(uint64_t, uint64_t, uint64_t)>& progress) {
  // Progress reports are the caller's view of the same command (not
  // reported for a node's database: the node runs the command whole).
  if (progress && !impl_->remote)
    return detail::export_branch(*this, branch, path, progress);
  return run(cmd::BranchExport{here(), std::string(branch), path});
}

result<BundleInfo> Strata::branch_import(const std::string& path, std::string_view as_name) {
  return run(cmd::BranchImport{here(), path, std::string(as_name)});
}

result<BundleInfo> Strata::branch_validate_bundle(const std::string& path) {
  return run(cmd::BranchValidateBundle{here(), path});
}

result<BranchDiff> Strata::diff_branches(std::string_view a, std::string_view b) {
  return run(cmd::DiffBranches{here(), std::string(a), std::string(b)});
}

result<MergeInfo> Strata::merge_branches(std::string_view source, std::string_view target,
                                         MergeStrategy strategy) {
  return run(cmd::MergeBranches{here(), std::string(source), std::string(target), strategy});
}

result<MergeInfo> Strata::merge_preview(std::string_view source, std::string_view target) {
  return run(cmd::MergePreview{here(), std::string(source), std::string(target)});
}

// -- KV ----------------------------------------------------------------------------

result<uint64_t> Strata::kv_put(std::string_view key, Value value) {
  return version_of(kv_put_versioned(key, std::move(value)));
}

result<WriteInfo> Strata::kv_put_versioned(std::string_view key, Value value) {
  return run(cmd::KvPut{here(), std::string(key), std::move(value)});
}

result<std::optional<VersionedValue>> Strata::kv_get_versioned(std::string_view key) {
  return run(cmd::KvGetVersioned{here(), std::string(key)});
}

result<std::optional<Value>> Strata::kv_get(std::string_view key) {
  return run(cmd::KvGet{here(), std::string(key)});
}

result<std::optional<Value>> Strata::kv_get_at(std::string_view key, uint64_t as_of_us) {
  return run(cmd::KvGetAt{here(), std::string(key), as_of_us});
}

result<std::optional<std::vector<VersionedValue>>> Strata::kv_getv(std::string_view key) {
  return run(cmd::KvGetv{here(), std::string(key)});
}

result<bool> Strata::kv_delete(std::string_view key) {
  return wrote(kv_delete_versioned(key));
}

result<WriteInfo> Strata::kv_delete_versioned(std::string_view key) {
  return run(cmd::KvDelete{here(), std::string(key)});
}

result<std::vector<std::string>> Strata::kv_list(std::optional<std::string_view> prefix) {
  return run(cmd::KvList{here(), opt(prefix)});
}

result<std::vector<std::string>> Strata::kv_list_page(const ListOptions& opts) {
  return run(cmd::KvListPage{here(), opts});
}

result<std::vector<std::string>> Strata::kv_list_at(std::optional<std::string_view> prefix,
                                                    uint64_t as_of_us) {
  return run(cmd::KvListAt{here(), opt(prefix), as_of_us});
}

result<ScanPage> Strata::kv_scan(const ListOptions& opts) {
  return run(cmd::KvScan{here(), opts});
}

result<ScanPage> Strata::kv_scan_at(const ListOptions& opts, uint64_t as_of_us) {
  return run(cmd::KvScanAt{here(), opts, as_of_us});
}

result<std::vector<BatchItemResult>> Strata::kv_batch_put(std::vector<KvEntry> entries) {
  return run(cmd::KvBatchPut{here(), std::move(entries)});
}

// -- event log ---------------------------------------------------------------------

result<uint64_t> Strata::event_append(std::string_view type, Value payload) {
  return version_of(event_append_versioned(type, std::move(payload)));
}

result<WriteInfo> Strata::event_append_versioned(std::string_view type, Value payload) {
  return run(cmd::EventAppend{here(), std::string(type), std::move(payload)});
}

result<std::vector<BatchItemResult>> Strata::event_batch_append(std::vector<EventEntry> entries) {
  return run(cmd::EventBatchAppend{here(), std::move(entries)});
}

result<std::optional<Event>> Strata::event_get_record(uint64_t seq) {
  return run(cmd::EventGetRecord{here(), seq});
}

result<std::optional<VersionedValue>> Strata::event_get(uint64_t seq) {
  return run(cmd::EventGet{here(), seq});
}

result<std::vector<VersionedValue>> Strata::event_get_by_type(std::string_view type,
                                                              uint64_t after, uint64_t limit) {
  return run(cmd::EventGetByType{here(), std::string(type), after, limit});
}

result<std::vector<Event>> Strata::event_list_at(std::optional<std::string_view> type,
                                                 uint64_t as_of_us) {
  return run(cmd::EventListAt{here(), opt(type), as_of_us});
}

result<uint64_t> Strata::event_len() {
  return run(cmd::EventLen{here()});
}

result<std::vector<Event>> Strata::event_range(uint64_t from_seq, uint64_t to_seq,
                                               uint64_t limit) {
  return run(cmd::EventRange{here(), from_seq, to_seq, limit});
}

result<ChainVerification> Strata::event_verify_chain() {
  return run(cmd::EventVerifyChain{here()});
}

// -- JSON documents ------------------------------------------------------------------

result<uint64_t> Strata::json_set(std::string_view key, std::string_view path, Value value) {
  return version_of(json_set_versioned(key, path, std::move(value)));
}

result<WriteInfo> Strata::json_set_versioned(std::string_view key, std::string_view path,
                                             Value value) {
  return run(cmd::JsonSet{here(), std::string(key), std::string(path), std::move(value)});
}

result<std::optional<Value>> Strata::json_get(std::string_view key, std::string_view path) {
  return run(cmd::JsonGet{here(), std::string(key), std::string(path)});
}

result<std::optional<Value>> Strata::json_get_at(std::string_view key, std::string_view path,
                                                 uint64_t as_of_us) {
  return run(cmd::JsonGetAt{here(), std::string(key), std::string(path), as_of_us});
}

result<std::optional<VersionedValue>> Strata::json_get_versioned(std::string_view key) {
  return run(cmd::JsonGetVersioned{here(), std::string(key)});
}

result<std::optional<std::vector<VersionedValue>>> Strata::json_getv(std::string_view key) {
  return run(cmd::JsonGetv{here(), std::string(key)});
}

result<uint64_t> Strata::json_delete(std::string_view key, std::string_view path) {
  return removed_count(json_delete_versioned(key, path));
}

result<WriteInfo> Strata::json_delete_versioned(std::string_view key, std::string_view path) {
  return run(cmd::JsonDelete{here(), std::string(key), std::string(path)});
}

result<JsonListPage> Strata::json_list(std::optional<std::string_view> prefix,
                                       std::optional<std::string_view> cursor, uint64_t limit) {
  return run(cmd::JsonList{here(), opt(prefix), opt(cursor), limit});
}

result<std::vector<std::string>> Strata::json_list_at(std::optional<std::string_view> prefix,
                                                      uint64_t as_of_us) {
  return run(cmd::JsonListAt{here(), opt(prefix), as_of_us});
}

result<std::vector<BatchItemResult>> Strata::json_batch_set(std::vector<JsonEntry> entries) {
  return run(cmd::JsonBatchSet{here(), std::move(entries)});
}

// -- vector collections -----------------------------------------------------------

result<uint64_t> Strata::vector_create_collection(std::string_view name, uint64_t dimension,
                                                  DistanceMetric metric, IndexKind index) {
  return run(cmd::VectorCreateCollection{here(), std::string(name), dimension, metric, index});
}

result<bool> Strata::vector_delete_collection(std::string_view name) {
  return run(cmd::VectorDeleteCollection{here(), std::string(name)});
}

result<std::vector<CollectionInfo>> Strata::vector_list_collections() {
  return run(cmd::VectorListCollections{here()});
}

result<CollectionInfo> Strata::vector_collection_stats(std::string_view name) {
  return run(cmd::VectorCollectionStats{here(), std::string(name)});
}

result<uint64_t> Strata::vector_upsert(std::string_view collection, std::string_view key,
                                       std::vector<float> embedding,
                                       std::optional<Value> metadata) {
  return version_of(
      vector_upsert_versioned(collection, key, std::move(embedding), std::move(metadata)));
}

result<WriteInfo> Strata::vector_upsert_versioned(std::string_view collection,
                                                  std::string_view key,
                                                  std::vector<float> embedding,
                                                  std::optional<Value> metadata) {
  return run(cmd::VectorUpsert{here(), std::string(collection), std::string(key),
                               std::move(embedding), std::move(metadata)});
}

result<std::vector<uint64_t>> Strata::vector_batch_upsert(std::string_view collection,
                                                          std::vector<VectorUpsert> entries) {
  return run(cmd::VectorBatchUpsert{here(), std::string(collection), std::move(entries)});
}

result<std::optional<VectorEntry>> Strata::vector_get(std::string_view collection,
                                                      std::string_view key) {
  return run(cmd::VectorGet{here(), std::string(collection), std::string(key)});
}

result<std::optional<VectorEntry>> Strata::vector_get_at(std::string_view collection,
                                                         std::string_view key, uint64_t as_of_us) {
  return run(cmd::VectorGetAt{here(), std::string(collection), std::string(key), as_of_us});
}

result<bool> Strata::vector_delete(std::string_view collection, std::string_view key) {
  return wrote(vector_delete_versioned(collection, key));
}

result<WriteInfo> Strata::vector_delete_versioned(std::string_view collection,
                                                  std::string_view key) {
  return run(cmd::VectorDelete{here(), std::string(collection), std::string(key)});
}

result<std::vector<std::string>> Strata::vector_list_keys(std::string_view collection) {
  return run(cmd::VectorListKeys{here(), std::string(collection)});
}

result<std::vector<VectorMatch>> Strata::vector_search(std::string_view collection,
                                                       std::vector<float> query, uint64_t k,
                                                       MetadataFilter filter) {
  return run(cmd::VectorSearch{here(), std::string(collection), std::move(query), k,
                               std::move(filter)});
}

result<std::vector<VectorMatch>> Strata::vector_search_at(std::string_view collection,
                                                          std::vector<float> query, uint64_t k,
                                                          MetadataFilter filter,
                                                          uint64_t as_of_us) {
  return run(cmd::VectorSearchAt{here(), std::string(collection), std::move(query), k,
                                 std::move(filter), as_of_us});
}

// -- state cells ---------------------------------------------------------------------

result<uint64_t> Strata::state_set(std::string_view cell, Value value) {
  return version_of(state_set_versioned(cell, std::move(value)));
}

result<WriteInfo> Strata::state_set_versioned(std::string_view cell, Value value) {
  return run(cmd::StateSet{here(), std::string(cell), std::move(value)});
}

result<std::optional<Value>> Strata::state_get(std::string_view cell) {
  return run(cmd::StateGet{here(), std::string(cell)});
}

result<std::optional<VersionedValue>> Strata::state_get_versioned(std::string_view cell) {
  return run(cmd::StateGetVersioned{here(), std::string(cell)});
}

result<std::optional<Value>> Strata::state_get_at(std::string_view cell, uint64_t as_of_us) {
  return run(cmd::StateGetAt{here(), std::string(cell), as_of_us});
}

result<std::optional<std::vector<VersionedValue>>> Strata::state_getv(std::string_view cell) {
  return run(cmd::StateGetv{here(), std::string(cell)});
}

result<uint64_t> Strata::state_init(std::string_view cell, Value value) {
  return version_of(state_init_versioned(cell, std::move(value)));
}

result<WriteInfo> Strata::state_init_versioned(std::string_view cell, Value value) {
  return run(cmd::StateInit{here(), std::string(cell), std::move(value)});
}

result<std::optional<uint64_t>> Strata::state_cas(std::string_view cell,
                                                  std::optional<uint64_t> expected, Value value) {
  return run(cmd::StateCas{here(), std::string(cell), expected, std::move(value)});
}

result<CasOutcome> Strata::state_cas_detailed(std::string_view cell,
                                              std::optional<uint64_t> expected, Value value) {
  return run(cmd::StateCasDetailed{here(), std::string(cell), expected, std::move(value)});
}

result<bool> Strata::state_delete(std::string_view cell) {
  return wrote(state_delete_versioned(cell));
}

result<WriteInfo> Strata::state_delete_versioned(std::string_view cell) {
  return run(cmd::StateDelete{here(), std::string(cell)});
}

result<std::vector<std::string>> Strata::state_list(std::optional<std::string_view> prefix) {
  return run(cmd::StateList{here(), opt(prefix)});
}

result<std::vector<std::string>> Strata::state_list_at(std::optional<std::string_view> prefix,
                                                       uint64_t as_of_us) {
  return run(cmd::StateListAt{here(), opt(prefix), as_of_us});
}

result<std::vector<BatchItemResult>> Strata::state_batch_set(std::vector<KvEntry> entries) {
  return run(cmd::StateBatchSet{here(), std::move(entries)});
}

}  // namespace strata
