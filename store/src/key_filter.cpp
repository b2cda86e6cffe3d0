#include "key_filter.hpp"

#include <algorithm>
#include <functional>

#include "key_codec.hpp"

namespace strata::store {

namespace {

constexpr size_t min_bits = 1024;  // the first layer; each next one doubles

// Two hashes from one (Kirsch and Mitzenmacher): probe i is h1 + i * h2.
struct Probe {
  uint64_t h1, h2;
  explicit Probe(std::string_view key) {
    h1 = std::hash<std::string_view>{}(key);
    h2 = (h1 >> 33 | h1 << 31) | 1;
  }
  uint64_t at(int i) const { return h1 + static_cast<uint64_t>(i) * h2; }
};

}  // namespace

void KeyFilter::reset() {
  layers_.clear();
  keys_ = 0;
  built_ = false;
  off_ = !enabled_;
}

void KeyFilter::add_layer() {
  size_t i = layers_.size();
  size_t bits_per_key = 10 + i;  // layer i errs ~0.6185^(10 + i)
  // ln 2 * bits per key probes minimise the false positives.
  int probes = static_cast<int>(bits_per_key * 69 / 100);
  layers_.push_back(Layer{std::vector<uint64_t>((min_bits << i) / 64), bits_per_key, probes});
}

void KeyFilter::add(std::string_view key) {
  if (off_)
    return;
  if (++keys_ > max_keys) {
    off_ = true;
    layers_.clear();
    layers_.shrink_to_fit();
    return;
  }
  if (layers_.empty() || layers_.back().keys >= layers_.back().capacity())
    add_layer();
  auto& layer = layers_.back();
  const uint64_t mask = layer.bits.size() * 64 - 1;
  Probe p(key);
  for (int i = 0; i < layer.probes; ++i) {
    uint64_t bit = p.at(i) & mask;
    layer.bits[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  ++layer.keys;
}

void KeyFilter::add_heads(const leveldb::WriteBatch& batch) {
  if (!usable())
    return;
  bool parsed = keys::visit_heads(
      batch,
      [this](std::string_view key, std::string_view) {
        // A key that may be present already has all its bits set in some
        // layer; adding it again would only count it twice.
        if (!may_contain(key))
          add(key);
      },
      [](std::string_view) {});  // a filter cannot forget; "maybe" stays right
  // A batch the store built parses; should it not, the filter may miss a
  // key, so it stops answering.
  if (!parsed)
    off_ = true;
}

bool KeyFilter::may_contain(std::string_view key) const {
  if (!usable())
    return true;
  Probe p(key);
  // Newest first: the newest layer holds about half the keys, so a key
  // that is present is usually found there.
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) {
    const auto& layer = *it;
    const uint64_t mask = layer.bits.size() * 64 - 1;
    bool all = true;
    for (int i = 0; i < layer.probes && all; ++i) {
      uint64_t bit = p.at(i) & mask;
      all = (layer.bits[bit >> 6] >> (bit & 63)) & 1;
    }
    if (all)
      return true;
  }
  return false;
}

size_t KeyFilter::bytes() const {
  size_t n = 0;
  for (const auto& layer : layers_)
    n += layer.bits.size() * sizeof(uint64_t);
  return n;
}

}  // namespace strata::store
