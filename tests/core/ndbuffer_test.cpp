#include "cubed/core/ndbuffer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <thread>

#include "cubed/core/error.hpp"
#include "cubed/core/memory.hpp"

namespace cubed {
namespace {

NDBuffer iota(DType dt, Shape shape) {
  NDBuffer b(dt, shape);
  for (std::int64_t i = 0; i < b.size(); ++i) b.set(i, Scalar(static_cast<std::int64_t>(i)));
  return b;
}

TEST(NDBuffer, AlignedAndSized) {
  NDBuffer b(DType::kFloat32, {3, 5});
  EXPECT_EQ(b.size(), 15);
  EXPECT_EQ(b.nbytes(), 60);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(b.data()) % kBufferAlignment, 0u);
  EXPECT_THROW(NDBuffer(DType::kFloat32, {-1}), InvalidArgumentError);
  EXPECT_THROW(b.span<double>(), InternalError);
}

TEST(NDBuffer, FillEveryDType) {
  for (int i = 0; i < kNumDTypes; ++i) {
    auto dt = static_cast<DType>(i);
    NDBuffer b = NDBuffer::filled(dt, {7, 3}, Scalar(3));
    for (std::int64_t k = 0; k < b.size(); ++k) {
      EXPECT_EQ(b.get(k).as_double(), is_bool(dt) ? 1.0 : 3.0) << dtype_name(dt);
    }
  }
  NDBuffer nan = NDBuffer::filled(DType::kFloat64, {5}, Scalar(std::nan("")));
  for (double v : nan.span<double>()) EXPECT_TRUE(std::isnan(v));
}

TEST(NDBuffer, CopyIsDeepAndMoveEmpties) {
  NDBuffer a = iota(DType::kInt32, {4});
  NDBuffer b = a;
  b.set(0, Scalar(99));
  EXPECT_EQ(a.get(0).as_int(), 0);
  NDBuffer c = std::move(b);
  EXPECT_EQ(c.get(0).as_int(), 99);
  EXPECT_TRUE(a == iota(DType::kInt32, {4}));
  EXPECT_FALSE(a == c);
}

TEST(NDBuffer, CopyRegion) {
  NDBuffer src = iota(DType::kInt64, {4, 5});
  NDBuffer dst = NDBuffer::zeros(DType::kInt64, {3, 3});
  copy_region(src, {1, 2}, dst, {1, 0}, {2, 3});
  // Rows 1..2 and columns 2..4 of src land in rows 1..2 of dst.
  std::vector<std::int64_t> expected = {0, 0, 0, 7, 8, 9, 12, 13, 14};
  for (std::int64_t i = 0; i < 9; ++i) EXPECT_EQ(dst.get(i).as_int(), expected[i]) << i;
  EXPECT_THROW(copy_region(src, {3, 0}, dst, {0, 0}, {2, 2}), InvalidArgumentError);
  NDBuffer other(DType::kInt32, {3, 3});
  EXPECT_THROW(copy_region(src, {0, 0}, other, {0, 0}, {1, 1}), InvalidArgumentError);
}

TEST(NDBuffer, TransposeMatchesIndexMath) {
  NDBuffer src = iota(DType::kFloat64, {2, 3, 4});
  NDBuffer t = transpose(src, {2, 0, 1});
  ASSERT_EQ(t.shape(), (Shape{4, 2, 3}));
  for (std::int64_t i = 0; i < 4; ++i)
    for (std::int64_t j = 0; j < 2; ++j)
      for (std::int64_t k = 0; k < 3; ++k) EXPECT_EQ(t.at({i, j, k}).as_double(), src.at({j, k, i}).as_double());
  EXPECT_THROW(transpose(src, {0, 0, 1}), InvalidArgumentError);
}

TEST(NDBuffer, ByteswapComplexSwapsEachPart) {
  NDBuffer c(DType::kComplex64, {1});
  c.set(0, Scalar(std::complex<double>(1.0, 2.0)));
  byteswap_elements(DType::kComplex64, c.bytes());
  float parts[2];
  std::memcpy(parts, c.data(), 8);
  std::uint32_t one_bits;
  std::memcpy(&one_bits, &parts[0], 4);
  EXPECT_EQ(one_bits, 0x0000803Fu);  // 1.0f = 0x3F800000, swapped
  byteswap_elements(DType::kComplex64, c.bytes());
  EXPECT_EQ(c.get(0).as_complex(), std::complex<double>(1.0, 2.0));
}

TEST(Scalar, StoreIsSafeOnAnyInput) {
  std::int32_t i = 0;
  Scalar(std::nan("")).store(DType::kInt32, &i);
  EXPECT_EQ(i, 0);
  Scalar(1e30).store(DType::kInt32, &i);
  EXPECT_EQ(i, 2147483647);
  Scalar(-1e30).store(DType::kInt32, &i);
  EXPECT_EQ(i, -2147483648);
  std::uint8_t u = 0;
  Scalar(std::int64_t{300}).store(DType::kUInt8, &u);
  EXPECT_EQ(u, 44);  // wraps as a C++ integer conversion does
  EXPECT_EQ(Scalar(1.5).to_string(), "1.5");
  EXPECT_EQ(Scalar(2.0).to_string(), "2.0");
  EXPECT_EQ(Scalar(std::complex<double>(1, -2)).to_string(), "(1.0-2.0j)");
  EXPECT_EQ(Scalar(true).to_string(), "True");
  EXPECT_EQ(Scalar(std::nan("")), Scalar(std::nan("")));
}

}  // namespace
}  // namespace cubed
