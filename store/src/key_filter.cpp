#include "key_filter.hpp"

#include <functional>

#include "key_codec.hpp"

namespace strata::store {

namespace {

constexpr size_t min_slots = 32;  // 128 bytes: what a small space pays

// A key's fingerprint: its 64-bit hash folded to 32 bits, never 0 (the
// empty slot).
uint32_t print_of(std::string_view key) {
  uint64_t h = std::hash<std::string_view>{}(key);
  auto print = static_cast<uint32_t>(h ^ (h >> 32));
  return print == 0 ? 1 : print;
}

}  // namespace

void KeyFilter::reset() {
  release();
  built_ = false;
  off_ = !enabled_;
}

void KeyFilter::release() {
  slots_.clear();
  slots_.shrink_to_fit();
  count_ = 0;
}

void KeyFilter::add(std::string_view key) {
  insert(print_of(key));
}

void KeyFilter::insert(uint32_t print) {
  if (off_)
    return;
  // One probe: it ends at the fingerprint or at the empty slot it goes in.
  size_t at = 0;
  if (!slots_.empty()) {
    at = slot_of(print);
    if (slots_[at] == print)
      return;
  }
  if (count_ >= max_keys) {
    off_ = true;
    release();
    return;
  }
  // At most 3/4 full: a fresh key's probe sequence stays a few slots long.
  if (slots_.empty() || (count_ + 1) * 4 > slots_.size() * 3) {
    std::vector<uint32_t> old = std::move(slots_);
    slots_.assign(old.empty() ? min_slots : old.size() * 2, 0);
    for (uint32_t p : old)
      if (p != 0)
        slots_[slot_of(p)] = p;
    at = slot_of(print);
  }
  slots_[at] = print;
  ++count_;
}

size_t KeyFilter::slot_of(uint32_t print) const {
  size_t mask = slots_.size() - 1;
  size_t i = print & mask;
  while (slots_[i] != 0 && slots_[i] != print)
    i = (i + 1) & mask;
  return i;
}

bool KeyFilter::contains(uint32_t print) const {
  return !slots_.empty() && slots_[slot_of(print)] == print;
}

void KeyFilter::add_heads(const leveldb::WriteBatch& batch) {
  if (!usable())
    return;
  bool parsed = keys::visit_heads(
      batch, [this](std::string_view key, std::string_view) { insert(print_of(key)); },
      [](std::string_view) {});  // a filter cannot forget; "maybe" stays right
  // A batch the store built parses; should it not, the filter may miss a
  // key, so it stops answering.
  if (!parsed)
    off_ = true;
}

bool KeyFilter::may_contain(std::string_view key) const {
  return !usable() || contains(print_of(key));
}

size_t KeyFilter::bytes() const {
  return slots_.capacity() * sizeof(uint32_t);
}

}  // namespace strata::store
