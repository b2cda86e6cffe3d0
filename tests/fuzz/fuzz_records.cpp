// Every stored-record decoder on arbitrary bytes (the first byte picks the
// decoder): an error or a record, never a crash; a record that decodes
// encodes and decodes again to the same thing.

#include <strata/messages/codec.hpp>

#include "fuzz_util.hpp"

using namespace strata;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  auto bytes = fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 8) {
    case 0: {
      auto rec = decode_versioned_record(bytes);
      if (rec) {
        std::string again;
        encode(*rec, again);
        auto back = decode_versioned_record(again);
        FUZZ_CHECK(back);
        FUZZ_CHECK(back->version == rec->version && back->timestamp == rec->timestamp);
        FUZZ_CHECK(back->tombstone == rec->tombstone);
        // Compared as encodings: a Float may be NaN, which equals nothing.
        std::string third;
        encode(*back, third);
        FUZZ_CHECK(third == again);
      }
      (void)decode_versioned_record(bytes, false);
      break;
    }
    case 1: {
      auto v = decode_value(bytes);
      if (v) {
        std::string again;
        encode(*v, again);
        auto back = decode_value(again);
        FUZZ_CHECK(back);
        std::string third;  // as encodings: NaN equals nothing
        encode(*back, third);
        FUZZ_CHECK(third == again);
      }
      break;
    }
    case 2: {
      auto e = decode_event(bytes);
      if (e) {
        std::string again;
        encode(*e, again);
        auto back = decode_event(again);
        FUZZ_CHECK(back && back->sequence == e->sequence);
        std::string third;
        encode(*back, third);
        FUZZ_CHECK(third == again);
      }
      break;
    }
    case 3:
      (void)decode_space_meta(bytes);
      break;
    case 4:
      if (auto p = decode_prepared_txn(bytes)) {
        std::string again;
        encode(*p, again);
        FUZZ_CHECK(decode_prepared_txn(again));
      }
      break;
    case 5:
      if (auto d = decode_commit_decision(bytes)) {
        std::string again;
        encode(*d, again);
        FUZZ_CHECK(decode_commit_decision(again));
      }
      break;
    default:
      if (auto b = decode_branch_meta(bytes)) {
        auto back = decode_branch_meta(encode_branch_meta(*b));
        FUZZ_CHECK(back && back->name == b->name && back->parent == b->parent);
      }
      break;
  }
  return 0;
}
