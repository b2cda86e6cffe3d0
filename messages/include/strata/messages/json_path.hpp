#pragma once

// Paths into JSON documents (SPEC 5.4) and the pure get/set/delete/depth
// operations the JSON store applies to a document Value. Nothing here
// touches storage or versions.
//
// Path grammar (a restricted dot/bracket notation, not full JSONPath):
//
//   path      := "" | "$" segment* | member segment*
//   segment   := "." member | "[" index "]"
//   member    := member-byte+
//   member-byte := [A-Za-z0-9_-] | any byte >= 0x80
//   index     := [0-9]+            (a value that fits uint64)
//
// The `member segment*` form is a shorthand: a path that does not start
// with '$' is read as if "$." were written in front of it ("a.b[1]" is
// "$.a.b[1]"). Not supported: quoted or bracketed member names, wildcards,
// negative indices, slices, filters, recursive descent.
//
// Thread-safety: JsonPath is an immutable value type; the free functions
// touch only their arguments.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strata/messages/error.hpp"
#include "strata/messages/value.hpp"

namespace strata {

/// One step of a JsonPath: an object member by name or an array element by
/// position.
struct PathSegment {
  enum class Kind : uint8_t { Member, Index };
  Kind kind;
  std::string member;  ///< the member name; empty for Kind::Index
  uint64_t index = 0;  ///< the element position; 0 for Kind::Member

  friend bool operator==(const PathSegment& a, const PathSegment& b) {
    return a.kind == b.kind && a.member == b.member && a.index == b.index;
  }
  friend bool operator!=(const PathSegment& a, const PathSegment& b) { return !(a == b); }
};

/// Paths longer than this many segments are rejected by JsonPath::parse
/// (SPEC 1.4).
inline constexpr size_t max_json_path_segments = 256;

/// A parsed JSON path: a sequence of at most `max_json_path_segments`
/// segments, none with an empty member name. The root path has no segments.
class JsonPath {
 public:
  /// The root path, same as root().
  JsonPath() = default;

  /// Parses `text` by the grammar at the top of this file:
  /// "$" and "" are the root; "$.name", "$.a.b.c", "$.items[0]", "$[0]",
  /// "$.user.address[0].city"; and the shorthand "name" or "a.b[1]" for
  /// "$.name" or "$.a.b[1]". Member names are runs of ASCII [A-Za-z0-9_-]
  /// and non-ASCII bytes (every non-ASCII UTF-8 sequence counts as
  /// alphanumeric; the bytes are not checked for UTF-8 validity). An index
  /// is a non-negative decimal integer that fits uint64; leading zeros are
  /// accepted ("[007]" is index 7).
  /// Errors: InvalidPath "Invalid JSON path '<text>': <what> at byte <n>"
  /// for an empty member name ("$.", "a..b", "$.a."), an unclosed bracket
  /// ("$[0"), an invalid index (empty, signed, not decimal, or above
  /// UINT64_MAX), an unexpected character ("$a", "$.a b", "$.*"), or more
  /// than `max_json_path_segments` segments (that message names no byte).
  /// Paths longer than 200 bytes are shortened to their start in the message.
  [[nodiscard]] static result<JsonPath> parse(std::string_view text);

  /// The path of the whole document ("$").
  static JsonPath root() { return JsonPath{}; }

  /// The segments from the document root down; empty for the root.
  const std::vector<PathSegment>& segments() const { return segments_; }

  /// True when this is the root path (no segments).
  bool is_root() const { return segments_.empty(); }

  /// The canonical text: "$" for the root, otherwise "$" followed by
  /// ".member" and "[index]" segments, e.g. "$.a[0].b". parse() of the
  /// result yields an equal path.
  std::string to_string() const;

  /// True when one path is a prefix of the other or they are equal, i.e.
  /// one addresses an ancestor of (or the same value as) the other. Writes
  /// to overlapping paths of one document conflict between transactions
  /// (SPEC 6.2): "$.a" overlaps "$.a.b", "$.a.b" does not overlap "$.a.c",
  /// the root overlaps every path. "$.a[0]" and "$.a.0" do not overlap
  /// (an index is never equal to a member).
  bool overlaps(const JsonPath& other) const;

  friend bool operator==(const JsonPath& a, const JsonPath& b) {
    return a.segments_ == b.segments_;
  }
  friend bool operator!=(const JsonPath& a, const JsonPath& b) { return !(a == b); }

 private:
  std::vector<PathSegment> segments_;
};

/// The value at `path` in `doc`, or nullptr when there is none: a missing
/// member, an index out of range, a member segment on a non-object or an
/// index segment on a non-array. None of these is an error (SPEC 5.4: a
/// missing path reads as none). The root path yields `&doc`. The pointer is
/// valid until `doc` is next modified.
const Value* json_get(const Value& doc, const JsonPath& path);

/// Sets `value` at `path` in `doc` (SPEC 5.4 set semantics):
/// - the root path replaces the whole document;
/// - a missing object member along the path is created, as {} when the next
///   segment is a member and as [] when it is an index; a member that
///   exists is replaced in place, keeping the object's member order, and a
///   new member goes to the end;
/// - an array index below the length replaces that element, an index equal
///   to the length appends (an appended intermediate element is created as
///   {} or [] like a missing member).
/// Errors (and `doc` is then left unchanged):
/// - InvalidPath "index <n> out of bounds (array length <len>) at '<path
///   prefix>'" for an index above the array's length, including any index
///   above 0 into an array this call would create;
/// - WrongType "expected Object at '<prefix>', got <Type> (setting
///   '<path>')" for a member segment on a non-object, and likewise
///   "expected Array" for an index segment on a non-array. Null counts as a
///   non-object: {"a": null} does not become {"a": {"b": 1}} on "$.a.b".
/// Not an error: replacing a value of a different type at the final segment.
/// Document limits (size, depth) are the caller's to check.
[[nodiscard]] caf::error json_set(Value& doc, const JsonPath& path, Value value);

/// Removes the member or array element at `path` from `doc`; array elements
/// after a removed one shift left. Returns 1 when something was removed and
/// 0 when the path was missing (a missing member, an index out of range, or
/// a parent of the wrong type), which is not an error. The root path sets
/// `doc` to Null and returns 1: the caller treats a root delete as
/// "destroy the document" and knows whether one existed.
uint64_t json_delete(Value& doc, const JsonPath& path);

/// The nesting depth of `v`: the depth of its deepest value, where the top
/// level is depth 0 and each value inside an array or object is one deeper
/// than that container (so 1, [] and {} are 0; [1], {"a": []} are 1; [[1]]
/// is 2). The same counting as validate_value's max_nesting_depth; the JSON
/// store accepts depth 100 and rejects 101 (SPEC 1.4). Does not recurse, so
/// any depth is safe to measure.
size_t json_depth(const Value& v);

}  // namespace strata
