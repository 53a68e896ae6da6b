// Entry points of the elementwise kernels: names, dtype rules, shape checks,
// dispatch to the family files, and the unary kernels.
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
  }
  refuse(name, dt);
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
  }
  refuse(name, dt);
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
  if (detail::arithmetic(op, a, b, out) || detail::compare(op, a, b, out) || detail::bitwise(op, a, b, out)) return;
  throw InternalError("no kernel for " + std::string(binary_op_name(op)));
}

namespace {

template <class T, class R, class F>
void map(const NDBuffer& a, NDBuffer& out, F f) {
  const T* in = reinterpret_cast<const T*>(a.data());
  R* o = reinterpret_cast<R*>(out.data());
  const std::int64_t n = a.size();
  for (std::int64_t i = 0; i < n; ++i) o[i] = f(in[i]);
}

}  // namespace

void unary(UnaryOp op, const NDBuffer& a, NDBuffer& out) {
  DType result = unary_result_dtype(op, a.dtype());
  if (out.dtype() != result || out.shape() != a.shape()) {
    throw InternalError(std::string(unary_op_name(op)) + ": output buffer has the wrong dtype or shape");
  }
  visit_dtype(a.dtype(), [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    using detail::kIsBool;
    using detail::kIsComplex;
    using detail::kIsInteger;
    if constexpr (kIsBool<T>) {
      // bitwise_invert and logical_not on bool are both "not".
      map<T, bool>(a, out, [](T x) { return !x; });
    } else {
      switch (op) {
        case UnaryOp::kNegative:
          if constexpr (kIsInteger<T>) {
            using U = std::make_unsigned_t<T>;
            map<T, T>(a, out, [](T x) { return static_cast<T>(U(0) - static_cast<U>(x)); });
          } else {
            map<T, T>(a, out, [](T x) { return -x; });
          }
          return;
        case UnaryOp::kPositive: map<T, T>(a, out, [](T x) { return x; }); return;
        case UnaryOp::kSquare:
          if constexpr (kIsInteger<T>) {
            using U = std::common_type_t<std::make_unsigned_t<T>, unsigned int>;
            map<T, T>(a, out, [](T x) { return static_cast<T>(static_cast<U>(x) * static_cast<U>(x)); });
          } else {
            map<T, T>(a, out, [](T x) { return x * x; });
          }
          return;
        case UnaryOp::kAbs:
          if constexpr (kIsComplex<T>) {
            using R = typename T::value_type;
            map<T, R>(a, out, [](T x) { return std::abs(x); });
          } else if constexpr (kIsInteger<T> && std::is_signed_v<T>) {
            using U = std::make_unsigned_t<T>;
            map<T, T>(a, out, [](T x) { return x < 0 ? static_cast<T>(U(0) - static_cast<U>(x)) : x; });
          } else if constexpr (kIsInteger<T>) {
            map<T, T>(a, out, [](T x) { return x; });
          } else {
            map<T, T>(a, out, [](T x) { return std::fabs(x); });
          }
          return;
        case UnaryOp::kBitwiseInvert:
          if constexpr (kIsInteger<T>) {
            map<T, T>(a, out, [](T x) { return static_cast<T>(~x); });
            return;
          }
          break;
        case UnaryOp::kLogicalNot: break;
      }
      throw InternalError("no unary kernel for " + std::string(unary_op_name(op)));
    }
  });
}

}  // namespace cubed::kernels
