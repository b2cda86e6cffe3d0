#include "strata/messages/value.hpp"

#include <algorithm>

namespace strata {

Object::Object(std::initializer_list<Member> members) {
  members_.reserve(members.size());
  for (const auto& m : members)
    set(m.first, m.second);
}

const Value* Object::find(std::string_view key) const {
  for (const auto& m : members_)
    if (m.first == key)
      return &m.second;
  return nullptr;
}

Value* Object::find(std::string_view key) {
  for (auto& m : members_)
    if (m.first == key)
      return &m.second;
  return nullptr;
}

Value& Object::set(std::string key, Value value) {
  if (auto* existing = find(key)) {
    *existing = std::move(value);
    return *existing;
  }
  members_.emplace_back(std::move(key), std::move(value));
  return members_.back().second;
}

bool Object::erase(std::string_view key) {
  auto it = std::find_if(members_.begin(), members_.end(),
                         [&](const Member& m) { return m.first == key; });
  if (it == members_.end())
    return false;
  members_.erase(it);
  return true;
}

bool operator==(const Object& a, const Object& b) {
  if (a.size() != b.size())
    return false;
  // Keys are unique within an object, so equal sizes plus "every member of
  // a is in b with an equal value" is set equality.
  for (const auto& m : a) {
    const Value* other = b.find(m.first);
    if (other == nullptr || !(*other == m.second))
      return false;
  }
  return true;
}

const char* Value::type_name() const noexcept {
  switch (kind()) {
    case ValueKind::Null: return "Null";
    case ValueKind::Bool: return "Bool";
    case ValueKind::Int: return "Int";
    case ValueKind::Float: return "Float";
    case ValueKind::String: return "String";
    case ValueKind::Bytes: return "Bytes";
    case ValueKind::Array: return "Array";
    case ValueKind::Object: return "Object";
  }
  return "Null";
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind())
    return false;
  // std::variant's == compares doubles with IEEE semantics already
  // (NaN != NaN, -0.0 == 0.0) and recurses into Array and Object.
  return a.storage() == b.storage();
}

}  // namespace strata
