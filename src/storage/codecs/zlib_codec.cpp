// numcodecs' Zlib (a zlib stream) and GZip (a gzip member), both via zlib.
#include <zlib.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>

#include "storage/codecs/builtin_codecs.hpp"

namespace cubed::storage {
namespace {

using codec_detail::throw_corrupt;

constexpr int kZlibWindowBits = 15;
constexpr int kGzipWindowBits = 15 + 16;  // +16: gzip wrapper instead of zlib

// zlib counts in 32-bit uInt, so large buffers go through in slices.
uInt clamp_avail(std::size_t n) { return static_cast<uInt>(std::min<std::size_t>(n, UINT_MAX)); }

class ZlibCodec final : public Codec {
 public:
  ZlibCodec(bool gzip, int level) : gzip_(gzip), level_(level) {}

  std::string_view id() const override { return gzip_ ? "gzip" : "zlib"; }

  std::string config_json() const override {
    return nlohmann::json{{"id", id()}, {"level", level_}}.dump();
  }

  Bytes encode(std::span<const std::uint8_t> raw, std::size_t /*item_size*/) const override {
    z_stream s{};
    // mtime, name and extra fields stay empty, like numcodecs' GZip output.
    if (deflateInit2(&s, level_, Z_DEFLATED, gzip_ ? kGzipWindowBits : kZlibWindowBits, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
      throw CodecError(fmt::format("{}: cannot initialise the compressor", id()));
    }
    Bytes out(
        static_cast<std::size_t>(max_encoded_size(static_cast<std::int64_t>(raw.size()))));
    const std::uint8_t* in_end = raw.data() + raw.size();
    s.next_in = const_cast<Bytef*>(raw.data());
    s.next_out = out.data();
    int rc = Z_OK;
    for (;;) {
      std::size_t in_left = static_cast<std::size_t>(in_end - s.next_in);
      std::size_t out_used = static_cast<std::size_t>(s.next_out - out.data());
      if (out_used == out.size()) {  // beyond the bound: cannot happen, but stay correct
        out.resize(out.size() + out.size() / 2 + 64);
        s.next_out = out.data() + out_used;
      }
      s.avail_in = clamp_avail(in_left);
      s.avail_out = clamp_avail(out.size() - out_used);
      rc = deflate(&s, in_left <= UINT_MAX ? Z_FINISH : Z_NO_FLUSH);
      if (rc == Z_STREAM_END) break;
      if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    }
    std::size_t written = static_cast<std::size_t>(s.next_out - out.data());
    deflateEnd(&s);
    if (rc != Z_STREAM_END) {
      throw CodecError(fmt::format("{}: compressing {} bytes failed (zlib error {})", id(),
                                   raw.size(), rc));
    }
    out.resize(written);
    return out;
  }

  Bytes decode(std::span<const std::uint8_t> encoded, std::size_t decoded_size) const override {
    codec_detail::check_not_empty(id(), encoded, decoded_size);
    z_stream s{};
    if (inflateInit2(&s, gzip_ ? kGzipWindowBits : kZlibWindowBits) != Z_OK) {
      throw CodecError(fmt::format("{}: cannot initialise the decompressor", id()));
    }
    // inflateEnd on every exit, including throws.
    struct End {
      z_stream* s;
      ~End() { inflateEnd(s); }
    } end{&s};

    Bytes out(decoded_size);
    const std::uint8_t* in_end = encoded.data() + encoded.size();
    std::uint8_t* out_end = out.data() + out.size();
    std::uint8_t* out_pos = out.data();
    std::uint8_t spare = 0;  // probe: room for one byte past the expected size
    s.next_in = const_cast<Bytef*>(encoded.data());
    for (;;) {
      bool full = out_pos == out_end;
      s.avail_in = clamp_avail(static_cast<std::size_t>(in_end - s.next_in));
      s.next_out = full ? &spare : out_pos;
      s.avail_out = full ? 1 : clamp_avail(static_cast<std::size_t>(out_end - out_pos));
      int rc = inflate(&s, Z_NO_FLUSH);
      if (full && s.avail_out == 0) {
        throw_corrupt(id(), encoded.size(), decoded_size, "decodes to more bytes than expected");
      }
      if (!full) out_pos = s.next_out;
      if (rc == Z_STREAM_END) {
        if (s.next_in == in_end) break;
        // numcodecs' GZip (Python's gzip) reads concatenated members and
        // ignores zero padding after the last one.
        if (gzip_) {
          if (std::all_of(static_cast<const std::uint8_t*>(s.next_in), in_end,
                          [](std::uint8_t b) { return b == 0; })) {
            break;
          }
          inflateReset(&s);
          continue;
        }
        throw_corrupt(id(), encoded.size(), decoded_size,
                      fmt::format("{} trailing bytes after the stream",
                                  static_cast<std::size_t>(in_end - s.next_in)));
      }
      if (rc == Z_BUF_ERROR) {  // no progress possible: input exhausted
        throw_corrupt(id(), encoded.size(), decoded_size, "truncated stream");
      }
      if (rc != Z_OK) {
        throw_corrupt(id(), encoded.size(), decoded_size,
                      s.msg != nullptr ? s.msg : fmt::format("zlib error {}", rc));
      }
    }
    if (out_pos != out_end) {
      throw_corrupt(id(), encoded.size(), decoded_size,
                    fmt::format("decoded {} bytes", out_pos - out.data()));
    }
    return out;
  }

  std::int64_t max_encoded_size(std::int64_t raw_bytes) const override {
    // zlib's compressBound (6 bytes of zlib wrapper); gzip's wrapper is 18.
    std::int64_t bound =
        raw_bytes + (raw_bytes >> 12) + (raw_bytes >> 14) + (raw_bytes >> 25) + 13;
    return gzip_ ? bound + 12 : bound;
  }

 private:
  bool gzip_;
  int level_;
};

CodecPtr make_codec(bool gzip, int level) {
  if (level < -1 || level > 9) {
    throw CodecError(
        fmt::format("{}: level {} is out of range [-1, 9]", gzip ? "gzip" : "zlib", level));
  }
  return std::make_shared<ZlibCodec>(gzip, level);
}

}  // namespace

CodecPtr make_zlib_codec(int level) { return make_codec(false, level); }
CodecPtr make_gzip_codec(int level) { return make_codec(true, level); }

}  // namespace cubed::storage
