#pragma once
/// Elementwise kernels on chunks. Entry points take NDBuffers; the typed
/// loops live in one .cpp per family (arithmetic, comparison, bitwise and
/// logical, unary, floating-point math, rounding and classification, where
/// and clip, cast) so that instantiations stay bounded per file.
///
/// Binary and ternary kernels broadcast by strides (no copies): each
/// operand's shape, right-aligned against the output's, has the output's
/// extent or 1 on each axis (a 0-d operand is a scalar).
///
/// Floating-point functions (the transcendental ones, sqrt, reciprocal and
/// the binary math ones) on integer inputs compute in float64, as numpy does
/// for 32- and 64-bit integers (numpy gives float16/float32 for 8/16-bit
/// integers; cubed-cpp has no float16 and keeps one rule). Bool inputs are
/// refused by every function the standard defines for numeric types only.
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
  // real floating-point math (binary_math.cpp); integer operands compute in float64
  kAtan2, kCopysign, kHypot, kLogaddexp, kNextafter,
};

enum class UnaryOp : std::uint8_t {
  kNegative, kPositive, kAbs, kBitwiseInvert, kLogicalNot, kSquare,
  // floating-point functions (unary_math.cpp): floating and complex types;
  // integer inputs compute in float64
  kAcos, kAcosh, kAsin, kAsinh, kAtan, kAtanh, kCos, kCosh, kExp, kExpm1, kLog, kLog1p, kLog2, kLog10,
  kReciprocal, kSin, kSinh, kSqrt, kTan, kTanh,
  // rounding, sign, classification and complex parts (unary_rounding.cpp);
  // the dtype is kept (integers pass through rounding unchanged) except that
  // signbit and is* give bool and real/imag give the real type
  kCeil, kFloor, kRound, kTrunc, kSign, kSignbit, kIsfinite, kIsinf, kIsnan, kReal, kImag, kConj,
};

/// Array API name of an operation ("add", "bitwise_and", ...).
std::string_view binary_op_name(BinaryOp op);
std::string_view unary_op_name(UnaryOp op);

/// The result dtype of `op` on operands both of dtype `operand`. Throws
/// DTypeError naming the op and dtype when the op does not take it
/// (e.g. bitwise_and on float64, less on complex128).
DType binary_result_dtype(BinaryOp op, DType operand);
DType unary_result_dtype(UnaryOp op, DType operand);

/// The dtype `op` computes in for operands of (promoted) dtype `operand`:
/// float64 for integer operands of a floating-point function (and for bool
/// operands of divide), else `operand`. Callers convert scalars and chunks to
/// it before calling binary(); unary() converts by itself. Throws DTypeError
/// as binary_result_dtype / unary_result_dtype do.
DType binary_compute_dtype(BinaryOp op, DType operand);
DType unary_compute_dtype(UnaryOp op, DType operand);

/// out = op(a, b). a and b have dtype `operand` (the promoted type); out has
/// binary_result_dtype(op, operand) and the broadcast shape.
void binary(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out);
/// out = op(a); out has unary_result_dtype and a's shape. Integer inputs of
/// floating-point functions are converted to float64 first (one copy).
void unary(UnaryOp op, const NDBuffer& a, NDBuffer& out);

/// out = condition ? x : y, broadcasting all three. condition is bool; x, y
/// and out have one dtype (any); out has the broadcast shape. Throws
/// InternalError on other dtypes or shapes (the API layer checks them).
void where(const NDBuffer& condition, const NDBuffer& x, const NDBuffer& y, NDBuffer& out);
/// out = min(max(x, lo), hi) with NaN in any operand giving NaN; all of one
/// real dtype (not bool, not complex), broadcasting all three. When lo > hi
/// the result is hi (as numpy). Throws InternalError otherwise.
void clip(const NDBuffer& x, const NDBuffer& lo, const NDBuffer& hi, NDBuffer& out);

/// A copy of `in` converted to `to` (C++ conversions, made safe: NaN and
/// infinities become 0 and out-of-range floats saturate in integer types;
/// complex to real keeps the real part).
NDBuffer cast(const NDBuffer& in, DType to);

/// The broadcast shape of two shapes (numpy rules). Throws
/// InvalidArgumentError naming both shapes when they do not broadcast.
Shape broadcast_shapes(const Shape& a, const Shape& b);

}  // namespace cubed::kernels
