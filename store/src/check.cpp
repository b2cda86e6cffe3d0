// Verifying a store end to end: SpaceStore::check and TxnLog::check.
//
// A check reads every record with LevelDB's block checksums verified and
// without filling the block cache (a check must not evict the working
// set), and decodes each record as the code that reads it would. Heads and
// histories are walked side by side with two iterators, in the order the
// key grammar (key_codec.cpp) sorts them, so memory stays constant
// however large the store.

#include <memory>

#include <leveldb/db.h>

#include "key_codec.hpp"
#include "leveldb_util.hpp"
#include "strata/messages/codec.hpp"
#include "strata/store/space_store.hpp"
#include "strata/store/txn_log.hpp"
#include "strata/store/fault_env.hpp"

namespace strata::store {

namespace {

/// At most this many problems are listed per store; the rest are counted.
constexpr size_t max_check_problems = 100;

class Problems {
 public:
  explicit Problems(StoreCheck& out) : out_(out) {}
  /// Notes how many problems did not fit; call once, last.
  void finish() {
    if (dropped_ > 0)
      out_.problems.push_back("... and " + std::to_string(dropped_) + " more problems");
  }
  void add(std::string what) {
    if (out_.problems.size() < max_check_problems)
      out_.problems.push_back(std::move(what));
    else
      ++dropped_;
  }

 private:
  StoreCheck& out_;
  size_t dropped_ = 0;
};

leveldb::ReadOptions scan_options() {
  auto ro = read_options();
  ro.fill_cache = false;
  return ro;
}

bool known_tag(char tag) {
  return tag == keys::kv || tag == keys::state || tag == keys::json ||
         tag == keys::collection || tag == keys::vector;
}

// The entry a history key belongs to (tag and user key), and the version
// it names; nullopt when the key is malformed.
struct HistoryKey {
  std::string_view entry;  // tag + user key, as in the head key after 'h'
  uint64_t version;
};

std::optional<HistoryKey> parse_history(std::string_view key) {
  // 'v' tag user-key 0x00 inv-version(8)
  if (key.size() < 2 + 1 + 8 || key[key.size() - 9] != '\0' || !known_tag(key[1]))
    return std::nullopt;
  return HistoryKey{key.substr(1, key.size() - 1 - 9), ~keys::read_be64(key.substr(key.size() - 8))};
}

}  // namespace

StoreCheck SpaceStore::check() {
  StoreCheck out;
  if (!db_)
    return out;  // nothing written here yet
  Problems problems{out};
  uint64_t bookkeeping = 0;  // the stored record count: not a data key
  auto ro = scan_options();
  std::unique_ptr<leveldb::Iterator> it{db_->NewIterator(ro)};
  std::unique_ptr<leveldb::Iterator> hist{db_->NewIterator(ro)};
  const std::string history_start(1, keys::history_family);
  hist->Seek(history_start);
  auto history_valid = [&] { return hist->Valid() && starts_with(hist->key(), history_start); };

  // Checks the history entries of `entry` (tag + user key) below the head
  // version `head`, reporting those of entries without a head on the way.
  auto walk_history = [&](std::string_view entry, uint64_t head) {
    for (; history_valid(); hist->Next()) {
      auto k = view(hist->key());
      auto parsed = parse_history(k);
      if (parsed && parsed->entry > entry)
        return;  // belongs to a later entry: counted when its head walks it
      ++out.records;
      if (!parsed) {
        problems.add("malformed history key " + keys::show_key(k));
        continue;
      }
      auto rec = decode_versioned_record(view(hist->value()), true);
      if (!rec) {
        problems.add("history record " + keys::show_key(k) + " does not decode: " + message_of(rec.error()));
        continue;
      }
      if (parsed->entry < entry) {
        problems.add("history record " + keys::show_key(k) + " has no head record");
        continue;
      }
      if (rec->version != parsed->version)
        problems.add("history record " + keys::show_key(k) + " holds version " +
                     std::to_string(rec->version) + ", its key says " +
                     std::to_string(parsed->version));
      if (parsed->version >= head)
        problems.add("history record " + keys::show_key(k) + " (version " +
                     std::to_string(parsed->version) + ") is not older than its head (version " +
                     std::to_string(head) + ")");
    }
  };

  std::string prev_hash(32, '\0');
  uint64_t expected_seq = 1;
  bool chain_broken = false;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto k = view(it->key());
    auto v = view(it->value());
    if (k.empty()) {
      ++out.records;
      problems.add("empty key");
      continue;
    }
    switch (k[0]) {
      case keys::head_family: {
        ++out.records;
        if (k.size() < 2 || !known_tag(k[1])) {
          problems.add("malformed head key " + keys::show_key(k));
          break;
        }
        auto rec = decode_versioned_record(v, true);
        if (!rec) {
          problems.add("head record " + keys::show_key(k) + " does not decode: " + message_of(rec.error()));
          walk_history(k.substr(1), ~uint64_t{0});
          break;
        }
        if (rec->version == 0)
          problems.add("head record " + keys::show_key(k) + " holds version 0");
        walk_history(k.substr(1), rec->version);
        break;
      }
      case keys::history_family:
        break;  // walked beside the heads
      case keys::meta_family: {
        ++out.records;
        if (k == keys::meta("space"))
          if (auto meta = decode_space_meta(v); !meta)
            problems.add("space metadata does not decode: " + message_of(meta.error()));
        if (k == keys::record_count()) {
          ++bookkeeping;
          if (v.size() != 8)
            problems.add("record count of " + std::to_string(v.size()) + " bytes (8 expected)");
        }
        break;
      }
      case keys::event_family: {
        ++out.records;
        if (k.size() != 9) {
          problems.add("malformed event key " + keys::show_key(k));
          break;
        }
        auto seq = keys::sequence_of_event(k);
        auto e = decode_event(v);
        if (!e) {
          problems.add("event " + std::to_string(seq) + " does not decode: " +
                       message_of(e.error()));
          chain_broken = true;
          break;
        }
        if (chain_broken)
          break;  // one break in the chain is reported once
        if (seq != expected_seq || e->sequence != seq) {
          problems.add("event " + std::to_string(seq) + ": sequence gap or mismatch (expected " +
                       std::to_string(expected_seq) + ")");
          chain_broken = true;
        } else if (e->prev_hash != prev_hash) {
          problems.add("event " + std::to_string(seq) +
                       ": prev_hash does not match the hash of the event before");
          chain_broken = true;
        } else if (event_chain_hash(*e) != e->hash) {
          problems.add("event " + std::to_string(seq) +
                       ": stored hash does not match the event's content");
          chain_broken = true;
        }
        prev_hash = e->hash;
        ++expected_seq;
        break;
      }
      case keys::event_type_family: {
        ++out.records;
        if (k.size() < 1 + 2 + 8) {
          problems.add("malformed event type index key " + keys::show_key(k));
          break;
        }
        std::string ignored;
        auto st = db_->Get(ro, keys::event(keys::sequence_of_type_entry(k)), &ignored);
        if (st.IsNotFound())
          problems.add("event type index entry " + keys::show_key(k) + " names a missing event");
        else if (!st.ok())
          problems.add("event type index entry " + keys::show_key(k) + ": " + st.ToString());
        break;
      }
      case keys::applied_family:
        ++out.records;
        ++out.txn_markers;
        break;
      default:
        ++out.records;
        problems.add("unknown record " + keys::show_key(k));
    }
  }
  if (!it->status().ok())
    problems.add(it->status().ToString());
  // History entries after the last head have no head.
  walk_history(std::string_view("\xff\xff", 2), ~uint64_t{0});
  if (!hist->status().ok())
    problems.add(hist->status().ToString());
  // The count a fork reports (record_count) against the keys just read.
  uint64_t data = out.records - out.txn_markers - bookkeeping;
  if (records_known_ && records_ != data && it->status().ok() && hist->status().ok())
    problems.add("the store's record count says " + std::to_string(records_) + " records, " +
                 std::to_string(data) + " are stored");
  problems.finish();
  return out;
}

StoreCheck TxnLog::check() {
  // An exception deep in the read (testing::FaultInjector::throw_in_store):
  // it stops the branch's supervisor, which its own supervisor restarts.
  if (auto* faults = as_fault_env(options_.env))
    faults->exception_point("the transaction log check");
  StoreCheck out;
  Problems problems{out};
  std::unique_ptr<leveldb::Iterator> it{db_->NewIterator(scan_options())};
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++out.records;
    auto k = view(it->key());
    auto v = view(it->value());
    caf::error err;
    switch (k.empty() ? '\0' : k[0]) {
      case 'd':
      case 'i':
        if (auto d = decode_commit_decision(v); !d)
          err = d.error();
        break;
      case 'p':
        if (auto p = decode_prepared_txn(v); !p)
          err = p.error();
        break;
      default:
        problems.add("unknown record " + keys::show_key(k));
        continue;
    }
    if (err)
      problems.add("record " + keys::show_key(k) + " does not decode: " + message_of(err));
  }
  if (!it->status().ok())
    problems.add(it->status().ToString());
  problems.finish();
  return out;
}

}  // namespace strata::store
