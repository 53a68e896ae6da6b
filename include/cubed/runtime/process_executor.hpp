#pragma once
/// The processes executor: N worker processes, forked from the coordinating
/// thread once the plan is built and the operations they serve have begun
/// (so user chunk functions and array objects exist in them), fed task ids
/// over a socket each. A worker runs one task at a time on its one thread and
/// reports the task's measured peak memory (the counted bytes of that
/// thread) with its result.
///
/// - A worker that dies (crash, SIGKILL, the kernel's OOM killer) is
///   replaced, and its task retried like any transient failure; after the
///   last attempt the error names the operation, the task and the signal.
/// - With the hard limit on, each worker refuses counted allocations beyond
///   allowed_mem - reserved_mem in a task: the task fails at once (not
///   retried: it would overrun again) with a MemoryBudgetError naming the
///   operation, the task and the sizes, instead of taking the machine down.
///   Memory that the library does not count (a user's own allocations) is
///   not limited.
/// - Stores in this process's memory (memory://) are refused: workers could
///   not see them.
/// - Workers are forked after an operation begins; one forked earlier is
///   retired and replaced when it would run a later operation's task.
#include "cubed/runtime/executor.hpp"

namespace cubed {

class ProcessExecutor final : public Executor {
 public:
  /// `num_processes` <= 0: the number of cores.
  explicit ProcessExecutor(int num_processes = 0, bool hard_memory_limit = false);
  std::string name() const override;
  void execute(ExecutionPlan& plan) override;
  int num_processes() const { return num_processes_; }

 private:
  int num_processes_;
  bool hard_memory_limit_;
};

}  // namespace cubed
