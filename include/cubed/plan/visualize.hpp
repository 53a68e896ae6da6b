#pragma once
/// Drawing a plan before paying for it: Graphviz DOT with one box per
/// operation (function, fused arrays, tasks, projected memory, chunk shape)
/// and one ellipse per array it reads or writes (shape, chunks, dtype, size;
/// virtual, source, intermediate or output). Operations over allowed_mem are
/// drawn in red with their figures: a plan over the bound can be drawn, only
/// running it is refused.
#include <string>
#include <vector>

#include "cubed/plan/plan.hpp"

namespace cubed {

/// The plan in the DOT language.
std::string plan_to_dot(const Plan& plan);

/// Writes the plan to `path`: DOT, or SVG / PNG rendered by Graphviz's `dot`
/// (Debian package graphviz) when the name ends in .svg or .png. Throws
/// InvalidArgumentError for another extension and ExecutorError when `dot`
/// is missing or fails (its message included).
void visualize(const Plan& plan, const std::string& path);

/// Builds the plan computing `arrays` (no targets) and draws it.
void visualize(const std::vector<Array>& arrays, const std::string& path, const PlanOptions& options = {});

}  // namespace cubed
