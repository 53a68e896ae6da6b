// reshape: rechunk to chunks that map one-to-one onto output chunks, then
// reshape chunk by chunk (as Cubed, after Dask's reshape_rechunk), with
// regular chunk grids.
//
// The axes of x and of the result are split into *groups*: the shortest
// runs of consecutive axes whose lengths have equal products P (e.g. (6, 4)
// -> (24,), or (2, 3, 4) -> (6, 2, 2) as {2, 3} -> {6} and {4} -> {2, 2}).
// Each group reshapes independently. Within a group of axis lengths
// L_0..L_k, a chunk whose C-order contents are a contiguous run of F
// elements of the group's flattened index, and whose runs tile the group at
// multiples of F, is
//   (1, ..., 1, c, L_{j+1}, ..., L_k)   with F = c * L_{j+1} * ... * L_k,
// where c divides L_j, or j = 0 (any c; the last run is then short). A chunk
// of x of this form is one of the result when F is also of this form on the
// result's side of the group: then the task is a plain reshape of the data.
// Per group we take the largest common F no larger than x's chunk over the
// group (so chunks do not grow). When the common F is much smaller than
// what each side allows alone (e.g. (1000, 999) -> (999, 1000), where only
// F = 1 or the whole group is common), the group goes through its flattened
// form instead: x's side reshapes to one axis of length P with chunks F_A, a
// 1-d rechunk makes them F_B, and the result's side reshapes from there.
#include <algorithm>
#include <numeric>

#include "cubed/api/creation.hpp"
#include "cubed/api/manipulation.hpp"
#include "cubed/core/error.hpp"
#include "cubed/primitives/blockwise.hpp"
#include "cubed/primitives/rechunk.hpp"

namespace cubed {
namespace {

struct Group {
  int a0 = 0, a1 = 0;  // axes [a0, a1) of the input
  int b0 = 0, b1 = 0;  // axes [b0, b1) of the output
};

// Shortest runs with equal products (every length >= 1, equal totals).
std::vector<Group> group_axes(const Shape& a, const Shape& b) {
  std::vector<Group> groups;
  const int na = static_cast<int>(a.size()), nb = static_cast<int>(b.size());
  int i = 0, j = 0;
  while (i < na || j < nb) {
    Group g{i, i, j, j};
    std::int64_t pa = 1, pb = 1;
    if (i < na) pa = a[i++];
    if (j < nb) pb = b[j++];
    while (pa != pb) {
      if (pa < pb) {
        pa *= a[i++];
      } else {
        pb *= b[j++];
      }
    }
    g.a1 = i;
    g.b1 = j;
    groups.push_back(g);
  }
  return groups;
}

std::vector<std::int64_t> divisors(std::int64_t n) {
  std::vector<std::int64_t> small, large;
  for (std::int64_t d = 1; d <= n / d; ++d) {
    if (n % d != 0) continue;
    small.push_back(d);
    if (d != n / d) large.push_back(n / d);
  }
  small.insert(small.end(), large.rbegin(), large.rend());
  return small;
}

// One side of a group: the axis lengths and the run lengths F it allows.
struct Side {
  Shape lengths;
  Shape after;  // after[j] = product of lengths after j
  std::int64_t total = 1;

  explicit Side(Shape l) : lengths(std::move(l)), after(lengths.size(), 1) {
    for (int j = static_cast<int>(lengths.size()) - 2; j >= 0; --j) after[j] = after[j + 1] * lengths[j + 1];
    for (std::int64_t v : lengths) total *= v;
  }
  // The pivot axis and its chunk for run length f, or -1.
  int pivot(std::int64_t f, std::int64_t* c_out) const {
    if (lengths.empty()) return f == 1 ? 0 : -1;
    for (std::size_t j = 0; j < lengths.size(); ++j) {
      if (f % after[j] != 0) continue;
      const std::int64_t c = f / after[j];
      if (c <= lengths[j] && (j == 0 || lengths[j] % c == 0)) {
        *c_out = c;
        return static_cast<int>(j);
      }
    }
    return -1;
  }
  bool allows(std::int64_t f) const {
    std::int64_t c = 0;
    return f >= 1 && pivot(f, &c) >= 0;
  }
  Shape chunks(std::int64_t f) const {
    std::int64_t c = 0;
    const int j = pivot(f, &c);
    if (j < 0) throw InternalError("reshape: no chunking of " + shape_to_string(lengths) + " for runs of " + std::to_string(f));
    Shape result(lengths.size(), 1);
    if (lengths.empty()) return result;
    result[j] = c;
    for (std::size_t k = static_cast<std::size_t>(j) + 1; k < lengths.size(); ++k) result[k] = lengths[k];
    return result;
  }
  // The values with a pivot after the first axis, at most `limit`
  // (pivot 0 allows every multiple of after[0], handled by the callers).
  std::vector<std::int64_t> listed(std::int64_t limit) const {
    std::vector<std::int64_t> values{1};
    for (std::size_t j = 1; j < lengths.size(); ++j) {
      for (std::int64_t d : divisors(lengths[j])) {
        if (d <= limit / after[j]) values.push_back(d * after[j]);
      }
    }
    return values;
  }
  // The largest multiple of after[0] up to `limit` (0 if none).
  std::int64_t first_axis_best(std::int64_t step, std::int64_t limit) const {
    if (lengths.empty() || step <= 0) return 0;
    const std::int64_t top = std::min(limit, total);
    return top >= step ? top / step * step : 0;
  }
};

// Largest F <= limit allowed by both sides (1 always is).
std::int64_t best_common(const Side& a, const Side& b, std::int64_t limit) {
  std::int64_t best = 1;
  for (const Side* s : {&a, &b}) {
    for (std::int64_t f : s->listed(limit)) {
      if (f > best && a.allows(f) && b.allows(f)) best = f;
    }
  }
  if (!a.lengths.empty() && !b.lengths.empty()) {
    const std::int64_t g = std::gcd(a.after[0], b.after[0]);
    std::int64_t l = 0;
    if (!__builtin_mul_overflow(a.after[0] / g, b.after[0], &l)) {
      const std::int64_t f = a.first_axis_best(l, limit);
      if (f > best && a.allows(f) && b.allows(f)) best = f;
    }
  }
  return best;
}

// Largest F <= limit one side allows.
std::int64_t best_single(const Side& s, std::int64_t limit) {
  std::int64_t best = 1;
  for (std::int64_t f : s.listed(limit)) best = std::max(best, f);
  if (!s.lengths.empty()) best = std::max(best, s.first_axis_best(s.after[0], limit));
  return best;
}

// Reshapes x chunk by chunk: within each group, output chunk q (C order over
// the group's chunk grid) is input chunk q of the same group.
struct BlockGroup {
  int in0, in1, out0, out1;
};

Array reshape_blocks(const Array& x, Shape shape, Shape chunks, std::vector<BlockGroup> groups) {
  const Shape in_grid = x.numblocks();
  const Shape out_grid = ChunkGrid(shape, chunks).grid_shape();
  KeyFunction keys = [in_grid, out_grid, groups](const Shape& out) {
    Shape in(in_grid.size(), 0);
    for (const BlockGroup& g : groups) {
      std::int64_t q = 0;
      for (int d = g.out0; d < g.out1; ++d) q = q * out_grid[d] + out[d];
      for (int d = g.in1 - 1; d >= g.in0; --d) {
        in[d] = q % in_grid[d];
        q /= in_grid[d];
      }
    }
    return std::vector<std::vector<Shape>>{{in}};
  };
  const ChunkGrid grid(shape, chunks);
  ChunkFunction function = [grid](const Shape& out, TaskInputs& inputs) {
    return inputs.read(0, 0).reshaped(grid.chunk_shape(out));
  };
  BlockwiseOptions options;
  options.name = "reshape";
  options.max_blocks_in_memory = {1};
  return general_blockwise(std::move(function), std::move(keys), {x}, std::move(shape), std::move(chunks), x.dtype(),
                           std::move(options));
}

std::vector<std::int64_t> as_chunk_spec(const Shape& s) { return std::vector<std::int64_t>(s.begin(), s.end()); }

}  // namespace

Array reshape(const Array& x, const Shape& requested) {
  if (!x.valid()) throw InvalidArgumentError("reshape: the array is empty (default-constructed)");
  const std::int64_t size = x.size();
  Shape shape = requested;
  int unknown = -1;
  std::int64_t known = 1;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == -1) {
      if (unknown >= 0) throw InvalidArgumentError("reshape: can only specify one unknown dimension (-1)");
      unknown = static_cast<int>(d);
    } else if (shape[d] < 0) {
      throw InvalidArgumentError("reshape: negative dimension " + std::to_string(shape[d]) + " in shape " +
                                 shape_to_string(requested));
    } else if (__builtin_mul_overflow(known, shape[d], &known)) {
      throw InvalidArgumentError("reshape: shape " + shape_to_string(requested) + " is too large");
    }
  }
  if (unknown >= 0) {
    if (known == 0 || size % known != 0) {
      throw InvalidArgumentError("reshape: cannot reshape array of size " + std::to_string(size) + " into shape " +
                                 shape_to_string(requested));
    }
    shape[unknown] = size / known;
    known = size;
  }
  if (known != size) {
    throw InvalidArgumentError("reshape: cannot reshape array of size " + std::to_string(size) + " into shape " +
                               shape_to_string(requested));
  }
  if (shape == x.shape()) return x;
  if (size == 0) return zeros(shape, x.dtype(), as_chunk_spec(Shape(shape.size(), 1)), x.spec());

  const std::vector<Group> groups = group_axes(x.shape(), shape);
  Shape in_chunks(x.chunks().size());
  Shape mid_shape, mid_chunks, mid2_chunks, out_chunks;
  std::vector<BlockGroup> first, second;
  bool two_step = false;
  for (const Group& g : groups) {
    const Side a(Shape(x.shape().begin() + g.a0, x.shape().begin() + g.a1));
    const Side b(Shape(shape.begin() + g.b0, shape.begin() + g.b1));
    const int m0 = static_cast<int>(mid_shape.size());
    const int o0 = static_cast<int>(out_chunks.size());
    if (g.a1 - g.a0 == 1 && g.b1 - g.b0 == 1) {
      // Same length: chunks unchanged.
      const std::int64_t c = x.chunks()[g.a0];
      in_chunks[g.a0] = c;
      mid_shape.push_back(a.total);
      mid_chunks.push_back(c);
      mid2_chunks.push_back(c);
      out_chunks.push_back(c);
      first.push_back({g.a0, g.a1, m0, m0 + 1});
      second.push_back({m0, m0 + 1, o0, o0 + 1});
      continue;
    }
    std::int64_t limit = 1;
    for (int d = g.a0; d < g.a1; ++d) limit *= x.chunks()[d];
    const std::int64_t common = best_common(a, b, limit);
    const std::int64_t fa = best_single(a, limit);
    const std::int64_t fb = best_single(b, limit);
    if (common * 4 >= std::min(fa, fb)) {
      const Shape ca = a.chunks(common);
      const Shape cb = b.chunks(common);
      std::copy(ca.begin(), ca.end(), in_chunks.begin() + g.a0);
      mid_shape.insert(mid_shape.end(), b.lengths.begin(), b.lengths.end());
      mid_chunks.insert(mid_chunks.end(), cb.begin(), cb.end());
      mid2_chunks.insert(mid2_chunks.end(), cb.begin(), cb.end());
      out_chunks.insert(out_chunks.end(), cb.begin(), cb.end());
      const int mb = static_cast<int>(b.lengths.size());
      first.push_back({g.a0, g.a1, m0, m0 + mb});
      second.push_back({m0, m0 + mb, o0, o0 + mb});
    } else {
      two_step = true;
      const Shape ca = a.chunks(fa);
      const Shape cb = b.chunks(fb);
      std::copy(ca.begin(), ca.end(), in_chunks.begin() + g.a0);
      mid_shape.push_back(a.total);
      mid_chunks.push_back(fa);
      mid2_chunks.push_back(fb);
      out_chunks.insert(out_chunks.end(), cb.begin(), cb.end());
      first.push_back({g.a0, g.a1, m0, m0 + 1});
      second.push_back({m0, m0 + 1, o0, o0 + static_cast<int>(b.lengths.size())});
    }
  }
  Array y = rechunk(x, as_chunk_spec(in_chunks));
  y = mid_shape == y.shape() && mid_chunks == y.chunks() ? y : reshape_blocks(y, mid_shape, mid_chunks, first);
  if (!two_step) return y;
  y = rechunk(y, as_chunk_spec(mid2_chunks));
  return reshape_blocks(y, shape, out_chunks, second);
}

}  // namespace cubed
