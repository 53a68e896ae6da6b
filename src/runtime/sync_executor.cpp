#include "cubed/runtime/sync_executor.hpp"

#include <cstdlib>

#include "cubed/core/error.hpp"
#include "cubed/runtime/retry.hpp"
#include "cubed/runtime/thread_executor.hpp"

namespace cubed {

void SyncExecutor::execute(ExecutionPlan& plan) {
  // Operations are numbered in a topological order already.
  for (int op = 0; op < plan.num_operations(); ++op) {
    plan.begin_operation(op);
    for (std::int64_t t : plan.tasks_to_run(op)) plan.task_ended(op, t, run_with_retries(plan, op, t));
    plan.end_operation(op);
  }
}

std::shared_ptr<Executor> make_executor(const std::string& name) {
  if (name.empty() || name == "single-threaded" || name == "sync") return std::make_shared<SyncExecutor>();
  if (name == "threads") return std::make_shared<ThreadExecutor>();
  if (name.rfind("threads:", 0) == 0) {
    const std::string count = name.substr(8);
    char* end = nullptr;
    long n = std::strtol(count.c_str(), &end, 10);
    if (count.empty() || *end != '\0' || n < 1 || n > 1024) {
      throw InvalidArgumentError("invalid executor '" + name + "' (expected threads:N with N from 1 to 1024)");
    }
    return std::make_shared<ThreadExecutor>(static_cast<int>(n));
  }
  throw InvalidArgumentError("unknown executor '" + name + "' (available: single-threaded, threads, threads:N)");
}

}  // namespace cubed
