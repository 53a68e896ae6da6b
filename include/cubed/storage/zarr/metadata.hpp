#pragma once
/// Zarr v2 array metadata (`.zarray`), every field of the v2 spec:
/// zarr_format, shape, chunks, dtype, compressor, fill_value, order,
/// filters (only null or [] is accepted) and dimension_separator.
#include <optional>
#include <string>
#include <string_view>

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
/// The JSON text of a fill value for a dtype ("NaN", [re, im], 0, null...).
std::string fill_value_json(const std::optional<Scalar>& fill, DType dtype);

}  // namespace cubed::storage
