#pragma once

// Plain data types shared by the store, the actors and the public API.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "strata/messages/error.hpp"
#include "strata/messages/value.hpp"
#include "strata/messages/vector_types.hpp"

namespace strata {

/// How far a write has travelled when the call returns (DESIGN.md, SPEC 2.3).
enum class Durability : uint8_t {
  /// Memory only (LevelDB's in-memory Env); everything is lost on exit.
  Cache,
  /// The write has reached the OS before the call returns, so a killed
  /// process loses nothing; the log is fsynced at least every 100 ms, so a
  /// machine crash loses at most that window.
  Standard,
  /// fsync before the call returns: nothing acknowledged is ever lost.
  Always,
};

/// "cache", "standard" or "always".
const char* to_string(Durability d) noexcept;

/// One item of a batch write.
struct KvEntry {
  std::string key;
  Value value;
};

/// The outcome of one item of a batch: a version with its commit
/// timestamp, or the error that item got (the other items are still
/// written; SPEC 5.1).
struct BatchItemResult {
  std::optional<uint64_t> version;
  caf::error error;
  /// The item's commit timestamp (microseconds since the epoch); 0 with an
  /// error, and for a transaction's buffered write (its timestamp is the
  /// commit's: Session::last_commit_timestamp).
  uint64_t timestamp = 0;

  bool ok() const { return version.has_value(); }
};

/// What a write did, answered by the `*_versioned` forms of the writes
/// (Strata::kv_put_versioned, ...): the version it created — an event's
/// sequence number — and its commit timestamp in microseconds since the
/// epoch, the same timestamp that kv_get_versioned, getv and the `*_at`
/// reads see. A delete that found nothing live writes nothing and answers
/// {0, 0}. Inside a transaction the timestamp is 0: it is the commit's,
/// known once the commit succeeds (Session::last_commit_timestamp).
struct WriteInfo {
  uint64_t version = 0;
  uint64_t timestamp = 0;
};

inline bool operator==(const WriteInfo& a, const WriteInfo& b) {
  return a.version == b.version && a.timestamp == b.timestamp;
}
inline bool operator!=(const WriteInfo& a, const WriteInfo& b) {
  return !(a == b);
}

/// One item of a batch of event appends.
struct EventEntry {
  std::string type;
  Value payload;
};

/// One stored event (SPEC 5.2). `hash` and `prev_hash` are SHA-256 digests
/// (32 bytes each; `prev_hash` is 32 zero bytes for the first event).
struct Event {
  uint64_t sequence = 0;
  std::string type;
  Value payload;
  uint64_t timestamp = 0;
  std::string prev_hash;
  std::string hash;
};

/// One entry of a scan: a key with its value, version and commit timestamp
/// (0 for a transaction's own uncommitted write).
struct KeyValue {
  std::string key;
  Value value;
  uint64_t version = 0;
  uint64_t timestamp = 0;
};

/// One page of a scan (Strata::kv_scan): entries in key order; `cursor` is
/// set only when more may remain — pass it back as the next page's cursor.
struct ScanPage {
  std::vector<KeyValue> items;
  std::optional<std::string> cursor;
};

/// A scan's page size when none is given, and the largest one allowed (a
/// page is held in memory whole).
inline constexpr uint64_t default_scan_limit = 100;
inline constexpr uint64_t max_scan_limit = 10000;

/// What a compare-and-swap did (Strata::state_cas_detailed): on a miss it
/// carries the cell as the check found it, read in the same step, so that
/// the caller can retry without a read that could race another writer.
struct CasOutcome {
  bool swapped = false;
  /// The new version when swapped; 0 on a miss.
  uint64_t version = 0;
  /// The write's commit timestamp when swapped (0 inside a transaction,
  /// whose commit decides it); 0 on a miss.
  uint64_t timestamp = 0;
  /// On a miss, the cell's live value with its version and timestamp
  /// (empty when the cell is absent or deleted); empty when swapped.
  std::optional<VersionedValue> current;
};

/// The outcome of re-checking an event log's hash chain.
struct ChainVerification {
  bool valid = true;
  uint64_t length = 0;          ///< events checked
  uint64_t first_bad_sequence = 0;  ///< 0 when valid
  std::string reason;           ///< what was wrong at first_bad_sequence
};

/// What Strata::check() found in one store: a space's, or a branch's
/// transaction log (`space` empty).
struct StoreCheck {
  std::string branch;
  std::string space;                  ///< empty: the branch's transaction log
  uint64_t records = 0;               ///< records read and verified
  /// Of those, a space's applied markers of two-phase commits (kept
  /// until the branch's coordinator forgets the transaction, a second or
  /// so after it finished).
  uint64_t txn_markers = 0;
  std::vector<std::string> problems;  ///< what is damaged; empty when sound
  bool ok() const { return problems.empty(); }
};

/// One item of a batch of JSON document writes: set `value` at `path` of
/// document `key`.
struct JsonEntry {
  std::string key;
  std::string path;
  Value value;
};

/// One page of a document listing; `cursor` is set only when more keys
/// remain (pass it back to get the next page).
struct JsonListPage {
  std::vector<std::string> keys;
  std::optional<std::string> cursor;
};

/// One vector of a collection as stored (SPEC 5.5).
struct VectorEntry {
  std::string key;
  std::vector<float> embedding;
  std::optional<Value> metadata;
  uint64_t version = 0;
  uint64_t timestamp = 0;
};

/// One item of a vector batch upsert.
struct VectorUpsert {
  std::string key;
  std::vector<float> embedding;
  std::optional<Value> metadata;
};

/// One search hit: higher scores are more similar (SPEC 5.5).
struct VectorMatch {
  std::string key;
  float score = 0;
  std::optional<Value> metadata;
};

/// What a collection is and holds.
struct CollectionInfo {
  std::string name;
  uint64_t dimension = 0;
  DistanceMetric metric = DistanceMetric::Cosine;
  uint64_t count = 0;
  std::string index_type;  ///< "brute_force" or "hnsw"
  uint64_t memory_bytes = 0;
};

/// What a branch is (SPEC 3.2 branch info).
struct BranchInfo {
  std::string name;
  uint64_t created_at = 0;   ///< microseconds since the epoch
  std::string parent;        ///< the branch it was forked from ("" if none)
  /// Merge points: per branch merged into this one, the source's timestamp
  /// that merge read (the next merge from it starts there).
  std::map<std::string, uint64_t> merged_from;
};

/// The outcome of a fork.
struct ForkInfo {
  std::string source;
  std::string destination;
  uint64_t spaces_copied = 0;  ///< including "default" when it holds data
  /// Stored records copied: every version of every entry, every event,
  /// collection and vector — what a bundle of the branch counts in
  /// BundleInfo::entry_count.
  uint64_t entries_copied = 0;
};

/// What a bundle export, import or validation found (SPEC 3.2).
struct BundleInfo {
  std::string branch;
  std::string path;
  uint32_t format_version = 0;
  uint64_t entry_count = 0;  ///< stored records across all spaces
  uint64_t spaces = 0;
  uint64_t bundle_size = 0;  ///< bytes (export)
  bool checksums_valid = false;
};

/// Arguments of a key listing. An empty prefix means all keys; with a
/// limit, the page starts strictly after `cursor` (SPEC 5.1).
struct ListOptions {
  std::string prefix;
  std::optional<std::string> cursor;
  std::optional<uint64_t> limit;
};

}  // namespace strata
