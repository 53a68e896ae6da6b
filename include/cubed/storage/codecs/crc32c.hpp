#pragma once
/// CRC-32C (Castagnoli), the checksum of Zarr v3's `crc32c` codec.
#include <cstdint>
#include <span>

#include "cubed/storage/codecs/codec.hpp"

namespace cubed::storage {

/// CRC-32C of `data` (reflected polynomial 0x82F63B78, initial value and
/// final xor 0xFFFFFFFF): crc32c("123456789") == 0xE3069283. `previous`
/// continues a checksum over concatenated pieces.
std::uint32_t crc32c(std::span<const std::uint8_t> data, std::uint32_t previous = 0);

/// Zarr v3's `crc32c` bytes -> bytes codec: encoding appends the checksum of
/// the input as 4 little-endian bytes; decoding verifies and strips it,
/// throwing CodecError ("crc32c checksum mismatch") on a difference and for
/// inputs shorter than 4 bytes. Not a numcodecs compressor: only v3 chains
/// use it.
CodecPtr make_crc32c_codec();

}  // namespace cubed::storage
