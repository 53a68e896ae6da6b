#pragma once
/// Array: a lazy, chunked N-dimensional array, the handle users hold. It
/// names a node of the plan; operations on arrays (api/) add nodes, and
/// nothing runs until compute() or to_zarr() (runtime/compute.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include "cubed/array/array_node.hpp"

namespace cubed {

class Array {
 public:
  Array() = default;
  explicit Array(NodePtr node) : node_(std::move(node)) {}

  const NodePtr& node() const { return node_; }
  bool valid() const { return node_ != nullptr; }
  const std::string& name() const { return node_->name; }
  const Shape& shape() const { return node_->shape(); }
  const Shape& chunks() const { return node_->chunks(); }
  const ChunkGrid& grid() const { return node_->grid; }
  /// Chunks per axis.
  const Shape& numblocks() const { return node_->grid.grid_shape(); }
  DType dtype() const { return node_->dtype; }
  int ndim() const { return node_->ndim(); }
  std::int64_t size() const { return shape_size(shape()); }
  std::int64_t nbytes() const { return node_->nbytes(); }
  const SpecPtr& spec() const { return node_->spec; }

 private:
  NodePtr node_;
};

}  // namespace cubed
