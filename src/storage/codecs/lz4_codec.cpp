// numcodecs' LZ4: a 4-byte little-endian decoded size, then one LZ4 block.
#include <lz4.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/codecs/builtin_codecs.hpp"

namespace cubed::storage {
namespace {

using codec_detail::throw_corrupt;

constexpr std::string_view kId = "lz4";
constexpr std::size_t kHeaderSize = 4;

class Lz4Codec final : public Codec {
 public:
  explicit Lz4Codec(int acceleration) : acceleration_(acceleration) {}

  std::string_view id() const override { return kId; }

  std::string config_json() const override {
    return nlohmann::json{{"id", kId}, {"acceleration", acceleration_}}.dump();
  }

  Bytes encode(std::span<const std::uint8_t> raw, std::size_t /*item_size*/) const override {
    if (raw.size() > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE)) {
      throw CodecError(fmt::format("lz4: cannot compress {} bytes: more than the maximum {}",
                                   raw.size(), LZ4_MAX_INPUT_SIZE));
    }
    int raw_size = static_cast<int>(raw.size());
    int bound = LZ4_compressBound(raw_size);
    Bytes out(kHeaderSize + static_cast<std::size_t>(bound));
    for (std::size_t i = 0; i < kHeaderSize; ++i) {
      out[i] = static_cast<std::uint8_t>(static_cast<std::uint32_t>(raw_size) >> (8 * i));
    }
    int n = LZ4_compress_fast(reinterpret_cast<const char*>(raw.data()),
                              reinterpret_cast<char*>(out.data() + kHeaderSize), raw_size, bound,
                              acceleration_);
    if (n <= 0) throw CodecError(fmt::format("lz4: compressing {} bytes failed", raw.size()));
    out.resize(kHeaderSize + static_cast<std::size_t>(n));
    return out;
  }

  Bytes decode(std::span<const std::uint8_t> encoded, std::size_t decoded_size) const override {
    Bytes out(decoded_size);
    decode_into(encoded, out);
    return out;
  }

  void decode_into(std::span<const std::uint8_t> encoded, std::span<std::uint8_t> out) const override {
    const std::size_t decoded_size = out.size();
    if (encoded.size() < kHeaderSize + 1) {
      throw_corrupt(kId, encoded.size(), decoded_size, "shorter than the header and one block");
    }
    std::uint32_t stored = 0;
    for (std::size_t i = 0; i < kHeaderSize; ++i) {
      stored |= static_cast<std::uint32_t>(encoded[i]) << (8 * i);
    }
    if (stored != decoded_size) {
      throw_corrupt(kId, encoded.size(), decoded_size,
                    fmt::format("header gives {} decoded bytes", stored));
    }
    if (decoded_size > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE) ||
        encoded.size() - kHeaderSize > static_cast<std::size_t>(INT32_MAX)) {
      throw_corrupt(kId, encoded.size(), decoded_size, "too large for an LZ4 block");
    }
    int n = LZ4_decompress_safe(reinterpret_cast<const char*>(encoded.data() + kHeaderSize),
                                reinterpret_cast<char*>(out.data()),
                                static_cast<int>(encoded.size() - kHeaderSize),
                                static_cast<int>(decoded_size));
    if (n < 0) throw_corrupt(kId, encoded.size(), decoded_size, "invalid LZ4 block");
    if (static_cast<std::size_t>(n) != decoded_size) {
      throw_corrupt(kId, encoded.size(), decoded_size, fmt::format("decoded {} bytes", n));
    }
  }

  std::int64_t max_encoded_size(std::int64_t raw_bytes) const override {
    // LZ4_compressBound's formula, valid past LZ4_MAX_INPUT_SIZE too.
    return static_cast<std::int64_t>(kHeaderSize) + raw_bytes + raw_bytes / 255 + 16;
  }

 private:
  int acceleration_;
};

}  // namespace

CodecPtr make_lz4_codec(int acceleration) { return std::make_shared<Lz4Codec>(acceleration); }

}  // namespace cubed::storage
