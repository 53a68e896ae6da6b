// The arithmetic, comparison, logical and bitwise functions (and their
// unary forms) against numpy on every dtype each takes: inputs of shape
// (7, 5) in uneven chunks broadcast against (5,) in other chunks, with
// special values (NaN, +-inf, +-0, integer extremes that overflow), then the
// same with chunks of 1.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <limits>

#include "api/numpy_oracle.hpp"
#include "api/numpy_reference.hpp"
#include "cubed/api/elementwise.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/compute.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;

// Values of each kind, extremes included (integer overflow wraps as numpy).
std::vector<Scalar> values_of(DType dt, bool second) {
  if (is_bool(dt)) return {Scalar(true), Scalar(false), Scalar(second)};
  if (is_floating(dt)) {
    auto v = dt == DType::kFloat32 ? test::special_values<float>() : test::special_values<double>();
    if (second) std::rotate(v.begin(), v.begin() + 3, v.end());
    return v;
  }
  if (is_complex(dt)) {
    using C = std::complex<double>;
    std::vector<Scalar> v = {C(1, 2), C(-0.5, 3), C(0, 0), C(2.5, -1), C(-3, -4), C(0, 1), C(7, 0.25)};
    if (second) v[2] = Scalar(C(1, -1));
    return v;
  }
  return visit_dtype(dt, [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    std::vector<Scalar> v;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      using L = std::numeric_limits<T>;
      if constexpr (std::is_signed_v<T>) {
        v = {Scalar(std::int64_t{L::max()}), Scalar(std::int64_t{L::min()}), Scalar(-7), Scalar(5), Scalar(0),
             Scalar(1), Scalar(-1), Scalar(100), Scalar(-3), Scalar(6)};
      } else {
        v = {Scalar(static_cast<std::uint64_t>(L::max())), Scalar(0), Scalar(7), Scalar(5), Scalar(1),
             Scalar(100), Scalar(3), Scalar(200), Scalar(9)};
      }
      if (second) std::reverse(v.begin(), v.end());
    }
    return v;
  });
}

using Binary = Array (*)(const Operand&, const Operand&);
using Unary = Array (*)(const Array&);

struct BinaryCase {
  const char* name;
  const char* numpy;
  Binary fn;
  bool ints, floats, complex, bools;
  int ulps;
};

const BinaryCase kBinary[] = {
    {"add", "np.add", &add, true, true, true, false, 0},
    {"subtract", "np.subtract", &subtract, true, true, true, false, 0},
    {"multiply", "np.multiply", &multiply, true, true, true, false, 0},
    {"divide", "np.divide", &divide, true, true, true, false, 2},
    {"floor_divide", "np.floor_divide", &floor_divide, true, true, false, false, 0},
    {"remainder", "np.remainder", &remainder, true, true, false, false, 0},
    {"maximum", "np.maximum", &maximum, true, true, false, false, 0},
    {"minimum", "np.minimum", &minimum, true, true, false, false, 0},
    {"equal", "np.equal", &equal, true, true, true, true, 0},
    {"not_equal", "np.not_equal", &not_equal, true, true, true, true, 0},
    {"less", "np.less", &less, true, true, false, false, 0},
    {"less_equal", "np.less_equal", &less_equal, true, true, false, false, 0},
    {"greater", "np.greater", &greater, true, true, false, false, 0},
    {"greater_equal", "np.greater_equal", &greater_equal, true, true, false, false, 0},
    {"logical_and", "np.logical_and", &logical_and, false, false, false, true, 0},
    {"logical_or", "np.logical_or", &logical_or, false, false, false, true, 0},
    {"logical_xor", "np.logical_xor", &logical_xor, false, false, false, true, 0},
    {"bitwise_and", "np.bitwise_and", &bitwise_and, true, false, false, true, 0},
    {"bitwise_or", "np.bitwise_or", &bitwise_or, true, false, false, true, 0},
    {"bitwise_xor", "np.bitwise_xor", &bitwise_xor, true, false, false, true, 0},
};

struct UnaryCase {
  const char* name;
  const char* numpy;
  Unary fn;
  bool ints, floats, complex, bools;
};

const UnaryCase kUnary[] = {
    {"negative", "np.negative", &negative, true, true, true, false},
    {"positive", "np.positive", &positive, true, true, true, false},
    {"abs", "np.abs", &abs, true, true, true, false},
    {"square", "np.square", &square, true, true, true, false},
    {"bitwise_invert", "np.invert", &bitwise_invert, true, false, false, true},
    {"logical_not", "np.logical_not", &logical_not, false, false, false, true},
};

bool takes(DType dt, bool ints, bool floats, bool complex, bool bools) {
  return (is_integer(dt) && ints) || (is_floating(dt) && floats) || (is_complex(dt) && complex) ||
         (is_bool(dt) && bools);
}

struct Computation {
  std::string label;
  int id;
  int ulps;
  std::function<Array(const std::vector<Array>&)> fn;
  std::vector<NDBuffer> inputs;
};

TEST(ElementwiseArithmeticVsNumpy, EveryDtypeWithSpecialValues) {
  const fs::path dir = fs::temp_directory_path() / ("cubed-arith-" + std::to_string(::getpid()));
  testing::NumpyOracle oracle(dir / "numpy");
  std::vector<Computation> computations;
  for (int d = 0; d < kNumDTypes; ++d) {
    const auto dt = static_cast<DType>(d);
    const NDBuffer a = test::cycle(dt, {7, 5}, values_of(dt, false));
    const NDBuffer b = test::cycle(dt, {5}, values_of(dt, true));
    for (const BinaryCase& c : kBinary) {
      if (!takes(dt, c.ints, c.floats, c.complex, c.bools)) continue;
      const std::string label = std::string(c.name) + " " + std::string(dtype_name(dt));
      computations.push_back({label, oracle.add(std::string(c.numpy) + "(a, b)", {a, b}), c.ulps,
                              [fn = c.fn](const std::vector<Array>& in) { return fn(in[0], in[1]); }, {a, b}});
    }
    for (const UnaryCase& c : kUnary) {
      if (!takes(dt, c.ints, c.floats, c.complex, c.bools)) continue;
      const std::string label = std::string(c.name) + " " + std::string(dtype_name(dt));
      // |z| of complex numbers: numpy's hypot and ours may differ by an ulp.
      const int ulps = is_complex(dt) && std::string(c.name) == "abs" ? 2 : 0;
      computations.push_back({label, oracle.add(std::string(c.numpy) + "(a)", {a}), ulps,
                              [fn = c.fn](const std::vector<Array>& in) { return fn(in[0]); }, {a}});
    }
    if (is_integer(dt)) {
      // Shifts by 0 .. bits - 1 and powers with exponents 0 .. 3 (numpy
      // refuses negative integer exponents).
      const std::int64_t bits = item_size(dt) * 8;
      NDBuffer shift(dt, {5});
      for (std::int64_t i = 0; i < 5; ++i) shift.set(i, Scalar(i * (bits - 1) / 4));
      NDBuffer exponent(dt, {5});
      for (std::int64_t i = 0; i < 5; ++i) exponent.set(i, Scalar(i % 4));
      const std::string t(dtype_name(dt));
      computations.push_back({"bitwise_left_shift " + t, oracle.add("np.left_shift(a, b)", {a, shift}), 0,
                              [](const std::vector<Array>& in) { return bitwise_left_shift(in[0], in[1]); },
                              {a, shift}});
      computations.push_back({"bitwise_right_shift " + t, oracle.add("np.right_shift(a, b)", {a, shift}), 0,
                              [](const std::vector<Array>& in) { return bitwise_right_shift(in[0], in[1]); },
                              {a, shift}});
      computations.push_back({"pow " + t, oracle.add("np.power(a, b)", {a, exponent}), 0,
                              [](const std::vector<Array>& in) { return pow(in[0], in[1]); }, {a, exponent}});
    }
    if (is_floating(dt) || is_complex(dt)) {
      // pow is transcendental: within 4 ulps (as the math functions). A
      // complex zero base is left out: numpy 1.24 gives NaN + NaN j for
      // 0 ** z, where C99's cpow (and cubed-cpp) give 0 or inf.
      NDBuffer base = a;
      if (is_complex(dt)) base = test::cycle(dt, {7, 5}, values_of(dt, true));
      computations.push_back({"pow " + std::string(dtype_name(dt)), oracle.add("np.power(a, b)", {base, b}), 4,
                              [](const std::vector<Array>& in) { return pow(in[0], in[1]); }, {base, b}});
    }
  }
  oracle.run();
  auto spec = Spec::make((dir / "work").string(), "100MB", "1MB");
  int failures = 0;
  for (const Computation& c : computations) {
    const std::string numpy_error = oracle.error(c.id);
    ASSERT_EQ(numpy_error, "") << c.label;
    const NDBuffer expected = oracle.results(c.id).at(0);
    for (int variant = 0; variant < 2; ++variant) {
      std::vector<Array> inputs;
      for (const NDBuffer& in : c.inputs) {
        Shape chunks = in.ndim() == 2 ? Shape{3, 2} : Shape{2};
        if (variant == 1) chunks.assign(chunks.size(), 1);
        inputs.push_back(from_array(in, chunks, spec));
      }
      const std::string mismatch = test::compare(compute(c.fn(inputs)), expected, c.ulps);
      EXPECT_EQ(mismatch, "") << c.label << " variant " << variant;
      failures += mismatch.empty() ? 0 : 1;
    }
  }
  EXPECT_EQ(failures, 0);
  EXPECT_GT(computations.size(), 200u);
  fs::remove_all(dir);
}

// astype between every pair of dtypes. Floating values cast to integers are
// finite and in range (outside it, negative values to unsigned types
// included, numpy's result is the platform's, while cubed-cpp saturates:
// docs/DECISIONS.md).
TEST(AstypeVsNumpy, EveryPairOfDtypes) {
  const fs::path dir = fs::temp_directory_path() / ("cubed-astype-" + std::to_string(::getpid()));
  testing::NumpyOracle oracle(dir / "numpy");
  const std::vector<Scalar> plain = {Scalar(0.0), Scalar(-0.0), Scalar(1.5), Scalar(-2.5), Scalar(3.7),
                                     Scalar(100.0), Scalar(-7.25), Scalar(1.0)};
  const std::vector<Scalar> non_negative = {Scalar(0.0), Scalar(-0.0), Scalar(1.5), Scalar(2.5), Scalar(3.7),
                                            Scalar(100.0), Scalar(7.25), Scalar(0.99)};
  struct Cast {
    DType from, to;
    NDBuffer input;
    int id;
  };
  std::vector<Cast> casts;
  for (int f = 0; f < kNumDTypes; ++f) {
    for (int t = 0; t < kNumDTypes; ++t) {
      const auto from = static_cast<DType>(f), to = static_cast<DType>(t);
      const bool to_exact = is_integer(to) || is_bool(to);
      const std::vector<Scalar>& in_range = is_unsigned_integer(to) ? non_negative : plain;
      NDBuffer input = test::cycle(from, {6, 4}, (is_floating(from) || is_complex(from)) && to_exact
                                                     ? in_range
                                                     : values_of(from, false));
      const int id = oracle.add("a.astype(np." + std::string(dtype_name(to)) + (is_bool(to) ? "_" : "") + ")", {input});
      casts.push_back({from, to, std::move(input), id});
    }
  }
  oracle.run();
  auto spec = Spec::make((dir / "work").string(), "100MB", "1MB");
  for (const Cast& c : casts) {
    const std::string label = std::string(dtype_name(c.from)) + " -> " + std::string(dtype_name(c.to));
    ASSERT_EQ(oracle.error(c.id), "") << label;
    const NDBuffer got = compute(astype(from_array(c.input, {4, 3}, spec), c.to));
    EXPECT_EQ(test::compare(got, oracle.results(c.id).at(0), 0), "") << label;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cubed
