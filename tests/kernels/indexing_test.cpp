#include "cubed/kernels/indexing.hpp"

#include <gtest/gtest.h>

#include "cubed/core/error.hpp"

namespace cubed::kernels {
namespace {

NDBuffer iota(DType dt, const Shape& shape) {
  NDBuffer b(dt, shape);
  for (std::int64_t i = 0; i < b.size(); ++i) b.set(i, Scalar(i));
  return b;
}

TEST(GatherKernel, RunsReversalsBroadcastAndFixedAxes) {
  // src (3, 4); dst (2, 5, 3): dst[i, j, k] = src[fixed row 2 - ... ] built as
  // axis 0: new axis (no source axis), axis 1: source axis 1 reversed and
  // repeated, axis 2: source axis 0 in order.
  const NDBuffer src = iota(DType::kInt32, {3, 4});
  NDBuffer dst = NDBuffer::zeros(DType::kInt32, {2, 5, 3});
  std::vector<GatherAxis> axes(3);
  axes[0].dst = {0, 1};
  axes[1] = {{0, 1, 2, 3, 4}, {3, 2, 1, 0, 0}, 1};
  axes[2] = {{0, 1, 2}, {0, 1, 2}, 0};
  gather(src, {0, 0}, dst, axes);
  for (std::int64_t i = 0; i < 2; ++i) {
    for (std::int64_t j = 0; j < 5; ++j) {
      for (std::int64_t k = 0; k < 3; ++k) {
        const std::int64_t col = std::vector<std::int64_t>{3, 2, 1, 0, 0}[j];
        EXPECT_EQ(dst.at({i, j, k}).as_int(), k * 4 + col) << i << j << k;
      }
    }
  }
  // A fixed source axis (an integer index) and a partial destination box.
  NDBuffer row = NDBuffer::zeros(DType::kInt32, {6});
  gather(src, {1, 0}, row, {GatherAxis{{2, 3, 4}, {1, 2, 3}, 1}});
  EXPECT_EQ(row.get(1).as_int(), 0);
  EXPECT_EQ(row.get(2).as_int(), 5);
  EXPECT_EQ(row.get(4).as_int(), 7);
}

TEST(GatherKernel, ZeroDimensionalAndErrors) {
  const NDBuffer src = iota(DType::kComplex128, {4});
  NDBuffer scalar(DType::kComplex128, {});
  gather(src, {3}, scalar, {});
  EXPECT_EQ(scalar.get(0).as_complex(), std::complex<double>(3, 0));
  NDBuffer dst(DType::kComplex128, {2});
  EXPECT_THROW(gather(src, {0}, dst, {GatherAxis{{0, 2}, {0, 1}, 0}}), InvalidArgumentError);
  EXPECT_THROW(gather(src, {0}, dst, {GatherAxis{{0, 1}, {0, 4}, 0}}), InvalidArgumentError);
  EXPECT_THROW(gather(src, {5}, scalar, {}), InvalidArgumentError);
  NDBuffer other(DType::kFloat64, {2});
  EXPECT_THROW(gather(src, {0}, other, {GatherAxis{{0, 1}, {0, 1}, 0}}), InvalidArgumentError);
}

TEST(TakeAlongAxisKernel, CopiesOnlyTheListedPositions) {
  // src chunk: rows 4..5 (origin 4 along axis 0) of a (6, 3) array.
  const NDBuffer src = iota(DType::kInt64, {2, 3});
  NDBuffer dst = NDBuffer::filled(DType::kInt64, {2, 3}, Scalar(-1));
  const std::vector<std::int64_t> index{5, 0, 4, 4, 5, 1};
  const std::vector<std::int64_t> positions{0, 2, 3, 4};
  take_along_axis_copy(src, 4, index, positions, dst, 0);
  EXPECT_EQ(dst.get(0).as_int(), 3);  // row 5 - 4 = 1, column 0
  EXPECT_EQ(dst.get(1).as_int(), -1);
  EXPECT_EQ(dst.get(2).as_int(), 2);  // row 0, column 2
  EXPECT_EQ(dst.get(3).as_int(), 0);
  EXPECT_EQ(dst.get(4).as_int(), 4);
  const std::vector<std::int64_t> outside{1};
  EXPECT_THROW(take_along_axis_copy(src, 4, index, outside, dst, 0), InvalidArgumentError);
}

}  // namespace
}  // namespace cubed::kernels
