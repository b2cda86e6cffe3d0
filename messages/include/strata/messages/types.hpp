#pragma once

// Plain data types shared by the store, the actors and the public API.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "strata/messages/error.hpp"
#include "strata/messages/value.hpp"

namespace strata {

/// One item of a batch write.
struct KvEntry {
  std::string key;
  Value value;
};

/// The outcome of one item of a batch: a version, or the error that item
/// got (the other items are still written; SPEC 5.1).
struct BatchItemResult {
  std::optional<uint64_t> version;
  caf::error error;

  bool ok() const { return version.has_value(); }
};

/// Arguments of a key listing. An empty prefix means all keys; with a
/// limit, the page starts strictly after `cursor` (SPEC 5.1).
struct ListOptions {
  std::string prefix;
  std::optional<std::string> cursor;
  std::optional<uint64_t> limit;
};

}  // namespace strata
