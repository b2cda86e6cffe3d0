// state set / get / init / cas / del / list / history (SPEC 5.3, 8.2
// "State").

#include "commands.hpp"
#include "value_input.hpp"

namespace strata::cli {

namespace {

// The cell as the command sees it: inside a transaction, the snapshot plus
// the transaction's own writes.
result<std::optional<VersionedValue>> current_cell(Context& ctx, const std::string& cell) {
  if (ctx.in_transaction())
    return ctx.session().state_get_versioned(cell);
  return ctx.db().state_get_versioned(cell);
}

// A miss carries the cell as the check saw it: what it reports needs no
// second read that another writer could race.
result<CasOutcome> cas(Context& ctx, const std::string& cell, std::optional<uint64_t> expected,
                       Value value) {
  if (ctx.in_transaction())
    return ctx.session().state_cas_detailed(cell, expected, std::move(value));
  return ctx.db().state_cas_detailed(cell, expected, std::move(value));
}

// The value a `state set|init|cas` writes: the last positional, or --file.
result<Value> input_value(const Context& ctx, const Args& args, size_t value_index) {
  if (auto file = args.value("file")) {
    auto text = read_file_arg(ctx, *file);
    if (!text)
      return text.error();
    return value_from_file_text(*text);
  }
  return auto_detect(args.positional[value_index]);
}

Outcome state_set(Context& ctx, const Args& args) {
  size_t want = args.has("file") ? 1 : 2;
  if (args.positional.size() != want)
    return CliError::usage("state set <cell> <value> | state set <cell> --file <path|->");
  auto value = input_value(ctx, args, 1);
  if (!value)
    return value.error();
  auto v = ctx.in_transaction() ? ctx.session().state_set(args.positional[0], std::move(*value))
                                : ctx.db().state_set(args.positional[0], std::move(*value));
  if (!v)
    return v.error();
  return Written{Written::Label::Version, {*v}};
}

Outcome state_get(Context& ctx, const Args& args) {
  auto as_of = as_of_flag(args);
  if (!as_of)
    return as_of.error();
  const auto& cell = args.positional[0];
  Lookups out;
  out.with_version = args.has("with-version");
  Lookup l;
  if (!*as_of) {
    auto r = current_cell(ctx, cell);
    if (!r)
      return r.error();
    if (*r) {
      l = Lookup{std::move((*r)->value), (*r)->version, (*r)->timestamp};
      if ((*r)->timestamp == 0)
        l.timestamp.reset();  // written by the open transaction: not committed yet
    }
  } else {
    auto r = ctx.db().state_get_at(cell, **as_of);
    if (!r)
      return r.error();
    if (*r) {
      l.value = std::move(**r);
      if (auto h = ctx.db().state_getv(cell))
        if (auto vv = version_at(*h, **as_of)) {
          l.version = vv->version;
          l.timestamp = vv->timestamp;
        }
    }
  }
  out.items.push_back(std::move(l));
  return out;
}

// `state init` is an atomic create-if-absent: a CAS expecting no cell.
// That tells "created" from "already there" without a racy pre-read.
Outcome state_init(Context& ctx, const Args& args) {
  size_t want = args.has("file") ? 1 : 2;
  if (args.positional.size() != want)
    return CliError::usage("state init <cell> <value>");
  auto value = input_value(ctx, args, 1);
  if (!value)
    return value.error();
  const auto& cell = args.positional[0];
  auto created = cas(ctx, cell, std::nullopt, std::move(*value));
  if (!created)
    return created.error();
  if (created->swapped)
    return Written{Written::Label::Version, {created->version}};
  return NoOp{created->current ? created->current->version : 0};
}

Outcome state_cas(Context& ctx, const Args& args) {
  // Two grammars (SPEC 8.2): `cas <cell> <expected|none> <value>` (guides)
  // and `cas <cell> <value> [--expect N]` (cli.md; no --expect = absent).
  const auto& pos = args.positional;
  std::optional<uint64_t> expected;
  size_t value_index;
  bool from_file = args.has("file");
  if (auto e = args.value("expect")) {
    if (pos.size() != (from_file ? 1u : 2u))
      return CliError::usage("state cas <cell> <value> --expect <N>");
    auto n = parse_u64(*e, "--expect");
    if (!n)
      return n.error();
    expected = *n;
    value_index = 1;
  } else if (pos.size() == (from_file ? 2u : 3u)) {
    if (pos[1] != "none") {
      auto n = parse_u64(pos[1], "expected version");
      if (!n)
        return n.error();
      expected = *n;
    }
    value_index = 2;
  } else if (pos.size() == (from_file ? 1u : 2u)) {
    value_index = 1;  // cli.md form without --expect: must not exist
  } else {
    return CliError::usage("state cas <cell> <expected-version|none> <value>");
  }
  auto value = input_value(ctx, args, value_index);
  if (!value)
    return value.error();
  const auto& cell = pos[0];
  auto r = cas(ctx, cell, expected, std::move(*value));
  if (!r)
    return r.error();
  if (r->swapped)
    return Written{Written::Label::Version, {r->version}};
  // A miss is an error line and a failed command (SPEC 5.3 [R], 8.7).
  auto text = [](const std::optional<uint64_t>& v) {
    return v ? std::to_string(*v) : std::string("none");
  };
  std::optional<uint64_t> cur;
  if (r->current)
    cur = r->current->version;
  return CliError{errc::VersionConflict,
                  "CAS conflict: expected version " + text(expected) + ", current version " +
                      text(cur)};
}

Outcome state_del(Context& ctx, const Args& args) {
  auto existed = ctx.in_transaction() ? ctx.session().state_delete(args.positional[0])
                                      : ctx.db().state_delete(args.positional[0]);
  if (!existed)
    return existed.error();
  return Deleted{*existed ? 1u : 0u};
}

Outcome state_list(Context& ctx, const Args& args) {
  auto as_of = as_of_flag(args);
  if (!as_of)
    return as_of.error();
  // No pagination for cells (SPEC 5.3): --all changes nothing.
  auto r = *as_of                  ? ctx.db().state_list_at(prefix_of(args), **as_of)
           : ctx.in_transaction() ? ctx.session().state_list(prefix_of(args))
                                  : ctx.db().state_list(prefix_of(args));
  if (!r)
    return r.error();
  return Names{std::move(*r), false, false, std::nullopt};
}

Outcome state_history(Context& ctx, const Args& args) {
  auto h = ctx.db().state_getv(args.positional[0]);
  if (!h)
    return h.error();
  return History{std::move(*h)};
}

}  // namespace

void register_state_commands(CommandTable& t) {
  t.add({{"state", "set"},
         "state set <cell> <value> | state set <cell> --file <path|->",
         "write a cell unconditionally",
         {{"file", 'f', true}},
         1,
         2,
         "StateSet",
         state_set});
  t.add({{"state", "get"},
         "state get <cell> [--with-version] [--as-of <ts>]",
         "read a cell, (nil) when missing",
         {{"with-version", 'v', false}, {"as-of", 0, true}},
         1,
         1,
         {},
         state_get});
  t.add({{"state", "init"},
         "state init <cell> <value>",
         "create a cell only if absent; (no-op) when it exists",
         {{"file", 'f', true}},
         1,
         2,
         "StateInit",
         state_init});
  t.add({{"state", "cas"},
         "state cas <cell> <expected-version|none> <value>",
         "compare-and-swap on the cell's version; a mismatch is an error",
         {{"expect", 'e', true}, {"file", 'f', true}},
         1,
         3,
         "StateCas",
         state_cas});
  t.add({{"state", "del"},
         "state del <cell>",
         "delete a cell (not an error when missing)",
         {},
         1,
         1,
         "StateDelete",
         state_del});
  t.add({{"state", "list"},
         "state list [--prefix P] [--all]",
         "cell names, sorted",
         {{"prefix", 'p', true}, {"all", 'a', false}, {"as-of", 0, true}},
         0,
         0,
         {},
         state_list});
  t.add({{"state", "history"},
         "state history <cell>",
         "every version of a cell, newest first",
         {},
         1,
         1,
         {},
         state_history});
}

}  // namespace strata::cli
