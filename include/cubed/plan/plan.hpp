#pragma once
/// Plan: the operations a computation runs, in dependency order, with what
/// each costs. Built from the requested output arrays by walking their DAG:
/// every blockwise or rechunk node becomes an operation whose output is
/// materialised (an intermediate Zarr array in the computation's folder
/// under work_dir, or the user's target); sources and virtual arrays are read
/// where they are used. With optimisation on (the default), blockwise nodes
/// are fused into the blockwise operation that reads them: their chunks are
/// computed inside its tasks and never stored (PlanOptions).
///
/// The plan is checked before anything runs: every operation whose projected
/// memory exceeds allowed_mem is recorded, and validate() refuses the plan.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cubed/array/array.hpp"
#include "cubed/storage/store.hpp"
#include "cubed/storage/zarr/metadata.hpp"

namespace cubed {

/// Where and how a requested output is written.
struct OutputTarget {
  storage::StorePath location;
  storage::CodecPtr compressor;  ///< nullptr: uncompressed
  bool overwrite = false;
  std::string attributes_json;
  /// Fill value of the written array (nullopt: JSON null).
  std::optional<Scalar> fill_value = Scalar(0);
  /// When false, chunks whose every element equals the fill value are not
  /// stored (they read back as the fill value), as zarr-python's
  /// write_empty_chunks=False.
  bool write_empty_chunks = true;
  /// Layout of the stored chunks.
  storage::Order order = storage::Order::kC;
  Endian endian = Endian::kLittle;
  char dimension_separator = '.';
  /// 2 or 3. For 3, `compressor` is the array's V3CodecChain.
  int zarr_format = 2;
  /// Zarr v3 sharding: the inner chunks of each shard. The array written
  /// then has chunks = the shards (a task writes one whole shard), rounded
  /// up to a multiple of these where one chunk spans a whole axis.
  Shape inner_chunks;
};

/// How a plan is optimised. Fusion follows Cubed's rules: a blockwise array
/// read by exactly one blockwise operation, and not requested, is computed
/// inside that operation's tasks when the fused task then reads at most
/// `max_total_source_arrays` arrays, at most `max_total_num_input_blocks`
/// chunks, and its projected memory stays within allowed_mem. Rechunk stages
/// and stored outputs are never fused.
struct PlanOptions {
  bool optimize = true;
  int max_total_source_arrays = 4;
  std::int64_t max_total_num_input_blocks = 10;
};

struct PlanOperation {
  NodePtr node;                   ///< the array this operation writes
  std::vector<int> dependencies;  ///< indices of operations it reads
  Shape task_grid;
  std::int64_t num_tasks = 0;
  std::int64_t projected_mem = 0;  ///< per task, reserved_mem included
  std::int64_t bytes_read = 0;     ///< estimate: chunks read x chunk bytes
  std::int64_t bytes_written = 0;
  /// The user's target, or nullopt for an intermediate in work_dir.
  std::optional<OutputTarget> target;
  /// Index of the requested output this operation writes, or -1.
  int output_index = -1;
  bool over_budget() const;
  std::int64_t allowed_mem = 0;
  std::int64_t reserved_mem = 0;
  /// Arrays computed inside this operation's tasks (fused), inputs first.
  std::vector<NodePtr> fused;
  /// Chunks one task reads from storage or generates (through fused arrays).
  std::int64_t input_blocks_per_task = 0;
};

struct PlanStats {
  std::int64_t num_operations = 0;
  std::int64_t num_tasks = 0;
  std::int64_t num_intermediate_arrays = 0;
  std::int64_t num_rechunk_stages = 0;
  std::int64_t max_projected_mem = 0;
  std::int64_t bytes_read = 0;
  std::int64_t bytes_written = 0;
};

class Plan {
 public:
  /// One requested output: an array and, optionally, where to store it.
  struct Output {
    Array array;
    std::optional<OutputTarget> target;
  };
  /// Throws InvalidArgumentError for empty arrays or mixed specs.
  static Plan build(const std::vector<Output>& outputs, const PlanOptions& options = {});

  const std::vector<PlanOperation>& operations() const { return operations_; }
  const std::vector<Output>& outputs() const { return outputs_; }
  const SpecPtr& spec() const { return spec_; }
  PlanStats stats() const;
  /// A readable description: one block per operation with its inputs,
  /// output array, tasks and memory; then the totals.
  std::string explain() const;
  /// Throws MemoryBudgetError for the first operation over allowed_mem,
  /// naming it with projected, allowed and reserved memory.
  void validate() const;
  /// Why each fusion candidate was or was not fused, one line each.
  const std::vector<std::string>& fusion_log() const { return fusion_log_; }

 private:
  SpecPtr spec_;
  std::vector<Output> outputs_;
  std::vector<PlanOperation> operations_;
  std::vector<std::string> fusion_log_;
};

}  // namespace cubed
