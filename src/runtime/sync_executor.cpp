#include "cubed/runtime/sync_executor.hpp"

#include <cstdlib>

#include "cubed/core/error.hpp"
#include "cubed/runtime/process_executor.hpp"
#include "cubed/runtime/mpi_executor.hpp"
#include "cubed/runtime/retry.hpp"
#include "cubed/runtime/thread_executor.hpp"

namespace cubed {

void SyncExecutor::execute(ExecutionPlan& plan) {
  // Operations are numbered in a topological order already.
  for (int op = 0; op < plan.num_operations(); ++op) {
    plan.begin_operation(op);
    const int retries = plan.execute_options().retries;
    for (std::int64_t t : plan.tasks_to_run(op)) {
      TaskResult result = run_with_retries(plan, op, t, retries);
      result.worker = "main";
      plan.task_ended(op, t, result);
    }
    plan.end_operation(op);
  }
}

bool mpi_available() {
#ifdef CUBED_WITH_MPI
  return true;
#else
  return false;
#endif
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
  if (name == "processes") return std::make_shared<ProcessExecutor>();
  if (name.rfind("processes:", 0) == 0) {
    std::string count = name.substr(10);
    bool limit = false;
    constexpr std::string_view kLimit = "hard-limit";
    if (count == kLimit) return std::make_shared<ProcessExecutor>(0, true);
    if (count.size() > kLimit.size() + 1 && count.substr(count.size() - kLimit.size() - 1) == ":hard-limit") {
      count = count.substr(0, count.size() - kLimit.size() - 1);
      limit = true;
    }
    char* end = nullptr;
    long n = std::strtol(count.c_str(), &end, 10);
    if (count.empty() || *end != '\0' || n < 1 || n > 1024) {
      throw InvalidArgumentError("invalid executor '" + name +
                                 "' (expected processes[:N][:hard-limit] with N from 1 to 1024)");
    }
    return std::make_shared<ProcessExecutor>(static_cast<int>(n), limit);
  }
  if (name == "mpi") {
#ifdef CUBED_WITH_MPI
    return std::make_shared<MpiExecutor>();
#else
    throw InvalidArgumentError("executor 'mpi': this build has no MPI (configure with CUBED_WITH_MPI=ON, with "
                               "libopenmpi-dev installed)");
#endif
  }
  throw InvalidArgumentError("unknown executor '" + name +
                             "' (available: single-threaded, threads, threads:N, processes, processes:N, "
                             "processes:N:hard-limit, mpi)");
}

}  // namespace cubed
