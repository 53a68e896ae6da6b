#pragma once
/// The nodes of a computation's DAG. An ArrayNode is an array (shape,
/// chunks, dtype, spec) plus the Operation that produces its chunks. Nodes are
/// immutable once made and shared between the arrays that use them.
///
/// Operations come in two families:
/// - chunk producers (sources, virtual arrays, blockwise): any chunk can be
///   produced on demand by `compute_chunk`, reading input chunks through a
///   ChunkContext; the plan decides which of them are written to storage
///   (materialised) and which are computed where they are read;
/// - region writers (rechunk stages): a task copies a region made of several
///   whole output chunks and must be materialised.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cubed/array/spec.hpp"
#include "cubed/core/chunk_grid.hpp"
#include "cubed/core/dtype.hpp"
#include "cubed/core/ndbuffer.hpp"

namespace cubed {

struct ArrayNode;
using NodePtr = std::shared_ptr<const ArrayNode>;

/// What a running task sees of the plan: chunk reads and writes of nodes.
/// Implemented by the runtime (it knows where each node is stored).
class ChunkContext {
 public:
  virtual ~ChunkContext() = default;
  /// A chunk of `node` (clipped at the edge): read from storage when the node
  /// is materialised, else computed on the spot.
  virtual NDBuffer read_chunk(const ArrayNode& node, const Shape& coords) = 0;
  /// Writes a chunk of a materialised node.
  virtual void write_chunk(const ArrayNode& node, const Shape& coords, const NDBuffer& data) = 0;
};

enum class OperationKind : std::uint8_t { kSource, kVirtual, kBlockwise, kRegionCopy };

/// What holding one chunk of an input costs a task, as the plan decides:
/// a stored chunk costs its decoded and encoded bytes, a chunk computed where
/// it is read (fused) the memory to compute it.
using ReadMemoryFn = std::function<std::int64_t(const ArrayNode& input)>;

class Operation {
 public:
  virtual ~Operation() = default;
  virtual OperationKind kind() const = 0;
  /// Short function name for plans and messages: "from_zarr", "add", "rechunk".
  virtual std::string function_name() const = 0;
  /// Input nodes, in the order the operation reads them.
  virtual std::vector<NodePtr> inputs() const { return {}; }

  /// Produces one chunk (chunk producers only; region writers throw).
  virtual NDBuffer compute_chunk(const ArrayNode& self, const Shape& coords, ChunkContext& context) const;
  /// Number of tasks per axis when the node is materialised: the chunk grid
  /// for chunk producers, the region grid for region writers.
  virtual Shape task_grid(const ArrayNode& self) const;
  /// Runs one task: computes and writes the chunk(s) of `task`.
  virtual void run_task(const ArrayNode& self, const Shape& task, ChunkContext& context) const;
  /// Projected memory of one task, reserved_mem excluded (model in
  /// projected_memory.hpp).
  virtual std::int64_t task_memory(const ArrayNode& self) const;
  /// Memory a task needs to hold one chunk of this node when it reads it
  /// (stored: encoded + decoded; virtual: the generated chunk).
  virtual std::int64_t read_memory(const ArrayNode& self) const;
  /// Per input, the most chunks one task reads; empty when unknown. Fusion
  /// multiplies these through fused inputs.
  virtual std::vector<std::int64_t> input_chunk_counts(const ArrayNode&) const { return {}; }
  /// Per input, the chunk reads of all tasks together; empty when unknown.
  /// Fusion refuses inputs whose chunks would be read (computed) twice.
  virtual std::vector<std::int64_t> input_chunk_reads(const ArrayNode&) const { return {}; }
  /// Number of input chunks one task reads (all inputs), for statistics.
  std::int64_t input_chunks_per_task(const ArrayNode& self) const;
  /// task_memory with each input chunk costing `read_memory(input)`.
  /// Operations that cannot read fused inputs keep the default
  /// (task_memory(self)).
  virtual std::int64_t task_memory_given(const ArrayNode& self, const ReadMemoryFn& read_memory) const;
  /// Memory to compute one chunk where it is read instead of storing it
  /// (fusion): its inputs as `read_memory` says plus the result chunk.
  /// Only blockwise operations are fused.
  virtual std::int64_t compute_memory(const ArrayNode& self, const ReadMemoryFn& read_memory) const;
  /// True when the node's chunks cost nothing to store (virtual arrays,
  /// in-memory arrays): never materialised.
  virtual bool is_virtual() const { return false; }
  /// True when the node is already stored (Zarr inputs).
  virtual bool is_stored() const { return false; }
  /// Where a stored node lives (StorePath::describe()), else "".
  virtual std::string storage_location() const { return ""; }
};

struct ArrayNode {
  std::string name;  ///< unique within the process: "array-0007"
  ChunkGrid grid;
  DType dtype = DType::kFloat64;
  SpecPtr spec;
  std::shared_ptr<const Operation> op;

  const Shape& shape() const { return grid.shape(); }
  const Shape& chunks() const { return grid.chunks(); }
  int ndim() const { return grid.ndim(); }
  std::int64_t nbytes() const { return shape_size(grid.shape()) * item_size(dtype); }
  /// Bytes of one full chunk.
  std::int64_t chunk_nbytes() const { return shape_size(grid.chunks()) * item_size(dtype); }
};

/// Makes a node with a fresh unique name. Throws InvalidArgumentError for
/// chunks that do not fit the shape.
NodePtr make_node(Shape shape, Shape chunks, DType dtype, SpecPtr spec, std::shared_ptr<const Operation> op);

/// Checks that all nodes share one spec (equal by value); returns it.
/// Throws InvalidArgumentError naming both arrays otherwise.
SpecPtr common_spec(const std::vector<NodePtr>& nodes);

}  // namespace cubed
