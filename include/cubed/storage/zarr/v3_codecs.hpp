#pragma once
/// The codec chain of a Zarr v3 array, for chunks of one shape.
///
/// A chain is array->array codecs (`transpose`), one array->bytes codec
/// (`bytes` with an endianness, or `sharding_indexed`), then bytes->bytes
/// codecs (`blosc`, `gzip`, `zstd`, `crc32c`, and zarr-python's
/// `numcodecs.<id>` names for the other numcodecs compressors).
///
/// It is a Codec over the chunk's C-order, native-endian bytes: ZarrArray
/// stores a v3 array's chain as its `compressor`, so the chunk read/write
/// paths and every memory model above the storage layer treat v2 and v3
/// alike (max_encoded_size of a sharded chain counts every inner chunk's
/// bound plus the index).
///
/// Sharding (`sharding_indexed`): a chunk of the array grid is a shard, the
/// concatenation of its encoded inner chunks (C order over the inner grid)
/// and an index of (offset, nbytes) uint64 pairs, one per inner chunk, at the
/// start or end of the shard; 2^64-1 twice marks an empty inner chunk (all
/// fill value, not stored). decode_shard and read_inner_chunk fetch the
/// index and then only the byte ranges of the inner chunks they need.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cubed/core/dtype.hpp"
#include "cubed/core/ndbuffer.hpp"
#include "cubed/core/scalar.hpp"
#include "cubed/core/shape.hpp"
#include "cubed/storage/codecs/codec.hpp"

namespace cubed::storage {

class V3CodecChain;
using V3ChainPtr = std::shared_ptr<const V3CodecChain>;

class V3CodecChain final : public Codec {
 public:
  struct Sharding {
    Shape inner_chunks;
    V3ChainPtr inner;  ///< the chain of each inner chunk
    V3ChainPtr index;  ///< the chain of the index (shape inner grid + [2], uint64)
    bool index_at_end = true;
  };
  /// Reads `length` bytes at `offset` of the stored chunk (negative: from the
  /// end), clipped; nullopt when the chunk is not stored.
  using Fetch = std::function<std::optional<Bytes>(std::int64_t offset, std::int64_t length)>;

  /// Parses a v3 `codecs` list (JSON text) for chunks of `chunk_shape`.
  /// Throws MetadataError for a malformed chain and CodecError naming an
  /// unknown codec or a bad configuration.
  static V3ChainPtr parse(std::string_view codecs_json, const Shape& chunk_shape, DType dtype, const Scalar& fill);
  /// The chain cubed-cpp writes: [bytes (little), compressor] or, with
  /// `inner_chunks`, [sharding_indexed of inner chunks with [bytes,
  /// compressor], index [bytes, crc32c] at the end]. `compressor` may be
  /// nullptr (none), a numcodecs codec, or another chain (its compressor()).
  static V3ChainPtr make(const Shape& chunk_shape, DType dtype, const Scalar& fill, const CodecPtr& compressor,
                         const Shape& inner_chunks);
  /// The same codecs for chunks of another shape (a rechunked copy).
  V3ChainPtr with_shape(const Shape& chunk_shape) const;

  std::string_view id() const override { return "zarr3"; }
  /// The v3 `codecs` list as JSON text.
  std::string config_json() const override;
  Bytes encode(std::span<const std::uint8_t> raw, std::size_t item_size) const override;
  Bytes decode(std::span<const std::uint8_t> encoded, std::size_t decoded_size) const override;
  std::int64_t max_encoded_size(std::int64_t raw_bytes) const override;

  /// A short description: "transpose[1,0] / bytes(little) / gzip(level=5)".
  std::string describe() const;
  /// The compressing bytes->bytes codec of the chain (of the inner chunks
  /// when sharded; crc32c is not one), or nullptr: what a v2 copy uses.
  CodecPtr compressor() const;
  const Shape& chunk_shape() const { return chunk_shape_; }
  /// Set when the array->bytes codec is sharding_indexed.
  const std::optional<Sharding>& sharding() const { return sharding_; }
  /// True when inner chunks can be read alone with ranged reads: sharded,
  /// with no codec before or after sharding_indexed.
  bool ranged_reads() const { return sharding_ && order_.empty() && bytes_codecs_.empty(); }
  /// Encoded size of a shard's index.
  std::int64_t index_nbytes() const;

  /// Decodes a whole shard from ranged reads (needs ranged_reads()):
  /// the index, then each non-empty inner chunk. nullopt: not stored.
  std::optional<NDBuffer> decode_shard(const Fetch& fetch) const;
  /// One inner chunk (full inner shape) of a shard, reading only the index
  /// and its bytes; the fill value when empty or the shard is not stored.
  NDBuffer read_inner_chunk(const Fetch& fetch, const Shape& inner_coords) const;

 private:
  V3CodecChain() = default;
  friend struct V3ChainBuilder;
  std::optional<std::vector<std::uint64_t>> load_index(const Fetch& fetch) const;
  NDBuffer decode_inner(const Fetch& fetch, const std::vector<std::uint64_t>& index, std::int64_t i) const;
  NDBuffer decode_array(std::span<const std::uint8_t> bytes) const;
  Bytes encode_array(const NDBuffer& array) const;
  Bytes encode_shard(const NDBuffer& shard) const;

  Shape chunk_shape_;
  DType dtype_ = DType::kFloat64;
  Scalar fill_;
  std::vector<int> order_;  ///< composed transpose (empty: none)
  Shape encoded_shape_;     ///< chunk shape after the transposes
  Endian endian_ = Endian::kLittle;
  std::optional<Sharding> sharding_;
  std::vector<CodecPtr> bytes_codecs_;
  std::string json_;  ///< canonical `codecs` JSON
};

}  // namespace cubed::storage
