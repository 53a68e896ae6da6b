#include "cubed/core/memory.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <thread>

#include "cubed/core/ndbuffer.hpp"

namespace cubed {
namespace {

TEST(Memory, CountsPerThreadAndPeak) {
  PeakMemoryScope scope;
  std::int64_t before = thread_memory().current;
  {
    NDBuffer a(DType::kFloat64, {1000});
    EXPECT_EQ(thread_memory().current - before, 8000);
    {
      NDBuffer b(DType::kFloat64, {500});
      EXPECT_EQ(thread_memory().current - before, 12000);
    }
    Bytes bytes(100);
    EXPECT_EQ(thread_memory().current - before, 8100);
  }
  EXPECT_EQ(thread_memory().current, before);
  EXPECT_EQ(scope.peak(), 12000);
  // Another thread's allocations do not count here.
  std::thread t([] { NDBuffer big(DType::kUInt8, {1 << 20}); });
  t.join();
  EXPECT_EQ(scope.peak(), 12000);
}

constexpr std::int64_t kMiB = 1 << 20;

// Runs `body` on a thread of its own, so that its cache starts empty and the
// counters start at zero.
template <class F>
void on_new_thread(F body) {
  std::thread t(body);
  t.join();
}

TEST(BufferCache, ReusesALargeBufferFreedOnTheSameThread) {
  on_new_thread([] {
    set_thread_buffer_cache(64 * kMiB);
    const std::uint8_t* first = nullptr;
    {
      NDBuffer a(DType::kUInt8, {8 * kMiB});
      std::memset(a.data(), 7, 8 * kMiB);
      first = a.data();
    }
    EXPECT_GE(thread_buffer_cache_bytes(), 8 * kMiB);
    EXPECT_EQ(thread_memory().current, 0);  // kept buffers are not counted as held
    {
      // Slightly smaller (an edge chunk) reuses it too.
      NDBuffer b(DType::kUInt8, {7 * kMiB});
      EXPECT_EQ(b.data(), first);
      EXPECT_EQ(thread_buffer_cache_bytes(), 0);
    }
    set_thread_buffer_cache(0);
    EXPECT_EQ(thread_buffer_cache_bytes(), 0);
  });
}

TEST(BufferCache, HeldPlusKeptStaysWithinTheLimit) {
  on_new_thread([] {
    set_thread_buffer_cache(20 * kMiB);
    {
      NDBuffer held(DType::kUInt8, {12 * kMiB});
      { NDBuffer a(DType::kUInt8, {4 * kMiB}); }
      EXPECT_GE(thread_buffer_cache_bytes(), 4 * kMiB);
      // 12 held + 4 kept + 10 kept would exceed 20: the 10 MiB one is freed.
      { NDBuffer b(DType::kUInt8, {10 * kMiB}); }
      EXPECT_LE(thread_memory().current + thread_buffer_cache_bytes(), 20 * kMiB);
    }
    // A new allocation that does not fit beside what is kept frees kept buffers first.
    { NDBuffer c(DType::kUInt8, {18 * kMiB}); EXPECT_LE(thread_buffer_cache_bytes(), 2 * kMiB); }
    EXPECT_LE(thread_buffer_cache_bytes(), 20 * kMiB);
    set_thread_buffer_cache(0);
  });
}

TEST(BufferCache, OffByDefaultAndSmallOrMuchSmallerBuffersAreNotServed) {
  on_new_thread([] {
    { NDBuffer a(DType::kUInt8, {4 * kMiB}); }
    EXPECT_EQ(thread_buffer_cache_bytes(), 0);
    set_thread_buffer_cache(64 * kMiB);
    { NDBuffer small(DType::kUInt8, {1000}); }
    EXPECT_EQ(thread_buffer_cache_bytes(), 0);
    const std::uint8_t* big_data = nullptr;
    {
      NDBuffer big(DType::kUInt8, {16 * kMiB});
      big_data = big.data();
    }
    // A 2 MiB buffer does not take a 16 MiB one (it would hold 8x its size).
    NDBuffer two(DType::kUInt8, {2 * kMiB});
    EXPECT_NE(two.data(), big_data);
    EXPECT_GE(thread_buffer_cache_bytes(), 16 * kMiB);
    set_thread_buffer_cache(0);
  });
}

}  // namespace
}  // namespace cubed
