#pragma once

// strata::Value — the closed union of the eight value types (SPEC 1.1).
//
// Thread-safety: a Value is a plain value type; concurrent reads of one
// Value are safe, a write needs exclusive access.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "strata/messages/error.hpp"

namespace strata {

class Value;

/// An ordered map from string to Value. Member insertion order is kept
/// (SPEC 5.4 [R]), while equality ignores order (SPEC 1.1 rule 6).
/// Setting an existing member replaces it in place.
class Object {
 public:
  using Member = std::pair<std::string, Value>;
  using iterator = std::vector<Member>::iterator;
  using const_iterator = std::vector<Member>::const_iterator;

  Object() = default;
  Object(std::initializer_list<Member> members);

  /// Returns the member named `key`, or nullptr when absent.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }

  /// Inserts or replaces; a new member goes to the end.
  Value& set(std::string key, Value value);
  /// Removes the member `key`. Returns false when it was absent.
  bool erase(std::string_view key);

  size_t size() const { return members_.size(); }
  bool empty() const { return members_.empty(); }
  iterator begin() { return members_.begin(); }
  iterator end() { return members_.end(); }
  const_iterator begin() const { return members_.begin(); }
  const_iterator end() const { return members_.end(); }
  void reserve(size_t n) { members_.reserve(n); }

  friend bool operator==(const Object& a, const Object& b);
  friend bool operator!=(const Object& a, const Object& b) { return !(a == b); }

 private:
  std::vector<Member> members_;
};

using Array = std::vector<Value>;
using Bytes = std::vector<uint8_t>;

/// The eight variants of SPEC 1.1, in this order (the index is stable and is
/// what `Value::kind()` returns).
enum class ValueKind : uint8_t { Null, Bool, Int, Float, String, Bytes, Array, Object };

/// One stored value. Constructs implicitly from the C++ types users write
/// (`db.kv_put("k", "v")`, `db.kv_put("n", 42)`), with no coercions between
/// variants: Int(1) != Float(1.0), String "a" != Bytes {'a'}.
class Value {
 public:
  using Storage =
      std::variant<std::monostate, bool, int64_t, double, std::string, Bytes, Array, Object>;

  Value() noexcept = default;
  Value(std::nullptr_t) noexcept {}
  Value(bool b) noexcept : v_(b) {}
  /// Every integer type except bool widens to Int. Unsigned values above
  /// INT64_MAX wrap; pass them as double or String if that matters.
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                          !std::is_same_v<T, char>,
                                      int> = 0>
  Value(T i) noexcept : v_(static_cast<int64_t>(i)) {}
  Value(double d) noexcept : v_(d) {}
  Value(float f) noexcept : v_(static_cast<double>(f)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) noexcept : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(Bytes b) noexcept : v_(std::move(b)) {}
  Value(Array a) noexcept : v_(std::move(a)) {}
  Value(Object o) noexcept : v_(std::move(o)) {}

  ValueKind kind() const noexcept { return static_cast<ValueKind>(v_.index()); }
  /// "Null", "Bool", "Int", "Float", "String", "Bytes", "Array" or "Object".
  const char* type_name() const noexcept;

  bool is_null() const noexcept { return kind() == ValueKind::Null; }
  bool is_bool() const noexcept { return kind() == ValueKind::Bool; }
  bool is_int() const noexcept { return kind() == ValueKind::Int; }
  bool is_float() const noexcept { return kind() == ValueKind::Float; }
  bool is_string() const noexcept { return kind() == ValueKind::String; }
  bool is_bytes() const noexcept { return kind() == ValueKind::Bytes; }
  bool is_array() const noexcept { return kind() == ValueKind::Array; }
  bool is_object() const noexcept { return kind() == ValueKind::Object; }

  /// Accessors yield nullptr on the wrong variant (SPEC 1.1 "none").
  const bool* as_bool() const noexcept { return std::get_if<bool>(&v_); }
  const int64_t* as_int() const noexcept { return std::get_if<int64_t>(&v_); }
  const double* as_float() const noexcept { return std::get_if<double>(&v_); }
  const std::string* as_str() const noexcept { return std::get_if<std::string>(&v_); }
  const Bytes* as_bytes() const noexcept { return std::get_if<Bytes>(&v_); }
  const Array* as_array() const noexcept { return std::get_if<Array>(&v_); }
  const Object* as_object() const noexcept { return std::get_if<Object>(&v_); }
  Array* as_array() noexcept { return std::get_if<Array>(&v_); }
  Object* as_object() noexcept { return std::get_if<Object>(&v_); }

  const Storage& storage() const noexcept { return v_; }

  /// Parses JSON text (SPEC 1.2): integers that fit int64 become Int, every
  /// other number Float; object member order is kept. Errors: InvalidInput
  /// naming the parse position; ConstraintViolation past the nesting limit.
  [[nodiscard]] static result<Value> from_json(std::string_view text);

  /// Renders JSON (SPEC 1.2): NaN and ±Inf become null, Bytes become a
  /// base64 string. Compact form, members in insertion order.
  std::string to_json() const;

  /// SPEC 1.1 equality: variant-strict, IEEE-754 floats (NaN != NaN),
  /// order-insensitive objects.
  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  Storage v_;
};

/// Writes the value's JSON form (Value::to_json).
std::ostream& operator<<(std::ostream& os, const Value& v);

/// A value together with the version and commit timestamp it was written at.
struct VersionedValue {
  Value value;
  uint64_t version = 0;
  uint64_t timestamp = 0;  ///< commit time, microseconds since the epoch

  friend bool operator==(const VersionedValue& a, const VersionedValue& b) {
    return a.value == b.value && a.version == b.version && a.timestamp == b.timestamp;
  }
};

}  // namespace strata
