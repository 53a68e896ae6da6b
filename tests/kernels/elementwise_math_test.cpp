// Kernels of the floating-point, rounding and classification functions,
// where and clip: results against numpy (tests/api/numpy_elementwise.py) on
// special and ordinary values of every dtype each function takes, dtype
// rules and errors, broadcasting of the three-operand kernels, and the
// standard's special cases for complex inputs (complex_special_cases.txt).
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <fstream>
#include <limits>
#include <sstream>

#include "api/numpy_reference.hpp"
#include "cubed/core/error.hpp"
#include "cubed/kernels/elementwise.hpp"

namespace cubed::kernels {
namespace {

using test::cycle;
using test::NumpyBatch;

constexpr DType kAllDTypes[] = {DType::kBool,    DType::kInt8,    DType::kInt16,     DType::kInt32,     DType::kInt64,
                                DType::kUInt8,   DType::kUInt16,  DType::kUInt32,    DType::kUInt64,    DType::kFloat32,
                                DType::kFloat64, DType::kComplex64, DType::kComplex128};

constexpr UnaryOp kMathOps[] = {UnaryOp::kAcos, UnaryOp::kAcosh, UnaryOp::kAsin,  UnaryOp::kAsinh, UnaryOp::kAtan,
                                UnaryOp::kAtanh, UnaryOp::kCos,  UnaryOp::kCosh,  UnaryOp::kExp,   UnaryOp::kExpm1,
                                UnaryOp::kLog,  UnaryOp::kLog1p, UnaryOp::kLog2,  UnaryOp::kLog10, UnaryOp::kReciprocal,
                                UnaryOp::kSin,  UnaryOp::kSinh,  UnaryOp::kSqrt,  UnaryOp::kTan,   UnaryOp::kTanh};
constexpr UnaryOp kRoundingOps[] = {UnaryOp::kCeil,     UnaryOp::kFloor, UnaryOp::kRound, UnaryOp::kTrunc,
                                    UnaryOp::kSign,     UnaryOp::kSignbit, UnaryOp::kIsfinite, UnaryOp::kIsinf,
                                    UnaryOp::kIsnan,    UnaryOp::kReal,  UnaryOp::kImag,  UnaryOp::kConj};
constexpr BinaryOp kBinaryMathOps[] = {BinaryOp::kAtan2, BinaryOp::kCopysign, BinaryOp::kHypot, BinaryOp::kLogaddexp,
                                       BinaryOp::kNextafter};

// Tolerance of the transcendental functions against numpy, in units in the
// last place: glibc is within 1 ulp of the exact result and numpy 1.24's
// SIMD loops (AVX-512/SVML on this machine) within 3.
constexpr int kMathUlps = 4;

// Inputs of each dtype: the special values of floating types (35 values,
// shape (7, 5)); 144 complex values (every pair of 12 special parts,
// shape (12, 12)); the extremes and small values of integer types.
NDBuffer inputs_for(DType dt) {
  switch (dt) {
    case DType::kFloat32: return cycle(dt, {7, 5}, test::special_values<float>());
    case DType::kFloat64: return cycle(dt, {7, 5}, test::special_values<double>());
    case DType::kComplex64: return cycle(dt, {12, 12}, test::special_complex_values<float>());
    case DType::kComplex128: return cycle(dt, {12, 12}, test::special_complex_values<double>());
    default: break;
  }
  std::vector<Scalar> values = {Scalar(0), Scalar(1), Scalar(2), Scalar(3), Scalar(7), Scalar(100)};
  if (is_signed_integer(dt)) {
    for (std::int64_t v : {-1, -2, -7, -100}) values.emplace_back(v);
  }
  // The extremes of the type.
  NDBuffer low(dt, {}), high(dt, {});
  visit_dtype(dt, [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      low.span<T>()[0] = std::numeric_limits<T>::lowest();
      high.span<T>()[0] = std::numeric_limits<T>::max();
    }
  });
  values.push_back(low.get(0));
  values.push_back(high.get(0));
  return cycle(dt, {3, 5}, values);
}

// The finite, nonzero elements of a complex buffer (1-d).
NDBuffer finite_nonzero(const NDBuffer& x) {
  std::vector<Scalar> kept;
  for (std::int64_t i = 0; i < x.size(); ++i) {
    const std::complex<double> v = x.get(i).as_complex();
    if (std::isfinite(v.real()) && std::isfinite(v.imag()) && v != 0.0) kept.push_back(x.get(i));
  }
  return cycle(x.dtype(), {static_cast<std::int64_t>(kept.size())}, kept);
}

bool takes(UnaryOp op, DType dt) {
  try {
    unary_result_dtype(op, dt);
    return true;
  } catch (const DTypeError&) {
    return false;
  }
}

bool takes(BinaryOp op, DType dt) {
  try {
    binary_result_dtype(op, dt);
    return true;
  } catch (const DTypeError&) {
    return false;
  }
}

NDBuffer run_unary(UnaryOp op, const NDBuffer& x) {
  NDBuffer out(unary_result_dtype(op, x.dtype()), x.shape());
  unary(op, x, out);
  return out;
}

NDBuffer run_binary(BinaryOp op, const NDBuffer& a, const NDBuffer& b) {
  NDBuffer out(binary_result_dtype(op, a.dtype()), broadcast_shapes(a.shape(), b.shape()));
  binary(op, a, b, out);
  return out;
}

// Runs every op of `ops` on every dtype it takes, against numpy.
template <std::size_t N, class Ulps>
void check_unary_against_numpy(const UnaryOp (&ops)[N], Ulps ulps) {
  struct Case {
    UnaryOp op;
    NDBuffer input;
    NDBuffer got;
    std::size_t index;
  };
  NumpyBatch batch;
  std::vector<Case> cases;
  for (UnaryOp op : ops) {
    for (DType dt : kAllDTypes) {
      if (!takes(op, dt)) continue;
      NDBuffer x = inputs_for(dt);
      if (op == UnaryOp::kReciprocal && is_complex(dt)) x = finite_nonzero(x);  // see ComplexReciprocalIsC99Division
      NDBuffer got = run_unary(op, x);
      std::size_t index = batch.add(std::string(unary_op_name(op)), {x});
      cases.push_back({op, std::move(x), std::move(got), index});
    }
  }
  batch.run();
  for (const Case& c : cases) {
    EXPECT_EQ(test::compare(c.got, batch.result(c.index), ulps(c.op, c.input.dtype()), &c.input), "")
        << unary_op_name(c.op) << " on " << dtype_name(c.input.dtype());
  }
}

TEST(ElementwiseMathKernels, UnaryMathMatchesNumpy) {
  check_unary_against_numpy(kMathOps, [](UnaryOp, DType) { return kMathUlps; });
}

// Exactly, except the sign of complex numbers: x / |x|, where numpy's |x|
// (its own SIMD loop) and glibc's hypot may differ by an ulp.
TEST(ElementwiseMathKernels, RoundingAndClassificationMatchNumpyExactly) {
  check_unary_against_numpy(kRoundingOps, [](UnaryOp op, DType dt) { return op == UnaryOp::kSign && is_complex(dt) ? 2 : 0; });
}

TEST(ElementwiseMathKernels, BinaryMathMatchesNumpyWithBroadcasting) {
  struct Case {
    BinaryOp op;
    NDBuffer got;
    std::size_t index;
  };
  NumpyBatch batch;
  std::vector<Case> cases;
  auto add = [&](BinaryOp op, const NDBuffer& a, const NDBuffer& b) {
    NDBuffer got = run_binary(op, a, b);
    cases.push_back({op, std::move(got), batch.add(std::string(binary_op_name(op)), {a, b})});
  };
  for (BinaryOp op : kBinaryMathOps) {
    for (DType dt : {DType::kFloat32, DType::kFloat64}) {
      // Every pair of special values: a column against a row.
      std::vector<Scalar> values = dt == DType::kFloat32 ? test::special_values<float>() : test::special_values<double>();
      const auto n = static_cast<std::int64_t>(values.size());
      NDBuffer column = cycle(dt, {n, 1}, values);
      NDBuffer row = cycle(dt, {n}, values);
      add(op, column, row);
      // Same shapes; a 0-d operand on either side.
      NDBuffer x = cycle(dt, {7, 5}, values);
      std::vector<Scalar> reversed(values.rbegin(), values.rend());
      add(op, x, cycle(dt, {7, 5}, reversed));
      add(op, x, cycle(dt, {}, {Scalar(-2.5)}));
      add(op, cycle(dt, {}, {Scalar(0.75)}), x);
    }
    // Integers compute in float64.
    for (DType dt : {DType::kInt8, DType::kInt32, DType::kUInt16, DType::kInt64}) {
      NDBuffer a = inputs_for(dt);
      NDBuffer b = cycle(dt, {5}, {Scalar(3), Scalar(0), Scalar(1), Scalar(2), Scalar(100)});
      add(op, a, b);
    }
  }
  batch.run();
  for (const Case& c : cases) {
    EXPECT_EQ(test::compare(c.got, batch.result(c.index), c.op == BinaryOp::kCopysign ||
                                                              c.op == BinaryOp::kNextafter ? 0 : kMathUlps),
              "")
        << binary_op_name(c.op) << " case " << c.index;
  }
}

TEST(ElementwiseMathKernels, WhereMatchesNumpyForEveryElementSizeAndBroadcast) {
  struct Case {
    NDBuffer got;
    std::size_t index;
  };
  NumpyBatch batch;
  std::vector<Case> cases;
  const std::vector<Scalar> flags = {Scalar(true), Scalar(false), Scalar(false), Scalar(true), Scalar(true),
                                     Scalar(false), Scalar(true)};
  // (condition, x, y) shapes: same, broadcast along each axis, 0-d.
  const std::vector<std::array<Shape, 3>> shapes = {
      {Shape{7, 5}, Shape{7, 5}, Shape{7, 5}}, {Shape{7, 1}, Shape{5}, Shape{7, 5}}, {Shape{7, 5}, Shape{}, Shape{1, 5}},
      {Shape{5}, Shape{7, 1}, Shape{}},        {Shape{}, Shape{7, 5}, Shape{7, 5}},  {Shape{2, 1, 5}, Shape{3, 1}, Shape{2, 3, 1}},
      {Shape{0, 5}, Shape{5}, Shape{}}};
  for (DType dt : kAllDTypes) {
    for (const auto& s : shapes) {
      NDBuffer c = cycle(DType::kBool, s[0], flags);
      NDBuffer x = cycle(dt, s[1], {Scalar(1), Scalar(2), Scalar(3)});
      NDBuffer y = cycle(dt, s[2], {Scalar(0), Scalar(-1)});
      NDBuffer out(dt, broadcast_shapes(broadcast_shapes(c.shape(), x.shape()), y.shape()));
      where(c, x, y, out);
      cases.push_back({std::move(out), batch.add("where", {c, x, y})});
    }
  }
  // NaN payloads and signed zeros pass through unchanged (bytes are moved).
  NDBuffer c = cycle(DType::kBool, {4}, {Scalar(true), Scalar(false)});
  NDBuffer x = cycle(DType::kFloat64, {4}, {Scalar(-0.0), Scalar(1.0)});
  NDBuffer y = cycle(DType::kFloat64, {4}, {Scalar(0.0), Scalar(-std::numeric_limits<double>::quiet_NaN())});
  NDBuffer out(DType::kFloat64, {4});
  where(c, x, y, out);
  EXPECT_TRUE(std::signbit(out.span<double>()[0]));
  EXPECT_TRUE(std::isnan(out.span<double>()[1]) && std::signbit(out.span<double>()[1]));
  batch.run();
  for (const Case& k : cases) EXPECT_EQ(test::compare(k.got, batch.result(k.index), 0), "") << "case " << k.index;
}

TEST(ElementwiseMathKernels, ClipMatchesNumpy) {
  struct Case {
    NDBuffer got;
    std::size_t index;
  };
  NumpyBatch batch;
  std::vector<Case> cases;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (DType dt : kAllDTypes) {
    if (is_bool(dt) || is_complex(dt)) continue;
    NDBuffer x = is_floating(dt) ? cycle(dt, {7, 5}, {Scalar(-3.5), Scalar(0.5), Scalar(2.0), Scalar(nan), Scalar(inf),
                                                       Scalar(-inf), Scalar(7.25), Scalar(-0.0)})
                                 : inputs_for(dt);
    const Shape shape = x.shape();
    const std::int64_t columns = shape.back();
    std::vector<std::pair<NDBuffer, NDBuffer>> bounds = {
        {cycle(dt, {}, {Scalar(0)}), cycle(dt, {}, {Scalar(3)})},
        {cycle(dt, {columns}, {Scalar(1), Scalar(0), Scalar(2)}), cycle(dt, {shape[0], 1}, {Scalar(2), Scalar(5)})},
        // lo > hi: hi wins (numpy).
        {cycle(dt, {}, {Scalar(5)}), cycle(dt, {}, {Scalar(2)})}};
    if (is_floating(dt)) bounds.emplace_back(cycle(dt, {columns}, {Scalar(0.0), Scalar(nan)}), cycle(dt, {}, {Scalar(1.0)}));
    for (const auto& [lo, hi] : bounds) {
      NDBuffer out(dt, broadcast_shapes(broadcast_shapes(x.shape(), lo.shape()), hi.shape()));
      clip(x, lo, hi, out);
      cases.push_back({std::move(out), batch.add("clip", {x, lo, hi})});
    }
  }
  batch.run();
  for (const Case& k : cases) EXPECT_EQ(test::compare(k.got, batch.result(k.index), 0), "") << "case " << k.index;
}

TEST(ElementwiseMathKernels, ResultDTypes) {
  EXPECT_EQ(unary_result_dtype(UnaryOp::kSin, DType::kInt8), DType::kFloat64);
  EXPECT_EQ(unary_result_dtype(UnaryOp::kSin, DType::kUInt64), DType::kFloat64);
  EXPECT_EQ(unary_result_dtype(UnaryOp::kSqrt, DType::kFloat32), DType::kFloat32);
  EXPECT_EQ(unary_result_dtype(UnaryOp::kExp, DType::kComplex64), DType::kComplex64);
  EXPECT_EQ(unary_result_dtype(UnaryOp::kReciprocal, DType::kInt32), DType::kFloat64);
  EXPECT_EQ(unary_compute_dtype(UnaryOp::kLog, DType::kInt16), DType::kFloat64);
  EXPECT_EQ(unary_compute_dtype(UnaryOp::kCeil, DType::kInt16), DType::kInt16);
  EXPECT_EQ(unary_result_dtype(UnaryOp::kCeil, DType::kInt16), DType::kInt16);
  EXPECT_EQ(unary_result_dtype(UnaryOp::kRound, DType::kComplex128), DType::kComplex128);
  EXPECT_EQ(unary_result_dtype(UnaryOp::kSign, DType::kUInt8), DType::kUInt8);
  EXPECT_EQ(unary_result_dtype(UnaryOp::kSignbit, DType::kFloat32), DType::kBool);
  EXPECT_EQ(unary_result_dtype(UnaryOp::kIsnan, DType::kComplex64), DType::kBool);
  EXPECT_EQ(unary_result_dtype(UnaryOp::kReal, DType::kComplex64), DType::kFloat32);
  EXPECT_EQ(unary_result_dtype(UnaryOp::kImag, DType::kComplex128), DType::kFloat64);
  EXPECT_EQ(unary_result_dtype(UnaryOp::kImag, DType::kInt32), DType::kInt32);
  EXPECT_EQ(unary_result_dtype(UnaryOp::kConj, DType::kFloat32), DType::kFloat32);
  EXPECT_EQ(binary_result_dtype(BinaryOp::kAtan2, DType::kInt32), DType::kFloat64);
  EXPECT_EQ(binary_result_dtype(BinaryOp::kHypot, DType::kFloat32), DType::kFloat32);
  EXPECT_EQ(binary_compute_dtype(BinaryOp::kNextafter, DType::kUInt8), DType::kFloat64);
  EXPECT_EQ(binary_compute_dtype(BinaryOp::kDivide, DType::kBool), DType::kFloat64);
  EXPECT_EQ(binary_compute_dtype(BinaryOp::kAdd, DType::kInt8), DType::kInt8);
  EXPECT_EQ(unary_op_name(UnaryOp::kLog1p), "log1p");
  EXPECT_EQ(binary_op_name(BinaryOp::kLogaddexp), "logaddexp");
}

TEST(ElementwiseMathKernels, UnsupportedDTypesNameTheFunctionAndDType) {
  auto message = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const DTypeError& e) {
      return e.what();
    }
    return "no DTypeError";
  };
  EXPECT_EQ(message([] { binary_result_dtype(BinaryOp::kAtan2, DType::kComplex128); }),
            "atan2 does not support dtype complex128");
  EXPECT_EQ(message([] { binary_compute_dtype(BinaryOp::kHypot, DType::kBool); }), "hypot does not support dtype bool");
  EXPECT_EQ(message([] { unary_result_dtype(UnaryOp::kSin, DType::kBool); }), "sin does not support dtype bool");
  EXPECT_EQ(message([] { unary_result_dtype(UnaryOp::kCeil, DType::kComplex64); }),
            "ceil does not support dtype complex64");
  EXPECT_EQ(message([] { unary_result_dtype(UnaryOp::kSignbit, DType::kComplex128); }),
            "signbit does not support dtype complex128");
  EXPECT_EQ(message([] { unary_compute_dtype(UnaryOp::kIsnan, DType::kBool); }), "isnan does not support dtype bool");
  // Every new op refuses bool; every unary one takes float32 and float64.
  for (UnaryOp op : kMathOps) {
    EXPECT_FALSE(takes(op, DType::kBool)) << unary_op_name(op);
    EXPECT_TRUE(takes(op, DType::kFloat32) && takes(op, DType::kComplex128)) << unary_op_name(op);
  }
  for (UnaryOp op : kRoundingOps) EXPECT_FALSE(takes(op, DType::kBool)) << unary_op_name(op);
  for (BinaryOp op : kBinaryMathOps) {
    EXPECT_FALSE(takes(op, DType::kBool) || takes(op, DType::kComplex64)) << binary_op_name(op);
  }
  // The three-operand kernels check their buffers.
  NDBuffer f(DType::kFloat64, {3});
  NDBuffer i(DType::kInt32, {3});
  NDBuffer out(DType::kFloat64, {3});
  EXPECT_THROW(where(f, f, f, out), InternalError);
  EXPECT_THROW(where(NDBuffer::zeros(DType::kBool, {3}), f, i, out), InternalError);
  EXPECT_THROW(clip(i, i, i, out), InternalError);
  NDBuffer wrong(DType::kFloat64, {4});
  EXPECT_THROW(clip(f, f, f, wrong), InternalError);
}

// One line of complex_special_cases.txt: f(a + bj) is expected.
struct SpecialCase {
  std::string function;
  double a = 0, b = 0;
  std::string re, im, flags;  // as written: "nan", "-0.0", "True", ...
  std::string bullet;         // the standard's sentence
};

std::vector<SpecialCase> read_special_cases() {
  const std::string path = std::string(CUBED_SOURCE_DIR) + "/tests/kernels/complex_special_cases.txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<SpecialCase> cases;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t hash = line.find(" # ");
    SpecialCase c;
    std::string a, b;
    std::istringstream fields(line.substr(0, hash));
    fields >> c.function >> a >> b >> c.re >> c.im >> c.flags;
    c.a = std::strtod(a.c_str(), nullptr);
    c.b = std::strtod(b.c_str(), nullptr);
    c.bullet = hash == std::string::npos ? "" : line.substr(hash + 3);
    cases.push_back(c);
  }
  return cases;
}

// Whether a computed part matches the expected text: NaN is any NaN;
// infinities and zeros have the expected sign unless `sign_any`; other
// values (pi/2, ...) are within 2 ulp of the type.
template <class F>
bool part_matches(F got, const std::string& expected_text, bool sign_any) {
  const F expected = static_cast<F>(std::strtod(expected_text.c_str(), nullptr));
  if (std::isnan(expected)) return std::isnan(got);
  if (std::isnan(got)) return false;
  if (std::isinf(expected) || expected == 0) {
    return sign_any ? std::fabs(got) == std::fabs(expected) : got == expected && std::signbit(got) == std::signbit(expected);
  }
  return std::fabs(got - expected) <= 2 * std::numeric_limits<F>::epsilon() * std::fabs(expected);
}

template <class F>
std::string check_special_case(const SpecialCase& c, UnaryOp op) {
  const DType dt = sizeof(F) == 4 ? DType::kComplex64 : DType::kComplex128;
  NDBuffer x(dt, {1});
  x.span<std::complex<F>>()[0] = std::complex<F>(static_cast<F>(c.a), static_cast<F>(c.b));
  NDBuffer out = run_unary(op, x);
  std::ostringstream got;
  bool ok = false;
  if (out.dtype() == DType::kBool) {
    ok = out.get(0).as_bool() == (c.re == "True");
    got << (out.get(0).as_bool() ? "True" : "False");
  } else {
    const std::complex<F> r = out.span<std::complex<F>>()[0];
    ok = part_matches(r.real(), c.re, c.flags.find("re_sign_any") != std::string::npos) &&
         part_matches(r.imag(), c.im, c.flags.find("im_sign_any") != std::string::npos);
    got.precision(17);
    got << "(" << r.real() << ", " << r.imag() << ")";
  }
  if (ok) return "";
  std::ostringstream message;
  message << c.function << "(" << c.a << ", " << c.b << ") " << dtype_name(dt) << ": got " << got.str()
          << ", expected (" << c.re << ", " << c.im << ") " << c.flags << "  [" << c.bullet << "]";
  return message.str();
}

// The standard's special cases of complex inputs (complex_special_cases.txt,
// generated from its text), for complex64 and complex128: the C library's
// Annex G functions, complex tanh (adjusted, see unary_math.cpp) and the
// complex functions written in unary_math.cpp (expm1, log1p, log2, log10)
// and unary_rounding.cpp (sign, isnan, isinf, isfinite).
TEST(ElementwiseMathKernels, ComplexSpecialCasesOfTheStandard) {
  const std::vector<SpecialCase> cases = read_special_cases();
  ASSERT_GT(cases.size(), 400u);
  std::vector<std::string> failures;
  int checked = 0;
  for (const SpecialCase& c : cases) {
    std::optional<UnaryOp> op;
    for (UnaryOp candidate : kMathOps) {
      if (unary_op_name(candidate) == c.function) op = candidate;
    }
    for (UnaryOp candidate : kRoundingOps) {
      if (unary_op_name(candidate) == c.function) op = candidate;
    }
    ASSERT_TRUE(op.has_value()) << c.function;
    for (const std::string& failure : {check_special_case<float>(c, *op), check_special_case<double>(c, *op)}) {
      if (!failure.empty()) failures.push_back(failure);
    }
    checked += 2;
  }
  std::string report;
  for (const std::string& f : failures) report += "\n  " + f;
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << checked << " special cases differ:" << report;
}

// reciprocal is 1 / x, "special cases ... as if 1.0 / x" says the standard,
// whose complex division leaves zeros and infinities implementation-defined
// (NaN + NaN j only for all-NaN operands). cubed-cpp follows C99 Annex G
// (the compiler's complex division): 1 / 0 is an infinity (inf + NaN j with
// the sign of the zero real part), 1 / infinity is zero. numpy divides
// differently (1 / (inf + inf j) is NaN + NaN j), so these are checked here.
TEST(ElementwiseMathKernels, ComplexReciprocalIsC99Division) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (DType dt : {DType::kComplex64, DType::kComplex128}) {
    auto reciprocal = [&](double re, double im) {
      return run_unary(UnaryOp::kReciprocal, cycle(dt, {1}, {Scalar(std::complex<double>(re, im))})).get(0).as_complex();
    };
    std::complex<double> r = reciprocal(0.0, 0.0);
    EXPECT_EQ(r.real(), inf);
    EXPECT_TRUE(std::isnan(r.imag()));
    EXPECT_EQ(reciprocal(-0.0, 0.0).real(), -inf);
    for (auto [re, im] : {std::pair{inf, inf}, {inf, -1.0}, {-inf, nan}, {2.0, -inf}, {nan, inf}}) {
      r = reciprocal(re, im);
      EXPECT_EQ(r, 0.0) << "1 / (" << re << ", " << im << ") = " << r;
    }
    r = reciprocal(nan, nan);
    EXPECT_TRUE(std::isnan(r.real()) && std::isnan(r.imag()));
    r = reciprocal(nan, 1.0);
    EXPECT_TRUE(std::isnan(r.real()) && std::isnan(r.imag()));
  }
}

// sign(x) = x / |x| stays accurate where |x| is subnormal or would overflow.
TEST(ElementwiseMathKernels, ComplexSignOfTinyAndHugeValues) {
  for (DType dt : {DType::kComplex64, DType::kComplex128}) {
    const bool single = dt == DType::kComplex64;
    const double tiny = single ? std::numeric_limits<float>::denorm_min() : std::numeric_limits<double>::denorm_min();
    const double huge = single ? std::numeric_limits<float>::max() : std::numeric_limits<double>::max();
    NDBuffer x = cycle(dt, {3}, {Scalar(std::complex<double>(tiny, tiny)), Scalar(std::complex<double>(-huge, huge)),
                                 Scalar(std::complex<double>(3 * tiny, -4 * tiny))});
    NDBuffer s = run_unary(UnaryOp::kSign, x);
    const double eps = single ? 1e-6 : 1e-15;
    const double half = std::sqrt(0.5);
    const std::complex<double> expected[] = {{half, half}, {-half, half}, {0.6, -0.8}};
    for (int i = 0; i < 3; ++i) {
      EXPECT_NEAR(s.get(i).as_complex().real(), expected[i].real(), eps) << dtype_name(dt) << " " << i;
      EXPECT_NEAR(s.get(i).as_complex().imag(), expected[i].imag(), eps) << dtype_name(dt) << " " << i;
    }
  }
}

TEST(ElementwiseMathKernels, RealSpecialCasesOfTheStandard) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto unary1 = [](UnaryOp op, double v) {
    NDBuffer x = cycle(DType::kFloat64, {1}, {Scalar(v)});
    return run_unary(op, x).get(0);
  };
  auto binary1 = [](BinaryOp op, double a, double b) {
    return run_binary(op, cycle(DType::kFloat64, {1}, {Scalar(a)}), cycle(DType::kFloat64, {1}, {Scalar(b)}))
        .get(0)
        .as_double();
  };
  // round: halves to even, zeros keep their sign.
  EXPECT_EQ(unary1(UnaryOp::kRound, 2.5).as_double(), 2.0);
  EXPECT_EQ(unary1(UnaryOp::kRound, -3.5).as_double(), -4.0);
  EXPECT_TRUE(std::signbit(unary1(UnaryOp::kRound, -0.4).as_double()));
  EXPECT_TRUE(std::signbit(unary1(UnaryOp::kCeil, -0.5).as_double()));
  // sign: NaN stays NaN, -0 gives +0 (numpy).
  EXPECT_TRUE(std::isnan(unary1(UnaryOp::kSign, nan).as_double()));
  EXPECT_FALSE(std::signbit(unary1(UnaryOp::kSign, -0.0).as_double()));
  // signbit sees the sign of NaN.
  EXPECT_TRUE(unary1(UnaryOp::kSignbit, -nan).as_bool());
  EXPECT_FALSE(unary1(UnaryOp::kSignbit, nan).as_bool());
  // logaddexp
  EXPECT_TRUE(std::isnan(binary1(BinaryOp::kLogaddexp, nan, inf)));
  EXPECT_EQ(binary1(BinaryOp::kLogaddexp, inf, -inf), inf);
  EXPECT_EQ(binary1(BinaryOp::kLogaddexp, -inf, -inf), -inf);
  EXPECT_EQ(binary1(BinaryOp::kLogaddexp, 1000.0, 1000.0), 1000.0 + std::log(2.0));
  EXPECT_EQ(binary1(BinaryOp::kLogaddexp, -inf, 3.0), 3.0);
  // nextafter: -0 towards +0 is +0 and back.
  EXPECT_FALSE(std::signbit(binary1(BinaryOp::kNextafter, -0.0, 0.0)));
  EXPECT_TRUE(std::signbit(binary1(BinaryOp::kNextafter, 0.0, -0.0)));
  // copysign takes the sign bit of NaN.
  EXPECT_EQ(binary1(BinaryOp::kCopysign, 2.0, -nan), -2.0);
  // hypot: an infinity wins over NaN.
  EXPECT_EQ(binary1(BinaryOp::kHypot, nan, -inf), inf);
}

}  // namespace
}  // namespace cubed::kernels
