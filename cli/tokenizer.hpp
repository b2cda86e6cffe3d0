#pragma once

// Splits one command line into words the way a POSIX shell does, without
// any expansion: the CLI's REPL, pipe mode and `-c` all read lines this way
// (SPEC 8.1 "Tokenizing").
//
//   'single quotes'   everything up to the next ' is literal
//   "double quotes"   literal except \" \\ \$ \` and \<newline>, which drop
//                     the backslash (a backslash before any other character
//                     is kept, as in sh)
//   \c (unquoted)     the character c, literally
//   blanks            spaces and tabs separate words; quotes join, so
//                     a'b'"c" is the one word abc and "" is an empty word
//
// `$`, globs, `#` and `;` have no special meaning: `json get doc $.a` and
// `vector search c [1,0] 2` reach the command as typed.

#include <string>
#include <string_view>
#include <vector>

#include "strata/messages/error.hpp"

namespace strata::cli {

/// The words of `line`. Errors: InvalidInput "Invalid quoting" for an
/// unterminated quote or a trailing lone backslash (printed without a kind,
/// as SPEC 8.1 shows).
[[nodiscard]] result<std::vector<std::string>> tokenize(std::string_view line);

/// Whether `text` ends inside a quote, after a lone backslash, or with a
/// `{` or `[` outside quotes not yet closed: the REPL then reads the next
/// line as its continuation (a JSON value typed over several lines).
bool continues_on_next_line(std::string_view text);

}  // namespace strata::cli
