#pragma once

// `strata.toml`, the settings file in a database directory (SPEC 2.4).
// Written with the defaults on first open, read on every open; an invalid
// file stops the open with a message naming what is wrong.
//
// Keys understood (others are ignored, so newer files still open):
//   durability       = "standard" | "always"        (default "standard")
//   auto_embed       = true | false                 (default false; this
//                      build has no embedding model, so true changes nothing)
//   embed_batch_size = <integer >= 1>
//   bm25_k1, bm25_b  = <number>
//   [model] endpoint = "<url>", model = "<name>", api_key = "<key>",
//           timeout_ms = <integer >= 0>
//   [node]  connect = "HOST:PORT"  (the CLI talks to that node instead of
//                                   opening the directory)
//           listen = "HOST:PORT"   (strata serve)
//           cert, key, ca = "<PEM file>" (relative to the directory)

#include <string>
#include <string_view>

#include <strata/strata.hpp>

namespace strata::cli {

/// The [node] table: serving and connecting (docs/nodes.md).
struct NodeConfig {
  std::string connect;
  std::string listen;
  std::string cert, key, ca;  ///< resolved against the directory
};

struct DbConfig {
  Durability durability = Durability::Standard;
  bool auto_embed = false;
  NodeConfig node;
};

/// The file name inside the database directory.
inline constexpr const char* config_file_name = "strata.toml";

/// The text written on first open.
std::string default_config_text();

/// Reads `<dir>/strata.toml`. When the file is missing: writes the default
/// file first if `create_if_missing` (creating `dir` too), and returns the
/// defaults either way.
/// Errors: InvalidInput for bad TOML ("invalid strata.toml at '<path>':
/// <reason> (line L, column C)") or a bad setting, e.g. "Invalid durability
/// mode 'x' in strata.toml. Expected "standard" or "always"."; Io when the
/// file cannot be written or read.
[[nodiscard]] result<DbConfig> load_config(const std::string& dir, bool create_if_missing);

/// The settings in `text`, the contents of the file at `path` (named in
/// errors). Errors: as load_config's InvalidInput.
[[nodiscard]] result<DbConfig> parse_config(std::string_view text, const std::string& path);

}  // namespace strata::cli
