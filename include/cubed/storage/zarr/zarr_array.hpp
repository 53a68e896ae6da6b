#pragma once
/// A Zarr v2 array in a store: metadata plus chunk I/O.
///
/// On-disk protocol:
/// - `.zarray` holds the metadata, `.zattrs` the user attributes (JSON).
/// - Chunk (i, j, k) is stored under "i.j.k" (or "i/j/k" with
///   dimension_separator "/"); a 0-d array's one chunk is "0".
/// - Every stored chunk is full size, edge chunks padded with the fill value
///   (0 when it is null); readers clip them.
/// - A chunk not stored reads as the fill value.
/// - Creation with `defer_metadata` writes `.zarray` only at `commit()`, after
///   every chunk: an output interrupted half-way has no `.zarray` and so never
///   looks like a whole array to any reader.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "cubed/core/ndbuffer.hpp"
#include "cubed/storage/store.hpp"
#include "cubed/storage/zarr/metadata.hpp"

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
  /// The chunk if stored, else nullopt.
  std::optional<NDBuffer> read_chunk_if_stored(const Shape& coords) const;
  /// Writes a chunk; `data` has the clipped chunk shape and the array's
  /// dtype (InvalidArgumentError otherwise). Atomic per chunk.
  void write_chunk(const Shape& coords, const NDBuffer& data) const;
  bool chunk_stored(const Shape& coords) const;
  /// Writes `.zarray` (for arrays created with defer_metadata). Idempotent.
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
  std::shared_ptr<const Impl> impl_;
};

/// Creates a Zarr v2 group (`.zgroup`) at a location, with optional
/// attributes. Existing groups are left as they are.
void create_group(const StorePath& where, const std::string& attributes_json = "");
/// What is at a location: an array, a group, or nothing.
enum class NodeKind : std::uint8_t { kNone, kArray, kGroup };
NodeKind node_kind(const StorePath& where);

}  // namespace cubed::storage
