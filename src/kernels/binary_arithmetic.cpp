// Arithmetic kernels: add, subtract, multiply, divide, floor_divide,
// remainder, pow, maximum, minimum. Integer results wrap (computed in the
// unsigned type, so no undefined behaviour); integer division and remainder
// by zero give 0; floating floor_divide and remainder follow numpy (Python's
// sign rules).
#include <cmath>
#include <limits>

#include "broadcast_loop.hpp"
#include "elementwise_internal.hpp"

namespace cubed::kernels::detail {
namespace {

template <class T>
using Unsigned = std::make_unsigned_t<T>;

template <class T>
T wrap_add(T a, T b) {
  if constexpr (kIsInteger<T>) return static_cast<T>(static_cast<Unsigned<T>>(a) + static_cast<Unsigned<T>>(b));
  else return a + b;
}
template <class T>
T wrap_sub(T a, T b) {
  if constexpr (kIsInteger<T>) return static_cast<T>(static_cast<Unsigned<T>>(a) - static_cast<Unsigned<T>>(b));
  else return a - b;
}
template <class T>
T wrap_mul(T a, T b) {
  if constexpr (kIsInteger<T>) {
    // Promote to at least unsigned int so that uint16 * uint16 cannot overflow int.
    using U = std::common_type_t<Unsigned<T>, unsigned int>;
    return static_cast<T>(static_cast<U>(static_cast<Unsigned<T>>(a)) * static_cast<U>(static_cast<Unsigned<T>>(b)));
  } else {
    return a * b;
  }
}

template <class T>
T int_floor_divide(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_signed_v<T>) {
    if (b == -1) return wrap_sub<T>(0, a);  // avoids MIN / -1
    T q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  } else {
    return a / b;
  }
}

template <class T>
T int_remainder(T a, T b) {
  if (b == 0) return 0;
  if constexpr (std::is_signed_v<T>) {
    if (b == -1) return 0;
    T r = a % b;
    if (r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  } else {
    return a % b;
  }
}

// numpy's divmod for floating types.
template <class T>
void float_divmod(T a, T b, T& div, T& mod) {
  if (b == 0) {
    mod = std::fmod(a, b);
    div = a / b;
    return;
  }
  mod = std::fmod(a, b);
  div = (a - mod) / b;
  if (mod != 0) {
    if ((b < 0) != (mod < 0)) {
      mod += b;
      div -= 1;
    }
  } else {
    mod = std::copysign(T(0), b);
  }
  if (div != 0) {
    T floordiv = std::floor(div);
    if (div - floordiv > T(0.5)) floordiv += 1;
    div = floordiv;
  } else {
    div = std::copysign(T(0), a / b);
  }
}

template <class T>
T int_pow(T base, T exponent) {
  if constexpr (std::is_signed_v<T>) {
    if (exponent < 0) {
      // The exact result truncated towards zero.
      if (base == 1) return 1;
      if (base == -1) return (exponent % 2 == 0) ? 1 : -1;
      return 0;
    }
  }
  T result = 1;
  while (exponent != 0) {
    if (exponent & 1) result = wrap_mul(result, base);
    exponent = static_cast<T>(exponent >> 1);
    base = wrap_mul(base, base);
  }
  return result;
}

template <class T>
T nan_max(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
  }
  return a > b ? a : b;
}
template <class T>
T nan_min(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<T>::quiet_NaN();
  }
  return a < b ? a : b;
}

template <class T>
void run(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out) {
  switch (op) {
    case BinaryOp::kAdd: return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return wrap_add(x, y); });
    case BinaryOp::kSubtract: return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return wrap_sub(x, y); });
    case BinaryOp::kMultiply: return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return wrap_mul(x, y); });
    case BinaryOp::kDivide:
      if constexpr (!kIsInteger<T>) return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return x / y; });
      break;
    case BinaryOp::kFloorDivide:
      if constexpr (kIsInteger<T>) {
        return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return int_floor_divide(x, y); });
      } else if constexpr (std::is_floating_point_v<T>) {
        return broadcast_binary<T, T>(a, b, out, [](T x, T y) {
          T div, mod;
          float_divmod(x, y, div, mod);
          return div;
        });
      }
      break;
    case BinaryOp::kRemainder:
      if constexpr (kIsInteger<T>) {
        return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return int_remainder(x, y); });
      } else if constexpr (std::is_floating_point_v<T>) {
        return broadcast_binary<T, T>(a, b, out, [](T x, T y) {
          T div, mod;
          float_divmod(x, y, div, mod);
          return mod;
        });
      }
      break;
    case BinaryOp::kPow:
      if constexpr (kIsInteger<T>) {
        return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return int_pow(x, y); });
      } else {
        return broadcast_binary<T, T>(a, b, out, [](T x, T y) -> T { return std::pow(x, y); });
      }
    case BinaryOp::kMaximum:
      if constexpr (!kIsComplex<T>) return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return nan_max(x, y); });
      break;
    case BinaryOp::kMinimum:
      if constexpr (!kIsComplex<T>) return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return nan_min(x, y); });
      break;
    default: break;
  }
  throw InternalError("arithmetic kernel called with an unsupported op/dtype");
}

}  // namespace

bool arithmetic(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out) {
  if (op > BinaryOp::kMinimum) return false;
  visit_dtype(a.dtype(), [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    if constexpr (kIsBool<T>) {
      throw InternalError("arithmetic kernel called on bool");
    } else {
      run<T>(op, a, b, out);
    }
  });
  return true;
}

}  // namespace cubed::kernels::detail
