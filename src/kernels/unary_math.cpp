// Floating-point functions of one argument: acos, acosh, asin, asinh, atan,
// atanh, cos, cosh, exp, expm1, log, log1p, log2, log10, reciprocal, sin,
// sinh, sqrt, tan, tanh on float32, float64, complex64 and complex128.
// Integer inputs are converted to float64 first (one copy per chunk).
//
// Real types call the C library (<cmath>), whose special cases (NaN, +-inf,
// +-0) follow C99 Annex F, which is what the standard's tables restate.
// Complex types call std::complex, which libstdc++ maps to the C library's
// Annex G functions (cacos, csin, cexp, clog, csqrt, ...), again the source of
// the standard's complex tables, with one exception: for a = +-inf and
// finite b, C99 gives tanh(a + bi) = +-1 + i 0 sin(2b), the standard
// +-1 + 0j with the sign of b (tanh(+inf + 2.5j) is 1 - 0j in C99, 1 + 0j in
// the standard), which is what complex tanh returns here. Four complex
// functions have no C library counterpart and are written here:
//
//   log2(z), log10(z)  log(z) times 1/ln 2 or 1/ln 10. Multiplying by a
//                      positive constant keeps every special case of log.
//   expm1(a + bi)      for |a| <= 1: expm1(a) cos b - 2 sin^2(b/2)
//                      + i e^a sin b (cos b - 1 = -2 sin^2(b/2) avoids the
//                      cancellation of exp(z) - 1 near the zeros 2 pi k i);
//                      elsewhere, and for non-finite a, exp(z) - 1, where
//                      |exp(z)| is far from 1 and cexp's special cases give
//                      the standard's expm1 table shifted by -1.
//   log1p(a + bi)      for |a|, |b| < 1/2: real part log1p(a (2 + a) + b^2) / 2
//                      (|1 + z|^2 = 1 + a (2 + a) + b^2), imaginary part
//                      atan2(b, 1 + a); elsewhere log(1 + z), whose special
//                      cases are the standard's log1p table.
//
// reciprocal is 1 / x, for complex x the compiler's complex division (C99
// Annex G, as the standard asks: "as if 1.0 / x").
#include <cmath>
#include <complex>
#include <limits>

#include "cubed/core/error.hpp"
#include "elementwise_internal.hpp"

namespace cubed::kernels::detail {
namespace {

template <class R>
inline constexpr R kLog2E = static_cast<R>(1.442695040888963407359924681001892137L);
template <class R>
inline constexpr R kLog10E = static_cast<R>(0.434294481903251827651128918916605082L);

template <class R>
std::complex<R> complex_expm1(std::complex<R> z) {
  const R a = z.real();
  const R b = z.imag();
  if (std::fabs(a) <= R(1)) {
    const R half = std::sin(b / 2);
    return {std::expm1(a) * std::cos(b) - 2 * half * half, std::exp(a) * std::sin(b)};
  }
  const std::complex<R> e = std::exp(z);
  return {e.real() - R(1), e.imag()};
}

template <class R>
std::complex<R> complex_log1p(std::complex<R> z) {
  const R a = z.real();
  const R b = z.imag();
  if (std::fabs(a) < R(0.5) && std::fabs(b) < R(0.5)) {
    return {std::log1p(a * (2 + a) + b * b) / 2, std::atan2(b, 1 + a)};
  }
  return std::log(std::complex<R>(1 + a, b));
}

template <class R>
std::complex<R> complex_tanh(std::complex<R> z) {
  if (std::isinf(z.real()) && std::isfinite(z.imag())) {
    return {std::copysign(R(1), z.real()), std::copysign(R(0), z.imag())};
  }
  return std::tanh(z);
}

template <class T>
T tanh_of(T x) {
  if constexpr (kIsComplex<T>) return complex_tanh(x);
  else return std::tanh(x);
}

template <class T>
T expm1_of(T x) {
  if constexpr (kIsComplex<T>) return complex_expm1(x);
  else return std::expm1(x);
}

template <class T>
T log1p_of(T x) {
  if constexpr (kIsComplex<T>) return complex_log1p(x);
  else return std::log1p(x);
}

template <class T>
T log2_of(T x) {
  if constexpr (kIsComplex<T>) {
    using R = typename T::value_type;
    const T l = std::log(x);
    return {l.real() * kLog2E<R>, l.imag() * kLog2E<R>};
  } else {
    return std::log2(x);
  }
}

template <class T>
T log10_of(T x) {
  if constexpr (kIsComplex<T>) {
    using R = typename T::value_type;
    const T l = std::log(x);
    return {l.real() * kLog10E<R>, l.imag() * kLog10E<R>};
  } else {
    return std::log10(x);
  }
}

// T is float, double, std::complex<float> or std::complex<double>.
template <class T>
void run(UnaryOp op, const NDBuffer& a, NDBuffer& out) {
  switch (op) {
    case UnaryOp::kAcos: return map_unary<T, T>(a, out, [](T x) -> T { return std::acos(x); });
    case UnaryOp::kAcosh: return map_unary<T, T>(a, out, [](T x) -> T { return std::acosh(x); });
    case UnaryOp::kAsin: return map_unary<T, T>(a, out, [](T x) -> T { return std::asin(x); });
    case UnaryOp::kAsinh: return map_unary<T, T>(a, out, [](T x) -> T { return std::asinh(x); });
    case UnaryOp::kAtan: return map_unary<T, T>(a, out, [](T x) -> T { return std::atan(x); });
    case UnaryOp::kAtanh: return map_unary<T, T>(a, out, [](T x) -> T { return std::atanh(x); });
    case UnaryOp::kCos: return map_unary<T, T>(a, out, [](T x) -> T { return std::cos(x); });
    case UnaryOp::kCosh: return map_unary<T, T>(a, out, [](T x) -> T { return std::cosh(x); });
    case UnaryOp::kExp: return map_unary<T, T>(a, out, [](T x) -> T { return std::exp(x); });
    case UnaryOp::kExpm1: return map_unary<T, T>(a, out, [](T x) { return expm1_of(x); });
    case UnaryOp::kLog: return map_unary<T, T>(a, out, [](T x) -> T { return std::log(x); });
    case UnaryOp::kLog1p: return map_unary<T, T>(a, out, [](T x) { return log1p_of(x); });
    case UnaryOp::kLog2: return map_unary<T, T>(a, out, [](T x) { return log2_of(x); });
    case UnaryOp::kLog10: return map_unary<T, T>(a, out, [](T x) { return log10_of(x); });
    case UnaryOp::kReciprocal: return map_unary<T, T>(a, out, [](T x) -> T { return T(1) / x; });
    case UnaryOp::kSin: return map_unary<T, T>(a, out, [](T x) -> T { return std::sin(x); });
    case UnaryOp::kSinh: return map_unary<T, T>(a, out, [](T x) -> T { return std::sinh(x); });
    case UnaryOp::kSqrt: return map_unary<T, T>(a, out, [](T x) -> T { return std::sqrt(x); });
    case UnaryOp::kTan: return map_unary<T, T>(a, out, [](T x) -> T { return std::tan(x); });
    case UnaryOp::kTanh: return map_unary<T, T>(a, out, [](T x) { return tanh_of(x); });
    default: break;
  }
  throw InternalError("unary math kernel called with " + std::string(unary_op_name(op)));
}

}  // namespace

bool unary_math(UnaryOp op, const NDBuffer& a, NDBuffer& out) {
  if (!is_unary_math(op)) return false;
  if (is_integer(a.dtype())) {
    run<double>(op, cast(a, DType::kFloat64), out);
    return true;
  }
  visit_dtype(a.dtype(), [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    if constexpr (std::is_floating_point_v<T> || kIsComplex<T>) {
      run<T>(op, a, out);
    } else {
      throw InternalError(std::string(unary_op_name(op)) + " kernel called on " + std::string(dtype_name(a.dtype())));
    }
  });
  return true;
}

}  // namespace cubed::kernels::detail
