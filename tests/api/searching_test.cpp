// searchsorted, isin and diff with prepend/append against numpy (through
// tests/api/numpy_oracle.hpp), with uneven chunks, chunks of 1 and one
// chunk; memory (measured <= projected <= allowed) with a searched array
// many times larger than allowed_mem; errors.
#include "cubed/api/searching.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>

#include "api/numpy_suite.hpp"
#include "cubed/api/creation.hpp"
#include "cubed/api/statistical.hpp"
#include "cubed/core/error.hpp"
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

const double kNan = std::numeric_limits<double>::quiet_NaN();

using Fn = std::function<Array(const std::vector<Array>&)>;

struct Case {
  std::string name;
  std::string expr;
  std::vector<NDBuffer> inputs;
  std::vector<Shape> chunks;
  Fn fn;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name << ": " << c.expr; }

NDBuffer values(DType dt, const Shape& shape, const std::vector<double>& v) {
  NDBuffer b(dt, shape);
  for (std::int64_t i = 0; i < b.size(); ++i) b.set(i, Scalar(v.at(static_cast<std::size_t>(i))));
  return b;
}

std::vector<Case> cases() {
  using D = DType;
  const NDBuffer sorted_f = values(D::kFloat64, {9}, {-3, -1, -1, 0, 0.5, 2, 2, 2, 7});
  const NDBuffer probes_f = values(D::kFloat64, {3, 4}, {-5, -1, 0, 0.25, 2, 2.5, 7, 8, -3, 1, 2, 0.5});
  const NDBuffer sorted_nan = values(D::kFloat64, {6}, {-1, 0, 3, 4, kNan, kNan});
  const NDBuffer probes_nan = values(D::kFloat64, {5}, {kNan, 4, 5, -2, 0});
  const NDBuffer sorted_i = values(D::kInt32, {8}, {-4, -4, 0, 1, 1, 1, 9, 12});
  const NDBuffer probes_i = values(D::kInt64, {2, 3}, {-4, 1, 10, 12, 13, -9});
  const NDBuffer unsorted = values(D::kFloat32, {7}, {5, -2, 9, 0, 3, 3, -8});
  const NDBuffer sorter = values(D::kInt64, {7}, {6, 1, 3, 4, 5, 0, 2});
  const NDBuffer elements = test_data(D::kInt32, {5, 6}, 1);
  const NDBuffer tests_i = values(D::kInt64, {2, 4}, {3, -7, 0, 100, 5, 1, 2, -11});
  const NDBuffer elements_f = values(D::kFloat64, {7}, {kNan, 1.5, 2, -0.0, 3, 4.5, 1});
  const NDBuffer tests_f = values(D::kFloat32, {5}, {kNan, 0, 1, 4.5, 2.5});
  const NDBuffer elements_c = test_data(D::kComplex128, {6}, 2);
  const NDBuffer tests_c = values(D::kComplex128, {3}, {0, 0, 0});
  NDBuffer tests_c2 = tests_c;
  tests_c2.set(0, elements_c.get(2));
  tests_c2.set(1, elements_c.get(5));
  tests_c2.set(2, Scalar(std::complex<double>(1, 1)));
  const NDBuffer x45 = test_data(D::kFloat64, {4, 5}, 3);
  const NDBuffer row5 = test_data(D::kFloat64, {1, 5}, 4);
  const NDBuffer col4 = test_data(D::kFloat64, {4, 2}, 5);
  auto ss = [](SearchSide side) {
    return [side](const std::vector<Array>& in) { return searchsorted(in[0], in[1], side); };
  };
  return {
      {"searchsorted_left", "np.searchsorted(a, b)", {sorted_f, probes_f}, {{4}, {2, 3}}, ss(SearchSide::kLeft)},
      {"searchsorted_right", "np.searchsorted(a, b, side='right')", {sorted_f, probes_f}, {{4}, {2, 3}},
       ss(SearchSide::kRight)},
      {"searchsorted_nan", "np.searchsorted(a, b)", {sorted_nan, probes_nan}, {{4}, {2}}, ss(SearchSide::kLeft)},
      {"searchsorted_nan_right", "np.searchsorted(a, b, side='right')", {sorted_nan, probes_nan}, {{4}, {2}},
       ss(SearchSide::kRight)},
      {"searchsorted_int_mixed", "np.searchsorted(a, b, side='right')", {sorted_i, probes_i}, {{3}, {1, 2}},
       ss(SearchSide::kRight)},
      {"searchsorted_sorter", "np.searchsorted(a, b, sorter=c)", {unsorted, probes_f, sorter}, {{3}, {2, 3}, {4}},
       [](const std::vector<Array>& in) { return searchsorted(in[0], in[1], SearchSide::kLeft, in[2]); }},
      {"searchsorted_empty_x2", "np.searchsorted(a, b)", {sorted_f, values(D::kFloat64, {0, 3}, {})}, {{4}, {1, 2}},
       ss(SearchSide::kLeft)},
      {"isin_int", "np.isin(a, b)", {elements, tests_i}, {{2, 4}, {1, 3}},
       [](const std::vector<Array>& in) { return isin(in[0], in[1]); }},
      {"isin_invert", "np.isin(a, b, invert=True)", {elements, tests_i}, {{3, 5}, {2, 2}},
       [](const std::vector<Array>& in) { return isin(in[0], in[1], true); }},
      {"isin_float_nan", "np.isin(a, b)", {elements_f, tests_f}, {{3}, {2}},
       [](const std::vector<Array>& in) { return isin(in[0], in[1]); }},
      {"isin_complex", "np.isin(a, b)", {elements_c, tests_c2}, {{4}, {2}},
       [](const std::vector<Array>& in) { return isin(in[0], in[1]); }},
      {"diff_prepend_append_arrays", "np.diff(a, axis=0, prepend=b, append=b)", {x45, row5}, {{3, 2}, {1, 2}},
       [](const std::vector<Array>& in) { return diff(in[0], 0, 1, Operand(in[1]), Operand(in[1])); }},
      {"diff_prepend_scalar", "np.diff(a, n=2, prepend=0.5)", {x45}, {{3, 2}},
       [](const std::vector<Array>& in) { return diff(in[0], -1, 2, Operand(0.5), std::nullopt); }},
      {"diff_append_wide", "np.diff(a, axis=1, append=b)", {x45, col4}, {{3, 2}, {3, 1}},
       [](const std::vector<Array>& in) { return diff(in[0], 1, 1, std::nullopt, Operand(in[1])); }},
  };
}

class SearchingVsNumpy : public NumpySuite<Case, cases> {};

TEST_P(SearchingVsNumpy, SameAsNumpyWithEveryChunking) {
  const Case& c = GetParam();
  const NDBuffer expected = numpy_results(c).at(0);
  const SpecPtr spec = suite_spec();
  for (int variant = 0; variant < kChunkVariants; ++variant) {
    std::vector<Array> inputs;
    for (std::size_t i = 0; i < c.inputs.size(); ++i) {
      const Shape chunks = chunk_variant(c.chunks[i], c.inputs[i].shape(), variant);
      inputs.push_back(from_array(c.inputs[i], chunks, spec));
    }
    const Array y = c.fn(inputs);
    ComputeReport report;
    const NDBuffer result = compute(y, {}, &report);
    EXPECT_EQ(dtype_name(result.dtype()), dtype_name(expected.dtype())) << "variant " << variant;
    EXPECT_EQ(result.shape(), expected.shape()) << "variant " << variant;
    EXPECT_TRUE(result == expected) << "variant " << variant;
    testing::expect_within_projection(report, *spec, "variant " + std::to_string(variant));
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, SearchingVsNumpy, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

// x1 and test_elements 20 times larger than allowed_mem, stored compressed:
// each task streams their chunks and stays within allowed_mem.
TEST(SearchingMemory, SearchedArraysManyTimesLargerThanAllowedMem) {
  const fs::path dir = fs::temp_directory_path() / ("cubed-searching-mem-" + std::to_string(::getpid()));
  SpecOptions options;
  options.work_dir = (dir / "work").string();
  options.allowed_mem = 1'000'000;
  options.reserved_mem = 100'000;
  auto spec = std::make_shared<const Spec>(options);
  const std::int64_t n = 2'500'000;  // 20 MB of int64
  NDBuffer sorted(DType::kInt64, {n});
  auto s = sorted.span<std::int64_t>();
  for (std::int64_t i = 0; i < n; ++i) s[static_cast<std::size_t>(i)] = 2 * i;  // even numbers
  to_zarr(from_array(sorted, {25'000}, spec), (dir / "x1.zarr").string());
  const Array x1 = from_zarr((dir / "x1.zarr").string(), spec);
  ASSERT_GT(x1.nbytes(), 10 * options.allowed_mem);
  NDBuffer probes(DType::kInt64, {6});
  const std::vector<std::int64_t> p = {-1, 0, 1, 2 * n - 2, 2 * n, 1'234'567};
  for (std::size_t i = 0; i < p.size(); ++i) probes.span<std::int64_t>()[i] = p[i];
  const Array x2 = from_array(probes, {4}, spec);
  for (const Array& y : {searchsorted(x1, x2), searchsorted(x1, x2, SearchSide::kRight), isin(x2, x1)}) {
    ComputeReport report;
    const NDBuffer got = compute(y, {}, &report);
    for (std::size_t i = 0; i < report.projected_mem.size(); ++i) {
      EXPECT_LE(report.measured_peak_mem[i] + spec->reserved_mem(), report.projected_mem[i])
          << report.operation_names[i];
      EXPECT_LE(report.projected_mem[i], spec->allowed_mem()) << report.operation_names[i];
    }
    if (got.dtype() == DType::kBool) {
      const std::vector<bool> want = {false, true, false, true, false, false};
      for (std::size_t i = 0; i < p.size(); ++i) EXPECT_EQ(got.get(static_cast<std::int64_t>(i)).as_bool(), want[i]);
    }
  }
  const NDBuffer left = compute(searchsorted(x1, x2));
  const NDBuffer right = compute(searchsorted(x1, x2, SearchSide::kRight));
  const std::vector<std::int64_t> want_left = {0, 0, 1, n - 1, n, 617'284};
  const std::vector<std::int64_t> want_right = {0, 1, 1, n, n, 617'284};
  for (std::size_t i = 0; i < p.size(); ++i) {
    EXPECT_EQ(left.get(static_cast<std::int64_t>(i)).as_int(), want_left[i]) << p[i];
    EXPECT_EQ(right.get(static_cast<std::int64_t>(i)).as_int(), want_right[i]) << p[i];
  }
  fs::remove_all(dir);
}

TEST(SearchingErrors, BadArgumentsAreNamed) {
  auto spec = Spec::make((fs::temp_directory_path() / "cubed-searching-errors").string(), "100MB", "1MB");
  const Array m = from_array(test_data(DType::kFloat64, {2, 3}), {1, 2}, spec);
  const Array v = from_array(test_data(DType::kFloat64, {3}), {2}, spec);
  const Array fsorter = from_array(test_data(DType::kFloat64, {3}), {2}, spec);
  const Array isorter = from_array(test_data(DType::kInt64, {4}), {2}, spec);
  expect_error<InvalidArgumentError>([&] { searchsorted(m, v); }, "searchsorted: x1 must be 1-d, got shape (2, 3)");
  expect_error<DTypeError>([&] { searchsorted(v, m, SearchSide::kLeft, fsorter); },
                           "searchsorted: sorter must have an integer dtype, got float64");
  expect_error<InvalidArgumentError>([&] { searchsorted(v, m, SearchSide::kLeft, isorter); },
                                     "searchsorted: sorter has shape (4,), x1 has shape (3,)");
  expect_error<InvalidArgumentError>([&] { isin(Array(), v); }, "isin: element is empty");
  expect_error<InvalidArgumentError>([&] { diff(m, 0, 1, Operand(v), std::nullopt); }, "concat");
}

}  // namespace
}  // namespace cubed
