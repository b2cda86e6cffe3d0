#include "strata/messages/vector_types.hpp"

#include "strata/messages/types.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace strata {

const char* to_string(Durability d) noexcept {
  switch (d) {
    case Durability::Cache: return "cache";
    case Durability::Standard: return "standard";
    case Durability::Always: return "always";
  }
  return "standard";
}

namespace {

struct OpName {
  const char* name;
  FilterCondition::Op op;
};

constexpr OpName op_names[] = {
    {"eq", FilterCondition::Op::Eq},   {"ne", FilterCondition::Op::Ne},
    {"gt", FilterCondition::Op::Gt},   {"gte", FilterCondition::Op::Gte},
    {"lt", FilterCondition::Op::Lt},   {"lte", FilterCondition::Op::Lte},
    {"in", FilterCondition::Op::In},   {"contains", FilterCondition::Op::Contains},
};

std::optional<FilterCondition::Op> parse_op(std::string_view text) {
  for (const auto& entry : op_names)
    if (text == entry.name)
      return entry.op;
  return std::nullopt;
}

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

caf::error filter_error(std::string message) {
  return make_error(errc::InvalidInput, "Invalid filter: " + std::move(message));
}

bool is_scalar(const Value& v) {
  switch (v.kind()) {
    case ValueKind::Null:
    case ValueKind::Bool:
    case ValueKind::Int:
    case ValueKind::Float:
    case ValueKind::String:
      return true;
    default:
      return false;
  }
}

bool is_number(const Value& v) {
  return v.is_int() || v.is_float();
}

double as_double(const Value& v) {
  return v.is_int() ? static_cast<double>(*v.as_int()) : *v.as_float();
}

// SPEC 5.5 eq: scalars only, numbers within f64 epsilon, no cross-type
// coercion. Two Ints compare exactly, since large int64 values would
// collide once converted to double.
bool scalar_eq(const Value& field, const Value& value) {
  switch (field.kind()) {
    case ValueKind::Null:
      return value.is_null();
    case ValueKind::Bool:
      return value.is_bool() && *field.as_bool() == *value.as_bool();
    case ValueKind::Int:
    case ValueKind::Float:
      if (!is_number(value))
        return false;
      if (field.is_int() && value.is_int())
        return *field.as_int() == *value.as_int();
      return std::fabs(as_double(field) - as_double(value)) <
             std::numeric_limits<double>::epsilon();
    case ValueKind::String:
      return value.is_string() && *field.as_str() == *value.as_str();
    default:
      return false;
  }
}

// -1, 0 or 1; nullopt when either side is not a number (or is NaN).
std::optional<int> compare_numbers(const Value& a, const Value& b) {
  if (!is_number(a) || !is_number(b))
    return std::nullopt;
  if (a.is_int() && b.is_int()) {
    int64_t x = *a.as_int(), y = *b.as_int();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  double x = as_double(a), y = as_double(b);
  if (std::isnan(x) || std::isnan(y))
    return std::nullopt;
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool in_matches(const Value& field, const Value& value) {
  if (const Array* set = value.as_array()) {
    for (const auto& element : *set)
      if (scalar_eq(field, element))
        return true;
    return false;
  }
  return scalar_eq(field, value);
}

// One condition against a present field.
bool holds(const FilterCondition& c, const Value& field) {
  using Op = FilterCondition::Op;
  switch (c.op) {
    case Op::Eq:
      return scalar_eq(field, c.value);
    case Op::Ne:
      return !scalar_eq(field, c.value);
    case Op::Gt: {
      auto cmp = compare_numbers(field, c.value);
      return cmp && *cmp > 0;
    }
    case Op::Gte: {
      auto cmp = compare_numbers(field, c.value);
      return cmp && *cmp >= 0;
    }
    case Op::Lt: {
      auto cmp = compare_numbers(field, c.value);
      return cmp && *cmp < 0;
    }
    case Op::Lte: {
      auto cmp = compare_numbers(field, c.value);
      return cmp && *cmp <= 0;
    }
    case Op::In:
      return in_matches(field, c.value);
    case Op::Contains:
      return field.is_string() && c.value.is_string() &&
             field.as_str()->find(*c.value.as_str()) != std::string::npos;
  }
  return false;
}

caf::error check_value(FilterCondition::Op op, const std::string& field, const Value& value) {
  auto reject = [&](const Value& bad) {
    return filter_error(std::string("value of ") + quoted(to_string(op)) + " on field " +
                        quoted(field) + " must be a scalar (null, bool, number or string)" +
                        (op == FilterCondition::Op::In ? " or an array of scalars" : "") +
                        ", got " + bad.type_name());
  };
  if (is_scalar(value))
    return {};
  if (op == FilterCondition::Op::In && value.is_array()) {
    for (const auto& element : *value.as_array())
      if (!is_scalar(element))
        return reject(element);
    return {};
  }
  return reject(value);
}

caf::error unknown_op(std::string_view text) {
  return filter_error("unknown operator " + quoted(text) +
                      " (expected eq, ne, gt, gte, lt, lte, in or contains)");
}

// [{"field": .., "op": .., "value": ..}, ...]
caf::error parse_array_form(const Array& items, MetadataFilter& out) {
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string where = "condition " + std::to_string(i) + ": ";
    const Object* obj = items[i].as_object();
    if (!obj)
      return filter_error(where + "expected an object {\"field\", \"op\", \"value\"}, got " +
                          items[i].type_name());
    for (const auto& member : *obj)
      if (member.first != "field" && member.first != "op" && member.first != "value")
        return filter_error(where + "unexpected member " + quoted(member.first) +
                            " (expected \"field\", \"op\" and \"value\")");
    const Value* field = obj->find("field");
    const Value* op = obj->find("op");
    const Value* value = obj->find("value");
    if (!field)
      return filter_error(where + "missing \"field\"");
    if (!op)
      return filter_error(where + "missing \"op\"");
    if (!value)
      return filter_error(where + "missing \"value\"");
    if (!field->is_string())
      return filter_error(where + "\"field\" must be a string, got " + field->type_name());
    if (field->as_str()->empty())
      return filter_error(where + "\"field\" must not be empty");
    if (!op->is_string())
      return filter_error(where + "\"op\" must be a string, got " + op->type_name());
    auto parsed = parse_op(*op->as_str());
    if (!parsed)
      return unknown_op(*op->as_str());
    if (auto err = check_value(*parsed, *field->as_str(), *value))
      return err;
    out.conditions.push_back(FilterCondition{*field->as_str(), *parsed, *value});
  }
  return {};
}

// {"field": {"op": value, ...}, ...}
caf::error parse_object_form(const Object& fields, MetadataFilter& out) {
  for (const auto& [field, ops] : fields) {
    if (field.empty())
      return filter_error("field names must not be empty");
    const Object* op_obj = ops.as_object();
    if (!op_obj)
      return filter_error("field " + quoted(field) +
                          " needs an object of operators, e.g. {\"eq\": <value>}, got " +
                          ops.type_name());
    if (op_obj->empty())
      return filter_error("field " + quoted(field) + " has no operator");
    for (const auto& [op_text, value] : *op_obj) {
      auto parsed = parse_op(op_text);
      if (!parsed)
        return unknown_op(op_text);
      if (auto err = check_value(*parsed, field, value))
        return err;
      out.conditions.push_back(FilterCondition{field, *parsed, value});
    }
  }
  return {};
}

}  // namespace

const char* to_string(IndexKind kind) noexcept {
  switch (kind) {
    case IndexKind::BruteForce: return "brute_force";
    case IndexKind::Hnsw: return "hnsw";
    case IndexKind::Auto: break;
  }
  return "auto";
}

const char* to_string(DistanceMetric metric) noexcept {
  switch (metric) {
    case DistanceMetric::Cosine:
      return "cosine";
    case DistanceMetric::Euclidean:
      return "euclidean";
    case DistanceMetric::DotProduct:
      return "dot_product";
  }
  return "unknown";
}

result<DistanceMetric> parse_metric(std::string_view text) {
  std::string lower(text);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  if (lower == "cosine")
    return DistanceMetric::Cosine;
  if (lower == "euclidean")
    return DistanceMetric::Euclidean;
  if (lower == "dot" || lower == "dot_product" || lower == "dotproduct")
    return DistanceMetric::DotProduct;
  return make_error(errc::InvalidInput, "Invalid metric " + quoted(text) +
                                            ": expected cosine, euclidean or dot_product");
}

const char* to_string(FilterCondition::Op op) noexcept {
  for (const auto& entry : op_names)
    if (entry.op == op)
      return entry.name;
  return "unknown";
}

bool MetadataFilter::matches(const Value* metadata) const {
  if (conditions.empty())
    return true;
  const Object* obj = metadata ? metadata->as_object() : nullptr;
  if (!obj)
    return false;
  for (size_t i = 0; i < conditions.size(); ++i) {
    const FilterCondition& c = conditions[i];
    if (c.op != FilterCondition::Op::In) {
      const Value* field = obj->find(c.field);
      if (!field || !holds(c, *field))
        return false;
      continue;
    }
    // The `in` conditions on one field form a group that holds when any of
    // them does; evaluate each group once, at its first member.
    bool seen = false;
    for (size_t j = 0; j < i && !seen; ++j)
      seen = conditions[j].op == FilterCondition::Op::In && conditions[j].field == c.field;
    if (seen)
      continue;
    const Value* field = obj->find(c.field);
    if (!field)
      return false;
    bool any = false;
    for (size_t j = i; j < conditions.size() && !any; ++j)
      any = conditions[j].op == FilterCondition::Op::In && conditions[j].field == c.field &&
            in_matches(*field, conditions[j].value);
    if (!any)
      return false;
  }
  return true;
}

result<MetadataFilter> MetadataFilter::from_value(const Value& json) {
  MetadataFilter out;
  caf::error err;
  if (json.is_null())
    return out;
  if (const Array* items = json.as_array())
    err = parse_array_form(*items, out);
  else if (const Object* fields = json.as_object())
    err = parse_object_form(*fields, out);
  else
    err = filter_error(std::string("expected an array of conditions or an object of fields, got ") +
                       json.type_name());
  if (err)
    return err;
  return out;
}

caf::error validate_collection_name(std::string_view name) {
  if (name.empty())
    return make_error(errc::InvalidInput, "Collection name must not be empty");
  if (name.size() > 256)
    return make_error(errc::InvalidInput, "Collection name cannot exceed 256 bytes, got " +
                                              std::to_string(name.size()));
  if (name.find('/') != std::string_view::npos)
    return make_error(errc::InvalidInput, "Collection name must not contain '/'");
  if (name.find('\0') != std::string_view::npos)
    return make_error(errc::InvalidInput, "Collection name must not contain a NUL byte");
  if (name.front() == '_')
    return make_error(errc::InvalidInput,
                      "Collection name must not start with '_' (reserved for internal collections)");
  return {};
}

caf::error validate_dimension(uint64_t dimension) {
  if (dimension == 0)
    return make_error(errc::InvalidInput, "Dimension must be at least 1");
  if (dimension > max_collection_dimension)
    return make_error(errc::InvalidInput, "Dimension " + std::to_string(dimension) +
                                              " exceeds the maximum " +
                                              std::to_string(max_collection_dimension));
  return {};
}

}  // namespace strata
