// Entry points of the elementwise kernels: names, dtype rules, shape checks,
// dispatch to the family files, and the unary arithmetic kernels.
#include <cmath>

#include "cubed/core/error.hpp"
#include "elementwise_internal.hpp"

namespace cubed::kernels {
namespace {

[[noreturn]] void refuse(std::string_view op, DType dt) {
  throw DTypeError(std::string(op) + " does not support dtype " + std::string(dtype_name(dt)));
}

}  // namespace

std::string_view binary_op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "add";
    case BinaryOp::kSubtract: return "subtract";
    case BinaryOp::kMultiply: return "multiply";
    case BinaryOp::kDivide: return "divide";
    case BinaryOp::kFloorDivide: return "floor_divide";
    case BinaryOp::kRemainder: return "remainder";
    case BinaryOp::kPow: return "pow";
    case BinaryOp::kMaximum: return "maximum";
    case BinaryOp::kMinimum: return "minimum";
    case BinaryOp::kEqual: return "equal";
    case BinaryOp::kNotEqual: return "not_equal";
    case BinaryOp::kLess: return "less";
    case BinaryOp::kLessEqual: return "less_equal";
    case BinaryOp::kGreater: return "greater";
    case BinaryOp::kGreaterEqual: return "greater_equal";
    case BinaryOp::kBitwiseAnd: return "bitwise_and";
    case BinaryOp::kBitwiseOr: return "bitwise_or";
    case BinaryOp::kBitwiseXor: return "bitwise_xor";
    case BinaryOp::kBitwiseLeftShift: return "bitwise_left_shift";
    case BinaryOp::kBitwiseRightShift: return "bitwise_right_shift";
    case BinaryOp::kLogicalAnd: return "logical_and";
    case BinaryOp::kLogicalOr: return "logical_or";
    case BinaryOp::kLogicalXor: return "logical_xor";
    case BinaryOp::kAtan2: return "atan2";
    case BinaryOp::kCopysign: return "copysign";
    case BinaryOp::kHypot: return "hypot";
    case BinaryOp::kLogaddexp: return "logaddexp";
    case BinaryOp::kNextafter: return "nextafter";
  }
  return "?";
}

std::string_view unary_op_name(UnaryOp op) {
  switch (op) {
    case UnaryOp::kNegative: return "negative";
    case UnaryOp::kPositive: return "positive";
    case UnaryOp::kAbs: return "abs";
    case UnaryOp::kBitwiseInvert: return "bitwise_invert";
    case UnaryOp::kLogicalNot: return "logical_not";
    case UnaryOp::kSquare: return "square";
    case UnaryOp::kAcos: return "acos";
    case UnaryOp::kAcosh: return "acosh";
    case UnaryOp::kAsin: return "asin";
    case UnaryOp::kAsinh: return "asinh";
    case UnaryOp::kAtan: return "atan";
    case UnaryOp::kAtanh: return "atanh";
    case UnaryOp::kCos: return "cos";
    case UnaryOp::kCosh: return "cosh";
    case UnaryOp::kExp: return "exp";
    case UnaryOp::kExpm1: return "expm1";
    case UnaryOp::kLog: return "log";
    case UnaryOp::kLog1p: return "log1p";
    case UnaryOp::kLog2: return "log2";
    case UnaryOp::kLog10: return "log10";
    case UnaryOp::kReciprocal: return "reciprocal";
    case UnaryOp::kSin: return "sin";
    case UnaryOp::kSinh: return "sinh";
    case UnaryOp::kSqrt: return "sqrt";
    case UnaryOp::kTan: return "tan";
    case UnaryOp::kTanh: return "tanh";
    case UnaryOp::kCeil: return "ceil";
    case UnaryOp::kFloor: return "floor";
    case UnaryOp::kRound: return "round";
    case UnaryOp::kTrunc: return "trunc";
    case UnaryOp::kSign: return "sign";
    case UnaryOp::kSignbit: return "signbit";
    case UnaryOp::kIsfinite: return "isfinite";
    case UnaryOp::kIsinf: return "isinf";
    case UnaryOp::kIsnan: return "isnan";
    case UnaryOp::kReal: return "real";
    case UnaryOp::kImag: return "imag";
    case UnaryOp::kConj: return "conj";
  }
  return "?";
}

DType binary_result_dtype(BinaryOp op, DType dt) {
  const std::string_view name = binary_op_name(op);
  switch (op) {
    case BinaryOp::kAdd:
    case BinaryOp::kSubtract:
    case BinaryOp::kMultiply:
    case BinaryOp::kPow:
      if (is_bool(dt)) refuse(name, dt);
      return dt;
    case BinaryOp::kDivide:
      if (!is_floating(dt) && !is_complex(dt)) refuse(name, dt);
      return dt;
    case BinaryOp::kFloorDivide:
    case BinaryOp::kRemainder:
    case BinaryOp::kMaximum:
    case BinaryOp::kMinimum:
      if (is_bool(dt) || is_complex(dt)) refuse(name, dt);
      return dt;
    case BinaryOp::kEqual:
    case BinaryOp::kNotEqual: return DType::kBool;
    case BinaryOp::kLess:
    case BinaryOp::kLessEqual:
    case BinaryOp::kGreater:
    case BinaryOp::kGreaterEqual:
      if (is_complex(dt)) refuse(name, dt);
      return DType::kBool;
    case BinaryOp::kBitwiseAnd:
    case BinaryOp::kBitwiseOr:
    case BinaryOp::kBitwiseXor:
      if (!is_integer(dt) && !is_bool(dt)) refuse(name, dt);
      return dt;
    case BinaryOp::kBitwiseLeftShift:
    case BinaryOp::kBitwiseRightShift:
      if (!is_integer(dt)) refuse(name, dt);
      return dt;
    case BinaryOp::kLogicalAnd:
    case BinaryOp::kLogicalOr:
    case BinaryOp::kLogicalXor:
      if (!is_bool(dt)) refuse(name, dt);
      return DType::kBool;
    case BinaryOp::kAtan2:
    case BinaryOp::kCopysign:
    case BinaryOp::kHypot:
    case BinaryOp::kLogaddexp:
    case BinaryOp::kNextafter:
      // Real floating point; integers compute in float64 (see the header).
      if (is_bool(dt) || is_complex(dt)) refuse(name, dt);
      return is_integer(dt) ? kDefaultFloat : dt;
  }
  refuse(name, dt);
}

DType binary_compute_dtype(BinaryOp op, DType dt) {
  if (op == BinaryOp::kDivide && (is_integer(dt) || is_bool(dt))) return kDefaultFloat;
  binary_result_dtype(op, dt);  // refuses the dtypes op does not take
  if (detail::is_binary_math(op) && is_integer(dt)) return kDefaultFloat;
  return dt;
}

DType unary_result_dtype(UnaryOp op, DType dt) {
  const std::string_view name = unary_op_name(op);
  switch (op) {
    case UnaryOp::kNegative:
    case UnaryOp::kPositive:
    case UnaryOp::kSquare:
      if (is_bool(dt)) refuse(name, dt);
      return dt;
    case UnaryOp::kAbs:
      if (is_bool(dt)) refuse(name, dt);
      return real_dtype(dt);
    case UnaryOp::kBitwiseInvert:
      if (!is_integer(dt) && !is_bool(dt)) refuse(name, dt);
      return dt;
    case UnaryOp::kLogicalNot:
      if (!is_bool(dt)) refuse(name, dt);
      return DType::kBool;
    case UnaryOp::kAcos:
    case UnaryOp::kAcosh:
    case UnaryOp::kAsin:
    case UnaryOp::kAsinh:
    case UnaryOp::kAtan:
    case UnaryOp::kAtanh:
    case UnaryOp::kCos:
    case UnaryOp::kCosh:
    case UnaryOp::kExp:
    case UnaryOp::kExpm1:
    case UnaryOp::kLog:
    case UnaryOp::kLog1p:
    case UnaryOp::kLog2:
    case UnaryOp::kLog10:
    case UnaryOp::kReciprocal:
    case UnaryOp::kSin:
    case UnaryOp::kSinh:
    case UnaryOp::kSqrt:
    case UnaryOp::kTan:
    case UnaryOp::kTanh:
      // Floating and complex; integers compute in float64 (see the header).
      if (is_bool(dt)) refuse(name, dt);
      return is_integer(dt) ? kDefaultFloat : dt;
    case UnaryOp::kCeil:
    case UnaryOp::kFloor:
    case UnaryOp::kTrunc:
      if (is_bool(dt) || is_complex(dt)) refuse(name, dt);
      return dt;
    case UnaryOp::kRound:
    case UnaryOp::kSign:
    case UnaryOp::kConj:
      if (is_bool(dt)) refuse(name, dt);
      return dt;
    case UnaryOp::kSignbit:
      if (is_bool(dt) || is_complex(dt)) refuse(name, dt);
      return DType::kBool;
    case UnaryOp::kIsfinite:
    case UnaryOp::kIsinf:
    case UnaryOp::kIsnan:
      if (is_bool(dt)) refuse(name, dt);
      return DType::kBool;
    case UnaryOp::kReal:
    case UnaryOp::kImag:
      if (is_bool(dt)) refuse(name, dt);
      return real_dtype(dt);
  }
  refuse(name, dt);
}

DType unary_compute_dtype(UnaryOp op, DType dt) {
  unary_result_dtype(op, dt);  // refuses the dtypes op does not take
  return detail::is_unary_math(op) && is_integer(dt) ? kDefaultFloat : dt;
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  const std::size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t x = i < n - a.size() ? 1 : a[i - (n - a.size())];
    std::int64_t y = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (x != y && x != 1 && y != 1) {
      throw InvalidArgumentError("shapes " + shape_to_string(a) + " and " + shape_to_string(b) +
                                 " do not broadcast");
    }
    out[i] = x == 1 ? y : x;
  }
  return out;
}

void binary(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out) {
  if (a.dtype() != b.dtype()) {
    throw InternalError(std::string(binary_op_name(op)) + ": operands of dtypes " + std::string(dtype_name(a.dtype())) +
                        " and " + std::string(dtype_name(b.dtype())) + " (promote them first)");
  }
  DType result = binary_result_dtype(op, a.dtype());
  Shape shape = broadcast_shapes(a.shape(), b.shape());
  if (out.dtype() != result || out.shape() != shape) {
    throw InternalError(std::string(binary_op_name(op)) + ": output buffer has the wrong dtype or shape");
  }
  if (detail::binary_math(op, a, b, out) || detail::arithmetic(op, a, b, out) || detail::compare(op, a, b, out) ||
      detail::bitwise(op, a, b, out)) {
    return;
  }
  throw InternalError("no kernel for " + std::string(binary_op_name(op)));
}

void unary(UnaryOp op, const NDBuffer& a, NDBuffer& out) {
  DType result = unary_result_dtype(op, a.dtype());
  if (out.dtype() != result || out.shape() != a.shape()) {
    throw InternalError(std::string(unary_op_name(op)) + ": output buffer has the wrong dtype or shape");
  }
  if (detail::unary_math(op, a, out) || detail::unary_rounding(op, a, out)) return;
  visit_dtype(a.dtype(), [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    using detail::kIsBool;
    using detail::kIsComplex;
    using detail::kIsInteger;
    if constexpr (kIsBool<T>) {
      // bitwise_invert and logical_not on bool are both "not".
      detail::map_unary<T, bool>(a, out, [](T x) { return !x; });
    } else {
      switch (op) {
        case UnaryOp::kNegative:
          if constexpr (kIsInteger<T>) {
            using U = std::make_unsigned_t<T>;
            detail::map_unary<T, T>(a, out, [](T x) { return static_cast<T>(U(0) - static_cast<U>(x)); });
          } else {
            detail::map_unary<T, T>(a, out, [](T x) { return -x; });
          }
          return;
        case UnaryOp::kPositive: detail::map_unary<T, T>(a, out, [](T x) { return x; }); return;
        case UnaryOp::kSquare:
          if constexpr (kIsInteger<T>) {
            using U = std::common_type_t<std::make_unsigned_t<T>, unsigned int>;
            detail::map_unary<T, T>(a, out, [](T x) { return static_cast<T>(static_cast<U>(x) * static_cast<U>(x)); });
          } else {
            detail::map_unary<T, T>(a, out, [](T x) { return x * x; });
          }
          return;
        case UnaryOp::kAbs:
          if constexpr (kIsComplex<T>) {
            using R = typename T::value_type;
            detail::map_unary<T, R>(a, out, [](T x) { return std::abs(x); });
          } else if constexpr (kIsInteger<T> && std::is_signed_v<T>) {
            using U = std::make_unsigned_t<T>;
            detail::map_unary<T, T>(a, out, [](T x) { return x < 0 ? static_cast<T>(U(0) - static_cast<U>(x)) : x; });
          } else if constexpr (kIsInteger<T>) {
            detail::map_unary<T, T>(a, out, [](T x) { return x; });
          } else {
            detail::map_unary<T, T>(a, out, [](T x) { return std::fabs(x); });
          }
          return;
        case UnaryOp::kBitwiseInvert:
          if constexpr (kIsInteger<T>) {
            detail::map_unary<T, T>(a, out, [](T x) { return static_cast<T>(~x); });
            return;
          }
          break;
        default: break;
      }
      throw InternalError("no unary kernel for " + std::string(unary_op_name(op)));
    }
  });
}

}  // namespace cubed::kernels
