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

// Buffers from this size up are mapped by glibc (see above) and kept for
// reuse by the thread's BufferCache.
constexpr std::size_t kCachedMin = std::size_t{1} << 20;
// Fresh large buffers are rounded up to this, so that chunks of nearly the
// same size (edge chunks, encoded chunks) can reuse each other's buffers.
constexpr std::size_t kCachedGranule = std::size_t{64} << 10;

struct CachedBuffer {
  void* pointer;
  std::size_t capacity;
};

class BufferCache {
 public:
  ~BufferCache() { trim(0); }

  void set_limit(std::int64_t bytes) {
    limit_ = std::max<std::int64_t>(bytes, 0);
    trim(limit_);
  }

  std::int64_t kept() const { return kept_; }

  // A kept buffer of at least `bytes` and at most half as big again, or null.
  void* take(std::size_t bytes) {
    std::size_t best = buffers_.size();
    for (std::size_t i = 0; i < buffers_.size(); ++i) {
      const std::size_t c = buffers_[i].capacity;
      if (c >= bytes && c <= bytes + bytes / 2 && (best == buffers_.size() || c < buffers_[best].capacity)) best = i;
    }
    if (best == buffers_.size()) return nullptr;
    CachedBuffer b = buffers_[best];
    buffers_.erase(buffers_.begin() + static_cast<std::ptrdiff_t>(best));
    kept_ -= static_cast<std::int64_t>(b.capacity);
    return b.pointer;
  }

  // Makes room for `bytes` more to be held: frees kept buffers, oldest
  // first, until held + kept + bytes fits the limit.
  void make_room(std::int64_t held, std::size_t bytes) {
    trim(limit_ - std::max<std::int64_t>(held, 0) - static_cast<std::int64_t>(bytes));
  }

  // Keeps a freed buffer when it fits the limit beside what is held.
  bool keep(void* pointer, std::size_t capacity, std::int64_t held) {
    if (limit_ == 0 || std::max<std::int64_t>(held, 0) + kept_ + static_cast<std::int64_t>(capacity) > limit_) {
      return false;
    }
    buffers_.push_back({pointer, capacity});
    kept_ += static_cast<std::int64_t>(capacity);
    return true;
  }

 private:
  void trim(std::int64_t target) {
    std::size_t n = 0;
    while (n < buffers_.size() && kept_ > std::max<std::int64_t>(target, 0)) {
      std::free(buffers_[n].pointer);
      kept_ -= static_cast<std::int64_t>(buffers_[n].capacity);
      ++n;
    }
    buffers_.erase(buffers_.begin(), buffers_.begin() + static_cast<std::ptrdiff_t>(n));
  }

  std::int64_t limit_ = 0;
  std::int64_t kept_ = 0;
  std::vector<CachedBuffer> buffers_;
};

thread_local BufferCache t_cache;

std::size_t capacity_of(std::size_t rounded) {
  if (rounded < kCachedMin) return rounded;
  return (rounded + kCachedGranule - 1) / kCachedGranule * kCachedGranule;
}

}  // namespace

void* counted_allocate(std::size_t bytes) {
  std::size_t rounded = (std::max<std::size_t>(bytes, 1) + kBufferAlignment - 1) /
                        kBufferAlignment * kBufferAlignment;
  if (t_counter.current + static_cast<std::int64_t>(bytes) > t_limit) {
    throw MemoryBudgetError("memory limit exceeded: allocating " + std::to_string(bytes) + " bytes would hold " +
                            std::to_string(t_counter.current + static_cast<std::int64_t>(bytes) - t_limit_base) +
                            " bytes, over the hard limit of " + std::to_string(t_limit - t_limit_base) +
                            " bytes (allowed_mem - reserved_mem)");
  }
  const std::size_t capacity = capacity_of(rounded);
  void* p = capacity >= kCachedMin ? t_cache.take(capacity) : nullptr;
  if (p == nullptr) {
    if (capacity >= kCachedMin) t_cache.make_room(t_counter.current, capacity);
    p = std::aligned_alloc(kBufferAlignment, capacity);
    if (p == nullptr) throw std::bad_alloc();
  }
  t_counter.current += static_cast<std::int64_t>(bytes);
  t_counter.peak = std::max(t_counter.peak, t_counter.current);
  return p;
}

void counted_free(void* pointer, std::size_t bytes) noexcept {
  if (pointer == nullptr) return;
  const std::size_t rounded = (std::max<std::size_t>(bytes, 1) + kBufferAlignment - 1) / kBufferAlignment *
                              kBufferAlignment;
  // The buffer may have come from the cache with more capacity than asked
  // for; glibc knows its true size.
  const std::size_t capacity = capacity_of(rounded) >= kCachedMin ? malloc_usable_size(pointer) : 0;
  t_counter.current -= static_cast<std::int64_t>(bytes);
  if (capacity == 0 || !t_cache.keep(pointer, capacity, t_counter.current)) std::free(pointer);
  // A buffer may be freed on another thread than the one that allocated it
  // (a result handed back to the caller); the counter may then go below zero
  // on this thread, which only lowers later peaks relative to a scope's base.
}

void set_thread_buffer_cache(std::int64_t bytes) noexcept { t_cache.set_limit(bytes); }

std::int64_t thread_buffer_cache_bytes() noexcept { return t_cache.kept(); }

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
