#include "cubed/runtime/thread_executor.hpp"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "cubed/core/error.hpp"
#include "cubed/core/size.hpp"
#include "cubed/runtime/scheduler.hpp"

namespace cubed {

std::int64_t machine_memory() {
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return INT64_MAX;
  return static_cast<std::int64_t>(pages) * page_size;
}

void check_workers_fit(const std::string& executor, int workers, std::int64_t allowed_mem) {
  const std::int64_t needed = static_cast<std::int64_t>(workers) * allowed_mem;
  if (needed > machine_memory()) {
    throw MemoryBudgetError("executor " + executor + ": " + std::to_string(workers) + " workers x allowed_mem " +
                            format_size(allowed_mem) + " = " + format_size(needed) +
                            " exceeds this machine's memory " + format_size(machine_memory()) +
                            "; use fewer workers or a smaller allowed_mem");
  }
}

ThreadExecutor::ThreadExecutor(int num_threads)
    : num_threads_(num_threads > 0 ? num_threads : std::max(1u, std::thread::hardware_concurrency())) {}

std::string ThreadExecutor::name() const { return "threads:" + std::to_string(num_threads_); }

void ThreadExecutor::execute(ExecutionPlan& plan) {
  check_workers_fit(name(), num_threads_, plan.allowed_mem());
  Scheduler scheduler(plan, plan.execute_options());
  std::mutex mutex;
  std::condition_variable changed;
  std::exception_ptr unexpected;  // from callbacks or begin/end_operation
  auto worker = [&](int index) {
    std::unique_lock lock(mutex);
    while (!scheduler.finished() && !scheduler.has_failed() && !unexpected) {
      std::optional<Assignment> run;
      try {
        run = scheduler.next();
      } catch (...) {
        unexpected = std::current_exception();
        break;
      }
      if (!run) {
        // Wait for a run to end, or for a straggler to deserve a backup.
        changed.wait_for(lock, std::chrono::milliseconds(20));
        continue;
      }
      lock.unlock();
      TaskResult result;
      std::optional<std::pair<ErrorKind, std::string>> error;
      try {
        result = plan.run_task(run->op, run->task);
        result.worker = "thread " + std::to_string(index);
      } catch (const Error& e) {
        error.emplace(e.kind(), e.what());
      } catch (const std::exception& e) {
        error.emplace(ErrorKind::kExecutor, e.what());
      }
      lock.lock();
      try {
        if (error) scheduler.failed(*run, error->first, error->second);
        else scheduler.succeeded(*run, result);
      } catch (...) {
        if (!unexpected) unexpected = std::current_exception();
      }
      changed.notify_all();
    }
    changed.notify_all();
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < num_threads_; ++i) threads.emplace_back(worker, i);
  worker(0);  // the calling thread works too
  for (auto& t : threads) t.join();
  if (unexpected) std::rethrow_exception(unexpected);
  if (scheduler.has_failed()) std::rethrow_exception(scheduler.error());
}

}  // namespace cubed
