#include "cubed/runtime/compute.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "cubed/api/creation.hpp"
#include "cubed/api/elementwise.hpp"
#include "cubed/core/error.hpp"
#include "cubed/primitives/blockwise.hpp"
#include "cubed/primitives/rechunk.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;

class ComputeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() / ("cubed-compute-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir_);
    spec_ = Spec::make((dir_ / "work").string(), "100MB", "1MB");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // An in-memory buffer with values f(flat index).
  template <class F>
  static NDBuffer make(DType dt, const Shape& shape, F f) {
    NDBuffer b(dt, shape);
    for (std::int64_t i = 0; i < b.size(); ++i) b.set(i, f(i));
    return b;
  }

  fs::path dir_;
  SpecPtr spec_;
};

TEST_F(ComputeTest, VirtualArraysCompute) {
  NDBuffer r = compute(ones({5, 7}, DType::kInt32, std::int64_t{3}, spec_));
  ASSERT_EQ(r.shape(), (Shape{5, 7}));
  for (std::int64_t i = 0; i < r.size(); ++i) EXPECT_EQ(r.get(i).as_int(), 1);
  NDBuffer a = compute(arange(Scalar(2), Scalar(20), Scalar(3), std::nullopt, std::int64_t{4}, spec_));
  ASSERT_EQ(a.shape(), (Shape{6}));
  for (std::int64_t i = 0; i < 6; ++i) EXPECT_EQ(a.get(i).as_int(), 2 + 3 * i);
  NDBuffer l = compute(linspace(0, 1, 5, true, DType::kFloat64, std::int64_t{2}, spec_));
  EXPECT_EQ(l.get(4).as_double(), 1.0);
  EXPECT_EQ(l.get(1).as_double(), 0.25);
  NDBuffer e = compute(eye(4, 5, 1, DType::kFloat32, std::int64_t{3}, spec_));
  for (std::int64_t i = 0; i < 4; ++i)
    for (std::int64_t j = 0; j < 5; ++j) EXPECT_EQ(e.at({i, j}).as_double(), j == i + 1 ? 1.0 : 0.0);
}

TEST_F(ComputeTest, ElementwiseWithBroadcastingAndUnevenChunks) {
  NDBuffer xa = make(DType::kFloat64, {7, 5}, [](std::int64_t i) { return Scalar(0.5 * static_cast<double>(i)); });
  NDBuffer ya = make(DType::kInt32, {5}, [](std::int64_t i) { return Scalar(static_cast<std::int64_t>(i) - 2); });
  Array x = from_array(xa, {3, 2}, spec_);
  Array y = from_array(ya, {4}, spec_);  // other chunks: rechunked to x's
  Array z = (x + 2 * y) / 3 - y * y;
  EXPECT_EQ(z.dtype(), DType::kFloat64);
  NDBuffer r = compute(z);
  ASSERT_EQ(r.shape(), (Shape{7, 5}));
  for (std::int64_t i = 0; i < 7; ++i) {
    for (std::int64_t j = 0; j < 5; ++j) {
      double xv = 0.5 * static_cast<double>(i * 5 + j);
      double yv = static_cast<double>(j - 2);
      EXPECT_DOUBLE_EQ(r.at({i, j}).as_double(), (xv + 2 * yv) / 3 - yv * yv) << i << "," << j;
    }
  }
}

TEST_F(ComputeTest, IntegerSemanticsMatchPython) {
  NDBuffer av = make(DType::kInt64, {6}, [](std::int64_t i) { return Scalar(std::vector<std::int64_t>{7, -7, 7, -7, 5, 0}[i]); });
  NDBuffer bv = make(DType::kInt64, {6}, [](std::int64_t i) { return Scalar(std::vector<std::int64_t>{2, 2, -2, -2, 0, 3}[i]); });
  Array a = from_array(av, {4}, spec_);
  Array b = from_array(bv, {4}, spec_);
  auto [q, m, t] = std::tuple{compute(floor_divide(a, b)), compute(a % b), compute(a / b)};
  std::vector<std::int64_t> expected_q = {3, -4, -4, 3, 0, 0};
  std::vector<std::int64_t> expected_m = {1, 1, -1, -1, 0, 0};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(q.get(i).as_int(), expected_q[i]) << i;
    EXPECT_EQ(m.get(i).as_int(), expected_m[i]) << i;
  }
  EXPECT_EQ(t.dtype(), DType::kFloat64);
  EXPECT_DOUBLE_EQ(t.get(1).as_double(), -3.5);
  EXPECT_TRUE(std::isinf(t.get(4).as_double()));
}

TEST_F(ComputeTest, ScalarPromotionIsWeak) {
  Array f = ones({4}, DType::kFloat32, std::int64_t{2}, spec_);
  EXPECT_EQ((f + 1).dtype(), DType::kFloat32);
  EXPECT_EQ((f * 2.5).dtype(), DType::kFloat32);
  Array i = ones({4}, DType::kInt8, std::int64_t{2}, spec_);
  EXPECT_EQ((i + 1).dtype(), DType::kInt8);
  EXPECT_EQ((i + 1.5).dtype(), DType::kFloat64);
  EXPECT_EQ((i < 3).dtype(), DType::kBool);
  EXPECT_EQ((i + f).dtype(), DType::kFloat32);
  Array big = ones({4}, DType::kInt32, std::int64_t{2}, spec_);
  EXPECT_EQ((big + f).dtype(), DType::kFloat64);
}

TEST_F(ComputeTest, BadOperandsGiveClearErrors) {
  Array b = full({3}, Scalar(true), DType::kBool, std::int64_t{2}, spec_);
  Array f = ones({3}, DType::kFloat64, std::int64_t{2}, spec_);
  try {
    add(b, b);
    FAIL();
  } catch (const DTypeError& e) {
    EXPECT_NE(std::string(e.what()).find("add does not support dtype bool"), std::string::npos);
  }
  EXPECT_THROW(bitwise_and(f, f), DTypeError);
  Array g = ones({4}, DType::kFloat64, std::int64_t{2}, spec_);
  try {
    add(f, g);
    FAIL();
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("do not broadcast"), std::string::npos);
  }
  auto other_spec = Spec::make(path("elsewhere"), "100MB", "1MB");
  Array h = ones({3}, DType::kFloat64, std::int64_t{2}, other_spec);
  EXPECT_THROW(add(f, h), InvalidArgumentError);
}

TEST_F(ComputeTest, ToZarrWritesEveryChunkAndMetadataLast) {
  Array x = arange(Scalar(0), Scalar(100), Scalar(1), DType::kFloat64, std::int64_t{30}, spec_);
  Array y = x * x;
  to_zarr(y, path("out.zarr"));
  auto stored = storage::ZarrArray::open(storage::open_store_path(path("out.zarr")));
  EXPECT_EQ(stored.chunks(), (Shape{30}));
  EXPECT_EQ(stored.nchunks_initialized(), 4);
  NDBuffer all = stored.read_all();
  for (std::int64_t i = 0; i < 100; ++i) EXPECT_EQ(all.get(i).as_double(), static_cast<double>(i * i));
  // Exists now: refused without overwrite, before anything runs.
  EXPECT_THROW(to_zarr(y + 1, path("out.zarr")), InvalidArgumentError);
  to_zarr(y + 1, path("out.zarr"), {.overwrite = true});
  EXPECT_EQ(storage::ZarrArray::open(storage::open_store_path(path("out.zarr"))).read_chunk({0}).get(2).as_double(), 5.0);
  // Intermediates are removed after success.
  EXPECT_TRUE(!fs::exists(dir_ / "work") || fs::is_empty(dir_ / "work"));
}

TEST_F(ComputeTest, FromZarrRoundTripAndMultipleOutputs) {
  Array x = arange(Scalar(0), Scalar(50), Scalar(1), DType::kInt16, std::int64_t{7}, spec_);
  to_zarr(x, path("x.zarr"));
  Array xs = from_zarr(path("x.zarr"), spec_);
  Array doubled = xs * 2;
  std::vector<NDBuffer> r = compute({doubled + 1, doubled - 1});
  for (std::int64_t i = 0; i < 50; ++i) {
    EXPECT_EQ(r[0].get(i).as_int(), 2 * i + 1);
    EXPECT_EQ(r[1].get(i).as_int(), 2 * i - 1);
  }
  // The shared intermediate is computed once: 3 operations, not 4.
  Plan plan = Plan::build({{doubled + 1, std::nullopt}, {doubled - 1, std::nullopt}});
  ComputeReport report;
  compute({doubled + 1, doubled - 1}, {}, &report);
  EXPECT_EQ(report.stats.num_operations, 3);
}

TEST_F(ComputeTest, MemoryRefusalBeforeAnythingIsWritten) {
  auto tight = Spec::make(path("work2"), "10MB", "1MB");
  Array big = ones({4000, 4000}, DType::kFloat64, std::vector<std::int64_t>{2000, 2000}, tight);  // 32 MB chunks
  Array y = big + 1;
  try {
    to_zarr(y, path("never.zarr"));
    FAIL() << "expected MemoryBudgetError";
  } catch (const MemoryBudgetError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("add"), std::string::npos) << m;
    EXPECT_NE(m.find("exceeds allowed_mem 10.0 MB"), std::string::npos) << m;
    EXPECT_NE(m.find("reserved_mem 1.0 MB"), std::string::npos) << m;
  }
  EXPECT_FALSE(fs::exists(path("never.zarr")));
  EXPECT_FALSE(fs::exists(path("work2")));
}

TEST_F(ComputeTest, MeasuredPeakWithinProjected) {
  NDBuffer xa = make(DType::kFloat64, {300, 200}, [](std::int64_t i) { return Scalar(std::sin(static_cast<double>(i))); });
  to_zarr(from_array(xa, {64, 50}, spec_), path("in.zarr"));
  Array x = from_zarr(path("in.zarr"), spec_);
  Array z = astype(x * 3 + x, DType::kFloat32) + ones({200}, DType::kFloat32, std::int64_t{50}, spec_);
  Array r = rechunk(z, std::vector<std::int64_t>{-1, 7});
  ComputeReport report;
  compute(r, {}, &report);
  ASSERT_FALSE(report.measured_peak_mem.empty());
  for (std::size_t i = 0; i < report.measured_peak_mem.size(); ++i) {
    std::int64_t measured = report.measured_peak_mem[i] + spec_->reserved_mem();
    EXPECT_GT(report.measured_peak_mem[i], 0) << report.operation_names[i];
    EXPECT_LE(measured, report.projected_mem[i]) << report.operation_names[i];
    EXPECT_LE(report.projected_mem[i], spec_->allowed_mem());
  }
}

TEST_F(ComputeTest, MapBlocksAndGeneralBlockwise) {
  Array x = arange(Scalar(0), Scalar(10), Scalar(1), DType::kInt64, std::int64_t{4}, spec_);
  Array y = map_blocks(
      [](const std::vector<NDBuffer>& in, const Shape&) {
        NDBuffer out = in[0];
        for (auto& v : out.span<std::int64_t>()) v = v * 10;
        return out;
      },
      {x}, DType::kInt64);
  NDBuffer r = compute(y);
  for (std::int64_t i = 0; i < 10; ++i) EXPECT_EQ(r.get(i).as_int(), i * 10);
  // A streaming sum of all chunks of x into one element.
  Array total = general_blockwise(
      [](const Shape&, TaskInputs& in) {
        std::int64_t sum = 0;
        for (std::size_t k = 0; k < in.count(0); ++k) {
          NDBuffer chunk = in.read(0, k);
          for (auto v : chunk.span<std::int64_t>()) sum += v;
        }
        return NDBuffer::filled(DType::kInt64, {1}, Scalar(sum));
      },
      [](const Shape&) { return std::vector<std::vector<Shape>>{{{0}, {1}, {2}}}; }, {x}, {1}, {1}, DType::kInt64,
      {.name = "streaming-sum"});
  EXPECT_EQ(compute(total).get(0).as_int(), 45);
}

TEST_F(ComputeTest, ZeroDimensionalAndEmpty) {
  Array s = full({}, Scalar(2.5), DType::kFloat64, AutoChunks{}, spec_);
  NDBuffer r = compute(s * 2);
  EXPECT_EQ(r.shape(), Shape{});
  EXPECT_EQ(r.get(0).as_double(), 5.0);
  to_zarr(s * 2, path("scalar.zarr"));
  EXPECT_EQ(storage::ZarrArray::open(storage::open_store_path(path("scalar.zarr"))).read_all().get(0).as_double(), 5.0);
  Array e = zeros({0, 3}, DType::kFloat64, std::int64_t{2}, spec_);
  EXPECT_EQ(compute(e + 1).shape(), (Shape{0, 3}));
}

}  // namespace
}  // namespace cubed
