#include "cubed/plan/plan.hpp"

#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "cubed/core/error.hpp"
#include "cubed/core/size.hpp"
#include "fusion.hpp"

namespace cubed {
namespace {

bool materialised(const ArrayNode& node) {
  return !node.op->is_virtual() && !node.op->is_stored();
}

}  // namespace

bool PlanOperation::over_budget() const { return projected_mem > allowed_mem; }

Plan Plan::build(const std::vector<Output>& outputs, const PlanOptions& options) {
  Plan plan;
  plan.outputs_ = outputs;
  std::vector<NodePtr> roots;
  for (const Output& o : outputs) {
    if (!o.array.valid()) throw InvalidArgumentError("cannot compute an empty (default-constructed) array");
    roots.push_back(o.array.node());
  }
  plan.spec_ = common_spec(roots);
  // Output index per node; an output with a target is written there.
  std::map<const ArrayNode*, int> output_of;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const ArrayNode* n = outputs[i].array.node().get();
    if (output_of.count(n) && outputs[i].target && outputs[output_of[n]].target) {
      throw InvalidArgumentError("array " + n->name + " is requested twice with a target; store it once");
    }
    if (!output_of.count(n) || outputs[i].target) output_of[n] = static_cast<int>(i);
  }
  std::set<const ArrayNode*> requested;
  for (const auto& [node, index] : output_of) requested.insert(node);
  detail::FusionResult fusion = detail::plan_fusion(roots, requested, *plan.spec_, options);
  plan.fusion_log_ = fusion.log;
  const detail::FusedCosts costs(fusion.fused);
  // The fused nodes inside an operation's tasks, inputs first.
  std::function<void(const ArrayNode&, std::vector<NodePtr>&)> fused_below = [&](const ArrayNode& node,
                                                                                  std::vector<NodePtr>& out) {
    for (const NodePtr& input : node.op->inputs()) {
      if (!costs.fused(*input)) continue;
      fused_below(*input, out);
      if (std::find(out.begin(), out.end(), input) == out.end()) out.push_back(input);
    }
  };
  // Depth-first post-order walk: inputs before the nodes that read them.
  std::map<const ArrayNode*, int> op_index;
  std::map<const ArrayNode*, std::vector<int>> deps_of_unmaterialised;
  std::set<const ArrayNode*> visiting;
  std::function<std::vector<int>(const NodePtr&)> visit = [&](const NodePtr& node) -> std::vector<int> {
    // Returns the operations this node's readers depend on.
    if (auto it = op_index.find(node.get()); it != op_index.end()) return {it->second};
    if (auto it = deps_of_unmaterialised.find(node.get()); it != deps_of_unmaterialised.end()) return it->second;
    if (visiting.count(node.get())) throw InternalError("cycle in the plan at " + node->name);
    visiting.insert(node.get());
    std::vector<int> deps;
    for (const NodePtr& input : node->op->inputs()) {
      for (int d : visit(input)) {
        if (std::find(deps.begin(), deps.end(), d) == deps.end()) deps.push_back(d);
      }
    }
    visiting.erase(node.get());
    auto out = output_of.find(node.get());
    bool has_target = out != output_of.end() && outputs[out->second].target.has_value();
    if ((!materialised(*node) || costs.fused(*node)) && !has_target) {
      deps_of_unmaterialised[node.get()] = deps;  // read where used
      return deps;
    }
    PlanOperation op;
    op.node = node;
    op.dependencies = deps;
    op.task_grid = node->op->task_grid(*node);
    op.num_tasks = shape_size(op.task_grid);
    op.allowed_mem = plan.spec_->allowed_mem();
    op.reserved_mem = plan.spec_->reserved_mem();
    op.projected_mem = plan.spec_->reserved_mem() + costs.task_memory(*node);
    fused_below(*node, op.fused);
    op.input_blocks_per_task = costs.input_blocks(*node);
    if (has_target) {
      op.target = outputs[out->second].target;
      // The target's compressor may need a larger encoded buffer than the
      // intermediate one the operation's model assumed.
      const auto& intermediate = plan.spec_->intermediate_compressor();
      std::int64_t chunk = node->chunk_nbytes();
      std::int64_t assumed = intermediate ? intermediate->max_encoded_size(chunk) : 0;
      std::int64_t needed = op.target->compressor ? op.target->compressor->max_encoded_size(chunk) : 0;
      op.projected_mem += std::max<std::int64_t>(0, needed - assumed);
    }
    if (out != output_of.end()) op.output_index = out->second;
    op.bytes_written = node->nbytes();
    op.bytes_read = costs.bytes_read(*node);
    int index = static_cast<int>(plan.operations_.size());
    plan.operations_.push_back(std::move(op));
    op_index[node.get()] = index;
    return {index};
  };
  for (const NodePtr& root : roots) visit(root);
  return plan;
}

PlanStats Plan::stats() const {
  PlanStats s;
  s.num_operations = static_cast<std::int64_t>(operations_.size());
  for (const PlanOperation& op : operations_) {
    s.num_tasks += op.num_tasks;
    s.max_projected_mem = std::max(s.max_projected_mem, op.projected_mem);
    s.bytes_read += op.bytes_read;
    s.bytes_written += op.bytes_written;
    if (!op.target && op.output_index < 0) ++s.num_intermediate_arrays;
    if (op.node->op->kind() == OperationKind::kRegionCopy) ++s.num_rechunk_stages;
  }
  return s;
}

std::string Plan::explain() const {
  std::ostringstream out;
  out << "plan: " << operations_.size() << " operations, allowed_mem " << format_size(spec_->allowed_mem())
      << ", reserved_mem " << format_size(spec_->reserved_mem()) << "\n";
  for (std::size_t i = 0; i < operations_.size(); ++i) {
    const PlanOperation& op = operations_[i];
    const ArrayNode& n = *op.node;
    out << "  op " << i << ": " << n.op->function_name() << " -> " << n.name << " " << dtype_name(n.dtype) << " "
        << shape_to_string(n.shape()) << " chunks " << shape_to_string(n.chunks());
    if (op.target) {
      out << " -> " << op.target->location.describe();
    } else if (op.output_index >= 0) {
      out << " (result)";
    } else {
      out << " (intermediate)";
    }
    out << "\n      inputs:";
    auto inputs = n.op->inputs();
    if (inputs.empty()) out << " none";
    for (const NodePtr& input : inputs) {
      out << " " << input->name << "(" << input->op->function_name() << ")";
    }
    if (!op.fused.empty()) {
      out << "\n      fused:";
      for (const NodePtr& f : op.fused) out << " " << f->name << "(" << f->op->function_name() << ")";
    }
    out << "\n      tasks " << op.num_tasks << ", projected_mem " << format_size(op.projected_mem)
        << (op.over_budget() ? " OVER allowed_mem" : "") << ", reads ~" << format_size(op.bytes_read)
        << ", writes " << format_size(op.bytes_written) << "\n";
  }
  PlanStats s = stats();
  out << "total: " << s.num_operations << " operations, " << s.num_tasks << " tasks, " << s.num_intermediate_arrays
      << " intermediate arrays, " << s.num_rechunk_stages << " rechunk stages, max projected_mem "
      << format_size(s.max_projected_mem) << ", reads ~" << format_size(s.bytes_read) << ", writes "
      << format_size(s.bytes_written) << "\n";
  if (!fusion_log_.empty()) {
    out << "fusion:\n";
    for (const std::string& line : fusion_log_) out << "  " << line << "\n";
  }
  return out.str();
}

void Plan::validate() const {
  for (const PlanOperation& op : operations_) {
    if (!op.over_budget()) continue;
    throw MemoryBudgetError("operation '" + op.node->op->function_name() + "' (" + op.node->name + ", chunks " +
                            shape_to_string(op.node->chunks()) + ", chunk " + format_size(op.node->chunk_nbytes()) +
                            "): projected memory per task " +
                            format_size(op.projected_mem) + " exceeds allowed_mem " + format_size(op.allowed_mem) +
                            " (reserved_mem " + format_size(op.reserved_mem) +
                            "); use smaller chunks or raise allowed_mem");
  }
}

}  // namespace cubed
