#pragma once
/// The scheduler shared by the parallel executors: which task runs next,
/// retries, backup tasks, batches and operations run concurrently. It is
/// plain bookkeeping, not thread safe: the threads executor calls it under a
/// mutex, the processes executor from its coordinating thread.
///
/// Backup tasks (Cubed's rule): in an operation of at least 10 tasks of which
/// at least half are done, a task running for more than 3x the median time
/// of its finished tasks (and for more than 0.5 s, so that the jitter of
/// millisecond tasks launches no copies) gets a duplicate; the first copy to finish wins and
/// the other's result is ignored. Safe because chunk writes are atomic and a
/// task's output does not depend on which copy wrote it.
#include <cstdint>
#include <deque>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cubed/core/error.hpp"
#include "cubed/runtime/executor.hpp"

namespace cubed {

/// One run of one task.
struct Assignment {
  int op = 0;
  std::int64_t task = 0;
  int attempt = 1;
  bool backup = false;
  double created = 0;  ///< when the task was first scheduled
};

/// True for errors worth another attempt (storage, executor, internal).
bool is_transient(ErrorKind kind);

class Scheduler {
 public:
  Scheduler(ExecutionPlan& plan, ExecuteOptions options);
  /// The next run to start now, or nullopt (all started, waiting for
  /// dependencies or a batch). Begins operations as they become ready.
  std::optional<Assignment> next();
  /// A run succeeded: the first copy of a task is reported to the plan;
  /// operations whose tasks are all done are ended.
  void succeeded(const Assignment& run, TaskResult result);
  /// A run failed: retried when the error is transient and attempts remain
  /// (ignored while another copy still runs); otherwise the computation has
  /// failed and error() holds the error, naming the attempts.
  void failed(const Assignment& run, ErrorKind kind, const std::string& message);
  bool finished() const { return ended_ == num_ops_; }
  bool has_failed() const { return static_cast<bool>(error_); }
  std::exception_ptr error() const { return error_; }
  /// Runs started and not yet reported.
  int running() const { return running_; }
  /// Number of operations begun so far (a worker process forked before an
  /// operation began cannot run its tasks).
  int operations_begun() const { return begun_count_; }
  /// Position of `op` in the order operations began (0-based).
  int begin_order(int op) const { return ops_[op].begin_order; }
  std::int64_t backups_launched() const { return backups_; }

 private:
  struct Op {
    bool begun = false, ended = false;
    int begin_order = -1;
    const std::vector<std::int64_t>* tasks = nullptr;
    std::size_t next = 0;                   // next fresh task in *tasks
    std::deque<Assignment> retries;         // failed runs to start again
    std::map<std::int64_t, double> started;  // running task -> first start
    std::map<std::int64_t, int> copies;     // running task -> copies running
    std::vector<std::int64_t> backed_up;    // tasks given a backup
    std::vector<double> durations;          // of finished tasks
    std::int64_t done = 0;
    std::vector<bool> finished;             // by task index
  };
  bool ready(int op) const;
  void begin(int op);
  std::optional<Assignment> backup_for(int op);
  ExecutionPlan& plan_;
  ExecuteOptions options_;
  int num_ops_;
  std::vector<Op> ops_;
  int ended_ = 0;
  int begun_count_ = 0;
  int running_ = 0;
  std::int64_t batch_started_ = 0;
  std::int64_t backups_ = 0;
  std::exception_ptr error_;
};

}  // namespace cubed
