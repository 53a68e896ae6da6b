#pragma once
/// The threads executor: N workers in one process run the tasks of each
/// operation in parallel (operations in dependency order; with
/// compute_arrays_in_parallel, independent operations together), with the
/// scheduler's retries and backup tasks (scheduler.hpp). Before running it
/// refuses a plan whose N x allowed_mem exceeds the machine's memory.
#include "cubed/runtime/executor.hpp"

namespace cubed {

class ThreadExecutor final : public Executor {
 public:
  /// `num_threads` <= 0: the number of cores.
  explicit ThreadExecutor(int num_threads = 0);
  std::string name() const override;
  void execute(ExecutionPlan& plan) override;
  int num_threads() const { return num_threads_; }

 private:
  int num_threads_;
};

/// Total physical memory of this machine in bytes.
std::int64_t machine_memory();
/// Throws MemoryBudgetError when `workers` x allowed_mem exceeds the
/// machine's memory.
void check_workers_fit(const std::string& executor, int workers, std::int64_t allowed_mem);

}  // namespace cubed
