#pragma once
/// Reductions (statistical, searching and utility functions of the Array
/// API), cumulative sums and products, and differences, on lazy arrays, in
/// bounded memory whatever the number of chunks.
///
/// A reduction is planned as a tree, as Cubed does:
///   1. a *chunk* operation reduces each chunk of x to a state (see
///      kernels/reduction.hpp), giving a state array whose reduced axes have
///      one element per chunk of x (chunks of 1) and a trailing axis of state
///      components;
///   2. *combine* rounds: each task merges at most `split_every` chunks of
///      the previous state array (a block of chunks across the reduced axes,
///      read one at a time into one accumulator), until one chunk remains
///      across the reduced axes;
///   3. the last round also finalizes the states into the result (it is the
///      operation named after the function, e.g. "sum").
/// x with one chunk across the reduced axes is reduced in a single operation.
/// Each operation declares the memory it holds beyond its input and output
/// chunks (the accumulator, a cast copy of the chunk) so that its projected
/// memory bounds what it really uses.
///
/// Cumulative sums and products are blocked scans: a chunk operation computes
/// each chunk's totals, combine rounds sum them split_every at a time into
/// coarser levels, and a task of the scan merges the few totals that make up
/// the prefix before its chunk (one at a time) into a carry and scans its
/// chunk from there.
#include <optional>
#include <vector>

#include "cubed/api/operand.hpp"
#include "cubed/array/array.hpp"
#include "cubed/kernels/reduction.hpp"

namespace cubed {

struct ReduceOptions {
  /// Axes to reduce (negative counts from the end); nullopt: all axes. An
  /// empty list reduces nothing (the result is x converted to the result
  /// dtype). Scans and argmin/argmax-like functions take the same field.
  std::optional<std::vector<int>> axis;
  /// Keep reduced axes with length 1.
  bool keepdims = false;
  /// Result dtype of sum, prod, mean, var, std and the cumulative functions.
  std::optional<DType> dtype;
  /// At most this many chunks (in total across the reduced axes) are merged
  /// by one task of a combine round. At least 2.
  int split_every = 8;
  /// var, std: divide by n - correction (numpy's ddof).
  double correction = 0;
  /// Cumulative functions: start with the identity (0 or 1), so the result
  /// is one longer along the axis.
  bool include_initial = false;
};

/// The general form: any reduction of kernels/reduction.hpp. Throws
/// InvalidArgumentError for an axis out of range or repeated (naming it),
/// split_every < 2, or an empty reduction of min/max/argmin/argmax
/// ("zero-size reduction ..."); DTypeError for dtypes the reduction does not
/// take (see kernels::make_reduction).
Array reduce(const Array& x, kernels::ReduceOp op, bool skip_nan, const ReduceOptions& options = {});

/// Sum: bool and signed integers give int64, unsigned integers uint64,
/// floating and complex types keep their type (float32 is accumulated in
/// float64); integers wrap as numpy's do. Sum of nothing is 0.
Array sum(const Array& x, const ReduceOptions& options = {});
/// Product, with sum's dtype rules; product of nothing is 1.
Array prod(const Array& x, const ReduceOptions& options = {});
/// Minimum and maximum (NaN propagates). Real types only.
Array min(const Array& x, const ReduceOptions& options = {});
Array max(const Array& x, const ReduceOptions& options = {});
/// Arithmetic mean. bool and integer arrays give float64 (as numpy; the
/// Array API leaves them unspecified). Mean of nothing is NaN.
Array mean(const Array& x, const ReduceOptions& options = {});
/// Variance and standard deviation with `correction` (numpy's ddof), real
/// for complex input (float64 for integers), computed with Chan et al.'s
/// parallel algorithm (no sum of squares). n <= correction gives inf or NaN
/// as numpy.
Array var(const Array& x, const ReduceOptions& options = {});
Array std(const Array& x, const ReduceOptions& options = {});
/// Logical reductions (bool results); all of nothing is true, any false.
Array all(const Array& x, const ReduceOptions& options = {});
Array any(const Array& x, const ReduceOptions& options = {});
/// Number of non-zero elements (int64).
Array count_nonzero(const Array& x, const ReduceOptions& options = {});

/// NaN-skipping versions (numpy's): NaN counts as 0 in nansum, 1 in
/// nanprod, and is ignored by the others; nanmin/nanmax/nanmean of an
/// all-NaN slice give NaN, nanvar/nanstd give NaN when n - correction <= 0.
Array nansum(const Array& x, const ReduceOptions& options = {});
Array nanprod(const Array& x, const ReduceOptions& options = {});
Array nanmin(const Array& x, const ReduceOptions& options = {});
Array nanmax(const Array& x, const ReduceOptions& options = {});
Array nanmean(const Array& x, const ReduceOptions& options = {});
Array nanvar(const Array& x, const ReduceOptions& options = {});
Array nanstd(const Array& x, const ReduceOptions& options = {});

/// Index (int64) of the first minimum/maximum: along one axis, or over the
/// C-order flattened array for axis nullopt (or several axes: the C-order
/// index within them). NaN counts as the extreme, as in numpy. Real types
/// only; an empty reduction throws InvalidArgumentError.
Array argmin(const Array& x, const ReduceOptions& options = {});
Array argmax(const Array& x, const ReduceOptions& options = {});
/// As argmin/argmax, skipping NaN; an all-NaN slice makes the computation
/// fail with InvalidArgumentError ("All-NaN slice encountered"), as numpy.
Array nanargmin(const Array& x, const ReduceOptions& options = {});
Array nanargmax(const Array& x, const ReduceOptions& options = {});

/// Cumulative sum and product along `options.axis` (one axis; optional for
/// 1-d arrays), with sum's dtype rules and `include_initial`. nancumsum and
/// nancumprod count NaN as 0 and 1. Throw InvalidArgumentError for 0-d
/// arrays or a missing or bad axis.
Array cumulative_sum(const Array& x, const ReduceOptions& options = {});
Array cumulative_prod(const Array& x, const ReduceOptions& options = {});
Array nancumsum(const Array& x, const ReduceOptions& options = {});
Array nancumprod(const Array& x, const ReduceOptions& options = {});

/// The n-th discrete difference along `axis` (out[i] = x[i+1] - x[i],
/// applied n times; bool gives `!=`, integers wrap). The result is n
/// shorter along the axis (empty when the axis is shorter than n). Throws
/// InvalidArgumentError for 0-d arrays, a bad axis or n < 0.
Array diff(const Array& x, int axis = -1, int n = 1);
/// diff of x with `prepend` and/or `append` joined to it along the axis
/// first, as numpy's: a number or a 0-d array is broadcast to x's shape
/// with length 1 along the axis; other arrays must match x's shape off the
/// axis (InvalidArgumentError otherwise). A number takes x's dtype (numpy
/// 1.24 would make it int64 or float64 first); arrays promote as concat.
/// The result keeps x's chunks.
Array diff(const Array& x, int axis, int n, const std::optional<Operand>& prepend,
           const std::optional<Operand>& append);

}  // namespace cubed
