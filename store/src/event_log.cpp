// The event log of a space (SPEC 5.2): append-only, 1-based contiguous
// sequence numbers, every event hash-chained to the one before it. Key
// grammar in key_codec.cpp; the hash definition in messages/schema/record.capnp.

#include <cmath>
#include <cstring>

#include <leveldb/db.h>
#include <leveldb/write_batch.h>
#include <openssl/evp.h>

#include "key_codec.hpp"
#include "leveldb_util.hpp"
#include "strata/messages/limits.hpp"
#include "strata/store/space_store.hpp"

namespace strata::store {

namespace {

constexpr size_t hash_bytes = 32;

void append_le(std::string& out, uint64_t x, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.push_back(static_cast<char>((x >> (8 * i)) & 0xff));
}

}  // namespace

std::string event_chain_hash(const Event& e) {
  std::string payload = e.payload.to_json();
  std::string buf;
  buf.reserve(8 + 4 + e.type.size() + 8 + 4 + payload.size() + e.prev_hash.size());
  append_le(buf, e.sequence, 8);
  append_le(buf, e.type.size(), 4);
  buf += e.type;
  append_le(buf, e.timestamp, 8);
  append_le(buf, payload.size(), 4);
  buf += payload;
  buf += e.prev_hash;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(buf.data(), buf.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(md), len);
}


caf::error SpaceStore::load_event_tail() {
  if (broken_)
    return broken_;
  if (events_loaded_)
    return {};
  event_tail_.count = 0;
  event_tail_.timestamp = 0;
  event_tail_.hash.assign(hash_bytes, '\0');
  if (db_) {
    std::unique_ptr<leveldb::Iterator> it{db_->NewIterator(read_options())};
    const std::string events(1, keys::event_family);
    it->Seek(std::string(1, keys::event_family + 1));
    if (it->Valid())
      it->Prev();
    else
      it->SeekToLast();
    if (it->Valid() && starts_with(it->key(), events)) {
      auto e = decode_event(std::string_view(it->value().data(), it->value().size()));
      if (!e)
        return e.error();
      event_tail_.count = e->sequence;
      event_tail_.timestamp = e->timestamp;
      event_tail_.hash = e->hash;
      clock_.observe(e->timestamp);
    }
    if (!it->status().ok())
      return io_error(it->status(), "scan failed in " + dir_);
  }
  events_loaded_ = true;
  return {};
}

void SpaceStore::stage_event(leveldb::WriteBatch& batch, EventTail& tail, std::string type,
                             Value payload, uint64_t timestamp) {
  Event e;
  e.sequence = tail.count + 1;
  e.type = std::move(type);
  e.payload = std::move(payload);
  e.timestamp = timestamp;
  e.prev_hash = tail.hash;
  e.hash = event_chain_hash(e);
  std::string encoded;
  encode(e, encoded);
  batch.Put(keys::event(e.sequence), encoded);
  batch.Put(keys::event_type_entry(e.type, e.sequence), leveldb::Slice());
  tail = EventTail{e.sequence, e.timestamp, std::move(e.hash)};
}

result<std::vector<BatchItemResult>> SpaceStore::event_batch_append(
    const std::vector<EventEntry>& entries) {
  if (auto err = load_event_tail())
    return err;
  std::vector<BatchItemResult> results(entries.size());
  leveldb::WriteBatch batch;
  EventTail tail = event_tail_;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& entry = entries[i];
    if (auto err = validate_event(entry.type, entry.payload, options_.limits)) {
      results[i].error = std::move(err);
      continue;
    }
    stage_event(batch, tail, entry.type, entry.payload, clock_.next(tail.timestamp));
    results[i].version = tail.count;
    results[i].timestamp = tail.timestamp;
  }
  if (tail.count != event_tail_.count) {
    if (auto err = write(batch))
      return err;
    event_tail_ = std::move(tail);
  }
  return results;
}

result<WriteInfo> SpaceStore::event_append(std::string_view type, const Value& payload) {
  // The batch validates the entry and reports its error as the item's.
  auto r = event_batch_append({EventEntry{std::string(type), payload}});
  if (!r)
    return r.error();
  auto& item = (*r)[0];
  if (!item.ok())
    return std::move(item.error);
  return WriteInfo{*item.version, item.timestamp};
}

result<std::optional<Event>> SpaceStore::event_get(uint64_t seq) {
  exception_point("a space store's event read");
  if (broken_)
    return broken_;
  if (!db_ || seq == 0)
    return std::optional<Event>{};
  std::string raw;
  auto st = db_->Get(read_options(), keys::event(seq), &raw);
  if (st.IsNotFound())
    return std::optional<Event>{};
  if (!st.ok())
    return io_error(st, "read failed in " + dir_);
  auto e = decode_event(raw);
  if (!e)
    return e.error();
  return std::optional<Event>{std::move(*e)};
}

result<std::vector<Event>> SpaceStore::event_get_by_type(std::string_view type, uint64_t after,
                                                         uint64_t limit, uint64_t as_of) {
  std::vector<Event> out;
  if (type.empty() || type.size() > max_event_type_bytes)
    return out;
  auto from = keys::event_type_entry(type, after + 1);
  auto err = scan(keys::event_type_prefix(type), [&](std::string_view k, std::string_view) {
    auto seq = keys::sequence_of_type_entry(k);
    auto e = event_get(seq);
    if (!e)
      return result<bool>{e.error()};
    if (!*e)
      return result<bool>{make_error(errc::Io, "event index of " + dir_ +
                                                   " names missing event " + std::to_string(seq))};
    // Sequences and timestamps grow together: nothing later qualifies.
    if ((*e)->timestamp > as_of)
      return result<bool>{false};
    out.push_back(std::move(**e));
    return result<bool>{limit == 0 || out.size() < limit};
  }, from);
  if (err)
    return err;
  return out;
}

result<std::vector<Event>> SpaceStore::event_list_at(std::string_view type, uint64_t as_of) {
  if (!type.empty())
    return event_get_by_type(type, 0, 0, as_of);
  std::vector<Event> out;
  auto err = scan(std::string(1, keys::event_family), [&](std::string_view, std::string_view v) {
    auto e = decode_event(v);
    if (!e)
      return result<bool>{e.error()};
    if (e->timestamp > as_of)
      return result<bool>{false};
    out.push_back(std::move(*e));
    return result<bool>{true};
  });
  if (err)
    return err;
  return out;
}

result<std::vector<Event>> SpaceStore::event_range(uint64_t from_seq, uint64_t to_seq,
                                                   uint64_t limit) {
  std::vector<Event> out;
  if (!db_)
    return out;
  const std::string events(1, keys::event_family);
  auto err = scan(
      events,
      [&](std::string_view k, std::string_view v) -> result<bool> {
        if (to_seq != 0 && keys::sequence_of_event(k) > to_seq)
          return false;
        auto e = decode_event(v);
        if (!e)
          return e.error();
        out.push_back(std::move(*e));
        return limit == 0 || out.size() < limit;
      },
      keys::event(std::max<uint64_t>(from_seq, 1)));
  if (err)
    return err;
  return out;
}

result<uint64_t> SpaceStore::event_len() {
  if (auto err = load_event_tail())
    return err;
  return event_tail_.count;
}

result<ChainVerification> SpaceStore::event_verify_chain() {
  ChainVerification report;
  if (!db_)
    return report;
  const std::string events(1, keys::event_family);
  std::string prev(hash_bytes, '\0');
  uint64_t expected = 1;
  auto fail = [&](uint64_t seq, std::string reason) {
    report.valid = false;
    report.first_bad_sequence = seq;
    report.reason = std::move(reason);
  };
  auto err = scan(events, [&](std::string_view k, std::string_view v) -> result<bool> {
    auto seq = keys::sequence_of_event(k);
    auto e = decode_event(v);
    if (!e)
      return (fail(seq, strata::message_of(e.error())), false);
    if (seq != expected || e->sequence != seq)
      return (fail(seq, "sequence gap or mismatch: expected " + std::to_string(expected)), false);
    if (e->prev_hash != prev)
      return (fail(seq, "prev_hash does not match the hash of event " + std::to_string(seq - 1)),
              false);
    if (event_chain_hash(*e) != e->hash)
      return (fail(seq, "stored hash does not match the event's content"), false);
    prev = e->hash;
    report.length = seq;
    ++expected;
    return true;
  });
  if (err)
    return err;
  return report;
}

}  // namespace strata::store
