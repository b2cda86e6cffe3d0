#include "head_cache.hpp"

#include <leveldb/write_batch.h>

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
  // One record may take at most an eighth of the cache: a few huge values
  // must not flush every small hot entry.
  bool fits = key.size() + record.size() + kOverhead <= capacity_ / 8;
  if (auto it = index_.find(key); it != index_.end()) {
    if (!fits) {
      erase(it->second);
      return;
    }
    // A rewrite of a cached entry: its record in place, no new node.
    auto& e = *it->second;
    bytes_ = bytes_ - e.record.size() + record.size();
    e.record.assign(record.data(), record.size());
    lru_.splice(lru_.begin(), lru_, it->second);
    evict_to(capacity_);
    return;
  }
  if (!fits)
    return;
  lru_.push_front(Entry{std::string(key), std::string(record)});
  index_.emplace(lru_.front().key, lru_.begin());
  bytes_ += cost(lru_.front());
  evict_to(capacity_);
}

void HeadCache::apply(const leveldb::WriteBatch& batch) {
  if (index_.empty())
    return;
  struct Refresh : leveldb::WriteBatch::Handler {
    HeadCache* cache;
    static bool is_head(const leveldb::Slice& key) {
      return !key.empty() && key[0] == keys::head_family;
    }
    void Put(const leveldb::Slice& key, const leveldb::Slice& value) override {
      if (!is_head(key))
        return;
      std::string_view k(key.data(), key.size());
      if (auto it = cache->index_.find(k); it != cache->index_.end())
        cache->insert(k, std::string_view(value.data(), value.size()));
    }
    void Delete(const leveldb::Slice& key) override {
      if (!is_head(key))
        return;
      if (auto it = cache->index_.find(std::string_view(key.data(), key.size()));
          it != cache->index_.end())
        cache->erase(it->second);
    }
  } refresh;
  refresh.cache = this;
  // A batch that LevelDB just wrote parses; should it not, nothing cached
  // may be trusted any more.
  if (!batch.Iterate(&refresh).ok())
    clear();
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
