// strata.toml: any text is settings or a clear error, never an exception
// or a crash.

#include "config.hpp"

#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)strata::cli::parse_config(strata::fuzz::as_text(data, size), "fuzz/strata.toml");
  return 0;
}
