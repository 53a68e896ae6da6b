// Linear algebra on lazy arrays against numpy (Debian's python3-numpy via
// tests/api/numpy_oracle.hpp): several dtypes, uneven chunks, chunks of 1,
// batched and 1-d shapes, a small split_every that forces several rounds of
// the partial-product reduction; plus memory (measured <= projected <=
// allowed, with arrays many times larger than allowed_mem) and errors.
#include "cubed/api/linalg.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <complex>
#include <filesystem>
#include <functional>
#include <map>

#include "api/numpy_suite.hpp"
#include "cubed/api/creation.hpp"
#include "cubed/core/error.hpp"
#include "cubed/plan/plan.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/compute.hpp"
#include "test_util.hpp"

namespace cubed {
namespace {

using testing::expect_error;

namespace fs = std::filesystem;
using testing::chunk_variant;
using testing::kChunkVariants;
using testing::NumpySuite;
using testing::test_data;


using Fn = std::function<Array(const std::vector<Array>&, const LinalgOptions&)>;

// numpy `expr` over a, b; `fn` the same with cubed. Every case runs with
// `chunks` (uneven), with chunks of 1 and with one chunk per array, each
// with split_every 2 and 8.
struct Case {
  std::string name;
  std::string expr;
  std::vector<NDBuffer> inputs;
  std::vector<Shape> chunks;
  Fn fn;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name << ": " << c.expr; }

Fn mm() {
  return [](const std::vector<Array>& in, const LinalgOptions& o) { return matmul(in[0], in[1], o); };
}

std::vector<Case> cases() {
  using D = DType;
  auto data = [](D dt, const Shape& s, int seed) { return test_data(dt, s, seed); };
  std::vector<Case> out = {
      {"matmul_f64", "a @ b", {data(D::kFloat64, {7, 9}, 1), data(D::kFloat64, {9, 5}, 2)}, {{3, 4}, {4, 2}}, mm()},
      {"matmul_f32", "a @ b", {data(D::kFloat32, {6, 11}, 3), data(D::kFloat32, {11, 4}, 4)}, {{4, 3}, {3, 3}}, mm()},
      {"matmul_i32", "a @ b", {data(D::kInt32, {5, 8}, 5), data(D::kInt32, {8, 6}, 6)}, {{2, 3}, {3, 4}}, mm()},
      {"matmul_i64", "a @ b", {data(D::kInt64, {4, 10}, 7), data(D::kInt64, {10, 3}, 8)}, {{3, 4}, {4, 2}}, mm()},
      {"matmul_u8_wraps", "a @ b", {data(D::kUInt8, {4, 9}, 7), data(D::kUInt8, {9, 3}, 8)}, {{3, 4}, {4, 2}}, mm()},
      {"matmul_c128", "a @ b", {data(D::kComplex128, {5, 7}, 9), data(D::kComplex128, {7, 6}, 10)},
       {{2, 3}, {3, 4}}, mm()},
      {"matmul_c64", "a @ b", {data(D::kComplex64, {3, 5}, 9), data(D::kComplex64, {5, 2}, 10)}, {{2, 2}, {2, 2}},
       mm()},
      {"matmul_mixed_dtypes", "a @ b", {data(D::kInt32, {5, 6}, 11), data(D::kFloat32, {6, 4}, 12)},
       {{2, 4}, {3, 3}}, mm()},  // x2 is rechunked to x1's chunks along the contracted axis
      {"matmul_batched", "a @ b", {data(D::kFloat64, {3, 4, 5}, 13), data(D::kFloat64, {3, 5, 2}, 14)},
       {{2, 3, 2}, {2, 2, 2}}, mm()},
      {"matmul_batch_broadcast", "a @ b", {data(D::kFloat64, {2, 1, 4, 5}, 15), data(D::kFloat64, {3, 5, 3}, 16)},
       {{1, 1, 3, 2}, {2, 2, 2}}, mm()},
      {"matmul_vec_mat", "a @ b", {data(D::kFloat64, {7}, 17), data(D::kFloat64, {2, 7, 3}, 18)}, {{3}, {1, 3, 2}},
       mm()},
      {"matmul_mat_vec", "a @ b", {data(D::kInt64, {4, 7}, 19), data(D::kInt64, {7}, 20)}, {{3, 2}, {2}}, mm()},
      {"matmul_vec_vec", "a @ b", {data(D::kFloat64, {9}, 21), data(D::kFloat64, {9}, 22)}, {{4}, {4}}, mm()},
      {"matmul_empty_contraction", "a @ b", {data(D::kFloat64, {3, 0}, 0), data(D::kFloat64, {0, 2}, 0)},
       {{2, 1}, {1, 2}}, mm()},
      {"matmul_empty_result", "a @ b", {data(D::kInt32, {0, 4}, 0), data(D::kInt32, {4, 2}, 0)}, {{1, 3}, {3, 2}},
       mm()},
      {"tensordot_int", "np.tensordot(a, b, axes=2)", {data(D::kFloat64, {3, 4, 5}, 23), data(D::kFloat64, {4, 5, 2}, 24)},
       {{2, 3, 2}, {3, 2, 1}},
       [](const std::vector<Array>& in, const LinalgOptions& o) { return tensordot(in[0], in[1], 2, o); }},
      {"tensordot_lists", "np.tensordot(a, b, axes=([0, 2], [2, 1]))",
       {data(D::kInt32, {3, 4, 5}, 25), data(D::kInt32, {2, 5, 3}, 26)}, {{2, 3, 2}, {1, 2, 2}},
       [](const std::vector<Array>& in, const LinalgOptions& o) { return tensordot(in[0], in[1], {{0, 2}, {2, 1}}, o); }},
      {"tensordot_zero_axes", "np.tensordot(a, b, axes=0)", {data(D::kFloat32, {3, 2}, 27), data(D::kFloat32, {4}, 28)},
       {{2, 1}, {3}},
       [](const std::vector<Array>& in, const LinalgOptions& o) { return tensordot(in[0], in[1], 0, o); }},
      {"vecdot_complex_conj", "np.sum(np.conj(a) * b, axis=-1)",
       {data(D::kComplex128, {4, 6}, 29), data(D::kComplex128, {4, 6}, 30)}, {{3, 4}, {2, 4}},
       [](const std::vector<Array>& in, const LinalgOptions& o) { return vecdot(in[0], in[1], -1, o); }},
      {"vecdot_broadcast_axis0", "np.sum(a * b, axis=0)", {data(D::kFloat64, {5, 3}, 31), data(D::kFloat64, {5, 1}, 32)},
       {{2, 2}, {3, 1}},
       [](const std::vector<Array>& in, const LinalgOptions& o) { return vecdot(in[0], in[1], 0, o); }},
      {"vecdot_int", "np.sum(a * b, axis=-1).astype(np.int32)",
       {data(D::kInt32, {2, 3, 7}, 33), data(D::kInt32, {7}, 34)}, {{1, 2, 3}, {4}},
       [](const std::vector<Array>& in, const LinalgOptions& o) { return vecdot(in[0], in[1], -1, o); }},
      {"outer", "np.outer(a, b)", {data(D::kInt64, {5}, 35), data(D::kFloat64, {4}, 36)}, {{2}, {3}},
       [](const std::vector<Array>& in, const LinalgOptions&) { return outer(in[0], in[1]); }},
      {"matrix_transpose", "np.swapaxes(a, -1, -2)", {data(D::kFloat32, {2, 3, 4}, 37)}, {{1, 2, 3}},
       [](const std::vector<Array>& in, const LinalgOptions&) { return matrix_transpose(in[0]); }},
  };
  return out;
}

// Floats and complex numbers with a relative tolerance (BLAS sums in its
// own order); other dtypes exactly.
void expect_close(const NDBuffer& got, const NDBuffer& want, const std::string& label) {
  ASSERT_EQ(dtype_name(got.dtype()), dtype_name(want.dtype())) << label;
  ASSERT_EQ(got.shape(), want.shape()) << label;
  if (!is_floating(got.dtype()) && !is_complex(got.dtype())) {
    EXPECT_TRUE(got == want) << label;
    return;
  }
  const double tol = real_dtype(got.dtype()) == DType::kFloat32 ? 1e-5 : 1e-12;
  for (std::int64_t i = 0; i < got.size(); ++i) {
    const std::complex<double> g = got.get(i).as_complex(), w = want.get(i).as_complex();
    ASSERT_LE(std::abs(g - w), tol * (1 + std::abs(w))) << label << " element " << i;
  }
}

class LinalgVsNumpy : public NumpySuite<Case, cases> {};

TEST_P(LinalgVsNumpy, SameAsNumpyWithEveryChunkingAndSplit) {
  const Case& c = GetParam();
  const NDBuffer expected = numpy_results(c).at(0);
  const SpecPtr spec = suite_spec();
  for (int variant = 0; variant < kChunkVariants; ++variant) {
    for (int split : {2, 8}) {
      const std::string label = "variant " + std::to_string(variant) + " split_every " + std::to_string(split);
      std::vector<Array> inputs;
      for (std::size_t i = 0; i < c.inputs.size(); ++i) {
        const Shape chunks = chunk_variant(c.chunks[i], c.inputs[i].shape(), variant);
        inputs.push_back(from_array(c.inputs[i], chunks, spec));
      }
      const Array y = c.fn(inputs, LinalgOptions{.split_every = split});
      EXPECT_EQ(y.shape(), expected.shape()) << label;
      ComputeReport report;
      const NDBuffer result = compute(y, {}, &report);
      expect_close(result, expected, label);
      testing::expect_within_projection(report, *spec, label);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, LinalgVsNumpy, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

// ---- plan shape and memory ------------------------------------------------

class LinalgPlan : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cubed-linalg-plan-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// 16 blocks along the contracted axis with split_every 2: 8 partial
// products per output block, summed in 3 rounds (2 combines, final).
TEST_F(LinalgPlan, PartialProductsAreSummedInRounds) {
  auto spec = Spec::make((dir_ / "work").string(), "100MB", "1MB");
  const Array a = from_array(test_data(DType::kFloat64, {4, 32}), {4, 2}, spec);
  const Array b = from_array(test_data(DType::kFloat64, {32, 3}, 1), {2, 3}, spec);
  const Array y = matmul(a, b, LinalgOptions{.split_every = 2});
  Plan plan = Plan::build({{y, std::nullopt}}, PlanOptions{.optimize = false});
  std::map<std::string, int> ops;
  for (const PlanOperation& op : plan.operations()) ++ops[op.node->op->function_name()];
  EXPECT_EQ(ops["matmul-partial"], 1);
  EXPECT_EQ(ops["matmul-combine"], 2);  // 8 -> 4 -> 2 -> final
  EXPECT_EQ(ops["matmul"], 1);
  EXPECT_EQ(plan.operations().size(), 4u);
  // Fusion computes the partial products inside the first combine, and
  // that combine inside the second (2 x 2 input blocks).
  EXPECT_EQ(Plan::build({{y, std::nullopt}}).operations().size(), 2u);
  // With one group the partial operation is the result.
  Plan single = Plan::build({{matmul(a, b, LinalgOptions{.split_every = 16}), std::nullopt}});
  ASSERT_EQ(single.operations().size(), 1u);
  EXPECT_EQ(single.operations()[0].node->op->function_name(), "matmul");
}

// Arrays 40x larger than allowed_mem, stored compressed: every task of every
// operation stays within allowed_mem, measured <= projected, and the
// answer is exact (small integers in float64).
TEST_F(LinalgPlan, ArraysManyTimesLargerThanAllowedMem) {
  SpecOptions options;
  options.work_dir = (dir_ / "work").string();
  options.allowed_mem = 1'500'000;
  options.reserved_mem = 100'000;
  auto spec = std::make_shared<const Spec>(options);
  const std::int64_t n = 1000;
  NDBuffer da(DType::kFloat64, {n, n}), db(DType::kFloat64, {n, n});
  for (std::int64_t i = 0; i < n * n; ++i) {
    da.set(i, Scalar(static_cast<double>((i * 7) % 5) - 2));
    db.set(i, Scalar(static_cast<double>((i * 3) % 7) - 3));
  }
  to_zarr(from_array(da, {128, 128}, spec), (dir_ / "a.zarr").string());
  to_zarr(from_array(db, {100, 128}, spec), (dir_ / "b.zarr").string());  // rechunked along the contraction
  const Array a = from_zarr((dir_ / "a.zarr").string(), spec);
  const Array b = from_zarr((dir_ / "b.zarr").string(), spec);
  ASSERT_GT(a.nbytes(), 5 * options.allowed_mem);
  const Array y = matmul(a, b, LinalgOptions{.split_every = 2});  // rechunk, partial, 2 rounds
  // Unfused (rechunk, partial, 2 rounds, final) and fused plans.
  ComputeReport unfused_report;
  compute(y, ComputeOptions{.plan = PlanOptions{.optimize = false}}, &unfused_report);
  EXPECT_GE(unfused_report.projected_mem.size(), 4u);
  ComputeReport report;
  const NDBuffer got = compute(y, {}, &report);
  for (const ComputeReport* r : {&unfused_report, &report}) {
    for (std::size_t i = 0; i < r->projected_mem.size(); ++i) {
      EXPECT_GT(r->measured_peak_mem[i], 0) << r->operation_names[i];
      EXPECT_LE(r->measured_peak_mem[i] + spec->reserved_mem(), r->projected_mem[i]) << r->operation_names[i];
      EXPECT_LE(r->projected_mem[i], spec->allowed_mem()) << r->operation_names[i];
    }
  }
  // Spot-check rows against a plain loop.
  for (std::int64_t i : {std::int64_t{0}, std::int64_t{517}, n - 1}) {
    for (std::int64_t j : {std::int64_t{0}, std::int64_t{300}, n - 1}) {
      double want = 0;
      for (std::int64_t k = 0; k < n; ++k) want += da.get(i * n + k).as_double() * db.get(k * n + j).as_double();
      EXPECT_EQ(got.get(i * n + j).as_double(), want) << i << ", " << j;
    }
  }
}

// A contraction whose single block pair does not fit is refused at plan
// time, naming the operation.
TEST_F(LinalgPlan, BlocksTooLargeAreRefusedBeforeRunning) {
  auto spec = Spec::make((dir_ / "work").string(), "1MB", "100KB");
  const Array a = ones({400, 400}, DType::kFloat64, std::vector<std::int64_t>{400, 400}, spec);
  try {
    compute(matmul(a, a));
    ADD_FAILURE() << "no error";
  } catch (const MemoryBudgetError& e) {
    EXPECT_NE(std::string(e.what()).find("matmul"), std::string::npos) << e.what();
  }
}

// ---- errors ------------------------------------------------------------

TEST(LinalgErrors, ShapesAndDtypesAreChecked) {
  auto spec = Spec::make((fs::temp_directory_path() / "cubed-linalg-errors").string(), "100MB", "1MB");
  const Array m23 = from_array(test_data(DType::kFloat64, {2, 3}), {1, 2}, spec);
  const Array m43 = from_array(test_data(DType::kFloat64, {4, 3}), {2, 2}, spec);
  const Array b234 = from_array(test_data(DType::kFloat64, {2, 3, 4}), {1, 2, 2}, spec);
  const Array b542 = from_array(test_data(DType::kFloat64, {5, 4, 2}), {1, 2, 2}, spec);
  const Array v4 = from_array(test_data(DType::kFloat64, {4}), {2}, spec);
  const Array flags = from_array(test_data(DType::kBool, {3, 3}), {2, 2}, spec);
  const Array s = from_array(test_data(DType::kFloat64, {}), Shape{}, spec);
  using IA = InvalidArgumentError;
  expect_error<IA>([&] { matmul(m23, m43); }, "matmul: contracted axes differ: 3 vs 4");
  expect_error<IA>([&] { matmul(m23, v4); }, "matmul: contracted axes differ: 3 vs 4");
  expect_error<IA>([&] { matmul(b234, b542); }, "matmul: batch axes do not broadcast: 2 vs 5");
  expect_error<IA>([&] { matmul(s, m23); }, "matmul: needs arrays of at least one dimension, got a 0-d x1");
  expect_error<IA>([&] { matmul(m23, matrix_transpose(m23), LinalgOptions{.split_every = 1}); },
                   "matmul: split_every must be at least 2, got 1");
  expect_error<DTypeError>([&] { matmul(flags, flags); }, "matmul: needs numeric arrays, got bool array");
  expect_error<IA>([&] { tensordot(m23, m43, 3); }, "tensordot: axes=3 must be between 0 and the rank");
  expect_error<IA>([&] { tensordot(m23, m43, {{1}, {0}}); }, "tensordot: contracted axes differ: 3 vs 4");
  expect_error<IA>([&] { tensordot(m23, m43, {{0, 1}, {0}}); }, "tensordot: axes lists differ in length: 2 vs 1");
  expect_error<IA>([&] { tensordot(m23, m43, {{2}, {0}}); }, "tensordot: axis 2 is out of bounds for x1 of 2 dimensions");
  expect_error<IA>([&] { tensordot(m23, m23, {{0, 0}, {0, 1}}); }, "is repeated");
  expect_error<IA>([&] { vecdot(m23, m43); }, "vecdot: batch axes do not broadcast: 2 vs 4");
  expect_error<IA>([&] { vecdot(v4, m43, -2); }, "vecdot: axis -2 is out of bounds for x1 of shape (4,)");
  expect_error<IA>([&] { vecdot(v4, m43, 2); }, "vecdot: axis 2 is out of bounds for the broadcast shape of 2");
  expect_error<IA>([&] { matrix_transpose(v4); }, "matrix_transpose: needs an array of at least two dimensions");
  expect_error<IA>([&] { outer(m23, v4); }, "outer: needs two 1-d arrays, got shapes (2, 3) and (4,)");
}

}  // namespace
}  // namespace cubed
