#include "cubed/core/memory.hpp"

#include <algorithm>
#include <cstdlib>
#include <malloc.h>

#include <limits>
#include <string>

#include "cubed/core/error.hpp"

namespace cubed {
namespace {
thread_local MemoryCounter t_counter;
thread_local std::int64_t t_limit = std::numeric_limits<std::int64_t>::max();
thread_local std::int64_t t_limit_base = 0;

// glibc raises its mmap threshold each time a large block is freed (up to
// 32 MiB), after which chunk-sized buffers come from the heap, fragment it,
// and the process keeps memory it no longer uses: its RSS then drifts above
// what the tasks hold. A fixed threshold turns that off, so every buffer of
// 1 MiB or more is mapped and unmapped, and RSS follows the counted bytes.
bool fix_malloc_thresholds() {
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  mallopt(M_TRIM_THRESHOLD, 4 << 20);
  return true;
}
[[maybe_unused]] const bool kMallocFixed = fix_malloc_thresholds();

}  // namespace

void* counted_allocate(std::size_t bytes) {
  std::size_t rounded = (std::max<std::size_t>(bytes, 1) + kBufferAlignment - 1) /
                        kBufferAlignment * kBufferAlignment;
  void* p = std::aligned_alloc(kBufferAlignment, rounded);
  if (p == nullptr) throw std::bad_alloc();
  if (t_counter.current + static_cast<std::int64_t>(bytes) > t_limit) {
    std::free(p);
    throw MemoryBudgetError("memory limit exceeded: allocating " + std::to_string(bytes) + " bytes would hold " +
                            std::to_string(t_counter.current + static_cast<std::int64_t>(bytes) - t_limit_base) +
                            " bytes, over the hard limit of " + std::to_string(t_limit - t_limit_base) +
                            " bytes (allowed_mem - reserved_mem)");
  }
  t_counter.current += static_cast<std::int64_t>(bytes);
  t_counter.peak = std::max(t_counter.peak, t_counter.current);
  return p;
}

void counted_free(void* pointer, std::size_t bytes) noexcept {
  if (pointer == nullptr) return;
  std::free(pointer);
  // A buffer may be freed on another thread than the one that allocated it
  // (a result handed back to the caller); the counter may then go below zero
  // on this thread, which only lowers later peaks relative to a scope's base.
  t_counter.current -= static_cast<std::int64_t>(bytes);
}

MemoryCounter thread_memory() noexcept { return t_counter; }

void reset_thread_peak() noexcept { t_counter.peak = t_counter.current; }

void set_thread_memory_limit(std::int64_t bytes) noexcept {
  t_limit_base = t_counter.current;
  t_limit = bytes < 0 ? std::numeric_limits<std::int64_t>::max() : t_counter.current + bytes;
}

PeakMemoryScope::PeakMemoryScope() noexcept
    : base_(t_counter.current), outer_peak_(t_counter.peak) {
  t_counter.peak = t_counter.current;
}

PeakMemoryScope::~PeakMemoryScope() {
  t_counter.peak = std::max(outer_peak_, t_counter.peak);
}

std::int64_t PeakMemoryScope::peak() const noexcept { return t_counter.peak - base_; }

}  // namespace cubed
