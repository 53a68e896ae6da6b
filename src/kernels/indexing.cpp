#include "cubed/kernels/indexing.hpp"

#include <cstring>
#include <string>

#include "cubed/core/error.hpp"

namespace cubed::kernels {
namespace {

// A run of elements consecutive in both buffers (byte offsets and length).
struct Run {
  std::int64_t dst = 0;
  std::int64_t src = 0;
  std::int64_t bytes = 0;
};

// Copies one element of `item` bytes (a constant-size memcpy per dtype size).
inline void copy_item(std::uint8_t* d, const std::uint8_t* s, std::int64_t item) {
  switch (item) {
    case 1: *d = *s; return;
    case 2: std::memcpy(d, s, 2); return;
    case 4: std::memcpy(d, s, 4); return;
    case 8: std::memcpy(d, s, 8); return;
    case 16: std::memcpy(d, s, 16); return;
    default: std::memcpy(d, s, static_cast<std::size_t>(item));
  }
}

Shape byte_strides(const Shape& shape, std::int64_t item) {
  Shape s = c_strides(shape);
  for (auto& v : s) v *= item;
  return s;
}

[[noreturn]] void out_of_range(const char* what, std::int64_t position, int axis, const Shape& shape) {
  throw InvalidArgumentError(std::string("gather: ") + what + " position " + std::to_string(position) + " on axis " +
                             std::to_string(axis) + " is outside a buffer of shape " + shape_to_string(shape));
}

}  // namespace

void gather(const NDBuffer& src, const Shape& src_fixed, NDBuffer& dst, const std::vector<GatherAxis>& axes) {
  const int ndim = dst.ndim();
  if (src.dtype() != dst.dtype() || static_cast<int>(axes.size()) != ndim ||
      static_cast<int>(src_fixed.size()) != src.ndim()) {
    throw InvalidArgumentError("gather: source " + shape_to_string(src.shape()) + " and destination " +
                               shape_to_string(dst.shape()) + " do not match the " + std::to_string(axes.size()) +
                               " axes given");
  }
  std::vector<bool> mapped(static_cast<std::size_t>(src.ndim()), false);
  bool empty = false;
  for (int d = 0; d < ndim; ++d) {
    const GatherAxis& a = axes[d];
    for (std::int64_t p : a.dst) {
      if (p < 0 || p >= dst.shape()[d]) out_of_range("destination", p, d, dst.shape());
    }
    empty = empty || a.dst.empty();
    if (a.src_axis < 0) continue;
    if (a.src_axis >= src.ndim() || mapped[a.src_axis] || a.src.size() != a.dst.size()) {
      throw InvalidArgumentError("gather: destination axis " + std::to_string(d) + " reads source axis " +
                                 std::to_string(a.src_axis) + " of " + shape_to_string(src.shape()) +
                                 " twice, out of range, or with a different number of positions");
    }
    mapped[a.src_axis] = true;
    for (std::int64_t p : a.src) {
      if (p < 0 || p >= src.shape()[a.src_axis]) out_of_range("source", p, a.src_axis, src.shape());
    }
  }
  const std::int64_t item = item_size(src.dtype());
  const Shape sstride = byte_strides(src.shape(), item);
  const Shape dstride = byte_strides(dst.shape(), item);
  std::int64_t base = 0;
  for (int a = 0; a < src.ndim(); ++a) {
    if (mapped[a]) continue;
    if (src_fixed[a] < 0 || src_fixed[a] >= src.shape()[a]) out_of_range("source", src_fixed[a], a, src.shape());
    base += src_fixed[a] * sstride[a];
  }
  if (empty) return;
  if (ndim == 0) {
    copy_item(dst.data(), src.data() + base, item);
    return;
  }
  // Byte offsets per axis.
  std::vector<Shape> doff(ndim), soff(ndim);
  for (int d = 0; d < ndim; ++d) {
    const GatherAxis& a = axes[d];
    doff[d].resize(a.dst.size());
    soff[d].assign(a.dst.size(), 0);
    for (std::size_t k = 0; k < a.dst.size(); ++k) {
      doff[d][k] = a.dst[k] * dstride[d];
      if (a.src_axis >= 0) soff[d][k] = a.src[k] * sstride[a.src_axis];
    }
  }
  // The innermost axis as runs of consecutive elements.
  std::vector<Run> runs;
  const int last = ndim - 1;
  for (std::size_t k = 0; k < doff[last].size(); ++k) {
    if (!runs.empty()) {
      Run& r = runs.back();
      if (doff[last][k] == r.dst + r.bytes && soff[last][k] == r.src + r.bytes) {
        r.bytes += item;
        continue;
      }
    }
    runs.push_back({doff[last][k], soff[last][k], item});
  }
  // Odometer over the outer axes.
  std::vector<std::size_t> counter(static_cast<std::size_t>(last), 0);
  std::uint8_t* const out = dst.data();
  const std::uint8_t* const in = src.data() + base;
  while (true) {
    std::int64_t d_off = 0, s_off = 0;
    for (int d = 0; d < last; ++d) {
      d_off += doff[d][counter[d]];
      s_off += soff[d][counter[d]];
    }
    for (const Run& r : runs) {
      if (r.bytes == item) {
        copy_item(out + d_off + r.dst, in + s_off + r.src, item);
      } else {
        std::memcpy(out + d_off + r.dst, in + s_off + r.src, static_cast<std::size_t>(r.bytes));
      }
    }
    int d = last - 1;
    while (d >= 0 && ++counter[d] == doff[d].size()) {
      counter[d] = 0;
      --d;
    }
    if (d < 0) break;
  }
}

void take_along_axis_copy(const NDBuffer& src, std::int64_t src_origin, std::span<const std::int64_t> index,
                          std::span<const std::int64_t> dst_flat, NDBuffer& dst, int axis) {
  const int ndim = dst.ndim();
  if (src.dtype() != dst.dtype() || src.ndim() != ndim || axis < 0 || axis >= ndim ||
      static_cast<std::int64_t>(index.size()) != dst.size()) {
    throw InvalidArgumentError("take_along_axis: source " + shape_to_string(src.shape()) + " and destination " +
                               shape_to_string(dst.shape()) + " do not match (axis " + std::to_string(axis) + ", " +
                               std::to_string(index.size()) + " indices)");
  }
  const std::int64_t item = item_size(src.dtype());
  const Shape sstride = byte_strides(src.shape(), item);
  const Shape& dshape = dst.shape();
  Shape p(static_cast<std::size_t>(ndim));
  for (std::int64_t f : dst_flat) {
    if (f < 0 || f >= dst.size()) out_of_range("destination", f, 0, dshape);
    std::int64_t rest = f;
    for (int d = ndim - 1; d >= 0; --d) {
      p[d] = rest % dshape[d];
      rest /= dshape[d];
    }
    std::int64_t offset = 0;
    for (int d = 0; d < ndim; ++d) {
      std::int64_t q = d == axis ? index[f] - src_origin : (src.shape()[d] == 1 ? 0 : p[d]);
      if (q < 0 || q >= src.shape()[d]) out_of_range("source", q, d, src.shape());
      offset += q * sstride[d];
    }
    copy_item(dst.data() + f * item, src.data() + offset, item);
  }
}

}  // namespace cubed::kernels
