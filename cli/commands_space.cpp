// space list / create / exists / del [--force] / del-force / use
// (SPEC 4.2, 8.2 "Space").

#include "commands.hpp"

namespace strata::cli {

namespace {

Outcome space_list(Context& ctx, const Args&) {
  auto r = ctx.db().list_spaces();
  if (!r)
    return r.error();
  return Names{std::move(*r), /*dashed=*/true, false, std::nullopt};
}

Outcome space_create(Context& ctx, const Args& args) {
  if (auto r = ctx.db().create_space(args.positional[0]); !r)
    return r.error();
  return Ack{};
}

Outcome space_exists(Context& ctx, const Args& args) {
  auto r = ctx.db().space_exists(args.positional[0]);
  if (!r)
    return r.error();
  return Flag{*r, /*predicate=*/true};
}

Outcome space_del(Context& ctx, const Args& args, bool force) {
  const auto& name = args.positional[0];
  auto r = force ? ctx.db().delete_space_force(name) : ctx.db().delete_space(name);
  if (!r)
    return r.error();
  return Ack{};
}

Outcome space_use(Context& ctx, const Args& args) {
  if (auto err = ctx.use(ctx.branch(), args.positional[0]))
    return err;
  return Silent{};
}

}  // namespace

void register_space_commands(CommandTable& t) {
  t.add({{"space", "list"}, "space list", "spaces of the branch, sorted", {}, 0, 0, {}, space_list});
  t.add({{"space", "create"},
         "space create <name>",
         "register a space (idempotent)",
         {},
         1,
         1,
         "SpaceCreate",
         space_create});
  t.add({{"space", "exists"},
         "space exists <name>",
         "true or false",
         {},
         1,
         1,
         {},
         space_exists});
  t.add({{"space", "del"},
         "space del <name> [--force]",
         "delete an empty space; --force deletes its data too",
         {{"force", 0, false}},
         1,
         1,
         "SpaceDelete",
         [](Context& ctx, const Args& args) { return space_del(ctx, args, args.has("force")); }});
  t.add({{"space", "del-force"},
         "space del-force <name>",
         "same as space del <name> --force",
         {},
         1,
         1,
         "SpaceDelete",
         [](Context& ctx, const Args& args) { return space_del(ctx, args, true); }});
  t.add({{"space", "use"},
         "space use <name>",
         "switch to a space of the current branch",
         {},
         1,
         1,
         {},
         space_use});
}

}  // namespace strata::cli
