#pragma once
// Blockwise fusion: which blockwise arrays are computed where they are read
// instead of being written to storage, and what the tasks of the remaining
// operations then cost. Rules as Cubed's (see plan.hpp, PlanOptions).
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cubed/plan/plan.hpp"

namespace cubed::detail {

/// The cost model of tasks for a given set of fused nodes.
class FusedCosts {
 public:
  explicit FusedCosts(const std::set<const ArrayNode*>& fused) : fused_(fused) {}
  bool fused(const ArrayNode& node) const { return fused_.count(&node) != 0; }
  /// Memory to hold one chunk of `node` where it is read: stored or virtual
  /// chunks as their operation says; fused chunks what computing them costs.
  std::int64_t read_memory(const ArrayNode& node) const;
  /// Projected memory of one task writing `node`, reserved_mem excluded.
  std::int64_t task_memory(const ArrayNode& node) const;
  /// Stored input chunks one task of `node` reads, through fused inputs.
  std::int64_t input_blocks(const ArrayNode& node) const;
  /// The arrays one task of `node` reads from storage or generates
  /// (the leaves below its fused inputs).
  std::set<const ArrayNode*> source_arrays(const ArrayNode& node) const;
  /// Bytes one task of `node` reads from its source arrays (an estimate
  /// from the first task's chunk counts).
  std::int64_t bytes_read_per_task(const ArrayNode& node) const;
  /// Bytes all tasks of `node` read from their source arrays: the chunk
  /// reads of every task where the operation counts them, else the first
  /// task's estimate times the tasks.
  std::int64_t bytes_read(const ArrayNode& node) const;

 private:
  const std::set<const ArrayNode*>& fused_;
};

struct FusionResult {
  std::set<const ArrayNode*> fused;
  std::vector<std::string> log;  ///< one line per candidate: fused or why not
};

/// Decides fusion for the DAG below `roots`; `requested` are the nodes that
/// are outputs of the computation (never fused away).
FusionResult plan_fusion(const std::vector<NodePtr>& roots, const std::set<const ArrayNode*>& requested,
                         const Spec& spec, const PlanOptions& options);

}  // namespace cubed::detail
