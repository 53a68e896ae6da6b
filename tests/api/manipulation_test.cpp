#include "cubed/api/manipulation.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>

#include "api/numpy_suite.hpp"
#include "cubed/api/creation.hpp"
#include "cubed/core/error.hpp"
#include "cubed/core/size.hpp"
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

using Fn = std::function<std::vector<Array>(const std::vector<Array>&)>;

// One comparison with numpy: `expr` over inputs a, b, ...; `fn` the same
// with cubed. Every case runs with the inputs cut into `chunks` (uneven),
// into chunks of 1 and into one chunk per array.
struct Case {
  std::string name;
  std::string expr;
  std::vector<NDBuffer> inputs;
  std::vector<Shape> chunks;
  Fn fn;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name << ": " << c.expr; }

Fn one(std::function<Array(const Array&)> f) {
  return [f](const std::vector<Array>& in) { return std::vector<Array>{f(in[0])}; };
}
Fn all(std::function<Array(const std::vector<Array>&)> f) {
  return [f](const std::vector<Array>& in) { return std::vector<Array>{f(in)}; };
}

const NDBuffer& f64_456() {
  static const NDBuffer b = test_data(DType::kFloat64, {4, 5, 6});
  return b;
}

std::vector<Case> cases() {
  const NDBuffer a = f64_456();                                  // chunks (3, 2, 4)
  const NDBuffer i32_436 = test_data(DType::kInt32, {4, 3, 6}, 1);  // concat partner
  const NDBuffer b7 = test_data(DType::kInt64, {7});
  const NDBuffer c314 = test_data(DType::kBool, {3, 1, 4});
  const NDBuffer d54 = test_data(DType::kInt16, {5, 4});
  const NDBuffer f54 = test_data(DType::kFloat32, {5, 4}, 2);
  const NDBuffer e23 = test_data(DType::kComplex128, {2, 3});
  const NDBuffer s0 = test_data(DType::kFloat64, {});
  const NDBuffer u8 = test_data(DType::kUInt8, {3, 4});
  const NDBuffer i8 = test_data(DType::kInt8, {2, 4}, 3);
  const NDBuffer empty40 = test_data(DType::kFloat64, {4, 0, 6});
  const NDBuffer one151 = test_data(DType::kUInt16, {1, 5, 1});
  const NDBuffer g109 = test_data(DType::kInt32, {10, 9});
  const Shape ca{3, 2, 4};
  using V = std::vector<int>;
  using I = std::vector<std::int64_t>;
  return {
      // broadcast_to / broadcast_arrays
      {"broadcast_to_new_and_unit_axes", "np.broadcast_to(a, (2, 3, 5, 4))", {c314}, {{2, 1, 3}},
       one([](const Array& x) { return broadcast_to(x, {2, 3, 5, 4}); })},
      {"broadcast_to_1d", "np.broadcast_to(a, (3, 7))", {b7}, {{3}},
       one([](const Array& x) { return broadcast_to(x, {3, 7}); })},
      {"broadcast_to_0d", "np.broadcast_to(a, (2, 3))", {s0}, {{}},
       one([](const Array& x) { return broadcast_to(x, {2, 3}); })},
      {"broadcast_arrays", "np.broadcast_arrays(a, b)", {c314, d54}, {{2, 1, 3}, {2, 3}},
       [](const std::vector<Array>& in) { return broadcast_arrays(in); }},
      {"broadcast_arrays_three", "np.broadcast_arrays(a, b, c)", {b7, s0, test_data(DType::kInt8, {2, 1})},
       {{3}, {}, {1, 1}},
       [](const std::vector<Array>& in) { return broadcast_arrays(in); }},
      // concat / stack / unstack
      {"concat_axis1_promotes", "np.concatenate([a, b], axis=1)", {a, i32_436}, {ca, {2, 2, 5}},
       all([](const std::vector<Array>& in) { return concat(in, 1); })},
      {"concat_axis0_three", "np.concatenate([a, b, a], axis=0)", {d54, f54}, {{2, 3}, {4, 1}},
       all([](const std::vector<Array>& in) { return concat({in[0], in[1], in[0]}, 0); })},
      {"concat_negative_axis", "np.concatenate([a, b], axis=-1)", {d54, d54}, {{2, 3}, {5, 2}},
       all([](const std::vector<Array>& in) { return concat(in, -1); })},
      {"concat_none_flattens", "np.concatenate([a, b], axis=None)", {a, d54}, {ca, {2, 3}},
       all([](const std::vector<Array>& in) { return concat(in, std::nullopt); })},
      {"concat_with_empty", "np.concatenate([a, b, a], axis=1)", {a, empty40}, {ca, {2, 1, 5}},
       all([](const std::vector<Array>& in) { return concat({in[0], in[1], in[0]}, 1); })},
      {"concat_int8_uint8", "np.concatenate([a, b])", {i8, u8}, {{1, 3}, {2, 2}},
       all([](const std::vector<Array>& in) { return concat(in, 0); })},
      {"concat_complex", "np.concatenate([a, b], axis=1)", {e23, test_data(DType::kFloat32, {2, 2})}, {{1, 2}, {2, 1}},
       all([](const std::vector<Array>& in) { return concat(in, 1); })},
      {"stack_axis1", "np.stack([a, b], axis=1)", {d54, f54}, {{2, 3}, {3, 3}},
       all([](const std::vector<Array>& in) { return stack(in, 1); })},
      {"stack_last", "np.stack([a, b, a], axis=-1)", {d54, d54}, {{2, 3}, {5, 1}},
       all([](const std::vector<Array>& in) { return stack({in[0], in[1], in[0]}, -1); })},
      {"stack_0d", "np.stack([a, a])", {s0}, {{}}, all([](const std::vector<Array>& in) { return stack({in[0], in[0]}); })},
      {"unstack_axis1", "[a[:, i] for i in range(a.shape[1])]", {a}, {ca},
       [](const std::vector<Array>& in) { return unstack(in[0], 1); }},
      {"unstack_axis0", "list(a)", {d54}, {{2, 3}}, [](const std::vector<Array>& in) { return unstack(in[0]); }},
      // expand_dims / squeeze
      {"expand_dims_tuple", "np.expand_dims(a, (0, 3))", {a}, {ca}, one([](const Array& x) { return expand_dims(x, V{0, 3}); })},
      {"expand_dims_negative", "np.expand_dims(a, -1)", {a}, {ca}, one([](const Array& x) { return expand_dims(x, -1); })},
      {"expand_dims_0d", "np.expand_dims(a, 0)", {s0}, {{}}, one([](const Array& x) { return expand_dims(x, 0); })},
      {"squeeze_axis", "np.squeeze(a, 1)", {c314}, {{2, 1, 3}}, one([](const Array& x) { return squeeze(x, 1); })},
      {"squeeze_all", "np.squeeze(a)", {one151}, {{1, 2, 1}},
       one([](const Array& x) { return squeeze(x, std::nullopt); })},
      {"squeeze_tuple", "np.squeeze(a, (0, -1))", {one151}, {{1, 3, 1}},
       one([](const Array& x) { return squeeze(x, V{0, -1}); })},
      // flip / roll
      {"flip_all", "np.flip(a)", {a}, {ca}, one([](const Array& x) { return flip(x); })},
      {"flip_axes", "np.flip(a, axis=(0, 2))", {a}, {ca}, one([](const Array& x) { return flip(x, V{0, 2}); })},
      {"flip_1d", "np.flip(a, 0)", {b7}, {{3}}, one([](const Array& x) { return flip(x, 0); })},
      {"roll_axis", "np.roll(a, 2, axis=1)", {a}, {ca}, one([](const Array& x) { return roll(x, 2, 1); })},
      {"roll_tuples", "np.roll(a, (1, -3), axis=(0, 2))", {a}, {ca},
       one([](const Array& x) { return roll(x, I{1, -3}, V{0, 2}); })},
      {"roll_same_axis_twice", "np.roll(a, (1, 2), axis=(1, 1))", {a}, {ca},
       one([](const Array& x) { return roll(x, I{1, 2}, V{1, 1}); })},
      {"roll_flattened", "np.roll(a, 7)", {a}, {ca}, one([](const Array& x) { return roll(x, 7); })},
      {"roll_negative_large", "np.roll(a, -10)", {b7}, {{3}}, one([](const Array& x) { return roll(x, -10); })},
      {"roll_one_shift_many_axes", "np.roll(a, 3, axis=(0, 1))", {d54}, {{2, 3}},
       one([](const Array& x) { return roll(x, I{3}, V{0, 1}); })},
      // permute_dims / moveaxis
      {"permute_dims", "np.transpose(a, (2, 0, 1))", {a}, {ca}, one([](const Array& x) { return permute_dims(x, {2, 0, 1}); })},
      {"permute_dims_negative", "np.transpose(a, (1, 0))", {d54}, {{2, 3}},
       one([](const Array& x) { return permute_dims(x, {-1, 0}); })},
      {"moveaxis", "np.moveaxis(a, 0, -1)", {a}, {ca}, one([](const Array& x) { return moveaxis(x, 0, -1); })},
      {"moveaxis_tuples", "np.moveaxis(a, (0, 1), (2, 0))", {a}, {ca},
       one([](const Array& x) { return moveaxis(x, V{0, 1}, V{2, 0}); })},
      // reshape
      {"reshape_merge_leading", "a.reshape(20, 6)", {a}, {ca}, one([](const Array& x) { return reshape(x, {20, 6}); })},
      {"reshape_merge_trailing", "a.reshape(4, 30)", {a}, {ca}, one([](const Array& x) { return reshape(x, {4, 30}); })},
      {"reshape_flatten", "a.reshape(-1)", {a}, {ca}, one([](const Array& x) { return reshape(x, {-1}); })},
      {"reshape_split", "a.reshape(2, 2, 5, 3, 2)", {a}, {ca}, one([](const Array& x) { return reshape(x, {2, 2, 5, 3, 2}); })},
      {"reshape_many_to_many", "a.reshape(5, 4, 6)", {a}, {ca}, one([](const Array& x) { return reshape(x, {5, 4, 6}); })},
      {"reshape_infer", "a.reshape(-1, 10)", {a}, {ca}, one([](const Array& x) { return reshape(x, {-1, 10}); })},
      {"reshape_mixed_groups", "a.reshape(2, 10, 3, 2)", {a}, {ca}, one([](const Array& x) { return reshape(x, {2, 10, 3, 2}); })},
      {"reshape_coprime_two_step", "a.reshape(9, 10)", {g109}, {{5, 9}}, one([](const Array& x) { return reshape(x, {9, 10}); })},
      {"reshape_1d_to_2d", "a.reshape(5, -1)", {test_data(DType::kInt64, {30})}, {{7}},
       one([](const Array& x) { return reshape(x, {5, -1}); })},
      {"reshape_unit_axes", "a.reshape(1, 12, 1)", {c314}, {{2, 1, 3}}, one([](const Array& x) { return reshape(x, {1, 12, 1}); })},
      {"reshape_drop_unit_axes", "a.reshape(3, 4)", {c314}, {{2, 1, 3}}, one([](const Array& x) { return reshape(x, {3, 4}); })},
      {"reshape_0d_to_2d", "a.reshape(1, 1)", {s0}, {{}}, one([](const Array& x) { return reshape(x, {1, 1}); })},
      {"reshape_to_0d", "a.reshape(())", {test_data(DType::kUInt16, {1, 1, 1})}, {{1, 1, 1}}, one([](const Array& x) { return reshape(x, {}); })},
      {"reshape_empty", "a.reshape(0, 4, 3, 2)", {empty40}, {{2, 1, 5}}, one([](const Array& x) { return reshape(x, {0, 4, 3, 2}); })},
      // repeat / tile
      {"repeat_axis", "np.repeat(a, 3, axis=1)", {a}, {ca}, one([](const Array& x) { return repeat(x, 3, 1); })},
      {"repeat_flattened", "np.repeat(a, 2)", {d54}, {{2, 3}}, one([](const Array& x) { return repeat(x, 2); })},
      {"repeat_zero", "np.repeat(a, 0, axis=0)", {a}, {ca}, one([](const Array& x) { return repeat(x, 0, 0); })},
      {"repeat_per_element", "np.repeat(a, [0, 1, 2, 3, 0, 1, 2])", {b7}, {{3}},
       one([](const Array& x) { return repeat(x, I{0, 1, 2, 3, 0, 1, 2}); })},
      {"repeat_per_element_axis", "np.repeat(a, [2, 0, 1, 3], axis=-1)", {d54}, {{2, 3}},
       one([](const Array& x) { return repeat(x, I{2, 0, 1, 3}, -1); })},
      {"tile", "np.tile(a, (2, 1, 3))", {a}, {ca}, one([](const Array& x) { return tile(x, {2, 1, 3}); })},
      {"tile_new_axes", "np.tile(a, (2, 3))", {b7}, {{3}}, one([](const Array& x) { return tile(x, {2, 3}); })},
      {"tile_short_reps", "np.tile(a, 2)", {a}, {ca}, one([](const Array& x) { return tile(x, {2}); })},
      {"tile_zero", "np.tile(a, (2, 0, 1))", {c314}, {{2, 1, 3}}, one([](const Array& x) { return tile(x, {2, 0, 1}); })},
  };
}

class ManipulationVsNumpy : public NumpySuite<Case, cases> {};

TEST_P(ManipulationVsNumpy, SameAsNumpyWithEveryChunking) {
  const Case& c = GetParam();
  const std::vector<NDBuffer> expected = numpy_results(c);
  const SpecPtr spec = suite_spec();
  for (int variant = 0; variant < kChunkVariants; ++variant) {
    std::vector<Array> inputs;
    for (std::size_t i = 0; i < c.inputs.size(); ++i) {
      const Shape chunks = chunk_variant(c.chunks[i], c.inputs[i].shape(), variant);
      inputs.push_back(from_array(c.inputs[i], chunks, spec));
    }
    const std::vector<Array> outputs = c.fn(inputs);
    ASSERT_EQ(outputs.size(), expected.size()) << "variant " << variant;
    ComputeReport report;
    const std::vector<NDBuffer> results = compute(outputs, {}, &report);
    for (std::size_t k = 0; k < results.size(); ++k) {
      EXPECT_EQ(outputs[k].shape(), expected[k].shape()) << "variant " << variant << " output " << k;
      EXPECT_EQ(dtype_name(results[k].dtype()), dtype_name(expected[k].dtype())) << "variant " << variant;
      EXPECT_TRUE(results[k] == expected[k]) << "variant " << variant << " output " << k << " shape "
                                             << shape_to_string(results[k].shape());
    }
    testing::expect_within_projection(report, *spec, "variant " + std::to_string(variant));
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ManipulationVsNumpy, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

// ---- errors ------------------------------------------------------------

class ManipulationErrors : public ::testing::Test {
 protected:
  SpecPtr spec_ = Spec::make((fs::temp_directory_path() / "cubed-manip-errors").string(), "100MB", "1MB");
  Array x_ = from_array(test_data(DType::kFloat64, {4, 5, 6}), {3, 2, 4}, spec_);
};

TEST_F(ManipulationErrors, AxesOutOfRangeOrRepeated) {
  expect_invalid([&] { flip(x_, 3); }, "flip: axis 3 is out of bounds for array of dimension 3");
  expect_invalid([&] { roll(x_, 1, -4); }, "roll: axis -4 is out of bounds for array of dimension 3");
  expect_invalid([&] { expand_dims(x_, 4); }, "expand_dims: axis 4 is out of bounds for array of dimension 4");
  expect_invalid([&] { expand_dims(x_, std::vector<int>{1, 1}); }, "expand_dims: repeated axis 1");
  expect_invalid([&] { squeeze(x_, 1); }, "squeeze: cannot squeeze axis 1 of length 5");
  expect_invalid([&] { permute_dims(x_, {0, 1}); }, "permute_dims: axes (0, 1) do not match an array of dimension 3");
  expect_invalid([&] { permute_dims(x_, {0, 1, 1}); }, "permute_dims: repeated axis 1");
  expect_invalid([&] { moveaxis(x_, std::vector<int>{0, 1}, std::vector<int>{2}); }, "must have the same number");
  expect_invalid([&] { unstack(x_, 5); }, "unstack: axis 5 is out of bounds");
  expect_invalid([&] { repeat(x_, 2, 3); }, "repeat: axis 3 is out of bounds");
  expect_invalid([&] { repeat(x_, -1, 0); }, "repeat: repeats may not be negative, got -1");
  expect_invalid([&] { repeat(x_, std::vector<std::int64_t>{1, 2}, 0); }, "repeat: 2 repeats for axis 0 of length 4");
  expect_invalid([&] { tile(x_, {2, -1}); }, "tile: reps may not be negative, got -1");
  expect_invalid([&] { roll(x_, std::vector<std::int64_t>{1, 2}, std::vector<int>{0, 1, 2}); }, "roll: 2 shifts for 3 axes");
}

TEST_F(ManipulationErrors, ShapesThatDoNotBroadcast) {
  Array y = from_array(test_data(DType::kFloat64, {4, 3}), {2, 2}, spec_);
  expect_invalid([&] { broadcast_to(y, {4, 4}); }, "broadcast_to: an array of shape (4, 3) cannot be broadcast to shape (4, 4)");
  expect_invalid([&] { broadcast_to(y, {3}); }, "cannot be broadcast to shape (3,)");
  expect_invalid([&] { broadcast_arrays({x_, y}); }, "broadcast_arrays: shapes (4, 5, 6) and (4, 3) do not broadcast (axis 1: 5 vs 4)");
}

TEST_F(ManipulationErrors, ReshapeSizeMismatch) {
  expect_invalid([&] { reshape(x_, {7, 17}); }, "reshape: cannot reshape array of size 120 into shape (7, 17)");
  expect_invalid([&] { reshape(x_, {-1, 7}); }, "reshape: cannot reshape array of size 120 into shape (-1, 7)");
  expect_invalid([&] { reshape(x_, {-1, -1}); }, "reshape: can only specify one unknown dimension");
  expect_invalid([&] { reshape(x_, {-2, 60}); }, "reshape: negative dimension -2");
}

TEST_F(ManipulationErrors, ConcatAndStackMismatches) {
  Array y = from_array(test_data(DType::kFloat64, {4, 3, 5}), {2, 2, 2}, spec_);
  Array z = from_array(test_data(DType::kFloat64, {4, 5}), {2, 2}, spec_);
  expect_invalid([&] { concat({x_, y}, 1); },
                 "concat: array 1 has shape (4, 3, 5), which does not match shape (4, 5, 6) of array 0 outside axis 1 "
                 "(axis 2: 5 vs 6)");
  expect_invalid([&] { concat({x_, z}, 0); }, "concat: array 1 has 2 dimensions, but array 0 has 3");
  expect_invalid([&] { concat({x_, x_}, 3); }, "concat: axis 3 is out of bounds for array of dimension 3");
  expect_invalid([&] { concat({}, 0); }, "concat: needs at least one array");
  Array s = from_array(test_data(DType::kFloat64, {}), {}, spec_);
  expect_invalid([&] { concat({s, s}, 0); }, "concat: zero-dimensional arrays cannot be concatenated");
  expect_invalid([&] { stack({x_, y}); }, "stack: array 1 has shape (4, 3, 5), but array 0 has shape (4, 5, 6)");
  expect_invalid([&] { stack({x_, x_}, 4); }, "stack: axis 4 is out of bounds for array of dimension 4");
}

// ---- plans and memory ----------------------------------------------------

TEST(ManipulationPlans, ChunksFollowTheInput) {
  auto spec = Spec::make((fs::temp_directory_path() / "cubed-manip-plan").string(), "100MB", "1MB");
  Array x = ones({100, 60}, DType::kFloat64, std::vector<std::int64_t>{30, 20}, spec);
  EXPECT_EQ(flip(x).chunks(), (Shape{30, 20}));
  EXPECT_EQ(roll(x, 5, 0).chunks(), (Shape{30, 20}));
  EXPECT_EQ(permute_dims(x, {1, 0}).chunks(), (Shape{20, 30}));
  EXPECT_EQ(expand_dims(x, 1).chunks(), (Shape{30, 1, 20}));
  EXPECT_EQ(stack({x, x}, 2).chunks(), (Shape{30, 20, 1}));
  EXPECT_EQ(repeat(x, 3, 0).chunks(), (Shape{30, 20}));
  EXPECT_EQ(concat({x, x}, 1).shape(), (Shape{100, 120}));
  // Unchanged: the same array.
  EXPECT_EQ(permute_dims(x, {0, 1}).node(), x.node());
  EXPECT_EQ(reshape(x, {100, 60}).node(), x.node());
  EXPECT_EQ(roll(x, 100, 0).node(), x.node());
  // A reshape whose chunks already map one-to-one is one operation.
  Array r = reshape(ones({100, 60}, DType::kFloat64, std::vector<std::int64_t>{10, 60}, spec), {6000});
  EXPECT_EQ(r.chunks(), (Shape{600}));
  EXPECT_EQ(Plan::build({{r, std::nullopt}}).operations().size(), 1u);
  // Broadcast axes get large chunks, not chunks of 1.
  Array b = broadcast_to(ones({1, 60}, DType::kFloat64, std::vector<std::int64_t>{1, 20}, spec), {1000, 60});
  EXPECT_GT(b.chunks()[0], 100);
}

// Arrays much larger than allowed_mem: every task stays within its
// projected memory, and the values are right.
TEST(ManipulationMemory, ReshapeOfAnArrayLargerThanAllowedMem) {
  SpecOptions options;
  options.work_dir = (fs::temp_directory_path() / ("cubed-manip-mem-" + std::to_string(::getpid()))).string();
  options.allowed_mem = 6'000'000;
  options.reserved_mem = 500'000;
  auto spec = std::make_shared<const Spec>(options);
  // 1200 x 1000 float64 = 9.6 MB, chunks of 200 x 250 (400 kB).
  Array x = reshape(arange(Scalar(0), Scalar(1'200'000), Scalar(1), DType::kFloat64, std::int64_t{50'000}, spec),
                    {1200, 1000});
  const NDBuffer values = compute(x);
  struct Target {
    Shape chunks;
    Shape shape;
  };
  // The last goes through the flattened form: with chunks of 20 x 250, the
  // only common run lengths of (1200, 1000) and (1875, 640) are tiny.
  for (const Target& t : {Target{{200, 250}, {1'200'000}}, Target{{200, 250}, {1000, 1200}},
                          Target{{200, 250}, {300, 4, 1000}}, Target{{200, 250}, {2400, 500}},
                          Target{{20, 250}, {1875, 640}}}) {
    const Shape& target = t.shape;
    Array y = reshape(from_array(values, t.chunks, spec), target);
    ComputeReport report;
    NDBuffer r = compute(y, {}, &report);
    ASSERT_EQ(r.shape(), target);
    bool ok = true;
    auto v = r.span<double>();
    for (std::size_t i = 0; i < v.size() && ok; ++i) ok = v[i] == static_cast<double>(i);
    EXPECT_TRUE(ok) << shape_to_string(target);
    if (target == Shape{1875, 640}) {
      EXPECT_EQ(report.operation_names.size(), 4u);  // rechunk, reshape, rechunk, reshape
      EXPECT_EQ(y.chunks(), (Shape{7, 640}));
    }
    for (std::size_t i = 0; i < report.projected_mem.size(); ++i) {
      EXPECT_LE(report.measured_peak_mem[i] + spec->reserved_mem(), report.projected_mem[i]) << report.operation_names[i];
      EXPECT_LE(report.projected_mem[i], spec->allowed_mem()) << report.operation_names[i];
    }
  }
  fs::remove_all(options.work_dir);
}

}  // namespace
}  // namespace cubed
