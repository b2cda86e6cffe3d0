#pragma once

// The records transactions and bundles are made of: what a transaction
// asks a space to validate and apply, and the raw stored pairs a bundle
// carries. Internal vocabulary of the store, the actors and the runtime;
// not part of the public API (<strata/strata.hpp> does not include it).

#include <cstdint>
#include <string>
#include <vector>

#include "strata/messages/value.hpp"

namespace strata {

/// What one buffered transaction operation does.
enum class TxnOpKind : uint8_t {
  KvPut,
  KvDelete,
  StateSet,
  StateDelete,
  StateCas,
  StateInit,
  EventAppend,
  JsonSet,
  JsonDelete,
};

/// The primitive an operation writes, spelled as TxnRead::tag: 'k' KV,
/// 's' state, 'j' JSON, 'e' event log (the store's key families use the
/// same letters).
constexpr char entry_tag(TxnOpKind kind) {
  switch (kind) {
    case TxnOpKind::KvPut:
    case TxnOpKind::KvDelete: return 'k';
    case TxnOpKind::StateSet:
    case TxnOpKind::StateDelete:
    case TxnOpKind::StateCas:
    case TxnOpKind::StateInit: return 's';
    case TxnOpKind::JsonSet:
    case TxnOpKind::JsonDelete: return 'j';
    case TxnOpKind::EventAppend: return 'e';
  }
  return 'k';
}

/// One buffered write of a transaction.
struct TxnOp {
  TxnOpKind kind = TxnOpKind::KvPut;
  std::string key;          ///< key, cell or document id (unused for events)
  std::string arg;          ///< JSON path or event type
  Value value;
  bool has_expected = false;  ///< StateCas: an expected version is given
  uint64_t expected = 0;
};

/// One read a transaction made, re-validated at commit: the entry (or, for
/// a range, every entry under the prefix) must not have changed after the
/// snapshot. For JSON documents `path` narrows the read to overlapping paths.
struct TxnRead {
  char tag = 'k';           ///< 'k' KV, 's' state, 'j' JSON, 'e' event log
  std::string key;          ///< key, or prefix for a range read
  std::string path;         ///< JSON path ("" = the whole document)
  bool range = false;
};

/// What a transaction asks one space to validate and apply.
struct TxnWork {
  uint64_t snapshot = 0;
  std::vector<TxnRead> reads;
  std::vector<TxnOp> ops;
};

/// One stored key of a space store and its record (bundles).
struct StoredPair {
  std::string key;
  std::string value;
};

/// Everything one space stores (bundles).
struct BundleSpace {
  std::string name;
  std::vector<StoredPair> entries;
};

}  // namespace strata
