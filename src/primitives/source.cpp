#include "cubed/primitives/source.hpp"

#include "cubed/core/error.hpp"
#include "cubed/primitives/projected_memory.hpp"

namespace cubed {
namespace {

class ZarrSourceOp final : public Operation {
 public:
  explicit ZarrSourceOp(storage::ZarrArray array) : array_(std::move(array)) {}
  OperationKind kind() const override { return OperationKind::kSource; }
  std::string function_name() const override { return "from_zarr"; }
  bool is_stored() const override { return true; }
  NDBuffer compute_chunk(const ArrayNode&, const Shape& coords, ChunkContext&) const override {
    return array_.read_block(coords);
  }
  std::int64_t read_memory(const ArrayNode& self) const override {
    // Fortran-order chunks are transposed after decoding: one more copy.
    std::int64_t transpose = array_.metadata().order == storage::Order::kF ? self.chunk_nbytes() : 0;
    // A sharded v3 array is read by inner chunk (read_block): the inner
    // chain's encoded bound plus the shard index, not the whole shard.
    const int copies = array_.location().store->extra_copies_on_io();
    auto chain = std::dynamic_pointer_cast<const storage::V3CodecChain>(array_.metadata().compressor);
    if (chain && chain->ranged_reads()) {
      return stored_chunk_memory(self.chunk_nbytes(), chain->sharding()->inner, copies) + 2 * chain->index_nbytes();
    }
    return stored_chunk_memory(self.chunk_nbytes(), array_.metadata().compressor, copies) + transpose;
  }
  // Materialised (copied to a target), a task reads its chunk and writes it.
  std::int64_t task_memory(const ArrayNode& self) const override {
    return read_memory(self) + write_memory(self);
  }
  std::string storage_location() const override { return array_.location().describe(); }

 private:
  storage::ZarrArray array_;
};

class VirtualOp final : public Operation {
 public:
  VirtualOp(std::string name, ChunkGenerator generator) : name_(std::move(name)), generator_(std::move(generator)) {}
  OperationKind kind() const override { return OperationKind::kVirtual; }
  std::string function_name() const override { return name_; }
  bool is_virtual() const override { return true; }
  NDBuffer compute_chunk(const ArrayNode& self, const Shape& coords, ChunkContext&) const override {
    NDBuffer chunk = generator_(coords, self.grid.chunk_origin(coords), self.grid.chunk_shape(coords));
    if (chunk.dtype() != self.dtype || chunk.shape() != self.grid.chunk_shape(coords)) {
      throw InternalError(name_ + ": generated chunk " + shape_to_string(coords) + " has the wrong dtype or shape");
    }
    return chunk;
  }
  std::int64_t read_memory(const ArrayNode& self) const override { return self.chunk_nbytes(); }
  std::int64_t task_memory(const ArrayNode& self) const override {
    return read_memory(self) + write_memory(self);
  }

 private:
  std::string name_;
  ChunkGenerator generator_;
};

}  // namespace

Array from_zarr(const storage::ZarrArray& array, SpecPtr spec) {
  const storage::ArrayMetadata& m = array.metadata();
  // A 0-d array has one chunk of shape ().
  // Sharded v3 arrays are read by inner chunk (array.read_chunks()).
  return Array(make_node(m.shape, array.read_chunks(), m.dtype, std::move(spec), std::make_shared<ZarrSourceOp>(array)));
}

Array from_zarr(const std::string& path, SpecPtr spec) {
  return from_zarr(storage::ZarrArray::open(storage::open_store_path(path)), std::move(spec));
}

Array virtual_array(std::string function_name, Shape shape, Shape chunks, DType dtype, ChunkGenerator generator,
                    SpecPtr spec) {
  return Array(make_node(std::move(shape), std::move(chunks), dtype, std::move(spec),
                         std::make_shared<VirtualOp>(std::move(function_name), std::move(generator))));
}

Array from_array(NDBuffer data, Shape chunks, SpecPtr spec) {
  Shape shape = data.shape();
  if (chunks.empty()) {
    chunks = shape;
    for (auto& c : chunks) c = std::max<std::int64_t>(c, 1);
  }
  DType dtype = data.dtype();
  auto shared = std::make_shared<const NDBuffer>(std::move(data));
  return virtual_array(
      "from_array", shape, chunks, dtype,
      [shared](const Shape&, const Shape& origin, const Shape& chunk_shape) {
        NDBuffer chunk(shared->dtype(), chunk_shape);
        copy_region(*shared, origin, chunk, Shape(chunk_shape.size(), 0), chunk_shape);
        return chunk;
      },
      std::move(spec));
}

}  // namespace cubed
