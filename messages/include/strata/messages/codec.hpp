#pragma once

// Encoders and decoders for the Cap'n Proto records of messages/schema/.
//
// Decoding is a trust edge: the bytes may come from a damaged file or a
// peer. Every decode_* checks alignment (copying when needed), applies
// ReaderOptions limits sized to the input, converts kj::Exception into
// errc::Serialization, and never crashes on any byte sequence.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strata/messages/error.hpp"
#include "strata/messages/txn_types.hpp"
#include "strata/messages/types.hpp"
#include "strata/messages/value.hpp"

namespace strata {

/// One version of a versioned entry (schema VersionedRecord).
struct VersionedRecord {
  uint64_t version = 0;
  uint64_t timestamp = 0;
  bool tombstone = false;
  Value value;
  std::vector<std::string> paths;  ///< JSON documents: paths this version changed
};

/// A participant's logged vote (schema PreparedTxn).
struct PreparedTxn {
  uint64_t txn_id = 0;
  uint64_t snapshot = 0;
  std::vector<TxnOp> ops;
  /// The timestamp the transaction commits at (never 0: a record without
  /// one does not decode).
  uint64_t commit_ts = 0;
  /// Every participant's space name.
  std::vector<std::string> participants;
};

/// The coordinator's logged decision (schema CommitDecision).
struct CommitDecision {
  uint64_t txn_id = 0;
  uint64_t commit_ts = 0;
  std::vector<std::string> participants;
};

/// Per-space bookkeeping (schema SpaceMeta).
struct SpaceMeta {
  uint32_t format_version = 1;
  uint64_t max_timestamp = 0;
};

/// Appends the flat (unpacked) Cap'n Proto encoding to `out`.
void encode(const VersionedRecord& rec, std::string& out);
void encode(const SpaceMeta& meta, std::string& out);
void encode(const Value& value, std::string& out);
/// Encodes a VersionedRecord without copying the value; a null `value`
/// encodes a tombstone.
void encode_record(uint64_t version, uint64_t timestamp, const Value* value, std::string& out,
                   const std::vector<std::string>* paths = nullptr);
void encode(const PreparedTxn& txn, std::string& out);
void encode(const CommitDecision& decision, std::string& out);

void encode(const Event& event, std::string& out);

/// A branch's metadata record: a Value object {"name": String,
/// "created_at": Int (µs), "parent": String}.
std::string encode_branch_meta(const BranchInfo& info);
[[nodiscard]] result<BranchInfo> decode_branch_meta(std::string_view bytes);

/// Errors: Serialization ("corrupt record: ...") for any malformed input.
/// `with_value` false leaves `value` null: for readers that need only the
/// version, timestamp, tombstone and paths (a write learning the version
/// to follow, a listing, a conflict check), so that they do not rebuild a
/// value they throw away.
[[nodiscard]] result<VersionedRecord> decode_versioned_record(std::string_view bytes,
                                                              bool with_value = true);
[[nodiscard]] result<SpaceMeta> decode_space_meta(std::string_view bytes);
[[nodiscard]] result<Value> decode_value(std::string_view bytes);
[[nodiscard]] result<Event> decode_event(std::string_view bytes);
[[nodiscard]] result<PreparedTxn> decode_prepared_txn(std::string_view bytes);
[[nodiscard]] result<CommitDecision> decode_commit_decision(std::string_view bytes);

}  // namespace strata
