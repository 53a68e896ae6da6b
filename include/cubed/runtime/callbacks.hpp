#pragma once
/// Callbacks: what a computation tells its observers. Events are delivered
/// in the coordinating process, one at a time (never concurrently), whatever
/// the executor.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cubed/core/shape.hpp"

namespace cubed {

class Plan;

struct OperationEvent {
  int operation = 0;           ///< index in the plan
  std::string function_name;   ///< "add", "rechunk", ...
  std::string array_name;      ///< the array it writes
  std::int64_t num_tasks = 0;
  std::int64_t projected_mem = 0;
  /// Tasks a resumed computation finished before (not run again).
  std::int64_t resumed_tasks = 0;
};

struct TaskEndEvent {
  int operation = 0;
  std::string function_name;
  std::string array_name;
  Shape task;                       ///< task coordinates (chunk or region)
  int attempts = 1;                 ///< 1 unless retried
  bool backup = false;              ///< run as a backup copy of a straggler
  /// Seconds since the computation started.
  double created = 0, started = 0, ended = 0, received = 0;
  std::int64_t measured_peak_mem = 0;  ///< reserved_mem not included
  std::int64_t projected_mem = 0;      ///< reserved_mem included
  /// Where the task ran: "main" (single-threaded), "thread N", "process
  /// PID" or "rank R" (mpi).
  std::string worker;
};

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_compute_start(const Plan&) {}
  virtual void on_compute_end(const Plan&, bool /*success*/) {}
  virtual void on_operation_start(const OperationEvent&) {}
  virtual void on_operation_end(const OperationEvent&) {}
  virtual void on_task_end(const TaskEndEvent&) {}
};

using CallbackPtr = std::shared_ptr<Callback>;

/// A progress display on stderr: one line per operation (done/total, rate,
/// ETA), redrawn in place on a terminal, plain lines otherwise.
CallbackPtr make_progress_bar();
/// Writes the history of a computation into `folder`: plan.csv (one row per
/// operation), events.csv (one row per task) and stats.csv (per operation:
/// tasks, projected and peak measured memory, utilisation = measured /
/// projected, time).
CallbackPtr make_history(const std::string& folder);
/// Writes an SVG timeline of the computation's tasks to `svg_path` when it
/// ends: one band per operation, one bar (rect) per task over time.
CallbackPtr make_timeline(const std::string& svg_path);

}  // namespace cubed
