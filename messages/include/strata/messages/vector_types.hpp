#pragma once

// The vocabulary of the vector store (SPEC 5.5): distance metrics, the
// metadata filter with its eight operators, and the collection name and
// dimension rules of SPEC 1.4. Plain values; nothing here touches storage
// or an index.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strata/messages/error.hpp"
#include "strata/messages/value.hpp"

namespace strata {

/// How a collection scores similarity. Every metric is oriented so that a
/// higher score means more similar (SPEC 5.5). The numeric values are
/// stored with a collection: append only, never renumber.
enum class DistanceMetric : uint8_t {
  Cosine,      ///< dot(a,b)/(|a|·|b|) in [-1, 1]; 0 when either norm is 0. The default.
  Euclidean,   ///< 1/(1 + L2 distance) in (0, 1].
  DotProduct,  ///< the raw inner product, unbounded.
};

/// How a vector collection indexes its vectors. Stored with a collection:
/// append only, never renumber.
enum class IndexKind : uint8_t {
  /// Brute force until the live count reaches 20,000 vectors (the store's
  /// IndexParams::hnsw_threshold); then an HNSW graph is built from all live
  /// vectors and kept from then on (also if the count drops again).
  Auto,
  /// Always exact.
  BruteForce,
  /// HNSW from the first vector.
  Hnsw,
};

/// "auto", "brute_force" or "hnsw": how a collection's config names its
/// index kind (the store's records and CollectionInfo::index_type of a
/// collection read at a time).
const char* to_string(IndexKind kind) noexcept;

/// "cosine", "euclidean" or "dot_product" (the `index_type`-style spelling
/// used in CollectionInfo and JSON output).
const char* to_string(DistanceMetric metric) noexcept;

/// Parses a metric name, case-insensitively: "cosine", "euclidean", and for
/// DotProduct any of "dot", "dot_product", "dotproduct".
/// Errors: InvalidInput naming the rejected text.
[[nodiscard]] result<DistanceMetric> parse_metric(std::string_view text);

/// One condition of a metadata filter: `metadata[field] <op> value`.
/// `field` names a top-level member of the metadata object (no paths: a
/// '.' is part of the name).
struct FilterCondition {
  enum class Op : uint8_t { Eq, Ne, Gt, Gte, Lt, Lte, In, Contains };

  std::string field;
  Op op = Op::Eq;
  /// A scalar (null, bool, number, string). For `In`, also an array of
  /// scalars, meaning "equals any element".
  Value value;

  friend bool operator==(const FilterCondition& a, const FilterCondition& b) {
    return a.field == b.field && a.op == b.op && a.value == b.value;
  }
  friend bool operator!=(const FilterCondition& a, const FilterCondition& b) { return !(a == b); }
};

/// "eq", "ne", "gt", "gte", "lt", "lte", "in" or "contains" — the spelling
/// both JSON forms use.
const char* to_string(FilterCondition::Op op) noexcept;

/// A metadata filter (SPEC 5.5): a list of conditions on a vector's metadata.
struct MetadataFilter {
  std::vector<FilterCondition> conditions;

  /// True when there are no conditions (the filter matches everything).
  bool empty() const { return conditions.empty(); }

  /// Whether `metadata` (nullptr when the vector has none) passes, by the
  /// rules of SPEC 5.5:
  /// - an empty filter matches everything, even absent or null metadata;
  /// - a non-empty filter never matches absent or non-object metadata;
  /// - all conditions must hold (AND), except that several `in` conditions
  ///   on the same field are OR'ed together (the group must hold once);
  /// - a condition on a field the metadata lacks is false — for `ne` too;
  /// - eq: both sides scalars (null, bool, number, string) of the same kind;
  ///   Int and Float compare numerically, |a-b| < f64 epsilon (two Ints
  ///   compare exactly); any other cross-type pair is unequal (true != 1,
  ///   "42" != 42); an array or object field never equals anything;
  /// - ne: the field is present and eq is false;
  /// - gt, gte, lt, lte: both sides numbers, otherwise false (two Ints
  ///   compare exactly, otherwise as doubles);
  /// - in: eq against the scalar, or against any element of an array value;
  /// - contains: a String field containing the String value as a
  ///   substring (byte-wise); any other types are false.
  bool matches(const Value* metadata) const;

  /// Parses either JSON form of SPEC 5.5:
  /// - array:  `[{"field": "category", "op": "eq", "value": "science"}, ...]`
  /// - object: `{"category": {"eq": "science", "ne": "x"}, "year": {"gte": 2020}}`
  /// Null, `[]` and `{}` give the empty filter. Operators are the lowercase
  /// names of to_string(Op). Values must be scalars; `in` also takes an array
  /// of scalars. In the array form each condition has exactly the members
  /// "field" (a non-empty string), "op" and "value".
  /// Errors: InvalidInput naming what was wrong (unknown operator, missing
  /// or unexpected member, wrong shape, non-scalar value, empty field name).
  [[nodiscard]] static result<MetadataFilter> from_value(const Value& json);

  friend bool operator==(const MetadataFilter& a, const MetadataFilter& b) {
    return a.conditions == b.conditions;
  }
  friend bool operator!=(const MetadataFilter& a, const MetadataFilter& b) { return !(a == b); }
};

/// The largest dimension a collection can be created with (SPEC 1.4 [I]).
/// Upserts are further capped by Limits::max_vector_dim.
inline constexpr uint64_t max_collection_dimension = 65536;

/// Checks a collection name (SPEC 1.4): 1–256 bytes, no '/', no NUL byte,
/// not starting with '_' (reserved for internal `_system_*` collections).
/// Errors: InvalidInput naming the broken rule.
[[nodiscard]] caf::error validate_collection_name(std::string_view name);

/// Checks a dimension at collection create: 1..65536.
/// Errors: InvalidInput ("dimension = 0 rejected", or above the maximum).
[[nodiscard]] caf::error validate_dimension(uint64_t dimension);

}  // namespace strata
