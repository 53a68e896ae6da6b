#pragma once
/// Reduction, scan and difference kernels on chunks. The typed loops live in
/// src/kernels/reduction.cpp (reductions) and src/kernels/scan.cpp (scans and
/// differences); this header declares NDBuffer entry points only.
///
/// A reduction is computed in three steps so that a plan can reduce any
/// number of chunks a few at a time (api/statistical.hpp):
///   1. reduce_chunk: a chunk -> a *state*: the chunk's shape with every
///      reduced axis of length 1, plus a trailing axis of
///      state_components(r) components of dtype state_dtype(r);
///   2. merge_states: two states of the same shape -> one (in place);
///   3. finalize_state: a state -> the result (result dtype, trailing axis
///      dropped, reshaped to the requested shape).
///
/// State layouts (per slot, i.e. per element of the result):
///   sum, prod            1 x accumulator: int64 (bool and signed results),
///                        uint64 (unsigned), float64 (float32/float64),
///                        complex128 (complex); integers wrap as numpy's do
///   min, max             1 x the input dtype (NaN propagates; nanmin/nanmax
///                        skip NaN, an all-NaN slot stays NaN)
///   all, any             1 x bool
///   count_nonzero        1 x int64
///   mean, var, std       6 x float64: (n, mean.real as hi + lo, mean.imag
///                        as hi + lo, M2), where M2 is the sum of
///                        |x - mean|^2; chunks use two passes (mean, then
///                        distances to it) and merges Chan et al.'s parallel
///                        formula, with the mean carried in two doubles, so
///                        large offsets (1e9 + noise) cost no digits
///   argmin, argmax       2 x int64: (value, index). The value is widened
///                        exactly to int64 (bool, signed), uint64 (unsigned)
///                        or float64 (floating) and its bits stored as int64;
///                        the index is the C-order position within the
///                        reduced axes of the whole array (-1: no value yet).
///                        Ties keep the smaller index; NaN wins (numpy), the
///                        nan* versions skip NaN.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cubed/core/ndbuffer.hpp"

namespace cubed::kernels {

enum class ReduceOp : std::uint8_t {
  kSum, kProd, kMin, kMax, kAll, kAny, kCountNonzero, kMean, kVar, kStd, kArgMin, kArgMax,
};

/// A reduction as the kernels run it. Build it with make_reduction.
struct Reduction {
  ReduceOp op = ReduceOp::kSum;
  /// The nan* version: NaN elements are skipped (sum: as 0, prod: as 1).
  bool skip_nan = false;
  /// The dtype of the chunks given to reduce_chunk and scan_chunk. It is the
  /// array's dtype, except for sum/prod with a `dtype` the array's values do
  /// not cast to safely (e.g. float64 summed as int32): the chunks are cast
  /// to the result dtype first, as numpy does.
  DType input = DType::kFloat64;
  DType result = DType::kFloat64;
  /// var/std: the divisor is n - correction (numpy's ddof).
  double correction = 0;
};

/// "sum", "nansum", "argmax", "nanargmax", ...
std::string reduce_op_name(ReduceOp op, bool skip_nan = false);

/// The Reduction of `op` over arrays of dtype `x`, with the Array API dtype
/// rules: sum/prod give int64 for bool and signed integers, uint64 for
/// unsigned integers and keep floating and complex types; mean gives float64
/// for bool and integers (as numpy) and keeps floating and complex types;
/// var/std give the real type (float64 for bool and integers); min/max keep
/// the dtype; all/any give bool; count_nonzero and argmin/argmax give int64.
/// `dtype` overrides the result type of sum, prod, mean, var and std.
/// Throws DTypeError for complex input to min/max/argmin/argmax, a `dtype`
/// given to another reduction, or a `dtype` of the wrong kind (an integer
/// dtype for mean, a complex dtype for var, a real dtype for complex mean).
Reduction make_reduction(ReduceOp op, bool skip_nan, DType x, std::optional<DType> dtype = std::nullopt,
                         double correction = 0);

DType state_dtype(const Reduction& r);
std::int64_t state_components(const Reduction& r);
/// False for min, max, argmin and argmax, whose reduction over no element is
/// an error.
bool has_identity(const Reduction& r);

/// The state of `chunk` (dtype r.input): its shape with reduced axes of
/// length 1, plus the trailing components axis. `reduced` has one flag per
/// axis. argmin/argmax also need the chunk's `origin` in the whole array and
/// the whole array's `full_shape` (to number elements); others ignore them.
NDBuffer reduce_chunk(const Reduction& r, const NDBuffer& chunk, const std::vector<bool>& reduced,
                      const Shape& origin = {}, const Shape& full_shape = {});
/// The state of no element, of shape `slots` plus the components axis:
/// sum 0, prod 1, all true, any false, n = 0, index -1 (min/max: +inf/-inf
/// or the type's extreme, or NaN for nanmin/nanmax).
NDBuffer identity_state(const Reduction& r, const Shape& slots);
/// acc := merge(acc, other); both states of the same shape and dtype.
void merge_states(const Reduction& r, NDBuffer& acc, const NDBuffer& other);
/// The result of a state, of dtype r.result and shape `out_shape` (which has
/// as many elements as the state has slots). var: M2 / max(n - correction,
/// 0) as numpy (n <= correction gives inf or nan); nanvar: nan when
/// n - correction <= 0. mean of no element: nan. Throws
/// InvalidArgumentError for nanargmin/nanargmax of an all-NaN slice.
NDBuffer finalize_state(const Reduction& r, NDBuffer state, const Shape& out_shape);

/// A blocked scan (cumulative sum or product, r.op kSum or kProd) of `chunk`
/// (dtype r.input; nullptr: no elements) along `axis`, starting from
/// `carry`, a state of sum/prod with one slot per position across the axis
/// (i.e. chunk shape with `axis` of length 1); `carry` is updated to the
/// state after the chunk. The result has dtype r.result and shape
/// `out_shape`: inclusive, out[t] = carry + x[0..t] and out has the chunk's
/// length along axis; exclusive, out[t] = carry + x[0..t-1] for t <
/// out_shape[axis] (at most the chunk's length + 1).
NDBuffer scan_chunk(const Reduction& r, const NDBuffer* chunk, int axis, NDBuffer& carry, const Shape& out_shape,
                    bool exclusive);

/// out[..., t, ...] = in[..., t + 1, ...] - in[..., t, ...] along `axis`
/// (one shorter than `in` there). Integers wrap; bool gives `!=` (numpy).
NDBuffer diff_chunk(const NDBuffer& in, int axis);

}  // namespace cubed::kernels
