#pragma once

// The records transactions and bundles are made of: what a transaction
// asks a space to validate and apply, and the raw stored pairs a bundle
// carries. Internal vocabulary of the store, the actors and the runtime;
// not part of the public API (<strata/strata.hpp> does not include it).

#include <cstdint>
#include <string>
#include <string_view>
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
  // Vector collections: `key` is the collection's name for the first two,
  // "<collection> NUL <vector key>" for the others (the vector's stored
  // entry); `arg` the collection's name for the vector operations.
  CollectionCreate,  ///< value: {"dimension", "metric", "index"} (the stored config)
  CollectionDelete,
  VectorUpsert,      ///< value: {"embedding": Bytes, "metadata"?} (no id yet)
  VectorDelete,
};

/// The primitive an entry belongs to, in transactions, held-entry tables
/// and messages. Its value is the byte that tags the entry's key family in
/// a space store (store/src/key_codec.hpp spells its tags with it): one
/// letter per primitive everywhere.
enum class Primitive : char {
  Kv = 'k',
  State = 's',
  Json = 'j',
  Event = 'e',
  Collection = 'c',  ///< a vector collection's config, under its name
  Vector = 'x',      ///< a vector, under "<collection> NUL <key>"
};

/// The key-family byte of `p`.
constexpr char tag_of(Primitive p) {
  return static_cast<char>(p);
}

/// The primitive an operation writes.
constexpr Primitive primitive_of(TxnOpKind kind) {
  switch (kind) {
    case TxnOpKind::KvPut:
    case TxnOpKind::KvDelete: return Primitive::Kv;
    case TxnOpKind::StateSet:
    case TxnOpKind::StateDelete:
    case TxnOpKind::StateCas:
    case TxnOpKind::StateInit: return Primitive::State;
    case TxnOpKind::JsonSet:
    case TxnOpKind::JsonDelete: return Primitive::Json;
    case TxnOpKind::EventAppend: return Primitive::Event;
    case TxnOpKind::CollectionCreate:
    case TxnOpKind::CollectionDelete: return Primitive::Collection;
    case TxnOpKind::VectorUpsert:
    case TxnOpKind::VectorDelete: return Primitive::Vector;
  }
  return Primitive::Kv;
}

/// The stored key of vector `key` of `collection`: the entry a vector
/// operation writes and a transaction holds.
inline std::string vector_entry_key(std::string_view collection, std::string_view key) {
  std::string out(collection);
  out.push_back('\0');
  out.append(key);
  return out;
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
  Primitive tag = Primitive::Kv;
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
