// Creation functions built from other arrays: *_like, meshgrid, tril, triu.
#include <algorithm>
#include <cstring>

#include "api/gather.hpp"
#include "cubed/api/creation.hpp"
#include "cubed/core/error.hpp"
#include "cubed/primitives/blockwise.hpp"

namespace cubed {
namespace {

void check_valid(const std::string& fn, const Array& x) {
  if (!x.valid()) throw InvalidArgumentError(fn + ": the input array is empty (default-constructed)");
}

ChunkSpec like_chunks(const Array& x, const std::optional<ChunkSpec>& chunks) {
  if (chunks) return *chunks;
  return std::vector<std::int64_t>(x.chunks().begin(), x.chunks().end());
}

// Most bytes an output chunk of a function built on other arrays may take:
// the auto-chunk target, at most a quarter of a task's budget.
std::int64_t chunk_target(const Spec& spec) {
  const std::int64_t budget = std::max<std::int64_t>(spec.allowed_mem() - spec.reserved_mem(), 0) / 4;
  return std::min(kDefaultAutoChunkBytes, std::max<std::int64_t>(budget, 1));
}

// Keeps (zeroes) elements of the last two axes by their diagonal offset j - i.
Array triangle(const std::string& fn, const Array& x, std::int64_t k, bool lower) {
  check_valid(fn, x);
  if (x.ndim() < 2) {
    throw InvalidArgumentError(fn + ": the array must have at least 2 dimensions, got shape " +
                               shape_to_string(x.shape()));
  }
  const int r = x.ndim() - 2, c = x.ndim() - 1;
  const ChunkGrid grid = x.grid();
  const std::int64_t item = item_size(x.dtype());
  // The range of j - i over a chunk, and whether the chunk is wholly kept or
  // wholly zeroed.
  auto offsets = [grid, r, c](const Shape& coords) {
    const Shape origin = grid.chunk_origin(coords);
    const Shape shape = grid.chunk_shape(coords);
    return std::pair{origin[c] - (origin[r] + shape[r] - 1), origin[c] + shape[c] - 1 - origin[r]};
  };
  auto all_zero = [k, lower](std::int64_t lo, std::int64_t hi) { return lower ? lo > k : hi < k; };
  auto all_kept = [k, lower](std::int64_t lo, std::int64_t hi) { return lower ? hi <= k : lo >= k; };
  KeyFunction keys = [offsets, all_zero](const Shape& out) {
    const auto [lo, hi] = offsets(out);
    if (all_zero(lo, hi)) return std::vector<std::vector<Shape>>{{}};
    return std::vector<std::vector<Shape>>{{out}};
  };
  const DType dtype = x.dtype();
  ChunkFunction function = [=](const Shape& out, TaskInputs& inputs) {
    const Shape shape = grid.chunk_shape(out);
    if (inputs.count(0) == 0) return NDBuffer::zeros(dtype, shape);
    NDBuffer chunk = inputs.read(0, 0);
    const auto [lo, hi] = offsets(out);
    if (all_kept(lo, hi)) return chunk;
    // Zero bytes are zero (or False, or +0.0) in every dtype.
    const Shape origin = grid.chunk_origin(out);
    const std::int64_t rows = shape[r], cols = shape[c];
    const std::int64_t matrices = rows * cols == 0 ? 0 : chunk.size() / (rows * cols);
    std::uint8_t* data = chunk.data();
    for (std::int64_t m = 0; m < matrices; ++m) {
      for (std::int64_t i = 0; i < rows; ++i) {
        // Kept columns of row i: j - i <= k (lower) or j - i >= k (upper), in chunk columns.
        const std::int64_t edge = origin[r] + i + k - origin[c];
        std::int64_t begin = 0, end = cols;  // the zeroed range [begin, end)
        if (lower) {
          begin = std::clamp<std::int64_t>(edge + 1, 0, cols);
        } else {
          end = std::clamp<std::int64_t>(edge, 0, cols);
        }
        std::uint8_t* row = data + ((m * rows + i) * cols) * item;
        if (end > begin) std::memset(row + begin * item, 0, static_cast<std::size_t>((end - begin) * item));
      }
    }
    return chunk;
  };
  BlockwiseOptions options;
  options.name = fn;
  options.max_blocks_in_memory = {1};
  return general_blockwise(std::move(function), std::move(keys), {x}, x.shape(), x.chunks(), dtype,
                           std::move(options));
}

}  // namespace

Array empty_like(const Array& x, std::optional<DType> dtype, std::optional<ChunkSpec> chunks) {
  check_valid("empty_like", x);
  return empty(x.shape(), dtype.value_or(x.dtype()), like_chunks(x, chunks), x.spec());
}
Array zeros_like(const Array& x, std::optional<DType> dtype, std::optional<ChunkSpec> chunks) {
  check_valid("zeros_like", x);
  return zeros(x.shape(), dtype.value_or(x.dtype()), like_chunks(x, chunks), x.spec());
}
Array ones_like(const Array& x, std::optional<DType> dtype, std::optional<ChunkSpec> chunks) {
  check_valid("ones_like", x);
  return ones(x.shape(), dtype.value_or(x.dtype()), like_chunks(x, chunks), x.spec());
}
Array full_like(const Array& x, const Scalar& value, std::optional<DType> dtype, std::optional<ChunkSpec> chunks) {
  check_valid("full_like", x);
  return full(x.shape(), value, dtype.value_or(x.dtype()), like_chunks(x, chunks), x.spec());
}

MeshIndexing mesh_indexing_from_name(const std::string& name) {
  if (name == "xy") return MeshIndexing::kXY;
  if (name == "ij") return MeshIndexing::kIJ;
  throw InvalidArgumentError("meshgrid: indexing must be 'xy' or 'ij', got '" + name + "'");
}

std::vector<Array> meshgrid(const std::vector<Array>& arrays, MeshIndexing indexing) {
  const int n = static_cast<int>(arrays.size());
  for (int i = 0; i < n; ++i) {
    check_valid("meshgrid", arrays[i]);
    if (arrays[i].ndim() != 1) {
      throw InvalidArgumentError("meshgrid: array " + std::to_string(i) + " has shape " +
                                 shape_to_string(arrays[i].shape()) + "; every array must be 1-d");
    }
    if (arrays[i].spec() != arrays[0].spec()) {
      throw InvalidArgumentError("meshgrid: array " + std::to_string(i) + " has a different spec from array 0");
    }
  }
  // axis_of[d]: the input laid along output axis d.
  std::vector<int> axis_of(static_cast<std::size_t>(n));
  for (int d = 0; d < n; ++d) axis_of[d] = d;
  if (indexing == MeshIndexing::kXY && n >= 2) std::swap(axis_of[0], axis_of[1]);
  Shape shape, chunks;
  for (int d = 0; d < n; ++d) {
    shape.push_back(arrays[axis_of[d]].shape()[0]);
    chunks.push_back(std::max<std::int64_t>(arrays[axis_of[d]].chunks()[0], 1));
  }
  std::vector<Array> out;
  for (int i = 0; i < n; ++i) {
    Shape c = chunks;
    // The input's chunks along every axis could make a huge output chunk:
    // then the broadcast axes are chunked "auto".
    const std::int64_t target = chunk_target(*arrays[i].spec());
    if (shape_size(c) * item_size(arrays[i].dtype()) > target) {
      std::vector<std::int64_t> spec(static_cast<std::size_t>(n), 0);
      for (int d = 0; d < n; ++d) {
        if (axis_of[d] == i) spec[d] = c[d];
      }
      c = normalize_chunks(spec, shape, arrays[i].dtype(), target);
    }
    std::vector<detail::AxisRead> reads(static_cast<std::size_t>(n));
    for (int d = 0; d < n; ++d) {
      if (axis_of[d] == i) reads[d].input_axis = 0;
    }
    out.push_back(detail::gather({detail::GatherInput{arrays[i], std::move(reads), Shape{0}}}, shape, std::move(c),
                                 arrays[i].dtype(), "meshgrid"));
  }
  return out;
}

Array tril(const Array& x, std::int64_t k) { return triangle("tril", x, k, true); }
Array triu(const Array& x, std::int64_t k) { return triangle("triu", x, k, false); }

}  // namespace cubed
