#pragma once
/// Elementwise functions of the Array API on lazy arrays, with broadcasting
/// and type promotion, plus the C++ operators.
///
/// Scalars are "weak", as Python scalars are in the Array API: `x + 1` keeps
/// x's dtype; a float scalar with an integer or bool array gives float64; a
/// complex scalar with a real array gives the complex type of its precision.
/// Arrays of different chunks along an axis are rechunked to the chunks of
/// the first array operand.
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
