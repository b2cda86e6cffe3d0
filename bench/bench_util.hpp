#pragma once

// Shared helpers of the side-by-side benchmarks: timing, medians, fatal
// checks, a scratch directory that is removed at exit, and the keys and
// values every KV comparison writes (16-byte keys, 100-byte values).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace strata::bench {

using clock_type = std::chrono::steady_clock;

/// Runs body(i) for i in [0, n) and returns operations per second.
template <class F>
double ops_per_sec(size_t n, F&& body) {
  auto start = clock_type::now();
  for (size_t i = 0; i < n; ++i)
    body(i);
  std::chrono::duration<double> secs = clock_type::now() - start;
  return n / secs.count();
}

/// Runs `threads` threads at once, thread t calling body(t, i) for i in
/// [0, per_thread), and returns their total operations per second (from
/// the first start to the last finish).
template <class F>
double parallel_ops_per_sec(int threads, size_t per_thread, F&& body) {
  auto start = clock_type::now();
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t)
    ts.emplace_back([&, t] {
      for (size_t i = 0; i < per_thread; ++i)
        body(t, i);
    });
  for (auto& th : ts)
    th.join();
  std::chrono::duration<double> secs = clock_type::now() - start;
  return threads * per_thread / secs.count();
}

inline double median(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  return xs[xs.size() / 2];
}

/// Ends the benchmark: a failed operation must never be timed as a fast one.
[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "benchmark failed: %s\n", what.c_str());
  std::exit(1);
}

inline void check(bool ok, const char* what) {
  if (!ok)
    fail(what);
}

/// n keys of 16 hex digits, random (so in no particular key order),
/// the same for the same seed.
inline std::vector<std::string> make_keys(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> keys(n);
  char buf[17];
  for (auto& k : keys) {
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    k = buf;
  }
  return keys;
}

/// A 100-byte value of random base64 characters: no run repeats within
/// it, so snappy (which only removes repeated runs) cannot shrink it.
inline std::string make_value(std::mt19937_64& rng) {
  static const char alphabet[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
  std::string v(100, ' ');
  for (auto& c : v)
    c = alphabet[rng() % 64];
  return v;
}

/// A fresh directory under $TMPDIR, removed with its content on scope exit.
class ScratchDir {
 public:
  explicit ScratchDir(const char* name)
      : path_(std::filesystem::temp_directory_path() /
              (std::string(name) + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(const char* sub) const { return (path_ / sub).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace strata::bench
