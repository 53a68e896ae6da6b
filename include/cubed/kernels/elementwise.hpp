#pragma once
/// Elementwise kernels on chunks. Entry points take NDBuffers; the typed
/// loops live in one .cpp per family (arithmetic, comparison, bitwise and
/// logical, unary, cast) so that instantiations stay bounded per file.
///
/// Binary kernels broadcast by strides (no copies): each operand's shape,
/// right-aligned against the output's, has the output's extent or 1 on each
/// axis (a 0-d operand is a scalar).
#include <string_view>

#include "cubed/core/ndbuffer.hpp"

namespace cubed::kernels {

enum class BinaryOp : std::uint8_t {
  // arithmetic (binary_arithmetic.cpp)
  kAdd, kSubtract, kMultiply, kDivide, kFloorDivide, kRemainder, kPow, kMaximum, kMinimum,
  // comparison (binary_compare.cpp)
  kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual,
  // bitwise and logical (binary_bitwise.cpp)
  kBitwiseAnd, kBitwiseOr, kBitwiseXor, kBitwiseLeftShift, kBitwiseRightShift, kLogicalAnd, kLogicalOr, kLogicalXor,
};

enum class UnaryOp : std::uint8_t {
  kNegative, kPositive, kAbs, kBitwiseInvert, kLogicalNot, kSquare,
};

/// Array API name of an operation ("add", "bitwise_and", ...).
std::string_view binary_op_name(BinaryOp op);
std::string_view unary_op_name(UnaryOp op);

/// The result dtype of `op` on operands both of dtype `operand`. Throws
/// DTypeError naming the op and dtype when the op does not take it
/// (e.g. bitwise_and on float64, less on complex128).
DType binary_result_dtype(BinaryOp op, DType operand);
DType unary_result_dtype(UnaryOp op, DType operand);

/// out = op(a, b). a and b have dtype `operand` (the promoted type); out has
/// binary_result_dtype(op, operand) and the broadcast shape.
void binary(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out);
/// out = op(a); out has unary_result_dtype and a's shape.
void unary(UnaryOp op, const NDBuffer& a, NDBuffer& out);

/// A copy of `in` converted to `to` (C++ conversions, made safe: NaN and
/// infinities become 0 and out-of-range floats saturate in integer types;
/// complex to real keeps the real part).
NDBuffer cast(const NDBuffer& in, DType to);

/// The broadcast shape of two shapes (numpy rules). Throws
/// InvalidArgumentError naming both shapes when they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b);

}  // namespace cubed::kernels
