// event append / get / list / len (SPEC 5.2, 8.2 "Event"). Sequence
// numbers start at 1 in every space.

#include <limits>

#include "commands.hpp"
#include "value_input.hpp"

namespace strata::cli {

namespace {

Outcome event_append(Context& ctx, const Args& args) {
  const auto& pos = args.positional;
  std::string text;
  if (auto file = args.value("file")) {
    if (pos.size() != 1)
      return CliError::usage("event append <type> --file <path|->");
    auto t = read_file_arg(ctx, *file);
    if (!t)
      return t.error();
    text = std::move(*t);
  } else {
    if (pos.size() != 2)
      return CliError::usage("event append <type> <payload-json>");
    text = pos[1];
  }
  auto payload = parse_strict_json(text);  // payloads are strict JSON (SPEC 1.3)
  if (!payload)
    return payload.error();
  auto seq = ctx.in_transaction() ? ctx.session().event_append(pos[0], std::move(*payload))
                                  : ctx.db().event_append(pos[0], std::move(*payload));
  if (!seq)
    return seq.error();
  if (ctx.in_transaction())
    ctx.note_pending_event(*seq, pos[0]);
  return Written{Written::Label::Seq, {*seq}};
}

Outcome event_get(Context& ctx, const Args& args) {
  auto seq = parse_u64(args.positional[0], "sequence");
  if (!seq)
    return seq.error();
  auto as_of = as_of_flag(args);
  if (!as_of)
    return as_of.error();
  Events out;
  out.single = true;
  if (ctx.in_transaction() && !*as_of) {
    // The transaction sees its own appends; their type is known only here.
    auto vv = ctx.session().event_get(*seq);
    if (!vv)
      return vv.error();
    if (!*vv)
      return out;
    auto type = ctx.pending_event_type(*seq);
    if (!type) {
      auto record = ctx.db().event_get_record(*seq);
      if (!record)
        return record.error();
      if (*record)
        type = (*record)->type;
    }
    out.items.push_back(Event{*seq, type.value_or(""), std::move((*vv)->value), (*vv)->timestamp,
                              {}, {}});
    return out;
  }
  auto e = ctx.db().event_get_record(*seq);
  if (!e)
    return e.error();
  if (*e && (!*as_of || (*e)->timestamp <= **as_of))
    out.items.push_back(std::move(**e));
  return out;
}

Outcome event_list(Context& ctx, const Args& args) {
  auto flags = list_flags(args);  // --as-of and --limit; no cursor, prefix or --all here
  if (!flags)
    return flags.error();
  const auto& as_of = flags->as_of;
  const auto& limit = flags->limit;
  auto after = u64_flag(args, "after");
  if (!after)
    return after.error();
  std::optional<std::string_view> type;
  if (!args.positional.empty())
    type = args.positional[0];

  Events out;
  if (type && !as_of) {
    auto r = ctx.db().event_get_by_type(*type, after->value_or(0), limit.value_or(0));
    if (!r)
      return r.error();
    for (auto& vv : *r)
      out.items.push_back(Event{vv.version, std::string(*type), std::move(vv.value), vv.timestamp,
                                {}, {}});
    return out;
  }
  if (!type && !as_of) {  // a page of the log, read as one
    if (after->value_or(0) == std::numeric_limits<uint64_t>::max())
      return out;  // nothing comes after the last possible sequence
    auto r = ctx.db().event_range(after->value_or(0) + 1, 0, limit.value_or(0));
    if (!r)
      return r.error();
    out.items = std::move(*r);
    return out;
  }
  // As of a time: the timestamp-bounded listing, then the
  // same `after` (exclusive) and `limit` rules.
  auto r = ctx.db().event_list_at(type, as_of.value_or(std::numeric_limits<uint64_t>::max()));
  if (!r)
    return r.error();
  for (auto& e : *r) {
    if (*after && e.sequence <= **after)
      continue;
    if (limit && *limit > 0 && out.items.size() >= *limit)
      break;
    out.items.push_back(std::move(e));
  }
  return out;
}

// `event range <from> [<to>]`: events by sequence, inclusive.
Outcome event_range(Context& ctx, const Args& args) {
  auto from = parse_u64(args.positional[0], "from sequence");
  if (!from)
    return from.error();
  uint64_t to = 0;
  if (args.positional.size() > 1) {
    auto n = parse_u64(args.positional[1], "to sequence");
    if (!n)
      return n.error();
    to = *n;
  }
  auto limit = u64_flag(args, "limit");
  if (!limit)
    return limit.error();
  auto r = ctx.db().event_range(*from, to, limit->value_or(0));
  if (!r)
    return r.error();
  Events out;
  out.items = std::move(*r);
  return out;
}

// `event verify`: the hash chain of the space's event log, checked.
Outcome event_verify(Context& ctx, const Args&) {
  auto r = ctx.db().event_verify_chain();
  if (!r)
    return r.error();
  if (ctx.printer().mode() == OutputMode::Json)
    return Fields{{{"valid", Value{r->valid}},
                   {"length", Value{r->length}},
                   {"first_bad_sequence", Value{r->first_bad_sequence}},
                   {"reason", Value{r->reason}}}};
  if (r->valid)
    return Text{"valid (" + std::to_string(r->length) + " events)"};
  return CliError::make(errc::Corruption, "event chain broken at sequence " +
                                              std::to_string(r->first_bad_sequence) + ": " +
                                              r->reason);
}

Outcome event_len(Context& ctx, const Args&) {
  auto n = ctx.in_transaction() ? ctx.session().event_len() : ctx.db().event_len();
  if (!n)
    return n.error();
  return Count{*n};
}

}  // namespace

void register_event_commands(CommandTable& t) {
  t.add({{"event", "append"},
         "event append <type> <payload-json> | event append <type> --file <path|->",
         "append an event (payload: a JSON object); prints (seq) N",
         {{"file", 'f', true}},
         1,
         2,
         "EventAppend",
         event_append});
  t.add({{"event", "get"},
         "event get <seq> [--as-of <ts>]",
         "one event, (nil) when out of range",
         {{"as-of", 0, true}},
         1,
         1,
         {},
         event_get});
  t.add({{"event", "list"},
         "event list [<type>] [--limit N] [--after SEQ] [--as-of <ts>]",
         "events of a type (or all), ascending",
         {{"limit", 'n', true}, {"after", 'a', true}, {"as-of", 0, true}},
         0,
         1,
         {},
         event_list});
  t.add({{"event", "range"},
         "event range <from-seq> [<to-seq>] [--limit N]",
         "events by sequence, from..to inclusive (to the last without <to-seq>)",
         {{"limit", 'n', true}},
         1,
         2,
         {},
         event_range});
  t.add({{"event", "len"}, "event len", "number of events in the space", {}, 0, 0, {}, event_len});
  t.add({{"event", "verify"},
         "event verify",
         "check the space's event hash chain",
         {},
         0,
         0,
         {},
         event_verify});
}

}  // namespace strata::cli
