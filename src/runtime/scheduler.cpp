// The parallel executors' scheduler (see scheduler.hpp).
#include "cubed/runtime/scheduler.hpp"

#include <algorithm>

namespace cubed {

bool is_transient(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kStorage:
    case ErrorKind::kExecutor:
    case ErrorKind::kInternal: return true;
    default: return false;
  }
}

namespace {
// Cubed's backup rule.
constexpr std::int64_t kBackupMinTasks = 10;
constexpr double kBackupSlowdown = 3.0;
// Not Cubed's: a floor, so that timing jitter of millisecond tasks does not
// launch copies that cannot save anything worth their cost.
constexpr double kBackupMinSeconds = 0.5;
}  // namespace

Scheduler::Scheduler(ExecutionPlan& plan, ExecuteOptions options)
    : plan_(plan), options_(options), num_ops_(plan.num_operations()), ops_(static_cast<std::size_t>(num_ops_)) {}

bool Scheduler::ready(int op) const {
  if (!options_.compute_arrays_in_parallel) return op == 0 || ops_[op - 1].ended;
  for (int d : plan_.dependencies(op)) {
    if (!ops_[d].ended) return false;
  }
  return true;
}

void Scheduler::begin(int op) {
  Op& o = ops_[op];
  plan_.begin_operation(op);
  o.begun = true;
  o.begin_order = begun_count_++;
  o.tasks = &plan_.tasks_to_run(op);
  o.finished.assign(static_cast<std::size_t>(plan_.num_tasks(op)), false);
  if (o.tasks->empty()) {  // completed by an earlier attempt (resume)
    plan_.end_operation(op);
    o.ended = true;
    ++ended_;
  }
}

std::optional<Assignment> Scheduler::next() {
  if (error_) return std::nullopt;
  // Begin what became ready (ending empty operations may make more ready).
  for (bool again = true; again;) {
    again = false;
    for (int op = 0; op < num_ops_; ++op) {
      if (!ops_[op].begun && ready(op)) {
        begin(op);
        again = again || ops_[op].ended;
      }
    }
  }
  const bool batch_full = options_.batch_size > 0 && batch_started_ >= options_.batch_size;
  for (int op = 0; op < num_ops_; ++op) {
    Op& o = ops_[op];
    if (!o.begun || o.ended) continue;
    if (!o.retries.empty()) {
      Assignment run = o.retries.front();
      o.retries.pop_front();
      ++o.copies[run.task];
      o.started.emplace(run.task, plan_.now());
      ++running_;
      return run;
    }
    if (o.next < o.tasks->size() && !batch_full) {
      Assignment run{op, (*o.tasks)[o.next++], 1, false, plan_.now()};
      ++o.copies[run.task];
      o.started[run.task] = run.created;
      ++running_;
      ++batch_started_;
      return run;
    }
  }
  if (options_.backup_tasks) {
    for (int op = 0; op < num_ops_; ++op) {
      if (ops_[op].begun && !ops_[op].ended) {
        if (auto run = backup_for(op)) return run;
      }
    }
  }
  return std::nullopt;
}

std::optional<Assignment> Scheduler::backup_for(int op) {
  Op& o = ops_[op];
  const auto total = static_cast<std::int64_t>(o.tasks->size());
  if (total < kBackupMinTasks || 2 * o.done < total || o.durations.empty()) return std::nullopt;
  std::vector<double> d = o.durations;
  std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(d.size() / 2), d.end());
  const double median = d[d.size() / 2];
  const double now = plan_.now();
  for (const auto& [task, start] : o.started) {
    if (now - start <= std::max(kBackupSlowdown * median, kBackupMinSeconds)) continue;
    if (std::find(o.backed_up.begin(), o.backed_up.end(), task) != o.backed_up.end()) continue;
    o.backed_up.push_back(task);
    ++o.copies[task];
    ++running_;
    ++backups_;
    return Assignment{op, task, 1, true, now};
  }
  return std::nullopt;
}

void Scheduler::succeeded(const Assignment& run, TaskResult result) {
  Op& o = ops_[run.op];
  --running_;
  if (--o.copies[run.task] == 0) o.copies.erase(run.task);
  if (options_.batch_size > 0 && running_ == 0) batch_started_ = 0;  // the batch is over
  const auto index = static_cast<std::size_t>(run.task);
  if (o.finished[index]) return;  // the other copy won
  o.finished[index] = true;
  o.durations.push_back(result.ended - result.started);
  o.started.erase(run.task);
  ++o.done;
  result.created = run.created;
  result.attempts = run.attempt;
  result.backup = run.backup;
  plan_.task_ended(run.op, run.task, result);
  if (o.done == static_cast<std::int64_t>(o.tasks->size())) {
    plan_.end_operation(run.op);
    o.ended = true;
    ++ended_;
  }
}

void Scheduler::failed(const Assignment& run, ErrorKind kind, const std::string& message) {
  Op& o = ops_[run.op];
  --running_;
  if (options_.batch_size > 0 && running_ == 0) batch_started_ = 0;
  const bool other_copy = --o.copies[run.task] > 0;
  if (o.copies[run.task] == 0) o.copies.erase(run.task);
  if (o.finished[static_cast<std::size_t>(run.task)] || other_copy || error_) return;
  if (is_transient(kind) && run.attempt <= options_.retries) {
    Assignment again = run;
    again.attempt += 1;
    again.backup = false;
    o.started.erase(run.task);
    o.retries.push_back(again);
    return;
  }
  try {
    throw_error(kind, run.attempt == 1 ? message
                                       : message + " (after " + std::to_string(run.attempt) + " attempts)");
  } catch (...) {
    error_ = std::current_exception();
  }
}

}  // namespace cubed
