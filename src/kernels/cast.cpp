// Dtype conversion of whole chunks: one loop per (from, to) pair, 13 x 13
// instantiations kept in this file alone.
#include <cmath>
#include <complex>
#include <cstring>
#include <limits>

#include "elementwise_internal.hpp"

namespace cubed::kernels {
namespace {

template <class To, class From>
To convert(From v) {
  using detail::kIsBool;
  using detail::kIsComplex;
  if constexpr (std::is_same_v<To, From>) {
    return v;
  } else if constexpr (kIsBool<To>) {
    return v != From{};
  } else if constexpr (kIsComplex<To>) {
    using C = typename To::value_type;
    if constexpr (kIsComplex<From>) return To(static_cast<C>(v.real()), static_cast<C>(v.imag()));
    else return To(static_cast<C>(v), C(0));
  } else if constexpr (kIsComplex<From>) {
    return convert<To>(v.real());
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    // Safe float -> int: NaN/inf -> 0, out of range saturates.
    if (!std::isfinite(v)) return To{0};
    if (v <= static_cast<From>(std::numeric_limits<To>::lowest())) return std::numeric_limits<To>::lowest();
    if (v >= static_cast<From>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(v);
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace

NDBuffer cast(const NDBuffer& in, DType to) {
  if (in.dtype() == to) return in;
  NDBuffer out(to, in.shape());
  const std::int64_t n = in.size();
  visit_dtype(in.dtype(), [&]<class FromTag>(FromTag) {
    using From = typename FromTag::type;
    visit_dtype(to, [&]<class ToTag>(ToTag) {
      using To = typename ToTag::type;
      const From* src = reinterpret_cast<const From*>(in.data());
      To* dst = reinterpret_cast<To*>(out.data());
      for (std::int64_t i = 0; i < n; ++i) dst[i] = convert<To>(src[i]);
    });
  });
  return out;
}

}  // namespace cubed::kernels
