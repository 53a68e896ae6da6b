#include "cubed/core/memory.hpp"

#include <algorithm>
#include <cstdlib>

namespace cubed {
namespace {
thread_local MemoryCounter t_counter;
}  // namespace

void* counted_allocate(std::size_t bytes) {
  std::size_t rounded = (std::max<std::size_t>(bytes, 1) + kBufferAlignment - 1) /
                        kBufferAlignment * kBufferAlignment;
  void* p = std::aligned_alloc(kBufferAlignment, rounded);
  if (p == nullptr) throw std::bad_alloc();
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

PeakMemoryScope::PeakMemoryScope() noexcept
    : base_(t_counter.current), outer_peak_(t_counter.peak) {
  t_counter.peak = t_counter.current;
}

PeakMemoryScope::~PeakMemoryScope() {
  t_counter.peak = std::max(outer_peak_, t_counter.peak);
}

std::int64_t PeakMemoryScope::peak() const noexcept { return t_counter.peak - base_; }

}  // namespace cubed
