// Manipulation functions built on the gather operation (api/gather.hpp);
// reshape is in reshape.cpp.
#include "cubed/api/manipulation.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <numeric>

#include "api/gather.hpp"
#include "cubed/api/indexing.hpp"
#include "cubed/core/error.hpp"

namespace cubed {
namespace {

using detail::AxisRead;
using detail::GatherInput;

void check_valid(const std::string& fn, const Array& x) {
  if (!x.valid()) throw InvalidArgumentError(fn + ": an input array is empty (default-constructed)");
}

std::vector<AxisRead> identity_reads(int ndim) {
  std::vector<AxisRead> reads(static_cast<std::size_t>(ndim));
  for (int d = 0; d < ndim; ++d) reads[d].input_axis = d;
  return reads;
}

// x broadcast to `shape` with the given output chunks (0 = choose).
Array broadcast_with_chunks(const Array& x, const Shape& shape, Shape chunks) {
  const int ndim = static_cast<int>(shape.size());
  const int offset = ndim - x.ndim();
  std::vector<AxisRead> reads(static_cast<std::size_t>(ndim));
  bool automatic = false;
  for (int d = 0; d < ndim; ++d) {
    if (d >= offset) {
      const int a = d - offset;
      reads[d].input_axis = a;
      if (x.shape()[a] != shape[d]) reads[d].map = [](std::int64_t) { return std::int64_t{0}; };
      if (chunks[d] == 0 && x.shape()[a] == shape[d]) chunks[d] = x.chunks()[a];
    }
    automatic = automatic || chunks[d] == 0;
  }
  if (automatic) {
    // Broadcast axes: chunks like Dask's "auto", at most a quarter of the
    // task budget (an output chunk is held with its write copies), never
    // smaller than x's chunk.
    const SpecPtr& spec = x.spec();
    const std::int64_t budget = spec->allowed_mem() - spec->reserved_mem() - x.node()->op->read_memory(*x.node());
    const std::int64_t target =
        std::max(x.node()->chunk_nbytes(), std::min(kDefaultAutoChunkBytes, std::max<std::int64_t>(budget / 4, 1)));
    chunks = normalize_chunks(std::vector<std::int64_t>(chunks.begin(), chunks.end()), shape, x.dtype(), target);
  }
  for (int d = 0; d < ndim; ++d) chunks[d] = std::max<std::int64_t>(1, std::min(chunks[d], shape[d]));
  if (shape == x.shape() && chunks == x.chunks()) return x;
  return detail::gather({GatherInput{x, std::move(reads), Shape(x.ndim(), 0)}}, shape, std::move(chunks), x.dtype(),
                        "broadcast_to");
}

Shape broadcast_shapes(const std::string& fn, const std::vector<Shape>& shapes) {
  std::size_t ndim = 0;
  for (const Shape& s : shapes) ndim = std::max(ndim, s.size());
  Shape out(ndim, 1);
  for (const Shape& s : shapes) {
    const std::size_t offset = ndim - s.size();
    for (std::size_t a = 0; a < s.size(); ++a) {
      std::int64_t& o = out[offset + a];
      if (s[a] == o || s[a] == 1) continue;
      if (o != 1) {
        std::string list;
        for (const Shape& t : shapes) list += (list.empty() ? "" : " and ") + shape_to_string(t);
        throw InvalidArgumentError(fn + ": shapes " + list + " do not broadcast (axis " + std::to_string(offset + a) +
                                   ": " + std::to_string(o) + " vs " + std::to_string(s[a]) + ")");
      }
      o = s[a];
    }
  }
  return out;
}

DType promoted(const std::vector<Array>& arrays) {
  DType dt = arrays[0].dtype();
  for (const Array& a : arrays) dt = result_type(dt, a.dtype());
  return dt;
}

}  // namespace

Array broadcast_to(const Array& x, const Shape& shape) {
  check_valid("broadcast_to", x);
  for (std::int64_t s : shape) {
    if (s < 0) throw InvalidArgumentError("broadcast_to: negative dimension in shape " + shape_to_string(shape));
  }
  const int offset = static_cast<int>(shape.size()) - x.ndim();
  bool ok = offset >= 0;
  for (int a = 0; ok && a < x.ndim(); ++a) ok = x.shape()[a] == shape[a + offset] || x.shape()[a] == 1;
  if (!ok) {
    throw InvalidArgumentError("broadcast_to: an array of shape " + shape_to_string(x.shape()) +
                               " cannot be broadcast to shape " + shape_to_string(shape));
  }
  if (shape == x.shape()) return x;
  return broadcast_with_chunks(x, shape, Shape(shape.size(), 0));
}

std::vector<Array> broadcast_arrays(const std::vector<Array>& arrays) {
  std::vector<Shape> shapes;
  for (const Array& a : arrays) {
    check_valid("broadcast_arrays", a);
    shapes.push_back(a.shape());
  }
  const Shape shape = broadcast_shapes("broadcast_arrays", shapes);
  const int ndim = static_cast<int>(shape.size());
  // Chunks of the first array spanning each axis.
  Shape chunks(static_cast<std::size_t>(ndim), 0);
  for (const Array& a : arrays) {
    const int offset = ndim - a.ndim();
    for (int d = offset; d < ndim; ++d) {
      if (chunks[d] == 0 && a.shape()[d - offset] == shape[d]) chunks[d] = a.chunks()[d - offset];
    }
  }
  std::vector<Array> result;
  for (const Array& a : arrays) result.push_back(broadcast_with_chunks(a, shape, chunks));
  return result;
}

Array concat(const std::vector<Array>& arrays, std::optional<int> axis) {
  if (arrays.empty()) throw InvalidArgumentError("concat: needs at least one array");
  for (const Array& a : arrays) check_valid("concat", a);
  if (!axis) {
    std::vector<Array> flat;
    for (const Array& a : arrays) flat.push_back(reshape(a, {-1}));
    return concat(flat, 0);
  }
  const int ndim = arrays[0].ndim();
  if (ndim == 0) throw InvalidArgumentError("concat: zero-dimensional arrays cannot be concatenated");
  const int ax = detail::normalize_axis("concat", *axis, ndim);
  const DType dtype = promoted(arrays);
  Shape shape = arrays[0].shape();
  shape[ax] = 0;
  std::vector<GatherInput> inputs;
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    const Array& a = arrays[i];
    if (a.ndim() != ndim) {
      throw InvalidArgumentError("concat: array " + std::to_string(i) + " has " + std::to_string(a.ndim()) +
                                 " dimensions, but array 0 has " + std::to_string(ndim));
    }
    for (int d = 0; d < ndim; ++d) {
      if (d != ax && a.shape()[d] != arrays[0].shape()[d]) {
        throw InvalidArgumentError("concat: array " + std::to_string(i) + " has shape " + shape_to_string(a.shape()) +
                                   ", which does not match shape " + shape_to_string(arrays[0].shape()) +
                                   " of array 0 outside axis " + std::to_string(ax) + " (axis " + std::to_string(d) +
                                   ": " + std::to_string(a.shape()[d]) + " vs " +
                                   std::to_string(arrays[0].shape()[d]) + ")");
      }
    }
    const std::int64_t n = a.shape()[ax];
    if (n > 0 || (i + 1 == arrays.size() && inputs.empty())) {
      std::vector<AxisRead> reads = identity_reads(ndim);
      reads[ax].begin = shape[ax];
      reads[ax].end = shape[ax] + n;
      inputs.push_back(GatherInput{a, std::move(reads), Shape(ndim, 0)});
    }
    shape[ax] += n;
  }
  if (arrays.size() == 1 && dtype == arrays[0].dtype()) return arrays[0];
  // Chunks: the first array's, along the axis the first non-empty one's.
  Shape chunks = arrays[0].chunks();
  chunks[ax] = inputs[0].array.chunks()[ax];
  for (int d = 0; d < ndim; ++d) chunks[d] = std::max<std::int64_t>(1, std::min(chunks[d], shape[d]));
  return detail::gather(std::move(inputs), std::move(shape), std::move(chunks), dtype, "concat");
}

Array stack(const std::vector<Array>& arrays, int axis) {
  if (arrays.empty()) throw InvalidArgumentError("stack: needs at least one array");
  for (const Array& a : arrays) check_valid("stack", a);
  const int ndim = arrays[0].ndim() + 1;
  const int ax = detail::normalize_axis("stack", axis, ndim);
  const DType dtype = promoted(arrays);
  std::vector<GatherInput> inputs;
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    const Array& a = arrays[i];
    if (a.shape() != arrays[0].shape()) {
      throw InvalidArgumentError("stack: array " + std::to_string(i) + " has shape " + shape_to_string(a.shape()) +
                                 ", but array 0 has shape " + shape_to_string(arrays[0].shape()) +
                                 "; all must have the same shape");
    }
    std::vector<AxisRead> reads(static_cast<std::size_t>(ndim));
    for (int d = 0; d < ndim; ++d) {
      if (d == ax) {
        reads[d].begin = static_cast<std::int64_t>(i);
        reads[d].end = static_cast<std::int64_t>(i) + 1;
      } else {
        reads[d].input_axis = d < ax ? d : d - 1;
      }
    }
    inputs.push_back(GatherInput{a, std::move(reads), Shape(a.ndim(), 0)});
  }
  Shape shape = arrays[0].shape();
  Shape chunks = arrays[0].chunks();
  shape.insert(shape.begin() + ax, static_cast<std::int64_t>(arrays.size()));
  chunks.insert(chunks.begin() + ax, 1);
  return detail::gather(std::move(inputs), std::move(shape), std::move(chunks), dtype, "stack");
}

std::vector<Array> unstack(const Array& x, int axis) {
  check_valid("unstack", x);
  const int ax = detail::normalize_axis("unstack", axis, x.ndim());
  std::vector<Array> result;
  for (std::int64_t i = 0; i < x.shape()[ax]; ++i) {
    std::vector<IndexItem> items(static_cast<std::size_t>(ax), Slice{});
    items.push_back(i);
    result.push_back(detail::index_named(x, items, "unstack"));
  }
  return result;
}

Array expand_dims(const Array& x, const std::vector<int>& axis) {
  check_valid("expand_dims", x);
  const int ndim = x.ndim() + static_cast<int>(axis.size());
  const std::vector<int> axes = detail::normalize_axes("expand_dims", axis, ndim);
  std::vector<IndexItem> items;
  for (int d = 0; d < ndim; ++d) {
    if (std::find(axes.begin(), axes.end(), d) != axes.end()) {
      items.push_back(NewAxis{});
    } else {
      items.push_back(Slice{});
    }
  }
  return detail::index_named(x, items, "expand_dims");
}

Array expand_dims(const Array& x, int axis) { return expand_dims(x, std::vector<int>{axis}); }

Array squeeze(const Array& x, const std::optional<std::vector<int>>& axis) {
  check_valid("squeeze", x);
  std::vector<int> axes;
  if (axis) {
    axes = detail::normalize_axes("squeeze", *axis, x.ndim());
    for (int a : axes) {
      if (x.shape()[a] != 1) {
        throw InvalidArgumentError("squeeze: cannot squeeze axis " + std::to_string(a) + " of length " +
                                   std::to_string(x.shape()[a]) + " (shape " + shape_to_string(x.shape()) +
                                   "); only axes of length 1 can be removed");
      }
    }
  } else {
    for (int a = 0; a < x.ndim(); ++a) {
      if (x.shape()[a] == 1) axes.push_back(a);
    }
  }
  std::vector<IndexItem> items;
  for (int d = 0; d < x.ndim(); ++d) {
    if (std::find(axes.begin(), axes.end(), d) != axes.end()) {
      items.push_back(std::int64_t{0});
    } else {
      items.push_back(Slice{});
    }
  }
  return detail::index_named(x, items, "squeeze");
}

Array squeeze(const Array& x, int axis) { return squeeze(x, std::optional<std::vector<int>>(std::vector<int>{axis})); }

Array flip(const Array& x, const std::optional<std::vector<int>>& axis) {
  check_valid("flip", x);
  std::vector<int> axes;
  if (axis) {
    axes = detail::normalize_axes("flip", *axis, x.ndim());
  } else {
    axes.resize(static_cast<std::size_t>(x.ndim()));
    std::iota(axes.begin(), axes.end(), 0);
  }
  std::vector<IndexItem> items;
  for (int d = 0; d < x.ndim(); ++d) {
    if (std::find(axes.begin(), axes.end(), d) != axes.end()) {
      items.push_back(Slice{std::nullopt, std::nullopt, -1});
    } else {
      items.push_back(Slice{});
    }
  }
  return detail::index_named(x, items, "flip");
}

Array flip(const Array& x, int axis) { return flip(x, std::optional<std::vector<int>>(std::vector<int>{axis})); }

Array roll(const Array& x, const std::vector<std::int64_t>& shift, const std::optional<std::vector<int>>& axis) {
  check_valid("roll", x);
  if (!axis) {
    if (shift.empty()) throw InvalidArgumentError("roll: needs a shift");
    if (x.ndim() == 0) return x;
    std::int64_t total = 0;
    const std::int64_t n = x.size();
    for (std::int64_t s : shift) total = n == 0 ? 0 : (total + s % n) % n;
    Array rolled = roll(reshape(x, {-1}), std::vector<std::int64_t>{total}, std::vector<int>{0});
    return reshape(rolled, x.shape());
  }
  std::vector<std::int64_t> shifts = shift;
  std::vector<int> axes = *axis;
  if (shifts.size() == 1 && axes.size() > 1) shifts.assign(axes.size(), shift[0]);
  if (axes.size() == 1 && shifts.size() > 1) axes.assign(shifts.size(), (*axis)[0]);
  if (shifts.size() != axes.size()) {
    throw InvalidArgumentError("roll: " + std::to_string(shift.size()) + " shifts for " + std::to_string(axis->size()) +
                               " axes; give one shift per axis");
  }
  Shape total(static_cast<std::size_t>(x.ndim()), 0);
  for (std::size_t i = 0; i < axes.size(); ++i) {
    const int a = detail::normalize_axis("roll", axes[i], x.ndim());
    const std::int64_t n = x.shape()[a];
    if (n > 0) total[a] = ((total[a] + shifts[i] % n) % n + n) % n;
  }
  std::vector<AxisRead> reads = identity_reads(x.ndim());
  bool changed = false;
  for (int d = 0; d < x.ndim(); ++d) {
    if (total[d] == 0) continue;
    changed = true;
    reads[d].map = [n = x.shape()[d], s = total[d]](std::int64_t i) { return i >= s ? i - s : i - s + n; };
  }
  if (!changed) return x;
  return detail::gather({GatherInput{x, std::move(reads), Shape(x.ndim(), 0)}}, x.shape(), x.chunks(), x.dtype(),
                        "roll");
}

Array roll(const Array& x, std::int64_t shift, std::optional<int> axis) {
  if (!axis) return roll(x, std::vector<std::int64_t>{shift}, std::nullopt);
  return roll(x, std::vector<std::int64_t>{shift}, std::vector<int>{*axis});
}

Array permute_dims(const Array& x, const std::vector<int>& axes) {
  check_valid("permute_dims", x);
  if (static_cast<int>(axes.size()) != x.ndim()) {
    throw InvalidArgumentError("permute_dims: axes " + detail::ints_to_string(axes) +
                               " do not match an array of dimension " + std::to_string(x.ndim()));
  }
  const std::vector<int> perm = detail::normalize_axes("permute_dims", axes, x.ndim());
  std::vector<AxisRead> reads(perm.size());
  Shape shape, chunks;
  bool identity = true;
  for (std::size_t d = 0; d < perm.size(); ++d) {
    reads[d].input_axis = perm[d];
    shape.push_back(x.shape()[perm[d]]);
    chunks.push_back(x.chunks()[perm[d]]);
    identity = identity && perm[d] == static_cast<int>(d);
  }
  if (identity) return x;
  return detail::gather({GatherInput{x, std::move(reads), Shape(x.ndim(), 0)}}, std::move(shape), std::move(chunks),
                        x.dtype(), "permute_dims");
}

Array moveaxis(const Array& x, const std::vector<int>& source, const std::vector<int>& destination) {
  check_valid("moveaxis", x);
  if (source.size() != destination.size()) {
    throw InvalidArgumentError("moveaxis: source " + detail::ints_to_string(source) + " and destination " +
                               detail::ints_to_string(destination) + " must have the same number of elements");
  }
  const std::vector<int> src = detail::normalize_axes("moveaxis", source, x.ndim());
  const std::vector<int> dst = detail::normalize_axes("moveaxis", destination, x.ndim());
  std::vector<int> order;
  for (int a = 0; a < x.ndim(); ++a) {
    if (std::find(src.begin(), src.end(), a) == src.end()) order.push_back(a);
  }
  std::vector<std::pair<int, int>> moves;
  for (std::size_t i = 0; i < src.size(); ++i) moves.emplace_back(dst[i], src[i]);
  std::sort(moves.begin(), moves.end());
  for (const auto& [d, s] : moves) order.insert(order.begin() + d, s);
  return permute_dims(x, order);
}

Array moveaxis(const Array& x, int source, int destination) {
  return moveaxis(x, std::vector<int>{source}, std::vector<int>{destination});
}

Array repeat(const Array& x, const std::vector<std::int64_t>& repeats, std::optional<int> axis) {
  check_valid("repeat", x);
  for (std::int64_t r : repeats) {
    if (r < 0) throw InvalidArgumentError("repeat: repeats may not be negative, got " + std::to_string(r));
  }
  if (!axis) return repeat(reshape(x, {-1}), repeats, 0);
  const int a = detail::normalize_axis("repeat", *axis, x.ndim());
  const std::int64_t n = x.shape()[a];
  Shape shape = x.shape();
  std::vector<AxisRead> reads = identity_reads(x.ndim());
  if (repeats.size() == 1) {
    const std::int64_t r = repeats[0];
    if (r == 1) return x;
    if (__builtin_mul_overflow(n, r, &shape[a])) {
      throw InvalidArgumentError("repeat: " + std::to_string(n) + " elements repeated " + std::to_string(r) +
                                 " times is too many");
    }
    reads[a].map = [r](std::int64_t i) { return i / r; };
  } else {
    if (static_cast<std::int64_t>(repeats.size()) != n) {
      throw InvalidArgumentError("repeat: " + std::to_string(repeats.size()) + " repeats for axis " +
                                 std::to_string(a) + " of length " + std::to_string(n) +
                                 "; give one repeat per element or a single one");
    }
    for (std::int64_t r : repeats) {
      if (r > std::numeric_limits<std::int64_t>::max() / static_cast<std::int64_t>(repeats.size())) {
        throw InvalidArgumentError("repeat: repeat count " + std::to_string(r) + " is too large");
      }
    }
    // ends[k]: output position just past the copies of element k.
    auto ends = std::make_shared<std::vector<std::int64_t>>(repeats.size());
    std::partial_sum(repeats.begin(), repeats.end(), ends->begin());
    shape[a] = ends->empty() ? 0 : ends->back();
    reads[a].map = [ends](std::int64_t i) {
      return static_cast<std::int64_t>(std::upper_bound(ends->begin(), ends->end(), i) - ends->begin());
    };
  }
  Shape chunks = x.chunks();
  chunks[a] = std::max<std::int64_t>(1, std::min(chunks[a], shape[a]));
  return detail::gather({GatherInput{x, std::move(reads), Shape(x.ndim(), 0)}}, std::move(shape), std::move(chunks),
                        x.dtype(), "repeat");
}

Array repeat(const Array& x, std::int64_t repeats, std::optional<int> axis) {
  return repeat(x, std::vector<std::int64_t>{repeats}, axis);
}

Array tile(const Array& x, const std::vector<std::int64_t>& reps) {
  check_valid("tile", x);
  for (std::int64_t r : reps) {
    if (r < 0) throw InvalidArgumentError("tile: reps may not be negative, got " + std::to_string(r));
  }
  const int ndim = std::max(x.ndim(), static_cast<int>(reps.size()));
  std::vector<std::int64_t> r(static_cast<std::size_t>(ndim - static_cast<int>(reps.size())), 1);
  r.insert(r.end(), reps.begin(), reps.end());
  const int offset = ndim - x.ndim();
  Shape shape(static_cast<std::size_t>(ndim)), chunks(static_cast<std::size_t>(ndim));
  std::vector<AxisRead> reads(static_cast<std::size_t>(ndim));
  bool identity = offset == 0;
  for (int d = 0; d < ndim; ++d) {
    if (d < offset) {
      shape[d] = r[d];
      chunks[d] = 1;
      continue;
    }
    const int a = d - offset;
    const std::int64_t n = x.shape()[a];
    if (__builtin_mul_overflow(n, r[d], &shape[d])) {
      throw InvalidArgumentError("tile: axis " + std::to_string(a) + " of length " + std::to_string(n) + " tiled " +
                                 std::to_string(r[d]) + " times is too long");
    }
    chunks[d] = std::max<std::int64_t>(1, std::min(x.chunks()[a], shape[d]));
    reads[d].input_axis = a;
    if (r[d] != 1) {
      identity = false;
      reads[d].map = [n](std::int64_t i) { return i % n; };
    }
  }
  if (identity) return x;
  return detail::gather({GatherInput{x, std::move(reads), Shape(x.ndim(), 0)}}, std::move(shape), std::move(chunks),
                        x.dtype(), "tile");
}

}  // namespace cubed
