#pragma once
// Shared by the elementwise kernel files: type traits and the per-family
// entry points that elementwise.cpp dispatches to.
#include <complex>
#include <type_traits>

#include "cubed/kernels/elementwise.hpp"

namespace cubed::kernels::detail {

template <class T>
struct IsComplex : std::false_type {};
template <class T>
struct IsComplex<std::complex<T>> : std::true_type {};
template <class T>
inline constexpr bool kIsComplex = IsComplex<T>::value;
template <class T>
inline constexpr bool kIsBool = std::is_same_v<T, bool>;
template <class T>
inline constexpr bool kIsInteger = std::is_integral_v<T> && !kIsBool<T>;

// Each returns false when the op does not belong to its family.
bool arithmetic(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out);
bool compare(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out);
bool bitwise(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out);
bool binary_math(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out);
bool unary_math(UnaryOp op, const NDBuffer& a, NDBuffer& out);
bool unary_rounding(UnaryOp op, const NDBuffer& a, NDBuffer& out);

// The families an op belongs to (ranges of the enums, in declaration order).
inline bool is_binary_math(BinaryOp op) { return op >= BinaryOp::kAtan2 && op <= BinaryOp::kNextafter; }
inline bool is_unary_math(UnaryOp op) { return op >= UnaryOp::kAcos && op <= UnaryOp::kTanh; }
inline bool is_unary_rounding(UnaryOp op) { return op >= UnaryOp::kCeil && op <= UnaryOp::kConj; }

// out[i] = f(a[i]) over a contiguous buffer: the one loop of every unary
// kernel (a plain counted loop the compiler can vectorise).
template <class T, class R, class F>
void map_unary(const NDBuffer& a, NDBuffer& out, F f) {
  const T* in = reinterpret_cast<const T*>(a.data());
  R* o = reinterpret_cast<R*>(out.data());
  const std::int64_t n = a.size();
  for (std::int64_t i = 0; i < n; ++i) o[i] = f(in[i]);
}

}  // namespace cubed::kernels::detail
