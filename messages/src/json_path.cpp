#include "strata/messages/json_path.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <utility>

namespace strata {

namespace {

// Error messages quote paths and index text, which can be arbitrarily long
// user input, so only their start is quoted.
constexpr size_t max_quoted_bytes = 200;

bool is_member_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c >= 0x80;
}

// `text`, or its first max_quoted_bytes followed by "...".
std::string shortened(std::string_view text) {
  if (text.size() <= max_quoted_bytes)
    return std::string(text);
  size_t cut = max_quoted_bytes;
  // Do not split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return std::string(text.substr(0, cut)) + "...";
}

// The character starting at `pos`, as the user would recognise it: the whole
// UTF-8 sequence when it is one, a hex byte when it is not printable.
std::string describe_char(std::string_view text, size_t pos) {
  auto c = static_cast<unsigned char>(text[pos]);
  if (c >= 0x20 && c < 0x7F)
    return "'" + std::string(1, static_cast<char>(c)) + "'";
  if (c >= 0xC0) {
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return "'" + std::string(text.substr(pos, len)) + "'";
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", c);
  return std::string("byte ") + buf;
}

caf::error parse_error(std::string_view text, const std::string& what) {
  return make_error(errc::InvalidPath, "Invalid JSON path '" + shortened(text) + "': " + what);
}

caf::error parse_error_at(std::string_view text, const std::string& what, size_t pos) {
  return parse_error(text, what + " at byte " + std::to_string(pos));
}

// Parses the bracket content `digits` (the text between '[' and ']').
bool parse_index(std::string_view digits, uint64_t& out, bool& overflow) {
  overflow = false;
  if (digits.empty())
    return false;
  uint64_t n = 0;
  for (char ch : digits) {
    if (ch < '0' || ch > '9')
      return false;
    auto d = static_cast<uint64_t>(ch - '0');
    if (n > (UINT64_MAX - d) / 10) {
      overflow = true;
      return false;
    }
    n = n * 10 + d;
  }
  out = n;
  return true;
}

// "$.a[0]" for the first `count` segments of `path`.
std::string prefix_string(const JsonPath& path, size_t count) {
  std::string out = "$";
  for (size_t i = 0; i < count; ++i) {
    const auto& seg = path.segments()[i];
    if (seg.kind == PathSegment::Kind::Member)
      out += "." + seg.member;
    else
      out += "[" + std::to_string(seg.index) + "]";
  }
  return out;
}

caf::error wrong_type(const JsonPath& path, size_t depth, const char* expected,
                      const Value& actual) {
  return make_error(errc::WrongType, std::string("expected ") + expected + " at '" +
                                         shortened(prefix_string(path, depth)) + "', got " +
                                         actual.type_name() + " (setting '" +
                                         shortened(path.to_string()) + "')");
}

caf::error out_of_bounds(const JsonPath& path, size_t depth, uint64_t index, size_t length) {
  return make_error(errc::InvalidPath, "index " + std::to_string(index) +
                                           " out of bounds (array length " +
                                           std::to_string(length) + ") at '" +
                                           shortened(prefix_string(path, depth + 1)) + "'");
}

// Follows `segments[0, count)` from `doc`; nullptr when any step is missing.
// A template so that one walk serves both const and mutable documents.
template <class V>
V* walk(V& doc, const std::vector<PathSegment>& segments, size_t count) {
  V* cur = &doc;
  for (size_t i = 0; i < count && cur != nullptr; ++i) {
    const auto& seg = segments[i];
    if (seg.kind == PathSegment::Kind::Member) {
      auto* obj = cur->as_object();
      cur = obj != nullptr ? obj->find(seg.member) : nullptr;
    } else {
      auto* arr = cur->as_array();
      cur = arr != nullptr && seg.index < arr->size() ? &(*arr)[seg.index] : nullptr;
    }
  }
  return cur;
}

// Everything json_set can fail on, checked without touching `doc`, so that
// the mutation afterwards cannot fail half way.
caf::error check_set(const Value& doc, const JsonPath& path) {
  const auto& segments = path.segments();
  const Value* cur = &doc;
  for (size_t i = 0; i < segments.size(); ++i) {
    const auto& seg = segments[i];
    if (cur == nullptr) {
      // Below a missing step json_set creates empty containers, and the only
      // index an empty array takes is 0 (append).
      if (seg.kind == PathSegment::Kind::Index && seg.index != 0)
        return out_of_bounds(path, i, seg.index, 0);
      continue;
    }
    if (seg.kind == PathSegment::Kind::Member) {
      const Object* obj = cur->as_object();
      if (obj == nullptr)
        return wrong_type(path, i, "Object", *cur);
      cur = obj->find(seg.member);
    } else {
      const Array* arr = cur->as_array();
      if (arr == nullptr)
        return wrong_type(path, i, "Array", *cur);
      if (seg.index > arr->size())
        return out_of_bounds(path, i, seg.index, arr->size());
      cur = seg.index < arr->size() ? &(*arr)[seg.index] : nullptr;
    }
  }
  return {};
}

Value empty_container_for(const PathSegment& next) {
  if (next.kind == PathSegment::Kind::Index)
    return Value{Array{}};
  return Value{Object{}};
}

}  // namespace

result<JsonPath> JsonPath::parse(std::string_view text) {
  JsonPath path;
  size_t pos = 0;
  // Shorthand: without a leading '$' the text reads as if "$." preceded it,
  // so the first thing expected is a member name.
  bool expect_member = true;
  if (!text.empty() && text[0] == '$') {
    pos = 1;
    expect_member = false;
  } else if (text.empty()) {
    return path;
  }
  auto add = [&](PathSegment seg) -> caf::error {
    if (path.segments_.size() == max_json_path_segments)
      return parse_error(text, "more than " + std::to_string(max_json_path_segments) +
                                   " segments");
    path.segments_.push_back(std::move(seg));
    return {};
  };
  for (;;) {
    if (expect_member) {
      size_t end = pos;
      while (end < text.size() && is_member_byte(static_cast<unsigned char>(text[end])))
        ++end;
      if (end == pos) {
        if (pos == text.size() || text[pos] == '.' || text[pos] == '[')
          return parse_error_at(text, "empty member name", pos);
        return parse_error_at(text, "unexpected character " + describe_char(text, pos), pos);
      }
      if (auto err = add(PathSegment{PathSegment::Kind::Member,
                                     std::string(text.substr(pos, end - pos)), 0}))
        return err;
      pos = end;
      expect_member = false;
      continue;
    }
    if (pos == text.size())
      return path;
    if (text[pos] == '.') {
      ++pos;
      expect_member = true;
      continue;
    }
    if (text[pos] == '[') {
      size_t close = text.find(']', pos + 1);
      if (close == std::string_view::npos)
        return parse_error_at(text, "unclosed bracket '['", pos);
      auto digits = text.substr(pos + 1, close - pos - 1);
      uint64_t index = 0;
      bool overflow = false;
      if (!parse_index(digits, index, overflow)) {
        std::string why = overflow ? "larger than " + std::to_string(UINT64_MAX)
                                   : std::string("expected a non-negative decimal integer");
        return parse_error_at(text, "invalid index '" + shortened(digits) + "' (" + why + ")",
                              pos + 1);
      }
      if (auto err = add(PathSegment{PathSegment::Kind::Index, std::string(), index}))
        return err;
      pos = close + 1;
      continue;
    }
    return parse_error_at(text, "unexpected character " + describe_char(text, pos), pos);
  }
}

std::string JsonPath::to_string() const {
  return prefix_string(*this, segments_.size());
}

bool JsonPath::overlaps(const JsonPath& other) const {
  size_t common = std::min(segments_.size(), other.segments_.size());
  return std::equal(segments_.begin(), segments_.begin() + common, other.segments_.begin());
}

const Value* json_get(const Value& doc, const JsonPath& path) {
  return walk(doc, path.segments(), path.segments().size());
}

caf::error json_set(Value& doc, const JsonPath& path, Value value) {
  if (auto err = check_set(doc, path))
    return err;
  const auto& segments = path.segments();
  Value* cur = &doc;
  // check_set has vouched for every type and bound below, so the steps
  // here only dereference and create.
  for (size_t i = 0; i < segments.size(); ++i) {
    const auto& seg = segments[i];
    Value* next = nullptr;
    bool created = false;
    if (seg.kind == PathSegment::Kind::Member) {
      Object& obj = *cur->as_object();
      next = obj.find(seg.member);
      if (next == nullptr) {
        next = &obj.set(seg.member, Value{});
        created = true;
      }
    } else {
      Array& arr = *cur->as_array();
      if (seg.index == arr.size()) {
        arr.emplace_back();
        created = true;
      }
      next = &arr[seg.index];
    }
    if (created && i + 1 < segments.size())
      *next = empty_container_for(segments[i + 1]);
    cur = next;
  }
  *cur = std::move(value);
  return {};
}

uint64_t json_delete(Value& doc, const JsonPath& path) {
  const auto& segments = path.segments();
  if (segments.empty()) {
    doc = Value{};
    return 1;
  }
  Value* parent = walk(doc, segments, segments.size() - 1);
  if (parent == nullptr)
    return 0;
  const auto& last = segments.back();
  if (last.kind == PathSegment::Kind::Member) {
    Object* obj = parent->as_object();
    return obj != nullptr && obj->erase(last.member) ? 1 : 0;
  }
  Array* arr = parent->as_array();
  if (arr == nullptr || last.index >= arr->size())
    return 0;
  arr->erase(arr->begin() + static_cast<std::ptrdiff_t>(last.index));
  return 1;
}

size_t json_depth(const Value& v) {
  // An explicit stack instead of recursion: a Value built in code has no
  // nesting limit, and measuring it must not overflow the call stack.
  std::vector<std::pair<const Value*, size_t>> pending{{&v, 0}};
  size_t deepest = 0;
  while (!pending.empty()) {
    auto [cur, depth] = pending.back();
    pending.pop_back();
    deepest = std::max(deepest, depth);
    if (const Array* arr = cur->as_array()) {
      for (const auto& x : *arr)
        pending.emplace_back(&x, depth + 1);
    } else if (const Object* obj = cur->as_object()) {
      for (const auto& m : *obj)
        pending.emplace_back(&m.second, depth + 1);
    }
  }
  return deepest;
}

}  // namespace strata
