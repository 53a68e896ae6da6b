// Real floating-point functions of two arguments: atan2, copysign, hypot,
// logaddexp, nextafter on float32 and float64, with broadcasting. Integer
// operands are converted to float64 first (one copy each per chunk).
//
// atan2, copysign, hypot and nextafter are the C library's, whose special
// cases (C99 Annex F) are the standard's. logaddexp is written here:
//   logaddexp(x, y) = hi + log1p(exp(lo - hi)),  hi = max(x, y), lo = min(x, y)
// which cannot overflow; equal arguments give x + ln 2 (this also makes
// logaddexp(-inf, -inf) = -inf instead of -inf - -inf = NaN), NaN gives NaN,
// and +inf with anything but NaN gives +inf.
#include <cmath>
#include <limits>

#include "broadcast_loop.hpp"
#include "cubed/core/error.hpp"
#include "elementwise_internal.hpp"

namespace cubed::kernels::detail {
namespace {

template <class T>
inline constexpr T kLn2 = static_cast<T>(0.693147180559945309417232121458176568L);

template <class T>
T logaddexp(T x, T y) {
  if (std::isnan(x) || std::isnan(y)) return std::numeric_limits<T>::quiet_NaN();
  const T hi = x > y ? x : y;
  const T lo = x > y ? y : x;
  if (hi == lo) return hi + kLn2<T>;
  return hi + std::log1p(std::exp(lo - hi));
}

template <class T>
void run(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out) {
  switch (op) {
    case BinaryOp::kAtan2: return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return std::atan2(x, y); });
    case BinaryOp::kCopysign: return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return std::copysign(x, y); });
    case BinaryOp::kHypot: return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return std::hypot(x, y); });
    case BinaryOp::kLogaddexp: return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return logaddexp(x, y); });
    case BinaryOp::kNextafter: return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return std::nextafter(x, y); });
    default: break;
  }
  throw InternalError("binary math kernel called with " + std::string(binary_op_name(op)));
}

}  // namespace

bool binary_math(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out) {
  if (!is_binary_math(op)) return false;
  switch (a.dtype()) {
    case DType::kFloat32: run<float>(op, a, b, out); break;
    case DType::kFloat64: run<double>(op, a, b, out); break;
    default:
      if (!is_integer(a.dtype())) {
        throw InternalError(std::string(binary_op_name(op)) + " kernel called on " + std::string(dtype_name(a.dtype())));
      }
      run<double>(op, cast(a, DType::kFloat64), cast(b, DType::kFloat64), out);
      break;
  }
  return true;
}

}  // namespace cubed::kernels::detail
