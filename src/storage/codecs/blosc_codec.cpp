// numcodecs' Blosc (c-blosc 1.x): a 16-byte header, then shuffled and
// compressed blocks.
#include <blosc.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <array>
#include <string>

#include "storage/codecs/builtin_codecs.hpp"

namespace cubed::storage {
namespace {

using codec_detail::throw_corrupt;

constexpr std::string_view kId = "blosc";
constexpr std::array<std::string_view, 5> kCnames = {"blosclz", "lz4", "lz4hc", "zlib", "zstd"};

class BloscCodec final : public Codec {
 public:
  BloscCodec(std::string cname, int clevel, int shuffle, int blocksize)
      : cname_(std::move(cname)), clevel_(clevel), shuffle_(shuffle), blocksize_(blocksize) {}

  std::string_view id() const override { return kId; }

  std::string config_json() const override {
    return nlohmann::json{{"id", kId},
                          {"cname", cname_},
                          {"clevel", clevel_},
                          {"shuffle", shuffle_},
                          {"blocksize", blocksize_}}
        .dump();
  }

  Bytes encode(std::span<const std::uint8_t> raw, std::size_t item_size) const override {
    if (raw.size() > static_cast<std::size_t>(BLOSC_MAX_BUFFERSIZE)) {
      throw CodecError(fmt::format("blosc: cannot compress {} bytes: more than the maximum {}",
                                   raw.size(), BLOSC_MAX_BUFFERSIZE));
    }
    std::size_t typesize = item_size == 0 ? 1 : item_size;
    int shuffle = shuffle_;
    // numcodecs' AUTOSHUFFLE: byte shuffle is a no-op on single bytes.
    if (shuffle == kBloscAutoShuffle) shuffle = typesize == 1 ? kBloscBitShuffle : kBloscShuffle;
    Bytes out(raw.size() + BLOSC_MAX_OVERHEAD);
    // The context API takes no global lock and starts no threads.
    int n = blosc_compress_ctx(clevel_, shuffle, typesize, raw.size(), raw.data(), out.data(),
                               out.size(), cname_.c_str(), static_cast<std::size_t>(blocksize_),
                               /*numinternalthreads=*/1);
    if (n <= 0) {
      throw CodecError(fmt::format("blosc: compressing {} bytes with {} failed (error {})",
                                   raw.size(), cname_, n));
    }
    out.resize(static_cast<std::size_t>(n));
    return out;
  }

  Bytes decode(std::span<const std::uint8_t> encoded, std::size_t decoded_size) const override {
    Bytes out(decoded_size);
    decode_into(encoded, out);
    return out;
  }

  void decode_into(std::span<const std::uint8_t> encoded, std::span<std::uint8_t> out) const override {
    const std::size_t decoded_size = out.size();
    if (encoded.size() < BLOSC_MIN_HEADER_LENGTH) {
      throw_corrupt(kId, encoded.size(), decoded_size, "shorter than the 16-byte header");
    }
    // blosc_decompress_ctx trusts the header's compressed size, so check it
    // against the real input size before letting it read.
    std::size_t nbytes = 0;
    std::size_t cbytes = 0;
    std::size_t blocksize = 0;
    blosc_cbuffer_sizes(encoded.data(), &nbytes, &cbytes, &blocksize);
    if (blosc_cbuffer_validate(encoded.data(), encoded.size(), &nbytes) != 0 ||
        cbytes != encoded.size()) {
      throw_corrupt(kId, encoded.size(), decoded_size,
                    fmt::format("invalid header (gives {} encoded bytes)", cbytes));
    }
    if (nbytes != decoded_size) {
      throw_corrupt(kId, encoded.size(), decoded_size,
                    fmt::format("header gives {} decoded bytes", nbytes));
    }
    if (decoded_size == 0) return;
    int n = blosc_decompress_ctx(encoded.data(), out.data(), out.size(), /*numinternalthreads=*/1);
    if (n < 0 || static_cast<std::size_t>(n) != decoded_size) {
      throw_corrupt(kId, encoded.size(), decoded_size, fmt::format("decompression failed ({})", n));
    }
  }

  std::int64_t max_encoded_size(std::int64_t raw_bytes) const override {
    return raw_bytes + BLOSC_MAX_OVERHEAD;
  }

 private:
  std::string cname_;
  int clevel_;
  int shuffle_;
  int blocksize_;
};

}  // namespace

CodecPtr make_blosc_codec(std::string_view cname, int clevel, int shuffle, int blocksize) {
  bool known = false;
  for (std::string_view c : kCnames) known = known || c == cname;
  std::string name(cname);
  if (!known) {
    throw CodecError(fmt::format("blosc: unknown cname '{}' (expected one of {})", cname,
                                 fmt::join(kCnames, ", ")));
  }
  if (blosc_compname_to_compcode(name.c_str()) < 0) {
    throw CodecError(fmt::format("blosc: cname '{}' is not available in this libblosc", cname));
  }
  if (clevel < 0 || clevel > 9) {
    throw CodecError(fmt::format("blosc: clevel {} is out of range [0, 9]", clevel));
  }
  if (shuffle < kBloscAutoShuffle || shuffle > kBloscBitShuffle) {
    throw CodecError(fmt::format(
        "blosc: shuffle {} is invalid (-1 auto, 0 none, 1 byte, 2 bit)", shuffle));
  }
  if (blocksize < 0) {
    throw CodecError(fmt::format("blosc: blocksize {} is negative", blocksize));
  }
  return std::make_shared<BloscCodec>(std::move(name), clevel, shuffle, blocksize);
}

}  // namespace cubed::storage
