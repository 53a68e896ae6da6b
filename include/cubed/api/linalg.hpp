#pragma once
/// Linear algebra of the Array API (matmul, tensordot, vecdot,
/// matrix_transpose, outer) on lazy arrays, in bounded memory whatever the
/// arrays' sizes.
///
/// Every contraction is planned the same way:
///   1. a *partial* operation: each task owns one output block and one group
///      of at most `split_every` blocks of the contracted axes; it reads the
///      matching pairs of input blocks one pair at a time and adds their
///      product (BLAS gemm, kernels/matmul.hpp) into one accumulator;
///   2. when the contracted axes span more than one group, the partial
///      products (an array with a leading axis of one element per group) are
///      summed in rounds ("matmul-combine", ...), split_every chunks per task
///      read one at a time, as the tree reductions of api/statistical.hpp.
/// A task therefore holds one block of each input, their converted copies
/// and the accumulator, whatever the number of blocks: memory is bounded by
/// the chunk sizes, never by the array sizes. x2 is rechunked first when its
/// chunks along the contracted (or shared batch) axes differ from x1's.
///
/// Errors: InvalidArgumentError naming the function and the numbers
/// ("matmul: contracted axes differ: 3 vs 4"); DTypeError for bool or
/// non-numeric inputs.
#include <utility>
#include <vector>

#include "cubed/array/array.hpp"

namespace cubed {

struct LinalgOptions {
  /// Blocks of the contracted axes per partial task, and chunks merged per
  /// task of the reduction that sums partial products. At least 2.
  int split_every = 8;
};

/// Matrix product with the Array API's rules: 1-d x1 is a row vector and
/// 1-d x2 a column vector (their axis is removed from the result), leading
/// (batch) axes broadcast. The result dtype is result_type(x1, x2).
Array matmul(const Array& x1, const Array& x2, const LinalgOptions& options = {});

/// Contracts the last `axes` axes of x1 with the first `axes` of x2.
Array tensordot(const Array& x1, const Array& x2, int axes = 2, const LinalgOptions& options = {});
/// The axes of x1 and of x2 contracted pairwise: tensordot(a, b, {{0, 2}, {2, 1}}).
/// (A pair, so that a call with two lists cannot bind to the int overload.)
using TensordotAxes = std::pair<std::vector<int>, std::vector<int>>;
/// Contracts x1's axes.first[i] with x2's axes.second[i] (negative axes
/// count from the end); the result has x1's other axes, then x2's.
Array tensordot(const Array& x1, const Array& x2, const TensordotAxes& axes, const LinalgOptions& options = {});

/// sum(conj(x1) * x2, axis): the vector dot product along `axis` (of the
/// broadcast shape, negative from the end) with the other axes broadcast.
Array vecdot(const Array& x1, const Array& x2, int axis = -1, const LinalgOptions& options = {});

/// x with its last two axes swapped (x.mT). Throws InvalidArgumentError for
/// fewer than two dimensions.
Array matrix_transpose(const Array& x);

/// Outer product of two 1-d arrays: out[i, j] = x1[i] * x2[j].
Array outer(const Array& x1, const Array& x2);

}  // namespace cubed
