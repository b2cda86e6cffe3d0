#include "key_filter.hpp"

#include <algorithm>
#include <functional>

#include "key_codec.hpp"

namespace strata::store {

namespace {

constexpr size_t min_bits = 1024;  // the first layer; each next one doubles

// A blocked Bloom filter: a key's probes all fall in one 512-bit block
// (one cache line) of a layer, chosen by its hash; a second hash gives the
// probes inside it (Kirsch and Mitzenmacher: probe i is a + i * b). A key
// absent from a layer costs one cache miss there instead of one per probe
// — and a fresh key is absent from every layer: with one bit per probe
// spread over megabytes, the filter was 10% of a fill's time. Blocks err
// a little more at the same bits per key, so layers get two bits more.
constexpr size_t block_words = 8;  // 512 bits

uint64_t hash_of(std::string_view key) {
  return std::hash<std::string_view>{}(key);
}

struct Probe {
  uint64_t h;
  uint32_t a, b;
  explicit Probe(uint64_t hash) : h(hash) {
    uint64_t g = (h ^ (h >> 31)) * 0x9e3779b97f4a7c15ULL;
    g ^= g >> 29;
    a = static_cast<uint32_t>(g);
    b = static_cast<uint32_t>(g >> 32) | 1;
  }
  // The first word of the key's block in a layer of `blocks` blocks (a
  // power of two).
  size_t block(size_t blocks) const { return (h & (blocks - 1)) * block_words; }
  uint32_t at(int i) const { return (a + static_cast<uint32_t>(i) * b) >> 23; }  // 9 bits
};

}  // namespace

void KeyFilter::reset() {
  layers_.clear();
  absent_.clear();
  keys_ = 0;
  built_ = false;
  off_ = !enabled_;
}

void KeyFilter::add_layer() {
  size_t i = layers_.size();
  size_t bits_per_key = 12 + i;  // blocked: layer i errs about as a plain one of 10 + i
  // ln 2 * bits per key probes minimise the false positives.
  int probes = static_cast<int>(bits_per_key * 69 / 100);
  layers_.push_back(Layer{std::vector<uint64_t>((min_bits << i) / 64), bits_per_key, probes});
}

void KeyFilter::add(std::string_view key) {
  add_hash(hash_of(key));
}

void KeyFilter::add_hash(uint64_t h) {
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
  Probe p(h);
  uint64_t* block = layer.bits.data() + p.block(layer.bits.size() / block_words);
  for (int i = 0; i < layer.probes; ++i) {
    uint32_t bit = p.at(i);
    block[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  ++layer.keys;
}

void KeyFilter::add_heads(const leveldb::WriteBatch& batch) {
  if (!usable())
    return;
  bool parsed = keys::visit_heads(
      batch,
      [this](std::string_view key, std::string_view) {
        uint64_t h = hash_of(key);
        // Asked about just before (a fresh key's write): absent, so no
        // second look. Taken out (every copy: it may have been asked about
        // twice), so that a second put of the key in this batch finds it
        // present. Otherwise a key that may be present already has all its
        // bits set in some layer; adding it again would only count it twice.
        auto asked = std::remove(absent_.begin(), absent_.end(), h);
        bool known_absent = asked != absent_.end();
        absent_.erase(asked, absent_.end());
        if (known_absent || !contains_hash(h))
          add_hash(h);
      },
      [](std::string_view) {});  // a filter cannot forget; "maybe" stays right
  // A batch the store built parses; should it not, the filter may miss a
  // key, so it stops answering.
  if (!parsed)
    off_ = true;
  absent_.clear();
}

bool KeyFilter::may_contain(std::string_view key) const {
  if (!usable())
    return true;
  uint64_t h = hash_of(key);
  if (contains_hash(h))
    return true;
  if (absent_.size() < max_absent)
    absent_.push_back(h);
  return false;
}

bool KeyFilter::contains_hash(uint64_t h) const {
  Probe p(h);
  // Newest first: the newest layer holds about half the keys, so a key
  // that is present is usually found there.
  for (auto it = layers_.rbegin(); it != layers_.rend(); ++it) {
    const auto& layer = *it;
    const uint64_t* block = layer.bits.data() + p.block(layer.bits.size() / block_words);
    bool all = true;
    for (int i = 0; i < layer.probes && all; ++i) {
      uint32_t bit = p.at(i);
      all = (block[bit >> 6] >> (bit & 63)) & 1;
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
