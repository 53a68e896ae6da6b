// Contractions of lazy arrays (see include/cubed/api/linalg.hpp).
//
// Decisions:
// - One general contraction serves matmul, tensordot, vecdot and outer:
//   each input axis is a batch axis (shared with the output, broadcast), a
//   free axis (kept in the output) or a contracted axis (paired with one of
//   the other input). The output is (batch..., free of x1..., free of x2...).
//   A task transposes each block it reads to (batch, free, contracted) or
//   (batch, contracted, free) order when needed, views it as a stack of
//   matrices and calls one gemm per batch element. tensordot therefore
//   needs no transpose or reshape of the arrays themselves (which would be
//   materialised operations), only of one block at a time.
// - 1-d operands of matmul are not expanded to matrices: a 1-d x1 simply
//   has no free axis (M = 1 in the kernel), so the result never needs a
//   squeeze.
// - Groups of contracted blocks: the contracted block tuples are numbered
//   in C order and split into groups of split_every; a partial task streams
//   its group's block pairs one at a time. With more than one group the
//   partial array has a leading axis (chunks of 1) summed in rounds of
//   split_every chunks (streamed into the first one, which becomes the
//   output chunk) until one is left: ceil(log_s(blocks)) operations in all,
//   and no task ever holds more than a block pair, the accumulator and
//   their copies. This is the tree of api/statistical.hpp specialised to a
//   sum whose state is the value: cubed::sum would first copy every partial
//   chunk into a state array (and widen float32 to float64), which for a
//   large matmul doubled the intermediate I/O.
// - Declared extra memory per partial task: for each input, a copy of its
//   block in the result dtype when it is converted, and another when it is
//   transposed. The accumulator is the output chunk (counted by the
//   primitive).
// - Chunks must line up on contracted axes and on batch axes both inputs
//   span: x2 is rechunked to x1's chunks there.
#include "cubed/api/linalg.hpp"

#include <algorithm>
#include <numeric>

#include "cubed/api/creation.hpp"
#include "cubed/api/manipulation.hpp"
#include "cubed/core/error.hpp"
#include "cubed/kernels/elementwise.hpp"
#include "cubed/kernels/matmul.hpp"
#include "cubed/primitives/blockwise.hpp"
#include "cubed/primitives/rechunk.hpp"

namespace cubed {
namespace {

struct Contraction {
  std::string name;
  // Per output batch axis: the axis of x1 / x2 there, -1 when absent.
  std::vector<int> batch1, batch2;
  std::vector<int> free1, free2;
  // Paired contracted axes.
  std::vector<int> contract1, contract2;
  bool conj1 = false;
};

std::vector<int> concat_axes(std::initializer_list<const std::vector<int>*> parts) {
  std::vector<int> out;
  for (const auto* p : parts) out.insert(out.end(), p->begin(), p->end());
  return out;
}

std::vector<int> present(const std::vector<int>& axes) {
  std::vector<int> out;
  for (int a : axes) {
    if (a >= 0) out.push_back(a);
  }
  return out;
}

bool is_identity(const std::vector<int>& perm) {
  for (std::size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] != static_cast<int>(i)) return false;
  }
  return true;
}

void check_inputs(const Array& x1, const Array& x2, const std::string& fn) {
  if (!x1.valid() || !x2.valid()) throw InvalidArgumentError(fn + ": an input array is empty (default-constructed)");
  for (const Array* x : {&x1, &x2}) {
    if (!is_numeric(x->dtype())) {
      throw DTypeError(fn + ": needs numeric arrays, got " + std::string(dtype_name(x->dtype())) + " array " +
                       x->name());
    }
  }
}

// One block read by a task, converted, transposed and conjugated as the
// kernel wants it, then viewed as (batch..., rows, cols).
NDBuffer prepare(NDBuffer block, DType dtype, const std::vector<int>& perm, bool conj, const std::vector<int>& batch,
                 std::size_t rows_axes) {
  if (block.dtype() != dtype) block = kernels::cast(block, dtype);
  if (!is_identity(perm)) block = transpose(block, perm);
  if (conj) kernels::conjugate_in_place(block);
  Shape view;
  std::size_t next = 0;
  for (int b : batch) view.push_back(b >= 0 ? block.shape()[next++] : 1);
  std::int64_t rows = 1, cols = 1;
  for (std::size_t i = 0; i < rows_axes; ++i) rows *= block.shape()[next++];
  while (next < block.shape().size()) cols *= block.shape()[next++];
  view.push_back(rows);
  view.push_back(cols);
  return std::move(block).reshaped(std::move(view));
}

// One round of the sum of partial products: each task adds up to
// split_every chunks along the leading axis, read one at a time into an
// accumulator (the output chunk). The last round (one group left) drops the
// leading axis.
Array sum_partials(const Array& partials, int split_every, const Shape& out_shape, const Shape& out_chunks,
                   const std::string& fn) {
  const std::int64_t n = partials.shape()[0];
  const std::int64_t groups = (n + split_every - 1) / split_every;
  const bool final = groups == 1;
  Shape shape = out_shape, chunks = out_chunks;
  if (!final) {
    shape.insert(shape.begin(), groups);
    chunks.insert(chunks.begin(), 1);
  }
  BlockwiseOptions options;
  options.name = final ? fn : fn + "-combine";
  const std::int64_t s = split_every;
  KeyFunction keys = [final, s, n](const Shape& c) {
    const std::int64_t g = final ? 0 : c[0];
    std::vector<Shape> list;
    for (std::int64_t k = g * s; k < std::min(n, (g + 1) * s); ++k) {
      Shape coords = c;
      if (final) {
        coords.insert(coords.begin(), k);
      } else {
        coords[0] = k;
      }
      list.push_back(std::move(coords));
    }
    return std::vector<std::vector<Shape>>{std::move(list)};
  };
  const ChunkGrid grid(shape, chunks);
  ChunkFunction function = [grid](const Shape& c, TaskInputs& in) {
    NDBuffer acc = in.read(0, 0);
    for (std::size_t k = 1; k < in.count(0); ++k) kernels::add_in_place(acc, in.read(0, k));
    return std::move(acc).reshaped(grid.chunk_shape(c));
  };
  return general_blockwise(std::move(function), std::move(keys), {partials}, std::move(shape), std::move(chunks),
                           partials.dtype(), std::move(options));
}

Array contract(const Array& x1_in, Array x2, const Contraction& c, int split_every) {
  const std::string& fn = c.name;
  const Array& x1 = x1_in;
  if (split_every < 2) {
    throw InvalidArgumentError(fn + ": split_every must be at least 2, got " + std::to_string(split_every));
  }
  const DType dtype = result_type(x1.dtype(), x2.dtype());
  for (std::size_t p = 0; p < c.contract1.size(); ++p) {
    const std::int64_t l1 = x1.shape()[c.contract1[p]], l2 = x2.shape()[c.contract2[p]];
    if (l1 != l2) {
      throw InvalidArgumentError(fn + ": contracted axes differ: " + std::to_string(l1) + " vs " + std::to_string(l2) +
                                 " (axis " + std::to_string(c.contract1[p]) + " of x1 " +
                                 shape_to_string(x1.shape()) + ", axis " + std::to_string(c.contract2[p]) + " of x2 " +
                                 shape_to_string(x2.shape()) + ")");
    }
  }
  const std::size_t nb = c.batch1.size();
  std::vector<std::int64_t> x2_chunks(x2.chunks().begin(), x2.chunks().end());
  Shape out_shape, out_chunks;
  for (std::size_t i = 0; i < nb; ++i) {
    const int a1 = c.batch1[i], a2 = c.batch2[i];
    const std::int64_t l1 = a1 >= 0 ? x1.shape()[a1] : 1, l2 = a2 >= 0 ? x2.shape()[a2] : 1;
    if (l1 != l2 && l1 != 1 && l2 != 1) {
      throw InvalidArgumentError(fn + ": batch axes do not broadcast: " + std::to_string(l1) + " vs " +
                                 std::to_string(l2) + " (shapes " + shape_to_string(x1.shape()) + " and " +
                                 shape_to_string(x2.shape()) + ")");
    }
    if (l1 != 1) {
      out_shape.push_back(l1);
      out_chunks.push_back(x1.chunks()[a1]);
      if (l2 != 1) x2_chunks[a2] = x1.chunks()[a1];
    } else {
      out_shape.push_back(l2);
      out_chunks.push_back(a2 >= 0 ? x2.chunks()[a2] : 1);
    }
  }
  for (int a : c.free1) {
    out_shape.push_back(x1.shape()[a]);
    out_chunks.push_back(x1.chunks()[a]);
  }
  for (int a : c.free2) {
    out_shape.push_back(x2.shape()[a]);
    out_chunks.push_back(x2.chunks()[a]);
  }
  for (std::int64_t& ch : out_chunks) ch = std::max<std::int64_t>(ch, 1);
  std::int64_t contracted_size = 1;
  for (std::size_t p = 0; p < c.contract1.size(); ++p) {
    x2_chunks[c.contract2[p]] = x1.chunks()[c.contract1[p]];
    contracted_size *= x1.shape()[c.contract1[p]];
  }
  if (shape_size(out_shape) == 0 || contracted_size == 0) {
    return full(out_shape, Scalar(0), dtype, std::vector<std::int64_t>(out_chunks.begin(), out_chunks.end()),
                x1.spec());
  }
  if (Shape(x2_chunks.begin(), x2_chunks.end()) != x2.chunks()) x2 = rechunk(x2, x2_chunks);

  Shape cblocks;  // blocks per contracted pair
  for (int a : c.contract1) cblocks.push_back(x1.numblocks()[a]);
  const std::int64_t total = shape_size(cblocks);
  const std::int64_t groups = (total + split_every - 1) / split_every;
  const bool partial = groups > 1;

  Shape shape = out_shape, chunks = out_chunks;
  if (partial) {
    shape.insert(shape.begin(), groups);
    chunks.insert(chunks.begin(), 1);
  }
  const std::vector<int> b1 = present(c.batch1), b2 = present(c.batch2);
  const std::vector<int> perm1 = concat_axes({&b1, &c.free1, &c.contract1});
  const std::vector<int> perm2 = concat_axes({&b2, &c.contract2, &c.free2});

  BlockwiseOptions options;
  options.name = partial ? fn + "-partial" : fn;
  const std::int64_t item = item_size(dtype);
  const std::int64_t copies1 = (x1.dtype() != dtype) + !is_identity(perm1);
  const std::int64_t copies2 = (x2.dtype() != dtype) + !is_identity(perm2);
  options.extra_memory = item * (copies1 * shape_size(x1.chunks()) + copies2 * shape_size(x2.chunks()));
  options.max_blocks_in_memory = {1, 1};

  const Shape nblocks1 = x1.numblocks(), nblocks2 = x2.numblocks();
  const int s = split_every;
  KeyFunction keys = [c, nb, partial, nblocks1, nblocks2, cblocks, total, s](const Shape& coords) {
    const std::int64_t g = partial ? coords[0] : 0;
    const Shape oc(coords.begin() + (partial ? 1 : 0), coords.end());
    Shape k1(nblocks1.size(), 0), k2(nblocks2.size(), 0);
    for (std::size_t i = 0; i < nb; ++i) {
      if (c.batch1[i] >= 0 && nblocks1[c.batch1[i]] > 1) k1[c.batch1[i]] = oc[i];
      if (c.batch2[i] >= 0 && nblocks2[c.batch2[i]] > 1) k2[c.batch2[i]] = oc[i];
    }
    std::size_t next = nb;
    for (int a : c.free1) k1[a] = oc[next++];
    for (int a : c.free2) k2[a] = oc[next++];
    std::vector<std::vector<Shape>> lists(2);
    const std::int64_t end = std::min(total, (g + 1) * s);
    for (std::int64_t t = g * s; t < end; ++t) {
      std::int64_t rest = t;
      for (int p = static_cast<int>(cblocks.size()) - 1; p >= 0; --p) {
        k1[c.contract1[p]] = k2[c.contract2[p]] = rest % cblocks[p];
        rest /= cblocks[p];
      }
      lists[0].push_back(k1);
      lists[1].push_back(k2);
    }
    return lists;
  };
  const ChunkGrid grid(shape, chunks);
  const std::size_t nf1 = c.free1.size();
  ChunkFunction function = [c, dtype, perm1, perm2, grid, nb, nf1, partial](const Shape& coords, TaskInputs& in) {
    const Shape chunk = grid.chunk_shape(coords);
    const std::size_t skip = partial ? 1 : 0;
    Shape view(chunk.begin() + skip, chunk.begin() + skip + nb);
    std::int64_t rows = 1, cols = 1;
    for (std::size_t i = skip + nb; i < skip + nb + nf1; ++i) rows *= chunk[i];
    for (std::size_t i = skip + nb + nf1; i < chunk.size(); ++i) cols *= chunk[i];
    view.push_back(rows);
    view.push_back(cols);
    NDBuffer acc = NDBuffer::zeros(dtype, view);
    for (std::size_t k = 0; k < in.count(0); ++k) {
      const NDBuffer a = prepare(in.read(0, k), dtype, perm1, c.conj1, c.batch1, c.free1.size());
      const NDBuffer b = prepare(in.read(1, k), dtype, perm2, false, c.batch2, c.contract2.size());
      kernels::matmul_accumulate(a, b, acc);
    }
    return std::move(acc).reshaped(chunk);
  };
  Array out = general_blockwise(std::move(function), std::move(keys), {x1, x2}, shape, chunks, dtype,
                                std::move(options));
  if (!partial) return out;
  do {
    out = sum_partials(out, split_every, out_shape, out_chunks, fn);
  } while (out.ndim() > static_cast<int>(out_shape.size()));
  return out;
}

int normalize_axis(int axis, int ndim, const std::string& fn, const std::string& what) {
  if (axis < -ndim || axis >= ndim) {
    throw InvalidArgumentError(fn + ": axis " + std::to_string(axis) + " is out of bounds for " + what + " of " +
                               std::to_string(ndim) + " dimension" + (ndim == 1 ? "" : "s"));
  }
  return axis < 0 ? axis + ndim : axis;
}

// Batch axes of inputs of ranks r1 and r2 whose leading nb1 and nb2 axes
// broadcast against each other (right-aligned).
void right_aligned_batch(Contraction& c, int nb1, int nb2) {
  const int nb = std::max(nb1, nb2);
  for (int i = 0; i < nb; ++i) {
    c.batch1.push_back(i - (nb - nb1) >= 0 ? i - (nb - nb1) : -1);
    c.batch2.push_back(i - (nb - nb2) >= 0 ? i - (nb - nb2) : -1);
  }
}

}  // namespace

Array matmul(const Array& x1, const Array& x2, const LinalgOptions& options) {
  check_inputs(x1, x2, "matmul");
  const int r1 = x1.ndim(), r2 = x2.ndim();
  if (r1 == 0 || r2 == 0) {
    throw InvalidArgumentError(std::string("matmul: needs arrays of at least one dimension, got a 0-d ") +
                               (r1 == 0 ? "x1" : "x2"));
  }
  Contraction c;
  c.name = "matmul";
  right_aligned_batch(c, std::max(r1 - 2, 0), std::max(r2 - 2, 0));
  if (r1 >= 2) c.free1 = {r1 - 2};
  c.contract1 = {r1 - 1};
  c.contract2 = {r2 == 1 ? 0 : r2 - 2};
  if (r2 >= 2) c.free2 = {r2 - 1};
  return contract(x1, x2, c, options.split_every);
}

Array tensordot(const Array& x1, const Array& x2, int axes, const LinalgOptions& options) {
  check_inputs(x1, x2, "tensordot");
  if (axes < 0 || axes > x1.ndim() || axes > x2.ndim()) {
    throw InvalidArgumentError("tensordot: axes=" + std::to_string(axes) + " must be between 0 and the rank of x1 (" +
                               std::to_string(x1.ndim()) + ") and of x2 (" + std::to_string(x2.ndim()) + ")");
  }
  std::vector<int> a1, a2;
  for (int i = 0; i < axes; ++i) {
    a1.push_back(x1.ndim() - axes + i);
    a2.push_back(i);
  }
  return tensordot(x1, x2, TensordotAxes{a1, a2}, options);
}

Array tensordot(const Array& x1, const Array& x2, const TensordotAxes& axes, const LinalgOptions& options) {
  const auto& [axes1, axes2] = axes;
  check_inputs(x1, x2, "tensordot");
  if (axes1.size() != axes2.size()) {
    throw InvalidArgumentError("tensordot: axes lists differ in length: " + std::to_string(axes1.size()) + " vs " +
                               std::to_string(axes2.size()));
  }
  Contraction c;
  c.name = "tensordot";
  for (std::size_t p = 0; p < axes1.size(); ++p) {
    const int a1 = normalize_axis(axes1[p], x1.ndim(), "tensordot", "x1");
    const int a2 = normalize_axis(axes2[p], x2.ndim(), "tensordot", "x2");
    if (std::find(c.contract1.begin(), c.contract1.end(), a1) != c.contract1.end() ||
        std::find(c.contract2.begin(), c.contract2.end(), a2) != c.contract2.end()) {
      throw InvalidArgumentError("tensordot: axis " + std::to_string(axes1[p]) + " of x1 or " +
                                 std::to_string(axes2[p]) + " of x2 is repeated");
    }
    c.contract1.push_back(a1);
    c.contract2.push_back(a2);
  }
  for (int d = 0; d < x1.ndim(); ++d) {
    if (std::find(c.contract1.begin(), c.contract1.end(), d) == c.contract1.end()) c.free1.push_back(d);
  }
  for (int d = 0; d < x2.ndim(); ++d) {
    if (std::find(c.contract2.begin(), c.contract2.end(), d) == c.contract2.end()) c.free2.push_back(d);
  }
  return contract(x1, x2, c, options.split_every);
}

Array vecdot(const Array& x1, const Array& x2, int axis, const LinalgOptions& options) {
  check_inputs(x1, x2, "vecdot");
  const int r1 = x1.ndim(), r2 = x2.ndim(), r = std::max(r1, r2);
  if (r1 == 0 || r2 == 0) {
    throw InvalidArgumentError(std::string("vecdot: needs arrays of at least one dimension, got a 0-d ") +
                               (r1 == 0 ? "x1" : "x2"));
  }
  const int a = normalize_axis(axis, r, "vecdot", "the broadcast shape");
  if (a - (r - r1) < 0 || a - (r - r2) < 0) {
    throw InvalidArgumentError("vecdot: axis " + std::to_string(axis) + " is out of bounds for " +
                               (a - (r - r1) < 0 ? std::string("x1 of shape ") + shape_to_string(x1.shape())
                                                 : std::string("x2 of shape ") + shape_to_string(x2.shape())));
  }
  Contraction c;
  c.name = "vecdot";
  c.conj1 = true;
  for (int d = 0; d < r; ++d) {
    if (d == a) continue;
    c.batch1.push_back(d - (r - r1) >= 0 ? d - (r - r1) : -1);
    c.batch2.push_back(d - (r - r2) >= 0 ? d - (r - r2) : -1);
  }
  c.contract1 = {a - (r - r1)};
  c.contract2 = {a - (r - r2)};
  return contract(x1, x2, c, options.split_every);
}

Array matrix_transpose(const Array& x) {
  if (!x.valid()) throw InvalidArgumentError("matrix_transpose: the array is empty (default-constructed)");
  if (x.ndim() < 2) {
    throw InvalidArgumentError("matrix_transpose: needs an array of at least two dimensions, got shape " +
                               shape_to_string(x.shape()));
  }
  std::vector<int> perm(static_cast<std::size_t>(x.ndim()));
  std::iota(perm.begin(), perm.end(), 0);
  std::swap(perm[perm.size() - 1], perm[perm.size() - 2]);
  return permute_dims(x, perm);
}

Array outer(const Array& x1, const Array& x2) {
  check_inputs(x1, x2, "outer");
  if (x1.ndim() != 1 || x2.ndim() != 1) {
    throw InvalidArgumentError("outer: needs two 1-d arrays, got shapes " + shape_to_string(x1.shape()) + " and " +
                               shape_to_string(x2.shape()));
  }
  Contraction c;
  c.name = "outer";
  c.free1 = {0};
  c.free2 = {0};
  return contract(x1, x2, c, 2);
}

}  // namespace cubed
