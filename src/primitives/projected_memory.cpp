#include "cubed/primitives/projected_memory.hpp"

#include "cubed/storage/store.hpp"

namespace cubed {

std::int64_t stored_chunk_memory(std::int64_t chunk_nbytes, const storage::CodecPtr& codec, int extra_io_copies) {
  std::int64_t encoded = codec ? codec->max_encoded_size(chunk_nbytes) : chunk_nbytes;
  return chunk_nbytes + encoded * (1 + extra_io_copies);
}

int work_dir_io_copies(const Spec& spec) {
  return storage::open_store_path(spec.work_dir()).store->extra_copies_on_io();
}

std::int64_t write_memory(const ArrayNode& node) {
  const std::int64_t chunk = node.chunk_nbytes();
  bool has_edge = false;
  for (int i = 0; i < node.ndim(); ++i) has_edge = has_edge || node.shape()[i] % node.chunks()[i] != 0;
  const storage::CodecPtr& codec = node.spec->intermediate_compressor();
  std::int64_t padded = has_edge ? chunk : 0;
  std::int64_t encoded = codec ? codec->max_encoded_size(chunk) : 0;
  std::int64_t network = work_dir_io_copies(*node.spec) * (codec ? encoded : chunk);
  return chunk + padded + encoded + network;
}

}  // namespace cubed
