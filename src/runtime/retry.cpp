#include "cubed/runtime/retry.hpp"

#include <exception>
#include <string>

#include "cubed/core/error.hpp"
#include "cubed/runtime/scheduler.hpp"

namespace cubed {

TaskResult run_with_retries(ExecutionPlan& plan, int op, std::int64_t task, int retries) {
  const double created = plan.now();
  for (int attempt = 1;; ++attempt) {
    try {
      TaskResult result = plan.run_task(op, task);
      result.created = created;
      result.attempts = attempt;
      return result;
    } catch (const Error& e) {
      if (!is_transient(e.kind()) || attempt > retries) {
        if (attempt == 1) throw;
        throw_error(e.kind(), std::string(e.what()) + " (after " + std::to_string(attempt) + " attempts)");
      }
    }
  }
}

}  // namespace cubed
