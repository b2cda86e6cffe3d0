// Bundles in chunks: the database side of cmd::BundleRead / BundleWrite
// (a staged file per transfer under <db>/.transfers), and a connected
// handle's branch_export / branch_import / branch_validate_bundle, which
// move the file between the client's disk and the node in chunks of at
// most bundle_chunk_bytes (a message never carries a whole bundle).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <unistd.h>

#include "exec.hpp"
#include "strata/actors/exceptions.hpp"
#include "strata/store/bundle.hpp"

namespace strata::detail {

namespace fs = std::filesystem;

namespace {

std::string transfer_dir(const HandleImpl& h) {
  if (!h.db->path().empty())
    return (fs::path(h.db->files_root()) / transfers_dir_name).string();
  return (fs::temp_directory_path() / ("strata-transfers-" + std::to_string(::getpid())))
      .string();
}

std::string new_transfer_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char id[17];
  std::snprintf(id, sizeof(id), "%016llx", static_cast<unsigned long long>(rng()));
  return id;
}

// The staged file of `id`. Errors: InvalidInput for an id that is not 16
// hex digits (it names a file: nothing else may reach the file system).
result<std::string> staged(const HandleImpl& h, const std::string& id) {
  if (id.size() != 16 || id.find_first_not_of("0123456789abcdef") != std::string::npos)
    return make_error(errc::InvalidInput, "\"" + id + "\" is not a bundle transfer id");
  return (fs::path(transfer_dir(h)) / (id + ".bundle")).string();
}

caf::error unknown_transfer(const std::string& id) {
  return make_error(errc::InvalidInput, "no bundle transfer " + id + " (finished, or never started)");
}

caf::error io_error(const std::string& what, const std::string& path) {
  return make_error(errc::Io, what + " '" + path + "'");
}

}  // namespace

out_t<cmd::BundleRead> Exec::operator()(const cmd::BundleRead& c) {
  BundleTransfer out;
  std::string path;
  if (c.transfer.empty()) {
    if (c.offset != 0)
      return make_error(errc::InvalidInput, "a new bundle transfer starts at offset 0");
    std::error_code ec;
    fs::create_directories(transfer_dir(h), ec);
    out.transfer = new_transfer_id();
    path = *staged(h, out.transfer);
    auto base = handle(h);
    auto info = base.branch_export(c.branch, path);
    if (!info) {
      fs::remove(path, ec);
      return info.error();
    }
    out.info = std::move(*info);
  } else {
    auto p = staged(h, c.transfer);
    if (!p)
      return p.error();
    path = std::move(*p);
    out.transfer = c.transfer;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return unknown_transfer(out.transfer);
  in.seekg(0, std::ios::end);
  out.total = static_cast<uint64_t>(in.tellg());
  if (c.offset > out.total)
    return make_error(errc::InvalidInput, "offset " + std::to_string(c.offset) +
                                              " is past the end of the bundle (" +
                                              std::to_string(out.total) + " bytes)");
  out.offset = c.offset;
  out.data.resize(std::min(bundle_chunk_bytes, out.total - c.offset));
  in.seekg(static_cast<std::streamoff>(c.offset));
  if (!in.read(out.data.data(), static_cast<std::streamsize>(out.data.size())))
    return io_error("cannot read the staged bundle", path);
  out.last = c.offset + out.data.size() == out.total;
  if (out.last) {
    std::error_code ec;
    fs::remove(path, ec);
  }
  return out;
}

out_t<cmd::BundleWrite> Exec::operator()(const cmd::BundleWrite& c) {
  if (c.data.size() > bundle_chunk_bytes)
    return make_error(errc::InvalidInput, "a bundle chunk holds at most " +
                                              std::to_string(bundle_chunk_bytes) + " bytes, not " +
                                              std::to_string(c.data.size()));
  BundleTransfer out;
  std::error_code ec;
  if (c.transfer.empty()) {
    if (c.offset != 0)
      return make_error(errc::InvalidInput, "a new bundle transfer starts at offset 0");
    fs::create_directories(transfer_dir(h), ec);
    out.transfer = new_transfer_id();
    std::ofstream create(*staged(h, out.transfer), std::ios::binary);
    if (!create)
      return io_error("cannot create a staged bundle in", transfer_dir(h));
  } else {
    out.transfer = c.transfer;
  }
  auto path = staged(h, out.transfer);
  if (!path)
    return path.error();
  auto size = fs::file_size(*path, ec);
  if (ec)
    return unknown_transfer(out.transfer);
  if (size != c.offset)
    return make_error(errc::InvalidInput, "bundle transfer " + out.transfer + " holds " +
                                              std::to_string(size) + " bytes; a chunk at offset " +
                                              std::to_string(c.offset) + " does not follow them");
  {
    std::ofstream append(*path, std::ios::binary | std::ios::app);
    if (!append.write(c.data.data(), static_cast<std::streamsize>(c.data.size())) ||
        !append.flush())
      return io_error("cannot write the staged bundle", *path);
  }
  out.offset = c.offset + c.data.size();
  out.total = out.offset;
  out.last = c.last;
  if (c.last) {
    auto base = handle(h);
    auto info = base.branch_import(*path, c.as_name);
    fs::remove(*path, ec);
    if (!info)
      return info.error();
    out.info = std::move(*info);
  }
  return out;
}

// -- a connected handle: the file on the client's side ---------------------------------

result<BundleInfo> remote_export(HandleImpl& h, const cmd::BranchExport& c) {
  auto part = c.path + ".part";
  std::ofstream file(part, std::ios::binary | std::ios::trunc);
  if (!file)
    return io_error("cannot create", part);
  std::optional<BundleInfo> info;
  cmd::BundleRead next{c.at, c.branch, "", 0};
  for (;;) {
    auto chunk = h.remote_run(next);
    if (!chunk) {
      file.close();
      std::error_code ec;
      fs::remove(part, ec);
      return chunk.error();
    }
    if (chunk->info)
      info = std::move(chunk->info);
    file.write(chunk->data.data(), static_cast<std::streamsize>(chunk->data.size()));
    if (chunk->last)
      break;
    next.transfer = chunk->transfer;
    next.offset = chunk->offset + chunk->data.size();
  }
  file.close();
  std::error_code ec;
  if (!file || (fs::rename(part, c.path, ec), ec))
    return io_error("cannot write", c.path);
  if (!info)
    return make_error(errc::Internal, "the node sent a bundle without its summary");
  info->path = c.path;
  return std::move(*info);
}

result<BundleInfo> remote_import(HandleImpl& h, const cmd::BranchImport& c) {
  // The node checks the bundle; checking here first spares sending a
  // damaged one.
  if (auto local = validate_local_bundle(c.path); !local)
    return local.error();
  std::ifstream file(c.path, std::ios::binary);
  if (!file)
    return io_error("cannot read", c.path);
  cmd::BundleWrite next{c.at, "", 0, {}, false, c.as_name};
  for (;;) {
    next.data.resize(bundle_chunk_bytes);
    file.read(next.data.data(), static_cast<std::streamsize>(next.data.size()));
    next.data.resize(static_cast<size_t>(file.gcount()));
    next.last = file.peek() == std::char_traits<char>::eof();
    auto r = h.remote_run(next);
    if (!r)
      return r.error();
    if (next.last) {
      if (!r->info)
        return make_error(errc::Internal, "the node imported a bundle without its summary");
      r->info->path = c.path;
      return std::move(*r->info);
    }
    next.transfer = r->transfer;
    next.offset = r->offset;
  }
}

result<BundleInfo> validate_local_bundle(const std::string& path) {
  auto bundle = actors::catching("checking a bundle", [&] { return store::read_bundle(path); });
  if (!bundle)
    return bundle.error();
  return BundleInfo{bundle->branch, path, store::bundle_format_version, bundle->entry_count(),
                    bundle->spaces.size(), 0, true};
}

}  // namespace strata::detail
