#pragma once
/// Executors run a plan's tasks. A task is plain data, (operation index,
/// task index), so that any thread, process or machine can run it; the
/// executor only decides when and where.
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

namespace cubed {

/// What one task reports back.
struct TaskResult {
  std::int64_t measured_peak_mem = 0;  ///< counted bytes above the task's start
  /// Seconds since the computation started: when the executor scheduled
  /// the task, when it started and ended running.
  double created = 0, started = 0, ended = 0;
  int attempts = 1;
  /// True when this run was a backup copy of a straggler (see scheduler.hpp).
  bool backup = false;
  /// Where it ran, set by the executor: "main", "thread N", "process PID"
  /// or "rank R".
  std::string worker;
};

/// How executors run a plan's tasks (ComputeOptions carries them).
struct ExecuteOptions {
  /// Runs after a transient failure: 2 retries, so 3 attempts (Cubed's).
  int retries = 2;
  /// Duplicate stragglers (threads and processes executors; see
  /// scheduler.hpp for the rule).
  bool backup_tasks = true;
  /// At most this many new tasks in flight at once, started as a batch when
  /// the previous batch has finished (0: no batches).
  std::int64_t batch_size = 0;
  /// Run independent operations at the same time (else one operation at a
  /// time, in plan order).
  bool compute_arrays_in_parallel = false;
};

/// The runtime's view of a plan, given to executors.
class ExecutionPlan {
 public:
  virtual ~ExecutionPlan() = default;
  virtual int num_operations() const = 0;
  /// The plan's allowed_mem per task (executors check their workers fit).
  virtual std::int64_t allowed_mem() const = 0;
  /// The plan's reserved_mem (a worker's own baseline, within allowed_mem).
  virtual std::int64_t reserved_mem() const { return 0; }
  /// Operations this one reads (all indices smaller than op).
  virtual const std::vector<int>& dependencies(int op) const = 0;
  virtual std::int64_t num_tasks(int op) const = 0;
  /// Prepares an operation's output (creates its array). Call once, before
  /// its first task.
  virtual void begin_operation(int op) = 0;
  /// The tasks of `op` to run, ascending (after begin_operation): all of
  /// them, except those a resumed computation finished before.
  virtual const std::vector<std::int64_t>& tasks_to_run(int op) const = 0;
  /// Runs task `index` (C-order index in the operation's task grid). Thread
  /// safe. Throws the task's error, wrapped with the operation and task.
  virtual TaskResult run_task(int op, std::int64_t index) = 0;
  /// Reports a finished task to the plan's callbacks (coordinating process
  /// only; may be called from several threads).
  virtual void task_ended(int op, std::int64_t index, const TaskResult& result) = 0;
  /// Seconds since the computation started.
  virtual double now() const = 0;
  /// "operation 'add' (array-0003), task (2, 1)", for messages.
  virtual std::string describe_task(int op, std::int64_t index) const = 0;
  virtual ExecuteOptions execute_options() const { return {}; }
  /// True when some array of the plan lives in this process's memory
  /// (memory:// stores), which other processes cannot see.
  virtual bool uses_process_local_storage() const { return false; }
  /// Marks an operation complete (writes its metadata). Call once, after
  /// all its tasks succeeded.
  virtual void end_operation(int op) = 0;
  /// Opens an operation's array that the coordinating process began, without
  /// creating or erasing anything, so that this process can run its tasks
  /// (worker ranks of the mpi executor; its dependencies must be attached
  /// or begun too).
  virtual void attach_operation(int op) { (void)op; }
};

class Executor {
 public:
  virtual ~Executor() = default;
  virtual std::string name() const = 0;
  /// Runs every operation in dependency order. Throws the first error.
  virtual void execute(ExecutionPlan& plan) = 0;
  /// False on the processes of an SPMD executor (mpi) that only run tasks:
  /// they skip the checks, callbacks and in-memory results of a computation.
  virtual bool coordinates() const { return true; }
  /// Called by every process of a computation once the coordinating one
  /// prepared it: `folder` is its folder, `error` what went wrong there (on
  /// the coordinator). Returns the folder every process uses, or throws the
  /// error on every process. Local executors just rethrow or return folder.
  virtual std::string start_computation(const std::string& work_dir, const std::string& folder,
                                        std::exception_ptr error) {
    (void)work_dir;
    if (error) std::rethrow_exception(error);
    return folder;
  }
};

/// Makes an executor from its name: "single-threaded", "threads",
/// "threads:N", "processes", "processes:N", "processes:N:hard-limit" (N
/// defaults to the number of cores; see process_executor.hpp) or "mpi"
/// (mpi_executor.hpp; builds with MPI only). Throws InvalidArgumentError
/// naming an unknown executor.
std::shared_ptr<Executor> make_executor(const std::string& name);

}  // namespace cubed
