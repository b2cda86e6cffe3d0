#include "config.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <toml++/toml.h>

namespace strata::cli {

namespace fs = std::filesystem;

std::string default_config_text() {
  return R"(# Strata database configuration.

# Durability: "standard" (default) or "always".
#   "standard" - each write reaches the OS before it is acknowledged, and the
#                log is fsynced at least every 100 ms: fast, and a killed
#                process loses nothing.
#   "always"   - fsync before every write is acknowledged: zero loss even on
#                power failure, slower.
durability = "standard"

# Automatically embed text data for search (needs an embedding model).
auto_embed = false
)";
}

namespace {

caf::error bad(const std::string& message) {
  return make_error(errc::InvalidInput, message);
}

std::string toml_text(const toml::node& node) {
  if (auto s = node.as_string())
    return s->get();
  std::ostringstream out;
  node.visit([&out](const auto& n) {
    if constexpr (toml::is_table<decltype(n)>)
      out << "a table";
    else if constexpr (toml::is_array<decltype(n)>)
      out << "an array";
    else
      out << n;
  });
  return out.str();
}

caf::error check_integer(const toml::table& t, const char* key, int64_t min,
                         const std::string& where) {
  if (auto node = t.get(key)) {
    auto i = node->as_integer();
    if (!i || i->get() < min)
      return bad(std::string(key) + " in " + where + " must be an integer >= " +
                 std::to_string(min) + ", got " + toml_text(*node));
  }
  return {};
}

caf::error check_string(const toml::table& t, const char* key, const std::string& where) {
  if (auto node = t.get(key); node && !node->is_string())
    return bad(std::string(key) + " in " + where + " must be a string, got " + toml_text(*node));
  return {};
}

}  // namespace

result<DbConfig> load_config(const std::string& dir, bool create_if_missing) {
  fs::path path = fs::path(dir) / config_file_name;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (create_if_missing) {
      fs::create_directories(dir, ec);
      std::ofstream out(path);
      out << default_config_text();
      out.close();
      if (!out)
        return make_error(errc::Io, "cannot write '" + path.string() + "': " +
                                        std::strerror(errno));
    }
    return DbConfig{};
  }

  std::ifstream in(path, std::ios::binary);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in && !in.eof())
    return make_error(errc::Io, "cannot read '" + path.string() + "': " + std::strerror(errno));
  auto config = parse_config(text, path.string());
  if (config)
    for (auto* file : {&config->node.cert, &config->node.key, &config->node.ca})
      if (!file->empty() && fs::path(*file).is_relative())
        *file = (fs::path(dir) / *file).string();
  return config;
}

result<DbConfig> parse_config(std::string_view text, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return bad("invalid strata.toml at '" + path + "': " + std::string(e.description()) +
               " (line " + std::to_string(where.line) + ", column " +
               std::to_string(where.column) + ")");
  }

  DbConfig config;
  if (auto node = table.get("durability")) {
    std::string mode = toml_text(*node);
    if (node->is_string() && mode == "standard")
      config.durability = Durability::Standard;
    else if (node->is_string() && mode == "always")
      config.durability = Durability::Always;
    else
      return bad("Invalid durability mode '" + mode +
                 "' in strata.toml. Expected \"standard\" or \"always\".");
  }
  if (auto node = table.get("auto_embed")) {
    if (!node->is_boolean())
      return bad("auto_embed in strata.toml must be true or false, got " + toml_text(*node));
    config.auto_embed = node->as_boolean()->get();
  }
  const std::string file = "strata.toml";
  if (auto err = check_integer(table, "embed_batch_size", 1, file))
    return err;
  for (const char* key : {"bm25_k1", "bm25_b"})
    if (auto node = table.get(key); node && !node->is_number())
      return bad(std::string(key) + " in strata.toml must be a number, got " + toml_text(*node));
  if (auto node = table.get("model")) {
    auto model = node->as_table();
    if (!model)
      return bad("[model] in strata.toml must be a table");
    const std::string where = "[model] of strata.toml";
    for (const char* key : {"endpoint", "model", "api_key"})
      if (auto err = check_string(*model, key, where))
        return err;
    if (auto err = check_integer(*model, "timeout_ms", 0, where))
      return err;
  }
  if (auto node = table.get("node")) {
    auto t = node->as_table();
    if (!t)
      return bad("[node] in strata.toml must be a table");
    const std::string where = "[node] of strata.toml";
    auto& n = config.node;
    for (auto [key, out] : {std::pair{"connect", &n.connect}, std::pair{"listen", &n.listen},
                            std::pair{"cert", &n.cert}, std::pair{"key", &n.key},
                            std::pair{"ca", &n.ca}}) {
      if (auto err = check_string(*t, key, where))
        return err;
      if (auto v = t->get(key))
        *out = v->as_string()->get();
    }
  }
  return config;
}

}  // namespace strata::cli
