#include "progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace strata::cli {

bool Progress::enabled() {
  return ::isatty(STDERR_FILENO) == 1;
}

Progress::Progress(std::string label, uint64_t total)
    : label_(std::move(label)), total_(total), active_(enabled()),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() {
  finish();
}

void Progress::update(uint64_t done) {
  done_ = done;
  if (!active_)
    return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100))
    return;
  last_draw_ = now;
  draw();
}

void Progress::draw() {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = secs > 0 ? static_cast<double>(done_) / secs : 0.0;
  if (total_ > 0)
    std::fprintf(stderr, "\r\033[K%s: %llu/%llu (%llu%%), %.0f/s", label_.c_str(),
                 static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_),
                 static_cast<unsigned long long>(done_ * 100 / total_), rate);
  else
    std::fprintf(stderr, "\r\033[K%s: %llu, %.0f/s", label_.c_str(),
                 static_cast<unsigned long long>(done_), rate);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (active_ && drawn_) {
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }
  active_ = false;
}

}  // namespace strata::cli
