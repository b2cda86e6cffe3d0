#include "strata/testing.hpp"

#include "strata/store/fault_env.hpp"
#include "testing_impl.hpp"

namespace strata::testing {

namespace {

store::FaultEnv::Op op_of(FileOp op) {
  switch (op) {
    case FileOp::Append: return store::FaultEnv::Op::Append;
    case FileOp::Sync: return store::FaultEnv::Op::Sync;
    case FileOp::NewFile: return store::FaultEnv::Op::NewWritableFile;
    case FileOp::Rename: return store::FaultEnv::Op::Rename;
    case FileOp::Remove: return store::FaultEnv::Op::Remove;
  }
  return store::FaultEnv::Op::Append;
}

}  // namespace

FaultInjector::FaultInjector() : impl_(std::make_unique<Impl>()) {
}

FaultInjector::~FaultInjector() = default;

void FaultInjector::fail(FileOp op, std::string path_part, uint64_t skip, uint64_t count) {
  impl_->env.fail(op_of(op), std::move(path_part), skip, count);
}

void FaultInjector::fail_nth(uint64_t n) {
  impl_->env.fail_nth(n);
}

void FaultInjector::throw_in_store(uint64_t n) {
  impl_->env.throw_nth(n);
}

void FaultInjector::crash_at(CommitStep step, uint64_t skip) {
  impl_->crash_countdown = static_cast<int64_t>(skip);
  impl_->crash_step = static_cast<int>(step);
}

void FaultInjector::clear() {
  impl_->env.clear();
  impl_->crash_step = -1;
}

uint64_t FaultInjector::injected() const {
  return impl_->env.injected();
}

uint64_t FaultInjector::operations() const {
  return impl_->env.operations();
}

std::string FaultInjector::power_cut() {
  return impl_->env.power_cut();
}

}  // namespace strata::testing
