#pragma once
/// Task retries, shared by every executor. A task that fails with a
/// transient error (storage, executor, internal, out of memory, or an error
/// from a user's chunk function) is run again, up to `retries` more times;
/// errors in the input itself (bad argument, dtype, metadata, corrupt chunk,
/// memory budget) are deterministic and are reported at once.
#include "cubed/runtime/executor.hpp"

namespace cubed {

/// Cubed's default: 2 retries, so 3 attempts.
inline constexpr int kDefaultRetries = 2;

/// Runs a task, retrying transient failures. Rethrows the last error, its
/// message prefixed with the number of attempts when more than one.
TaskResult run_with_retries(ExecutionPlan& plan, int op, std::int64_t task, int retries = kDefaultRetries);

}  // namespace cubed
