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
/// - A store reached over the network (Store::extra_copies_on_io, 2 for S3
///   as in Cubed) adds that many copies of the encoded chunk to each read
///   and each write through it.
/// Streaming reads (one chunk at a time) hold 1 chunk per input.
#include <cstdint>

#include "cubed/array/array_node.hpp"

namespace cubed {

/// Bytes to hold one decoded chunk of `node` and its encoded form when it
/// is stored with `codec` (nullptr: uncompressed).
/// `extra_io_copies`: the store's Store::extra_copies_on_io().
std::int64_t stored_chunk_memory(std::int64_t chunk_nbytes, const storage::CodecPtr& codec, int extra_io_copies = 0);
/// Extra network copies of a chunk read from or written to the spec's work_dir.
int work_dir_io_copies(const Spec& spec);
/// Bytes to produce and write one chunk of `node` to an intermediate array.
std::int64_t write_memory(const ArrayNode& node);

}  // namespace cubed
