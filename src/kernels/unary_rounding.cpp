// Rounding, sign, classification and complex parts: ceil, floor, round,
// trunc, sign, signbit, isfinite, isinf, isnan, real, imag, conj.
//
// - ceil, floor, trunc, round: integers pass through unchanged; floats use
//   the C library (round is nearbyint in the default rounding mode: halves to
//   even, as numpy); complex round rounds each part.
// - sign: -1, 0 or 1 for real values (NaN stays NaN, -0 gives +0, as numpy);
//   complex x gives x / |x| with the standard's cases: a NaN part gives
//   NaN + NaN j, 0 gives 0 + 0j. An infinite part is where the standard
//   defers to its (implementation-defined) division rules; here, as numpy 2,
//   one infinite part gives the unit along that axis (+-1 or +-1j) and two
//   give NaN + NaN j.
// - signbit: the sign bit of floats; for integers x < 0 (numpy).
// - isfinite, isinf, isnan: complex per the standard (a part NaN is NaN, a
//   part infinite is infinite); integers are finite, never inf or NaN.
// - real, imag, conj: on real types (numpy and the 2024.12 standard for real
//   and conj) real and conj are the identity and imag is zeros of x's dtype.
#include <cmath>
#include <complex>
#include <cstring>
#include <limits>

#include "cubed/core/error.hpp"
#include "elementwise_internal.hpp"

namespace cubed::kernels::detail {
namespace {

void copy(const NDBuffer& a, NDBuffer& out) {
  if (a.nbytes() > 0) std::memcpy(out.data(), a.data(), static_cast<std::size_t>(a.nbytes()));
}

void fill_bool(NDBuffer& out, bool value) {
  if (out.nbytes() > 0) std::memset(out.data(), value ? 1 : 0, static_cast<std::size_t>(out.nbytes()));
}

template <class R>
R real_sign(R x) {
  return x > 0 ? R(1) : (x < 0 ? R(-1) : (x == 0 ? R(0) : x));
}

template <class R>
std::complex<R> complex_sign(std::complex<R> z) {
  const R a = z.real();
  const R b = z.imag();
  constexpr R kNaN = std::numeric_limits<R>::quiet_NaN();
  if (std::isnan(a) || std::isnan(b)) return {kNaN, kNaN};
  const bool inf_a = std::isinf(a);
  const bool inf_b = std::isinf(b);
  if (inf_a && inf_b) return {kNaN, kNaN};
  if (inf_a) return {real_sign(a), R(0)};
  if (inf_b) return {R(0), real_sign(b)};
  if (a == 0 && b == 0) return {R(0), R(0)};
  // Where |x| would be subnormal (inexact) or overflow, scale x by a power of
  // two first so that its larger part is in [1, 2). The smaller part may lose
  // bits only where its share of the result underflows anyway.
  const R larger = std::fmax(std::fabs(a), std::fabs(b));
  if (larger < std::numeric_limits<R>::min() || larger > std::numeric_limits<R>::max() / 2) {
    const int exponent = std::ilogb(larger);
    return complex_sign(std::complex<R>(std::scalbn(a, -exponent), std::scalbn(b, -exponent)));
  }
  const R magnitude = std::hypot(a, b);  // finite and > 0
  return {a / magnitude, b / magnitude};
}

template <class T>
void run(UnaryOp op, const NDBuffer& a, NDBuffer& out) {
  constexpr bool kFloat = std::is_floating_point_v<T>;
  switch (op) {
    case UnaryOp::kCeil:
      if constexpr (kFloat) return map_unary<T, T>(a, out, [](T x) { return std::ceil(x); });
      if constexpr (kIsInteger<T>) return copy(a, out);
      break;
    case UnaryOp::kFloor:
      if constexpr (kFloat) return map_unary<T, T>(a, out, [](T x) { return std::floor(x); });
      if constexpr (kIsInteger<T>) return copy(a, out);
      break;
    case UnaryOp::kTrunc:
      if constexpr (kFloat) return map_unary<T, T>(a, out, [](T x) { return std::trunc(x); });
      if constexpr (kIsInteger<T>) return copy(a, out);
      break;
    case UnaryOp::kRound:
      if constexpr (kFloat) return map_unary<T, T>(a, out, [](T x) { return std::nearbyint(x); });
      if constexpr (kIsComplex<T>) {
        return map_unary<T, T>(a, out, [](T x) { return T(std::nearbyint(x.real()), std::nearbyint(x.imag())); });
      }
      if constexpr (kIsInteger<T>) return copy(a, out);
      break;
    case UnaryOp::kSign:
      if constexpr (kFloat) return map_unary<T, T>(a, out, [](T x) { return real_sign(x); });
      if constexpr (kIsComplex<T>) return map_unary<T, T>(a, out, [](T x) { return complex_sign(x); });
      if constexpr (kIsInteger<T> && std::is_signed_v<T>) {
        return map_unary<T, T>(a, out, [](T x) { return static_cast<T>((x > 0) - (x < 0)); });
      }
      if constexpr (kIsInteger<T>) return map_unary<T, T>(a, out, [](T x) { return static_cast<T>(x != 0); });
      break;
    case UnaryOp::kSignbit:
      if constexpr (kFloat) return map_unary<T, bool>(a, out, [](T x) { return std::signbit(x); });
      if constexpr (kIsInteger<T> && std::is_signed_v<T>) return map_unary<T, bool>(a, out, [](T x) { return x < 0; });
      if constexpr (kIsInteger<T>) return fill_bool(out, false);
      break;
    case UnaryOp::kIsfinite:
      if constexpr (kFloat) return map_unary<T, bool>(a, out, [](T x) { return std::isfinite(x); });
      if constexpr (kIsComplex<T>) {
        return map_unary<T, bool>(a, out, [](T x) { return std::isfinite(x.real()) && std::isfinite(x.imag()); });
      }
      if constexpr (kIsInteger<T>) return fill_bool(out, true);
      break;
    case UnaryOp::kIsinf:
      if constexpr (kFloat) return map_unary<T, bool>(a, out, [](T x) { return std::isinf(x); });
      if constexpr (kIsComplex<T>) {
        return map_unary<T, bool>(a, out, [](T x) { return std::isinf(x.real()) || std::isinf(x.imag()); });
      }
      if constexpr (kIsInteger<T>) return fill_bool(out, false);
      break;
    case UnaryOp::kIsnan:
      if constexpr (kFloat) return map_unary<T, bool>(a, out, [](T x) { return std::isnan(x); });
      if constexpr (kIsComplex<T>) {
        return map_unary<T, bool>(a, out, [](T x) { return std::isnan(x.real()) || std::isnan(x.imag()); });
      }
      if constexpr (kIsInteger<T>) return fill_bool(out, false);
      break;
    case UnaryOp::kReal:
      if constexpr (kIsComplex<T>) {
        return map_unary<T, typename T::value_type>(a, out, [](T x) { return x.real(); });
      }
      if constexpr (!kIsBool<T>) return copy(a, out);
      break;
    case UnaryOp::kImag:
      if constexpr (kIsComplex<T>) {
        return map_unary<T, typename T::value_type>(a, out, [](T x) { return x.imag(); });
      }
      if constexpr (!kIsBool<T>) {
        // All-zero bytes are 0 of every integer and floating type.
        if (out.nbytes() > 0) std::memset(out.data(), 0, static_cast<std::size_t>(out.nbytes()));
        return;
      }
      break;
    case UnaryOp::kConj:
      if constexpr (kIsComplex<T>) return map_unary<T, T>(a, out, [](T x) { return std::conj(x); });
      if constexpr (!kIsBool<T>) return copy(a, out);
      break;
    default: break;
  }
  throw InternalError(std::string(unary_op_name(op)) + " kernel called on " + std::string(dtype_name(a.dtype())));
}

}  // namespace

bool unary_rounding(UnaryOp op, const NDBuffer& a, NDBuffer& out) {
  if (!is_unary_rounding(op)) return false;
  visit_dtype(a.dtype(), [&]<class Tag>(Tag) { run<typename Tag::type>(op, a, out); });
  return true;
}

}  // namespace cubed::kernels::detail
