// Every stored-record decoder on arbitrary bytes (the first byte picks the
// decoder): an error or a record, never a crash; a record that decodes
// encodes, decodes again, and encodes to the same bytes.

#include <strata/messages/codec.hpp>

#include "fuzz_util.hpp"

using namespace strata;

namespace {

// Compared as encodings, not values: a Float may be NaN, which equals
// nothing, itself included.
template <class T, class Decode>
void round_trip(const T& record, Decode decode) {
  std::string again;
  encode(record, again);
  auto back = decode(again);
  FUZZ_CHECK(back);
  std::string third;
  encode(*back, third);
  FUZZ_CHECK(third == again);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  auto bytes = fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 8) {
    case 0:
      if (auto rec = decode_versioned_record(bytes))
        round_trip(*rec, [](std::string_view b) { return decode_versioned_record(b); });
      (void)decode_versioned_record(bytes, false);
      break;
    case 1:
      if (auto v = decode_value(bytes))
        round_trip(*v, decode_value);
      break;
    case 2:
      if (auto e = decode_event(bytes))
        round_trip(*e, decode_event);
      break;
    case 3:
      if (auto m = decode_space_meta(bytes))
        round_trip(*m, decode_space_meta);
      break;
    case 4:
      if (auto p = decode_prepared_txn(bytes))
        round_trip(*p, decode_prepared_txn);
      break;
    case 5:
      if (auto d = decode_commit_decision(bytes))
        round_trip(*d, decode_commit_decision);
      break;
    default:
      if (auto b = decode_branch_meta(bytes)) {
        auto back = decode_branch_meta(encode_branch_meta(*b));
        FUZZ_CHECK(back && back->name == b->name && back->parent == b->parent &&
                   back->created_at == b->created_at);
      }
      break;
  }
  return 0;
}
