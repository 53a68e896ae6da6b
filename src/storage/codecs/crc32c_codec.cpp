#include "cubed/storage/codecs/crc32c.hpp"

#include <array>
#include <fmt/format.h>

#include "cubed/core/error.hpp"

namespace cubed::storage {
namespace {

// Byte-at-a-time table of the reflected Castagnoli polynomial, built at
// compile time from its definition.
constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1U) != 0 ? (c >> 1) ^ 0x82F63B78U : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kTable = make_table();

class Crc32cCodec final : public Codec {
 public:
  std::string_view id() const override { return "crc32c"; }
  std::string config_json() const override { return R"({"id":"crc32c"})"; }

  Bytes encode(std::span<const std::uint8_t> raw, std::size_t) const override {
    Bytes out(raw.size() + 4);
    std::copy(raw.begin(), raw.end(), out.begin());
    std::uint32_t crc = crc32c(raw);
    for (int i = 0; i < 4; ++i) out[raw.size() + i] = static_cast<std::uint8_t>(crc >> (8 * i));
    return out;
  }

  Bytes decode(std::span<const std::uint8_t> encoded, std::size_t decoded_size) const override {
    if (encoded.size() < 4) {
      throw CodecError(fmt::format("crc32c: {} bytes is too short to hold a checksum (truncated)", encoded.size()));
    }
    const std::size_t n = encoded.size() - 4;
    if (n != decoded_size) {
      throw CodecError(fmt::format("crc32c: expected {} bytes before the checksum, found {} (truncated or corrupt)",
                                   decoded_size, n));
    }
    std::uint32_t stored = 0;
    for (int i = 0; i < 4; ++i) stored |= static_cast<std::uint32_t>(encoded[n + i]) << (8 * i);
    std::uint32_t computed = crc32c(encoded.first(n));
    if (stored != computed) {
      throw CodecError(fmt::format("crc32c checksum mismatch: stored {:#010x}, computed {:#010x} (corrupt data)",
                                   stored, computed));
    }
    return Bytes(encoded.begin(), encoded.begin() + static_cast<std::ptrdiff_t>(n));
  }

  std::int64_t max_encoded_size(std::int64_t raw_bytes) const override { return raw_bytes + 4; }
};

}  // namespace

std::uint32_t crc32c(std::span<const std::uint8_t> data, std::uint32_t previous) {
  std::uint32_t c = ~previous;
  for (std::uint8_t b : data) c = kTable[(c ^ b) & 0xFFU] ^ (c >> 8);
  return ~c;
}

CodecPtr make_crc32c_codec() { return std::make_shared<Crc32cCodec>(); }

}  // namespace cubed::storage
