#include "cubed/array/array_node.hpp"

#include <atomic>
#include <cstdio>

#include "cubed/core/error.hpp"
#include "cubed/primitives/projected_memory.hpp"

namespace cubed {

NDBuffer Operation::compute_chunk(const ArrayNode& self, const Shape&, ChunkContext&) const {
  throw InternalError("operation '" + function_name() + "' of " + self.name + " does not produce single chunks");
}

Shape Operation::task_grid(const ArrayNode& self) const { return self.grid.grid_shape(); }

void Operation::run_task(const ArrayNode& self, const Shape& task, ChunkContext& context) const {
  context.write_chunk(self, task, compute_chunk(self, task, context));
}

std::int64_t Operation::task_memory(const ArrayNode& self) const { return write_memory(self); }

std::int64_t Operation::input_chunks_per_task(const ArrayNode& self) const {
  std::int64_t n = 0;
  for (std::int64_t c : input_chunk_counts(self)) n += c;
  return n;
}

std::int64_t Operation::task_memory_given(const ArrayNode& self, const ReadMemoryFn&) const {
  return task_memory(self);
}

std::int64_t Operation::compute_memory(const ArrayNode& self, const ReadMemoryFn& read_memory) const {
  return task_memory_given(self, read_memory);
}

std::int64_t Operation::read_memory(const ArrayNode& self) const {
  return stored_chunk_memory(self.chunk_nbytes(), self.spec->intermediate_compressor(), work_dir_io_copies(*self.spec));
}

NodePtr make_node(Shape shape, Shape chunks, DType dtype, SpecPtr spec, std::shared_ptr<const Operation> op) {
  static std::atomic<std::int64_t> counter{0};
  char name[32];
  std::snprintf(name, sizeof name, "array-%04lld", static_cast<long long>(++counter));
  auto node = std::make_shared<ArrayNode>();
  node->name = name;
  node->grid = ChunkGrid(std::move(shape), std::move(chunks));
  node->dtype = dtype;
  node->spec = spec ? std::move(spec) : default_spec();
  node->op = std::move(op);
  return node;
}

SpecPtr common_spec(const std::vector<NodePtr>& nodes) {
  SpecPtr spec;
  const ArrayNode* first = nullptr;
  for (const NodePtr& n : nodes) {
    if (!spec) {
      spec = n->spec;
      first = n.get();
    } else if (n->spec != spec && !(*n->spec == *spec)) {
      throw InvalidArgumentError("arrays " + first->name + " and " + n->name +
                                 " have different specs (all arrays of a computation must share one spec)");
    }
  }
  return spec ? spec : default_spec();
}

}  // namespace cubed
