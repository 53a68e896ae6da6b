#include "cubed/api/indexing.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>

#include "api/numpy_suite.hpp"
#include "cubed/api/creation.hpp"
#include "cubed/core/error.hpp"
#include "cubed/plan/plan.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/compute.hpp"
#include "test_util.hpp"

namespace cubed {
namespace {

using testing::expect_invalid;

namespace fs = std::filesystem;

using testing::chunk_variant;
using testing::kChunkVariants;
using testing::NumpySuite;
using testing::test_data;

using Fn = std::function<Array(const Array&)>;
using Items = std::vector<IndexItem>;

// x[items] (or take...) on one input, compared with numpy's `expr` on it;
// `extra` are further numpy inputs (b, c, ...) that the expression uses.
struct Case {
  std::string name;
  std::string expr;
  NDBuffer input;
  Shape chunks;
  Fn fn;
  std::vector<NDBuffer> extra = {};
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name << ": " << c.expr; }
// The arrays numpy sees (NumpySuite): the input, then the extra ones.
std::vector<NDBuffer> numpy_inputs(const Case& c) {
  std::vector<NDBuffer> inputs{c.input};
  inputs.insert(inputs.end(), c.extra.begin(), c.extra.end());
  return inputs;
}

Fn idx(Items items) {
  return [items](const Array& x) { return index(x, items); };
}

constexpr auto kNone = std::nullopt;
Slice s(std::optional<std::int64_t> start, std::optional<std::int64_t> stop = kNone,
        std::optional<std::int64_t> step = kNone) {
  return Slice{start, stop, step};
}

NDBuffer int_buffer(DType dt, const Shape& shape, const std::vector<std::int64_t>& values) {
  NDBuffer b(dt, shape);
  for (std::size_t i = 0; i < values.size(); ++i) b.set(static_cast<std::int64_t>(i), Scalar(values[i]));
  return b;
}

std::vector<Case> cases() {
  const NDBuffer a = test_data(DType::kFloat64, {4, 5, 6});
  const Shape ca{3, 2, 4};
  const NDBuffer b = test_data(DType::kInt64, {13});
  const Shape cb{4};
  const NDBuffer z = test_data(DType::kInt32, {});
  const NDBuffer e = test_data(DType::kComplex64, {3, 4});
  const NDBuffer along = int_buffer(DType::kInt64, {4, 3, 6},
                                    [] {
                                      std::vector<std::int64_t> v;
                                      for (int i = 0; i < 72; ++i) v.push_back((i * 7) % 10 - 5);
                                      return v;
                                    }());
  const NDBuffer along_b = int_buffer(DType::kInt32, {1, 3, 6},
                                      {0, 4, -1, 2, 2, 3, 1, 0, 0, -5, 4, 3, 2, 1, 0, -2, -3, -4});
  const NDBuffer along_x = int_buffer(DType::kInt16, {4, 2, 3}, {0, 5, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4,
                                                                 1, 1, 1, 0, 0, 0, 5, 4, 3, 2, 1, 0});
  const NDBuffer take_idx = int_buffer(DType::kUInt8, {5}, {3, 0, 3, 5, 1});
  return {
      {"integer", "a[1]", a, ca, idx({1})},
      {"negative_integer", "a[-1]", a, ca, idx({-1})},
      {"integers_all_axes", "a[2, -3, 5]", a, ca, idx({2, -3, 5})},
      {"slice_step1", "a[1:3]", a, ca, idx({s(1, 3)})},
      {"slice_unaligned", "a[:, 1:4, 3:]", a, ca, idx({Slice{}, s(1, 4), s(3)})},
      {"slice_step2", "a[::2]", a, ca, idx({s(kNone, kNone, 2)})},
      {"slice_reverse", "a[::-1]", a, ca, idx({s(kNone, kNone, -1)})},
      {"mixed_negative_steps", "a[::-2, 1:4, -2]", a, ca, idx({s(kNone, kNone, -2), s(1, 4), -2})},
      {"ellipsis_integer", "a[..., 2]", a, ca, idx({Ellipsis{}, 2})},
      {"ellipsis_middle", "a[1, ..., ::-3]", a, ca, idx({1, Ellipsis{}, s(kNone, kNone, -3)})},
      {"newaxes", "a[None, ..., None]", a, ca, idx({NewAxis{}, Ellipsis{}, NewAxis{}})},
      {"newaxis_between", "a[1, None, 2:, ::-3]", a, ca, idx({1, NewAxis{}, s(2), s(kNone, kNone, -3)})},
      {"clamped", "a[-100:100]", a, ca, idx({s(-100, 100)})},
      {"empty_slice", "a[3:1]", a, ca, idx({s(3, 1)})},
      {"reverse_range", "a[3:0:-1]", a, ca, idx({s(3, 0, -1)})},
      {"reverse_clamped", "a[:, :, 10:-10:-1]", a, ca, idx({Slice{}, Slice{}, s(10, -10, -1)})},
      {"step_larger_than_chunk", "a[..., ::7]", a, ca, idx({Ellipsis{}, s(kNone, kNone, 7)})},
      {"step_larger_than_axis_reversed", "a[:, ::-9]", a, ca, idx({Slice{}, s(kNone, kNone, -9)})},
      {"negative_start_stop", "a[-3:-1, -4:, :-2]", a, ca, idx({s(-3, -1), s(-4), s(kNone, -2)})},
      {"one_d_step3", "a[2:11:3]", b, cb, idx({s(2, 11, 3)})},
      {"one_d_negative_step", "a[-3::-4]", b, cb, idx({s(-3, kNone, -4)})},
      {"one_d_newaxis", "a[None]", b, cb, idx({NewAxis{}})},
      {"one_d_to_0d", "a[3]", b, cb, idx({3})},
      {"one_d_ellipsis_only", "a[...]", b, cb, idx({Ellipsis{}})},
      {"zero_d_newaxis", "a[None]", z, {}, idx({NewAxis{}})},
      {"zero_d_ellipsis_newaxis", "a[..., None, None]", z, {}, idx({Ellipsis{}, NewAxis{}, NewAxis{}})},
      {"complex", "a[::-1, 1::2]", e, {2, 3}, idx({s(kNone, kNone, -1), s(1, kNone, 2)})},
      // take / take_along_axis
      {"take_axis1", "np.take(a, [0, 3, -1, 3, 1], axis=1)", a, ca,
       [](const Array& x) { return take(x, std::vector<std::int64_t>{0, 3, -1, 3, 1}, 1); }},
      {"take_1d", "np.take(a, [12, 0, 5, 5, -13])", b, cb,
       [](const Array& x) { return take(x, std::vector<std::int64_t>{12, 0, 5, 5, -13}); }},
      {"take_buffer", "np.take(a, b, axis=-1)", a, ca, [take_idx](const Array& x) { return take(x, take_idx, -1); },
       {take_idx}},
      {"take_empty", "np.take(a, np.array([], dtype=np.int64), axis=2)", a, ca,
       [](const Array& x) { return take(x, std::vector<std::int64_t>{}, 2); }},
      {"take_along_axis", "np.take_along_axis(a, b, axis=1)", a, ca,
       [along](const Array& x) { return take_along_axis(x, along, 1); }, {along}},
      {"take_along_axis_broadcast_indices", "np.take_along_axis(a, b, axis=1)", a, ca,
       [along_b](const Array& x) { return take_along_axis(x, along_b, 1); }, {along_b}},
      {"take_along_axis_broadcast_x", "np.take_along_axis(a[:, :1, :], b, axis=2)", a, ca,
       [along_x](const Array& x) { return take_along_axis(index(x, {Slice{}, s(kNone, 1)}), along_x, 2); }, {along_x}},
      {"take_along_last_axis", "np.take_along_axis(a, np.argsort(a, axis=-1), axis=-1)", a, ca,
       [a](const Array& x) {
         // numpy's argsort of the test data, computed here by hand.
         NDBuffer order(DType::kInt64, a.shape());
         for (std::int64_t r = 0; r < 20; ++r) {
           std::vector<std::int64_t> k{0, 1, 2, 3, 4, 5};
           std::stable_sort(k.begin(), k.end(), [&](std::int64_t p, std::int64_t q) {
             return a.get(r * 6 + p).as_double() < a.get(r * 6 + q).as_double();
           });
           for (int j = 0; j < 6; ++j) order.set(r * 6 + j, Scalar(k[j]));
         }
         return take_along_axis(x, order, -1);
       }},
  };
}

class IndexingVsNumpy : public NumpySuite<Case, cases> {};

TEST_P(IndexingVsNumpy, SameAsNumpyWithEveryChunking) {
  const Case& c = GetParam();
  const NDBuffer expected = numpy_results(c).at(0);
  const SpecPtr spec = suite_spec();
  for (int variant = 0; variant < kChunkVariants; ++variant) {
    const Shape chunks = chunk_variant(c.chunks, c.input.shape(), variant);
    const Array out = c.fn(from_array(c.input, chunks, spec));
    ComputeReport report;
    const NDBuffer result = compute(out, {}, &report);
    EXPECT_EQ(out.shape(), expected.shape()) << "variant " << variant;
    EXPECT_TRUE(result == expected) << "variant " << variant << ", shape " << shape_to_string(result.shape());
    testing::expect_within_projection(report, *spec, "variant " + std::to_string(variant));
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, IndexingVsNumpy, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

// ---- errors ------------------------------------------------------------

TEST(IndexingErrors, BadIndices) {
  auto spec = Spec::make((fs::temp_directory_path() / "cubed-index-errors").string(), "100MB", "1MB");
  Array x = from_array(test_data(DType::kFloat64, {5, 3}), {2, 2}, spec);
  expect_invalid([&] { index(x, {10}); }, "index 10 is out of bounds for axis 0 with size 5");
  expect_invalid([&] { index(x, {-6}); }, "index -6 is out of bounds for axis 0 with size 5");
  expect_invalid([&] { index(x, {0, 3}); }, "index 3 is out of bounds for axis 1 with size 3");
  expect_invalid([&] { index(x, {Slice{0, 4, 0}}); }, "slice step cannot be zero");
  expect_invalid([&] { index(x, {Ellipsis{}, 1, Ellipsis{}}); }, "an index can only have a single ellipsis");
  expect_invalid([&] { index(x, {1, 1, 1}); }, "too many indices for array: array is 2-dimensional, but 3 were indexed");
  expect_invalid([&] { take(x, std::vector<std::int64_t>{0, 5}, 0); }, "take: index 5 is out of bounds for axis 0 with size 5");
  expect_invalid([&] { take(x, std::vector<std::int64_t>{0}); }, "take: axis must be given for an array of dimension 2");
  expect_invalid([&] { take(x, std::vector<std::int64_t>{0}, 2); }, "take: axis 2 is out of bounds for array of dimension 2");
  expect_invalid([&] { take(x, NDBuffer::zeros(DType::kFloat64, {2}), 0); }, "take: indices must be integers, got float64");
  expect_invalid([&] { take_along_axis(x, NDBuffer::zeros(DType::kInt64, {2}), 0); },
                 "take_along_axis: indices has 1 dimensions but x has 2");
  expect_invalid([&] { take_along_axis(x, NDBuffer::zeros(DType::kInt64, {4, 2}), 1); },
                 "take_along_axis: x of shape (5, 3) and indices of shape (4, 2) do not broadcast on axis 0");
  expect_invalid([&] { take_along_axis(x, NDBuffer::filled(DType::kInt64, {5, 2}, Scalar(3)), 1); },
                 "take_along_axis: index 3 is out of bounds for axis 1 with size 3");
  // Lazy indices are computed first.
  Array lazy = from_array(int_buffer(DType::kInt32, {3}, {4, -5, 2}), {2}, spec);
  NDBuffer taken = compute(take(x, lazy, 0));
  ASSERT_EQ(taken.shape(), (Shape{3, 3}));
  EXPECT_EQ(taken.at({0, 1}).as_double(), test_data(DType::kFloat64, {5, 3}).get(13).as_double());
  EXPECT_EQ(taken.at({1, 2}).as_double(), test_data(DType::kFloat64, {5, 3}).get(2).as_double());
  expect_invalid([&] { take(x, from_array(NDBuffer::zeros(DType::kBool, {2}), {}, spec), 0); },
                 "take: indices must be integers, got bool");
  // Unchanged: the same array.
  EXPECT_EQ(index(x, {Ellipsis{}}).node(), x.node());
  EXPECT_EQ(index(x, {Slice{}, s(-10, 10)}).node(), x.node());
}

// ---- plans and memory ----------------------------------------------------

TEST(IndexingPlans, OutputChunksFollowTheInput) {
  auto spec = Spec::make((fs::temp_directory_path() / "cubed-index-plan").string(), "100MB", "1MB");
  Array x = ones({100, 60}, DType::kFloat64, std::vector<std::int64_t>{30, 20}, spec);
  EXPECT_EQ(index(x, {s(10, 95), s(5)}).chunks(), (Shape{30, 20}));
  EXPECT_EQ(index(x, {s(kNone, kNone, -1), s(kNone, kNone, 3)}).chunks(), (Shape{30, 7}));
  EXPECT_EQ(index(x, {s(kNone, kNone, 50), 3}).chunks(), (Shape{1}));
  EXPECT_EQ(index(x, {NewAxis{}, 7, s(kNone, 5)}).chunks(), (Shape{1, 5}));
  // Aligned slices read one input chunk per output chunk, others two.
  Plan aligned = Plan::build({{index(x, {s(30, 90)}), std::nullopt}});
  EXPECT_EQ(aligned.operations().back().bytes_read, aligned.operations().back().num_tasks * 30 * 20 * 8);
}

// A small slice of a huge virtual array: a few tasks, each reading only the
// chunks it needs.
TEST(IndexingPlans, SmallSliceOfAHugeArrayIsCheap) {
  auto spec = Spec::make((fs::temp_directory_path() / ("cubed-index-big-" + std::to_string(::getpid()))).string(),
                         "100MB", "1MB");
  // Element (i, j) = i * 1e6 + j, generated per chunk.
  Array x = virtual_array(
      "positions", {1'000'000, 1'000'000}, {1000, 1000}, DType::kFloat64,
      [](const Shape&, const Shape& origin, const Shape& shape) {
        NDBuffer b(DType::kFloat64, shape);
        auto v = b.span<double>();
        for (std::int64_t i = 0; i < shape[0]; ++i) {
          for (std::int64_t j = 0; j < shape[1]; ++j) {
            v[i * shape[1] + j] = static_cast<double>(origin[0] + i) * 1e6 + static_cast<double>(origin[1] + j);
          }
        }
        return b;
      },
      spec);
  Array y = index(x, {s(123'456, 123'466), s(-5, kNone, -100'000)});
  ASSERT_EQ(y.shape(), (Shape{10, 10}));
  Plan plan = Plan::build({{y, std::nullopt}});
  EXPECT_LE(plan.stats().num_tasks, 20);
  const auto start = std::chrono::steady_clock::now();
  ComputeReport report;
  NDBuffer r = compute(y, {}, &report);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 20.0);
  for (std::int64_t i = 0; i < 10; ++i) {
    for (std::int64_t j = 0; j < 10; ++j) {
      const double expected = static_cast<double>(123'456 + i) * 1e6 + static_cast<double>(999'995 - 100'000 * j);
      EXPECT_EQ(r.at({i, j}).as_double(), expected) << i << "," << j;
    }
  }
  for (std::size_t i = 0; i < report.projected_mem.size(); ++i) {
    EXPECT_LE(report.measured_peak_mem[i] + spec->reserved_mem(), report.projected_mem[i]) << report.operation_names[i];
  }
  fs::remove_all(spec->work_dir());
}

// Slicing with negative steps an array larger than allowed_mem: measured <=
// projected <= allowed for every task, values right.
TEST(IndexingMemory, NegativeStepSliceOfAnArrayLargerThanAllowedMem) {
  SpecOptions options;
  options.work_dir = (fs::temp_directory_path() / ("cubed-index-mem-" + std::to_string(::getpid()))).string();
  options.allowed_mem = 4'000'000;
  options.reserved_mem = 500'000;
  auto spec = std::make_shared<const Spec>(options);
  // 1500 x 1000 float64 = 12 MB in chunks of 250 x 200 (400 kB).
  NDBuffer data(DType::kFloat64, {1500, 1000});
  auto v = data.span<double>();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i);
  Array x = from_array(std::move(data), {250, 200}, spec);
  Array y = index(x, {s(kNone, kNone, -3), s(900, 10, -7)});
  Array z = index(x, {s(1400, 3, -1), NewAxis{}, -17});
  ComputeReport report;
  std::vector<NDBuffer> r = compute({y, z}, {}, &report);
  ASSERT_EQ(r[0].shape(), (Shape{500, 128}));
  ASSERT_EQ(r[1].shape(), (Shape{1397, 1}));
  bool ok = true;
  for (std::int64_t i = 0; i < 500 && ok; ++i) {
    for (std::int64_t j = 0; j < 128 && ok; ++j) {
      ok = r[0].at({i, j}).as_double() == static_cast<double>((1499 - 3 * i) * 1000 + 900 - 7 * j);
    }
  }
  for (std::int64_t i = 0; i < 1397 && ok; ++i) ok = r[1].at({i, 0}).as_double() == static_cast<double>((1400 - i) * 1000 + 983);
  EXPECT_TRUE(ok);
  for (std::size_t i = 0; i < report.projected_mem.size(); ++i) {
    EXPECT_LE(report.measured_peak_mem[i] + spec->reserved_mem(), report.projected_mem[i]) << report.operation_names[i];
    EXPECT_LE(report.projected_mem[i], spec->allowed_mem()) << report.operation_names[i];
  }
  fs::remove_all(options.work_dir);
}

}  // namespace
}  // namespace cubed
