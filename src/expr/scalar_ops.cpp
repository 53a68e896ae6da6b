#include "scalar_ops.hpp"

#include <cmath>
#include <complex>
#include <limits>
#include <string>

#include "cubed/core/error.hpp"

namespace cubed::expr::detail {
namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;
using Int = __int128;
using Complex = std::complex<double>;

enum class Level { kInt, kFloat, kComplex };  // bools count as ints, as in Python

Level level(const Scalar& s) {
  switch (s.kind()) {
    case Scalar::Kind::kBool:
    case Scalar::Kind::kInt:
    case Scalar::Kind::kUInt: return Level::kInt;
    case Scalar::Kind::kFloat: return Level::kFloat;
    case Scalar::Kind::kComplex: return Level::kComplex;
  }
  return Level::kInt;
}

const char* type_name(const Scalar& s) {
  switch (s.kind()) {
    case Scalar::Kind::kBool: return "bool";
    case Scalar::Kind::kInt:
    case Scalar::Kind::kUInt: return "int";
    case Scalar::Kind::kFloat: return "float";
    case Scalar::Kind::kComplex: return "complex";
  }
  return "number";
}

bool is_bool(const Scalar& s) { return s.kind() == Scalar::Kind::kBool; }

Int to_int(const Scalar& s) {
  switch (s.kind()) {
    case Scalar::Kind::kBool: return s.as_bool() ? 1 : 0;
    case Scalar::Kind::kUInt: return static_cast<Int>(s.as_uint());
    default: return s.as_int();
  }
}

double to_double(const Scalar& s) {
  return s.kind() == Scalar::Kind::kUInt ? static_cast<double>(s.as_uint()) : s.as_double();
}
Complex to_complex(const Scalar& s) {
  return s.kind() == Scalar::Kind::kComplex ? s.as_complex() : Complex(to_double(s), 0.0);
}

std::string op_name(BinaryOp op) { return std::string(kernels::binary_op_name(op)); }

[[noreturn]] void overflow(BinaryOp op) {
  throw InvalidArgumentError(op_name(op) + ": integer result does not fit in 64 bits");
}

Scalar from_int(Int v, BinaryOp op) {
  if (v >= std::numeric_limits<std::int64_t>::min() && v <= std::numeric_limits<std::int64_t>::max()) {
    return Scalar(static_cast<std::int64_t>(v));
  }
  if (v > 0 && v <= static_cast<Int>(std::numeric_limits<std::uint64_t>::max())) {
    return Scalar(static_cast<std::uint64_t>(v));
  }
  overflow(op);
}

[[noreturn]] void unsupported(BinaryOp op, const Scalar& a, const Scalar& b) {
  throw InvalidArgumentError(op_name(op) + ": unsupported operand types '" + type_name(a) + "' and '" +
                             type_name(b) + "'");
}

[[noreturn]] void division_by_zero(BinaryOp op) {
  throw InvalidArgumentError(op_name(op) + ": division by zero");
}

// Python's float divmod (Objects/floatobject.c).
void float_divmod(double x, double y, double& floordiv, double& mod) {
  mod = std::fmod(x, y);
  double div = (x - mod) / y;
  if (mod != 0.0) {
    if ((y < 0) != (mod < 0)) {
      mod += y;
      div -= 1.0;
    }
  } else {
    mod = std::copysign(0.0, y);
  }
  if (div != 0.0) {
    floordiv = std::floor(div);
    if (div - floordiv > 0.5) floordiv += 1.0;
  } else {
    floordiv = std::copysign(0.0, x / y);
  }
}

Int int_pow(Int base, Int exponent, BinaryOp op) {
  Int result = 1;
  while (exponent > 0) {
    if (exponent & 1) {
      if (__builtin_mul_overflow(result, base, &result)) overflow(op);
    }
    exponent >>= 1;
    if (exponent > 0 && __builtin_mul_overflow(base, base, &base)) {
      // base^2 only matters if a later bit is set; a huge base overflows then.
      overflow(op);
    }
  }
  return result;
}

Complex complex_pow(Complex a, Complex b, BinaryOp op) {
  if (a == Complex(0.0, 0.0)) {
    if (b.imag() != 0.0 || b.real() < 0.0) throw InvalidArgumentError(op_name(op) + ": 0.0 to a negative or complex power");
    return b.real() == 0.0 ? Complex(1.0, 0.0) : Complex(0.0, 0.0);
  }
  // Small integer exponents by repeated multiplication, as Python does, so
  // that 1j ** 2 is exactly -1.
  if (b.imag() == 0.0 && b.real() == std::trunc(b.real()) && std::fabs(b.real()) <= 100.0) {
    long n = static_cast<long>(std::fabs(b.real()));
    Complex result(1.0, 0.0), base = a;
    while (n > 0) {
      if (n & 1) result *= base;
      base *= base;
      n >>= 1;
    }
    return b.real() < 0 ? Complex(1.0, 0.0) / result : result;
  }
  return std::pow(a, b);
}

Scalar compare(BinaryOp op, const Scalar& a, const Scalar& b) {
  const Level l = std::max(level(a), level(b));
  if (l == Level::kComplex) {
    if (op != BinaryOp::kEqual && op != BinaryOp::kNotEqual) unsupported(op, a, b);
    const bool eq = to_complex(a) == to_complex(b);
    return Scalar(op == BinaryOp::kEqual ? eq : !eq);
  }
  int order = 0;  // -1, 0, 1; 2 = unordered (NaN)
  if (l == Level::kInt) {
    const Int x = to_int(a), y = to_int(b);
    order = x < y ? -1 : (x > y ? 1 : 0);
  } else {
    const double x = to_double(a), y = to_double(b);
    order = std::isnan(x) || std::isnan(y) ? 2 : (x < y ? -1 : (x > y ? 1 : 0));
  }
  switch (op) {
    case BinaryOp::kEqual: return Scalar(order == 0);
    case BinaryOp::kNotEqual: return Scalar(order != 0);
    case BinaryOp::kLess: return Scalar(order == -1);
    case BinaryOp::kLessEqual: return Scalar(order == -1 || order == 0);
    case BinaryOp::kGreater: return Scalar(order == 1);
    case BinaryOp::kGreaterEqual: return Scalar(order == 1 || order == 0);
    default: break;
  }
  throw InternalError("not a comparison: " + op_name(op));
}

Scalar bitwise(BinaryOp op, const Scalar& a, const Scalar& b) {
  if (level(a) != Level::kInt || level(b) != Level::kInt) unsupported(op, a, b);
  const Int x = to_int(a), y = to_int(b);
  const bool bools = is_bool(a) && is_bool(b);
  switch (op) {
    case BinaryOp::kBitwiseAnd: return bools ? Scalar(static_cast<bool>(x & y)) : from_int(x & y, op);
    case BinaryOp::kBitwiseOr: return bools ? Scalar(static_cast<bool>(x | y)) : from_int(x | y, op);
    case BinaryOp::kBitwiseXor: return bools ? Scalar(static_cast<bool>(x ^ y)) : from_int(x ^ y, op);
    case BinaryOp::kBitwiseLeftShift: {
      if (y < 0) throw InvalidArgumentError(op_name(op) + ": negative shift count");
      if (x == 0) return Scalar(std::int64_t{0});
      if (y > 64) overflow(op);
      Int r;
      if (__builtin_mul_overflow(x, static_cast<Int>(1) << static_cast<int>(y), &r)) overflow(op);
      return from_int(r, op);
    }
    case BinaryOp::kBitwiseRightShift: {
      if (y < 0) throw InvalidArgumentError(op_name(op) + ": negative shift count");
      if (y >= 127) return Scalar(std::int64_t{x < 0 ? -1 : 0});
      return from_int(x >> static_cast<int>(y), op);
    }
    default: break;
  }
  throw InternalError("not a bitwise operation: " + op_name(op));
}

}  // namespace

Scalar scalar_binary(BinaryOp op, const Scalar& a, const Scalar& b) {
  const Level l = std::max(level(a), level(b));
  switch (op) {
    case BinaryOp::kEqual:
    case BinaryOp::kNotEqual:
    case BinaryOp::kLess:
    case BinaryOp::kLessEqual:
    case BinaryOp::kGreater:
    case BinaryOp::kGreaterEqual: return compare(op, a, b);
    case BinaryOp::kBitwiseAnd:
    case BinaryOp::kBitwiseOr:
    case BinaryOp::kBitwiseXor:
    case BinaryOp::kBitwiseLeftShift:
    case BinaryOp::kBitwiseRightShift: return bitwise(op, a, b);
    case BinaryOp::kLogicalAnd: return Scalar(a.as_bool() && b.as_bool());
    case BinaryOp::kLogicalOr: return Scalar(a.as_bool() || b.as_bool());
    case BinaryOp::kLogicalXor: return Scalar(a.as_bool() != b.as_bool());
    default: break;
  }
  if (l == Level::kComplex) {
    const Complex x = to_complex(a), y = to_complex(b);
    switch (op) {
      case BinaryOp::kAdd: return Scalar(x + y);
      case BinaryOp::kSubtract: return Scalar(x - y);
      case BinaryOp::kMultiply: return Scalar(x * y);
      case BinaryOp::kDivide:
        if (y == Complex(0.0, 0.0)) division_by_zero(op);
        return Scalar(x / y);
      case BinaryOp::kPow: return Scalar(complex_pow(x, y, op));
      default: unsupported(op, a, b);
    }
  }
  if (l == Level::kFloat) {
    const double x = to_double(a), y = to_double(b);
    double div, mod;
    switch (op) {
      case BinaryOp::kAdd: return Scalar(x + y);
      case BinaryOp::kSubtract: return Scalar(x - y);
      case BinaryOp::kMultiply: return Scalar(x * y);
      case BinaryOp::kDivide:
        if (y == 0.0) division_by_zero(op);
        return Scalar(x / y);
      case BinaryOp::kFloorDivide:
      case BinaryOp::kRemainder:
        if (y == 0.0) division_by_zero(op);
        float_divmod(x, y, div, mod);
        return Scalar(op == BinaryOp::kFloorDivide ? div : mod);
      case BinaryOp::kPow:
        if (x == 0.0 && y < 0.0) throw InvalidArgumentError(op_name(op) + ": 0.0 cannot be raised to a negative power");
        if (x < 0.0 && std::isfinite(y) && y != std::trunc(y)) {
          return Scalar(complex_pow(Complex(x, 0.0), Complex(y, 0.0), op));  // (-8) ** (1/3) is complex in Python
        }
        return Scalar(std::pow(x, y));
      case BinaryOp::kMaximum:
      case BinaryOp::kMinimum:
        if (std::isnan(x) || std::isnan(y)) return Scalar(std::numeric_limits<double>::quiet_NaN());
        return Scalar(op == BinaryOp::kMaximum ? std::max(x, y) : std::min(x, y));
      default: unsupported(op, a, b);
    }
  }
  // Both ints (or bools).
  const Int x = to_int(a), y = to_int(b);
  Int r = 0;
  switch (op) {
    case BinaryOp::kAdd:
      if (__builtin_add_overflow(x, y, &r)) overflow(op);
      return from_int(r, op);
    case BinaryOp::kSubtract:
      if (__builtin_sub_overflow(x, y, &r)) overflow(op);
      return from_int(r, op);
    case BinaryOp::kMultiply:
      if (__builtin_mul_overflow(x, y, &r)) overflow(op);
      return from_int(r, op);
    case BinaryOp::kDivide:
      if (y == 0) division_by_zero(op);
      return Scalar(static_cast<double>(x) / static_cast<double>(y));
    case BinaryOp::kFloorDivide:
    case BinaryOp::kRemainder: {
      if (y == 0) division_by_zero(op);
      Int q = x / y, m = x % y;
      if (m != 0 && ((m < 0) != (y < 0))) {
        q -= 1;
        m += y;
      }
      return from_int(op == BinaryOp::kFloorDivide ? q : m, op);
    }
    case BinaryOp::kPow:
      if (y < 0) {
        if (x == 0) throw InvalidArgumentError(op_name(op) + ": 0 cannot be raised to a negative power");
        return Scalar(std::pow(static_cast<double>(x), static_cast<double>(y)));
      }
      return from_int(int_pow(x, y, op), op);
    case BinaryOp::kMaximum:
    case BinaryOp::kMinimum: {
      const bool first = op == BinaryOp::kMaximum ? x >= y : x <= y;
      return first ? a : b;
    }
    default: break;
  }
  unsupported(op, a, b);
}

Scalar scalar_unary(UnaryOp op, const Scalar& a) {
  const std::string name(kernels::unary_op_name(op));
  switch (op) {
    case UnaryOp::kLogicalNot: return Scalar(!a.as_bool());
    case UnaryOp::kBitwiseInvert:
      if (is_bool(a)) return Scalar(!a.as_bool());
      if (level(a) != Level::kInt) {
        throw InvalidArgumentError(name + ": unsupported operand type '" + type_name(a) + "'");
      }
      return from_int(~to_int(a), BinaryOp::kSubtract);
    case UnaryOp::kSquare: return scalar_binary(BinaryOp::kMultiply, a, a);
    default: break;
  }
  switch (level(a)) {
    case Level::kComplex:
      if (op == UnaryOp::kNegative) return Scalar(-a.as_complex());
      if (op == UnaryOp::kAbs) return Scalar(std::abs(a.as_complex()));
      return a;
    case Level::kFloat:
      if (op == UnaryOp::kNegative) return Scalar(-a.as_double());
      if (op == UnaryOp::kAbs) return Scalar(std::fabs(a.as_double()));
      return a;
    case Level::kInt: break;
  }
  const Int x = to_int(a);
  if (op == UnaryOp::kNegative) return from_int(-x, BinaryOp::kSubtract);
  if (op == UnaryOp::kAbs) return from_int(x < 0 ? -x : x, BinaryOp::kSubtract);
  return from_int(x, BinaryOp::kAdd);  // positive: +True == 1
}

}  // namespace cubed::expr::detail
