// Key encoding of one space's LevelDB.
//
//   stored-key  := head-key | history-key | meta-key | event-key | type-key
//                | applied-key
//   head-key    := 'h' tag user-key
//                  -> VersionedRecord: the newest version of the entry,
//                     a tombstone after a delete
//   history-key := 'v' tag user-key 0x00 inv-version
//                  -> VersionedRecord: an older version of the entry
//   meta-key    := 'm' name
//                  -> per-space bookkeeping (SpaceMeta under "space");
//                     under "records", uint64 big-endian: how many data
//                     keys (every key but applied-keys and this one) the
//                     store holds. Written when a store closes cleanly
//                     and before a fork copies it, deleted by the first
//                     write after an open, so it is there only while it
//                     is true; a store without it (after a crash or a
//                     repair) is counted by one pass when a fork needs it
//   event-key   := 'e' seq
//                  -> EventRecord
//   type-key    := 't' type-length type seq
//                  -> empty; an index of events by type
//   applied-key := 'a' txn-id
//                  -> empty; written with a two-phase commit's writes, so
//                     that recovery can tell "applied here" from "never
//                     applied" for a PREPARED record in the branch's
//                     transaction log (store::TxnLog); removed once every
//                     participant's apply is on disk
//   tag         := 'k' (KV) | 's' (state cell) | 'j' (JSON document)
//                | 'c' (vector collection config; user-key = collection name)
//                | 'x' (vector; user-key = collection 0x00 vector-key)
//   inv-version := uint64 big-endian of (2^64 - 1 - version)
//   seq         := uint64 big-endian event sequence number (from 1)
//   type-length := uint16 big-endian byte length of type (types may hold
//                  any byte, so the length, not a separator, delimits them)
//
// Why this shape:
// - The newest version of every entry is one point lookup (head-key), so
//   get costs one LevelDB Get and a put one Get plus one batch; the Get is
//   skipped for entries the store recently overwrote (head_cache.hpp), so
//   a rewrite of a hot entry is one batch and no read.
// - Heads of one primitive are contiguous and sorted by user key, so a
//   prefix listing is a single range scan without skipping old versions.
// - User keys never contain 0x00 (validate_key rejects NUL), so the 0x00
//   separator makes "a" + versions sort before "ab" and keeps each entry's
//   history contiguous; the inverted version puts the newest first.

#include "key_codec.hpp"

#include <leveldb/write_batch.h>

#include <unordered_map>

namespace strata::store::keys {

bool visit_heads(const leveldb::WriteBatch& batch,
                 const std::function<void(std::string_view, std::string_view)>& put,
                 const std::function<void(std::string_view)>& erase) {
  struct Heads : leveldb::WriteBatch::Handler {
    const std::function<void(std::string_view, std::string_view)>* put;
    const std::function<void(std::string_view)>* erase;
    static bool is_head(const leveldb::Slice& key) {
      return !key.empty() && key[0] == head_family;
    }
    void Put(const leveldb::Slice& key, const leveldb::Slice& value) override {
      if (is_head(key))
        (*put)(std::string_view(key.data(), key.size()),
               std::string_view(value.data(), value.size()));
    }
    void Delete(const leveldb::Slice& key) override {
      if (is_head(key))
        (*erase)(std::string_view(key.data(), key.size()));
    }
  } heads;
  heads.put = &put;
  heads.erase = &erase;
  return batch.Iterate(&heads).ok();
}

void append_be64(std::string& out, uint64_t x) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((x >> shift) & 0xff));
}

std::string head(char tag, std::string_view user_key) {
  std::string out;
  out.reserve(2 + user_key.size());
  out.push_back(head_family);
  out.push_back(tag);
  out.append(user_key);
  return out;
}

std::string head_prefix(char tag, std::string_view user_prefix) {
  return head(tag, user_prefix);
}

std::string history_prefix(char tag, std::string_view user_key) {
  std::string out;
  out.reserve(3 + user_key.size() + 8);
  out.push_back(history_family);
  out.push_back(tag);
  out.append(user_key);
  out.push_back('\0');
  return out;
}

std::string history(char tag, std::string_view user_key, uint64_t version) {
  std::string out = history_prefix(tag, user_key);
  append_be64(out, ~version);
  return out;
}

std::string meta(std::string_view name) {
  std::string out;
  out.push_back(meta_family);
  out.append(name);
  return out;
}

std::string show_key(std::string_view key) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : key.substr(0, 80)) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  if (key.size() > 80)
    out += "...";
  return out;
}

std::string record_count() {
  return meta("records");
}

bool is_data(std::string_view stored) {
  if (!stored.empty() && stored[0] == applied_family)
    return false;
  return !(stored.size() == 8 && stored[0] == meta_family && stored.substr(1) == "records");
}

namespace {

std::string_view view_of(const leveldb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

// Whether `history` is a history-key of the entry whose head-key is `head`.
bool history_of(std::string_view history, std::string_view head) {
  return history.size() == head.size() + 9 && history[0] == history_family &&
         history.substr(1, head.size() - 1) == head.substr(1) && history[head.size()] == '\0';
}

// The common batch: puts only. Each put of a head, event or type key adds
// one key: a fresh entry's head is new, and an existing entry's head is
// overwritten while the history record of its previous version is new.
struct CountPuts : leveldb::WriteBatch::Handler {
  int64_t added = 0;
  bool deletes = false;
  void Put(const leveldb::Slice& key, const leveldb::Slice&) override {
    if (key.empty())
      return;
    char family = key[0];
    added += family == head_family || family == event_family || family == event_type_family;
  }
  void Delete(const leveldb::Slice& key) override { deletes = deletes || is_data(view_of(key)); }
};

// A batch that deletes (a vector collection's drop) may put a key it
// deleted, so every key's presence is followed through the batch: before
// its first operation a deleted key was present, a history, event or type
// key absent, and a head present exactly when the history record of its
// previous version was put just before it.
struct FollowKeys : leveldb::WriteBatch::Handler {
  int64_t added = 0;
  std::unordered_map<std::string, bool> present;  // keys seen in the batch
  std::string last_put;
  void Put(const leveldb::Slice& key, const leveldb::Slice&) override {
    auto k = view_of(key);
    if (is_data(k)) {
      auto [it, first] = present.try_emplace(std::string(k), false);
      if (first && !k.empty() && k[0] != history_family && k[0] != event_family &&
          k[0] != event_type_family)
        it->second = k[0] == head_family ? history_of(last_put, k) : true;
      added += !it->second;
      it->second = true;
    }
    last_put.assign(k);
  }
  void Delete(const leveldb::Slice& key) override {
    auto k = view_of(key);
    if (is_data(k)) {
      auto [it, first] = present.try_emplace(std::string(k), true);
      added -= it->second;
      it->second = false;
    }
    last_put.clear();
  }
};

}  // namespace

std::optional<int64_t> record_delta(const leveldb::WriteBatch& batch) {
  CountPuts puts;
  if (!batch.Iterate(&puts).ok())
    return std::nullopt;
  if (!puts.deletes)
    return puts.added;
  FollowKeys keys;
  if (!batch.Iterate(&keys).ok())
    return std::nullopt;
  return keys.added;
}

std::string event(uint64_t seq) {
  std::string out(1, event_family);
  append_be64(out, seq);
  return out;
}

uint64_t read_be64(std::string_view bytes) {
  uint64_t x = 0;
  for (size_t i = 0; i < 8 && i < bytes.size(); ++i)
    x = (x << 8) | static_cast<unsigned char>(bytes[i]);
  return x;
}

uint64_t sequence_of_event(std::string_view stored) {
  return read_be64(stored.substr(1));
}

uint64_t sequence_of_type_entry(std::string_view stored) {
  return stored.size() < 8 ? 0 : read_be64(stored.substr(stored.size() - 8));
}

std::string event_type_prefix(std::string_view type) {
  std::string out(1, event_type_family);
  out.push_back(static_cast<char>((type.size() >> 8) & 0xff));
  out.push_back(static_cast<char>(type.size() & 0xff));
  out.append(type);
  return out;
}

std::string event_type_entry(std::string_view type, uint64_t seq) {
  std::string out = event_type_prefix(type);
  append_be64(out, seq);
  return out;
}

std::string applied(uint64_t txn_id) {
  std::string out(1, applied_family);
  append_be64(out, txn_id);
  return out;
}

std::string_view user_key_of_head(std::string_view stored) {
  return stored.substr(2);
}

}  // namespace strata::store::keys
