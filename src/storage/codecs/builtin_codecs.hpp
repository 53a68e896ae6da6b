#pragma once
/// Factories of the built-in compressors (internal to the storage layer).
/// Each validates its parameters and throws CodecError naming the bad one;
/// defaults are those of numcodecs 0.11, so a missing JSON key means the same
/// thing here as in zarr-python.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cubed/core/error.hpp"
#include "cubed/core/memory.hpp"
#include "cubed/storage/codecs/codec.hpp"

namespace cubed::storage {

// ---- blosc ----------------------------------------------------------------
/// numcodecs' Blosc shuffle codes.
inline constexpr int kBloscAutoShuffle = -1;  ///< bit shuffle for 1-byte items, else byte
inline constexpr int kBloscNoShuffle = 0;
inline constexpr int kBloscShuffle = 1;
inline constexpr int kBloscBitShuffle = 2;

/// `cname` one of blosclz, lz4, lz4hc, zlib, zstd; `clevel` 0-9; `shuffle`
/// one of the codes above; `blocksize` in bytes, 0 = automatic.
CodecPtr make_blosc_codec(std::string_view cname = "lz4", int clevel = 5,
                          int shuffle = kBloscShuffle, int blocksize = 0);

// ---- single-stream compressors --------------------------------------------
/// `level` in [ZSTD_minCLevel(), ZSTD_maxCLevel()] (0 = zstd's default).
/// `checksum` appends a content checksum to each frame; it appears in the
/// config (as newer numcodecs writes it) only when true, because numcodecs
/// 0.11 rejects the key.
CodecPtr make_zstd_codec(int level = 1, bool checksum = false);
/// numcodecs' LZ4: a 4-byte little-endian decoded size, then one LZ4 block.
/// `acceleration` < 1 means 1, as in liblz4.
CodecPtr make_lz4_codec(int acceleration = 1);
/// A zlib stream; `level` -1 (zlib's default) to 9.
CodecPtr make_zlib_codec(int level = 1);
/// A gzip member; `level` -1 to 9. Decoding accepts concatenated members.
CodecPtr make_gzip_codec(int level = 1);
/// A bzip2 stream; `level` 1-9 (block size in 100 kB).
CodecPtr make_bz2_codec(int level = 1);

// ---- lzma -----------------------------------------------------------------
inline constexpr int kLzmaFormatAuto = 0;   ///< decode xz or lzma-alone; encode xz
inline constexpr int kLzmaFormatXz = 1;
inline constexpr int kLzmaFormatAlone = 2;
/// liblzma's LZMA_PRESET_EXTREME flag (Python's lzma.PRESET_EXTREME).
inline constexpr std::uint32_t kLzmaPresetExtreme = 0x80000000U;
/// numcodecs' LZMA without filters: `format` 0, 1 or 2 (raw needs filters);
/// `check` -1 (default: CRC64 for xz), 0, 1, 4 or 10 (xz only; alone allows
/// -1 and 0); `preset` 0-9, optionally or-ed with LZMA_PRESET_EXTREME,
/// nullopt = 6 (written as null).
CodecPtr make_lzma_codec(int format = kLzmaFormatXz, int check = -1,
                         std::optional<std::uint32_t> preset = std::nullopt);

// ---- shared by the codec implementations ----------------------------------
namespace codec_detail {

/// Throws the CodecError for undecodable input, naming the codec and sizes:
/// "zstd: corrupt data (12 encoded bytes, expected 4000 decoded bytes): ...".
[[noreturn]] inline void throw_corrupt(std::string_view codec, std::size_t encoded_size,
                                       std::size_t decoded_size, std::string_view detail) {
  throw CodecError(std::string(codec) + ": corrupt data (" + std::to_string(encoded_size) +
                   " encoded bytes, expected " + std::to_string(decoded_size) +
                   " decoded bytes): " + std::string(detail));
}

/// Every codec writes at least a header, so an empty encoding is corrupt.
inline void check_not_empty(std::string_view codec, std::span<const std::uint8_t> encoded,
                            std::size_t decoded_size) {
  if (encoded.empty()) throw_corrupt(codec, 0, decoded_size, "empty input");
}

}  // namespace codec_detail

}  // namespace cubed::storage
