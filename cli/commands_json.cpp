// json set / get / del / list / history (SPEC 5.4, 8.2 "JSON").

#include "commands.hpp"
#include "value_input.hpp"

#include "strata/messages/json_path.hpp"

namespace strata::cli {

namespace {

Outcome json_set(Context& ctx, const Args& args) {
  const auto& pos = args.positional;
  Value value;
  if (auto file = args.value("file")) {
    if (pos.size() != 2)
      return CliError::usage("json set <key> <path> --file <path|->");
    auto text = read_file_arg(ctx, *file);
    if (!text)
      return text.error();
    auto parsed = value_from_file_text(*text);
    if (!parsed)
      return parsed.error();
    value = std::move(*parsed);
  } else {
    if (pos.size() != 3)
      return CliError::usage("json set <key> <path> <value>");
    auto parsed = auto_detect(pos[2]);  // SPEC 1.3 [R]: auto-detected, not strict JSON
    if (!parsed)
      return parsed.error();
    value = std::move(*parsed);
  }
  auto v = ctx.in_transaction() ? ctx.session().json_set(pos[0], pos[1], std::move(value))
                                : ctx.db().json_set(pos[0], pos[1], std::move(value));
  if (!v)
    return v.error();
  return Written{Written::Label::Version, {*v}};
}

Outcome json_get(Context& ctx, const Args& args) {
  auto as_of = as_of_flag(args);
  if (!as_of)
    return as_of.error();
  const auto& key = args.positional[0];
  std::string path_text = args.positional.size() > 1 ? args.positional[1] : "$";
  auto path = JsonPath::parse(path_text);
  if (!path)
    return path.error();
  Lookups out;
  out.with_version = args.has("with-version");
  Lookup l;
  if (!*as_of && ctx.in_transaction()) {
    auto r = ctx.session().json_get(key, path_text);
    if (!r)
      return r.error();
    l.value = std::move(*r);
  } else if (!*as_of) {
    // One read gives the document and its version; the path is applied
    // here, exactly as the store would.
    auto doc = ctx.db().json_get_versioned(key);
    if (!doc)
      return doc.error();
    if (*doc) {
      if (const Value* at = strata::json_get((*doc)->value, *path))
        l = Lookup{*at, (*doc)->version, (*doc)->timestamp};
    }
  } else {
    auto r = ctx.db().json_get_at(key, path_text, **as_of);
    if (!r)
      return r.error();
    if (*r) {
      l.value = std::move(**r);
      if (auto h = ctx.db().json_getv(key))
        if (auto vv = version_at(*h, **as_of)) {
          l.version = vv->version;
          l.timestamp = vv->timestamp;
        }
    }
  }
  out.items.push_back(std::move(l));
  return out;
}

Outcome json_del(Context& ctx, const Args& args) {
  auto n = ctx.in_transaction() ? ctx.session().json_delete(args.positional[0], args.positional[1])
                                : ctx.db().json_delete(args.positional[0], args.positional[1]);
  if (!n)
    return n.error();
  return Deleted{*n};
}

Outcome json_list(Context& ctx, const Args& args) {
  auto flags = list_flags(args);
  if (!flags)
    return flags.error();
  const auto& [as_of, limit, cursor, all, prefix] = *flags;

  Names out;
  out.paged = true;
  if (as_of) {
    // Documents that existed then, without pagination (SPEC 5.4).
    auto r = ctx.db().json_list_at(prefix, *as_of);
    if (!r)
      return r.error();
    out.names = std::move(*r);
    return out;
  }
  // Inside a transaction, its view (the snapshot plus its own writes).
  auto list = [&](std::optional<std::string_view> p, std::optional<std::string_view> c,
                  uint64_t n) {
    return ctx.in_transaction() ? ctx.session().json_list(p, c, n) : ctx.db().json_list(p, c, n);
  };
  if (all) {
    std::optional<std::string> next;
    do {
      auto page = list(prefix, next, 1000);
      if (!page)
        return page.error();
      out.names.insert(out.names.end(), page->keys.begin(), page->keys.end());
      next = page->cursor;
    } while (next);
    return out;
  }
  std::optional<std::string_view> from;
  if (cursor)
    from = *cursor;
  auto page = list(prefix, from, limit.value_or(100));
  if (!page)
    return page.error();
  out.names = std::move(page->keys);
  out.cursor = std::move(page->cursor);
  return out;
}

Outcome json_history(Context& ctx, const Args& args) {
  auto h = ctx.db().json_getv(args.positional[0]);
  if (!h)
    return h.error();
  return History{std::move(*h)};
}

}  // namespace

void register_json_commands(CommandTable& t) {
  t.add({{"json", "set"},
         "json set <key> <path> <value> | json set <key> <path> --file <path|->",
         "set a value at a path ($ is the whole document)",
         {{"file", 'f', true}},
         2,
         3,
         "JsonSet",
         json_set});
  t.add({{"json", "get"},
         "json get <key> [<path>] [--with-version] [--as-of <ts>]",
         "the value at a path (default $), (nil) when missing",
         {{"with-version", 'v', false}, {"as-of", 0, true}},
         1,
         2,
         {},
         json_get});
  t.add({{"json", "del"},
         "json del <key> <path>",
         "delete at a path; $ deletes the document",
         {},
         2,
         2,
         "JsonDelete",
         json_del});
  t.add({{"json", "list"},
         "json list [--prefix P] [--cursor C] [--limit N] [--all] [--as-of <ts>]",
         "document keys, sorted (100 per page by default)",
         {{"prefix", 'p', true},
          {"cursor", 'c', true},
          {"limit", 'n', true},
          {"all", 'a', false},
          {"as-of", 0, true}},
         0,
         0,
         {},
         json_list});
  t.add({{"json", "history"},
         "json history <key>",
         "every version of a document, newest first",
         {},
         1,
         1,
         {},
         json_history});
}

}  // namespace strata::cli
