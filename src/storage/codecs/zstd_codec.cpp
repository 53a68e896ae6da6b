// numcodecs' Zstd: one zstd frame per chunk.
#include <zstd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <climits>
#include <memory>

#include "storage/codecs/builtin_codecs.hpp"

namespace cubed::storage {
namespace {

using codec_detail::throw_corrupt;

constexpr std::string_view kId = "zstd";

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const noexcept { ZSTD_freeCCtx(c); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* d) const noexcept { ZSTD_freeDCtx(d); }
};

// Contexts hold large work buffers; one per thread avoids reallocating them
// for every chunk while keeping the codec itself stateless.
ZSTD_CCtx* thread_cctx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx(ZSTD_createCCtx());
  if (!cctx) throw std::bad_alloc();
  return cctx.get();
}

ZSTD_DCtx* thread_dctx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx(ZSTD_createDCtx());
  if (!dctx) throw std::bad_alloc();
  return dctx.get();
}

void check_zstd(std::size_t result, std::string_view what) {
  if (ZSTD_isError(result)) {
    throw CodecError(fmt::format("zstd: {}: {}", what, ZSTD_getErrorName(result)));
  }
}

// The summed content sizes of the frames in `data`; ZSTD_CONTENTSIZE_UNKNOWN
// if a frame omits its size, ZSTD_CONTENTSIZE_ERROR if a frame is invalid or
// truncated. (ZSTD_findDecompressedSize does this but is not stable API.)
unsigned long long total_content_size(std::span<const std::uint8_t> data) {
  unsigned long long total = 0;
  while (!data.empty()) {
    unsigned long long size = ZSTD_getFrameContentSize(data.data(), data.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) return size;
    std::size_t frame = ZSTD_findFrameCompressedSize(data.data(), data.size());
    if (ZSTD_isError(frame) || frame > data.size()) return ZSTD_CONTENTSIZE_ERROR;
    if (size > ULLONG_MAX - total) return ZSTD_CONTENTSIZE_ERROR;
    total += size;
    data = data.subspan(frame);
  }
  return total;
}

class ZstdCodec final : public Codec {
 public:
  ZstdCodec(int level, bool checksum) : level_(level), checksum_(checksum) {}

  std::string_view id() const override { return kId; }

  std::string config_json() const override {
    nlohmann::json j{{"id", kId}, {"level", level_}};
    if (checksum_) j["checksum"] = true;
    return j.dump();
  }

  Bytes encode(std::span<const std::uint8_t> raw, std::size_t /*item_size*/) const override {
    std::size_t bound = ZSTD_compressBound(raw.size());
    if (ZSTD_isError(bound)) {
      throw CodecError(fmt::format("zstd: cannot compress {} bytes: input too large", raw.size()));
    }
    ZSTD_CCtx* cctx = thread_cctx();
    ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
    check_zstd(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level_), "setting level");
    check_zstd(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, checksum_ ? 1 : 0),
               "setting checksum");
    // The single-shot API records the content size, which numcodecs 0.11
    // needs to size its output buffer.
    check_zstd(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1), "setting content size");
    Bytes out(bound);
    std::size_t n = ZSTD_compress2(cctx, out.data(), out.size(), raw.data(), raw.size());
    if (ZSTD_isError(n)) {
      throw CodecError(fmt::format("zstd: compressing {} bytes failed: {}", raw.size(),
                                   ZSTD_getErrorName(n)));
    }
    out.resize(n);
    return out;
  }

  Bytes decode(std::span<const std::uint8_t> encoded, std::size_t decoded_size) const override {
    Bytes out(decoded_size);
    decode_into(encoded, out);
    return out;
  }

  void decode_into(std::span<const std::uint8_t> encoded, std::span<std::uint8_t> out) const override {
    const std::size_t decoded_size = out.size();
    codec_detail::check_not_empty(kId, encoded, decoded_size);
    unsigned long long content = total_content_size(encoded);
    if (content == ZSTD_CONTENTSIZE_ERROR) {
      throw_corrupt(kId, encoded.size(), decoded_size, "not a sequence of complete zstd frames");
    }
    if (content == ZSTD_CONTENTSIZE_UNKNOWN) {
      decode_streaming(encoded, out);
      return;
    }
    if (content != decoded_size) {
      throw_corrupt(kId, encoded.size(), decoded_size,
                    fmt::format("frames hold {} bytes", content));
    }
    std::size_t n =
        ZSTD_decompressDCtx(thread_dctx(), out.data(), out.size(), encoded.data(), encoded.size());
    if (ZSTD_isError(n)) throw_corrupt(kId, encoded.size(), decoded_size, ZSTD_getErrorName(n));
    if (n != decoded_size) {
      throw_corrupt(kId, encoded.size(), decoded_size, fmt::format("decoded {} bytes", n));
    }
  }

  std::int64_t max_encoded_size(std::int64_t raw_bytes) const override {
    return static_cast<std::int64_t>(ZSTD_compressBound(static_cast<std::size_t>(raw_bytes)));
  }

 private:
  // Frames written by streaming compressors may omit the content size: decode
  // into the expected size, probing one spare byte to detect longer data.
  static void decode_streaming(std::span<const std::uint8_t> encoded, std::span<std::uint8_t> out) {
    ZSTD_DCtx* dctx = thread_dctx();
    ZSTD_DCtx_reset(dctx, ZSTD_reset_session_and_parameters);
    ZSTD_inBuffer in{encoded.data(), encoded.size(), 0};
    ZSTD_outBuffer main{out.data(), out.size(), 0};
    std::uint8_t spare = 0;
    ZSTD_outBuffer probe{&spare, 1, 0};
    for (;;) {
      ZSTD_outBuffer* target = main.pos == main.size ? &probe : &main;
      std::size_t in_before = in.pos;
      std::size_t out_before = target->pos;
      std::size_t r = ZSTD_decompressStream(dctx, target, &in);
      if (ZSTD_isError(r)) throw_corrupt(kId, encoded.size(), out.size(), ZSTD_getErrorName(r));
      if (probe.pos > 0) {
        throw_corrupt(kId, encoded.size(), out.size(), "decodes to more bytes than expected");
      }
      if (r == 0 && in.pos == in.size) break;  // last frame complete
      if (in.pos == in_before && target->pos == out_before) {
        throw_corrupt(kId, encoded.size(), out.size(), "truncated frame");
      }
    }
    if (main.pos != out.size()) {
      throw_corrupt(kId, encoded.size(), out.size(), fmt::format("decoded {} bytes", main.pos));
    }
  }

  int level_;
  bool checksum_;
};

}  // namespace

CodecPtr make_zstd_codec(int level, bool checksum) {
  if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
    throw CodecError(fmt::format("zstd: level {} is out of range [{}, {}]", level,
                                 ZSTD_minCLevel(), ZSTD_maxCLevel()));
  }
  return std::make_shared<ZstdCodec>(level, checksum);
}

}  // namespace cubed::storage
