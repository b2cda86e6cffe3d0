#pragma once

// Comparing and merging branches (SPEC 3.2 diff / merge).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/messages/error.hpp"
#include "strata/messages/value.hpp"

namespace strata {

/// One entry that differs between two branches. `primitive` is "kv",
/// "state", "json", "event" (`key` = the sequence number),
/// "vector_collection" (`key` = its name; value = {dimension, metric}) or
/// "vector" (`key` = "collection/key"; value = {embedding, metadata}).
struct DiffEntry {
  std::string key;
  std::string primitive;
  std::string space;
  std::optional<Value> value_a;  ///< in branch a (absent when added)
  std::optional<Value> value_b;  ///< in branch b (absent when removed)
};

/// The differences within one space.
struct SpaceDiff {
  std::string space;
  std::vector<DiffEntry> added;     ///< in b only
  std::vector<DiffEntry> removed;   ///< in a only
  std::vector<DiffEntry> modified;  ///< in both, with different values
};

/// diff_branches(a, b): the latest values per (space, primitive, key).
/// Only spaces with differences are listed.
struct BranchDiff {
  std::string branch_a;
  std::string branch_b;
  std::vector<SpaceDiff> spaces;
  uint64_t total_added = 0;
  uint64_t total_removed = 0;
  uint64_t total_modified = 0;
  std::vector<std::string> spaces_only_in_a;
  std::vector<std::string> spaces_only_in_b;
};

/// How merge_branches treats an entry changed on both sides (since the
/// merge base) to different values: a conflict.
enum class MergeStrategy : uint8_t {
  /// The side whose newest version has the later commit timestamp wins
  /// (a deletion counts as older than any write: its time is not kept).
  /// Every conflict is reported with both values.
  LastWriterWins,
  /// Any conflict fails the merge before anything is written.
  Strict,
};

/// "lww", "last_writer_wins" or "strict". Errors: InvalidInput.
[[nodiscard]] result<MergeStrategy> parse_merge_strategy(std::string_view text);

/// What merge_branches did.
struct MergeInfo {
  std::string source;
  std::string target;
  /// Entries written to the target (set or deleted), conflicts the source
  /// won included.
  uint64_t keys_applied = 0;
  /// Those entries, each with the target's value before (value_a) and the
  /// source's (value_b; absent: deleted there), per space.
  std::vector<DiffEntry> applied;
  /// Entries changed on both sides to different values: value_a is the
  /// target's, value_b the source's (absent: deleted); under
  /// LastWriterWins the later side won.
  std::vector<DiffEntry> conflicts;
  uint64_t spaces_merged = 0;
  /// Events appended on the source since the merge base, appended to the
  /// target in order (their hash chain continues on the target).
  uint64_t events_appended = 0;
  /// The merge base's timestamp: the fork point of the nearest common
  /// ancestor or the last merge between the two, whichever is later; 0
  /// when the branches share no history (a two-way merge).
  uint64_t merge_base = 0;
};

}  // namespace strata
