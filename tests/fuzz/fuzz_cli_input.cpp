// The CLI's reading of a command line: the tokenizer, then every word
// through the value parsers the commands use.

#include "tokenizer.hpp"
#include "value_input.hpp"

#include "fuzz_util.hpp"

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto line = fuzz::as_text(data, size);
  auto words = cli::tokenize(line);
  (void)cli::parse_vector(line);
  (void)cli::value_from_file_text(line);
  if (!words)
    return 0;
  for (const auto& w : *words) {
    auto v = cli::auto_detect(w);
    // A word that is no other type and no JSON string stays itself.
    if (v && v->is_string() && (w.empty() || w[0] != '"'))
      FUZZ_CHECK(*v->as_str() == w);
    (void)cli::parse_u64(w, "n");
    (void)cli::parse_strict_json(w);
  }
  return 0;
}
