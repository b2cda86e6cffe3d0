#include "head_cache.hpp"

#include "key_codec.hpp"

namespace strata::store {

const std::string* HeadCache::find(std::string_view key) {
  auto it = index_.find(key);
  if (it == index_.end())
    return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return &it->second->record;
}

void HeadCache::insert(std::string_view key, std::string_view record) {
  if (auto it = index_.find(key); it != index_.end()) {
    replace(it->second, record);
    return;
  }
  if (!fits(key, record))
    return;
  lru_.push_front(Entry{std::string(key), std::string(record)});
  index_.emplace(lru_.front().key, lru_.begin());
  bytes_ += cost(lru_.front());
  evict_to(capacity_);
}

void HeadCache::apply(const leveldb::WriteBatch& batch) {
  if (index_.empty())
    return;
  bool parsed = keys::visit_heads(
      batch,
      [this](std::string_view key, std::string_view record) {
        if (auto it = index_.find(key); it != index_.end())
          replace(it->second, record);
      },
      [this](std::string_view key) {
        if (auto it = index_.find(key); it != index_.end())
          erase(it->second);
      });
  // A batch that LevelDB just wrote parses; should it not, nothing cached
  // may be trusted any more.
  if (!parsed)
    clear();
}

void HeadCache::replace(Lru::iterator it, std::string_view record) {
  if (!fits(it->key, record)) {
    erase(it);
    return;
  }
  // A rewrite of a cached entry: its record in place, no new node.
  bytes_ = bytes_ - it->record.size() + record.size();
  it->record.assign(record.data(), record.size());
  lru_.splice(lru_.begin(), lru_, it);
  evict_to(capacity_);
}

void HeadCache::clear() {
  index_.clear();
  lru_.clear();
  bytes_ = 0;
}

void HeadCache::erase(Lru::iterator it) {
  bytes_ -= cost(*it);
  index_.erase(std::string_view(it->key));
  lru_.erase(it);
}

void HeadCache::evict_to(size_t capacity) {
  while (bytes_ > capacity && !lru_.empty())
    erase(std::prev(lru_.end()));
}

}  // namespace strata::store
