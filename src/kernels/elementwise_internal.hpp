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

}  // namespace cubed::kernels::detail
