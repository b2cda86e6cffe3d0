#pragma once

// Small helpers shared by the store's sources for talking to LevelDB.

#include <cstring>
#include <string>
#include <string_view>

#include <leveldb/slice.h>
#include <leveldb/status.h>

#include "strata/messages/error.hpp"

namespace strata::store {

inline bool starts_with(const leveldb::Slice& s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}

inline std::string_view view(const leveldb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

inline caf::error io_error(const leveldb::Status& s, const std::string& what) {
  return make_error(errc::Io, what + ": " + s.ToString());
}

}  // namespace strata::store
