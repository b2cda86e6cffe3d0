#include "strata/messages/limits.hpp"

#include <cmath>
#include <string>

namespace strata {

namespace {

constexpr std::string_view reserved_key_prefix = "_strata/";

caf::error too_large(const char* reason, size_t n, size_t max) {
  return make_error(errc::ConstraintViolation, "Value too large (" + std::string(reason) +
                                                   "): " + std::to_string(n) +
                                                   " exceeds maximum " + std::to_string(max));
}

// Iterative-free recursion is fine here: depth is bounded by the check
// itself, which stops descending once the limit is passed.
caf::error check_value(const Value& v, const Limits& limits, size_t depth) {
  if (depth > limits.max_nesting_depth)
    return make_error(errc::ConstraintViolation,
                      "Nesting too deep: " + std::to_string(depth) +
                          " levels exceeds maximum " + std::to_string(limits.max_nesting_depth));
  switch (v.kind()) {
    case ValueKind::String:
      if (v.as_str()->size() > limits.max_string_bytes)
        return too_large("string_too_long", v.as_str()->size(), limits.max_string_bytes);
      return {};
    case ValueKind::Bytes:
      if (v.as_bytes()->size() > limits.max_bytes_len)
        return too_large("bytes_too_long", v.as_bytes()->size(), limits.max_bytes_len);
      return {};
    case ValueKind::Array: {
      const auto& a = *v.as_array();
      if (a.size() > limits.max_array_len)
        return too_large("array_too_long", a.size(), limits.max_array_len);
      for (const auto& x : a)
        if (auto err = check_value(x, limits, depth + 1))
          return err;
      return {};
    }
    case ValueKind::Object: {
      const auto& o = *v.as_object();
      if (o.size() > limits.max_object_entries)
        return too_large("object_too_many_entries", o.size(), limits.max_object_entries);
      for (const auto& m : o) {
        if (m.first.size() > limits.max_string_bytes)
          return too_large("string_too_long", m.first.size(), limits.max_string_bytes);
        if (auto err = check_value(m.second, limits, depth + 1))
          return err;
      }
      return {};
    }
    default:
      return {};
  }
}

}  // namespace

caf::error validate_key(std::string_view key, const Limits& limits) {
  if (key.empty())
    return make_error(errc::InvalidInput, "Key must not be empty");
  if (key.size() > limits.max_key_bytes)
    return make_error(errc::ConstraintViolation,
                      "Capacity exceeded for key: limit " + std::to_string(limits.max_key_bytes) +
                          ", requested " + std::to_string(key.size()));
  if (key.find('\0') != std::string_view::npos)
    return make_error(errc::InvalidInput, "Key must not contain a NUL byte");
  if (key.substr(0, reserved_key_prefix.size()) == reserved_key_prefix)
    return make_error(errc::InvalidInput, "Key must not start with the reserved prefix '_strata/'");
  return {};
}

caf::error validate_prefix(std::string_view prefix, const Limits& limits) {
  if (prefix.empty())
    return {};
  return validate_key(prefix, limits);
}

caf::error validate_value(const Value& value, const Limits& limits) {
  return check_value(value, limits, 0);
}

caf::error validate_entry(std::string_view key, const Value& value, const Limits& limits) {
  if (auto err = validate_key(key, limits))
    return err;
  return validate_value(value, limits);
}

caf::error validate_branch_name(std::string_view name) {
  if (name.empty())
    return make_error(errc::InvalidInput, "Branch name cannot be empty");
  if (name.size() > 255)
    return make_error(errc::InvalidInput, "Branch name cannot exceed 255 bytes");
  bool blank = true;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f)
      return make_error(errc::InvalidInput, "Branch name cannot contain control characters");
    if (c != ' ' && c != '\t')
      blank = false;
  }
  if (blank)
    return make_error(errc::InvalidInput, "Branch name cannot be whitespace only");
  return {};
}

bool all_finite(const Value& v) {
  switch (v.kind()) {
    case ValueKind::Float: return std::isfinite(*v.as_float());
    case ValueKind::Array:
      for (const auto& x : *v.as_array())
        if (!all_finite(x))
          return false;
      return true;
    case ValueKind::Object:
      for (const auto& m : *v.as_object())
        if (!all_finite(m.second))
          return false;
      return true;
    default: return true;
  }
}

caf::error validate_event(std::string_view type, const Value& payload, const Limits& limits) {
  if (type.empty())
    return make_error(errc::InvalidInput, "Event type must not be empty");
  if (type.size() > max_event_type_bytes)
    return make_error(errc::InvalidInput,
                      "Event type exceeds " + std::to_string(max_event_type_bytes) + " bytes");
  if (!payload.is_object())
    return make_error(errc::InvalidInput, "Payload must be a JSON object");
  if (!all_finite(payload))
    return make_error(errc::InvalidInput, "Payload must not contain NaN or Infinity");
  return validate_value(payload, limits);
}

caf::error validate_space_name(std::string_view name) {
  if (name.empty())
    return make_error(errc::InvalidInput, "Space name cannot be empty");
  if (name.size() > 64)
    return make_error(errc::InvalidInput, "Space name cannot exceed 64 characters");
  if (name.substr(0, 8) == "_system_")
    return make_error(errc::InvalidInput, "Space names starting with '_system_' are reserved");
  if (name[0] < 'a' || name[0] > 'z')
    return make_error(errc::InvalidInput, "Space name must start with a lowercase letter");
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok)
      return make_error(errc::InvalidInput,
                        "Space name can only contain lowercase letters, digits, hyphens, and "
                        "underscores");
  }
  return {};
}

}  // namespace strata
