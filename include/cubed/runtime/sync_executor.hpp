#pragma once
/// The single-threaded executor: in-process, one task at a time, operations
/// in topological order. Deterministic; the reference every other executor
/// must agree with.
#include "cubed/runtime/executor.hpp"

namespace cubed {

class SyncExecutor final : public Executor {
 public:
  std::string name() const override { return "single-threaded"; }
  void execute(ExecutionPlan& plan) override;
};

}  // namespace cubed
