#pragma once
/// Blockwise operations: each output chunk is computed from a known set of
/// input chunks.
///
/// general_blockwise is the primitive: a key function names, for an output
/// chunk, the input chunks each input contributes; the chunk function reads
/// them through TaskInputs, either all at once or one at a time (streaming),
/// and returns the output chunk. `max_blocks_in_memory` declares how many
/// chunks of each input the function holds at once, which is what the memory
/// model counts: a reduction that streams over 1000 chunks declares 1.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "cubed/array/array.hpp"

namespace cubed {

/// Lazy access to the input chunks of one task. Each read goes to storage (or
/// computes the chunk): nothing is cached, so memory stays what the function
/// holds.
class TaskInputs {
 public:
  virtual ~TaskInputs() = default;
  /// Number of chunks named for input `arg`.
  virtual std::size_t count(std::size_t arg) const = 0;
  /// Chunk coordinates of the k-th chunk of input `arg`.
  virtual const Shape& coords(std::size_t arg, std::size_t k) const = 0;
  /// Reads the k-th chunk of input `arg`.
  virtual NDBuffer read(std::size_t arg, std::size_t k) = 0;
};

/// For an output chunk: per input, the coordinates of the chunks it reads.
using KeyFunction = std::function<std::vector<std::vector<Shape>>(const Shape& out_coords)>;
/// Computes an output chunk (of the clipped chunk shape and output dtype).
using ChunkFunction = std::function<NDBuffer(const Shape& out_coords, TaskInputs& inputs)>;

struct BlockwiseOptions {
  /// Name in plans and messages ("add", "sum-partial", ...).
  std::string name = "blockwise";
  /// Memory the chunk function needs beyond its inputs and output (bytes).
  std::int64_t extra_memory = 0;
  /// Chunks of each input held at once; empty means 1 for every input.
  std::vector<std::int64_t> max_blocks_in_memory;
  /// The function holds one input chunk at a time across all its inputs
  /// (concat, stack): the largest input's chunks count, not their sum.
  bool one_input_at_a_time = false;
};

/// The primitive (see file comment). Throws InvalidArgumentError for a bad
/// shape/chunks or inputs with different specs.
Array general_blockwise(ChunkFunction function, KeyFunction keys, const std::vector<Array>& inputs, Shape shape,
                        Shape chunks, DType dtype, BlockwiseOptions options = {});

/// Computes an output chunk from its input chunks (in argument order).
using BlockFunction = std::function<NDBuffer(const std::vector<NDBuffer>& inputs, const Shape& out_shape)>;

/// Blockwise with index notation, as in Dask and Cubed:
///   blockwise(f, "ij", {{x, "ij"}, {y, "j"}}, dtype)
/// Each letter is an axis; letters of an input missing from the output are
/// contracted: all its chunks along them are concatenated and passed as one
/// buffer. Inputs must have equal chunks along shared letters (or a single
/// chunk of length 1 there, which broadcasts). Throws InvalidArgumentError
/// naming the letter otherwise.
Array blockwise(BlockFunction function, const std::string& out_index,
                const std::vector<std::pair<Array, std::string>>& args, DType dtype, BlockwiseOptions options = {});

/// Applies a user C++ function to corresponding chunks of arrays of the same
/// shape and chunks; the function returns the output chunk (same chunk shape
/// unless `dtype` differs only). Equivalent to blockwise with the same index.
Array map_blocks(BlockFunction function, const std::vector<Array>& arrays, DType dtype, BlockwiseOptions options = {});

}  // namespace cubed
