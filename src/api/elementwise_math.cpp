// The Array API's floating-point, rounding and classification functions,
// clip and where. The dtype rules live with the kernels
// (kernels::unary_result_dtype, binary_compute_dtype); this file adds the
// bounds of clip and the condition of where.
#include <limits>
#include <optional>

#include "api/elementwise_internal.hpp"
#include "cubed/api/elementwise.hpp"
#include "cubed/core/error.hpp"

namespace cubed {
namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;

// The scalar clamped to the range of the integer dtype `dt`.
Scalar saturate(const Scalar& s, DType dt) {
  return visit_dtype(dt, [&]<class Tag>(Tag) -> Scalar {
    using T = typename Tag::type;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<T>::max());
      if (s.kind() == Scalar::Kind::kUInt) return s.as_uint() > kMax ? Scalar(kMax) : s;
      const std::int64_t v = s.as_int();
      if (v < 0) {
        constexpr auto kMin = static_cast<std::int64_t>(std::numeric_limits<T>::lowest());
        return v < kMin ? Scalar(kMin) : s;
      }
      return static_cast<std::uint64_t>(v) > kMax ? Scalar(kMax) : s;
    } else {
      return s;
    }
  });
}

// A 0-d buffer of `dt` holding the bound that clamps nothing: -inf or the
// lowest value for a lower bound, +inf or the highest for an upper bound.
NDBuffer no_bound(DType dt, bool lower) {
  NDBuffer b(dt, {});
  visit_dtype(dt, [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T v = lower ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
      b.span<T>()[0] = v;
    } else if constexpr (std::is_integral_v<T>) {
      b.span<T>()[0] = lower ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
    }
  });
  return b;
}

detail::BroadcastInput clip_bound(const std::optional<Operand>& bound, const char* which, DType dt) {
  const bool lower = std::string_view(which) == "min";
  if (!bound) return {Array(), no_bound(dt, lower), dt};
  const std::string x_dtype(dtype_name(dt));
  if (bound->is_array()) {
    const DType bd = bound->array().dtype();
    if (bd != dt && (is_bool(bd) || !can_cast(bd, dt))) {
      throw DTypeError("clip: " + std::string(which) + " of dtype " + std::string(dtype_name(bd)) +
                       " does not cast safely to x's dtype " + x_dtype);
    }
    return {bound->array(), NDBuffer(), dt};
  }
  const Scalar& s = bound->scalar();
  switch (s.kind()) {
    case Scalar::Kind::kBool:
    case Scalar::Kind::kComplex:
      throw DTypeError("clip: a " + std::string(s.kind() == Scalar::Kind::kBool ? "bool" : "complex") + " " + which +
                       " (" + s.to_string() + ") is not supported");
    case Scalar::Kind::kFloat:
      if (is_integer(dt)) {
        throw DTypeError("clip: a float " + std::string(which) + " (" + s.to_string() +
                         ") with x of integer dtype " + x_dtype + " is not supported");
      }
      return detail::broadcast_input(Operand(s), dt);
    case Scalar::Kind::kInt:
    case Scalar::Kind::kUInt: return detail::broadcast_input(Operand(is_integer(dt) ? saturate(s, dt) : s), dt);
  }
  return detail::broadcast_input(Operand(s), dt);
}

}  // namespace

#define CUBED_UNARY(FN, OP) \
  Array FN(const Array& x) { return elementwise(UnaryOp::OP, x); }
CUBED_UNARY(acos, kAcos)
CUBED_UNARY(acosh, kAcosh)
CUBED_UNARY(asin, kAsin)
CUBED_UNARY(asinh, kAsinh)
CUBED_UNARY(atan, kAtan)
CUBED_UNARY(atanh, kAtanh)
CUBED_UNARY(cos, kCos)
CUBED_UNARY(cosh, kCosh)
CUBED_UNARY(exp, kExp)
CUBED_UNARY(expm1, kExpm1)
CUBED_UNARY(log, kLog)
CUBED_UNARY(log1p, kLog1p)
CUBED_UNARY(log2, kLog2)
CUBED_UNARY(log10, kLog10)
CUBED_UNARY(reciprocal, kReciprocal)
CUBED_UNARY(sin, kSin)
CUBED_UNARY(sinh, kSinh)
CUBED_UNARY(sqrt, kSqrt)
CUBED_UNARY(tan, kTan)
CUBED_UNARY(tanh, kTanh)
CUBED_UNARY(ceil, kCeil)
CUBED_UNARY(floor, kFloor)
CUBED_UNARY(round, kRound)
CUBED_UNARY(trunc, kTrunc)
CUBED_UNARY(sign, kSign)
CUBED_UNARY(signbit, kSignbit)
CUBED_UNARY(isfinite, kIsfinite)
CUBED_UNARY(isinf, kIsinf)
CUBED_UNARY(isnan, kIsnan)
CUBED_UNARY(real, kReal)
CUBED_UNARY(imag, kImag)
CUBED_UNARY(conj, kConj)
#undef CUBED_UNARY

#define CUBED_BINARY(FN, OP) \
  Array FN(const Operand& x1, const Operand& x2) { return elementwise(BinaryOp::OP, x1, x2); }
CUBED_BINARY(atan2, kAtan2)
CUBED_BINARY(copysign, kCopysign)
CUBED_BINARY(hypot, kHypot)
CUBED_BINARY(logaddexp, kLogaddexp)
CUBED_BINARY(nextafter, kNextafter)
#undef CUBED_BINARY

Array clip(const Array& x, const std::optional<Operand>& min, const std::optional<Operand>& max) {
  const DType dt = x.dtype();
  if (is_bool(dt) || is_complex(dt)) throw DTypeError("clip does not support dtype " + std::string(dtype_name(dt)));
  return detail::broadcast_blockwise(
      "clip", {{x, NDBuffer(), dt}, clip_bound(min, "min", dt), clip_bound(max, "max", dt)}, dt,
      [](const std::vector<const NDBuffer*>& in, NDBuffer& out) { kernels::clip(*in[0], *in[1], *in[2], out); });
}

Array where(const Array& condition, const Operand& x1, const Operand& x2) {
  if (condition.dtype() != DType::kBool) {
    throw DTypeError("where does not support condition dtype " + std::string(dtype_name(condition.dtype())) +
                     " (it must be bool)");
  }
  if (!x1.is_array() && !x2.is_array()) {
    throw InvalidArgumentError("where: at least one of x1 and x2 must be an array");
  }
  const DType dt = promoted_dtype(x1, x2);
  return detail::broadcast_blockwise(
      "where",
      {{condition, NDBuffer(), DType::kBool}, detail::broadcast_input(x1, dt), detail::broadcast_input(x2, dt)}, dt,
      [](const std::vector<const NDBuffer*>& in, NDBuffer& out) { kernels::where(*in[0], *in[1], *in[2], out); });
}

}  // namespace cubed
