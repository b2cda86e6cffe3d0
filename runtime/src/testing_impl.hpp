#pragma once

// What a FaultInjector holds: the Env the database's stores write through.

#include <leveldb/env.h>

#include "strata/store/fault_env.hpp"
#include "strata/testing.hpp"

namespace strata::testing {

struct FaultInjector::Impl {
  store::FaultEnv env{leveldb::Env::Default()};
};

}  // namespace strata::testing
