#pragma once
/// Indexing of lazy arrays (the Array API's __getitem__ with integers,
/// slices, `...` and None, plus take and take_along_axis), in bounded memory.
///
/// Each function is one blockwise operation whose tasks write one output
/// chunk each and read, one at a time, only the input chunks that hold the
/// output chunk's elements. Output chunks follow the input's: an axis sliced
/// with step 1 keeps the input's chunk length (each output chunk reads at
/// most two input chunks along it, one when the slice starts on a chunk
/// boundary); with step s the chunk length is ceil(c / |s|), so an output
/// chunk spans about one input chunk; integer indices drop their axis; new
/// axes have chunks of 1. Chunk grids are regular (all chunks equal but the
/// last), so unlike Dask a slice that starts inside a chunk cannot keep the
/// input's chunk boundaries; its output chunks straddle two input chunks.
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "cubed/array/array.hpp"

namespace cubed {

/// A slice `start:stop:step` with Python semantics: omitted parts take
/// their defaults, negative start and stop count from the end, and both are
/// clamped to the axis (so `x[-100:100]` is all of a short axis). Any
/// non-zero step, negative ones included.
struct Slice {
  std::optional<std::int64_t> start;
  std::optional<std::int64_t> stop;
  std::optional<std::int64_t> step;
};
/// `...`: as many full slices as needed to index every axis.
struct Ellipsis {};
/// `None`: a new axis of length 1.
struct NewAxis {};
/// One item of an index: an integer (negative counts from the end; drops the
/// axis), a slice, an ellipsis or a new axis.
using IndexItem = std::variant<std::int64_t, Slice, Ellipsis, NewAxis>;

/// x[items], as numpy's basic indexing. Axes not indexed are taken whole.
/// Returns x itself when nothing changes. Throws InvalidArgumentError for an
/// integer out of range ("index 10 is out of bounds for axis 0 with size
/// 5"), a step of 0, more than one ellipsis, or more indices than axes.
Array index(const Array& x, const std::vector<IndexItem>& items);

/// Elements of x at `indices` along `axis` (negative indices count from
/// the end), as numpy.take: the result has x's shape with the axis replaced
/// by len(indices). `axis` may be omitted for 1-d x only. Each output chunk
/// reads the input chunks holding its elements, one at a time (chunks
/// along the axis as x's). Throws InvalidArgumentError for an index out of
/// range or a bad axis.
Array take(const Array& x, const std::vector<std::int64_t>& indices, std::optional<int> axis = std::nullopt);
/// As above with a 1-d in-memory buffer of integers.
Array take(const Array& x, const NDBuffer& indices, std::optional<int> axis = std::nullopt);
/// As above with a lazy 1-d integer array, which is computed first (the
/// plan of the gather needs its values); keep it small.
Array take(const Array& x, const Array& indices, std::optional<int> axis = std::nullopt);

/// out[..., j, ...] = x[..., indices[..., j, ...], ...] along `axis`, as
/// numpy.take_along_axis: indices (integers, in memory) has x's number of
/// dimensions and broadcasts with x on the other axes. Output chunks are
/// x's (the whole axis where x broadcasts); each task reads, one at a time,
/// the input chunks along the axis that its indices point into. Throws
/// InvalidArgumentError for mismatched ranks, shapes that do not broadcast,
/// indices out of range, non-integer indices or a bad axis.
Array take_along_axis(const Array& x, const NDBuffer& indices, int axis = -1);

}  // namespace cubed
