#include "strata/store/vector_index.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <stdexcept>

// hnswlib 0.6.2 defines non-inline functions (cpuid, AVXCapable, ...) in its
// headers: include it from this one translation unit only.
//
// Known upstream bug (nmslib/hnswlib#107, #578): with SSE, searchBaseLayer's
// prefetch reads the link just past a full upper-level link list: 4 bytes
// past a block malloc'd as n*(4M+4)+1 bytes. glibc's chunk rounding kept
// the read inside the chunk, but it is still a read past the block, and
// AddressSanitizer rightly stopped every HNSW insertion there. So every
// block hnswlib allocates is padded: its malloc and realloc calls (the
// header's own, unqualified) go to the padded versions below, and what it
// frees is still what malloc returned. Everything the header includes is
// included first, so that only hnswlib's own calls are redirected. Tested
// under ASan by the vector_index suite (.ci/run's sanitizer build).
#include <algorithm>
#include <assert.h>
#include <atomic>
#include <cassert>
#include <cpuid.h>
#include <deque>
#include <fstream>
#include <immintrin.h>
#include <iostream>
#include <list>
#include <mutex>
#include <queue>
#include <random>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>
#include <x86intrin.h>

namespace strata::store::hnsw_alloc {
/// More than the one link (4 bytes) read past a list; a cache line.
constexpr size_t padding = 64;
inline void* padded_malloc(size_t n) noexcept {
  return std::malloc(n + padding);
}
inline void* padded_realloc(void* p, size_t n) noexcept {
  return std::realloc(p, n + padding);
}
}  // namespace strata::store::hnsw_alloc

#define malloc(n) ::strata::store::hnsw_alloc::padded_malloc(n)
#define realloc(p, n) ::strata::store::hnsw_alloc::padded_realloc(p, n)
#include <hnswlib/hnswlib.h>
#undef malloc
#undef realloc

namespace strata::store {

namespace {

// Every score, exact or re-scored after HNSW, goes through these kernels, so
// the same pair of vectors always gets the same float. Eight independent
// accumulators let the compiler pipeline (and vectorize) the loop while the
// summation order stays fixed.
inline float dot_kernel(const float* a, const float* b, size_t n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (size_t j = 0; j < 8; ++j)
      acc[j] += a[i + j] * b[i + j];
  float tail = 0;
  for (; i < n; ++i)
    tail += a[i] * b[i];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

inline float l2sq_kernel(const float* a, const float* b, size_t n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (size_t j = 0; j < 8; ++j) {
      float d = a[i + j] - b[i + j];
      acc[j] += d * d;
    }
  float tail = 0;
  for (; i < n; ++i) {
    float d = a[i] - b[i];
    tail += d * d;
  }
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + tail;
}

inline float norm_of(const float* a, size_t n) {
  return std::sqrt(dot_kernel(a, a, n));
}

inline float cosine_from(float dot, float norm_a, float norm_b) {
  if (norm_a == 0.0f || norm_b == 0.0f)
    return 0.0f;
  return std::clamp(dot / (norm_a * norm_b), -1.0f, 1.0f);
}

inline float euclidean_from(float l2sq) {
  return 1.0f / (1.0f + std::sqrt(l2sq));
}

// Ranking order: score descending, then id ascending. NaN (only reachable
// through non-finite input) ranks last instead of breaking the ordering.
inline float rank_key(float score) {
  return std::isnan(score) ? -std::numeric_limits<float>::infinity() : score;
}

inline bool better(const std::pair<uint64_t, float>& a, const std::pair<uint64_t, float>& b) {
  float ka = rank_key(a.second), kb = rank_key(b.second);
  if (ka != kb)
    return ka > kb;
  return a.first < b.first;
}

// The best k hits seen so far, in a heap whose front is the worst of them.
class TopK {
 public:
  explicit TopK(size_t k) : k_(k) { heap_.reserve(std::min<size_t>(k, 4096)); }

  bool would_enter(uint64_t id, float score) const {
    return heap_.size() < k_ || better({id, score}, heap_.front());
  }

  // REQUIRES: would_enter(id, score).
  void push(uint64_t id, float score) {
    if (heap_.size() == k_) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = {id, score};
    } else {
      heap_.emplace_back(id, score);
    }
    std::push_heap(heap_.begin(), heap_.end(), better);
  }

  std::vector<std::pair<uint64_t, float>> take_sorted() {
    std::sort_heap(heap_.begin(), heap_.end(), better);
    return std::move(heap_);
  }

 private:
  size_t k_;
  std::vector<std::pair<uint64_t, float>> heap_;
};

// The filter over-fetch multipliers of SPEC 1.4, before the exact fallback.
constexpr size_t overfetch_multipliers[] = {3, 6, 12};

constexpr size_t min_hnsw_capacity = 256;

}  // namespace

float vector_score(DistanceMetric metric, const float* a, const float* b, size_t dim) {
  switch (metric) {
    case DistanceMetric::Cosine:
      return cosine_from(dot_kernel(a, b, dim), norm_of(a, dim), norm_of(b, dim));
    case DistanceMetric::Euclidean:
      return euclidean_from(l2sq_kernel(a, b, dim));
    case DistanceMetric::DotProduct:
      return dot_kernel(a, b, dim);
  }
  return 0.0f;
}

// The HNSW graph. hnswlib ranks by a distance (lower = closer) that is
// monotone in our score: 1 - dot over unit vectors for cosine, squared L2
// for euclidean, 1 - dot for dot product. Its labels are our ids.
struct VectorIndex::Hnsw {
  Hnsw(size_t dim, DistanceMetric metric, const IndexParams& params, size_t capacity)
      : dim(dim), normalize(metric == DistanceMetric::Cosine) {
    if (metric == DistanceMetric::Euclidean)
      space = std::make_unique<hnswlib::L2Space>(dim);
    else
      space = std::make_unique<hnswlib::InnerProductSpace>(dim);
    graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        space.get(), std::max(capacity, min_hnsw_capacity), params.m, params.ef_construction,
        static_cast<size_t>(params.seed));
    graph->setEf(params.ef_search);
  }

  // The graph stores what it searches: for cosine, a unit-length copy.
  const float* prepared(const float* v, std::vector<float>& scratch) const {
    if (!normalize)
      return v;
    scratch.assign(v, v + dim);
    float n = norm_of(v, dim);
    if (n > 0.0f)
      for (float& x : scratch)
        x /= n;
    return scratch.data();
  }

  // Inserts, or (same label) replaces the vector in place and revives the
  // node if it was marked deleted.
  void add(uint64_t id, const float* v) {
    if (graph->label_lookup_.count(id) == 0 &&
        graph->cur_element_count >= graph->max_elements_)
      graph->resizeIndex(std::max(graph->max_elements_ * 2, min_hnsw_capacity));
    std::vector<float> scratch;
    graph->addPoint(prepared(v, scratch), static_cast<hnswlib::labeltype>(id));
  }

  void remove(uint64_t id) { graph->markDelete(static_cast<hnswlib::labeltype>(id)); }

  size_t deleted() const { return graph->num_deleted_; }

  // Up to `n` ids nearest to `query`, with a candidate list of max(ef, n).
  std::vector<uint64_t> nearest(const float* query, size_t n) const {
    std::vector<float> scratch;
    auto heap = graph->searchKnn(prepared(query, scratch), n);
    std::vector<uint64_t> ids;
    ids.reserve(heap.size());
    for (; !heap.empty(); heap.pop())
      ids.push_back(static_cast<uint64_t>(heap.top().second));
    return ids;
  }

  size_t memory_bytes() const {
    const auto& g = *graph;
    size_t upper_links = 0;
    for (size_t i = 0; i < g.cur_element_count; ++i)
      upper_links += static_cast<size_t>(std::max(g.element_levels_[i], 0)) *
                     g.size_links_per_element_;
    return g.max_elements_ * (g.size_data_per_element_ + sizeof(void*) + sizeof(int) +
                              sizeof(std::mutex) + sizeof(hnswlib::vl_type)) +
           upper_links + g.label_lookup_.size() * 4 * sizeof(void*) +
           g.link_list_update_locks_.size() * sizeof(std::mutex);
  }

  size_t dim;
  bool normalize;
  // Declared before the graph: the graph keeps a pointer into the space.
  std::unique_ptr<hnswlib::SpaceInterface<float>> space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
};

VectorIndex::VectorIndex(size_t dim, DistanceMetric metric, IndexKind kind, IndexParams params)
    : dim_(dim), metric_(metric), kind_(kind), params_(params) {
  if (dim == 0)
    throw std::invalid_argument("VectorIndex: dimension must be at least 1");
  if (kind_ == IndexKind::Hnsw || (kind_ == IndexKind::Auto && params_.hnsw_threshold == 0))
    hnsw_ = std::make_unique<Hnsw>(dim_, metric_, params_, min_hnsw_capacity);
}

VectorIndex::~VectorIndex() = default;
VectorIndex::VectorIndex(VectorIndex&&) noexcept = default;
VectorIndex& VectorIndex::operator=(VectorIndex&&) noexcept = default;

void VectorIndex::upsert(uint64_t id, const float* v) {
  auto it = slot_of_.find(id);
  size_t slot;
  if (it != slot_of_.end()) {
    slot = it->second;
  } else {
    slot = ids_.size();
    vectors_.resize(vectors_.size() + dim_);
    ids_.push_back(id);
    if (metric_ == DistanceMetric::Cosine)
      norms_.push_back(0.0f);
    slot_of_.emplace(id, slot);
  }
  std::copy(v, v + dim_, vectors_.begin() + static_cast<std::ptrdiff_t>(slot * dim_));
  if (metric_ == DistanceMetric::Cosine)
    norms_[slot] = norm_of(v, dim_);
  if (hnsw_)
    hnsw_->add(id, v);
  else if (kind_ == IndexKind::Auto && size() >= params_.hnsw_threshold)
    build_hnsw();
}

bool VectorIndex::remove(uint64_t id) {
  auto it = slot_of_.find(id);
  if (it == slot_of_.end())
    return false;
  size_t slot = it->second;
  slot_of_.erase(it);
  size_t last = ids_.size() - 1;
  if (slot != last) {
    std::copy_n(vectors_.begin() + static_cast<std::ptrdiff_t>(last * dim_), dim_,
                vectors_.begin() + static_cast<std::ptrdiff_t>(slot * dim_));
    ids_[slot] = ids_[last];
    if (metric_ == DistanceMetric::Cosine)
      norms_[slot] = norms_[last];
    slot_of_[ids_[slot]] = slot;
  }
  ids_.pop_back();
  vectors_.resize(vectors_.size() - dim_);
  if (metric_ == DistanceMetric::Cosine)
    norms_.pop_back();
  if (hnsw_) {
    hnsw_->remove(id);
    // Deleted nodes still cost memory and search hops; rebuilding once they
    // outnumber the live ones keeps that bounded at amortized O(1) inserts
    // per delete.
    if (hnsw_->deleted() > size())
      build_hnsw();
  }
  return true;
}

const float* VectorIndex::vector(uint64_t id) const {
  auto it = slot_of_.find(id);
  return it == slot_of_.end() ? nullptr : vectors_.data() + it->second * dim_;
}

const char* VectorIndex::kind_name() const {
  return hnsw_ ? "hnsw" : "brute_force";
}

size_t VectorIndex::memory_bytes() const {
  if (ids_.empty() && !hnsw_)
    return 0;  // nothing held but the empty containers themselves
  size_t bytes = vectors_.capacity() * sizeof(float) + norms_.capacity() * sizeof(float) +
                 ids_.capacity() * sizeof(uint64_t) +
                 slot_of_.bucket_count() * sizeof(void*) +
                 slot_of_.size() * (sizeof(std::pair<const uint64_t, size_t>) + 2 * sizeof(void*));
  if (hnsw_)
    bytes += hnsw_->memory_bytes();
  return bytes;
}

void VectorIndex::build_hnsw() {
  // Inserting in id order makes the graph a function of the live set alone
  // (not of the order slots happen to be in).
  std::vector<size_t> order(ids_.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ids_[a] < ids_[b]; });
  auto fresh = std::make_unique<Hnsw>(dim_, metric_, params_, size() + size() / 4);
  for (size_t slot : order)
    fresh->add(ids_[slot], vectors_.data() + slot * dim_);
  hnsw_ = std::move(fresh);
}

std::vector<VectorIndex::Hit> VectorIndex::search(
    const float* query, size_t k, const std::function<bool(uint64_t)>& accept) const {
  if (k == 0 || empty())
    return {};
  // With k (or, filtered, the smallest over-fetch) covering every live
  // vector, the exact scan costs no more than the graph and is exact. A
  // zero cosine query scores 0 against everything: the answer is the
  // smallest ids, which only the exact scan gets right.
  size_t first_fetch = accept ? overfetch_multipliers[0] : 1;
  bool exact = !hnsw_ || k >= size() / first_fetch ||
               (metric_ == DistanceMetric::Cosine && norm_of(query, dim_) == 0.0f);
  return exact ? exact_search(query, k, accept) : hnsw_search(query, k, accept);
}

std::vector<VectorIndex::Hit> VectorIndex::exact_search(
    const float* query, size_t k, const std::function<bool(uint64_t)>& accept) const {
  TopK top(k);
  const size_t n = ids_.size();
  const float* v = vectors_.data();
  // The score is cheap next to `accept` (which may decode metadata), so the
  // filter only runs on hits good enough to enter the top k.
  auto offer = [&](size_t slot, float score) {
    uint64_t id = ids_[slot];
    if (top.would_enter(id, score) && (!accept || accept(id)))
      top.push(id, score);
  };
  switch (metric_) {
    case DistanceMetric::Cosine: {
      float qn = norm_of(query, dim_);
      for (size_t s = 0; s < n; ++s)
        offer(s, cosine_from(dot_kernel(query, v + s * dim_, dim_), qn, norms_[s]));
      break;
    }
    case DistanceMetric::Euclidean:
      for (size_t s = 0; s < n; ++s)
        offer(s, euclidean_from(l2sq_kernel(query, v + s * dim_, dim_)));
      break;
    case DistanceMetric::DotProduct:
      for (size_t s = 0; s < n; ++s)
        offer(s, dot_kernel(query, v + s * dim_, dim_));
      break;
  }
  return top.take_sorted();
}

std::vector<VectorIndex::Hit> VectorIndex::hnsw_search(
    const float* query, size_t k, const std::function<bool(uint64_t)>& accept) const {
  // Re-score the graph's candidates on the raw vectors (exact scores, and
  // exact tie order among the candidates), best first.
  auto rescored = [&](size_t fetch) {
    std::vector<Hit> hits;
    // The graph walks with a candidate list of max(ef_search, fetch) and
    // returns its `fetch` best; re-scoring only those keeps the cost of the
    // exact scores at k vector reads instead of ef.
    for (uint64_t id : hnsw_->nearest(query, fetch)) {
      // The graph skips nodes marked deleted; the check is a second guard.
      if (const float* v = vector(id))
        hits.emplace_back(id, vector_score(metric_, query, v, dim_));
    }
    std::sort(hits.begin(), hits.end(), better);
    return hits;
  };

  if (!accept) {
    auto hits = rescored(k);
    // Fewer than k from a graph holding more than k live nodes (a region cut
    // off by deletions): only the exact scan can fill the list.
    if (hits.size() < k)
      return exact_search(query, k, accept);
    hits.resize(k);
    return hits;
  }

  // Filtered: hnswlib 0.6.2 cannot filter inside the graph walk, so fetch
  // more and more candidates, then fall back to the exact scan (SPEC 5.5).
  std::unordered_map<uint64_t, bool> verdicts;
  for (size_t multiplier : overfetch_multipliers) {
    size_t fetch = k * multiplier;
    if (fetch >= size())
      break;
    std::vector<Hit> accepted;
    for (const Hit& hit : rescored(fetch)) {
      auto [it, fresh] = verdicts.try_emplace(hit.first, false);
      if (fresh)
        it->second = accept(hit.first);
      if (it->second) {
        accepted.push_back(hit);
        if (accepted.size() == k)
          return accepted;
      }
    }
  }
  return exact_search(query, k, accept);
}

}  // namespace strata::store
