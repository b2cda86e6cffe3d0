// Metadata filters: any JSON value either parses as a filter or is refused;
// a filter that parses evaluates against any metadata without crashing.

#include <strata/messages/json.hpp>
#include <strata/messages/limits.hpp>
#include <strata/messages/vector_types.hpp>

#include "fuzz_util.hpp"

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto v = parse_json(fuzz::as_text(data, size), Limits{}.max_nesting_depth);
  if (!v)
    return 0;
  auto filter = MetadataFilter::from_value(*v);
  if (!filter)
    return 0;
  static const Value sample = [] {
    auto s = parse_json(R"({"category":"science","year":2021,"score":0.5,"tags":["a","b"],)"
                        R"("ok":true,"none":null,"nested":{"x":1}})",
                        Limits{}.max_nesting_depth);
    return s ? *s : Value{};
  }();
  (void)filter->matches(&sample);
  (void)filter->matches(&*v);
  (void)filter->matches(nullptr);
  FUZZ_CHECK(filter->empty() ? filter->matches(nullptr) : !filter->matches(nullptr));
  return 0;
}
