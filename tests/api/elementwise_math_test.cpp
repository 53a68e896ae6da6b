// The Array API's floating-point, rounding and classification functions,
// clip and where on lazy chunked arrays: computed results against numpy
// (numpy_elementwise.py) on arrays of shape (7, 5) with uneven chunks
// (3, 2), broadcasting against arrays of other chunks and against weak
// scalars, the result dtypes, and the errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <complex>
#include <filesystem>
#include <limits>

#include "api/numpy_reference.hpp"
#include "cubed/api/elementwise.hpp"
#include "cubed/core/error.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/compute.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;
using test::cycle;
using test::NumpyBatch;

constexpr int kMathUlps = 4;  // see tests/kernels/elementwise_math_test.cpp

struct UnaryFunction {
  const char* name;
  Array (*fn)(const Array&);
  bool transcendental;  // compared within kMathUlps, else exactly
};

const UnaryFunction kUnaryFunctions[] = {
    {"acos", &cubed::acos, true},   {"acosh", &cubed::acosh, true},       {"asin", &cubed::asin, true},
    {"asinh", &cubed::asinh, true}, {"atan", &cubed::atan, true},         {"atanh", &cubed::atanh, true},
    {"cos", &cubed::cos, true},     {"cosh", &cubed::cosh, true},         {"exp", &cubed::exp, true},
    {"expm1", &cubed::expm1, true}, {"log", &cubed::log, true},           {"log1p", &cubed::log1p, true},
    {"log2", &cubed::log2, true},   {"log10", &cubed::log10, true},       {"reciprocal", &cubed::reciprocal, true},
    {"sin", &cubed::sin, true},     {"sinh", &cubed::sinh, true},         {"sqrt", &cubed::sqrt, true},
    {"tan", &cubed::tan, true},     {"tanh", &cubed::tanh, true},         {"ceil", &cubed::ceil, false},
    {"floor", &cubed::floor, false}, {"round", &cubed::round, false},     {"trunc", &cubed::trunc, false},
    {"sign", &cubed::sign, false},  {"signbit", &cubed::signbit, false},  {"isfinite", &cubed::isfinite, false},
    {"isinf", &cubed::isinf, false}, {"isnan", &cubed::isnan, false},     {"real", &cubed::real, false},
    {"imag", &cubed::imag, false},  {"conj", &cubed::conj, false},
};

struct BinaryFunction {
  const char* name;
  Array (*fn)(const Operand&, const Operand&);
  int ulps;
};

const BinaryFunction kBinaryFunctions[] = {
    {"atan2", &cubed::atan2, kMathUlps}, {"copysign", &cubed::copysign, 0}, {"hypot", &cubed::hypot, kMathUlps},
    {"logaddexp", &cubed::logaddexp, kMathUlps}, {"nextafter", &cubed::nextafter, 0},
};

class ElementwiseMathApi : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() /
           ("cubed-elementwise-math-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir_);
    spec_ = Spec::make((dir_ / "work").string(), "100MB", "1MB");
  }
  void TearDown() override { fs::remove_all(dir_); }

  Array lazy(const NDBuffer& data, const Shape& chunks) const { return from_array(data, chunks, spec_); }

  // A (7, 5) buffer of `dt`: special and ordinary values for floating and
  // complex types, small values and the extremes for integers.
  static NDBuffer sample(DType dt, bool finite_nonzero = false) {
    const Shape shape = {7, 5};
    switch (dt) {
      case DType::kFloat32: return cycle(dt, shape, test::special_values<float>());
      case DType::kFloat64: return cycle(dt, shape, test::special_values<double>());
      case DType::kComplex64:
      case DType::kComplex128: {
        std::vector<Scalar> all = dt == DType::kComplex64 ? test::special_complex_values<float>()
                                                          : test::special_complex_values<double>();
        std::vector<Scalar> values;
        for (std::size_t i = 0; i < all.size(); i += 3) {
          const std::complex<double> v = all[i].as_complex();
          if (finite_nonzero && !(std::isfinite(v.real()) && std::isfinite(v.imag()) && v != 0.0)) continue;
          values.push_back(all[i]);
        }
        values.emplace_back(std::complex<double>(0.3, -1.7));
        values.emplace_back(std::complex<double>(-2.0, 0.25));
        return cycle(dt, shape, values);
      }
      case DType::kBool: return cycle(dt, shape, {Scalar(true), Scalar(false), Scalar(false)});
      default: break;
    }
    std::vector<Scalar> values = {Scalar(0), Scalar(1), Scalar(2), Scalar(3), Scalar(7), Scalar(100)};
    if (is_signed_integer(dt)) values.insert(values.end(), {Scalar(-1), Scalar(-5), Scalar(-100)});
    NDBuffer extremes(dt, {2});
    visit_dtype(dt, [&]<class Tag>(Tag) {
      using T = typename Tag::type;
      if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        extremes.span<T>()[0] = std::numeric_limits<T>::lowest();
        extremes.span<T>()[1] = std::numeric_limits<T>::max();
      }
    });
    values.push_back(extremes.get(0));
    values.push_back(extremes.get(1));
    return cycle(dt, shape, values);
  }

  fs::path dir_;
  SpecPtr spec_;
};

// Whether `f` throws DTypeError (the function does not take the dtype).
template <class F>
bool refuses(F f) {
  try {
    f();
    return false;
  } catch (const DTypeError&) {
    return true;
  }
}

TEST_F(ElementwiseMathApi, UnaryFunctionsOnUnevenChunksMatchNumpy) {
  struct Case {
    std::string what;
    NDBuffer input;
    NDBuffer got;
    std::size_t index;
    int ulps;
  };
  NumpyBatch batch;
  std::vector<Case> cases;
  for (const UnaryFunction& f : kUnaryFunctions) {
    for (DType dt : {DType::kFloat32, DType::kFloat64, DType::kComplex64, DType::kComplex128, DType::kInt16,
                     DType::kInt64, DType::kUInt8}) {
      // Complex reciprocal of zeros and infinities: see ComplexReciprocalIsC99Division.
      NDBuffer x = sample(dt, std::string(f.name) == "reciprocal");
      Array y;
      if (refuses([&] { y = f.fn(lazy(x, {3, 2})); })) continue;
      ASSERT_EQ(y.chunks(), (Shape{3, 2})) << f.name;
      NDBuffer got = compute(y);
      const int ulps = f.transcendental ? kMathUlps : (std::string(f.name) == "sign" && is_complex(dt) ? 2 : 0);
      cases.push_back({std::string(f.name) + " on " + std::string(dtype_name(dt)), x, std::move(got),
                       batch.add(f.name, {x}), ulps});
    }
  }
  batch.run();
  EXPECT_GE(cases.size(), 150u);
  for (const Case& c : cases) EXPECT_EQ(test::compare(c.got, batch.result(c.index), c.ulps, &c.input), "") << c.what;
}

TEST_F(ElementwiseMathApi, BinaryFunctionsBroadcastArraysAndWeakScalars) {
  struct Case {
    std::string what;
    NDBuffer got;
    std::size_t index;
    int ulps;
  };
  NumpyBatch batch;
  std::vector<Case> cases;
  auto scalar = [](DType dt, const Scalar& v) { return cycle(dt, {}, {v}); };
  for (const BinaryFunction& f : kBinaryFunctions) {
    auto add = [&](const std::string& what, const Array& result, std::vector<std::optional<NDBuffer>> numpy_inputs) {
      cases.push_back({std::string(f.name) + " " + what, compute(result), batch.add(f.name, numpy_inputs), f.ulps});
    };
    for (DType dt : {DType::kFloat32, DType::kFloat64}) {
      const NDBuffer x = sample(dt);
      const NDBuffer row = cycle(dt, {5}, {Scalar(-2.5), Scalar(0.0), Scalar(1.0), Scalar(-0.0), Scalar(1e10)});
      const NDBuffer column = cycle(dt, {7, 1}, {Scalar(3.0), Scalar(-0.5), Scalar(std::nan(""))});
      const Array ax = lazy(x, {3, 2});
      // Other chunks along the shared axis: rechunked to x's.
      add("(7,5) with (5,)", f.fn(ax, lazy(row, {3})), {x, row});
      add("(7,1) with (7,5)", f.fn(lazy(column, {4, 1}), ax), {column, x});
      add("(7,1) with (5,)", f.fn(lazy(column, {2, 1}), lazy(row, {2})), {column, row});
      // Weak scalars keep the array's dtype.
      const Array with_float = f.fn(ax, 2.5);
      EXPECT_EQ(with_float.dtype(), dt);
      add("with 2.5", with_float, {x, scalar(dt, Scalar(2.5))});
      add("3 with", f.fn(3, ax), {scalar(dt, Scalar(3)), x});
    }
    // Integers compute in float64, also with a float32 scalar or array.
    const NDBuffer ints = sample(DType::kInt32);
    const Array ai = lazy(ints, {3, 2});
    const Array int_result = f.fn(ai, -1);
    EXPECT_EQ(int_result.dtype(), DType::kFloat64) << f.name;
    add("int32 with -1", int_result, {ints, scalar(DType::kFloat64, Scalar(-1.0))});
    const NDBuffer floats = sample(DType::kFloat32);
    add("int32 with float32", f.fn(ai, lazy(floats, {2, 5})), {ints, floats});
    const NDBuffer small = sample(DType::kUInt8);
    add("uint8 with int16", f.fn(lazy(small, {3, 2}), lazy(sample(DType::kInt16), {3, 2})),
        {small, sample(DType::kInt16)});
  }
  batch.run();
  for (const Case& c : cases) EXPECT_EQ(test::compare(c.got, batch.result(c.index), c.ulps), "") << c.what;
}

TEST_F(ElementwiseMathApi, WhereBroadcastsPromotesAndTakesScalars) {
  struct Case {
    std::string what;
    NDBuffer got;
    std::size_t index;
  };
  NumpyBatch batch;
  std::vector<Case> cases;
  auto add = [&](const std::string& what, const Array& result, std::vector<std::optional<NDBuffer>> numpy_inputs) {
    cases.push_back({what, compute(result), batch.add("where", numpy_inputs)});
  };
  const std::vector<Scalar> flags = {Scalar(true), Scalar(false), Scalar(false), Scalar(true), Scalar(true),
                                     Scalar(false), Scalar(true), Scalar(false)};
  const NDBuffer cond = cycle(DType::kBool, {7, 5}, flags);
  const NDBuffer cond_column = cycle(DType::kBool, {7, 1}, flags);
  const Array c = lazy(cond, {3, 2});
  for (DType dt : {DType::kBool, DType::kInt8, DType::kUInt16, DType::kInt32, DType::kFloat32, DType::kFloat64,
                   DType::kComplex64, DType::kComplex128}) {
    const NDBuffer x = sample(dt);
    const NDBuffer y = cycle(dt, {5}, {Scalar(9), Scalar(0), Scalar(1)});
    add(std::string("same shapes ") + std::string(dtype_name(dt)), where(c, lazy(x, {4, 4}), lazy(x, {2, 3})),
        {cond, x, x});
    add(std::string("broadcast ") + std::string(dtype_name(dt)), where(lazy(cond_column, {2, 1}), lazy(x, {3, 2}), lazy(y, {5})),
        {cond_column, x, y});
  }
  // Promotion between arrays (int8 with float32 is float32) and weak scalars.
  const NDBuffer i8 = sample(DType::kInt8);
  const NDBuffer f32 = sample(DType::kFloat32);
  const Array promoted = where(c, lazy(i8, {3, 2}), lazy(f32, {7, 5}));
  EXPECT_EQ(promoted.dtype(), DType::kFloat32);
  add("int8 with float32", promoted, {cond, i8, f32});
  const Array weak_int = where(c, lazy(i8, {3, 2}), 5);
  EXPECT_EQ(weak_int.dtype(), DType::kInt8);
  add("int8 with 5", weak_int, {cond, i8, cycle(DType::kInt8, {}, {Scalar(5)})});
  const Array weak_float = where(c, -1.5, lazy(i8, {3, 2}));
  EXPECT_EQ(weak_float.dtype(), DType::kFloat64);
  add("-1.5 with int8", weak_float, {cond, cycle(DType::kFloat64, {}, {Scalar(-1.5)}), i8});
  const Array weak_complex = where(c, lazy(f32, {3, 2}), Scalar(std::complex<double>(1.0, -2.0)));
  EXPECT_EQ(weak_complex.dtype(), DType::kComplex64);
  add("float32 with 1-2j", weak_complex,
      {cond, f32, cycle(DType::kComplex64, {}, {Scalar(std::complex<double>(1.0, -2.0))})});
  batch.run();
  for (const Case& k : cases) EXPECT_EQ(test::compare(k.got, batch.result(k.index), 0), "") << k.what;
}

TEST_F(ElementwiseMathApi, ClipWithArrayScalarAndAbsentBounds) {
  struct Case {
    std::string what;
    NDBuffer got;
    std::size_t index;
  };
  NumpyBatch batch;
  std::vector<Case> cases;
  auto add = [&](const std::string& what, const Array& result, DType expected_dtype,
                 std::vector<std::optional<NDBuffer>> numpy_inputs) {
    EXPECT_EQ(result.dtype(), expected_dtype) << what;
    cases.push_back({what, compute(result), batch.add("clip", numpy_inputs)});
  };
  for (DType dt : {DType::kFloat32, DType::kFloat64}) {
    const std::string name(dtype_name(dt));
    const NDBuffer x = sample(dt);
    const Array ax = lazy(x, {3, 2});
    const NDBuffer lo = cycle(dt, {5}, {Scalar(-1.0), Scalar(0.0), Scalar(0.5), Scalar(std::nan("")), Scalar(-1e30)});
    add("array min, scalar max " + name, clip(ax, lazy(lo, {3}), 2.0), dt, {x, lo, cycle(dt, {}, {Scalar(2.0)})});
    add("min only " + name, clip(ax, 0.25), dt, {x, cycle(dt, {}, {Scalar(0.25)}), std::nullopt});
    add("max only " + name, clip(ax, std::nullopt, lazy(lo, {5})), dt, {x, std::nullopt, lo});
    add("no bounds " + name, clip(ax), dt, {x, std::nullopt, std::nullopt});
    const NDBuffer hi = cycle(dt, {7, 1}, {Scalar(1.0), Scalar(-3.0)});
    add("min > max " + name, clip(ax, 0, lazy(hi, {2, 1})), dt, {x, cycle(dt, {}, {Scalar(0.0)}), hi});
  }
  // Integers: int scalars outside the dtype's range are clamped to it.
  const NDBuffer i8 = sample(DType::kInt8);
  add("int8 with -1000, 1000", clip(lazy(i8, {3, 2}), -1000, 1000), DType::kInt8, {i8, std::nullopt, std::nullopt});
  add("int8 with -3, 1000", clip(lazy(i8, {3, 2}), -3, 1000), DType::kInt8,
      {i8, cycle(DType::kInt8, {}, {Scalar(-3)}), std::nullopt});
  const NDBuffer u8 = sample(DType::kUInt8);
  add("uint8 with -5, 7", clip(lazy(u8, {3, 2}), -5, 7), DType::kUInt8,
      {u8, std::nullopt, cycle(DType::kUInt8, {}, {Scalar(7)})});
  const NDBuffer u64 = sample(DType::kUInt64);
  add("uint64 with 2**63", clip(lazy(u64, {3, 2}), Scalar(std::uint64_t{1} << 63)), DType::kUInt64,
      {u64, cycle(DType::kUInt64, {}, {Scalar(std::uint64_t{1} << 63)}), std::nullopt});
  // An array bound of a type that casts safely to x's.
  const NDBuffer i16 = sample(DType::kInt16);
  const NDBuffer bound = cycle(DType::kInt8, {7, 1}, {Scalar(-2), Scalar(5)});
  NDBuffer bound16(DType::kInt16, {7, 1});
  for (std::int64_t i = 0; i < 7; ++i) bound16.set(i, bound.get(i));
  add("int16 with int8 min", clip(lazy(i16, {3, 2}), lazy(bound, {3, 1})), DType::kInt16, {i16, bound16, std::nullopt});
  batch.run();
  for (const Case& k : cases) EXPECT_EQ(test::compare(k.got, batch.result(k.index), 0), "") << k.what;
}

TEST_F(ElementwiseMathApi, ResultDTypes) {
  auto of = [&](DType dt) { return lazy(sample(dt), {3, 2}); };
  EXPECT_EQ(sin(of(DType::kInt8)).dtype(), DType::kFloat64);
  EXPECT_EQ(sqrt(of(DType::kUInt64)).dtype(), DType::kFloat64);
  EXPECT_EQ(exp(of(DType::kFloat32)).dtype(), DType::kFloat32);
  EXPECT_EQ(log(of(DType::kComplex64)).dtype(), DType::kComplex64);
  EXPECT_EQ(reciprocal(of(DType::kInt32)).dtype(), DType::kFloat64);
  EXPECT_EQ(ceil(of(DType::kInt32)).dtype(), DType::kInt32);
  EXPECT_EQ(round(of(DType::kComplex128)).dtype(), DType::kComplex128);
  EXPECT_EQ(sign(of(DType::kInt8)).dtype(), DType::kInt8);
  EXPECT_EQ(isnan(of(DType::kComplex64)).dtype(), DType::kBool);
  EXPECT_EQ(signbit(of(DType::kInt16)).dtype(), DType::kBool);
  EXPECT_EQ(real(of(DType::kComplex64)).dtype(), DType::kFloat32);
  EXPECT_EQ(imag(of(DType::kComplex128)).dtype(), DType::kFloat64);
  EXPECT_EQ(imag(of(DType::kUInt8)).dtype(), DType::kUInt8);
  EXPECT_EQ(conj(of(DType::kFloat64)).dtype(), DType::kFloat64);
  EXPECT_EQ(atan2(of(DType::kInt16), of(DType::kInt16)).dtype(), DType::kFloat64);
  EXPECT_EQ(hypot(of(DType::kFloat32), 1).dtype(), DType::kFloat32);
  EXPECT_EQ(copysign(-1.0, of(DType::kInt8)).dtype(), DType::kFloat64);
  EXPECT_EQ(clip(of(DType::kFloat32), 1, 2.5).dtype(), DType::kFloat32);
  // The existing operations keep their behaviour through the shared path.
  EXPECT_EQ(divide(of(DType::kInt8), 2).dtype(), DType::kFloat64);
  EXPECT_EQ((of(DType::kInt8) + 1).dtype(), DType::kInt8);
}

TEST_F(ElementwiseMathApi, ErrorsNameTheFunctionAndDType) {
  auto of = [&](DType dt) { return lazy(sample(dt), {3, 2}); };
  auto message_of = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const Error& e) {
      return std::string(error_kind_name(e.kind())) + ": " + e.what();
    }
    return "no error";
  };
  const Array b = of(DType::kBool);
  const Array c = of(DType::kComplex128);
  const Array i = of(DType::kInt32);
  const Array f = of(DType::kFloat64);
  EXPECT_EQ(message_of([&] { sin(b); }), "DType: sin does not support dtype bool");
  EXPECT_EQ(message_of([&] { atan2(c, 1.0); }), "DType: atan2 does not support dtype complex128");
  EXPECT_EQ(message_of([&] { hypot(f, Scalar(std::complex<double>(1, 1))); }),
            "DType: hypot does not support dtype complex128");
  EXPECT_EQ(message_of([&] { nextafter(b, b); }), "DType: nextafter does not support dtype bool");
  EXPECT_EQ(message_of([&] { ceil(c); }), "DType: ceil does not support dtype complex128");
  EXPECT_EQ(message_of([&] { signbit(c); }), "DType: signbit does not support dtype complex128");
  EXPECT_EQ(message_of([&] { isfinite(b); }), "DType: isfinite does not support dtype bool");
  EXPECT_EQ(message_of([&] { where(i, f, f); }),
            "DType: where does not support condition dtype int32 (it must be bool)");
  EXPECT_EQ(message_of([&] { where(b, 1, 2.0); }), "InvalidArgument: where: at least one of x1 and x2 must be an array");
  EXPECT_EQ(message_of([&] { where(b, lazy(sample(DType::kFloat64), {3, 2}), lazy(cycle(DType::kFloat64, {4}, {Scalar(1.0)}), {2})); }),
            "InvalidArgument: where: shapes (7, 5) and (7, 5) and (4,) do not broadcast");
  EXPECT_EQ(message_of([&] { clip(b, 0); }), "DType: clip does not support dtype bool");
  EXPECT_EQ(message_of([&] { clip(c); }), "DType: clip does not support dtype complex128");
  EXPECT_EQ(message_of([&] { clip(i, 1.5); }),
            "DType: clip: a float min (1.5) with x of integer dtype int32 is not supported");
  EXPECT_EQ(message_of([&] { clip(i, std::nullopt, true); }), "DType: clip: a bool max (True) is not supported");
  EXPECT_EQ(message_of([&] { clip(of(DType::kInt8), i); }),
            "DType: clip: min of dtype int32 does not cast safely to x's dtype int8");
  EXPECT_EQ(message_of([&] { clip(f, 0, lazy(cycle(DType::kFloat64, {3}, {Scalar(1.0)}), {3})); }),
            "InvalidArgument: clip: shapes (7, 5) and (3,) do not broadcast");
}

}  // namespace
}  // namespace cubed

namespace cubed {
namespace {

// An array given as several operands (x * x, where(x > 0, x, x)) is one input
// of the blockwise operation: each chunk is read once per task, and counted
// once in projected memory.
TEST_F(ElementwiseMathApi, AnArrayGivenTwiceIsReadOnce) {
  const NDBuffer data = sample(DType::kFloat64);
  const Array x = lazy(data, {3, 2});
  const Array y = lazy(data, {3, 2});
  const Array square = multiply(x, x);
  const Array product = multiply(x, y);
  EXPECT_EQ(square.node()->op->inputs().size(), 1u);
  EXPECT_EQ(product.node()->op->inputs().size(), 2u);
  EXPECT_LT(square.node()->op->task_memory(*square.node()), product.node()->op->task_memory(*product.node()));
  const Array picked = where(greater(x, Scalar(0.0)), x, x);
  EXPECT_EQ(picked.node()->op->inputs().size(), 2u);  // the condition and x
  const NDBuffer s = compute(square);
  const NDBuffer p = compute(picked);
  for (std::int64_t i = 0; i < data.size(); ++i) {
    const double v = data.get(i).as_double();
    EXPECT_TRUE(s.get(i).as_double() == v * v || (std::isnan(v) && std::isnan(s.get(i).as_double()))) << i;
    EXPECT_TRUE(p.get(i).as_double() == v || (std::isnan(v) && std::isnan(p.get(i).as_double()))) << i;
  }
}

}  // namespace
}  // namespace cubed
