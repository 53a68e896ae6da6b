// Reductions as trees of blockwise operations, blocked scans and
// differences (see include/cubed/api/statistical.hpp).
//
// Decisions:
// - State arrays: the chunk operation writes, per chunk of x, one chunk of
//   shape (x's chunk with every reduced axis of length 1, k components); the
//   state array therefore has x's chunks on kept axes, one element per chunk
//   of x (chunks of 1) on reduced axes, and a trailing axis of length k. It
//   is an ordinary intermediate array (the plan materialises it).
// - split_every counts chunks in total per combine task, across all reduced
//   axes. Each round splits the budget from the last reduced axis to the
//   first: an axis with m chunks left takes g = ceil(m / ceil(m / budget))
//   (as many groups as g = budget would give, but even ones) and leaves
//   budget / g to the axes before it. Rounds continue until every reduced
//   axis has one chunk, so an axis of m chunks alone needs
//   ceil(log_split_every(m)) rounds after the chunk operation. When x has
//   one chunk across the reduced axes, one operation reduces and finalizes.
// - A combine task reads its chunks one at a time (max_blocks_in_memory 1):
//   the first becomes the accumulator, each next one is merged into it and
//   dropped. It declares the accumulator (one state chunk) as extra memory;
//   the final round also holds the result chunk (its output). The chunk
//   operation declares the cast copy of the chunk when the values are
//   converted first (sum/prod with a narrower dtype).
// - Reductions over nothing (an empty reduced axis) never run a task: the
//   result is a virtual array filled with the reduction of no element
//   (0, 1, true, false, NaN), or an InvalidArgumentError for min, max,
//   argmin and argmax, as numpy raises.
// - Scans: the chunk operation is the sum/prod chunk operation along the
//   scanned axis (each chunk's totals, level 1); combine rounds of
//   split_every chunks make levels 2, 3, ... (totals of split_every^k
//   chunks) until a level has at most split_every chunks. A scan task at
//   position j merges the totals of chunks [0, j) from the digits of j in
//   base split_every (at most split_every reads per level, streamed, so
//   memory stays one slab) and scans its own chunk from that carry.
//   With include_initial, output chunk j holds x[0..jc) summed up to each
//   position, i.e. an exclusive scan of x's chunk j; a last output chunk of
//   length 1 (when the axis length is a multiple of the chunk) reads no
//   chunk of x.
// - dtypes follow kernels::make_reduction (Array API 2024.12; mean, var
//   and std of integers give float64 as numpy does).
// - diff: one operation per order; an output chunk reads its chunk of x and,
//   when the output chunk is full, the next chunk of x (one at a time) for
//   its first slab.
#include "cubed/api/statistical.hpp"

#include <algorithm>
#include <numeric>

#include "cubed/api/creation.hpp"
#include "cubed/api/manipulation.hpp"
#include "cubed/core/error.hpp"
#include "cubed/kernels/elementwise.hpp"
#include "cubed/primitives/blockwise.hpp"
#include "cubed/primitives/rechunk.hpp"

namespace cubed {
namespace {

using kernels::ReduceOp;
using kernels::Reduction;

std::string axes_to_string(const std::vector<int>& axes) {
  std::string s = "(";
  for (std::size_t i = 0; i < axes.size(); ++i) s += (i ? ", " : "") + std::to_string(axes[i]);
  return s + (axes.size() == 1 ? ",)" : ")");
}

// Sorted, non-negative, checked axes.
std::vector<int> normalize_axes(const std::optional<std::vector<int>>& axis, int ndim, const std::string& fn) {
  std::vector<int> axes;
  if (!axis) {
    axes.resize(static_cast<std::size_t>(ndim));
    std::iota(axes.begin(), axes.end(), 0);
    return axes;
  }
  for (int a : *axis) {
    if (a < -ndim || a >= ndim) {
      throw InvalidArgumentError(fn + ": axis " + std::to_string(a) + " is out of bounds for an array of " +
                                 std::to_string(ndim) + " dimension" + (ndim == 1 ? "" : "s"));
    }
    const int normalized = a < 0 ? a + ndim : a;
    if (std::find(axes.begin(), axes.end(), normalized) != axes.end()) {
      throw InvalidArgumentError(fn + ": axis " + std::to_string(a) + " is repeated in axis=" + axes_to_string(*axis));
    }
    axes.push_back(normalized);
  }
  std::sort(axes.begin(), axes.end());
  return axes;
}

void check_array(const Array& x, const std::string& fn) {
  if (!x.valid()) throw InvalidArgumentError(fn + ": the array is empty (default-constructed)");
}

std::vector<std::int64_t> as_chunk_spec(const Shape& chunks) { return {chunks.begin(), chunks.end()}; }

// What a reduction keeps of x's axes.
struct Geometry {
  std::vector<bool> reduced;
  bool keepdims = false;
  Shape out_shape;
  Shape out_chunks;

  Geometry(const Array& x, const std::vector<int>& axes, bool keep) : reduced(x.ndim(), false), keepdims(keep) {
    for (int a : axes) reduced[a] = true;
    for (int d = 0; d < x.ndim(); ++d) {
      if (!reduced[d]) {
        out_shape.push_back(x.shape()[d]);
        out_chunks.push_back(x.chunks()[d]);
      } else if (keepdims) {
        out_shape.push_back(1);
        out_chunks.push_back(1);
      }
    }
  }
  int ndim() const { return static_cast<int>(reduced.size()); }
  // The coordinates over x's axes (0 on reduced ones) of output coordinates.
  Shape to_full(const Shape& out_coords) const {
    Shape full(reduced.size(), 0);
    std::size_t next = 0;
    for (std::size_t d = 0; d < reduced.size(); ++d) {
      if (!reduced[d]) {
        full[d] = out_coords[next++];
      } else if (keepdims) {
        ++next;
      }
    }
    return full;
  }
};

// Bytes of x's chunk with the reduced axes of length 1 and k components of
// the state dtype: one state chunk.
std::int64_t state_chunk_bytes(const Array& x, const Reduction& r, const std::vector<bool>& reduced) {
  std::int64_t n = kernels::state_components(r) * item_size(kernels::state_dtype(r));
  for (int d = 0; d < x.ndim(); ++d) {
    if (!reduced[d]) n *= x.chunks()[d];
  }
  return n;
}

// Bytes of a copy of x's chunk in the reduction's input dtype, when the
// chunks are converted before they are reduced.
std::int64_t cast_bytes(const Array& x, const Reduction& r) {
  return x.dtype() == r.input ? 0 : shape_size(x.chunks()) * item_size(r.input);
}

NDBuffer read_input(TaskInputs& in, std::size_t arg, std::size_t k, DType dtype) {
  NDBuffer chunk = in.read(arg, k);
  if (chunk.dtype() != dtype) chunk = kernels::cast(chunk, dtype);
  return chunk;
}

// The chunk operation: x's chunks to a state array.
Array state_array(const Array& x, const Reduction& r, const std::vector<bool>& reduced, const std::string& name) {
  const int n = x.ndim();
  const std::int64_t k = kernels::state_components(r);
  Shape shape, chunks;
  for (int d = 0; d < n; ++d) {
    shape.push_back(reduced[d] ? x.numblocks()[d] : x.shape()[d]);
    chunks.push_back(reduced[d] ? 1 : x.chunks()[d]);
  }
  shape.push_back(k);
  chunks.push_back(k);
  BlockwiseOptions options;
  options.name = name + "-chunk";
  options.extra_memory = cast_bytes(x, r);
  KeyFunction keys = [n](const Shape& c) {
    return std::vector<std::vector<Shape>>{{Shape(c.begin(), c.begin() + n)}};
  };
  ChunkFunction fn = [r, reduced, grid = x.grid()](const Shape& c, TaskInputs& in) {
    const Shape xc(c.begin(), c.end() - 1);
    NDBuffer chunk = read_input(in, 0, 0, r.input);
    return kernels::reduce_chunk(r, chunk, reduced, grid.chunk_origin(xc), grid.shape());
  };
  return general_blockwise(std::move(fn), std::move(keys), {x}, std::move(shape), std::move(chunks),
                           kernels::state_dtype(r), std::move(options));
}

// x with one chunk across the reduced axes: chunk, state and result in one
// task.
Array reduce_in_one(const Array& x, const Reduction& r, const Geometry& g, const std::string& name) {
  BlockwiseOptions options;
  options.name = name;
  options.extra_memory = cast_bytes(x, r) + state_chunk_bytes(x, r, g.reduced);
  KeyFunction keys = [g](const Shape& c) { return std::vector<std::vector<Shape>>{{g.to_full(c)}}; };
  ChunkGrid out_grid(g.out_shape, g.out_chunks);
  ChunkFunction fn = [r, g, out_grid, grid = x.grid()](const Shape& c, TaskInputs& in) {
    NDBuffer chunk = read_input(in, 0, 0, r.input);
    NDBuffer state = kernels::reduce_chunk(r, chunk, g.reduced, grid.chunk_origin(g.to_full(c)), grid.shape());
    return kernels::finalize_state(r, std::move(state), out_grid.chunk_shape(c));
  };
  return general_blockwise(std::move(fn), std::move(keys), {x}, g.out_shape, g.out_chunks, r.result,
                           std::move(options));
}

// One combine round over `prev` (a state array), merging blocks of
// `group[d]` chunks along each reduced axis d; the final round finalizes.
Array combine_round(const Array& prev, const Reduction& r, const Geometry& g, const Shape& group, bool final,
                    const std::string& name) {
  const int n = g.ndim();
  Shape blocks(prev.numblocks().begin(), prev.numblocks().begin() + n);
  Shape shape = prev.shape();
  for (int d = 0; d < n; ++d) {
    if (g.reduced[d]) shape[d] = (blocks[d] + group[d] - 1) / group[d];
  }
  Shape chunks = prev.chunks();
  BlockwiseOptions options;
  options.name = final ? name : name + "-combine";
  options.extra_memory = prev.node()->chunk_nbytes();  // the accumulator
  KeyFunction keys = [g, group, blocks, final, n](const Shape& c) {
    const Shape base = final ? g.to_full(c) : Shape(c.begin(), c.begin() + n);
    Shape extent(n, 1);
    for (int d = 0; d < n; ++d) {
      if (g.reduced[d]) extent[d] = std::min(group[d], blocks[d] - base[d] * group[d]);
    }
    std::vector<Shape> list;
    for_each_index(extent, [&](const Shape& offset) {
      Shape coords(n + 1, 0);
      for (int d = 0; d < n; ++d) coords[d] = g.reduced[d] ? base[d] * group[d] + offset[d] : base[d];
      list.push_back(std::move(coords));
    });
    return std::vector<std::vector<Shape>>{std::move(list)};
  };
  ChunkGrid out_grid = final ? ChunkGrid(g.out_shape, g.out_chunks) : ChunkGrid(shape, chunks);
  ChunkFunction fn = [r, final, out_grid](const Shape& c, TaskInputs& in) {
    NDBuffer acc = in.read(0, 0);
    for (std::size_t k = 1; k < in.count(0); ++k) {
      NDBuffer next = in.read(0, k);
      kernels::merge_states(r, acc, next);
    }
    if (!final) return acc;
    return kernels::finalize_state(r, std::move(acc), out_grid.chunk_shape(c));
  };
  if (final) {
    return general_blockwise(std::move(fn), std::move(keys), {prev}, g.out_shape, g.out_chunks, r.result,
                             std::move(options));
  }
  return general_blockwise(std::move(fn), std::move(keys), {prev}, std::move(shape), std::move(chunks), prev.dtype(),
                           std::move(options));
}

// Per reduced axis, how many chunks one combine task merges (see the file
// comment); 1 on kept axes.
Shape plan_group(const Shape& blocks, const std::vector<bool>& reduced, std::int64_t split_every) {
  Shape group(blocks.size(), 1);
  std::int64_t budget = split_every;
  for (int d = static_cast<int>(blocks.size()) - 1; d >= 0; --d) {
    if (!reduced[d] || blocks[d] <= 1) continue;
    const std::int64_t want = std::min(blocks[d], budget);
    if (want <= 1) break;
    const std::int64_t parts = (blocks[d] + want - 1) / want;
    group[d] = (blocks[d] + parts - 1) / parts;
    budget /= group[d];
  }
  return group;
}

Array tree_reduce(const Array& x, const Reduction& r, const std::vector<int>& axes, bool keepdims, int split_every,
                  const std::string& name) {
  const Geometry g(x, axes, keepdims);
  if (x.size() == 0) {
    for (int a : axes) {
      if (x.shape()[a] == 0 && !kernels::has_identity(r)) {
        throw InvalidArgumentError(name + ": zero-size reduction: axis " + std::to_string(a) + " of array " +
                                   x.name() + " (shape " + shape_to_string(x.shape()) + ") is empty and " + name +
                                   " has no identity");
      }
    }
    Scalar value(0);
    if (shape_size(g.out_shape) > 0) value = kernels::finalize_state(r, kernels::identity_state(r, {}), {}).get(0);
    return full(g.out_shape, value, r.result, as_chunk_spec(g.out_chunks), x.spec());
  }
  Shape blocks = x.numblocks();
  bool one_chunk = true;
  for (int a : axes) one_chunk = one_chunk && blocks[a] == 1;
  if (one_chunk) return reduce_in_one(x, r, g, name);
  Array current = state_array(x, r, g.reduced, name);
  while (true) {
    const Shape group = plan_group(blocks, g.reduced, split_every);
    bool final = true;
    for (int a : axes) {
      blocks[a] = (blocks[a] + group[a] - 1) / group[a];
      final = final && blocks[a] == 1;
    }
    current = combine_round(current, r, g, group, final, name);
    if (final) return current;
  }
}

// ---- scans ------------------------------------------------------------------------

Array cumulative(const Array& x, ReduceOp op, bool skip_nan, const ReduceOptions& o) {
  const bool is_sum = op == ReduceOp::kSum;
  const std::string name =
      skip_nan ? (is_sum ? "nancumsum" : "nancumprod") : (is_sum ? "cumulative_sum" : "cumulative_prod");
  check_array(x, name);
  const int n = x.ndim();
  if (n == 0) throw InvalidArgumentError(name + ": needs an array of at least one dimension, got a 0-d array");
  int axis = 0;
  if (!o.axis) {
    if (n != 1) {
      throw InvalidArgumentError(name + ": an axis is required for an array of " + std::to_string(n) + " dimensions");
    }
  } else {
    if (o.axis->size() != 1) {
      throw InvalidArgumentError(name + ": takes one axis, got axis=" + axes_to_string(*o.axis));
    }
    axis = normalize_axes(o.axis, n, name)[0];
  }
  if (o.split_every < 2) {
    throw InvalidArgumentError(name + ": split_every must be at least 2, got " + std::to_string(o.split_every));
  }
  const Reduction r = kernels::make_reduction(op, skip_nan, x.dtype(), o.dtype);
  const bool exclusive = o.include_initial;
  Shape out_shape = x.shape();
  if (exclusive) out_shape[axis] += 1;
  const Shape chunks = x.chunks();
  if (x.size() == 0) {
    const Scalar value = is_sum ? Scalar(0) : Scalar(1);
    return full(out_shape, value, r.result, as_chunk_spec(chunks), x.spec());
  }
  const ChunkGrid out_grid(out_shape, chunks);
  const std::int64_t x_blocks = x.numblocks()[axis];
  const std::int64_t s = o.split_every;
  const Geometry g(x, {axis}, true);
  // inputs[k + 1] holds the totals of s^k consecutive chunks of x along the
  // axis; levels are added until one has at most s chunks.
  std::vector<Array> inputs{x};
  if (out_grid.grid_shape()[axis] > 1) {
    inputs.push_back(state_array(x, r, g.reduced, name));
    Shape group(n, 1);
    group[axis] = s;
    while (inputs.back().numblocks()[axis] > s) inputs.push_back(combine_round(inputs.back(), r, g, group, false, name));
  }
  const int levels = static_cast<int>(inputs.size()) - 1;
  BlockwiseOptions options;
  options.name = name;
  options.extra_memory = cast_bytes(x, r) + state_chunk_bytes(x, r, g.reduced);  // cast copy, carry
  options.max_blocks_in_memory.assign(inputs.size(), 1);
  // Chunks of each level making up the prefix [0, j) of chunk j: the digits
  // of j in base s (the top level takes what is left), so a task reads at
  // most s - 1 chunks per level (s at the top).
  KeyFunction keys = [axis, x_blocks, levels, s](const Shape& c) {
    std::vector<std::vector<Shape>> lists(static_cast<std::size_t>(levels) + 1);
    const std::int64_t j = c[axis];
    if (j < x_blocks) lists[0].push_back(c);
    std::int64_t size = 1;  // chunks of x per chunk of level k + 1
    for (int k = 0; k < levels; ++k, size *= s) {
      const bool top = k == levels - 1;
      const std::int64_t digits = top ? j / size : (j / size) % s;
      const std::int64_t start = top ? 0 : j / (size * s) * s;
      for (std::int64_t i = 0; i < digits; ++i) {
        Shape t = c;
        t[axis] = start + i;
        t.push_back(0);
        lists[k + 1].push_back(std::move(t));
      }
    }
    return lists;
  };
  ChunkFunction fn = [r, axis, exclusive, out_grid, levels](const Shape& c, TaskInputs& in) {
    const Shape out_shape = out_grid.chunk_shape(c);
    Shape slots = out_shape;
    slots[axis] = 1;
    NDBuffer carry = kernels::identity_state(r, slots);
    for (int level = 1; level <= levels; ++level) {
      for (std::size_t k = 0; k < in.count(level); ++k) {
        NDBuffer totals = in.read(level, k);
        kernels::merge_states(r, carry, totals);
      }
    }
    if (in.count(0) == 0) return kernels::scan_chunk(r, nullptr, axis, carry, out_shape, exclusive);
    NDBuffer chunk = read_input(in, 0, 0, r.input);
    return kernels::scan_chunk(r, &chunk, axis, carry, out_shape, exclusive);
  };
  return general_blockwise(std::move(fn), std::move(keys), inputs, out_shape, chunks, r.result, std::move(options));
}

// ---- diff -------------------------------------------------------------------------

Array diff_once(const Array& x, int axis) {
  const std::int64_t length = x.shape()[axis];
  Shape out_shape = x.shape();
  out_shape[axis] = std::max<std::int64_t>(length - 1, 0);
  const Shape chunks = x.chunks();
  if (shape_size(out_shape) == 0) return full(out_shape, Scalar(0), x.dtype(), as_chunk_spec(chunks), x.spec());
  const std::int64_t c = chunks[axis];
  BlockwiseOptions options;
  options.name = "diff";
  // The chunk extended by the first slab of the next one.
  options.extra_memory = shape_size(chunks) / c * (c + 1) * item_size(x.dtype());
  KeyFunction keys = [axis, c, length](const Shape& o) {
    std::vector<Shape> list{o};
    if ((o[axis] + 1) * c <= length - 1) {
      Shape next = o;
      next[axis] += 1;
      list.push_back(next);
    }
    return std::vector<std::vector<Shape>>{std::move(list)};
  };
  const ChunkGrid out_grid(out_shape, chunks);
  ChunkFunction fn = [axis, out_grid, dtype = x.dtype()](const Shape& o, TaskInputs& in) {
    Shape ext_shape = out_grid.chunk_shape(o);
    ext_shape[axis] += 1;
    NDBuffer ext(dtype, ext_shape);
    const Shape zero(ext_shape.size(), 0);
    {
      NDBuffer first = in.read(0, 0);
      Shape extent = first.shape();
      extent[axis] = std::min(extent[axis], ext_shape[axis]);
      copy_region(first, zero, ext, zero, extent);
    }
    if (in.count(0) > 1) {
      NDBuffer next = in.read(0, 1);
      Shape extent = ext_shape;
      extent[axis] = 1;
      Shape at = zero;
      at[axis] = ext_shape[axis] - 1;
      copy_region(next, zero, ext, at, extent);
    }
    return kernels::diff_chunk(ext, axis);
  };
  return general_blockwise(std::move(fn), std::move(keys), {x}, std::move(out_shape), chunks, x.dtype(),
                           std::move(options));
}

}  // namespace

Array reduce(const Array& x, ReduceOp op, bool skip_nan, const ReduceOptions& options) {
  const std::string name = kernels::reduce_op_name(op, skip_nan);
  check_array(x, name);
  if (options.split_every < 2) {
    throw InvalidArgumentError(name + ": split_every must be at least 2, got " + std::to_string(options.split_every));
  }
  const std::vector<int> axes = normalize_axes(options.axis, x.ndim(), name);
  const Reduction r = kernels::make_reduction(op, skip_nan, x.dtype(), options.dtype, options.correction);
  return tree_reduce(x, r, axes, options.keepdims, options.split_every, name);
}

#define CUBED_REDUCTION(FN, OP, SKIP) \
  Array FN(const Array& x, const ReduceOptions& options) { return reduce(x, ReduceOp::OP, SKIP, options); }
CUBED_REDUCTION(sum, kSum, false)
CUBED_REDUCTION(prod, kProd, false)
CUBED_REDUCTION(min, kMin, false)
CUBED_REDUCTION(max, kMax, false)
CUBED_REDUCTION(mean, kMean, false)
CUBED_REDUCTION(var, kVar, false)
CUBED_REDUCTION(std, kStd, false)
CUBED_REDUCTION(all, kAll, false)
CUBED_REDUCTION(any, kAny, false)
CUBED_REDUCTION(count_nonzero, kCountNonzero, false)
CUBED_REDUCTION(nansum, kSum, true)
CUBED_REDUCTION(nanprod, kProd, true)
CUBED_REDUCTION(nanmin, kMin, true)
CUBED_REDUCTION(nanmax, kMax, true)
CUBED_REDUCTION(nanmean, kMean, true)
CUBED_REDUCTION(nanvar, kVar, true)
CUBED_REDUCTION(nanstd, kStd, true)
CUBED_REDUCTION(argmin, kArgMin, false)
CUBED_REDUCTION(argmax, kArgMax, false)
CUBED_REDUCTION(nanargmin, kArgMin, true)
CUBED_REDUCTION(nanargmax, kArgMax, true)
#undef CUBED_REDUCTION

Array cumulative_sum(const Array& x, const ReduceOptions& options) {
  return cumulative(x, ReduceOp::kSum, false, options);
}
Array cumulative_prod(const Array& x, const ReduceOptions& options) {
  return cumulative(x, ReduceOp::kProd, false, options);
}
Array nancumsum(const Array& x, const ReduceOptions& options) { return cumulative(x, ReduceOp::kSum, true, options); }
Array nancumprod(const Array& x, const ReduceOptions& options) {
  return cumulative(x, ReduceOp::kProd, true, options);
}

Array diff(const Array& x, int axis, int n) {
  check_array(x, "diff");
  if (x.ndim() == 0) throw InvalidArgumentError("diff: needs an array of at least one dimension, got a 0-d array");
  if (n < 0) throw InvalidArgumentError("diff: order n must be non-negative, got " + std::to_string(n));
  const int a = normalize_axes(std::vector<int>{axis}, x.ndim(), "diff")[0];
  Array y = x;
  for (int i = 0; i < n; ++i) y = diff_once(y, a);
  return y;
}

Array diff(const Array& x, int axis, int n, const std::optional<Operand>& prepend,
           const std::optional<Operand>& append) {
  check_array(x, "diff");
  if (x.ndim() == 0) throw InvalidArgumentError("diff: needs an array of at least one dimension, got a 0-d array");
  if (!prepend && !append) return diff(x, axis, n);
  const int a = normalize_axes(std::vector<int>{axis}, x.ndim(), "diff")[0];
  Shape slab = x.shape();
  slab[a] = 1;
  std::vector<std::int64_t> slab_chunks = as_chunk_spec(x.chunks());
  slab_chunks[a] = 1;
  auto piece = [&](const Operand& o) -> Array {
    if (!o.is_array()) return full(slab, o.scalar(), x.dtype(), slab_chunks, x.spec());
    if (o.array().ndim() == 0) return broadcast_to(o.array(), slab);
    return o.array();
  };
  std::vector<Array> parts;
  if (prepend) parts.push_back(piece(*prepend));
  parts.push_back(x);
  if (append) parts.push_back(piece(*append));
  Array joined = concat(parts, a);
  if (joined.chunks() != x.chunks()) joined = rechunk(joined, as_chunk_spec(x.chunks()));
  return diff(joined, a, n);
}

}  // namespace cubed
