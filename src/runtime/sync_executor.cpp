#include "cubed/runtime/sync_executor.hpp"

#include "cubed/core/error.hpp"

namespace cubed {

void SyncExecutor::execute(ExecutionPlan& plan) {
  // Operations are numbered in a topological order already.
  for (int op = 0; op < plan.num_operations(); ++op) {
    plan.begin_operation(op);
    for (std::int64_t t = 0; t < plan.num_tasks(op); ++t) plan.run_task(op, t);
    plan.end_operation(op);
  }
}

std::shared_ptr<Executor> make_executor(const std::string& name) {
  if (name.empty() || name == "single-threaded" || name == "sync") return std::make_shared<SyncExecutor>();
  throw InvalidArgumentError("unknown executor '" + name + "' (available: single-threaded)");
}

}  // namespace cubed
