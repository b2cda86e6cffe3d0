// begin / commit / rollback and `txn ...` (SPEC 6.3): one transaction at a
// time per CLI session, on the context's Session. Which commands join it is
// decided in each command's handler (SPEC 6.4).

#include "commands.hpp"

namespace strata::cli {

namespace {

Outcome begin(Context& ctx, const Args& args) {
  auto r = args.has("read-only") ? ctx.session().begin_read_only() : ctx.session().begin();
  if (!r)
    return r.error();
  ctx.clear_pending_events();
  return Ack{};
}

Outcome commit(Context& ctx, const Args&) {
  auto r = ctx.session().commit();
  // The transaction has ended either way (SPEC 6.3).
  ctx.clear_pending_events();
  if (!r)
    return r.error();
  return Ack{};
}

Outcome rollback(Context& ctx, const Args&) {
  auto r = ctx.session().rollback();
  ctx.clear_pending_events();
  if (!r)
    return r.error();
  return Ack{};
}

Outcome txn_info(Context& ctx, const Args&) {
  if (!ctx.in_transaction())
    return Lookups{{Lookup{}}};  // (nil)
  return Fields{{{"status", Value{"active"}}}};
}

Outcome txn_active(Context& ctx, const Args&) {
  return Flag{ctx.in_transaction()};
}

}  // namespace

void register_txn_commands(CommandTable& t) {
  const FlagSpec read_only{"read-only", 0, false};
  // TxnBegin, TxnCommit and TxnRollback count as writes (SPEC 2.1): a
  // read-only database refuses them with AccessDenied.
  for (std::string_view prefix : {"", "txn"}) {
    auto words = [&](std::string_view w) {
      return prefix.empty() ? std::vector<std::string_view>{w}
                            : std::vector<std::string_view>{prefix, w};
    };
    bool alias = !prefix.empty();
    t.add({words("begin"),
           alias ? "txn begin [--read-only]" : "begin [--read-only]",
           alias ? "same as begin" : "start a transaction (--read-only: refuse its writes)",
           {read_only},
           0,
           0,
           "TxnBegin",
           begin});
    t.add({words("commit"),
           alias ? "txn commit" : "commit",
           alias ? "same as commit" : "commit the transaction atomically, or fail on a conflict",
           {},
           0,
           0,
           "TxnCommit",
           commit});
    t.add({words("rollback"),
           alias ? "txn rollback" : "rollback",
           alias ? "same as rollback" : "discard the transaction",
           {},
           0,
           0,
           "TxnRollback",
           rollback});
  }
  t.add({{"txn", "info"},
         "txn info",
         "status: active, or (nil) without a transaction",
         {},
         0,
         0,
         {},
         txn_info});
  t.add({{"txn", "active"},
         "txn active",
         "true while a transaction is open",
         {},
         0,
         0,
         {},
         txn_active});
}

}  // namespace strata::cli
