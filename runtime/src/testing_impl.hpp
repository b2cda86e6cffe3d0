#pragma once

// What a FaultInjector holds: the Env the database's stores write through.

#include <atomic>

#include <leveldb/env.h>

#include "strata/store/disk_env.hpp"
#include "strata/store/fault_env.hpp"
#include "strata/testing.hpp"

namespace strata::testing {

struct FaultInjector::Impl {
  store::FaultEnv env{store::disk_env()};
  /// crash_at: the step (-1: none) and how many passes are left before it.
  std::atomic<int> crash_step{-1};
  std::atomic<int64_t> crash_countdown{0};

  /// Whether a commit reaching `step` is to kill the process now.
  bool crash_due(CommitStep step) {
    return crash_step.load() == static_cast<int>(step) && crash_countdown.fetch_sub(1) <= 0;
  }
};

}  // namespace strata::testing
