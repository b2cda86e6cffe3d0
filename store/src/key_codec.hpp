#pragma once

// Stored-key encoding of a space's LevelDB. The grammar is at the top of
// key_codec.cpp.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "strata/messages/txn_types.hpp"

namespace leveldb {
class WriteBatch;
}

namespace strata::store::keys {

/// Primitive tags of versioned entries (strata::Primitive).
inline constexpr char kv = tag_of(Primitive::Kv);
inline constexpr char state = tag_of(Primitive::State);
inline constexpr char json = tag_of(Primitive::Json);
inline constexpr char collection = tag_of(Primitive::Collection);
inline constexpr char vector = tag_of(Primitive::Vector);

/// First byte of each key family.
inline constexpr char head_family = 'h';
inline constexpr char history_family = 'v';
inline constexpr char meta_family = 'm';
inline constexpr char event_family = tag_of(Primitive::Event);
inline constexpr char event_type_family = 't';
inline constexpr char applied_family = 'a';

/// Appends `x` big-endian (8 bytes), so that numbers sort as their keys.
void append_be64(std::string& out, uint64_t x);
/// The number append_be64 wrote at the start of `bytes` (its first 8).
uint64_t read_be64(std::string_view bytes);

std::string head(char tag, std::string_view user_key);
/// The prefix shared by all heads of `tag` whose user key starts with
/// `user_prefix`.
std::string head_prefix(char tag, std::string_view user_prefix);
std::string history(char tag, std::string_view user_key, uint64_t version);
/// The prefix shared by every history key of one entry, newest first.
std::string history_prefix(char tag, std::string_view user_key);
std::string meta(std::string_view name);

/// The key of event `seq`.
std::string event(uint64_t seq);
/// Sequence number of an event key (REQUIRES: an event key).
uint64_t sequence_of_event(std::string_view stored);
/// Sequence number of a type-index entry (REQUIRES: a type-key).
uint64_t sequence_of_type_entry(std::string_view stored);
/// The index entry for event `seq` of `type`, and the prefix of all entries
/// of `type`.
std::string event_type_entry(std::string_view type, uint64_t seq);
std::string event_type_prefix(std::string_view type);

/// The key of the marker left when a prepared transaction is applied.
std::string applied(uint64_t txn_id);

/// A stored key for an error message: printable ASCII as is, other bytes
/// as \xNN, at most 80 bytes shown.
std::string show_key(std::string_view stored);

/// The meta-key of a closed store's record count (the grammar in
/// key_codec.cpp says when it is present).
std::string record_count();
/// Whether a stored key is data that a fork or a bundle carries: not an
/// applied marker (two-phase commit bookkeeping, local to its store) and
/// not the record count (which describes one store's files).
bool is_data(std::string_view stored);
/// How many data keys (is_data) writing `batch` adds to the store (less
/// those it removes), from the batch alone, or nothing if it does not
/// parse. Relies on how the store writes: a versioned entry's head is put
/// right after the history record of its previous version when it had one
/// (SpaceStore::stage_version); history, event and type keys are put once;
/// a delete removes a key that exists.
std::optional<int64_t> record_delta(const leveldb::WriteBatch& batch);

/// The user key of a head key (REQUIRES: a head key).
std::string_view user_key_of_head(std::string_view stored);

/// Calls `put(key, record)` for each head key `batch` puts and `erase(key)`
/// for each it deletes, in batch order (the head cache and key filter
/// follow what the store writes this way). False if the batch does not
/// parse.
bool visit_heads(const leveldb::WriteBatch& batch,
                 const std::function<void(std::string_view, std::string_view)>& put,
                 const std::function<void(std::string_view)>& erase);

}  // namespace strata::store::keys

namespace strata {
struct Event;
}

namespace strata::store {
/// SHA-256 of an event as SPEC 5.2 defines it (event_log.cpp).
std::string event_chain_hash(const Event& e);
}  // namespace strata::store
