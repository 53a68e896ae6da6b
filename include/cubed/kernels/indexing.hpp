#pragma once
/// Indexing kernels on chunks: the copies behind slicing, manipulation
/// functions (flip, roll, broadcast, transpose, repeat, tile, concat) and
/// take / take_along_axis. They move bytes only (elements are copied whole,
/// whatever the dtype), so no dtype dispatch is needed.
#include <cstdint>
#include <span>
#include <vector>

#include "cubed/core/ndbuffer.hpp"

namespace cubed::kernels {

/// One axis of the destination in a separable gather.
struct GatherAxis {
  /// Destination positions written along this axis.
  std::vector<std::int64_t> dst;
  /// Source positions along `src_axis`, one per destination position; empty
  /// when `src_axis` is -1 (the source has no axis here: every destination
  /// position reads the same source elements).
  std::vector<std::int64_t> src;
  int src_axis = -1;
};

/// Separable gather: for every combination (k_0, ..., k_{n-1}) of entries of
/// the destination axes,
///   dst[axes[0].dst[k_0], ..., axes[n-1].dst[k_{n-1}]] = src[q]
/// where q[axes[d].src_axis] = axes[d].src[k_d] and, along source axes no
/// destination axis reads, q[a] = src_fixed[a]. Each source axis is read by
/// at most one destination axis. Runs of consecutive positions on both sides
/// are copied with memcpy. Throws InvalidArgumentError when dtypes or ranks
/// differ or a position lies outside its buffer.
void gather(const NDBuffer& src, const Shape& src_fixed, NDBuffer& dst, const std::vector<GatherAxis>& axes);

/// One step of take_along_axis: copies into `dst` the elements listed in
/// `dst_flat` (C-order flat positions in dst) from the source chunk `src`,
/// whose first element along `axis` has global index `src_origin`. The
/// element at dst position p reads src at `index[p] - src_origin` along
/// `axis` and, along the other axes, at p's position, or 0 where src has
/// length 1 (broadcast). `index` holds one global index per dst element.
/// Throws InvalidArgumentError when a position lies outside src.
void take_along_axis_copy(const NDBuffer& src, std::int64_t src_origin, std::span<const std::int64_t> index,
                          std::span<const std::int64_t> dst_flat, NDBuffer& dst, int axis);

}  // namespace cubed::kernels
