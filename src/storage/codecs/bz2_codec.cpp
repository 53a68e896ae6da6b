// numcodecs' BZ2: one bzip2 stream.
#include <bzlib.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>

#include "storage/codecs/builtin_codecs.hpp"

namespace cubed::storage {
namespace {

using codec_detail::throw_corrupt;

constexpr std::string_view kId = "bz2";

// libbz2 counts in unsigned int, so large buffers go through in slices.
unsigned clamp_avail(std::size_t n) {
  return static_cast<unsigned>(std::min<std::size_t>(n, UINT_MAX));
}

std::string_view bz_error_name(int rc) {
  switch (rc) {
    case BZ_DATA_ERROR: return "data integrity error";
    case BZ_DATA_ERROR_MAGIC: return "not bzip2 data (bad magic)";
    case BZ_MEM_ERROR: return "out of memory";
    case BZ_PARAM_ERROR: return "parameter error";
    case BZ_SEQUENCE_ERROR: return "sequence error";
    default: return "unexpected error";
  }
}

class Bz2Codec final : public Codec {
 public:
  explicit Bz2Codec(int level) : level_(level) {}

  std::string_view id() const override { return kId; }

  std::string config_json() const override {
    return nlohmann::json{{"id", kId}, {"level", level_}}.dump();
  }

  Bytes encode(std::span<const std::uint8_t> raw, std::size_t /*item_size*/) const override {
    bz_stream s{};
    if (BZ2_bzCompressInit(&s, level_, 0, 0) != BZ_OK) {
      throw CodecError("bz2: cannot initialise the compressor");
    }
    Bytes out(
        static_cast<std::size_t>(max_encoded_size(static_cast<std::int64_t>(raw.size()))));
    const char* in_begin = reinterpret_cast<const char*>(raw.data());
    const char* in_end = in_begin + raw.size();
    char* out_begin = reinterpret_cast<char*>(out.data());
    s.next_in = const_cast<char*>(in_begin);
    s.next_out = out_begin;
    int rc = BZ_OK;
    for (;;) {
      std::size_t in_left = static_cast<std::size_t>(in_end - s.next_in);
      std::size_t out_used = static_cast<std::size_t>(s.next_out - out_begin);
      if (out_used == out.size()) {  // beyond the bound: cannot happen, but stay correct
        out.resize(out.size() + out.size() / 2 + 64);
        out_begin = reinterpret_cast<char*>(out.data());
        s.next_out = out_begin + out_used;
      }
      s.avail_in = clamp_avail(in_left);
      s.avail_out = clamp_avail(out.size() - out_used);
      // BZ_FINISH only once the rest of the input is in avail_in.
      rc = BZ2_bzCompress(&s, in_left <= UINT_MAX ? BZ_FINISH : BZ_RUN);
      if (rc == BZ_STREAM_END) break;
      if (rc != BZ_RUN_OK && rc != BZ_FINISH_OK) break;
    }
    std::size_t written = static_cast<std::size_t>(s.next_out - out_begin);
    BZ2_bzCompressEnd(&s);
    if (rc != BZ_STREAM_END) {
      throw CodecError(
          fmt::format("bz2: compressing {} bytes failed: {}", raw.size(), bz_error_name(rc)));
    }
    out.resize(written);
    return out;
  }

  Bytes decode(std::span<const std::uint8_t> encoded, std::size_t decoded_size) const override {
    codec_detail::check_not_empty(kId, encoded, decoded_size);
    bz_stream s{};
    if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK) {
      throw CodecError("bz2: cannot initialise the decompressor");
    }
    // The stream is reinitialised between concatenated streams; end it on
    // every exit, including throws.
    struct End {
      bz_stream* s;
      ~End() { BZ2_bzDecompressEnd(s); }
    } end{&s};

    Bytes out(decoded_size);
    const char* in_end = reinterpret_cast<const char*>(encoded.data()) + encoded.size();
    char* out_end = reinterpret_cast<char*>(out.data()) + out.size();
    char* out_pos = reinterpret_cast<char*>(out.data());
    char spare = 0;  // probe: room for one byte past the expected size
    s.next_in = const_cast<char*>(reinterpret_cast<const char*>(encoded.data()));
    for (;;) {
      bool full = out_pos == out_end;
      const char* in_before = s.next_in;
      s.avail_in = clamp_avail(static_cast<std::size_t>(in_end - s.next_in));
      s.next_out = full ? &spare : out_pos;
      s.avail_out = full ? 1 : clamp_avail(static_cast<std::size_t>(out_end - out_pos));
      char* out_before = s.next_out;
      int rc = BZ2_bzDecompress(&s);
      if (full && s.avail_out == 0) {
        throw_corrupt(kId, encoded.size(), decoded_size, "decodes to more bytes than expected");
      }
      if (!full) out_pos = s.next_out;
      if (rc == BZ_STREAM_END) {
        if (s.next_in == in_end) break;
        // Python's bz2.decompress, used by numcodecs, reads concatenated
        // streams.
        BZ2_bzDecompressEnd(&s);
        char* next = s.next_in;
        s = bz_stream{};
        if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK) {
          throw CodecError("bz2: cannot initialise the decompressor");
        }
        s.next_in = next;
        continue;
      }
      if (rc != BZ_OK) throw_corrupt(kId, encoded.size(), decoded_size, bz_error_name(rc));
      if (s.next_in == in_before && s.next_out == out_before) {
        throw_corrupt(kId, encoded.size(), decoded_size, "truncated stream");
      }
    }
    if (out_pos != out_end) {
      throw_corrupt(kId, encoded.size(), decoded_size,
                    fmt::format("decoded {} bytes", out_pos - reinterpret_cast<char*>(out.data())));
    }
    return out;
  }

  std::int64_t max_encoded_size(std::int64_t raw_bytes) const override {
    // The bound from the libbz2 manual: 1% plus 600 bytes.
    return raw_bytes + raw_bytes / 100 + 600;
  }

 private:
  int level_;
};

}  // namespace

CodecPtr make_bz2_codec(int level) {
  if (level < 1 || level > 9) {
    throw CodecError(fmt::format("bz2: level {} is out of range [1, 9]", level));
  }
  return std::make_shared<Bz2Codec>(level);
}

}  // namespace cubed::storage
