// ping / info / flush / compact / time_range, and the optional features
// this build does not have (SPEC 2.2, 8.2 "Database", 8.2 "Search").

#include <cstdio>
#include <ctime>

#include "commands.hpp"

#ifndef STRATA_VERSION
#define STRATA_VERSION "0.0.0"
#endif

namespace strata::cli {

namespace {

// Live KV keys, state cells, JSON documents and vectors in every space of
// every branch, counted through a separate handle so that the session's
// branch and space stay untouched. Events are a log, not keyed entries, and
// are not counted.
result<uint64_t> count_keys(Strata& db) {
  auto handle = db.new_handle();
  if (!handle)
    return handle.error();
  auto branches = handle->list_branches();
  if (!branches)
    return branches.error();
  uint64_t total = 0;
  for (const auto& branch : *branches) {
    if (auto r = handle->set_branch(branch); !r)
      return r.error();
    auto spaces = handle->list_spaces();
    if (!spaces)
      return spaces.error();
    for (const auto& space : *spaces) {
      if (auto r = handle->set_space(space); !r)
        return r.error();
      auto kv = handle->kv_list();
      if (!kv)
        return kv.error();
      auto cells = handle->state_list();
      if (!cells)
        return cells.error();
      total += kv->size() + cells->size();
      std::optional<std::string> cursor;
      do {
        auto page = handle->json_list(std::nullopt, cursor, 1000);
        if (!page)
          return page.error();
        total += page->keys.size();
        cursor = page->cursor;
      } while (cursor);
      auto collections = handle->vector_list_collections();
      if (!collections)
        return collections.error();
      for (const auto& c : *collections)
        total += c.count;
    }
  }
  return total;
}

Outcome ping(Context&, const Args&) {
  return Text{"PONG"};
}

Outcome info(Context& ctx, const Args&) {
  auto branches = ctx.branches();
  if (!branches)
    return branches.error();
  auto keys = count_keys(ctx.db());
  if (!keys)
    return keys.error();
  Fields fields{{{"version", Value{STRATA_VERSION}},
                 {"branches", Value{static_cast<uint64_t>(branches->size())}},
                 {"total_keys", Value{*keys}}}};
  // Which node a connected CLI is talking to.
  if (!ctx.db().endpoint().empty())
    fields.items.emplace_back("node", Value{ctx.db().endpoint() + " (" +
                                             ctx.db().node_description() + ")"});
  return fields;
}

// `check`: one line per store, its problems indented below it; the exit
// status says whether everything is sound.
Outcome check(Context& ctx, const Args& args) {
  if (args.has("repair") && !ctx.repaired())
    return CliError::make(errc::InvalidInput,
                          "check --repair needs the database closed: run `strata --db <dir> "
                          "check --repair` from the shell");
  auto stores = ctx.db().check();
  if (!stores)
    return stores.error();
  std::string text;
  Array json;
  size_t damaged = 0;
  for (const auto& s : *stores) {
    auto name = s.branch + "/" + (s.space.empty() ? "(transaction log)" : s.space);
    text += name + ": " + (s.ok() ? "ok" : std::to_string(s.problems.size()) + " problem(s)") +
            " (" + std::to_string(s.records) + " records)\n";
    Array problems;
    for (const auto& p : s.problems) {
      text += "  - " + p + "\n";
      problems.push_back(Value{p});
    }
    damaged += s.ok() ? 0 : 1;
    json.push_back(Value{Object{{"branch", s.branch},
                                {"space", s.space.empty() ? Value{} : Value{s.space}},
                                {"records", s.records},
                                {"problems", Value{std::move(problems)}}}});
  }
  Report report{std::move(text), Value{std::move(json)}};
  if (damaged == 0)
    return report;
  return Outcome{Reply{std::move(report)},
                 CliError::make(errc::Corruption, std::to_string(damaged) + " of " +
                                                      std::to_string(stores->size()) +
                                                      " stores are damaged")};
}

Outcome ack(Context&, const Args&) {
  // Every acknowledged write has already reached the OS (standard) or the
  // disk (always), and LevelDB compacts in the background: nothing is left
  // for flush or compact to force through the public API.
  return Ack{};
}

// "2026-11-25T19:38:18.123456Z" for a timestamp in microseconds.
std::string iso8601(uint64_t us) {
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lluZ", static_cast<unsigned long long>(us % 1000000));
  return std::string(buf) + frac;
}

Outcome time_range(Context& ctx, const Args&) {
  auto range = ctx.db().time_range();
  if (!range)
    return range.error();
  if (!*range)
    return Text{"(no data)"};
  auto [oldest, latest] = **range;
  if (ctx.printer().mode() == OutputMode::Json)
    return Fields{{{"oldest_ts", Value{oldest}}, {"latest_ts", Value{latest}}}};
  return Text{"oldest: " + std::to_string(oldest) + " (" + iso8601(oldest) + ")\nlatest: " +
              std::to_string(latest) + " (" + iso8601(latest) + ")"};
}

}  // namespace

void register_db_commands(CommandTable& t) {
  t.add({{"ping"}, "ping", "PONG when the database answers", {}, 0, 0, {}, ping});
  t.add({{"info"}, "info", "version, branch count, total keys", {}, 0, 0, {}, info});
  t.add({{"check"}, "check [--repair]",
         "verify every store (checksums, records, version and hash chains); --repair first "
         "salvages a damaged database (shell mode, database closed)",
         {{"repair", 0, false}}, 0, 0, {}, check});
  t.add({{"flush"}, "flush", "make pending writes durable", {}, 0, 0, "Flush", ack});
  t.add({{"compact"}, "compact", "compact storage", {}, 0, 0, "Compact", ack});
  t.add({{"time_range"},
         "time_range",
         "oldest and latest write timestamps of the branch",
         {},
         0,
         0,
         {},
         time_range});
  t.add({{"search"},
         "search <query> [--k N] [--primitives kv,json,event,state] [--mode keyword|hybrid]",
         "search across primitives (optional feature)",
         {{"k", 0, true},
          {"primitives", 0, true},
          {"time-start", 0, true},
          {"time-end", 0, true},
          {"mode", 0, true},
          {"expand", 0, true},
          {"rerank", 0, true}},
         0,
         SIZE_MAX,
         {},
         [](Context&, const Args&) -> Outcome {
           return not_implemented("search is not available in this build");
         }});
  t.add({{"configure-model"},
         "configure-model <endpoint> <model> [--api-key K] [--timeout MS]",
         "set the model endpoint (optional feature)",
         {{"api-key", 0, true}, {"timeout", 0, true}},
         0,
         SIZE_MAX,
         "ConfigureModel",
         [](Context&, const Args&) -> Outcome {
           return not_implemented("model configuration is not available in this build");
         }});
}

}  // namespace strata::cli
