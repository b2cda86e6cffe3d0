#include "leveldb_util.hpp"

#include <filesystem>

#include <leveldb/db.h>

namespace strata::store {

result<std::unique_ptr<leveldb::DB>> open_leveldb(const StoreOptions& options,
                                                  const std::string& dir, OpenMode mode,
                                                  std::string_view what) {
  bool create = mode != OpenMode::Existing;
  if (create && options.durability != Durability::Cache) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
      return make_error(errc::Io, "cannot create " + dir + ": " + ec.message());
  }
  leveldb::Options opts;
  opts.env = options.env;
  opts.create_if_missing = create;
  opts.error_if_exists = mode == OpenMode::CreateNew;
  opts.block_cache = options.block_cache;
  opts.filter_policy = options.filter_policy;
  opts.max_open_files = options.max_open_files;
  opts.write_buffer_size = options.write_buffer_bytes;
  leveldb::DB* raw = nullptr;
  auto st = leveldb::DB::Open(opts, dir, &raw);
  if (!st.ok())
    return io_error(st, std::string(mode == OpenMode::CreateNew ? "cannot create " : "cannot open ") +
                            std::string(what) + " " + dir);
  return std::unique_ptr<leveldb::DB>(raw);
}

}  // namespace strata::store
