#include "api/gather.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include "cubed/core/error.hpp"
#include "cubed/kernels/elementwise.hpp"
#include "cubed/kernels/indexing.hpp"
#include "cubed/primitives/blockwise.hpp"

namespace cubed::detail {
namespace {

// What one input contributes to one output chunk along one output axis: the
// input chunk it reads there (along its own axis; -1 when it has none) and
// the positions, relative to the output chunk and to the input chunk.
struct AxisPiece {
  std::int64_t chunk = -1;
  std::vector<std::int64_t> dst;
  std::vector<std::int64_t> src;
};

struct InputChunkPlan {
  bool empty = false;
  std::vector<std::vector<AxisPiece>> pieces;  // per output axis, sorted by chunk
  std::vector<std::vector<std::int64_t>> chunks;  // per input axis: the chunks read
};

// Everything the key and chunk functions need, shared between them.
struct GatherPlan {
  ChunkGrid out_grid;
  DType dtype;
  std::string name;
  struct Input {
    Shape shape;
    Shape chunks;
    DType dtype;
    std::vector<AxisRead> axes;
    Shape fixed;
  };
  std::vector<Input> inputs;

  InputChunkPlan plan_input(std::size_t i, const Shape& out_coords) const {
    const Input& in = inputs[i];
    const int ndim = out_grid.ndim();
    const Shape origin = out_grid.chunk_origin(out_coords);
    const Shape extent = out_grid.chunk_shape(out_coords);
    InputChunkPlan plan;
    plan.pieces.resize(ndim);
    plan.chunks.resize(in.shape.size());
    for (int d = 0; d < ndim; ++d) {
      const AxisRead& a = in.axes[d];
      const std::int64_t end = a.end < 0 ? out_grid.shape()[d] : a.end;
      const std::int64_t lo = std::max(origin[d], a.begin);
      const std::int64_t hi = std::min(origin[d] + extent[d], end);
      if (lo >= hi) {
        plan.empty = true;
        return plan;
      }
      std::vector<AxisPiece>& pieces = plan.pieces[d];
      if (a.input_axis < 0) {
        AxisPiece p;
        for (std::int64_t pos = lo; pos < hi; ++pos) p.dst.push_back(pos - origin[d]);
        pieces.push_back(std::move(p));
        continue;
      }
      const std::int64_t length = in.shape[a.input_axis];
      const std::int64_t c = in.chunks[a.input_axis];
      std::map<std::int64_t, AxisPiece> by_chunk;
      for (std::int64_t pos = lo; pos < hi; ++pos) {
        const std::int64_t ip = a.map ? a.map(pos - a.begin) : pos - a.begin;
        if (ip < 0 || ip >= length) {
          throw InvalidArgumentError(name + ": position " + std::to_string(ip) + " is outside axis " +
                                     std::to_string(a.input_axis) + " of length " + std::to_string(length));
        }
        AxisPiece& p = by_chunk[ip / c];
        p.chunk = ip / c;
        p.dst.push_back(pos - origin[d]);
        p.src.push_back(ip - p.chunk * c);
      }
      for (auto& [k, p] : by_chunk) {
        plan.chunks[a.input_axis].push_back(k);
        pieces.push_back(std::move(p));
      }
    }
    for (std::size_t ax = 0; ax < in.shape.size(); ++ax) {
      if (plan.chunks[ax].empty()) plan.chunks[ax].push_back(in.fixed[ax] / in.chunks[ax]);
    }
    return plan;
  }

  std::vector<std::vector<Shape>> keys(const Shape& out_coords) const {
    std::vector<std::vector<Shape>> result(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      InputChunkPlan plan = plan_input(i, out_coords);
      if (plan.empty) continue;
      Shape counts;
      for (const auto& list : plan.chunks) counts.push_back(static_cast<std::int64_t>(list.size()));
      for_each_index(counts, [&](const Shape& k) {
        Shape coords(k.size());
        for (std::size_t ax = 0; ax < k.size(); ++ax) coords[ax] = plan.chunks[ax][k[ax]];
        result[i].push_back(std::move(coords));
      });
    }
    return result;
  }

  NDBuffer run(const Shape& out_coords, TaskInputs& task) const {
    NDBuffer out(dtype, out_grid.chunk_shape(out_coords));
    const int ndim = out_grid.ndim();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      if (task.count(i) == 0) continue;
      const Input& in = inputs[i];
      InputChunkPlan plan = plan_input(i, out_coords);
      for (std::size_t k = 0; k < task.count(i); ++k) {
        const Shape& coords = task.coords(i, k);
        std::vector<kernels::GatherAxis> axes(ndim);
        for (int d = 0; d < ndim; ++d) {
          const int a = in.axes[d].input_axis;
          const std::vector<AxisPiece>& pieces = plan.pieces[d];
          const AxisPiece* piece = &pieces[0];
          if (a >= 0) {
            auto it = std::lower_bound(pieces.begin(), pieces.end(), coords[a],
                                       [](const AxisPiece& p, std::int64_t c) { return p.chunk < c; });
            if (it == pieces.end() || it->chunk != coords[a]) {
              throw InternalError(name + ": chunk " + shape_to_string(coords) + " was not planned");
            }
            piece = &*it;
          }
          axes[d].dst = piece->dst;
          axes[d].src = piece->src;
          axes[d].src_axis = a;
        }
        Shape fixed(in.shape.size());
        for (std::size_t ax = 0; ax < fixed.size(); ++ax) fixed[ax] = in.fixed[ax] - coords[ax] * in.chunks[ax];
        NDBuffer chunk = task.read(i, k);
        if (chunk.dtype() != dtype) chunk = kernels::cast(chunk, dtype);
        kernels::gather(chunk, fixed, out, axes);
      }
    }
    return out;
  }
};

}  // namespace

Array gather(std::vector<GatherInput> inputs, Shape shape, Shape chunks, DType dtype, std::string name) {
  if (inputs.empty()) throw InvalidArgumentError(name + ": needs at least one array");
  auto plan = std::make_shared<GatherPlan>();
  plan->out_grid = ChunkGrid(shape, chunks);
  plan->dtype = dtype;
  plan->name = name;
  std::vector<Array> arrays;
  std::int64_t extra = 0;
  for (GatherInput& g : inputs) {
    if (!g.array.valid()) throw InvalidArgumentError(name + ": an input array is empty (default-constructed)");
    const int in_ndim = g.array.ndim();
    if (g.axes.size() != shape.size() || static_cast<int>(g.fixed.size()) != in_ndim) {
      throw InternalError(name + ": gather of " + std::to_string(g.axes.size()) + " axes and " +
                          std::to_string(g.fixed.size()) + " fixed positions for " + std::to_string(shape.size()) +
                          "-d output and " + std::to_string(in_ndim) + "-d input");
    }
    std::vector<bool> read(in_ndim, false);
    for (const AxisRead& a : g.axes) {
      if (a.input_axis >= in_ndim || (a.input_axis >= 0 && read[a.input_axis])) {
        throw InternalError(name + ": input axis " + std::to_string(a.input_axis) + " read twice or out of range");
      }
      if (a.input_axis >= 0) read[a.input_axis] = true;
    }
    for (int ax = 0; ax < in_ndim; ++ax) {
      if (read[ax]) {
        g.fixed[ax] = 0;
      } else if (g.fixed[ax] < 0 || g.fixed[ax] >= g.array.shape()[ax]) {
        throw InternalError(name + ": fixed position " + std::to_string(g.fixed[ax]) + " outside axis " +
                            std::to_string(ax));
      }
    }
    // The converted copy of a chunk of another dtype.
    if (g.array.dtype() != dtype) extra = std::max(extra, shape_size(g.array.chunks()) * item_size(dtype));
    plan->inputs.push_back({g.array.shape(), g.array.chunks(), g.array.dtype(), std::move(g.axes), std::move(g.fixed)});
    arrays.push_back(g.array);
  }
  // A task holds one input chunk at a time, across all inputs (plus the
  // converted copy of a chunk of another dtype).
  BlockwiseOptions options;
  options.name = name;
  if (arrays.size() == 1) {
    options.max_blocks_in_memory = {1};
    options.extra_memory = arrays[0].dtype() != dtype ? shape_size(arrays[0].chunks()) * item_size(dtype) : 0;
  } else {
    options.max_blocks_in_memory.assign(arrays.size(), 1);
    options.one_input_at_a_time = true;
    options.extra_memory = extra;
  }
  KeyFunction keys = [plan](const Shape& out_coords) { return plan->keys(out_coords); };
  ChunkFunction function = [plan](const Shape& out_coords, TaskInputs& task) { return plan->run(out_coords, task); };
  return general_blockwise(std::move(function), std::move(keys), arrays, std::move(shape), std::move(chunks), dtype,
                           std::move(options));
}

int normalize_axis(const std::string& function, int axis, int ndim) {
  if (axis < -ndim || axis >= ndim) {
    throw InvalidArgumentError(function + ": axis " + std::to_string(axis) + " is out of bounds for array of dimension " +
                               std::to_string(ndim));
  }
  return axis < 0 ? axis + ndim : axis;
}

std::vector<int> normalize_axes(const std::string& function, const std::vector<int>& axes, int ndim) {
  std::vector<int> result;
  for (int a : axes) {
    int n = normalize_axis(function, a, ndim);
    if (std::find(result.begin(), result.end(), n) != result.end()) {
      throw InvalidArgumentError(function + ": repeated axis " + std::to_string(n) + " in " + ints_to_string(axes));
    }
    result.push_back(n);
  }
  return result;
}

std::string ints_to_string(const std::vector<int>& values) {
  Shape s(values.begin(), values.end());
  return shape_to_string(s);
}

}  // namespace cubed::detail
