#include "cubed/primitives/blockwise.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "cubed/core/error.hpp"
#include "cubed/primitives/projected_memory.hpp"

namespace cubed {
namespace {

class BlockwiseTaskInputs final : public TaskInputs {
 public:
  BlockwiseTaskInputs(const std::vector<NodePtr>& nodes, std::vector<std::vector<Shape>> keys, ChunkContext& context)
      : nodes_(nodes), keys_(std::move(keys)), context_(context) {}
  std::size_t count(std::size_t arg) const override { return keys_.at(arg).size(); }
  const Shape& coords(std::size_t arg, std::size_t k) const override { return keys_.at(arg).at(k); }
  NDBuffer read(std::size_t arg, std::size_t k) override { return context_.read_chunk(*nodes_.at(arg), coords(arg, k)); }

 private:
  const std::vector<NodePtr>& nodes_;
  std::vector<std::vector<Shape>> keys_;
  ChunkContext& context_;
};

class BlockwiseOp final : public Operation {
 public:
  BlockwiseOp(ChunkFunction function, KeyFunction keys, std::vector<NodePtr> inputs, BlockwiseOptions options)
      : function_(std::move(function)), keys_(std::move(keys)), inputs_(std::move(inputs)), options_(std::move(options)) {
    if (options_.max_blocks_in_memory.empty()) options_.max_blocks_in_memory.assign(inputs_.size(), 1);
    if (options_.max_blocks_in_memory.size() != inputs_.size()) {
      throw InvalidArgumentError(options_.name + ": max_blocks_in_memory has " +
                                 std::to_string(options_.max_blocks_in_memory.size()) + " entries for " +
                                 std::to_string(inputs_.size()) + " inputs");
    }
  }
  OperationKind kind() const override { return OperationKind::kBlockwise; }
  std::string function_name() const override { return options_.name; }
  std::vector<NodePtr> inputs() const override { return inputs_; }

  NDBuffer compute_chunk(const ArrayNode& self, const Shape& coords, ChunkContext& context) const override {
    std::vector<std::vector<Shape>> keys = keys_(coords);
    if (keys.size() != inputs_.size()) {
      throw InternalError(options_.name + ": key function named " + std::to_string(keys.size()) + " inputs, expected " +
                          std::to_string(inputs_.size()));
    }
    BlockwiseTaskInputs task_inputs(inputs_, std::move(keys), context);
    NDBuffer out = function_(coords, task_inputs);
    const Shape expected = self.grid.chunk_shape(coords);
    if (out.shape() != expected || out.dtype() != self.dtype) {
      throw InvalidArgumentError(options_.name + ": chunk function returned " + std::string(dtype_name(out.dtype())) +
                                 " " + shape_to_string(out.shape()) + " for chunk " + shape_to_string(coords) +
                                 ", expected " + std::string(dtype_name(self.dtype)) + " " + shape_to_string(expected));
    }
    return out;
  }

  std::int64_t task_memory(const ArrayNode& self) const override {
    return task_memory_given(self, [](const ArrayNode& input) { return input.op->read_memory(input); });
  }

  std::int64_t task_memory_given(const ArrayNode& self, const ReadMemoryFn& read_memory) const override {
    return inputs_memory(read_memory) + write_memory(self);
  }

  std::int64_t compute_memory(const ArrayNode& self, const ReadMemoryFn& read_memory) const override {
    return inputs_memory(read_memory) + self.chunk_nbytes();
  }

  std::vector<std::int64_t> input_chunk_counts(const ArrayNode& self) const override {
    return read_counts(self).most_per_task;
  }

  std::vector<std::int64_t> input_chunk_reads(const ArrayNode& self) const override {
    return read_counts(self).total;
  }

 private:
  struct ReadCounts {
    std::vector<std::int64_t> most_per_task;
    std::vector<std::int64_t> total;
  };

  // Reads per input over every task (keys of every output chunk; above a
  // million tasks, the first task's keys stand for all). Computed once.
  const ReadCounts& read_counts(const ArrayNode& self) const {
    std::call_once(counted_, [&] {
      counts_.most_per_task.assign(inputs_.size(), 0);
      counts_.total.assign(inputs_.size(), 0);
      const std::int64_t tasks = self.grid.num_chunks();
      if (tasks == 0) return;
      auto add = [&](const Shape& coords, std::int64_t weight) {
        const auto keys = keys_(coords);
        for (std::size_t i = 0; i < keys.size() && i < inputs_.size(); ++i) {
          const auto n = static_cast<std::int64_t>(keys[i].size());
          counts_.most_per_task[i] = std::max(counts_.most_per_task[i], n);
          counts_.total[i] += n * weight;
        }
      };
      if (tasks > 1'000'000) {
        add(Shape(self.ndim(), 0), tasks);
      } else {
        for_each_index(self.grid.grid_shape(), [&](const Shape& coords) { add(coords, 1); });
      }
    });
    return counts_;
  }

  // The inputs held at once plus the function's own working memory.
  std::int64_t inputs_memory(const ReadMemoryFn& read_memory) const {
    std::int64_t held = 0;
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
      const std::int64_t input = options_.max_blocks_in_memory[i] * read_memory(*inputs_[i]);
      held = options_.one_input_at_a_time ? std::max(held, input) : held + input;
    }
    return options_.extra_memory + held;
  }

  ChunkFunction function_;
  KeyFunction keys_;
  std::vector<NodePtr> inputs_;
  BlockwiseOptions options_;
  mutable std::once_flag counted_;
  mutable ReadCounts counts_;
};

std::vector<NodePtr> nodes_of(const std::vector<Array>& arrays) {
  std::vector<NodePtr> nodes;
  for (const Array& a : arrays) {
    if (!a.valid()) throw InvalidArgumentError("blockwise: an input array is empty (default-constructed)");
    nodes.push_back(a.node());
  }
  return nodes;
}

}  // namespace

Array general_blockwise(ChunkFunction function, KeyFunction keys, const std::vector<Array>& inputs, Shape shape,
                        Shape chunks, DType dtype, BlockwiseOptions options) {
  std::vector<NodePtr> nodes = nodes_of(inputs);
  SpecPtr spec = common_spec(nodes);
  auto op = std::make_shared<BlockwiseOp>(std::move(function), std::move(keys), std::move(nodes), std::move(options));
  return Array(make_node(std::move(shape), std::move(chunks), dtype, std::move(spec), std::move(op)));
}

Array blockwise(BlockFunction function, const std::string& out_index,
                const std::vector<std::pair<Array, std::string>>& args, DType dtype, BlockwiseOptions options) {
  // Length and chunk length of each letter, checked across inputs.
  struct Letter {
    std::int64_t length = -1;
    std::int64_t chunk = -1;
    std::int64_t blocks = 1;
  };
  std::map<char, Letter> letters;
  for (const auto& [array, index] : args) {
    if (!array.valid()) throw InvalidArgumentError("blockwise: an input array is empty (default-constructed)");
    if (static_cast<int>(index.size()) != array.ndim()) {
      throw InvalidArgumentError("blockwise: index '" + index + "' has " + std::to_string(index.size()) +
                                 " letters but array " + array.name() + " has " + std::to_string(array.ndim()) +
                                 " dimensions");
    }
    for (std::size_t d = 0; d < index.size(); ++d) {
      Letter& l = letters[index[d]];
      std::int64_t length = array.shape()[d];
      std::int64_t chunk = array.chunks()[d];
      bool broadcast = length == 1;
      if (l.length < 0 || (l.length == 1 && !broadcast)) {
        l = {length, chunk, array.numblocks()[d]};
      } else if (!broadcast && (l.length != length || l.chunk != chunk)) {
        throw InvalidArgumentError("blockwise: index '" + std::string(1, index[d]) + "' has length " +
                                   std::to_string(l.length) + " (chunks " + std::to_string(l.chunk) + ") in one input and " +
                                   std::to_string(length) + " (chunks " + std::to_string(chunk) + ") in array " +
                                   array.name());
      }
    }
  }
  Shape shape;
  Shape chunks;
  for (char c : out_index) {
    auto it = letters.find(c);
    if (it == letters.end()) {
      throw InvalidArgumentError("blockwise: output index letter '" + std::string(1, c) + "' appears in no input");
    }
    shape.push_back(it->second.length);
    chunks.push_back(std::max<std::int64_t>(it->second.chunk, 1));
  }
  // Per input: blocks held (product of contracted letters' block counts).
  std::vector<std::int64_t> held;
  std::int64_t concat_bytes = 0;
  std::vector<Array> inputs;
  for (const auto& [array, index] : args) {
    std::int64_t blocks = 1;
    for (char c : index) {
      if (out_index.find(c) == std::string::npos) blocks *= letters[c].blocks;
    }
    held.push_back(blocks);
    if (blocks > 1) concat_bytes += blocks * array.node()->chunk_nbytes();
    inputs.push_back(array);
  }
  options.extra_memory += concat_bytes;
  options.max_blocks_in_memory = held;

  std::vector<std::string> indices;
  std::vector<Shape> numblocks;
  for (const auto& [array, index] : args) {
    indices.push_back(index);
    numblocks.push_back(array.numblocks());
  }
  KeyFunction keys = [out_index, indices, numblocks, letters](const Shape& out_coords) {
    std::vector<std::vector<Shape>> result;
    for (std::size_t a = 0; a < indices.size(); ++a) {
      const std::string& index = indices[a];
      // Coordinates along output letters are fixed; contracted letters range.
      Shape fixed(index.size(), 0);
      Shape extent(index.size(), 1);
      for (std::size_t d = 0; d < index.size(); ++d) {
        auto pos = out_index.find(index[d]);
        if (pos != std::string::npos) {
          fixed[d] = numblocks[a][d] == 1 ? 0 : out_coords[pos];
        } else {
          extent[d] = numblocks[a][d];
        }
      }
      std::vector<Shape> list;
      for_each_index(extent, [&](const Shape& offset) {
        Shape c = fixed;
        for (std::size_t d = 0; d < c.size(); ++d) c[d] += offset[d];
        list.push_back(c);
      });
      result.push_back(std::move(list));
    }
    return result;
  };
  // Reads each input's chunks, concatenating along contracted letters, and
  // passes the output chunk shape to the function.
  ChunkGrid grid(shape, chunks);
  ChunkFunction with_shape = [function, grid, indices, out_index](const Shape& coords, TaskInputs& in) {
    std::vector<NDBuffer> buffers;
    for (std::size_t a = 0; a < indices.size(); ++a) {
      if (in.count(a) == 1) {
        buffers.push_back(in.read(a, 0));
        continue;
      }
      std::vector<NDBuffer> parts;
      for (std::size_t k = 0; k < in.count(a); ++k) parts.push_back(in.read(a, k));
      // Contracted axes: chunks are regular except the last, so the offset of
      // chunk k along axis d is (coord - first coord) * first chunk length.
      const Shape& base = in.coords(a, 0);
      Shape total = parts[0].shape();
      for (std::size_t d = 0; d < total.size(); ++d) {
        if (out_index.find(indices[a][d]) != std::string::npos) continue;
        std::int64_t last = 0;
        for (std::size_t k = 0; k < parts.size(); ++k) {
          last = std::max(last, (in.coords(a, k)[d] - base[d]) * parts[0].shape()[d] + parts[k].shape()[d]);
        }
        total[d] = last;
      }
      NDBuffer joined(parts[0].dtype(), total);
      for (std::size_t k = 0; k < parts.size(); ++k) {
        Shape offset(total.size(), 0);
        for (std::size_t d = 0; d < total.size(); ++d) {
          if (out_index.find(indices[a][d]) == std::string::npos) {
            offset[d] = (in.coords(a, k)[d] - base[d]) * parts[0].shape()[d];
          }
        }
        copy_region(parts[k], Shape(total.size(), 0), joined, offset, parts[k].shape());
      }
      buffers.push_back(std::move(joined));
    }
    return function(buffers, grid.chunk_shape(coords));
  };
  return general_blockwise(std::move(with_shape), std::move(keys), inputs, std::move(shape), std::move(chunks), dtype,
                           std::move(options));
}

Array map_blocks(BlockFunction function, const std::vector<Array>& arrays, DType dtype, BlockwiseOptions options) {
  if (arrays.empty()) throw InvalidArgumentError("map_blocks needs at least one array");
  std::string index;
  for (int d = 0; d < arrays[0].ndim(); ++d) index += static_cast<char>('a' + d);
  std::vector<std::pair<Array, std::string>> args;
  for (const Array& a : arrays) {
    if (a.shape() != arrays[0].shape() || a.chunks() != arrays[0].chunks()) {
      throw InvalidArgumentError("map_blocks: array " + a.name() + " has shape " + shape_to_string(a.shape()) +
                                 " and chunks " + shape_to_string(a.chunks()) + ", expected " +
                                 shape_to_string(arrays[0].shape()) + " and " + shape_to_string(arrays[0].chunks()));
    }
    args.emplace_back(a, index);
  }
  if (options.name == "blockwise") options.name = "map_blocks";
  return blockwise(std::move(function), index, args, dtype, std::move(options));
}

}  // namespace cubed
