#include "cubed/api/indexing.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <span>
#include <memory>

#include "api/gather.hpp"
#include "cubed/core/error.hpp"
#include "cubed/core/memory.hpp"
#include "cubed/kernels/indexing.hpp"
#include "cubed/primitives/blockwise.hpp"
#include "cubed/runtime/compute.hpp"

namespace cubed {
namespace {

using detail::AxisRead;
using detail::GatherInput;

// A slice resolved against an axis of length n: elements start + i * step
// for i in [0, length).
struct ResolvedSlice {
  std::int64_t start = 0;
  std::int64_t step = 1;
  std::int64_t length = 0;
};

// Python's slice.indices(n) and len(range(...)).
ResolvedSlice resolve(const Slice& s, std::int64_t n) {
  const std::int64_t step = s.step.value_or(1);
  if (step == 0) throw InvalidArgumentError("index: slice step cannot be zero");
  // |step| beyond n behaves like n (one element at most); this also keeps
  // the arithmetic below from overflowing.
  const std::int64_t magnitude = step == std::numeric_limits<std::int64_t>::min()
                                     ? std::numeric_limits<std::int64_t>::max()
                                     : std::abs(step);
  ResolvedSlice r;
  r.step = step;
  if (step > 0) {
    auto clamp = [n](std::int64_t v) {
      if (v < 0) v = v < -n ? 0 : v + n;
      return std::min(v, n);
    };
    r.start = s.start ? clamp(*s.start) : 0;
    const std::int64_t stop = s.stop ? clamp(*s.stop) : n;
    r.length = stop > r.start ? (stop - r.start - 1) / magnitude + 1 : 0;
  } else {
    auto clamp = [n](std::int64_t v) {
      if (v < 0) v = v < -n ? -1 : v + n;
      return std::min(v, n - 1);
    };
    r.start = s.start ? clamp(*s.start) : n - 1;
    const std::int64_t stop = s.stop ? clamp(*s.stop) : -1;
    r.length = r.start > stop ? (r.start - stop - 1) / magnitude + 1 : 0;
  }
  return r;
}

std::int64_t clamp_chunk(std::int64_t chunk, std::int64_t length) {
  return std::max<std::int64_t>(1, std::min(chunk, length));
}

// Normalises one index along an axis of length n, numpy's message otherwise.
std::int64_t normalize_index(const std::string& function, std::int64_t i, int axis, std::int64_t n) {
  if (i < -n || i >= n) {
    throw InvalidArgumentError(function + "index " + std::to_string(i) + " is out of bounds for axis " +
                               std::to_string(axis) + " with size " + std::to_string(n));
  }
  return i < 0 ? i + n : i;
}

// The values of a 1-d (or any-d, flattened) integer buffer.
std::vector<std::int64_t> integer_values(const std::string& function, const NDBuffer& b) {
  if (!is_integer(b.dtype())) {
    throw InvalidArgumentError(function + ": indices must be integers, got " + std::string(dtype_name(b.dtype())));
  }
  std::vector<std::int64_t> values(static_cast<std::size_t>(b.size()));
  for (std::int64_t i = 0; i < b.size(); ++i) {
    Scalar s = b.get(i);
    if (s.kind() == Scalar::Kind::kUInt) {
      const std::uint64_t u = s.as_uint();
      values[i] = u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                      ? std::numeric_limits<std::int64_t>::max()
                      : static_cast<std::int64_t>(u);
    } else {
      values[i] = s.as_int();
    }
  }
  return values;
}

}  // namespace

Array index(const Array& x, const std::vector<IndexItem>& items) { return detail::index_named(x, items, "index"); }

Array detail::index_named(const Array& x, const std::vector<IndexItem>& items, const std::string& name) {
  if (!x.valid()) throw InvalidArgumentError(name + ": the array is empty (default-constructed)");
  const int ndim = x.ndim();
  int ellipses = 0;
  int consuming = 0;
  for (const IndexItem& item : items) {
    if (std::holds_alternative<Ellipsis>(item)) {
      ++ellipses;
    } else if (!std::holds_alternative<NewAxis>(item)) {
      ++consuming;
    }
  }
  if (ellipses > 1) throw InvalidArgumentError(name + ": an index can only have a single ellipsis ('...')");
  if (consuming > ndim) {
    throw InvalidArgumentError(name + ": too many indices for array: array is " + std::to_string(ndim) +
                               "-dimensional, but " + std::to_string(consuming) + " were indexed");
  }
  std::vector<IndexItem> full;
  for (const IndexItem& item : items) {
    if (std::holds_alternative<Ellipsis>(item)) {
      full.insert(full.end(), static_cast<std::size_t>(ndim - consuming), Slice{});
    } else {
      full.push_back(item);
    }
  }
  if (ellipses == 0) full.insert(full.end(), static_cast<std::size_t>(ndim - consuming), Slice{});

  Shape shape, chunks;
  std::vector<AxisRead> reads;
  Shape fixed(static_cast<std::size_t>(ndim), 0);
  bool identity = true;
  int axis = 0;
  for (const IndexItem& item : full) {
    if (const auto* i = std::get_if<std::int64_t>(&item)) {
      fixed[axis] = normalize_index("", *i, axis, x.shape()[axis]);
      identity = false;
      ++axis;
    } else if (std::holds_alternative<NewAxis>(item)) {
      shape.push_back(1);
      chunks.push_back(1);
      reads.push_back(AxisRead{});
      identity = false;
    } else {
      const std::int64_t n = x.shape()[axis];
      const ResolvedSlice r = resolve(std::get<Slice>(item), n);
      const std::int64_t magnitude = r.step < 0 ? (r.step == std::numeric_limits<std::int64_t>::min()
                                                       ? std::numeric_limits<std::int64_t>::max()
                                                       : -r.step)
                                                : r.step;
      shape.push_back(r.length);
      const std::int64_t c = x.chunks()[axis];
      chunks.push_back(clamp_chunk(c / magnitude + (c % magnitude != 0), r.length));
      AxisRead read;
      read.input_axis = axis;
      if (!(r.start == 0 && r.step == 1 && r.length == n)) {
        identity = false;
        read.map = [start = r.start, step = r.step](std::int64_t i) { return start + i * step; };
      }
      reads.push_back(std::move(read));
      ++axis;
    }
  }
  if (identity) return x;
  return detail::gather({GatherInput{x, std::move(reads), std::move(fixed)}}, std::move(shape), std::move(chunks),
                        x.dtype(), name);
}

Array take(const Array& x, const std::vector<std::int64_t>& indices, std::optional<int> axis) {
  if (!x.valid()) throw InvalidArgumentError("take: the array is empty (default-constructed)");
  if (!axis) {
    if (x.ndim() != 1) {
      throw InvalidArgumentError("take: axis must be given for an array of dimension " + std::to_string(x.ndim()));
    }
    axis = 0;
  }
  const int a = detail::normalize_axis("take", *axis, x.ndim());
  const std::int64_t n = x.shape()[a];
  auto values = std::make_shared<std::vector<std::int64_t>>();
  values->reserve(indices.size());
  for (std::int64_t i : indices) values->push_back(normalize_index("take: ", i, a, n));
  const std::int64_t length = static_cast<std::int64_t>(values->size());
  Shape shape = x.shape();
  Shape chunks = x.chunks();
  shape[a] = length;
  chunks[a] = clamp_chunk(chunks[a], length);
  std::vector<AxisRead> reads(static_cast<std::size_t>(x.ndim()));
  for (int d = 0; d < x.ndim(); ++d) reads[d].input_axis = d;
  reads[a].map = [values](std::int64_t i) { return (*values)[static_cast<std::size_t>(i)]; };
  return detail::gather({GatherInput{x, std::move(reads), Shape(x.ndim(), 0)}}, std::move(shape), std::move(chunks),
                        x.dtype(), "take");
}

Array take(const Array& x, const NDBuffer& indices, std::optional<int> axis) {
  if (indices.ndim() != 1) {
    throw InvalidArgumentError("take: indices must be 1-dimensional, got shape " + shape_to_string(indices.shape()));
  }
  return take(x, integer_values("take", indices), axis);
}

Array take(const Array& x, const Array& indices, std::optional<int> axis) {
  if (!indices.valid()) throw InvalidArgumentError("take: the indices array is empty (default-constructed)");
  if (indices.ndim() != 1) {
    throw InvalidArgumentError("take: indices must be 1-dimensional, got shape " + shape_to_string(indices.shape()));
  }
  if (!is_integer(indices.dtype())) {
    throw InvalidArgumentError("take: indices must be integers, got " + std::string(dtype_name(indices.dtype())));
  }
  return take(x, compute(indices), axis);
}

Array take_along_axis(const Array& x, const NDBuffer& indices, int axis) {
  const std::string fn = "take_along_axis";
  if (!x.valid()) throw InvalidArgumentError(fn + ": the array is empty (default-constructed)");
  const int ndim = x.ndim();
  if (indices.ndim() != ndim) {
    throw InvalidArgumentError(fn + ": indices has " + std::to_string(indices.ndim()) + " dimensions but x has " +
                               std::to_string(ndim) + "; they must match");
  }
  const int a = detail::normalize_axis(fn, axis, ndim);
  const Shape& xs = x.shape();
  const Shape& is = indices.shape();
  Shape shape(ndim), chunks(ndim);
  for (int d = 0; d < ndim; ++d) {
    if (d == a) {
      shape[d] = is[d];
      chunks[d] = clamp_chunk(x.chunks()[d], shape[d]);
      continue;
    }
    if (xs[d] != is[d] && xs[d] != 1 && is[d] != 1) {
      throw InvalidArgumentError(fn + ": x of shape " + shape_to_string(xs) + " and indices of shape " +
                                 shape_to_string(is) + " do not broadcast on axis " + std::to_string(d));
    }
    shape[d] = xs[d] == 1 ? is[d] : xs[d];
    chunks[d] = xs[d] == shape[d] ? x.chunks()[d] : clamp_chunk(shape[d], shape[d]);
  }
  const std::int64_t n = xs[a];
  auto values = std::make_shared<std::vector<std::int64_t>>(integer_values(fn, indices));
  for (auto& v : *values) v = normalize_index(fn + ": ", v, a, n);
  const Shape index_shape = is;
  const ChunkGrid out_grid(shape, chunks);
  const std::int64_t in_chunk = x.chunks()[a];

  // The global index (along the axis) of every element of an output chunk.
  auto chunk_indices = [values, index_shape, out_grid, ndim](const Shape& coords) {
    const Shape origin = out_grid.chunk_origin(coords);
    const Shape extent = out_grid.chunk_shape(coords);
    const Shape strides = c_strides(index_shape);
    std::vector<std::int64_t, CountingAllocator<std::int64_t>> result;
    result.reserve(static_cast<std::size_t>(shape_size(extent)));
    for_each_index(extent, [&](const Shape& p) {
      std::int64_t flat = 0;
      for (int d = 0; d < ndim; ++d) flat += (index_shape[d] == 1 ? 0 : origin[d] + p[d]) * strides[d];
      result.push_back((*values)[static_cast<std::size_t>(flat)]);
    });
    return result;
  };
  KeyFunction keys = [chunk_indices, xs, a, in_chunk, ndim](const Shape& coords) {
    auto idx = chunk_indices(coords);
    std::vector<std::int64_t> blocks;
    for (std::int64_t v : idx) blocks.push_back(v / in_chunk);
    std::sort(blocks.begin(), blocks.end());
    blocks.erase(std::unique(blocks.begin(), blocks.end()), blocks.end());
    std::vector<Shape> list;
    for (std::int64_t b : blocks) {
      Shape c(ndim);
      for (int d = 0; d < ndim; ++d) c[d] = d == a ? b : (xs[d] == 1 ? 0 : coords[d]);
      list.push_back(std::move(c));
    }
    return std::vector<std::vector<Shape>>{std::move(list)};
  };
  const DType dtype = x.dtype();
  ChunkFunction function = [chunk_indices, out_grid, a, in_chunk, dtype](const Shape& coords, TaskInputs& task) {
    NDBuffer out(dtype, out_grid.chunk_shape(coords));
    auto idx = chunk_indices(coords);
    // Output positions grouped by the input chunk they read (counting sort
    // over the chunks this task reads, in the key function's order).
    const std::size_t count = task.count(0);
    std::vector<std::int64_t> first_block(count);
    for (std::size_t k = 0; k < count; ++k) first_block[k] = task.coords(0, k)[a];
    std::vector<std::int64_t> start(count + 1, 0);
    auto slot = [&](std::int64_t v) {
      return static_cast<std::size_t>(std::lower_bound(first_block.begin(), first_block.end(), v / in_chunk) -
                                      first_block.begin());
    };
    for (std::int64_t v : idx) ++start[slot(v) + 1];
    for (std::size_t k = 0; k < count; ++k) start[k + 1] += start[k];
    std::vector<std::int64_t, CountingAllocator<std::int64_t>> order(idx.size());
    {
      std::vector<std::int64_t> next(start.begin(), start.end() - 1);
      for (std::size_t f = 0; f < idx.size(); ++f) order[next[slot(idx[f])]++] = static_cast<std::int64_t>(f);
    }
    for (std::size_t k = 0; k < count; ++k) {
      NDBuffer chunk = task.read(0, k);
      std::span<const std::int64_t> positions(order.data() + start[k], static_cast<std::size_t>(start[k + 1] - start[k]));
      kernels::take_along_axis_copy(chunk, first_block[k] * in_chunk, idx, positions, out, a);
    }
    return out;
  };
  BlockwiseOptions options;
  options.name = fn;
  options.max_blocks_in_memory = {1};
  // The indices of the output chunk and their order (int64 each), plus the
  // per-chunk counts.
  options.extra_memory = 2 * shape_size(chunks) * 8 + (x.numblocks()[a] + 1) * 3 * 8;
  return general_blockwise(std::move(function), std::move(keys), {x}, std::move(shape), std::move(chunks), dtype,
                           std::move(options));
}

}  // namespace cubed
