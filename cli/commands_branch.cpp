// branch list / exists / info / create / del / fork / use / diff / merge /
// export / import / validate (SPEC 3.2, 8.2 "Branch").

#include <cstdio>
#include <optional>
#include <random>
#include <set>

#include "commands.hpp"
#include "progress.hpp"

namespace strata::cli {

namespace {

Outcome branch_list(Context& ctx, const Args& args) {
  auto limit = u64_flag(args, "limit");
  if (!limit)
    return limit.error();
  auto names = ctx.branches();
  if (!names)
    return names.error();
  if (*limit && names->size() > **limit)
    names->resize(**limit);
  return Names{std::move(*names), /*dashed=*/true, false, std::nullopt};
}

Outcome branch_exists(Context& ctx, const Args& args) {
  auto r = ctx.db().branch_exists(args.positional[0]);
  if (!r)
    return r.error();
  return Flag{*r, /*predicate=*/true};
}

Outcome branch_info(Context& ctx, const Args& args) {
  auto r = ctx.db().branch_info(args.positional[0]);
  if (!r)
    return r.error();
  if (!*r)
    return Lookups{{Lookup{}}};  // (nil), not an error (SPEC 7)
  // The guides show exactly `id:` and `status:`; --json adds the rest.
  Fields out{{{"id", Value{(*r)->name}}, {"status", Value{"active"}}}};
  if (ctx.printer().mode() == OutputMode::Json) {
    out.items.emplace_back("created_at", Value{(*r)->created_at});
    out.items.emplace_back("parent", (*r)->parent.empty() ? Value{} : Value{(*r)->parent});
  }
  return out;
}

// A random (version 4) UUID: the name of a branch created without one, as
// the reference implementation does.
std::string uuid_v4() {
  std::random_device rd;
  std::uniform_int_distribution<unsigned> byte(0, 255);
  unsigned char b[16];
  for (auto& x : b)
    x = static_cast<unsigned char>(byte(rd));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char text[37];
  std::snprintf(text, sizeof text,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                b[14], b[15]);
  return text;
}

Outcome branch_create(Context& ctx, const Args& args) {
  if (auto refused = refuse_in_transaction(ctx, "Branch create/delete"))
    return *refused;
  bool named = !args.positional.empty();
  std::string name = named ? args.positional[0] : uuid_v4();
  if (auto r = ctx.db().create_branch(name); !r)
    return r.error();
  // Creating does not switch (SPEC 3.1). A generated name is printed, since
  // the user has no other way to learn it.
  if (!named)
    return Fields{{{"branch", Value{name}}}};
  return Ack{};
}

Outcome branch_del(Context& ctx, const Args& args) {
  if (auto refused = refuse_in_transaction(ctx, "Branch create/delete"))
    return *refused;
  if (auto r = ctx.db().delete_branch(args.positional[0]); !r)
    return r.error();
  return Ack{};
}

// `branch fork <dest>` copies the current branch (guides);
// `branch fork <source> <dest>` names the source (cli.md). Neither switches.
Outcome branch_fork(Context& ctx, const Args& args) {
  if (auto refused = refuse_in_transaction(ctx, "Branch fork"))
    return *refused;
  const auto& pos = args.positional;
  result<ForkInfo> forked = make_error(errc::Internal, "unreachable");
  if (pos.size() == 1) {
    forked = ctx.db().fork_branch(pos[0]);
  } else {
    auto from = ctx.db().new_handle();
    if (!from)
      return from.error();
    if (auto r = from->set_branch(pos[0]); !r)
      return r.error();
    forked = from->fork_branch(pos[1]);
  }
  if (!forked)
    return forked.error();
  if (ctx.printer().mode() == OutputMode::Json)
    return Fields{{{"source", Value{forked->source}},
                   {"destination", Value{forked->destination}},
                   {"spaces_copied", Value{forked->spaces_copied}},
                   {"entries_copied", Value{forked->entries_copied}}}};
  return Ack{};
}

// `branch diff <a> <b> --base`: the three-way view, from the branches'
// merge base: what b changed since then that merging b into a would bring
// (merge_preview), and the entries both changed differently.
Outcome branch_diff_from_base(Context& ctx, const std::string& a, const std::string& b) {
  auto info = ctx.db().merge_preview(b, a);
  if (!info)
    return info.error();
  auto id = [](const DiffEntry& e) { return e.space + '\0' + e.primitive + '\0' + e.key; };
  std::set<std::string> conflicted;
  for (const auto& c : info->conflicts)
    conflicted.insert(id(c));
  std::vector<const DiffEntry*> changes;
  for (const auto& e : info->applied)
    if (conflicted.count(id(e)) == 0)
      changes.push_back(&e);
  auto value = [](const std::optional<Value>& v) { return v ? *v : Value{}; };
  if (ctx.printer().mode() == OutputMode::Json) {
    auto list = [&](auto&& entries) {
      Array out;
      for (const auto& e : entries) {
        const DiffEntry& d = *e;
        out.emplace_back(Object{{"space", Value{d.space}},
                                {"key", Value{d.key}},
                                {"primitive", Value{d.primitive}},
                                {"a", value(d.value_a)},
                                {"b", value(d.value_b)}});
      }
      return Value{std::move(out)};
    };
    std::vector<const DiffEntry*> conflicts;
    for (const auto& c : info->conflicts)
      conflicts.push_back(&c);
    return Fields{{{"branch_a", Value{a}},
                   {"branch_b", Value{b}},
                   {"merge_base", Value{info->merge_base}},
                   {"changed_on_b", list(changes)},
                   {"conflicts", list(conflicts)},
                   {"events_on_b", Value{info->events_appended}}}};
  }
  auto show = [](const std::optional<Value>& v) { return v ? v->to_json() : std::string("(none)"); };
  std::string out = "Branch \"" + a + "\" vs \"" + b + "\" " +
                    (info->merge_base ? std::string("since their merge base")
                                      : std::string("(no shared history: every difference)")) +
                    ":\n  " + std::to_string(changes.size()) + " changed on \"" + b + "\" only, " +
                    std::to_string(info->conflicts.size()) + " changed on both, " +
                    std::to_string(info->events_appended) + " events appended on \"" + b + "\"";
  for (const auto* e : changes)
    out += "\n  ~ " + e->key + " (" + e->primitive + ") in \"" + e->space + "\": " +
           show(e->value_a) + " -> " + show(e->value_b);
  for (const auto& c : info->conflicts)
    out += "\n  ! " + c.key + " (" + c.primitive + ") in \"" + c.space + "\": \"" + a + "\" " +
           show(c.value_a) + ", \"" + b + "\" " + show(c.value_b);
  return Text{out};
}

Outcome branch_diff(Context& ctx, const Args& args) {
  const auto& a = args.positional[0];
  const auto& b = args.positional[1];
  if (args.has("base"))
    return branch_diff_from_base(ctx, a, b);
  auto diff = ctx.db().diff_branches(a, b);
  if (!diff)
    return diff.error();
  if (ctx.printer().mode() == OutputMode::Json)
    return Fields{{{"branch_a", Value{a}},
                   {"branch_b", Value{b}},
                   {"added", Value{diff->total_added}},
                   {"removed", Value{diff->total_removed}},
                   {"modified", Value{diff->total_modified}}}};
  std::string out = "Branch \"" + a + "\" vs \"" + b + "\":\n";
  out += "  +" + std::to_string(diff->total_added) + " added, -" +
         std::to_string(diff->total_removed) + " removed, ~" +
         std::to_string(diff->total_modified) + " modified";
  for (const auto& sd : diff->spaces) {
    out += "\n  Space \"" + sd.space + "\":";
    auto lines = [&](const std::vector<DiffEntry>& entries, char mark) {
      for (const auto& e : entries)
        out += std::string("\n    ") + mark + " " + e.key + " (" + e.primitive + ")";
    };
    lines(sd.added, '+');
    lines(sd.removed, '-');
    lines(sd.modified, '~');
  }
  return Text{out};
}

Outcome branch_merge(Context& ctx, const Args& args) {
  const auto& source = args.positional[0];
  std::string target = args.positional.size() > 1 ? args.positional[1] : ctx.db().current_branch();
  auto strategy = parse_merge_strategy(args.value("strategy").value_or("lww"));
  if (!strategy)
    return strategy.error();
  bool preview = args.has("preview");
  auto info = preview ? ctx.db().merge_preview(source, target)
                      : ctx.db().merge_branches(source, target, *strategy);
  if (!info)
    return info.error();
  auto show = [](const std::optional<Value>& v) { return v ? v->to_json() : std::string("(deleted)"); };
  if (ctx.printer().mode() == OutputMode::Json) {
    Array conflicts;
    for (const auto& c : info->conflicts) {
      Object o{{"space", Value{c.space}}, {"key", Value{c.key}}, {"primitive", Value{c.primitive}}};
      o.set("target", c.value_a ? *c.value_a : Value{});
      o.set("source", c.value_b ? *c.value_b : Value{});
      conflicts.emplace_back(std::move(o));
    }
    return Fields{{{"source", Value{info->source}},
                   {"target", Value{info->target}},
                   {"keys_applied", Value{info->keys_applied}},
                   {"events_appended", Value{info->events_appended}},
                   {"spaces_merged", Value{info->spaces_merged}},
                   {"merge_base", Value{info->merge_base}},
                   {"preview", Value{preview}},
                   {"conflicts", Value{std::move(conflicts)}}}};
  }
  // SPEC 8's summary line, then what it does not say: events appended
  // and each conflict with both values (the later write won).
  std::string out = std::string(preview ? "Would merge" : "Merged") + " \"" + info->source +
                    "\" -> \"" + info->target + "\" (" +
                    std::to_string(info->keys_applied) + " keys, " +
                    std::to_string(info->spaces_merged) + " spaces";
  if (!info->conflicts.empty())
    out += ", " + std::to_string(info->conflicts.size()) + " conflicts resolved";
  out += ")";
  if (info->events_appended > 0)
    out += "\n  + " + std::to_string(info->events_appended) + " events appended";
  for (const auto& c : info->conflicts)
    out += "\n  ~ " + c.key + " (" + c.primitive + ") in \"" + c.space + "\": target " +
           show(c.value_a) + ", source " + show(c.value_b) + " (the later write won)";
  return Text{out};
}

Outcome branch_export(Context& ctx, const Args& args) {
  // Progress in spaces; the line only appears on a terminal.
  std::optional<Progress> progress;
  auto info = ctx.db().branch_export(
      args.positional[0], args.positional[1], [&](uint64_t done, uint64_t total, uint64_t) {
        if (!progress)
          progress.emplace("exporting spaces", total);
        progress->update(done);
      });
  if (progress)
    progress->finish();
  if (!info)
    return info.error();
  if (ctx.printer().mode() == OutputMode::Json)
    return Fields{{{"branch", Value{info->branch}},
                   {"path", Value{info->path}},
                   {"entry_count", Value{info->entry_count}},
                   {"bundle_size", Value{info->bundle_size}}}};
  return Text{"Exported branch \"" + info->branch + "\" to " + info->path + " (" +
              std::to_string(info->entry_count) + " entries, " +
              std::to_string(info->bundle_size) + " bytes)"};
}

Outcome branch_import(Context& ctx, const Args& args) {
  // The bundle is checked first (which also gives the record count), then
  // imported in one step: the line shows the count while that runs.
  auto checked = ctx.db().branch_validate_bundle(args.positional[0]);
  if (!checked)
    return checked.error();
  Progress progress("importing records", checked->entry_count);
  progress.update(0);
  auto info = ctx.db().branch_import(args.positional[0], args.value("as").value_or(""));
  progress.update(checked->entry_count);
  progress.finish();
  if (!info)
    return info.error();
  if (ctx.printer().mode() == OutputMode::Json)
    return Fields{{{"branch", Value{info->branch}}, {"keys_written", Value{info->entry_count}}}};
  return Ack{};
}

Outcome branch_validate(Context& ctx, const Args& args) {
  auto info = ctx.db().branch_validate_bundle(args.positional[0]);
  if (!info)
    return info.error();
  if (ctx.printer().mode() == OutputMode::Json)
    return Fields{{{"branch", Value{info->branch}},
                   {"format_version", Value{static_cast<uint64_t>(info->format_version)}},
                   {"entry_count", Value{info->entry_count}},
                   {"checksums_valid", Value{info->checksums_valid}}}};
  return Text{"Bundle valid: branch=\"" + info->branch +
              "\", format_version=" + std::to_string(info->format_version) +
              ", entries=" + std::to_string(info->entry_count) + ", checksums=OK"};
}

Outcome branch_use(Context& ctx, const Args& args) {
  if (auto err = ctx.use(args.positional[0], default_space))
    return err;
  return Silent{};
}

}  // namespace

void register_branch_commands(CommandTable& t) {
  t.add({{"branch", "list"},
         "branch list [--limit N]",
         "branches, sorted",
         {{"limit", 'n', true}},
         0,
         0,
         {},
         branch_list});
  t.add({{"branch", "exists"},
         "branch exists <name>",
         "true or false",
         {},
         1,
         1,
         {},
         branch_exists});
  for (std::string_view word : {"info", "get"})
    t.add({{"branch", word},
           word == "info" ? "branch info <name>" : "branch get <name>",
           "id and status, (nil) when missing",
           {},
           1,
           1,
           {},
           branch_info});
  t.add({{"branch", "create"},
         "branch create [<name>]",
         "create an empty branch (does not switch; no name: a UUID)",
         {},
         0,
         1,
         "BranchCreate",
         branch_create});
  t.add({{"branch", "del"},
         "branch del <name>",
         "delete a branch and all its data (not default, not the current one)",
         {},
         1,
         1,
         "BranchDelete",
         branch_del});
  t.add({{"branch", "fork"},
         "branch fork [<source>] <dest>",
         "copy the current branch (or <source>) to <dest>; does not switch",
         {},
         1,
         2,
         "BranchFork",
         branch_fork});
  t.add({{"branch", "use"},
         "branch use <name>",
         "same as use <name>",
         {},
         1,
         1,
         {},
         branch_use});
  t.add({{"branch", "diff"},
         "branch diff <a> <b> [--base]",
         "keys added, removed and modified from a to b, per space; --base: what each "
         "changed since their merge base",
         {{"base", 'b', false}},
         2,
         2,
         {},
         branch_diff});
  t.add({{"branch", "merge"},
         "branch merge <source> [<target>] [--strategy lww|strict] [--preview]",
         "merge <source> into the current branch (or <target>); --preview writes nothing",
         {{"strategy", 's', true}, {"preview", 'p', false}},
         1,
         2,
         "BranchMerge",
         branch_merge});
  t.add({{"branch", "export"},
         "branch export <name> <path>",
         "write a branch bundle (every space, history included)",
         {},
         2,
         2,
         "BranchExport",
         branch_export});
  t.add({{"branch", "import"},
         "branch import <path> [--as <name>]",
         "recreate a branch from a bundle (under its own name, or <name>)",
         {{"as", 0, true}},
         1,
         1,
         "BranchImport",
         branch_import});
  t.add({{"branch", "validate"},
         "branch validate <path>",
         "check a bundle without importing",
         {},
         1,
         1,
         {},
         branch_validate});
}

}  // namespace strata::cli
