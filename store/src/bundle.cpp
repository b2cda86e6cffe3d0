// Branch bundle format, version 1 (all integers little-endian):
//
//   bundle      := header compressed
//   header      := magic[16] version:u32 payload-size:u64 payload-sha256[32]
//   magic       := "STRATA-BUNDLE\0\0\0"
//   compressed  := one zstd frame holding `payload`
//   payload     := record*
//   record      := kind:u8 key-size:u32 key value-size:u32 value
//   kind        := 1  branch: key = branch name, value = its metadata record
//                | 2  space: key = space name, value empty; the entries
//                     that follow belong to it
//                | 3  entry: a key of the space store and its record
//
// The header's size and SHA-256 cover the uncompressed payload, so a
// damaged or truncated file is refused before anything is imported.

#include "strata/store/bundle.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>
#include <fstream>
#include <iterator>

#include <leveldb/db.h>
#include <leveldb/write_batch.h>
#include <openssl/evp.h>
#include <zstd.h>

#include "key_codec.hpp"
#include "leveldb_util.hpp"

namespace strata::store {

namespace {

constexpr char magic[16] = {'S', 'T', 'R', 'A', 'T', 'A', '-', 'B',
                            'U', 'N', 'D', 'L', 'E', 0,   0,   0};
constexpr size_t header_size = 16 + 4 + 8 + 32;

enum : uint8_t { kind_branch = 1, kind_space = 2, kind_entry = 3 };

void put_u32(std::string& out, uint32_t x) {
  for (int i = 0; i < 4; ++i)
    out.push_back(static_cast<char>((x >> (8 * i)) & 0xff));
}

void put_u64(std::string& out, uint64_t x) {
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>((x >> (8 * i)) & 0xff));
}

uint64_t get_le(const char* p, int bytes) {
  uint64_t x = 0;
  for (int i = bytes - 1; i >= 0; --i)
    x = (x << 8) | static_cast<unsigned char>(p[i]);
  return x;
}

void put_record(std::string& out, uint8_t kind, const std::string& key, const std::string& value) {
  out.push_back(static_cast<char>(kind));
  put_u32(out, static_cast<uint32_t>(key.size()));
  out += key;
  put_u32(out, static_cast<uint32_t>(value.size()));
  out += value;
}

std::string sha256(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(md), len);
}

caf::error invalid(const std::string& what) {
  return make_error(errc::InvalidInput, "invalid bundle: " + what);
}

}  // namespace

uint64_t Bundle::entry_count() const {
  uint64_t n = 0;
  for (const auto& s : spaces)
    n += s.entries.size();
  return n;
}

result<uint64_t> write_bundle(const std::string& path, const Bundle& bundle) {
  std::string payload;
  put_record(payload, kind_branch, bundle.branch, bundle.meta);
  for (const auto& space : bundle.spaces) {
    put_record(payload, kind_space, space.name, {});
    for (const auto& e : space.entries)
      put_record(payload, kind_entry, e.key, e.value);
  }
  std::string file(magic, sizeof magic);
  put_u32(file, bundle_format_version);
  put_u64(file, payload.size());
  file += sha256(payload);
  std::string compressed(ZSTD_compressBound(payload.size()), '\0');
  size_t n = ZSTD_compress(compressed.data(), compressed.size(), payload.data(), payload.size(), 3);
  if (ZSTD_isError(n))
    return make_error(errc::Io, std::string("cannot compress bundle: ") + ZSTD_getErrorName(n));
  compressed.resize(n);
  file += compressed;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(file.data(), static_cast<std::streamsize>(file.size()));
  out.close();
  if (!out)
    return make_error(errc::Io, "cannot write bundle " + path);
  return static_cast<uint64_t>(file.size());
}

namespace {

// Decompresses the zstd frame `in` into at most `size` bytes, growing the
// output only as data actually comes out: a header that claims a huge size
// costs nothing before the frame proves it.
result<std::string> decompress(const char* in, size_t in_size, uint64_t size) {
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx{ZSTD_createDCtx(), ZSTD_freeDCtx};
  if (!ctx)
    return make_error(errc::Io, "cannot allocate a zstd context");
  std::string out;
  ZSTD_inBuffer src{in, in_size, 0};
  constexpr size_t chunk = 1 << 20;
  for (;;) {
    size_t room = static_cast<size_t>(std::min<uint64_t>(chunk, size - out.size() + 1));
    size_t used = out.size();
    out.resize(used + room);
    ZSTD_outBuffer dst{out.data() + used, room, 0};
    size_t rc = ZSTD_decompressStream(ctx.get(), &dst, &src);
    out.resize(used + dst.pos);
    if (ZSTD_isError(rc))
      return invalid(std::string("cannot decompress: ") + ZSTD_getErrorName(rc));
    if (out.size() > size)
      return invalid("content exceeds the " + std::to_string(size) + " bytes the header says");
    if (rc == 0 && src.pos == src.size)
      return out;
    if (rc == 0 || (src.pos == src.size && dst.pos < room))
      return invalid("content is " + std::to_string(out.size()) + " bytes, header says " +
                     std::to_string(size));
  }
}

// The bundle file's bytes. Only regular files are read (a directory, a
// device or /proc/self/mem is refused), and never more than the size the
// file had when it was opened.
result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec)
    return make_error(errc::Io, "cannot read bundle " + path + ": " + ec.message());
  if (!std::filesystem::is_regular_file(status))
    return make_error(errc::InvalidInput, "not a bundle: " + path + " is not a regular file");
  auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return make_error(errc::Io, "cannot read bundle " + path + ": " + ec.message());
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(errc::Io, "cannot read bundle " + path);
  std::string file(static_cast<size_t>(size), '\0');
  in.read(file.data(), static_cast<std::streamsize>(file.size()));
  file.resize(static_cast<size_t>(in.gcount()));
  if (in.bad())
    return make_error(errc::Io, "cannot read bundle " + path);
  return file;
}

result<Bundle> parse_bundle(const std::string& file);

}  // namespace

result<Bundle> read_bundle(const std::string& path) {
  // Nothing a damaged or hostile file does may escape as an exception
  // (the caller is an actor serving every branch operation).
  try {
    auto file = read_file(path);
    if (!file)
      return file.error();
    return parse_bundle(*file);
  } catch (const std::bad_alloc&) {
    return make_error(errc::Io, "not enough memory to read bundle " + path);
  } catch (const std::exception& e) {
    return make_error(errc::Io, "cannot read bundle " + path + ": " + e.what());
  }
}

result<Bundle> parse_bundle_bytes(const std::string& file) {
  try {
    return parse_bundle(file);
  } catch (const std::bad_alloc&) {
    return make_error(errc::Io, "not enough memory to read the bundle");
  } catch (const std::exception& e) {
    return make_error(errc::Io, std::string("cannot read the bundle: ") + e.what());
  }
}

namespace {

result<Bundle> parse_bundle(const std::string& file) {
  if (file.size() < header_size || std::memcmp(file.data(), magic, sizeof magic) != 0)
    return invalid("not a strata bundle (bad magic or too short)");
  auto version = static_cast<uint32_t>(get_le(file.data() + 16, 4));
  if (version != bundle_format_version)
    return make_error(errc::InvalidInput, "unsupported bundle version " + std::to_string(version));
  uint64_t size = get_le(file.data() + 20, 8);
  std::string digest = file.substr(28, 32);
  // Refuse absurd sizes before allocating: a zstd frame expands at most
  // about 32000-fold.
  if (size > (file.size() - header_size) * 32768 + 1024)
    return invalid("declared size " + std::to_string(size) + " does not fit the file");
  auto decompressed = decompress(file.data() + header_size, file.size() - header_size, size);
  if (!decompressed)
    return decompressed.error();
  const std::string& payload = *decompressed;
  if (payload.size() != size)
    return invalid("content is " + std::to_string(payload.size()) + " bytes, header says " +
                   std::to_string(size));
  if (sha256(payload) != digest)
    return make_error(errc::InvalidInput, "bundle checksum mismatch");
  Bundle bundle;
  size_t pos = 0;
  bool have_branch = false;
  while (pos < payload.size()) {
    if (payload.size() - pos < 9)
      return invalid("truncated record");
    auto kind = static_cast<uint8_t>(payload[pos]);
    uint64_t klen = get_le(payload.data() + pos + 1, 4);
    if (payload.size() - pos - 5 < klen + 4)
      return invalid("truncated record");
    std::string key = payload.substr(pos + 5, klen);
    uint64_t vlen = get_le(payload.data() + pos + 5 + klen, 4);
    size_t vstart = pos + 9 + klen;
    if (payload.size() - vstart < vlen)
      return invalid("truncated record");
    std::string value = payload.substr(vstart, vlen);
    pos = vstart + vlen;
    if (kind == kind_branch && !have_branch) {
      bundle.branch = std::move(key);
      bundle.meta = std::move(value);
      have_branch = true;
    } else if (kind == kind_space && have_branch) {
      bundle.spaces.push_back(BundleSpace{std::move(key), {}});
    } else if (kind == kind_entry && !bundle.spaces.empty()) {
      bundle.spaces.back().entries.push_back(StoredPair{std::move(key), std::move(value)});
    } else {
      return invalid("unexpected record kind " + std::to_string(kind));
    }
  }
  if (!have_branch)
    return invalid("no branch record");
  return bundle;
}

}  // namespace

caf::error load_space_store(const StoreOptions& options, const std::string& dir,
                            const std::vector<StoredPair>& entries) {
  // A bundle carries data only (SpaceStore::dump): a key that only a store
  // itself writes (an applied marker, the record count) is not data.
  for (const auto& e : entries)
    if (!keys::is_data(e.key))
      return make_error(errc::InvalidInput,
                        "invalid bundle: it holds a store's own bookkeeping key " +
                            keys::show_key(e.key) + " (bundles carry data keys only)");
  auto opened = open_leveldb(options, dir, OpenMode::CreateNew, "space store");
  if (!opened)
    return opened.error();
  auto& db = *opened;
  leveldb::Status st;
  leveldb::WriteBatch batch;
  size_t in_batch = 0;
  leveldb::WriteOptions wo;
  wo.sync = options.durability != Durability::Cache;
  for (const auto& e : entries) {
    batch.Put(e.key, e.value);
    if (++in_batch == 4096) {
      if (st = db->Write(wo, &batch); !st.ok())
        break;
      batch.Clear();
      in_batch = 0;
    }
  }
  if (st.ok()) {
    // As a store closed cleanly holding these records: forking it does
    // not count them again.
    std::string count;
    keys::append_be64(count, entries.size());
    batch.Put(keys::record_count(), count);
    st = db->Write(wo, &batch);
  }
  if (!st.ok())
    return make_error(errc::Io, "cannot write space store " + dir + ": " + st.ToString());
  return {};
}

}  // namespace strata::store
