#pragma once
/// A Zarr array (v2 or v3, detected on open) in a store: metadata plus
/// chunk I/O. Everything above the storage layer opens arrays through
/// ZarrArray::open and so reads both formats without being told.
///
/// On-disk protocol (v2; v3 differs as noted at the end):
/// - `.zarray` holds the metadata, `.zattrs` the user attributes (JSON).
/// - Chunk (i, j, k) is stored under "i.j.k" (or "i/j/k" with
///   dimension_separator "/"); a 0-d array's one chunk is "0".
/// - Every stored chunk is full size, edge chunks padded with the fill value
///   (0 when it is null); readers clip them.
/// - A chunk not stored reads as the fill value.
/// - Creation with `defer_metadata` writes `.zarray` only at `commit()`, after
///   every chunk: an output interrupted half-way has no `.zarray` and so never
///   looks like a whole array to any reader.
///
/// Zarr v3 (metadata.zarr_format == 3): `zarr.json` holds the metadata and
/// the attributes; chunk keys are "c/i/j/k" (chunk_key_encoding default,
/// separator '/' or '.') or the v2 form. A sharded array's chunks() are its
/// shards: write_chunk encodes a whole shard (a task writes whole shards),
/// read_chunk reads one with ranged reads (index, then each stored inner
/// chunk), read_block reads one inner chunk (read_chunks() grid) with ranged
/// reads of its index and bytes only. defer_metadata holds back zarr.json.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "cubed/core/ndbuffer.hpp"
#include "cubed/storage/store.hpp"
#include "cubed/storage/zarr/metadata.hpp"
#include "cubed/storage/zarr/v3_codecs.hpp"

namespace cubed::storage {

struct CreateOptions {
  /// Replace an existing array or group at the location (its keys are erased
  /// first). Otherwise an existing one is an InvalidArgumentError.
  bool overwrite = false;
  /// Write `.zarray` at commit() instead of at creation (see file comment).
  bool defer_metadata = false;
  /// `.zattrs` content (a JSON object); empty: no `.zattrs`.
  std::string attributes_json;
};

class ZarrArray {
 public:
  /// Opens an existing array. Throws StorageError when there is no array at
  /// the location, and the errors of parse_zarray for bad metadata.
  static ZarrArray open(const StorePath& where);
  /// Creates an array. Throws InvalidArgumentError for chunks that do not
  /// fit the shape, a bad dimension_separator, or an existing array without
  /// `overwrite`.
  static ZarrArray create(const StorePath& where, ArrayMetadata meta, const CreateOptions& options = {});

  const ArrayMetadata& metadata() const;
  const ChunkGrid& grid() const;
  const Shape& shape() const { return metadata().shape; }
  const Shape& chunks() const { return metadata().chunks; }
  DType dtype() const { return metadata().dtype; }
  const StorePath& location() const;
  /// The `.zattrs` JSON object text ("{}" when absent).
  std::string attributes_json() const;

  /// Store key (relative to the store root) of a chunk.
  std::string chunk_key(const Shape& coords) const;
  /// The chunk, clipped to the array's edge; the fill value when not stored.
  /// Throws CodecError naming the chunk key and codec for corrupt data.
  NDBuffer read_chunk(const Shape& coords) const;
  /// The smallest independently readable chunk: the inner chunks of a
  /// sharded v3 array, else chunks().
  const Shape& read_chunks() const;
  /// Chunk `coords` of the read_chunks() grid, clipped; for a sharded array
  /// only its shard's index and its own bytes are read.
  NDBuffer read_block(const Shape& coords) const;
  /// The chunk if stored, else nullopt.
  std::optional<NDBuffer> read_chunk_if_stored(const Shape& coords) const;
  /// Writes a chunk; `data` has the clipped chunk shape and the array's
  /// dtype (InvalidArgumentError otherwise). Atomic per chunk.
  void write_chunk(const Shape& coords, const NDBuffer& data) const;
  bool chunk_stored(const Shape& coords) const;
  /// Writes `.zarray` or `zarr.json` (for arrays created with
  /// defer_metadata). Idempotent.
  void commit() const;

  /// The whole array in memory (for small arrays and tests).
  NDBuffer read_all() const;
  /// Writes a whole array held in memory, chunk by chunk.
  void write_all(const NDBuffer& data) const;

  /// Number of chunks present in the store.
  std::int64_t nchunks_initialized() const;
  /// Bytes of every key of the array in the store (metadata included, as
  /// zarr-python's nbytes_stored).
  std::int64_t nbytes_stored() const;

 private:
  struct Impl;
  explicit ZarrArray(std::shared_ptr<const Impl> impl);
  V3CodecChain::Fetch fetcher(const std::string& key) const;
  std::shared_ptr<const Impl> impl_;
};

/// Creates a group at a location (v2 `.zgroup` + `.zattrs`, or v3 zarr.json),
/// with optional attributes. Existing groups are left as they are.
void create_group(const StorePath& where, const std::string& attributes_json = "", int zarr_format = 2);
/// What is at a location: an array, a group, or nothing.
enum class NodeKind : std::uint8_t { kNone, kArray, kGroup };
NodeKind node_kind(const StorePath& where);

}  // namespace cubed::storage
