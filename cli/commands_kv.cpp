// kv put / get / del / list / history (SPEC 5.1, 8.2 "KV").

#include <algorithm>

#include "commands.hpp"
#include "value_input.hpp"

namespace strata::cli {

namespace {

result<Lookup> kv_lookup(Context& ctx, const std::string& key, std::optional<uint64_t> as_of) {
  Strata& db = ctx.db();
  if (!as_of && ctx.in_transaction()) {
    // Read-your-writes inside the transaction; the Session has no version.
    auto r = ctx.session().kv_get(key);
    if (!r)
      return r.error();
    return Lookup{std::move(*r), std::nullopt, std::nullopt};
  }
  if (!as_of) {
    auto r = db.kv_get_versioned(key);
    if (!r)
      return r.error();
    if (!*r)
      return Lookup{};
    return Lookup{std::move((*r)->value), (*r)->version, (*r)->timestamp};
  }
  auto r = db.kv_get_at(key, *as_of);
  if (!r)
    return r.error();
  if (!*r)
    return Lookup{};
  Lookup l{std::move(**r), std::nullopt, std::nullopt};
  if (auto h = db.kv_getv(key))
    if (auto vv = version_at(*h, *as_of)) {
      l.version = vv->version;
      l.timestamp = vv->timestamp;
    }
  return l;
}

result<uint64_t> put(Context& ctx, const std::string& key, Value value) {
  if (ctx.in_transaction())
    return ctx.session().kv_put(key, std::move(value));
  return ctx.db().kv_put(key, std::move(value));
}

Outcome kv_put(Context& ctx, const Args& args) {
  const auto& pos = args.positional;
  if (auto file = args.value("file")) {
    if (pos.size() != 1)
      return CliError::usage("kv put <key> --file <path|->");
    auto text = read_file_arg(ctx, *file);
    if (!text)
      return text.error();
    auto value = value_from_file_text(*text);
    if (!value)
      return value.error();
    auto v = put(ctx, pos[0], std::move(*value));
    if (!v)
      return v.error();
    return Written{Written::Label::Version, {*v}};
  }
  if (pos.size() % 2 != 0)
    return CliError::usage("kv put <key> <value> [<key> <value> ...]");
  // Every value is parsed before the first is written: a bad one writes
  // nothing.
  std::vector<Value> values;
  for (size_t i = 0; i < pos.size(); i += 2) {
    auto value = auto_detect(pos[i + 1]);
    if (!value)
      return value.error();
    values.push_back(std::move(*value));
  }
  Written done;
  for (size_t i = 0; i < pos.size(); i += 2) {
    auto v = put(ctx, pos[i], std::move(values[i / 2]));
    if (!v) {
      if (done.numbers.empty())
        return v.error();
      return Outcome{done, CliError::from(v.error())};
    }
    done.numbers.push_back(*v);
  }
  return done;
}

Outcome kv_get(Context& ctx, const Args& args) {
  auto as_of = as_of_flag(args);
  if (!as_of)
    return as_of.error();
  Lookups out;
  out.with_version = args.has("with-version");
  for (const auto& key : args.positional) {
    auto l = kv_lookup(ctx, key, *as_of);
    if (!l)
      return l.error();
    out.items.push_back(std::move(*l));
  }
  return out;
}

Outcome kv_del(Context& ctx, const Args& args) {
  Deleted out;
  for (const auto& key : args.positional) {
    auto existed = ctx.in_transaction() ? ctx.session().kv_delete(key) : ctx.db().kv_delete(key);
    if (!existed)
      return existed.error();
    out.count += *existed ? 1 : 0;
  }
  return out;
}


// Keys with their values through kv_scan, page after page (at most 1000
// entries per call): the transaction's view inside one, the past with
// --as-of. Each page is one consistent read.
Outcome kv_list(Context& ctx, const Args& args) {
  auto flags = list_flags(args);
  if (!flags)
    return flags.error();
  const auto& [as_of, limit, cursor, all, prefix] = *flags;
  (void)all;  // --all lists everything, as no --limit does
  Strata& db = ctx.db();
  bool in_txn = ctx.in_transaction() && !as_of;
  ListOptions opts;
  opts.prefix = prefix ? std::string(*prefix) : std::string();
  opts.cursor = cursor;
  const uint64_t want = limit.value_or(UINT64_MAX);
  KeyValues out;
  while (out.items.size() < want) {
    opts.limit = std::min<uint64_t>(want - out.items.size(), 1000);
    auto page = in_txn  ? ctx.session().kv_scan(opts)
                : as_of ? db.kv_scan_at(opts, *as_of)
                        : db.kv_scan(opts);
    if (!page)
      return page.error();
    for (auto& kv : page->items)
      out.items.emplace_back(std::move(kv.key), std::move(kv.value));
    if (!page->cursor)
      break;
    opts.cursor = std::move(page->cursor);
  }
  return out;
}

Outcome kv_history(Context& ctx, const Args& args) {
  auto h = ctx.db().kv_getv(args.positional[0]);
  if (!h)
    return h.error();
  return History{std::move(*h)};
}

}  // namespace

void register_kv_commands(CommandTable& t) {
  t.add({{"kv", "put"},
         "kv put <key> <value> [<key> <value> ...] | kv put <key> --file <path|->",
         "store values (auto-detected type); one (version) line per key",
         {{"file", 'f', true}},
         1,
         SIZE_MAX,
         "KvPut",
         kv_put});
  t.add({{"kv", "get"},
         "kv get <key> [<key> ...] [--with-version] [--as-of <ts>]",
         "read values, (nil) when missing",
         {{"with-version", 'v', false}, {"as-of", 0, true}},
         1,
         SIZE_MAX,
         {},
         kv_get});
  t.add({{"kv", "del"},
         "kv del <key> [<key> ...]",
         "delete keys (not an error when missing)",
         {},
         1,
         SIZE_MAX,
         "KvDelete",
         kv_del});
  t.add({{"kv", "list"},
         "kv list [--prefix P] [--limit N] [--cursor C] [--all] [--as-of <ts>]",
         "key = value lines, sorted by key",
         {{"prefix", 'p', true},
          {"limit", 'n', true},
          {"cursor", 'c', true},
          {"all", 'a', false},
          {"as-of", 0, true}},
         0,
         0,
         {},
         kv_list});
  t.add({{"kv", "scan"},
         "kv scan [--prefix P] [--limit N] [--cursor C] [--as-of <ts>]",
         "same as kv list: keys with their values, one read per page",
         {{"prefix", 'p', true}, {"limit", 'n', true}, {"cursor", 'c', true}, {"as-of", 0, true}},
         0,
         0,
         {},
         kv_list});
  t.add({{"kv", "history"},
         "kv history <key>",
         "every version of a key, newest first",
         {},
         1,
         1,
         {},
         kv_history});
}

}  // namespace strata::cli
