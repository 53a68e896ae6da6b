#include "cubed/primitives/projected_memory.hpp"

namespace cubed {

std::int64_t stored_chunk_memory(std::int64_t chunk_nbytes, const storage::CodecPtr& codec) {
  std::int64_t encoded = codec ? codec->max_encoded_size(chunk_nbytes) : chunk_nbytes;
  return chunk_nbytes + encoded;
}

std::int64_t write_memory(const ArrayNode& node) {
  const std::int64_t chunk = node.chunk_nbytes();
  bool has_edge = false;
  for (int i = 0; i < node.ndim(); ++i) has_edge = has_edge || node.shape()[i] % node.chunks()[i] != 0;
  const storage::CodecPtr& codec = node.spec->intermediate_compressor();
  std::int64_t padded = has_edge ? chunk : 0;
  std::int64_t encoded = codec ? codec->max_encoded_size(chunk) : 0;
  return chunk + padded + encoded;
}

}  // namespace cubed
