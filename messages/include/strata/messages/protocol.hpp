#pragma once

// The vocabulary actors exchange: atoms, reply structs, CAF `inspect`
// overloads and the type-ID block. Every type here is serializable, so the
// same messages can cross to another node.
//
// This header includes CAF; keep it out of widely included headers (it is
// meant for actors/ and runtime/ sources only).

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/detail/stringification_inspector.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/none.hpp>
#include <caf/type_id.hpp>

#include "strata/messages/codec.hpp"
#include "strata/messages/types.hpp"
#include "strata/messages/value.hpp"

namespace strata {

// -- atoms (text at most 10 characters) ---------------------------------------

using kv_put_atom = caf::atom_constant<caf::atom("kv_put")>;
using kv_get_atom = caf::atom_constant<caf::atom("kv_get")>;
/// The version of an entry's newest record, deletions included (a
/// transaction's writes report the version their commit will give).
using entry_version_atom = caf::atom_constant<caf::atom("ent_ver")>;
using kv_get_at_atom = caf::atom_constant<caf::atom("kv_get_at")>;
using kv_getv_atom = caf::atom_constant<caf::atom("kv_getv")>;
using kv_del_atom = caf::atom_constant<caf::atom("kv_del")>;
using kv_list_atom = caf::atom_constant<caf::atom("kv_list")>;
using kv_list_at_atom = caf::atom_constant<caf::atom("kv_list_at")>;
using kv_scan_atom = caf::atom_constant<caf::atom("kv_scan")>;
using kv_scan_at_atom = caf::atom_constant<caf::atom("kv_scan_at")>;
using kv_batch_atom = caf::atom_constant<caf::atom("kv_batch")>;

using state_set_atom = caf::atom_constant<caf::atom("st_set")>;
using state_get_atom = caf::atom_constant<caf::atom("st_get")>;
using state_get_at_atom = caf::atom_constant<caf::atom("st_get_at")>;
using state_getv_atom = caf::atom_constant<caf::atom("st_getv")>;
using state_init_atom = caf::atom_constant<caf::atom("st_init")>;
using state_cas_atom = caf::atom_constant<caf::atom("st_cas")>;
using state_del_atom = caf::atom_constant<caf::atom("st_del")>;
using state_list_atom = caf::atom_constant<caf::atom("st_list")>;
using state_list_at_atom = caf::atom_constant<caf::atom("st_list_at")>;
using state_batch_atom = caf::atom_constant<caf::atom("st_batch")>;

using json_set_atom = caf::atom_constant<caf::atom("js_set")>;
using json_batch_atom = caf::atom_constant<caf::atom("js_batch")>;
using json_get_atom = caf::atom_constant<caf::atom("js_get")>;
using json_get_at_atom = caf::atom_constant<caf::atom("js_get_at")>;
using json_doc_atom = caf::atom_constant<caf::atom("js_doc")>;
using json_getv_atom = caf::atom_constant<caf::atom("js_getv")>;
using json_del_atom = caf::atom_constant<caf::atom("js_del")>;
using json_list_atom = caf::atom_constant<caf::atom("js_list")>;
using json_list_at_atom = caf::atom_constant<caf::atom("js_list_at")>;

using vec_create_atom = caf::atom_constant<caf::atom("vc_create")>;
using vec_drop_atom = caf::atom_constant<caf::atom("vc_drop")>;
using vec_colls_atom = caf::atom_constant<caf::atom("vc_list")>;
using vec_stats_atom = caf::atom_constant<caf::atom("vc_stats")>;
using vec_upsert_atom = caf::atom_constant<caf::atom("v_upsert")>;
using vec_batch_atom = caf::atom_constant<caf::atom("v_batch")>;
using vec_get_atom = caf::atom_constant<caf::atom("v_get")>;
using vec_get_at_atom = caf::atom_constant<caf::atom("v_get_at")>;
using vec_del_atom = caf::atom_constant<caf::atom("v_del")>;
using vec_keys_atom = caf::atom_constant<caf::atom("v_keys")>;
using vec_search_atom = caf::atom_constant<caf::atom("v_search")>;
using vec_search_at_atom = caf::atom_constant<caf::atom("v_search_a")>;
using vec_colls_at_atom = caf::atom_constant<caf::atom("vc_list_at")>;
using vec_keys_at_atom = caf::atom_constant<caf::atom("v_keys_at")>;

using event_append_atom = caf::atom_constant<caf::atom("ev_append")>;
using event_batch_atom = caf::atom_constant<caf::atom("ev_batch")>;
using event_get_atom = caf::atom_constant<caf::atom("ev_get")>;
using event_by_type_atom = caf::atom_constant<caf::atom("ev_bytype")>;
using event_list_at_atom = caf::atom_constant<caf::atom("ev_list_at")>;
using event_len_atom = caf::atom_constant<caf::atom("ev_len")>;
using event_range_atom = caf::atom_constant<caf::atom("ev_range")>;
using event_verify_atom = caf::atom_constant<caf::atom("ev_verify")>;

using space_create_atom = caf::atom_constant<caf::atom("sp_create")>;
using space_drop_atom = caf::atom_constant<caf::atom("sp_drop")>;
using space_list_atom = caf::atom_constant<caf::atom("sp_list")>;
using space_check_atom = caf::atom_constant<caf::atom("sp_check")>;
using space_time_range_atom = caf::atom_constant<caf::atom("sp_trange")>;
using txn_check_atom = caf::atom_constant<caf::atom("tx_check")>;
using space_exists_atom = caf::atom_constant<caf::atom("sp_exists")>;
using space_resolve_atom = caf::atom_constant<caf::atom("sp_resolve")>;
using space_register_atom = caf::atom_constant<caf::atom("sp_reg")>;
using space_unregister_atom = caf::atom_constant<caf::atom("sp_unreg")>;

using txn_commit1_atom = caf::atom_constant<caf::atom("tx_commit1")>;
using txn_prepare_atom = caf::atom_constant<caf::atom("tx_prepare")>;
using txn_decide_atom = caf::atom_constant<caf::atom("tx_decide")>;
using txn_commit_atom = caf::atom_constant<caf::atom("tx_commit")>;
using txn_resolve_atom = caf::atom_constant<caf::atom("tx_resolve")>;
using txn_status_atom = caf::atom_constant<caf::atom("tx_status")>;
using txn_forget_atom = caf::atom_constant<caf::atom("tx_forget")>;
using txn_flush_atom = caf::atom_constant<caf::atom("tx_flush")>;
using txn_pause_atom = caf::atom_constant<caf::atom("tx_pause")>;
using txn_resume_atom = caf::atom_constant<caf::atom("tx_resume")>;
using drop_wait_atom = caf::atom_constant<caf::atom("drop_wait")>;
using txn_coord_atom = caf::atom_constant<caf::atom("tx_coord")>;
using txn_snapshot_atom = caf::atom_constant<caf::atom("tx_snap")>;
using recover_atom = caf::atom_constant<caf::atom("recover")>;
using group_sync_atom = caf::atom_constant<caf::atom("grp_sync")>;
using forget_atom = caf::atom_constant<caf::atom("forget")>;
using event_len_at_atom = caf::atom_constant<caf::atom("ev_len_at")>;

using branch_create_atom = caf::atom_constant<caf::atom("br_create")>;
using branch_delete_atom = caf::atom_constant<caf::atom("br_delete")>;
using branch_list_atom = caf::atom_constant<caf::atom("br_list")>;
using branch_exists_atom = caf::atom_constant<caf::atom("br_exists")>;
using branch_info_atom = caf::atom_constant<caf::atom("br_info")>;
using branch_fork_atom = caf::atom_constant<caf::atom("br_fork")>;
using branch_merged_atom = caf::atom_constant<caf::atom("br_merged")>;
using space_copy_atom = caf::atom_constant<caf::atom("sp_copy")>;
using space_dump_atom = caf::atom_constant<caf::atom("sp_dump")>;
using branch_import_atom = caf::atom_constant<caf::atom("br_import")>;
using bundle_check_atom = caf::atom_constant<caf::atom("br_check")>;

using branch_open_atom = caf::atom_constant<caf::atom("br_open")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using synced_atom = caf::atom_constant<caf::atom("synced")>;
using log_synced_atom = caf::atom_constant<caf::atom("log_synced")>;
using owed_wake_atom = caf::atom_constant<caf::atom("owed_wake")>;
using hibernate_atom = caf::atom_constant<caf::atom("hibernate")>;
using room_atom = caf::atom_constant<caf::atom("room")>;

// -- reply types ----------------------------------------------------------------

/// An optional T in message form (CAF 0.17 cannot serialize
/// std::optional): `found`, and `value` when found.
template <class T>
struct Maybe {
  bool found = false;
  T value{};

  static Maybe from(std::optional<T> x) {
    Maybe out;
    if (x) {
      out.found = true;
      out.value = std::move(*x);
    }
    return out;
  }
  std::optional<T> to_optional() && {
    if (!found)
      return std::nullopt;
    return std::move(value);
  }
  std::optional<T> to_optional() const& {
    return found ? std::optional<T>{value} : std::nullopt;
  }
};

/// A read of an entry's newest or time-travel version.
using MaybeVersioned = Maybe<VersionedValue>;
/// An entry's version history.
using MaybeHistory = Maybe<std::vector<VersionedValue>>;
/// A version (a CAS outcome; a state_get of a version).
using MaybeVersion = Maybe<uint64_t>;
/// A value (a JSON path read).
using MaybeValue = Maybe<Value>;

/// A JSON listing page in message form.
struct JsonPageMsg {
  std::vector<std::string> keys;
  bool has_cursor = false;
  std::string cursor;
};

/// One participant of a multi-space commit: the space, its actor and the
/// work it must validate and apply.
struct TxnPart {
  std::string space;
  caf::actor participant;
  TxnWork work;
};

/// What every participant of a multi-space commit is told with its work:
/// the transaction's id, the commit timestamp it will carry, and the names
/// of all its participants. Logged with the participant's PREPARED record,
/// it lets recovery decide the transaction from the participants alone
/// ("parallel commits": committed iff every participant logged PREPARED).
struct TxnTicket {
  uint64_t id = 0;
  uint64_t commit_ts = 0;
  std::vector<std::string> participants;
};




/// A branch's description.
using MaybeBranchInfo = Maybe<BranchInfo>;
/// A vector entry.
using MaybeVectorEntry = Maybe<VectorEntry>;
/// One event.
using MaybeEvent = Maybe<Event>;

// -- inspect --------------------------------------------------------------------

template <class Inspector, class T>
typename Inspector::result_type inspect(Inspector& f, Maybe<T>& x) {
  return f(caf::meta::type_name("strata::Maybe"), x.found, x.value);
}

/// Value travels as its Cap'n Proto encoding; decoding checks the bytes like
/// any other trust edge. deep_to_string shows JSON.
template <class Inspector>
typename std::enable_if<Inspector::reads_state, typename Inspector::result_type>::type
inspect(Inspector& f, Value& x) {
  if constexpr (std::is_same<Inspector, caf::detail::stringification_inspector>::value) {
    auto text = x.to_json();
    return f(caf::meta::type_name("strata::Value"), text);
  } else {
    std::string blob;
    encode(x, blob);
    return f(caf::meta::type_name("strata::Value"), blob);
  }
}

template <class Inspector>
typename std::enable_if<Inspector::writes_state, typename Inspector::result_type>::type
inspect(Inspector& f, Value& x) {
  std::string blob;
  auto load = caf::meta::load_callback([&]() -> caf::error {
    auto decoded = decode_value(blob);
    if (!decoded)
      return std::move(decoded.error());
    x = std::move(*decoded);
    return caf::none;
  });
  return f(caf::meta::type_name("strata::Value"), blob, load);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, VersionedValue& x) {
  return f(caf::meta::type_name("strata::VersionedValue"), x.value, x.version, x.timestamp);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, KvEntry& x) {
  return f(caf::meta::type_name("strata::KvEntry"), x.key, x.value);
}

/// std::optional members travel as a flag plus a value (a default one
/// when empty): `OptionalRef<T>{member}` in an inspect.
template <class T>
struct OptionalRef {
  std::optional<T>& ref;
};

template <class Inspector, class T>
typename Inspector::result_type inspect(Inspector& f, OptionalRef<T>& x) {
  bool has = x.ref.has_value();
  T v = has ? *x.ref : T{};
  auto load = caf::meta::load_callback([&]() -> caf::error {
    x.ref = has ? std::optional<T>{std::move(v)} : std::nullopt;
    return caf::none;
  });
  return f(caf::meta::type_name("strata::Optional"), has, v, load);
}

/// Enums travel as one byte, refused on load when past `Last` (a newer or
/// corrupt sender): `EnumRef<E, E::Last>{member, "what it is"}`.
template <class E, E Last>
struct EnumRef {
  E& ref;
  const char* what;
};

template <class Inspector, class E, E Last>
typename Inspector::result_type inspect(Inspector& f, EnumRef<E, Last>& x) {
  auto byte = static_cast<uint8_t>(x.ref);
  auto load = caf::meta::load_callback([&]() -> caf::error {
    if (byte > static_cast<uint8_t>(Last))
      return make_error(errc::Serialization, std::string("unknown ") + x.what);
    x.ref = static_cast<E>(byte);
    return caf::none;
  });
  return f(caf::meta::type_name("strata::Enum"), byte, load);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, VectorEntry& x) {
  OptionalRef<Value> meta{x.metadata};
  return f(caf::meta::type_name("strata::VectorEntry"), x.key, x.embedding, meta, x.version,
           x.timestamp);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, VectorUpsert& x) {
  OptionalRef<Value> meta{x.metadata};
  return f(caf::meta::type_name("strata::VectorUpsert"), x.key, x.embedding, meta);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, VectorMatch& x) {
  OptionalRef<Value> meta{x.metadata};
  return f(caf::meta::type_name("strata::VectorMatch"), x.key, x.score, meta);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CollectionInfo& x) {
  return f(caf::meta::type_name("strata::CollectionInfo"), x.name, x.dimension, x.metric, x.count,
           x.index_type, x.memory_bytes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, FilterCondition& x) {
  EnumRef<FilterCondition::Op, FilterCondition::Op::Contains> op{x.op, "filter operator"};
  return f(caf::meta::type_name("strata::FilterCondition"), x.field, op, x.value);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, MetadataFilter& x) {
  return f(caf::meta::type_name("strata::MetadataFilter"), x.conditions);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, StoredPair& x) {
  return f(caf::meta::type_name("strata::StoredPair"), x.key, x.value);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BundleSpace& x) {
  return f(caf::meta::type_name("strata::BundleSpace"), x.name, x.entries);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BundleInfo& x) {
  return f(caf::meta::type_name("strata::BundleInfo"), x.branch, x.path, x.format_version,
           x.entry_count, x.spaces, x.bundle_size, x.checksums_valid);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BranchInfo& x) {
  return f(caf::meta::type_name("strata::BranchInfo"), x.name, x.created_at, x.parent,
           x.merged_from);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ForkInfo& x) {
  return f(caf::meta::type_name("strata::ForkInfo"), x.source, x.destination, x.spaces_copied,
           x.entries_copied);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TxnOp& x) {
  EnumRef<TxnOpKind, TxnOpKind::VectorDelete> kind{x.kind, "transaction operation"};
  return f(caf::meta::type_name("strata::TxnOp"), kind, x.key, x.arg, x.value, x.has_expected,
           x.expected);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TxnRead& x) {
  return f(caf::meta::type_name("strata::TxnRead"), x.tag, x.key, x.path, x.range);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TxnWork& x) {
  return f(caf::meta::type_name("strata::TxnWork"), x.snapshot, x.reads, x.ops);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TxnTicket& x) {
  return f(caf::meta::type_name("strata::TxnTicket"), x.id, x.commit_ts, x.participants);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, TxnPart& x) {
  return f(caf::meta::type_name("strata::TxnPart"), x.space, x.participant, x.work);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, JsonPageMsg& x) {
  return f(caf::meta::type_name("strata::JsonPageMsg"), x.keys, x.has_cursor, x.cursor);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, JsonEntry& x) {
  return f(caf::meta::type_name("strata::JsonEntry"), x.key, x.path, x.value);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, Event& x) {
  return f(caf::meta::type_name("strata::Event"), x.sequence, x.type, x.payload, x.timestamp,
           x.prev_hash, x.hash);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, EventEntry& x) {
  return f(caf::meta::type_name("strata::EventEntry"), x.type, x.payload);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, KeyValue& x) {
  return f(caf::meta::type_name("strata::KeyValue"), x.key, x.value, x.version, x.timestamp);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ScanPage& x) {
  OptionalRef<std::string> cursor{x.cursor};
  return f(caf::meta::type_name("strata::ScanPage"), x.items, cursor);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, CasOutcome& x) {
  OptionalRef<VersionedValue> current{x.current};
  return f(caf::meta::type_name("strata::CasOutcome"), x.swapped, x.version, x.timestamp,
           current);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, WriteInfo& x) {
  return f(caf::meta::type_name("strata::WriteInfo"), x.version, x.timestamp);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ChainVerification& x) {
  return f(caf::meta::type_name("strata::ChainVerification"), x.valid, x.length,
           x.first_bad_sequence, x.reason);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, StoreCheck& x) {
  return f(caf::meta::type_name("strata::StoreCheck"), x.branch, x.space, x.records, x.txn_markers,
           x.problems);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, BatchItemResult& x) {
  OptionalRef<uint64_t> version{x.version};
  return f(caf::meta::type_name("strata::BatchItemResult"), version, x.error, x.timestamp);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ListOptions& x) {
  bool has_cursor = x.cursor.has_value();
  std::string cursor = x.cursor.value_or(std::string{});
  bool has_limit = x.limit.has_value();
  uint64_t limit = x.limit.value_or(0);
  auto load = caf::meta::load_callback([&]() -> caf::error {
    x.cursor = has_cursor ? std::optional<std::string>{cursor} : std::nullopt;
    x.limit = has_limit ? std::optional<uint64_t>{limit} : std::nullopt;
    return caf::none;
  });
  return f(caf::meta::type_name("strata::ListOptions"), x.prefix, has_cursor, cursor, has_limit,
           limit, load);
}

}  // namespace strata

// One type-ID block for every type that may cross a process boundary.
CAF_BEGIN_TYPE_ID_BLOCK(strata, caf::first_custom_type_id)
  CAF_ADD_TYPE_ID(strata, (strata::Value))
  CAF_ADD_TYPE_ID(strata, (strata::VersionedValue))
  CAF_ADD_TYPE_ID(strata, (strata::KvEntry))
  CAF_ADD_TYPE_ID(strata, (strata::MaybeVersioned))
  CAF_ADD_TYPE_ID(strata, (strata::MaybeHistory))
  CAF_ADD_TYPE_ID(strata, (strata::BatchItemResult))
  CAF_ADD_TYPE_ID(strata, (strata::ListOptions))
  CAF_ADD_TYPE_ID(strata, (std::vector<strata::KvEntry>))
  CAF_ADD_TYPE_ID(strata, (std::vector<strata::BatchItemResult>))
  CAF_ADD_TYPE_ID(strata, (std::vector<strata::VersionedValue>))
  CAF_ADD_TYPE_ID(strata, (strata::MaybeVersion))
  CAF_ADD_TYPE_ID(strata, (strata::Event))
  CAF_ADD_TYPE_ID(strata, (strata::MaybeEvent))
  CAF_ADD_TYPE_ID(strata, (strata::EventEntry))
  CAF_ADD_TYPE_ID(strata, (strata::ChainVerification))
  CAF_ADD_TYPE_ID(strata, (strata::StoreCheck))
  CAF_ADD_TYPE_ID(strata, (std::vector<strata::StoreCheck>))
  CAF_ADD_TYPE_ID(strata, (std::vector<strata::Event>))
  CAF_ADD_TYPE_ID(strata, (std::vector<strata::EventEntry>))
  CAF_ADD_TYPE_ID(strata, (strata::MaybeValue))
  CAF_ADD_TYPE_ID(strata, (strata::JsonPageMsg))
  CAF_ADD_TYPE_ID(strata, (strata::JsonEntry))
  CAF_ADD_TYPE_ID(strata, (std::vector<strata::JsonEntry>))
  CAF_ADD_TYPE_ID(strata, (strata::VectorEntry))
  CAF_ADD_TYPE_ID(strata, (strata::VectorUpsert))
  CAF_ADD_TYPE_ID(strata, (strata::VectorMatch))
  CAF_ADD_TYPE_ID(strata, (strata::CollectionInfo))
  CAF_ADD_TYPE_ID(strata, (strata::DistanceMetric))
  CAF_ADD_TYPE_ID(strata, (strata::Primitive))
  CAF_ADD_TYPE_ID(strata, (strata::MetadataFilter))
  CAF_ADD_TYPE_ID(strata, (strata::MaybeVectorEntry))
  CAF_ADD_TYPE_ID(strata, (std::vector<strata::VectorUpsert>))
  CAF_ADD_TYPE_ID(strata, (std::vector<strata::VectorMatch>))
  CAF_ADD_TYPE_ID(strata, (std::vector<strata::CollectionInfo>))
  CAF_ADD_TYPE_ID(strata, (std::vector<float>))
  CAF_ADD_TYPE_ID(strata, (std::vector<uint64_t>))
  CAF_ADD_TYPE_ID(strata, (strata::TxnOp))
  CAF_ADD_TYPE_ID(strata, (strata::TxnRead))
  CAF_ADD_TYPE_ID(strata, (strata::TxnWork))
  CAF_ADD_TYPE_ID(strata, (strata::TxnPart))
  CAF_ADD_TYPE_ID(strata, (std::vector<strata::TxnPart>))
  CAF_ADD_TYPE_ID(strata, (strata::BranchInfo))
  CAF_ADD_TYPE_ID(strata, (strata::MaybeBranchInfo))
  CAF_ADD_TYPE_ID(strata, (strata::ForkInfo))
  CAF_ADD_TYPE_ID(strata, (strata::StoredPair))
  CAF_ADD_TYPE_ID(strata, (strata::BundleSpace))
  CAF_ADD_TYPE_ID(strata, (strata::BundleInfo))
  CAF_ADD_TYPE_ID(strata, (std::vector<strata::StoredPair>))
  CAF_ADD_TYPE_ID(strata, (std::vector<strata::BundleSpace>))
  CAF_ADD_TYPE_ID(strata, (strata::TxnTicket))
  CAF_ADD_TYPE_ID(strata, (strata::CasOutcome))
  CAF_ADD_TYPE_ID(strata, (strata::ScanPage))
  CAF_ADD_TYPE_ID(strata, (strata::WriteInfo))
CAF_END_TYPE_ID_BLOCK(strata)
