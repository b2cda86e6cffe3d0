// The bundle reader on arbitrary bytes: a bundle or an InvalidInput error;
// memory bounded by what the bytes hold (libFuzzer's -rss_limit_mb and
// -malloc_limit_mb catch a header that makes it allocate what it claims).

#include <strata/store/bundle.hpp>

#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto bundle = strata::store::parse_bundle_bytes(std::string(strata::fuzz::as_text(data, size)));
  if (bundle) {
    uint64_t entries = 0;
    for (const auto& space : bundle->spaces)
      entries += space.entries.size();
    FUZZ_CHECK(bundle->entry_count() == entries);
  }
  return 0;
}
