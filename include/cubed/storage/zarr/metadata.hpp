#pragma once
/// Zarr array metadata, v2 (`.zarray`) and v3 (`zarr.json`), in one struct
/// so that everything above the storage layer handles both formats alike.
/// v2: every field of the v2 spec: zarr_format, shape, chunks, dtype,
/// compressor, fill_value, order, filters (only null or [] is accepted) and
/// dimension_separator.
/// v3 (see v3_codecs.hpp): `compressor` is the array's whole codec chain (a
/// V3CodecChain: transpose, endianness, sharding, compressors, checksums),
/// `order` is C and `endian` little (the chain does both), `chunks` is the
/// chunk grid's chunk shape (the shard shape when sharded).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cubed/core/chunk_grid.hpp"
#include "cubed/core/dtype.hpp"
#include "cubed/core/scalar.hpp"
#include "cubed/core/shape.hpp"
#include "cubed/storage/codecs/codec.hpp"

namespace cubed::storage {

/// Memory layout of the elements inside each stored chunk.
enum class Order : std::uint8_t { kC, kF };

struct ArrayMetadata {
  Shape shape;
  Shape chunks;
  DType dtype = DType::kFloat64;
  Endian endian = Endian::kLittle;  ///< byte order of stored chunks
  CodecPtr compressor;              ///< nullptr: chunks stored raw
  std::optional<Scalar> fill_value = Scalar(0);  ///< nullopt: JSON null
  Order order = Order::kC;
  char dimension_separator = '.';  ///< '.' or '/'
  int zarr_format = 2;             ///< 2 or 3

  // ---- Zarr v3 only ----
  /// chunk_key_encoding "v2" (keys "0.1") instead of "default" ("c/0/1");
  /// the separator is dimension_separator.
  bool v2_chunk_keys = false;
  /// dimension_names (nullopt entries are JSON null); empty: not written.
  std::vector<std::optional<std::string>> dimension_names;
  /// Sharded arrays: the chunks inside each shard (`chunks` is then the
  /// shard shape). Empty: not sharded. On create, a non-empty value makes
  /// the chain a sharding_indexed one.
  Shape inner_chunks;

  /// Throws InvalidArgumentError when chunks do not fit the shape.
  ChunkGrid grid() const { return ChunkGrid(shape, chunks); }
  /// The fill value, or 0 when it is null (what zarr-python returns for
  /// missing chunks of numeric arrays with a null fill value).
  Scalar fill_or_zero() const { return fill_value.value_or(Scalar(0)); }
  /// Bytes of one full (unclipped) chunk.
  std::int64_t chunk_nbytes() const;
};

/// Parses `.zarray` text. `where` names the file in messages. Throws
/// MetadataError (malformed JSON, missing or bad field, filters),
/// DTypeError (unsupported dtype) or CodecError (unknown compressor).
ArrayMetadata parse_zarray(std::string_view json, std::string_view where);
/// The `.zarray` text for `meta` (pretty-printed, as zarr-python writes).
std::string zarray_json(const ArrayMetadata& meta);
/// Parses a v3 `zarr.json` of an array. `attributes` receives the
/// attributes object's JSON text ("{}" when absent). Throws MetadataError
/// naming the bad field, an unknown extension (must_understand) or a
/// storage transformer, DTypeError naming an unsupported data_type and
/// CodecError naming an unknown codec.
ArrayMetadata parse_zarr_json(std::string_view json, std::string_view where, std::string* attributes = nullptr);
/// The `zarr.json` text of an array (`meta.compressor` must be its chain).
std::string zarr_json(const ArrayMetadata& meta, const std::string& attributes_json);
/// The `zarr.json` text of a group.
std::string zarr_group_json(const std::string& attributes_json);
/// The JSON text of a fill value for a dtype ("NaN", [re, im], 0, null...).
std::string fill_value_json(const std::optional<Scalar>& fill, DType dtype);

}  // namespace cubed::storage
