#pragma once
/// A Zarr v2 compressor (a bytes -> bytes codec), byte-compatible with
/// numcodecs in both directions. Codecs are immutable and thread-safe.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "cubed/core/memory.hpp"

namespace cubed::storage {

class Codec {
 public:
  virtual ~Codec() = default;
  /// The numcodecs id: "blosc", "zstd", "lz4", "zlib", "gzip", "bz2", "lzma".
  virtual std::string_view id() const = 0;
  /// The numcodecs configuration as one JSON object, e.g.
  /// {"id":"zstd","level":1}. Written verbatim into `.zarray`.
  virtual std::string config_json() const = 0;
  /// Compresses `raw`, whose elements are `item_size` bytes (blosc's shuffle
  /// uses it). Throws CodecError on failure.
  virtual Bytes encode(std::span<const std::uint8_t> raw, std::size_t item_size) const = 0;
  /// Decompresses `encoded` into exactly `decoded_size` bytes. Throws
  /// CodecError (naming the codec and the sizes) when the data is corrupt,
  /// truncated, or decodes to another size.
  virtual Bytes decode(std::span<const std::uint8_t> encoded, std::size_t decoded_size) const = 0;
  /// Decompresses `encoded` straight into `out` (exactly out.size() bytes),
  /// sparing a copy when the caller owns the destination (a chunk buffer).
  /// Same errors as decode. The default decodes, then copies.
  virtual void decode_into(std::span<const std::uint8_t> encoded, std::span<std::uint8_t> out) const;
  /// Upper bound of the encoded size of `raw_bytes` input, used by the
  /// memory model for the encoded copy of an output chunk.
  virtual std::int64_t max_encoded_size(std::int64_t raw_bytes) const = 0;
};

using CodecPtr = std::shared_ptr<const Codec>;

/// Makes a codec from its numcodecs JSON configuration (the `compressor` of a
/// `.zarray`). Unknown ids and bad parameters throw CodecError naming them.
CodecPtr codec_from_json(std::string_view json);
/// Makes a codec from the command-line form: `none` (returns nullptr),
/// `zstd[:LEVEL]`, `lz4[:ACCELERATION]`, `zlib[:LEVEL]`, `gzip[:LEVEL]`,
/// `bz2[:LEVEL]`, `lzma[:PRESET]`, `blosc[:CNAME[:CLEVEL[:SHUFFLE]]]` with
/// SHUFFLE one of noshuffle/shuffle/bitshuffle (or 0/1/2, -1 = auto).
/// Throws InvalidArgumentError naming the bad part.
CodecPtr codec_from_spec(std::string_view spec);
/// The default compressor for new arrays: blosc lz4 level 5, byte shuffle,
/// zarr-python's default.
CodecPtr default_codec();

}  // namespace cubed::storage
