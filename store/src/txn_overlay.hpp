#pragma once

// The working state of a write set while a transaction is applied (or
// dry-run at validation): one overlay per entry it touches, and what its
// vector operations did to collections. Internal to the store
// (txn_participant.cpp, vector_store.cpp).

#include <set>
#include <string>
#include <vector>

#include "strata/store/space_store.hpp"

namespace strata::store {

struct SpaceStore::Overlay {
  Head prev;                   // the entry's newest record as stored
  bool live = false;           // current value exists (after earlier ops)
  Value value;
  bool touched = false;        // this transaction writes the entry
  uint64_t writes = 0;         // its operations on the entry, each a version
  std::vector<std::string> paths;
  uint64_t vector_id = 0;      // a vector's index id (0: none yet)
};

struct SpaceStore::VectorTxn {
  // Collections dropped by the write set: their stored vectors are deleted
  // (and later writes to them start afresh).
  std::set<std::string, std::less<>> dropped;
  // Collections created or dropped: their in-memory index is rebuilt from
  // the records on next use.
  std::set<std::string, std::less<>> configured;
  // What the write set leaves of each vector it wrote, for the in-memory
  // index once the batch is written.
  struct Written {
    std::string collection;
    std::string key;
    uint64_t id = 0;
    bool live = false;
    std::vector<float> embedding;
    std::optional<Value> metadata;
  };
  std::vector<Written> written;
};

}  // namespace strata::store
