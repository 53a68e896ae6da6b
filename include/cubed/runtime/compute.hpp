#pragma once
/// Running plans: compute() returns results in memory, to_zarr() / store()
/// write them to Zarr arrays. Each call builds one plan for all the arrays it
/// is given (shared work is done once), validates it (nothing runs and
/// nothing is written when any operation exceeds allowed_mem), runs it on
/// the chosen executor, and removes its intermediate arrays afterwards.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cubed/array/array.hpp"
#include "cubed/plan/plan.hpp"
#include "cubed/runtime/callbacks.hpp"
#include "cubed/runtime/executor.hpp"

namespace cubed {

struct ComputeOptions {
  /// An executor object; wins over `executor_name` and the spec's executor.
  std::shared_ptr<Executor> executor;
  /// An executor by name ("single-threaded"); empty: the spec's.
  std::string executor_name;
  /// Keep the intermediate arrays of the computation (for inspection).
  bool keep_intermediates = false;
  /// Observers of the computation (progress bar, history, ...).
  std::vector<CallbackPtr> callbacks;
  /// Optimisation (fusion) of the plan; `plan.optimize = false` turns it off.
  PlanOptions plan;
  /// Runs of a task after a transient failure (3 attempts by default).
  int retries = 2;
  /// Backup copies of stragglers on the threads and processes executors.
  bool use_backups = true;
  /// At most this many tasks started as one batch (0: no batches).
  std::int64_t batch_size = 0;
  /// Run operations that do not depend on each other at the same time.
  bool compute_arrays_in_parallel = false;
  /// Continue the previous attempt of this same computation (see
  /// resume.hpp): operations it completed are skipped, and so are the tasks
  /// it finished in the others. Without it, leftovers are erased first.
  bool resume = false;
  /// Mixed into the plan fingerprint that names the computation's folder:
  /// whatever tells apart computations whose plans look alike (values
  /// captured by chunk functions). See plan_fingerprint.
  std::string resume_key;
};

/// What a computation did, for --stats and tests.
struct ComputeReport {
  PlanStats stats;
  /// Per operation: the largest measured peak memory of its tasks
  /// (reserved_mem not included; add it to compare with projected_mem).
  std::vector<std::int64_t> measured_peak_mem;
  std::vector<std::int64_t> projected_mem;  ///< per operation, reserved_mem included
  std::vector<std::string> operation_names;
};

/// Computes one array into memory.
NDBuffer compute(const Array& array, const ComputeOptions& options = {}, ComputeReport* report = nullptr);
/// Computes several arrays of one plan, sharing their common work.
std::vector<NDBuffer> compute(const std::vector<Array>& arrays, const ComputeOptions& options = {},
                              ComputeReport* report = nullptr);

struct StoreOptions {
  storage::CodecPtr compressor = storage::default_codec();
  bool overwrite = false;
  std::string attributes_json;
  std::optional<Scalar> fill_value = Scalar(0);
  /// false: chunks equal to the fill value everywhere are not stored.
  bool write_empty_chunks = true;
  storage::Order order = storage::Order::kC;
  Endian endian = Endian::kLittle;
  char dimension_separator = '.';
  /// 2 (the default: every reader on Debian 12 reads it) or 3. Version 3
  /// arrays are written with C order, little endian and keys "c/i/j"
  /// (dimension_separator is then ignored).
  int zarr_format = 2;
  /// Zarr v3 only: the shard shape, a multiple of the array's chunks on each
  /// axis (or at least the axis length). Empty: not sharded. The array is
  /// rechunked to the shards, so a task writes one whole shard; its chunks
  /// become the shards' inner chunks.
  Shape shards;
};
/// Writes an array to a Zarr array at `path` (its chunks; v2 unless
/// store_options.zarr_format is 3). The metadata is written last. Throws InvalidArgumentError when the path exists and
/// overwrite is false, before anything runs.
void to_zarr(const Array& array, const std::string& path, const StoreOptions& store_options = {},
             const ComputeOptions& options = {}, ComputeReport* report = nullptr);
/// The plan output `store` makes of an array: its target and the array
/// itself, rechunked to the shards when store_options.shards is set. Throws
/// InvalidArgumentError for a bad zarr_format or shards.
Plan::Output store_output(const Array& array, const std::string& path, const StoreOptions& store_options);
/// Writes several arrays in one plan.
void store(const std::vector<Array>& arrays, const std::vector<std::string>& paths,
           const StoreOptions& store_options = {}, const ComputeOptions& options = {},
           ComputeReport* report = nullptr);

/// The folder of a computation under its work_dir, named from its plan's
/// fingerprint: "<work_dir>/cubed-<32 hex digits>". Kept after a failure so
/// that a run with `resume` can continue; removed after success unless
/// keep_intermediates.
std::string computation_folder(const Plan& plan, const ComputeOptions& options);

/// Runs a built plan (the general form of the functions above) and returns
/// the in-memory results of outputs without a target (empty buffers for the
/// others).
std::vector<NDBuffer> execute_plan(const Plan& plan, const ComputeOptions& options, ComputeReport* report);

}  // namespace cubed
