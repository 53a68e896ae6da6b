#include "cubed/runtime/thread_executor.hpp"

#include <unistd.h>

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "cubed/core/error.hpp"
#include "cubed/core/size.hpp"
#include "cubed/runtime/retry.hpp"

namespace cubed {

std::int64_t machine_memory() {
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return INT64_MAX;
  return static_cast<std::int64_t>(pages) * page_size;
}

ThreadExecutor::ThreadExecutor(int num_threads)
    : num_threads_(num_threads > 0 ? num_threads : std::max(1u, std::thread::hardware_concurrency())) {}

std::string ThreadExecutor::name() const { return "threads:" + std::to_string(num_threads_); }

void ThreadExecutor::execute(ExecutionPlan& plan) {
  const std::int64_t needed = static_cast<std::int64_t>(num_threads_) * plan.allowed_mem();
  if (needed > machine_memory()) {
    throw MemoryBudgetError("executor " + name() + ": " + std::to_string(num_threads_) + " workers x allowed_mem " +
                            format_size(plan.allowed_mem()) + " = " + format_size(needed) +
                            " exceeds this machine's memory " + format_size(machine_memory()) +
                            "; use fewer threads or a smaller allowed_mem");
  }
  for (int op = 0; op < plan.num_operations(); ++op) {
    plan.begin_operation(op);
    const std::vector<std::int64_t>& tasks = plan.tasks_to_run(op);
    const auto total = static_cast<std::int64_t>(tasks.size());
    std::atomic<std::int64_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto worker = [&] {
      while (!failed.load()) {
        const std::int64_t i = next.fetch_add(1);
        if (i >= total) return;
        const std::int64_t task = tasks[static_cast<std::size_t>(i)];
        try {
          plan.task_ended(op, task, run_with_retries(plan, op, task));
        } catch (...) {
          std::lock_guard lock(error_mutex);
          if (!error) error = std::current_exception();
          failed = true;
        }
      }
    };
    const int workers = static_cast<int>(std::min<std::int64_t>(num_threads_, std::max<std::int64_t>(total, 1)));
    std::vector<std::thread> threads;
    for (int i = 1; i < workers; ++i) threads.emplace_back(worker);
    worker();  // the calling thread works too
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
    plan.end_operation(op);
  }
}

}  // namespace cubed
