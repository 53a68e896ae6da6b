#pragma once
/// Manipulation functions of the Array API on lazy arrays, in bounded
/// memory whatever the arrays' sizes.
///
/// Every function but reshape is one blockwise operation (see
/// api/indexing.hpp): each task writes one output chunk, reading one at a
/// time the input chunks that hold its elements; output chunks keep the
/// input's chunk lengths (new axes get chunks of 1; broadcast axes get
/// chunks sized like Dask's "auto" within the memory budget). reshape first
/// rechunks to chunks whose C-order contents map one-to-one onto output
/// chunks, as Cubed does, then reshapes chunk by chunk.
///
/// Axes may be negative (counted from the end). Errors are
/// InvalidArgumentError naming the function and the numbers: axes out of
/// range or repeated, shapes that do not broadcast or do not match, a reshape
/// to another size.
#include <cstdint>
#include <optional>
#include <vector>

#include "cubed/array/array.hpp"

namespace cubed {

/// x broadcast to `shape` (numpy rules: x's shape right-aligned against
/// shape, each axis equal or 1).
Array broadcast_to(const Array& x, const Shape& shape);
/// The arrays broadcast against each other. Output chunks along an axis are
/// those of the first array spanning it.
std::vector<Array> broadcast_arrays(const std::vector<Array>& arrays);

/// Joins arrays along an existing axis; axis nullopt flattens them first (C
/// order). Shapes must match on the other axes; the dtype is the promoted
/// one (result_type of all). Chunks are the first array's.
Array concat(const std::vector<Array>& arrays, std::optional<int> axis = 0);
/// Joins arrays of one shape along a new axis (at `axis` of the result),
/// with chunks of 1 along it; dtypes are promoted as in concat.
Array stack(const std::vector<Array>& arrays, int axis = 0);
/// The sub-arrays x[..., i, ...] along `axis`.
std::vector<Array> unstack(const Array& x, int axis = 0);

/// Inserts axes of length 1 at the positions `axis` of the result (negative
/// positions count from the end of the result).
Array expand_dims(const Array& x, const std::vector<int>& axis);
Array expand_dims(const Array& x, int axis = 0);
/// Removes axes of length 1; nullopt: every axis of length 1.
Array squeeze(const Array& x, const std::optional<std::vector<int>>& axis);
Array squeeze(const Array& x, int axis);

/// Reverses the order of elements along the axes (nullopt: all).
Array flip(const Array& x, const std::optional<std::vector<int>>& axis = std::nullopt);
Array flip(const Array& x, int axis);
/// Rolls elements along axes: out[i] = x[(i - shift) mod n]. One shift per
/// axis, or one shift for every axis given; the same axis given twice rolls
/// by the sum. axis nullopt: rolls the flattened array by shift[0] (one
/// shift) and restores the shape.
Array roll(const Array& x, const std::vector<std::int64_t>& shift,
           const std::optional<std::vector<int>>& axis = std::nullopt);
Array roll(const Array& x, std::int64_t shift, std::optional<int> axis = std::nullopt);

/// The axes permuted: result axis i is x's axis axes[i].
Array permute_dims(const Array& x, const std::vector<int>& axes);
/// Moves axes to new positions, the others keeping their order.
Array moveaxis(const Array& x, const std::vector<int>& source, const std::vector<int>& destination);
Array moveaxis(const Array& x, int source, int destination);

/// x with a new shape of the same size, elements in C order. One entry may
/// be -1 (inferred). Rechunks first (to chunks no larger than x's) when x's
/// chunks do not map onto output chunks; when no such chunking of useful
/// size exists for an axis group (e.g. (1000, 999) -> (999, 1000)), the group
/// goes through its flattened form with a 1-d rechunk between.
Array reshape(const Array& x, const Shape& shape);

/// Repeats each element `repeats` times along `axis` (nullopt: of the
/// flattened array). Output chunks along the axis keep x's chunk length.
Array repeat(const Array& x, std::int64_t repeats, std::optional<int> axis = std::nullopt);
/// One repeat count per element along the axis (or one for all).
Array repeat(const Array& x, const std::vector<std::int64_t>& repeats, std::optional<int> axis = std::nullopt);
/// Repeats the whole array reps[i] times along each axis, as numpy.tile:
/// reps shorter than x's rank is padded with leading 1s; longer prepends
/// axes to x (with chunks of 1).
Array tile(const Array& x, const std::vector<std::int64_t>& reps);

}  // namespace cubed
