#pragma once

// `strata serve`: the database of a directory served to other processes
// over CAF networking with mutual TLS (docs/nodes.md).
//
//   strata [--db DIR] serve [--db DIR] [--listen HOST:PORT] [--cert F --key F --ca F]
//                           [--insecure] [--allow-remote]
//
// Logs one line per connection and disconnection on standard error; stops
// cleanly on SIGINT or SIGTERM (commands in flight answered, database
// closed) and exits 0.

#include <string>
#include <vector>

#include "options.hpp"

namespace strata::cli {

/// Runs the server until a stop signal; returns the exit status.
int run_serve(const Invocation& inv, const std::vector<std::string>& words);

}  // namespace strata::cli
