#pragma once

// Branch bundles: one file holding every stored record of a branch, for
// export and import (SPEC 3.2). The byte format is a grammar at the top of
// store/src/bundle.cpp: a checksummed header, then a zstd-compressed
// sequence of the branch's metadata record and, per space, the space
// store's keys with their Cap'n Proto records, exactly as stored (so the
// imported branch equals the exported one key by key, history included).

#include <cstdint>
#include <string>
#include <vector>

#include "strata/messages/error.hpp"
#include "strata/messages/txn_types.hpp"
#include "strata/messages/types.hpp"
#include "strata/store/options.hpp"

namespace strata::store {

/// A branch as a bundle carries it.
struct Bundle {
  std::string branch;
  std::string meta;  ///< the branch's metadata record
  std::vector<BundleSpace> spaces;

  uint64_t entry_count() const;
};

inline constexpr uint32_t bundle_format_version = 1;

/// Writes `bundle` to `path` (replacing it). Returns the file size.
/// Errors: Io.
[[nodiscard]] result<uint64_t> write_bundle(const std::string& path, const Bundle& bundle);

/// Reads and checks a bundle: magic, version, size, SHA-256 of the content
/// and the structure of every record. Errors: Io (cannot read), InvalidInput
/// ("invalid bundle: ...", "bundle checksum mismatch", "unsupported bundle
/// version N") for anything damaged or truncated, and for a path that is
/// not a regular file. Memory grows with what the file really holds, not
/// with what its header claims; no exception escapes.
[[nodiscard]] result<Bundle> read_bundle(const std::string& path);

/// read_bundle's checks on a bundle file's bytes (the fuzz target's way
/// in). Errors: InvalidInput as read_bundle's; no exception escapes.
[[nodiscard]] result<Bundle> parse_bundle_bytes(const std::string& file);

/// Creates a space store in `dir` holding exactly `entries`. Errors: Io.
[[nodiscard]] caf::error load_space_store(const StoreOptions& options, const std::string& dir,
                                          const std::vector<StoredPair>& entries);

}  // namespace strata::store
