#include "strata/messages/codec.hpp"

#include <algorithm>
#include <cstring>

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include "messages/schema/record.capnp.h"
#include "messages/schema/value.capnp.h"

namespace strata {

namespace {

capnp::Data::Reader data_of(const std::string& s) {
  return capnp::Data::Reader(reinterpret_cast<const kj::byte*>(s.data()), s.size());
}

void write_value(const Value& v, schema::Value::Builder b) {
  switch (v.kind()) {
    case ValueKind::Null: b.setNull(); break;
    case ValueKind::Bool: b.setBool(*v.as_bool()); break;
    case ValueKind::Int: b.setInt(*v.as_int()); break;
    case ValueKind::Float: b.setFloat(*v.as_float()); break;
    case ValueKind::String: b.setText(data_of(*v.as_str())); break;
    case ValueKind::Bytes: {
      const auto& bytes = *v.as_bytes();
      b.setData(capnp::Data::Reader(bytes.data(), bytes.size()));
      break;
    }
    case ValueKind::Array: {
      const auto& arr = *v.as_array();
      auto list = b.initList(static_cast<unsigned>(arr.size()));
      for (unsigned i = 0; i < arr.size(); ++i)
        write_value(arr[i], list[i]);
      break;
    }
    case ValueKind::Object: {
      const auto& obj = *v.as_object();
      auto fields = b.initObject(static_cast<unsigned>(obj.size()));
      unsigned i = 0;
      for (const auto& m : obj) {
        fields[i].setName(data_of(m.first));
        write_value(m.second, fields[i].initValue());
        ++i;
      }
      break;
    }
  }
}

std::string to_string(capnp::Data::Reader d) {
  return std::string(reinterpret_cast<const char*>(d.begin()), d.size());
}

Value read_value(schema::Value::Reader r) {
  switch (r.which()) {
    case schema::Value::NULL_: return Value{};
    case schema::Value::BOOL: return Value{r.getBool()};
    case schema::Value::INT: return Value{r.getInt()};
    case schema::Value::FLOAT: return Value{r.getFloat()};
    case schema::Value::TEXT: return Value{to_string(r.getText())};
    case schema::Value::DATA: {
      auto d = r.getData();
      return Value{Bytes(d.begin(), d.end())};
    }
    case schema::Value::LIST: {
      auto list = r.getList();
      Array arr;
      arr.reserve(list.size());
      for (auto item : list)
        arr.push_back(read_value(item));
      return Value{std::move(arr)};
    }
    case schema::Value::OBJECT: {
      auto fields = r.getObject();
      Object obj;
      obj.reserve(fields.size());
      for (auto f : fields)
        obj.set(to_string(f.getName()), read_value(f.getValue()));
      return Value{std::move(obj)};
    }
  }
  // An unknown union tag: written by a newer format or damaged bytes.
  kj::throwFatalException(KJ_EXCEPTION(FAILED, "unknown Value variant"));
}

// Words a Value will take once encoded, so the builder allocates one
// first segment of about the right size instead of zeroing a default 8 KiB
// one for every small record.
size_t estimate_words(const Value& v) {
  switch (v.kind()) {
    case ValueKind::String: return 3 + v.as_str()->size() / 8;
    case ValueKind::Bytes: return 3 + v.as_bytes()->size() / 8;
    case ValueKind::Array: {
      size_t n = 3;
      for (const auto& x : *v.as_array())
        n += estimate_words(x);
      return n;
    }
    case ValueKind::Object: {
      size_t n = 3;
      for (const auto& m : *v.as_object())
        n += 6 + m.first.size() / 8 + estimate_words(m.second);
      return n;
    }
    default: return 2;
  }
}

// Appends the standard flat framing of a message (Cap'n Proto's
// messageToFlatArray, without building that array first): the segment
// count - 1 and each segment's size in words as 32-bit little-endian
// numbers, padded to a whole word, then the segments.
void append_flat(std::string& out, capnp::MessageBuilder& builder) {
  auto segments = builder.getSegmentsForOutput();
  size_t header_words = segments.size() / 2 + 1;
  size_t total = header_words;
  for (const auto& segment : segments)
    total += segment.size();
  size_t at = out.size();
  out.resize(at + total * sizeof(capnp::word));
  char* p = out.data() + at;
  auto put32 = [&p](uint32_t x) {
    for (int i = 0; i < 4; ++i)
      *p++ = static_cast<char>((x >> (8 * i)) & 0xff);
  };
  put32(static_cast<uint32_t>(segments.size() - 1));
  for (const auto& segment : segments)
    put32(static_cast<uint32_t>(segment.size()));
  if (segments.size() % 2 == 0)
    put32(0);  // padding
  for (const auto& segment : segments) {
    auto bytes = segment.asBytes();
    std::memcpy(p, bytes.begin(), bytes.size());
    p += bytes.size();
  }
}

template <class Fill>
void encode_message(std::string& out, size_t words_hint, Fill&& fill) {
  // Most records (a version, a timestamp and a value of a few hundred
  // bytes) fit a first segment on the stack, zeroed as Cap'n Proto
  // requires: then encoding allocates nothing but `out`'s growth (a heap
  // segment was 4% of a put's time, its allocation and zeroing included).
  constexpr size_t stack_words = 64;
  if (words_hint <= stack_words) {
    uint64_t first[stack_words] = {};
    capnp::MallocMessageBuilder builder(
        kj::arrayPtr(reinterpret_cast<capnp::word*>(first), stack_words),
        capnp::AllocationStrategy::GROW_HEURISTICALLY);
    fill(builder);
    append_flat(out, builder);
    return;
  }
  capnp::MallocMessageBuilder builder(static_cast<unsigned>(std::min<size_t>(words_hint, 1u << 20)),
                                      capnp::AllocationStrategy::GROW_HEURISTICALLY);
  fill(builder);
  append_flat(out, builder);
}

// Runs `read` on a reader over `bytes`, handling alignment, limits and
// exceptions. Values nest two struct levels per Strata level (Value ->
// Field -> Value), so the nesting limit leaves room for 128 levels and more.
template <class T, class Read>
result<T> decode_message(std::string_view bytes, const char* what, Read&& read) {
  if (bytes.empty() || bytes.size() % sizeof(capnp::word) != 0)
    return make_error(errc::Serialization, std::string("corrupt ") + what + ": size " +
                                               std::to_string(bytes.size()) +
                                               " is not a whole number of words");
  size_t n_words = bytes.size() / sizeof(capnp::word);
  // Cap'n Proto reads words in place, so bytes that are not word-aligned
  // (a value inside a LevelDB block, as a scan sees each one) are copied
  // first: onto the stack when small (most records: a scan paid a malloc
  // and a free per entry for these copies), else to the heap.
  constexpr size_t stack_words = 64;
  capnp::word small[stack_words];
  kj::Array<capnp::word> copy;
  const capnp::word* words = reinterpret_cast<const capnp::word*>(bytes.data());
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(capnp::word) != 0) {
    capnp::word* to = small;
    if (n_words > stack_words) {
      copy = kj::heapArray<capnp::word>(n_words);
      to = copy.begin();
    }
    std::memcpy(to, bytes.data(), bytes.size());
    words = to;
  }
  capnp::ReaderOptions opts;
  // Traversal is bounded by the input size, which defeats amplification
  // through shared pointers while allowing every legitimate record.
  opts.traversalLimitInWords = n_words * 4 + 1024;
  opts.nestingLimit = 600;
  try {
    capnp::FlatArrayMessageReader reader(kj::ArrayPtr<const capnp::word>(words, n_words), opts);
    return read(reader);
  } catch (const kj::Exception& e) {
    return make_error(errc::Serialization, std::string("corrupt ") + what + ": " +
                                               e.getDescription().cStr());
  }
}

}  // namespace

void encode(const Value& value, std::string& out) {
  encode_message(out, 4 + estimate_words(value), [&](capnp::MallocMessageBuilder& b) {
    write_value(value, b.initRoot<schema::Value>());
  });
}

void encode_record(uint64_t version, uint64_t timestamp, const Value* value, std::string& out,
                   const std::vector<std::string>* paths) {
  size_t hint = 8 + (value ? estimate_words(*value) : 0);
  if (paths)
    for (const auto& p : *paths)
      hint += 2 + p.size() / 8;
  encode_message(out, hint, [&](capnp::MallocMessageBuilder& b) {
    auto root = b.initRoot<schema::VersionedRecord>();
    root.setVersion(version);
    root.setTimestamp(timestamp);
    root.setTombstone(value == nullptr);
    if (value != nullptr)
      write_value(*value, root.initValue());
    if (paths != nullptr && !paths->empty()) {
      auto list = root.initPaths(static_cast<unsigned>(paths->size()));
      for (unsigned i = 0; i < paths->size(); ++i)
        list.set(i, data_of((*paths)[i]));
    }
  });
}

void encode(const PreparedTxn& txn, std::string& out) {
  size_t hint = 16 + txn.participants.size() * 10;
  for (const auto& op : txn.ops)
    hint += 12 + op.key.size() / 8 + op.arg.size() / 8 + estimate_words(op.value);
  encode_message(out, hint, [&](capnp::MallocMessageBuilder& b) {
    auto root = b.initRoot<schema::PreparedTxn>();
    root.setTxnId(txn.txn_id);
    root.setSnapshot(txn.snapshot);
    auto ops = root.initOps(static_cast<unsigned>(txn.ops.size()));
    for (unsigned i = 0; i < txn.ops.size(); ++i) {
      const auto& op = txn.ops[i];
      auto o = ops[i];
      o.setKind(static_cast<uint8_t>(op.kind));
      o.setKey(data_of(op.key));
      o.setArg(data_of(op.arg));
      write_value(op.value, o.initValue());
      o.setHasExpected(op.has_expected);
      o.setExpected(op.expected);
    }
    root.setCommitTs(txn.commit_ts);
    auto parts = root.initParticipants(static_cast<unsigned>(txn.participants.size()));
    for (unsigned i = 0; i < txn.participants.size(); ++i)
      parts.set(i, data_of(txn.participants[i]));
  });
}

void encode(const CommitDecision& d, std::string& out) {
  encode_message(out, 16 + d.participants.size() * 10, [&](capnp::MallocMessageBuilder& b) {
    auto root = b.initRoot<schema::CommitDecision>();
    root.setTxnId(d.txn_id);
    root.setCommitTs(d.commit_ts);
    auto parts = root.initParticipants(static_cast<unsigned>(d.participants.size()));
    for (unsigned i = 0; i < d.participants.size(); ++i)
      parts.set(i, data_of(d.participants[i]));
  });
}

result<PreparedTxn> decode_prepared_txn(std::string_view bytes) {
  return decode_message<PreparedTxn>(bytes, "prepared transaction",
                                     [](capnp::MessageReader& r) -> result<PreparedTxn> {
    auto root = r.getRoot<schema::PreparedTxn>();
    PreparedTxn txn;
    txn.txn_id = root.getTxnId();
    txn.snapshot = root.getSnapshot();
    for (auto o : root.getOps()) {
      if (o.getKind() > static_cast<uint8_t>(TxnOpKind::VectorDelete))
        return make_error(errc::Serialization, "corrupt prepared transaction: unknown op");
      TxnOp op;
      op.kind = static_cast<TxnOpKind>(o.getKind());
      op.key = to_string(o.getKey());
      op.arg = to_string(o.getArg());
      op.value = read_value(o.getValue());
      op.has_expected = o.getHasExpected();
      op.expected = o.getExpected();
      txn.ops.push_back(std::move(op));
    }
    txn.commit_ts = root.getCommitTs();
    if (txn.commit_ts == 0)
      return make_error(errc::Serialization,
                        "corrupt prepared transaction: no commit timestamp");
    for (auto p : root.getParticipants())
      txn.participants.push_back(to_string(p));
    return txn;
  });
}

result<CommitDecision> decode_commit_decision(std::string_view bytes) {
  return decode_message<CommitDecision>(bytes, "commit decision",
                                        [](capnp::MessageReader& r) -> result<CommitDecision> {
    auto root = r.getRoot<schema::CommitDecision>();
    CommitDecision d;
    d.txn_id = root.getTxnId();
    d.commit_ts = root.getCommitTs();
    for (auto p : root.getParticipants())
      d.participants.push_back(to_string(p));
    return d;
  });
}

void encode(const VersionedRecord& rec, std::string& out) {
  encode_record(rec.version, rec.timestamp, rec.tombstone ? nullptr : &rec.value, out, &rec.paths);
}

void encode(const SpaceMeta& meta, std::string& out) {
  encode_message(out, 8, [&](capnp::MallocMessageBuilder& b) {
    auto root = b.initRoot<schema::SpaceMeta>();
    root.setFormatVersion(meta.format_version);
    root.setMaxTimestamp(meta.max_timestamp);
  });
}

void encode(const Event& e, std::string& out) {
  encode_message(out, 24 + e.type.size() / 8 + estimate_words(e.payload), [&](capnp::MallocMessageBuilder& b) {
    auto root = b.initRoot<schema::EventRecord>();
    root.setSequence(e.sequence);
    root.setType(data_of(e.type));
    root.setTimestamp(e.timestamp);
    write_value(e.payload, root.initPayload());
    root.setPrevHash(data_of(e.prev_hash));
    root.setHash(data_of(e.hash));
  });
}

result<Event> decode_event(std::string_view bytes) {
  return decode_message<Event>(bytes, "event", [](capnp::MessageReader& r) -> result<Event> {
    auto root = r.getRoot<schema::EventRecord>();
    Event e;
    e.sequence = root.getSequence();
    e.type = to_string(root.getType());
    e.timestamp = root.getTimestamp();
    e.payload = read_value(root.getPayload());
    e.prev_hash = to_string(root.getPrevHash());
    e.hash = to_string(root.getHash());
    return e;
  });
}

std::string encode_branch_meta(const BranchInfo& info) {
  Object o;
  o.set("name", info.name);
  o.set("created_at", static_cast<int64_t>(info.created_at));
  o.set("parent", info.parent);
  Object merges;
  for (const auto& [source, ts] : info.merged_from)
    merges.set(source, static_cast<int64_t>(ts));
  o.set("merged_from", Value{std::move(merges)});
  std::string bytes;
  encode(Value{std::move(o)}, bytes);
  return bytes;
}

result<BranchInfo> decode_branch_meta(std::string_view bytes) {
  auto v = decode_value(bytes);
  if (!v)
    return v.error();
  const Object* o = v->as_object();
  const Value* name = o ? o->find("name") : nullptr;
  const Value* created = o ? o->find("created_at") : nullptr;
  const Value* parent = o ? o->find("parent") : nullptr;
  if (!name || !name->is_string() || !created || !created->is_int() || !parent ||
      !parent->is_string())
    return make_error(errc::Serialization, "corrupt branch metadata");
  BranchInfo info{*name->as_str(), static_cast<uint64_t>(*created->as_int()), *parent->as_str(), {}};
  if (const Value* merges = o->find("merged_from")) {
    const Object* m = merges->as_object();
    if (!m)
      return make_error(errc::Serialization, "corrupt branch metadata");
    for (const auto& [source, ts] : *m) {
      if (!ts.is_int() || *ts.as_int() < 0)
        return make_error(errc::Serialization, "corrupt branch metadata");
      info.merged_from[source] = static_cast<uint64_t>(*ts.as_int());
    }
  }
  return info;
}

result<Value> decode_value(std::string_view bytes) {
  return decode_message<Value>(bytes, "value", [](capnp::MessageReader& r) -> result<Value> {
    return read_value(r.getRoot<schema::Value>());
  });
}

result<VersionedRecord> decode_versioned_record(std::string_view bytes, bool with_value) {
  return decode_message<VersionedRecord>(
      bytes, "record", [with_value](capnp::MessageReader& r) -> result<VersionedRecord> {
        auto root = r.getRoot<schema::VersionedRecord>();
        VersionedRecord rec;
        rec.version = root.getVersion();
        rec.timestamp = root.getTimestamp();
        rec.tombstone = root.getTombstone();
        if (!rec.tombstone && with_value)
          rec.value = read_value(root.getValue());
        for (auto p : root.getPaths())
          rec.paths.push_back(to_string(p));
        return rec;
      });
}

result<SpaceMeta> decode_space_meta(std::string_view bytes) {
  return decode_message<SpaceMeta>(bytes, "space meta",
                                   [](capnp::MessageReader& r) -> result<SpaceMeta> {
                                     auto root = r.getRoot<schema::SpaceMeta>();
                                     return SpaceMeta{root.getFormatVersion(),
                                                      root.getMaxTimestamp()};
                                   });
}

}  // namespace strata
