#pragma once

// VectorIndex — the in-memory similarity index of one vector collection
// (SPEC 5.5 "Index backends"). It maps a caller-chosen 64-bit id to a raw
// float vector and answers exact (brute force) or approximate (HNSW, via
// hnswlib) top-k queries. It knows nothing of keys, metadata, versions or
// storage: the vector store owns those and rebuilds the index from its
// records at recovery.
//
// Thread-safety: thread-compatible. Const members (search, size, contains,
// vector, memory_bytes, ...) may run concurrently with each other; any
// mutation (upsert, remove) needs exclusive access. No threads of its own.
//
// Invariants:
// - the raw vectors are kept exactly as given, in one contiguous array
//   (never normalized), and every returned score is vector_score() of the
//   query and a stored raw vector, whichever backend found it;
// - a removed or replaced vector is never returned;
// - results are ordered by score descending, ties by smaller id first.
//   Callers assign ids in insertion order, so ties break by insertion order.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "strata/messages/vector_types.hpp"

namespace strata::store {

/// The similarity of `a` and `b` (both `dim` floats) under `metric`;
/// higher means more similar (SPEC 5.5):
/// - Cosine: dot/(|a|·|b|), clamped to [-1, 1]; 0 when either norm is 0;
/// - Euclidean: 1/(1 + L2 distance), in (0, 1];
/// - DotProduct: the raw inner product.
/// Computed in float from the raw vectors. The index uses the very same
/// arithmetic, so its scores equal this function's bit for bit.
float vector_score(DistanceMetric metric, const float* a, const float* b, size_t dim);

/// Tuning of the HNSW backend. The defaults are SPEC 1.4's.
struct IndexParams {
  /// Graph out-degree (hnswlib M). REQUIRES: >= 2.
  size_t m = 16;
  /// Candidate list size while inserting.
  size_t ef_construction = 200;
  /// Candidate list size while searching; a search for k results uses
  /// max(ef_search, k), or more when a filter makes it over-fetch.
  size_t ef_search = 50;
  /// Seed of the level generator: the same operations on the same data
  /// build the same graph.
  uint64_t seed = 100;
  /// Brute force below this many live vectors, HNSW at or above it (auto mode).
  size_t hnsw_threshold = 20000;
};

/// Which backend an index uses (strata::IndexKind, in the public vocabulary).
using IndexKind = strata::IndexKind;

class VectorIndex {
 public:
  /// An empty index of `dim`-float vectors scored by `metric`.
  /// REQUIRES: dim >= 1 (validate_dimension); throws std::invalid_argument
  /// for 0.
  VectorIndex(size_t dim, DistanceMetric metric, IndexKind kind = IndexKind::Auto,
              IndexParams params = {});
  ~VectorIndex();
  VectorIndex(VectorIndex&&) noexcept;
  VectorIndex& operator=(VectorIndex&&) noexcept;
  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;

  size_t dimension() const { return dim_; }
  DistanceMetric metric() const { return metric_; }

  /// Inserts the vector `v` (dimension() floats, copied) under `id`, or
  /// replaces the vector already stored under `id`. `id` is the caller's
  /// stable per-vector id; it decides tie order in search (smaller first).
  /// In auto mode, the insert that brings the live count to the threshold
  /// builds the HNSW graph (O(n log n); that one call is slow).
  /// REQUIRES: finite components (the vector store validates them).
  /// Throws what hnswlib throws when out of memory.
  void upsert(uint64_t id, const float* v);

  /// Removes `id`. Returns false when it was absent (not an error).
  /// HNSW only marks the node deleted; once deleted nodes outnumber live
  /// ones the graph is rebuilt from the live vectors.
  bool remove(uint64_t id);

  /// The number of live vectors.
  size_t size() const { return ids_.size(); }
  bool empty() const { return ids_.empty(); }
  bool contains(uint64_t id) const { return slot_of_.count(id) != 0; }

  /// The stored raw vector of `id` (dimension() floats), or nullptr when
  /// absent. Valid until the next mutation.
  const float* vector(uint64_t id) const;

  /// "brute_force" or "hnsw": the backend currently in use (SPEC 5.5
  /// `index_type`).
  const char* kind_name() const;

  /// An estimate of the heap memory held: raw vectors, id maps and, with
  /// HNSW, the graph (whose fixed overhead is about 2.6 MB of locks).
  size_t memory_bytes() const;

  /// The top `k` live vectors for `query` (dimension() floats) as
  /// (id, score), score descending, ties by smaller id first. Only ids for
  /// which `accept(id)` is true are returned when `accept` is set; it may be
  /// called for any subset of the ids, at most a few times each.
  /// Fewer than k results when fewer vectors (are accepted); an empty index
  /// or k == 0 gives an empty list.
  /// Brute force is exact. HNSW is approximate: it fetches
  /// max(ef_search, k) candidates; with `accept` it over-fetches k·3, k·6,
  /// k·12 candidates and then falls back to an exact scan of all live
  /// vectors (SPEC 5.5). Whenever k (or the over-fetch) reaches the live
  /// count, or a cosine query has zero norm, the exact scan is used.
  std::vector<std::pair<uint64_t, float>> search(
      const float* query, size_t k, const std::function<bool(uint64_t)>& accept = {}) const;

 private:
  struct Hnsw;  // hnswlib stays out of this header (it is not ODR-safe)
  using Hit = std::pair<uint64_t, float>;

  std::vector<Hit> exact_search(const float* query, size_t k,
                                const std::function<bool(uint64_t)>& accept) const;
  std::vector<Hit> hnsw_search(const float* query, size_t k,
                               const std::function<bool(uint64_t)>& accept) const;
  void build_hnsw();

  size_t dim_;
  DistanceMetric metric_;
  IndexKind kind_;
  IndexParams params_;
  // Slot i holds ids_[i], its raw vector at vectors_[i * dim_] and (cosine
  // only) its norm. Removal moves the last slot into the hole, so slots stay
  // dense; slot order carries no meaning.
  std::vector<float> vectors_;
  std::vector<float> norms_;
  std::vector<uint64_t> ids_;
  std::unordered_map<uint64_t, size_t> slot_of_;
  std::unique_ptr<Hnsw> hnsw_;  // null while brute force is in use
};

}  // namespace strata::store
