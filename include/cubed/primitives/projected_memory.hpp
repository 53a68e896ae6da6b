#pragma once
/// The memory model (as Cubed's, with the copies cubed-cpp really makes):
///
///   projected_mem(task) = reserved_mem
///                       + sum over inputs of (chunks held at once x read_memory)
///                       + extra declared by the chunk function
///                       + write_memory(output)
///
/// - read_memory of a stored chunk = decoded bytes + encoded bytes (bounded
///   by the codec's max_encoded_size); of a virtual chunk = its bytes.
/// - write_memory = the result chunk + a padded/reordered copy when the
///   array has edge chunks or is not C-order little-endian + the encoded
///   copy (none when uncompressed).
/// Streaming reads (one chunk at a time) hold 1 chunk per input.
#include <cstdint>

#include "cubed/array/array_node.hpp"

namespace cubed {

/// Bytes to hold one decoded chunk of `node` and its encoded form when it
/// is stored with `codec` (nullptr: uncompressed).
std::int64_t stored_chunk_memory(std::int64_t chunk_nbytes, const storage::CodecPtr& codec);
/// Bytes to produce and write one chunk of `node` to an intermediate array.
std::int64_t write_memory(const ArrayNode& node);

}  // namespace cubed
