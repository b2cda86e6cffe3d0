#include "strata/messages/error.hpp"

#include <caf/atom.hpp>
#include <caf/message.hpp>
#include <caf/make_message.hpp>

namespace strata {

caf::atom_value error_category() noexcept {
  return caf::atom("strata");
}

const char* to_string(errc kind) noexcept {
  switch (kind) {
    case errc::KeyNotFound: return "KeyNotFound";
    case errc::BranchNotFound: return "BranchNotFound";
    case errc::CollectionNotFound: return "CollectionNotFound";
    case errc::StreamNotFound: return "StreamNotFound";
    case errc::CellNotFound: return "CellNotFound";
    case errc::DocumentNotFound: return "DocumentNotFound";
    case errc::WrongType: return "WrongType";
    case errc::InvalidKey: return "InvalidKey";
    case errc::InvalidPath: return "InvalidPath";
    case errc::InvalidInput: return "InvalidInput";
    case errc::VersionConflict: return "VersionConflict";
    case errc::TransitionFailed: return "TransitionFailed";
    case errc::Conflict: return "Conflict";
    case errc::BranchClosed: return "BranchClosed";
    case errc::BranchExists: return "BranchExists";
    case errc::CollectionExists: return "CollectionExists";
    case errc::DimensionMismatch: return "DimensionMismatch";
    case errc::ConstraintViolation: return "ConstraintViolation";
    case errc::HistoryTrimmed: return "HistoryTrimmed";
    case errc::Overflow: return "Overflow";
    case errc::AccessDenied: return "AccessDenied";
    case errc::TransactionNotActive: return "TransactionNotActive";
    case errc::TransactionAlreadyActive: return "TransactionAlreadyActive";
    case errc::TransactionConflict: return "TransactionConflict";
    case errc::HistoryUnavailable: return "HistoryUnavailable";
    case errc::Io: return "Io";
    case errc::Serialization: return "Serialization";
    case errc::Internal: return "Internal";
    case errc::NotImplemented: return "NotImplemented";
    case errc::Busy: return "Busy";
    case errc::Corruption: return "Corruption";
    case errc::Unavailable: return "Unavailable";
    case errc::Timeout: return "Timeout";
  }
  return "Internal";
}

caf::error make_error(errc kind, std::string message) {
  return caf::error{static_cast<uint8_t>(kind), error_category(),
                    caf::make_message(std::move(message))};
}

errc kind_of(const caf::error& err) noexcept {
  if (err && err.category() == error_category())
    return static_cast<errc>(err.code());
  return errc::Internal;
}

std::string message_of(const caf::error& err) {
  // A default (no) error has no context to read; CAF 0.17's context()
  // dereferences null for it.
  if (!err)
    return {};
  const auto& ctx = err.context();
  if (ctx.size() == 1 && ctx.match_element<std::string>(0))
    return ctx.get_as<std::string>(0);
  return {};
}

std::string describe(const caf::error& err) {
  if (!err)
    return "no error";
  if (err.category() == error_category()) {
    std::string out = to_string(static_cast<errc>(err.code()));
    auto msg = message_of(err);
    if (!msg.empty()) {
      out += ": ";
      out += msg;
    }
    return out;
  }
  return "Internal: " + caf::to_string(err);
}

}  // namespace strata
