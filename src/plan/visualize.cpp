#include "cubed/plan/visualize.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "cubed/core/error.hpp"
#include "cubed/core/size.hpp"

extern char** environ;

namespace cubed {
namespace {

// A DOT string literal.
std::string dot_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string array_kind(const ArrayNode& node, const Plan& plan, const std::map<const ArrayNode*, int>& op_of) {
  auto it = op_of.find(&node);
  if (it == op_of.end()) return node.op->is_virtual() ? "virtual" : "source";
  const PlanOperation& op = plan.operations()[it->second];
  if (op.target || op.output_index >= 0) return "output";
  return "intermediate";
}

// The arrays a task of `node` reads: its inputs, through fused ones.
void reads_of(const ArrayNode& node, const std::vector<NodePtr>& fused, std::vector<NodePtr>& out) {
  for (const NodePtr& input : node.op->inputs()) {
    bool is_fused = std::find(fused.begin(), fused.end(), input) != fused.end();
    if (is_fused) {
      reads_of(*input, fused, out);
    } else if (std::find(out.begin(), out.end(), input) == out.end()) {
      out.push_back(input);
    }
  }
}

}  // namespace

std::string plan_to_dot(const Plan& plan) {
  std::map<const ArrayNode*, int> op_of;
  for (std::size_t i = 0; i < plan.operations().size(); ++i) op_of[plan.operations()[i].node.get()] = static_cast<int>(i);
  std::ostringstream dot;
  dot << "digraph plan {\n  rankdir=TB;\n  node [fontname=\"Helvetica\", fontsize=10];\n";
  dot << "  label=" << dot_string("allowed_mem " + format_size(plan.spec()->allowed_mem()) + ", reserved_mem " +
                              format_size(plan.spec()->reserved_mem()))
      << ";\n";
  std::map<const ArrayNode*, bool> drawn;
  auto draw_array = [&](const ArrayNode& node) {
    if (drawn[&node]) return;
    drawn[&node] = true;
    const std::string kind = array_kind(node, plan, op_of);
    std::string label = node.name + "\n" + kind + "\nshape " + shape_to_string(node.shape()) + "\nchunks " +
                        shape_to_string(node.chunks()) + "\n" + std::string(dtype_name(node.dtype)) + ", " +
                        format_size(node.nbytes());
    if (!node.op->storage_location().empty()) {
      label += '\n';
      label += node.op->storage_location();
    }
    const char* style = kind == "virtual"  ? "dashed"
                        : kind == "output" ? "bold"
                                           : "solid";
    dot << "  " << dot_string(node.name) << " [shape=ellipse, style=" << style << ", label=" << dot_string(label) << "];\n";
  };
  for (std::size_t i = 0; i < plan.operations().size(); ++i) {
    const PlanOperation& op = plan.operations()[i];
    const ArrayNode& node = *op.node;
    std::string label = fmt::format("op {}: {}", i, node.op->function_name());
    if (!op.fused.empty()) {
      label += "\nfused:";
      for (const NodePtr& f : op.fused) {
        label += ' ';
        label += f->op->function_name();
      }
    }
    label += "\ntasks " + std::to_string(op.num_tasks) + ", chunk " + shape_to_string(node.chunks()) +
             "\nprojected_mem " + format_size(op.projected_mem);
    if (op.over_budget()) label += fmt::format("\nOVER allowed_mem {}", format_size(op.allowed_mem));
    const std::string id = "op" + std::to_string(i);
    dot << "  " << id << " [shape=box, style=filled, fillcolor=" << (op.over_budget() ? "\"#ff9999\", color=red" : "\"#dde8f5\"")
        << ", label=" << dot_string(label) << "];\n";
    std::vector<NodePtr> reads;
    reads_of(node, op.fused, reads);
    for (const NodePtr& input : reads) {
      draw_array(*input);
      dot << "  " << dot_string(input->name) << " -> " << id << ";\n";
    }
    draw_array(node);
    dot << "  " << id << " -> " << dot_string(node.name) << ";\n";
  }
  dot << "}\n";
  return dot.str();
}

void visualize(const Plan& plan, const std::string& path) {
  const std::filesystem::path target(path);
  const std::string ext = target.extension().string();
  if (ext != ".dot" && ext != ".gv" && ext != ".svg" && ext != ".png") {
    throw InvalidArgumentError("cannot draw a plan to '" + path + "': the name must end in .dot, .gv, .svg or .png");
  }
  const std::string dot = plan_to_dot(plan);
  const bool render = ext == ".svg" || ext == ".png";
  const std::string dot_path = render ? path + ".tmp.dot" : path;
  {
    std::ofstream out(dot_path, std::ios::binary);
    out << dot;
    if (!out.flush()) throw StorageError("cannot write the plan to '" + dot_path + "'");
  }
  if (!render) return;
  // dot -T<format> IN -o OUT, its messages captured in a file for the error.
  const std::string errors_path = path + ".tmp.err";
  const std::string format = "-T" + ext.substr(1);
  std::vector<std::string> argv_strings = {"dot", format, dot_path, "-o", path};
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, errors_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "dot", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  if (spawned == 0) {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  std::string messages;
  {
    std::ifstream err(errors_path);
    std::getline(err, messages, '\0');
  }
  std::error_code ec;
  std::filesystem::remove(dot_path, ec);
  std::filesystem::remove(errors_path, ec);
  if (spawned != 0) {
    throw ExecutorError("cannot draw '" + path + "': Graphviz's dot cannot be run (" + std::strerror(spawned) +
                        "); install the Debian package graphviz, or write .dot");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    while (!messages.empty() && messages.back() == '\n') messages.pop_back();
    throw ExecutorError("cannot draw '" + path + "': dot failed" + (messages.empty() ? "" : ": " + messages));
  }
}

void visualize(const std::vector<Array>& arrays, const std::string& path, const PlanOptions& options) {
  std::vector<Plan::Output> outputs;
  for (const Array& a : arrays) outputs.push_back({a, std::nullopt});
  visualize(Plan::build(outputs, options), path);
}

}  // namespace cubed
