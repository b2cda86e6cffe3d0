// JSON paths: the input is a path, a newline, and a JSON document. Parsing
// never crashes; get/set/delete on the document keep their contracts (a set
// that succeeds is read back by get; an error leaves the document as it
// was).

#include <strata/messages/json.hpp>
#include <strata/messages/json_path.hpp>
#include <strata/messages/limits.hpp>

#include "fuzz_util.hpp"

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto text = fuzz::as_text(data, size);
  auto nl = text.find('\n');
  auto path_text = text.substr(0, nl);
  auto path = JsonPath::parse(path_text);
  if (!path)
    return 0;
  Value doc;
  if (nl != std::string_view::npos) {
    auto parsed = parse_json(text.substr(nl + 1), Limits{}.max_nesting_depth);
    if (parsed)
      doc = std::move(*parsed);
  }
  (void)json_get(doc, *path);
  Value before = doc;
  Value marker{Object{{"fuzz", 1}}};
  if (auto err = json_set(doc, *path, marker)) {
    FUZZ_CHECK(doc == before);
  } else {
    const Value* got = json_get(doc, *path);
    FUZZ_CHECK(got != nullptr && *got == marker);
    Value copy = doc;
    FUZZ_CHECK(json_delete(copy, *path) == 1);
  }
  return 0;
}
