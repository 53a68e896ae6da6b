#pragma once
/// Counted memory. Every chunk buffer (`NDBuffer`) and codec buffer (`Bytes`)
/// is allocated through `counted_allocate`, which adds to a per-thread
/// counter. A task runs on one thread, so the thread's peak while it runs is
/// the task's *measured* peak memory, which tests compare with the plan's
/// projected memory.
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace cubed {

/// Alignment of every counted allocation: enough for AVX-512 loads.
inline constexpr std::size_t kBufferAlignment = 64;

/// Allocates `bytes` aligned to kBufferAlignment and counts them against the
/// calling thread. Throws std::bad_alloc on failure.
void* counted_allocate(std::size_t bytes);
/// Frees memory from counted_allocate; `bytes` must be the size allocated.
void counted_free(void* pointer, std::size_t bytes) noexcept;

/// The calling thread's counted bytes now and at their peak.
struct MemoryCounter {
  std::int64_t current = 0;
  std::int64_t peak = 0;
};
MemoryCounter thread_memory() noexcept;
/// Starts a new peak measurement: peak := current.
void reset_thread_peak() noexcept;
/// A hard limit on the calling thread's counted bytes: from now on,
/// counted_allocate throws MemoryBudgetError (naming the sizes) when the
/// thread would hold more than `bytes` above what it holds now. A negative
/// value removes the limit. Used by the processes executor's workers.
void set_thread_memory_limit(std::int64_t bytes) noexcept;

/// Keeps large buffers (1 MiB and more) freed on the calling thread for its
/// later allocations instead of returning them to the system: touching fresh
/// pages costs ~1 GB/s here against 10-25 GB/s for reused ones. The thread's
/// counted bytes plus the bytes it keeps stay within `bytes`, so its resident
/// memory stays within the budget it is given (a task's allowed_mem -
/// reserved_mem). 0 turns keeping off and frees what is kept; the kept
/// buffers are freed when the thread ends too.
void set_thread_buffer_cache(std::int64_t bytes) noexcept;
/// Bytes the calling thread keeps for reuse now.
std::int64_t thread_buffer_cache_bytes() noexcept;

/// Measures the peak counted bytes of the calling thread during its lifetime,
/// above what the thread held when it started. Nests.
class PeakMemoryScope {
 public:
  PeakMemoryScope() noexcept;
  ~PeakMemoryScope();
  PeakMemoryScope(const PeakMemoryScope&) = delete;
  PeakMemoryScope& operator=(const PeakMemoryScope&) = delete;
  /// Peak bytes held since construction, above the starting level.
  std::int64_t peak() const noexcept;

 private:
  std::int64_t base_;
  std::int64_t outer_peak_;
};

/// std-compatible allocator over counted_allocate. Default-initialises on
/// resize (no zero fill), since codec buffers are written before being read.
template <class T>
struct CountingAllocator {
  using value_type = T;
  CountingAllocator() noexcept = default;
  template <class U>
  CountingAllocator(const CountingAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) {
    return static_cast<T*>(counted_allocate(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept { counted_free(p, n * sizeof(T)); }
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(static_cast<Args&&>(args)...);
  }
  template <class U>
  bool operator==(const CountingAllocator<U>&) const noexcept {
    return true;
  }
};

/// A counted byte buffer: encoded chunks, store values, codec scratch.
using Bytes = std::vector<std::uint8_t, CountingAllocator<std::uint8_t>>;

}  // namespace cubed
