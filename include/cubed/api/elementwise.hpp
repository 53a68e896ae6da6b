#pragma once
/// Elementwise functions of the Array API on lazy arrays, with broadcasting
/// and type promotion, plus the C++ operators.
///
/// Scalars are "weak", as Python scalars are in the Array API: `x + 1` keeps
/// x's dtype; a float scalar with an integer or bool array gives float64; a
/// complex scalar with a real array gives the complex type of its precision.
/// Arrays of different chunks along an axis are rechunked to the chunks of
/// the first array operand.
#include <optional>

#include "cubed/api/operand.hpp"
#include "cubed/array/array.hpp"
#include "cubed/kernels/elementwise.hpp"

namespace cubed {

/// The general forms. Throw DTypeError when the op does not take the
/// promoted dtype, InvalidArgumentError when shapes do not broadcast or no
/// operand is an array.
Array elementwise(kernels::BinaryOp op, const Operand& a, const Operand& b);
Array elementwise(kernels::UnaryOp op, const Array& a);

/// The dtype elementwise(op, a, b) computes in (after promotion).
DType promoted_dtype(const Operand& a, const Operand& b);

Array add(const Operand& a, const Operand& b);
Array subtract(const Operand& a, const Operand& b);
Array multiply(const Operand& a, const Operand& b);
/// True division: integer and bool operands are divided as float64.
Array divide(const Operand& a, const Operand& b);
Array floor_divide(const Operand& a, const Operand& b);
Array remainder(const Operand& a, const Operand& b);
Array pow(const Operand& a, const Operand& b);
Array maximum(const Operand& a, const Operand& b);
Array minimum(const Operand& a, const Operand& b);
Array equal(const Operand& a, const Operand& b);
Array not_equal(const Operand& a, const Operand& b);
Array less(const Operand& a, const Operand& b);
Array less_equal(const Operand& a, const Operand& b);
Array greater(const Operand& a, const Operand& b);
Array greater_equal(const Operand& a, const Operand& b);
Array bitwise_and(const Operand& a, const Operand& b);
Array bitwise_or(const Operand& a, const Operand& b);
Array bitwise_xor(const Operand& a, const Operand& b);
Array bitwise_left_shift(const Operand& a, const Operand& b);
Array bitwise_right_shift(const Operand& a, const Operand& b);
Array logical_and(const Operand& a, const Operand& b);
Array logical_or(const Operand& a, const Operand& b);
Array logical_xor(const Operand& a, const Operand& b);

Array negative(const Array& a);
Array positive(const Array& a);
Array abs(const Array& a);
Array bitwise_invert(const Array& a);
Array logical_not(const Array& a);
Array square(const Array& a);

// ---- floating-point functions (src/api/elementwise_math.cpp) ----------------
//
// Array API (2024.12) semantics; numpy's results are the reference. Floating
// and complex inputs keep their dtype; integer inputs compute in float64
// (numpy gives float16/float32 for 8- and 16-bit integers; cubed-cpp has no
// float16 and uses one rule); bool inputs throw DTypeError ("sin does not
// support dtype bool"), as the standard defines these for numeric types
// only (numpy accepts bool). Special cases (NaN, +-inf, +-0) are the
// standard's: the C library's C99 Annex F/G functions for real and complex
// types meet every case of the standard's tables (checked case by case in
// tests/kernels) except tanh(+-inf + bj), finite b, where C99 gives
// +-1 + i 0 sin(2b) and the standard +-1 + 0j with b's sign: cubed-cpp
// returns the standard's. expm1, log1p, log2 and log10 of complex numbers
// are written in src/kernels/unary_math.cpp (numpy 1.24's complex log1p
// loses all digits for small |z|, and its complex expm1 gives NaN parts on
// overflow; cubed-cpp's are accurate there and meet the standard's tables).

Array acos(const Array& x);
Array acosh(const Array& x);
Array asin(const Array& x);
Array asinh(const Array& x);
Array atan(const Array& x);
Array atanh(const Array& x);
Array cos(const Array& x);
Array cosh(const Array& x);
Array exp(const Array& x);
Array expm1(const Array& x);
Array log(const Array& x);
Array log1p(const Array& x);
Array log2(const Array& x);
Array log10(const Array& x);
/// 1 / x (for integers 1.0 / x in float64, where numpy keeps the integer
/// type and truncates; the standard defines floating types only). For
/// complex x, zeros and infinities divide as in C99 Annex G (1 / 0j is
/// inf + NaN j, 1 / (inf + inf j) is 0), which the standard leaves to the
/// implementation (numpy's reciprocal gives NaN + NaN j for both).
Array reciprocal(const Array& x);
Array sin(const Array& x);
Array sinh(const Array& x);
Array sqrt(const Array& x);
Array tan(const Array& x);
Array tanh(const Array& x);

/// Real floating point only: complex and bool operands throw DTypeError
/// ("atan2 does not support dtype complex128"); integers compute in float64.
/// Scalars are weak, as for add.
Array atan2(const Operand& x1, const Operand& x2);
Array copysign(const Operand& x1, const Operand& x2);
Array hypot(const Operand& x1, const Operand& x2);
Array logaddexp(const Operand& x1, const Operand& x2);
Array nextafter(const Operand& x1, const Operand& x2);

// ---- rounding, sign, classification, complex parts -------------------------

/// Same dtype as x; integers are returned unchanged (numpy gives float64 for
/// ceil, floor and trunc). Complex and bool throw DTypeError (round takes
/// complex: each part is rounded).
Array ceil(const Array& x);
Array floor(const Array& x);
Array trunc(const Array& x);
/// Halves round to even, as numpy.
Array round(const Array& x);
/// -1, 0 or +1 (NaN stays NaN, -0 gives +0 as in numpy); complex x gives
/// x / |x| (0 for 0; NaN + NaN j when a part is NaN). Where the standard
/// defers to its implementation-defined division, a single infinite part
/// gives the unit along its axis (as numpy 2) and two give NaN + NaN j.
/// numpy 1.24's complex sign is the older sign(real part) definition.
Array sign(const Array& x);
/// The sign bit (bool), also of -0 and NaN. Integers: x < 0 (numpy; the
/// standard defines floating types only). Complex throws DTypeError.
Array signbit(const Array& x);
/// Bool results; integers are always finite, never inf or NaN. A complex
/// number is NaN when a part is NaN, infinite when a part is infinite.
Array isfinite(const Array& x);
Array isinf(const Array& x);
Array isnan(const Array& x);
/// Parts of complex numbers (real/imag give the real dtype of the same
/// precision). On real numeric dtypes, as numpy (and the 2024.12 standard
/// for real and conj): real and conj return x, imag zeros of x's dtype.
Array real(const Array& x);
Array imag(const Array& x);
Array conj(const Array& x);

/// Clamps x to [min, max]; an absent bound is not applied. Bounds broadcast
/// with x; the result has x's dtype and the broadcast shape. NaN in x or a
/// bound gives NaN; where min > max the result is max (as numpy). Scalar
/// bounds outside an integer dtype's range are clamped to it (the bound then
/// has no effect or clamps everything). Throws DTypeError for bool or
/// complex x, a float or complex bound with an integer x, a bool bound, or an
/// array bound whose dtype does not cast safely to x's (the standard leaves
/// these unspecified); InvalidArgumentError when shapes do not broadcast.
Array clip(const Array& x, const std::optional<Operand>& min = std::nullopt,
           const std::optional<Operand>& max = std::nullopt);

/// Elements of x1 where condition is true, else of x2, broadcasting all
/// three. condition must be bool (DTypeError otherwise); the result dtype is
/// promoted from x1 and x2, scalars being weak (as for add). At least one of
/// x1 and x2 must be an array (InvalidArgumentError).
Array where(const Array& condition, const Operand& x1, const Operand& x2);

/// Converts to another dtype (a copy even when equal, as the standard's
/// astype(copy=True)).
Array astype(const Array& a, DType dtype);

#define CUBED_BINARY_OPERATOR(OP, FN)                                            \
  inline Array operator OP(const Array& a, const Array& b) { return FN(a, b); }  \
  inline Array operator OP(const Array& a, const Scalar& b) { return FN(a, b); } \
  inline Array operator OP(const Scalar& a, const Array& b) { return FN(a, b); }
CUBED_BINARY_OPERATOR(+, add)
CUBED_BINARY_OPERATOR(-, subtract)
CUBED_BINARY_OPERATOR(*, multiply)
CUBED_BINARY_OPERATOR(/, divide)
CUBED_BINARY_OPERATOR(%, remainder)
CUBED_BINARY_OPERATOR(==, equal)
CUBED_BINARY_OPERATOR(!=, not_equal)
CUBED_BINARY_OPERATOR(<, less)
CUBED_BINARY_OPERATOR(<=, less_equal)
CUBED_BINARY_OPERATOR(>, greater)
CUBED_BINARY_OPERATOR(>=, greater_equal)
CUBED_BINARY_OPERATOR(&, bitwise_and)
CUBED_BINARY_OPERATOR(|, bitwise_or)
CUBED_BINARY_OPERATOR(^, bitwise_xor)
CUBED_BINARY_OPERATOR(<<, bitwise_left_shift)
CUBED_BINARY_OPERATOR(>>, bitwise_right_shift)
#undef CUBED_BINARY_OPERATOR
inline Array operator-(const Array& a) { return negative(a); }
inline Array operator+(const Array& a) { return positive(a); }
inline Array operator~(const Array& a) { return bitwise_invert(a); }

}  // namespace cubed
