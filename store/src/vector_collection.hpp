#pragma once

// The in-memory side of one vector collection of a space: its config, the
// similarity index over its live vectors, and the maps from the index's ids
// back to keys and metadata (filters run on metadata during the search).

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "strata/messages/value.hpp"
#include "strata/messages/vector_types.hpp"
#include "strata/store/space_store.hpp"
#include "strata/store/vector_index.hpp"

namespace strata::store {

struct SpaceStore::Collection {
  std::string name;
  uint64_t dimension = 0;
  DistanceMetric metric = DistanceMetric::Cosine;
  VectorIndex index;  // built with the collection's IndexKind
  /// Ids are assigned in insertion order and stored in each vector's record,
  /// so ties break the same way after a reopen.
  std::unordered_map<std::string, uint64_t> id_of;
  std::unordered_map<uint64_t, std::string> key_of;
  std::unordered_map<uint64_t, std::optional<Value>> metadata_of;
  uint64_t next_id = 1;

  Collection(std::string n, uint64_t dim, DistanceMetric m, IndexKind k)
      : name(std::move(n)), dimension(dim), metric(m), index(dim, m, k) {
  }
};

}  // namespace strata::store
