// JSON text to Value and back: parsing never crashes or recurses without
// bound; what parses prints as JSON that parses to the same value.

#include <cmath>

#include <strata/messages/json.hpp>
#include <strata/messages/limits.hpp>

#include "fuzz_util.hpp"

using namespace strata;

namespace {

// Numbers too large for a double parse as infinity, which JSON prints as
// null (Value::to_json): such a value does not round-trip, by contract.
bool finite(const Value& v) {
  if (auto d = v.as_float())
    return std::isfinite(*d);
  if (auto a = v.as_array()) {
    for (const auto& x : *a)
      if (!finite(x))
        return false;
  }
  if (auto o = v.as_object()) {
    for (const auto& [k, x] : *o)
      if (!finite(x))
        return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto v = parse_json(fuzz::as_text(data, size), Limits{}.max_nesting_depth);
  if (!v)
    return 0;
  (void)validate_value(*v, Limits{});
  (void)validate_value(*v, Limits::small());
  if (!finite(*v))
    return 0;
  auto text = v->to_json();
  auto back = parse_json(text, Limits{}.max_nesting_depth);
  FUZZ_CHECK(back);
  // NaN never parses from JSON, so equality is total here.
  FUZZ_CHECK(*back == *v);
  FUZZ_CHECK(back->to_json() == text);
  return 0;
}
