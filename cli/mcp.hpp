#pragma once

// `strata mcp`: the database as a Model Context Protocol server over stdio
// (JSON-RPC 2.0, one message per line): `initialize`, `ping`, `tools/list`
// and `tools/call`, with one tool per operation an agent needs (KV, events,
// state cells, JSON documents, vectors, spaces, branches). Each tool call
// is one strata::Command run by Strata::execute, so it is atomic and means
// exactly what the same command means everywhere else. docs/mcp.md lists
// the tools.
//
//   strata [--db DIR | --connect H:P ...] [--branch B] [--space S] mcp
//
// --branch and --space set where a tool runs when its call names no
// `branch` / `space`. Diagnostics go to standard error; standard output
// carries only protocol messages.

#include <iosfwd>

#include <strata/strata.hpp>

namespace strata::cli {

/// Serves MCP on `in` / `out` until `in` ends; returns the exit status.
int run_mcp(Strata db, const std::string& branch, const std::string& space, std::istream& in,
            std::ostream& out);

}  // namespace strata::cli
