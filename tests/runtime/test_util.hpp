#pragma once

// Small helpers shared by the runtime tests: a fresh temporary directory and
// checks that print strata errors readably.

#include <cstdlib>
#include <vector>
#include <thread>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include <boost/test/unit_test.hpp>

#include "../temp_dir.hpp"

#include <strata/strata.hpp>

namespace strata::test {


/// The value of a JSON literal written in a test; fails the test when it
/// does not parse.
inline Value json_value(const char* text) {
  auto v = Value::from_json(text);
  BOOST_REQUIRE_MESSAGE(v, "bad JSON in the test: " << text);
  return *v;
}

/// Threads a test starts, stopped (`stop` set) and joined however the test
/// ends: a failed REQUIRE throws, and a joinable thread would terminate the
/// test binary.
struct StoppedThreads {
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  ~StoppedThreads() { join(); }
  void join() {
    stop = true;
    for (auto& t : threads)
      if (t.joinable())
        t.join();
  }
};

/// A count that worker threads raise and the test waits on (a condition
/// variable: the test wakes when the count is reached, never after a
/// guessed delay).
class Progress {
 public:
  void add(int k = 1) {
    {
      std::lock_guard<std::mutex> lock(mtx_);
      n_ += k;
    }
    cv_.notify_all();
  }
  int get() const {
    std::lock_guard<std::mutex> lock(mtx_);
    return n_;
  }
  /// Waits until the count is at least `n`; false if `timeout` passed first.
  bool wait_for(int n, std::chrono::seconds timeout = std::chrono::seconds(60)) {
    std::unique_lock<std::mutex> lock(mtx_);
    return cv_.wait_for(lock, timeout, [&] { return n_ >= n; });
  }

 private:
  mutable std::mutex mtx_;
  std::condition_variable cv_;
  int n_ = 0;
};

/// Writes `key` = `value` in spaces `first` and `second` in one
/// transaction (a two-phase commit): the first error on the way, or none.
/// The session has no transaction afterwards either way.
inline caf::error commit_in_two_spaces(Session& s, const std::string& key, int64_t value,
                                       const char* first = "a", const char* second = "b") {
  caf::error err;
  auto step = [&err](const auto& r) {
    if (!r)
      err = r.error();
    return bool(r);
  };
  (void)(step(s.begin()) && step(s.set_space(first)) && step(s.kv_put(key, value)) &&
         step(s.set_space(second)) && step(s.kv_put(key, value)) && step(s.commit()));
  if (s.in_transaction())
    (void)s.rollback();
  return err;
}

}  // namespace strata::test

namespace strata {

// How Boost.Test prints optional values in failure messages (found by ADL).
inline std::ostream& boost_test_print_type(std::ostream& os, const std::optional<Value>& v) {
  if (!v)
    return os << "(nil)";
  return os << v->type_name() << " " << *v;
}

inline std::ostream& boost_test_print_type(std::ostream& os, Durability d) {
  return os << to_string(d);
}

inline std::ostream& boost_test_print_type(std::ostream& os, ValueKind k) {
  return os << static_cast<int>(k);
}

}  // namespace strata

BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<uint64_t>)

// Note: the messages below call describe(error()) only on failure; Boost's
// *_MESSAGE macros evaluate their arguments even when the check passes.

/// Requires a successful result and yields its value (by value).
#define STRATA_REQUIRE_OK(expr)                                                   \
  [&]() {                                                                        \
    auto&& strata_r_ = (expr);                                                   \
    if (!strata_r_)                                                              \
      BOOST_FAIL(#expr << " failed: " << strata::describe(strata_r_.error()));   \
    return std::move(*strata_r_);                                                \
  }()

/// Requires a successful result<void>.
#define STRATA_REQUIRE_DONE(expr)                                                 \
  do {                                                                           \
    auto&& strata_r_ = (expr);                                                   \
    if (!strata_r_)                                                              \
      BOOST_FAIL(#expr << " failed: " << strata::describe(strata_r_.error()));   \
  } while (false)

/// Requires a failed result of the given strata::errc kind.
#define STRATA_REQUIRE_ERR(expr, kind)                                            \
  do {                                                                           \
    auto&& strata_r_ = (expr);                                                   \
    BOOST_REQUIRE_MESSAGE(!strata_r_, #expr << " succeeded but should fail");    \
    if (!strata::is(strata_r_.error(), kind))                                    \
      BOOST_FAIL(#expr << " failed with " << strata::describe(strata_r_.error())  \
                       << ", expected " << strata::to_string(kind));             \
  } while (false)
