#pragma once

// A one-line progress report for long work (SPEC 8 / issue 6: bulk loads),
// redrawn in place on stderr: `<label>: 12000/50000 (24%), 8512/s`.
// It draws only when stderr is a terminal, at most ten times a second, and
// erases itself when done, so redirected output never contains it.

#include <chrono>
#include <cstdint>
#include <string>

namespace strata::cli {

class Progress {
 public:
  /// `total` 0 means unknown (no percentage).
  Progress(std::string label, uint64_t total);
  ~Progress();

  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Records that `done` units are complete and redraws when due.
  void update(uint64_t done);
  /// Erases the line (also done by the destructor).
  void finish();

  /// True when progress lines would be shown (stderr is a terminal).
  static bool enabled();

 private:
  void draw();

  std::string label_;
  uint64_t total_;
  uint64_t done_ = 0;
  bool active_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace strata::cli
