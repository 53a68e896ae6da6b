#include "fusion.hpp"

#include <algorithm>
#include <functional>

#include "cubed/core/size.hpp"

namespace cubed::detail {

std::int64_t FusedCosts::read_memory(const ArrayNode& node) const {
  if (!fused(node)) return node.op->read_memory(node);
  return node.op->compute_memory(node, [this](const ArrayNode& input) { return read_memory(input); });
}

std::int64_t FusedCosts::task_memory(const ArrayNode& node) const {
  return node.op->task_memory_given(node, [this](const ArrayNode& input) { return read_memory(input); });
}

std::int64_t FusedCosts::input_blocks(const ArrayNode& node) const {
  const auto inputs = node.op->inputs();
  const auto counts = node.op->input_chunk_counts(node);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::int64_t k = i < counts.size() ? counts[i] : 1;
    total += fused(*inputs[i]) ? k * input_blocks(*inputs[i]) : k;
  }
  return total;
}

std::set<const ArrayNode*> FusedCosts::source_arrays(const ArrayNode& node) const {
  std::set<const ArrayNode*> out;
  for (const NodePtr& input : node.op->inputs()) {
    if (fused(*input)) {
      auto below = source_arrays(*input);
      out.insert(below.begin(), below.end());
    } else {
      out.insert(input.get());
    }
  }
  return out;
}

std::int64_t FusedCosts::bytes_read_per_task(const ArrayNode& node) const {
  const auto inputs = node.op->inputs();
  const auto counts = node.op->input_chunk_counts(node);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::int64_t k = i < counts.size() ? counts[i] : 1;
    total += k * (fused(*inputs[i]) ? bytes_read_per_task(*inputs[i]) : inputs[i]->chunk_nbytes());
  }
  return total;
}

std::int64_t FusedCosts::bytes_read(const ArrayNode& node) const {
  const auto inputs = node.op->inputs();
  const auto reads = node.op->input_chunk_reads(node);
  if (reads.size() != inputs.size()) return shape_size(node.op->task_grid(node)) * bytes_read_per_task(node);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    total += reads[i] * (fused(*inputs[i]) ? bytes_read_per_task(*inputs[i]) : inputs[i]->chunk_nbytes());
  }
  return total;
}

namespace {

bool is_blockwise(const ArrayNode& node) { return node.op->kind() == OperationKind::kBlockwise; }

// Chunk reads of `input` by all the tasks of `consumer`.
std::int64_t consumer_reads(const ArrayNode& consumer, const ArrayNode& input) {
  const auto inputs = consumer.op->inputs();
  const auto reads = consumer.op->input_chunk_reads(consumer);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].get() != &input) continue;
    total += i < reads.size() ? reads[i] : shape_size(consumer.op->task_grid(consumer));
  }
  return total;
}

std::string label(const ArrayNode& node) { return node.name + " (" + node.op->function_name() + ")"; }

}  // namespace

FusionResult plan_fusion(const std::vector<NodePtr>& roots, const std::set<const ArrayNode*>& requested,
                         const Spec& spec, const PlanOptions& options) {
  FusionResult result;
  // Nodes in dependency order (inputs first) and the readers of each node.
  std::vector<const ArrayNode*> order;
  std::map<const ArrayNode*, std::set<const ArrayNode*>> readers;
  std::set<const ArrayNode*> seen;
  std::function<void(const NodePtr&)> walk = [&](const NodePtr& node) {
    if (!seen.insert(node.get()).second) return;
    for (const NodePtr& input : node->op->inputs()) {
      readers[input.get()].insert(node.get());
      walk(input);
    }
    order.push_back(node.get());
  };
  for (const NodePtr& root : roots) walk(root);
  if (!options.optimize) return result;

  FusedCosts costs(result.fused);
  const std::int64_t budget = spec.allowed_mem() - spec.reserved_mem();
  // Greedy, inputs first: each blockwise node tries to absorb its blockwise
  // inputs one by one, keeping each only when its task stays within every
  // limit. A node absorbed earlier carries what it absorbed.
  for (const ArrayNode* consumer : order) {
    if (!is_blockwise(*consumer)) continue;
    for (const NodePtr& input : consumer->op->inputs()) {
      const ArrayNode& candidate = *input;
      if (!is_blockwise(candidate) || costs.fused(candidate)) continue;
      const std::string what = "fuse " + label(candidate) + " into " + label(*consumer) + ": ";
      if (requested.count(&candidate)) {
        result.log.push_back(what + "no, it is a requested output");
        continue;
      }
      if (readers[&candidate].size() > 1) {
        result.log.push_back(what + "no, it is read by " + std::to_string(readers[&candidate].size()) +
                             " operations (fusing would compute it more than once)");
        continue;
      }
      // Chunks read by more than one task would be computed more than once:
      // fusing would trade a write for repeated reads of everything below.
      const std::int64_t reads = consumer_reads(*consumer, candidate);
      if (reads > candidate.grid.num_chunks()) {
        result.log.push_back(what + "no, its " + std::to_string(candidate.grid.num_chunks()) + " chunks are read " +
                             std::to_string(reads) + " times (each would be computed more than once)");
        continue;
      }
      result.fused.insert(&candidate);
      const auto sources = costs.source_arrays(*consumer).size();
      const std::int64_t blocks = costs.input_blocks(*consumer);
      const std::int64_t memory = costs.task_memory(*consumer);
      std::string refused;
      if (static_cast<int>(sources) > options.max_total_source_arrays) {
        refused = std::to_string(sources) + " source arrays > max_total_source_arrays " +
                  std::to_string(options.max_total_source_arrays);
      } else if (blocks > options.max_total_num_input_blocks) {
        refused = std::to_string(blocks) + " input blocks per task > max_total_num_input_blocks " +
                  std::to_string(options.max_total_num_input_blocks);
      } else if (memory > budget) {
        refused = "projected memory " + format_size(memory + spec.reserved_mem()) + " > allowed_mem " +
                  format_size(spec.allowed_mem());
      }
      if (refused.empty()) {
        result.log.push_back(what + "yes (" + std::to_string(sources) + " source arrays, " + std::to_string(blocks) +
                             " input blocks, projected memory " + format_size(memory + spec.reserved_mem()) + ")");
      } else {
        result.fused.erase(&candidate);
        result.log.push_back(what + "no, " + refused);
      }
    }
  }
  return result;
}

}  // namespace cubed::detail
