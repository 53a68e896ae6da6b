#pragma once
/// The mpi executor: SPMD over MPI. Every rank runs the same program (a
/// user's C++ program started with mpirun, or `cubed eval ... --executor
/// mpi`) and builds the same plan; rank 0 coordinates, the others run tasks.
///
/// - Rank 0 begins and ends operations, hands task ids to idle ranks one at
///   a time (dynamic scheduling, with the shared Scheduler: retries, backup
///   tasks, batches) and receives their completion events, so callbacks,
///   progress, history and the timeline fire on rank 0 only. Alone (one
///   rank), rank 0 runs the tasks itself.
/// - Other ranks open the arrays rank 0 created (ExecutionPlan::
///   attach_operation) and write their chunks there: work_dir and targets
///   must be storage every rank sees (a shared filesystem, or s3://). At
///   the start rank 0 writes a marker in work_dir which every rank must
///   read, else every rank throws a StorageError naming the ranks and hosts
///   that cannot. memory:// stores are refused.
/// - A task that throws a transient error is retried on another rank (when
///   there is one). An error after the last attempt is thrown on every rank
///   (same kind and message), so that SPMD programs keep the same control
///   flow on all ranks.
/// - In-memory results (compute() returning NDBuffers) exist on rank 0 only;
///   other ranks get empty buffers.
/// - A rank that dies ends the whole job (MPI's rule); rerun with resume to
///   continue from the tasks written.
///
/// MPI is initialised on first use (MPI_Init_thread, funneled) unless the
/// program did it, and finalised at exit when we initialised it.
#include "cubed/runtime/executor.hpp"

namespace cubed {

class MpiExecutor final : public Executor {
 public:
  /// Initialises MPI when needed.
  MpiExecutor();
  std::string name() const override { return "mpi"; }
  void execute(ExecutionPlan& plan) override;
  bool coordinates() const override { return rank_ == 0; }
  std::string start_computation(const std::string& work_dir, const std::string& folder,
                                std::exception_ptr error) override;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

/// True when this build has the mpi executor (CUBED_WITH_MPI); without it the
/// MpiExecutor class is declared but not defined: use make_executor("mpi").
bool mpi_available();

}  // namespace cubed
