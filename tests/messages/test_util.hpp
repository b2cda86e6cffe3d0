#pragma once

// Helpers shared by the messages tests: printers so that a failed
// BOOST_TEST shows the Value or error kind involved, and checks that print
// strata errors readably.

#include <ostream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "strata/messages/error.hpp"
#include "strata/messages/value.hpp"

namespace strata {

inline std::ostream& boost_test_print_type(std::ostream& os, const Value& v) {
  return os << v.type_name() << "(" << v.to_json() << ")";
}

inline std::ostream& boost_test_print_type(std::ostream& os, ValueKind k) {
  return os << "ValueKind(" << static_cast<int>(k) << ")";
}

inline std::ostream& boost_test_print_type(std::ostream& os, errc k) {
  return os << to_string(k);
}

namespace test {

/// The member names of an object Value, in order (empty for non-objects).
inline std::vector<std::string> member_names(const Value& v) {
  std::vector<std::string> out;
  if (const Object* o = v.as_object())
    for (const auto& m : *o)
      out.push_back(m.first);
  return out;
}

/// The error of `r`, or no error when it holds a value. (Calling error()
/// on a caf::expected that holds a value is undefined.)
inline caf::error error_of(const caf::error& err) {
  return err;
}
template <class T>
caf::error error_of(const result<T>& r) {
  return r ? caf::error{} : r.error();
}

/// "ok" or the description of the error, for failure messages.
template <class T>
std::string why(const T& x) {
  auto err = error_of(x);
  return err ? describe(err) : std::string("ok");
}

}  // namespace test
}  // namespace strata

/// Checks that `x` (a caf::error or a result) is a strata error of `kind`,
/// printing what it was.
#define STRATA_CHECK_ERRC(x, kind)                                             \
  BOOST_CHECK_MESSAGE(strata::is(strata::test::error_of(x), (kind)),           \
                      "expected " << strata::to_string(kind) << ", got \""    \
                                  << strata::test::why(x) << "\"")

/// Checks that `x` (a caf::error or a result) holds no error, printing it
/// otherwise.
#define STRATA_CHECK_NO_ERROR(x)                                               \
  BOOST_CHECK_MESSAGE(!strata::test::error_of(x),                              \
                      "unexpected error: " << strata::test::why(x))
