#pragma once

// How commands and their outputs travel in CAF messages: `inspect`
// overloads for Target, every cmd:: struct, Command, Output and the types
// they hold, and the type-ID block `strata_api` that strata::configure
// registers. The same encoding serves messages inside one process and
// across nodes; Value travels as its Cap'n Proto encoding, decoded with
// the checks of a stored record.
//
// This header includes CAF: it is for code that talks to Strata through
// actors (<strata/actor.hpp> includes it).

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <caf/detail/stringification_inspector.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/type_id.hpp>

#include "strata/command.hpp"
#include "strata/messages/protocol.hpp"

namespace strata {

namespace wire {

/// Applies `f` to one member, wrapping what CAF cannot inspect itself:
/// std::optional (a flag plus a value) and the enums with a known last
/// value (refused on load when past it).
template <class Inspector, class T>
typename Inspector::result_type apply(Inspector& f, T& x) {
  return f(x);
}
template <class Inspector, class T>
typename Inspector::result_type apply(Inspector& f, std::optional<T>& x) {
  OptionalRef<T> ref{x};
  return f(ref);
}
template <class Inspector>
typename Inspector::result_type apply(Inspector& f, MergeStrategy& x) {
  EnumRef<MergeStrategy, MergeStrategy::Strict> ref{x, "merge strategy"};
  return f(ref);
}
template <class Inspector>
typename Inspector::result_type apply(Inspector& f, IndexKind& x) {
  EnumRef<IndexKind, IndexKind::Hnsw> ref{x, "index kind"};
  return f(ref);
}
template <class Inspector>
typename Inspector::result_type apply(Inspector& f, DistanceMetric& x) {
  EnumRef<DistanceMetric, DistanceMetric::DotProduct> ref{x, "distance metric"};
  return f(ref);
}

/// Applies `f` to every member in order, stopping at the first error
/// (a stringification inspector returns nothing and never stops).
template <class Inspector>
typename Inspector::result_type fields(Inspector&) {
  if constexpr (!std::is_void_v<typename Inspector::result_type>)
    return {};
}
template <class Inspector, class T, class... Ts>
typename Inspector::result_type fields(Inspector& f, T& x, Ts&... xs) {
  if constexpr (std::is_void_v<typename Inspector::result_type>) {
    apply(f, x);
    fields(f, xs...);
  } else {
    if (auto err = apply(f, x))
      return err;
    return fields(f, xs...);
  }
}

template <size_t I, class... Ts>
void emplace_index(std::variant<Ts...>& x, size_t index) {
  if constexpr (I < sizeof...(Ts)) {
    if (index == I)
      x.template emplace<I>();
    else
      emplace_index<I + 1>(x, index);
  }
}

/// A variant travels as its index (one byte) and then its alternative; an
/// index past the last alternative (a newer or corrupt sender) is refused.
template <class Inspector, class... Ts>
typename Inspector::result_type variant(Inspector& f, std::variant<Ts...>& x, const char* what) {
  static_assert(sizeof...(Ts) < 256);
  if constexpr (std::is_void_v<typename Inspector::result_type>) {
    f(caf::meta::type_name(what));
    std::visit([&f](auto& alt) { apply(f, alt); }, x);
  } else if constexpr (Inspector::reads_state) {
    auto index = static_cast<uint8_t>(x.index());
    if (auto err = f(index))
      return err;
    return std::visit([&f](auto& alt) { return apply(f, alt); }, x);
  } else {
    uint8_t index = 0;
    if (auto err = f(index))
      return err;
    if (index >= sizeof...(Ts))
      return make_error(errc::Serialization, std::string("unknown ") + what + " number " +
                                                 std::to_string(index));
    emplace_index<0>(x, index);
    return std::visit([&f](auto& alt) { return apply(f, alt); }, x);
  }
}

}  // namespace wire

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Target& x) {
  return f(caf::meta::type_name("strata::Target"), x.branch, x.space, x.txn);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, JsonListPage& x) {
  OptionalRef<std::string> cursor{x.cursor};
  return f(caf::meta::type_name("strata::JsonListPage"), x.keys, cursor);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, DiffEntry& x) {
  OptionalRef<Value> a{x.value_a};
  OptionalRef<Value> b{x.value_b};
  return f(caf::meta::type_name("strata::DiffEntry"), x.key, x.primitive, x.space, a, b);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, SpaceDiff& x) {
  return f(caf::meta::type_name("strata::SpaceDiff"), x.space, x.added, x.removed, x.modified);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BranchDiff& x) {
  return f(caf::meta::type_name("strata::BranchDiff"), x.branch_a, x.branch_b, x.spaces,
           x.total_added, x.total_removed, x.total_modified, x.spaces_only_in_a,
           x.spaces_only_in_b);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, MergeInfo& x) {
  return f(caf::meta::type_name("strata::MergeInfo"), x.source, x.target, x.keys_applied,
           x.applied, x.conflicts, x.spaces_merged, x.events_appended, x.merge_base);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BundleTransfer& x) {
  OptionalRef<BundleInfo> info{x.info};
  return f(caf::meta::type_name("strata::BundleTransfer"), x.transfer, x.offset, x.total, x.data,
           x.last, info);
}

/// The output of a command (strata::Output).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Output& x) {
  return wire::variant(f, x, "strata::Output");
}

/// A command's result as a message carries it: its output, or its error
/// (caf::expected cannot travel: it has no empty state to load into).
struct Outcome {
  bool ok = true;
  Output output;
  caf::error error;

  static Outcome of(result<Output>&& r) {
    if (r)
      return Outcome{true, std::move(*r), {}};
    return Outcome{false, {}, std::move(r.error())};
  }
  result<Output> get() && {
    if (ok)
      return std::move(output);
    return std::move(error);
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Outcome& x) {
  return f(caf::meta::type_name("strata::Outcome"), x.ok, x.output, x.error);
}

namespace cmd {

// Every command: its target, then its arguments in order.
#define STRATA_INSPECT_COMMAND(Name, ...)                                              \
  template <class Inspector>                                                           \
  typename Inspector::result_type inspect(Inspector& f, Name& x) {                     \
    f(caf::meta::type_name("strata::cmd::" #Name));                                    \
    return wire::fields(f, x.at, ##__VA_ARGS__);                                       \
  }

STRATA_INSPECT_COMMAND(ListSpaces)
STRATA_INSPECT_COMMAND(CreateSpace, x.name)
STRATA_INSPECT_COMMAND(SpaceExists, x.name)
STRATA_INSPECT_COMMAND(DeleteSpace, x.name)
STRATA_INSPECT_COMMAND(DeleteSpaceForce, x.name)
STRATA_INSPECT_COMMAND(TimeRange)
STRATA_INSPECT_COMMAND(CreateBranch, x.name)
STRATA_INSPECT_COMMAND(ListBranches)
STRATA_INSPECT_COMMAND(BranchExists, x.name)
STRATA_INSPECT_COMMAND(BranchInfo, x.name)
STRATA_INSPECT_COMMAND(DeleteBranch, x.name)
STRATA_INSPECT_COMMAND(ForkBranch, x.dest)
STRATA_INSPECT_COMMAND(BranchExport, x.branch, x.path)
STRATA_INSPECT_COMMAND(BranchImport, x.path, x.as_name)
STRATA_INSPECT_COMMAND(BranchValidateBundle, x.path)
STRATA_INSPECT_COMMAND(DiffBranches, x.a, x.b)
STRATA_INSPECT_COMMAND(MergeBranches, x.source, x.target, x.strategy)
STRATA_INSPECT_COMMAND(MergePreview, x.source, x.target)
STRATA_INSPECT_COMMAND(KvPut, x.key, x.value)
STRATA_INSPECT_COMMAND(KvGet, x.key)
STRATA_INSPECT_COMMAND(KvGetVersioned, x.key)
STRATA_INSPECT_COMMAND(KvGetAt, x.key, x.as_of_us)
STRATA_INSPECT_COMMAND(KvGetv, x.key)
STRATA_INSPECT_COMMAND(KvDelete, x.key)
STRATA_INSPECT_COMMAND(KvList, x.prefix)
STRATA_INSPECT_COMMAND(KvListPage, x.opts)
STRATA_INSPECT_COMMAND(KvListAt, x.prefix, x.as_of_us)
STRATA_INSPECT_COMMAND(KvBatchPut, x.entries)
STRATA_INSPECT_COMMAND(EventAppend, x.type, x.payload)
STRATA_INSPECT_COMMAND(EventBatchAppend, x.entries)
STRATA_INSPECT_COMMAND(EventGet, x.seq)
STRATA_INSPECT_COMMAND(EventGetRecord, x.seq)
STRATA_INSPECT_COMMAND(EventGetByType, x.type, x.after, x.limit)
STRATA_INSPECT_COMMAND(EventListAt, x.type, x.as_of_us)
STRATA_INSPECT_COMMAND(EventLen)
STRATA_INSPECT_COMMAND(EventVerifyChain)
STRATA_INSPECT_COMMAND(StateSet, x.cell, x.value)
STRATA_INSPECT_COMMAND(StateGet, x.cell)
STRATA_INSPECT_COMMAND(StateGetVersioned, x.cell)
STRATA_INSPECT_COMMAND(StateGetAt, x.cell, x.as_of_us)
STRATA_INSPECT_COMMAND(StateGetv, x.cell)
STRATA_INSPECT_COMMAND(StateInit, x.cell, x.value)
STRATA_INSPECT_COMMAND(StateCas, x.cell, x.expected, x.value)
STRATA_INSPECT_COMMAND(StateDelete, x.cell)
STRATA_INSPECT_COMMAND(StateList, x.prefix)
STRATA_INSPECT_COMMAND(StateListAt, x.prefix, x.as_of_us)
STRATA_INSPECT_COMMAND(StateBatchSet, x.entries)
STRATA_INSPECT_COMMAND(JsonSet, x.key, x.path, x.value)
STRATA_INSPECT_COMMAND(JsonGet, x.key, x.path)
STRATA_INSPECT_COMMAND(JsonGetAt, x.key, x.path, x.as_of_us)
STRATA_INSPECT_COMMAND(JsonGetVersioned, x.key)
STRATA_INSPECT_COMMAND(JsonGetv, x.key)
STRATA_INSPECT_COMMAND(JsonDelete, x.key, x.path)
STRATA_INSPECT_COMMAND(JsonList, x.prefix, x.cursor, x.limit)
STRATA_INSPECT_COMMAND(JsonListAt, x.prefix, x.as_of_us)
STRATA_INSPECT_COMMAND(JsonBatchSet, x.entries)
STRATA_INSPECT_COMMAND(VectorCreateCollection, x.name, x.dimension, x.metric, x.index)
STRATA_INSPECT_COMMAND(VectorDeleteCollection, x.name)
STRATA_INSPECT_COMMAND(VectorListCollections)
STRATA_INSPECT_COMMAND(VectorCollectionStats, x.name)
STRATA_INSPECT_COMMAND(VectorUpsert, x.collection, x.key, x.embedding, x.metadata)
STRATA_INSPECT_COMMAND(VectorBatchUpsert, x.collection, x.entries)
STRATA_INSPECT_COMMAND(VectorGet, x.collection, x.key)
STRATA_INSPECT_COMMAND(VectorGetAt, x.collection, x.key, x.as_of_us)
STRATA_INSPECT_COMMAND(VectorDelete, x.collection, x.key)
STRATA_INSPECT_COMMAND(VectorListKeys, x.collection)
STRATA_INSPECT_COMMAND(VectorSearch, x.collection, x.query, x.k, x.filter)
STRATA_INSPECT_COMMAND(VectorSearchAt, x.collection, x.query, x.k, x.filter, x.as_of_us)
STRATA_INSPECT_COMMAND(Begin, x.read_only)
STRATA_INSPECT_COMMAND(Commit)
STRATA_INSPECT_COMMAND(Rollback)
STRATA_INSPECT_COMMAND(Check)
STRATA_INSPECT_COMMAND(BundleRead, x.branch, x.transfer, x.offset)
STRATA_INSPECT_COMMAND(BundleWrite, x.transfer, x.offset, x.data, x.last, x.as_name)
STRATA_INSPECT_COMMAND(StateCasDetailed, x.cell, x.expected, x.value)
STRATA_INSPECT_COMMAND(EventRange, x.from_seq, x.to_seq, x.limit)
STRATA_INSPECT_COMMAND(KvScan, x.opts)
STRATA_INSPECT_COMMAND(KvScanAt, x.opts, x.as_of_us)

#undef STRATA_INSPECT_COMMAND

/// A command travels as its number in Command and then its members.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Command& x) {
  return wire::variant(f, x, "strata::Command");
}

}  // namespace cmd

}  // namespace strata

// The types of the command protocol, after the internal block.
CAF_BEGIN_TYPE_ID_BLOCK(strata_api, caf::id_block::strata::end)
  CAF_ADD_TYPE_ID(strata_api, (strata::Command))
  CAF_ADD_TYPE_ID(strata_api, (strata::Output))
  CAF_ADD_TYPE_ID(strata_api, (std::vector<strata::Command>))
  CAF_ADD_TYPE_ID(strata_api, (strata::Outcome))
  CAF_ADD_TYPE_ID(strata_api, (std::vector<strata::Outcome>))
CAF_END_TYPE_ID_BLOCK(strata_api)
