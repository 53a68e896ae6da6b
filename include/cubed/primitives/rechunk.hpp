#pragma once
/// Rechunk within allowed_mem.
///
/// A rechunk is one or more *stages*; each stage copies an array into one with
/// other chunks. A stage's task fills a region made of whole output chunks by
/// streaming the overlapping input chunks into it one at a time, then writes
/// the region's output chunks. Memory per task is therefore
///   region + one input chunk (read) + one output chunk (write copies),
/// whatever the two chunkings are; what a small budget costs is I/O, since a
/// region narrower than the input chunks reads them more than once.
///
/// Planning (in the spirit of Rechunker's multi-stage algorithm): for 1 to 4
/// stages, intermediate chunk shapes are interpolated geometrically between
/// source and target; each stage grows its regions greedily (multiples of
/// the output chunks, towards the least common multiple with the input
/// chunks) within the budget; the plan with the least bytes read and written
/// wins, fewer stages breaking ties.
#include <cstdint>
#include <functional>
#include <vector>

#include "cubed/array/array.hpp"
#include "cubed/core/chunk_grid.hpp"

namespace cubed {

struct RechunkStage {
  Shape source_chunks;
  Shape target_chunks;
  Shape region;               ///< elements per task region (multiple of target_chunks)
  std::int64_t num_tasks = 0;
  std::int64_t bytes_read = 0;     ///< exact, with re-reads
  std::int64_t bytes_written = 0;
  std::int64_t task_memory = 0;    ///< projected, reserved_mem excluded
};

struct RechunkPlan {
  std::vector<RechunkStage> stages;
  std::int64_t bytes_read() const;
  std::int64_t bytes_written() const;
};

/// Memory one task needs to read one chunk of the given shape at the given
/// stage (0 = the source array).
using ChunkReadMemory = std::function<std::int64_t(int stage, const Shape& chunks)>;
/// Memory one task needs to write one chunk of the given shape.
using ChunkWriteMemory = std::function<std::int64_t(const Shape& chunks)>;

/// Plans a rechunk of an array of `shape` and element size `item_bytes` from
/// `source` to `target` chunks with at most `budget` bytes per task. When no
/// plan fits (the target chunk itself is too large), returns the one-stage
/// plan with the smallest region; its task_memory exceeds the budget and the
/// plan validation reports it.
RechunkPlan plan_rechunk(const Shape& shape, std::int64_t item_bytes, const Shape& source, const Shape& target,
                         std::int64_t budget, const ChunkReadMemory& read_memory, const ChunkWriteMemory& write_memory);

/// Rechunks `x` to `chunks` (normalised against x's shape and dtype), with
/// intermediate arrays in work_dir as the plan requires. Returns x itself when
/// the chunks are unchanged.
Array rechunk(const Array& x, const ChunkSpec& chunks);

}  // namespace cubed
