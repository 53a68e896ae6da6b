#pragma once
// Shared by the creation functions (creation.cpp, random.cpp).
#include <string>

#include "cubed/array/spec.hpp"
#include "cubed/core/chunk_grid.hpp"

namespace cubed::detail {

/// "auto" chunks: near 128 MB, but never more than a quarter of what a task
/// may use, so that the operations reading them fit the spec's budget.
Shape creation_chunks(const ChunkSpec& chunks, const Shape& shape, DType dtype, const SpecPtr& spec);

/// Throws InvalidArgumentError naming `fn` for a negative dimension or a
/// shape whose size overflows.
void check_shape(const std::string& fn, const Shape& shape);

}  // namespace cubed::detail
