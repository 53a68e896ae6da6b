#pragma once
// Operators on two Python numbers, computed at once with Python's semantics
// (7 // 2 == 3, -7 % 3 == 2, 2 ** -1 == 0.5, 1 / 0 is an error, ints are
// exact up to 64 bits). The two exceptions, for array users: ~True is False
// (numpy), and maximum/minimum propagate NaN (numpy).
#include "cubed/core/scalar.hpp"
#include "cubed/kernels/elementwise.hpp"

namespace cubed::expr::detail {

/// Throws InvalidArgumentError for operand types the operation does not take
/// (`1.5 & 1`), division by zero and integer results beyond 64 bits.
Scalar scalar_binary(kernels::BinaryOp op, const Scalar& a, const Scalar& b);
Scalar scalar_unary(kernels::UnaryOp op, const Scalar& a);

}  // namespace cubed::expr::detail
