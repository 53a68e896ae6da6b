#pragma once
// Shared by reduction.cpp and scan.cpp: NaN tests, widening conversions and
// the sum/prod arithmetic of the accumulators (integers wrap, as numpy's do).
#include <cmath>
#include <complex>
#include <cstdint>
#include <type_traits>

#include "cubed/core/error.hpp"
#include "elementwise_internal.hpp"

namespace cubed::kernels::detail {

template <class T>
inline constexpr bool kHasNan = std::is_floating_point_v<T> || kIsComplex<T>;

template <class T>
bool is_nan(T v) {
  if constexpr (kIsComplex<T>) {
    return std::isnan(v.real()) || std::isnan(v.imag());
  } else if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(v);
  } else {
    return false;
  }
}

// A value of T in the accumulator type S (S complex when T is).
template <class S, class T>
S widen(T v) {
  if constexpr (kIsComplex<S>) {
    if constexpr (kIsComplex<T>) {
      return S(static_cast<double>(v.real()), static_cast<double>(v.imag()));
    } else {
      return S(static_cast<double>(v), 0.0);
    }
  } else {
    static_assert(!kIsComplex<T>, "complex values widen to complex accumulators only");
    return static_cast<S>(v);
  }
}

template <class T>
inline constexpr bool kIsSigned = std::is_integral_v<T> && std::is_signed_v<T>;
template <class T>
inline constexpr bool kIsUnsigned = kIsInteger<T> && std::is_unsigned_v<T>;

// A superset of the (chunk dtype T, result dtype R) pairs a sum, product or
// scan meets: R's values hold T's, since make_reduction casts the chunks to
// R first otherwise. Only these pairs are instantiated.
template <class T, class R>
inline constexpr bool kSafeCast =
    kIsBool<R>      ? kIsBool<T>
    : kIsSigned<R>  ? kIsBool<T> || (kIsSigned<T> && sizeof(T) <= sizeof(R)) || (kIsUnsigned<T> && sizeof(T) < sizeof(R))
    : kIsUnsigned<R> ? kIsBool<T> || (kIsUnsigned<T> && sizeof(T) <= sizeof(R))
    : std::is_floating_point_v<R> ? !kIsComplex<T> && (!std::is_floating_point_v<T> || sizeof(T) <= sizeof(R))
                                  : !kIsComplex<T> || sizeof(T) <= sizeof(R);

// True when chunks of T may be accumulated in S (see kSafeCast).
template <class T, class S>
inline constexpr bool kWidens = std::is_same_v<S, std::int64_t>    ? kIsBool<T> || kIsSigned<T> || (kIsUnsigned<T> && sizeof(T) < 8)
                                : std::is_same_v<S, std::uint64_t> ? kIsBool<T> || kIsUnsigned<T>
                                : std::is_same_v<S, double>        ? !kIsComplex<T>
                                                                   : true;

// Sum and product in an accumulator type; int64 wraps through uint64.
template <class S>
S wrap_add(S a, S b) {
  if constexpr (std::is_same_v<S, std::int64_t>) {
    return static_cast<S>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
  } else {
    return a + b;
  }
}

template <class S>
S wrap_mul(S a, S b) {
  if constexpr (std::is_same_v<S, std::int64_t>) {
    return static_cast<S>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
  } else {
    return a * b;
  }
}

// Calls f(std::type_identity<S>{}) for the accumulator dtypes of sum/prod.
template <class F>
void visit_accumulator(DType dt, F&& f) {
  switch (dt) {
    case DType::kInt64: f(std::type_identity<std::int64_t>{}); return;
    case DType::kUInt64: f(std::type_identity<std::uint64_t>{}); return;
    case DType::kFloat64: f(std::type_identity<double>{}); return;
    case DType::kComplex128: f(std::type_identity<std::complex<double>>{}); return;
    default: break;
  }
  throw InternalError("no sum/prod accumulator of dtype " + std::string(dtype_name(dt)));
}

// The accumulator dtype of sum/prod for a result dtype.
DType accumulator_dtype(DType result);

}  // namespace cubed::kernels::detail
