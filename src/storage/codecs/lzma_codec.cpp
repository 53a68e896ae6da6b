// numcodecs' LZMA (Python's lzma module): xz or legacy .lzma ("alone")
// containers, without custom filter chains.
#include <lzma.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/codecs/builtin_codecs.hpp"

namespace cubed::storage {
namespace {

using codec_detail::throw_corrupt;

constexpr std::string_view kId = "lzma";
constexpr std::uint32_t kDefaultPreset = 6;  // Python's lzma.PRESET_DEFAULT
static_assert(kLzmaPresetExtreme == LZMA_PRESET_EXTREME);

std::string_view lzma_error_name(lzma_ret rc) {
  switch (rc) {
    case LZMA_MEM_ERROR: return "out of memory";
    case LZMA_MEMLIMIT_ERROR: return "memory limit reached";
    case LZMA_FORMAT_ERROR: return "unrecognised container format";
    case LZMA_OPTIONS_ERROR: return "unsupported options";
    case LZMA_DATA_ERROR: return "corrupt compressed data";
    case LZMA_BUF_ERROR: return "truncated input";
    case LZMA_PROG_ERROR: return "invalid arguments";
    case LZMA_UNSUPPORTED_CHECK: return "unsupported integrity check";
    default: return "unexpected error";
  }
}

struct StreamEnd {
  lzma_stream* s;
  ~StreamEnd() { lzma_end(s); }
};

class LzmaCodec final : public Codec {
 public:
  LzmaCodec(int format, int check, std::optional<std::uint32_t> preset)
      : format_(format), check_(check), preset_(preset) {}

  std::string_view id() const override { return kId; }

  std::string config_json() const override {
    nlohmann::json j{{"id", kId}, {"format", format_}, {"check", check_},
                     {"preset", nullptr}, {"filters", nullptr}};
    if (preset_) j["preset"] = *preset_;
    return j.dump();
  }

  Bytes encode(std::span<const std::uint8_t> raw, std::size_t /*item_size*/) const override {
    std::uint32_t preset = preset_.value_or(kDefaultPreset);
    if (format_ == kLzmaFormatAlone) return encode_alone(raw, preset);
    // xz (also for format 0, which Python cannot encode but decodes as xz).
    lzma_check check = check_ == -1 ? LZMA_CHECK_CRC64 : static_cast<lzma_check>(check_);
    Bytes out(lzma_stream_buffer_bound(raw.size()));
    std::size_t written = 0;
    lzma_ret rc = lzma_easy_buffer_encode(preset, check, nullptr, raw.data(), raw.size(),
                                          out.data(), &written, out.size());
    if (rc != LZMA_OK) {
      throw CodecError(fmt::format("lzma: compressing {} bytes failed: {}", raw.size(),
                                   lzma_error_name(rc)));
    }
    out.resize(written);
    return out;
  }

  Bytes decode(std::span<const std::uint8_t> encoded, std::size_t decoded_size) const override {
    codec_detail::check_not_empty(kId, encoded, decoded_size);
    lzma_stream s = LZMA_STREAM_INIT;
    StreamEnd end{&s};
    // No memory limit, like Python's lzma.decompress.
    lzma_ret rc = LZMA_OK;
    switch (format_) {
      case kLzmaFormatXz: rc = lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED); break;
      case kLzmaFormatAlone: rc = lzma_alone_decoder(&s, UINT64_MAX); break;
      default: rc = lzma_auto_decoder(&s, UINT64_MAX, LZMA_CONCATENATED); break;
    }
    if (rc != LZMA_OK) {
      throw CodecError(fmt::format("lzma: cannot initialise the decoder: {}", lzma_error_name(rc)));
    }
    Bytes out(decoded_size);
    std::uint8_t spare = 0;  // probe: room for one byte past the expected size
    s.next_in = encoded.data();
    s.avail_in = encoded.size();
    s.next_out = out.data();
    s.avail_out = out.size();
    bool probing = false;
    for (;;) {
      if (!probing && s.avail_out == 0) {
        probing = true;
        s.next_out = &spare;
        s.avail_out = 1;
      }
      // All input is given at once, so LZMA_FINISH from the start; liblzma
      // then reports truncation as LZMA_BUF_ERROR.
      rc = lzma_code(&s, LZMA_FINISH);
      if (probing && s.avail_out == 0) {
        throw_corrupt(kId, encoded.size(), decoded_size, "decodes to more bytes than expected");
      }
      if (rc == LZMA_STREAM_END) break;
      if (rc != LZMA_OK) throw_corrupt(kId, encoded.size(), decoded_size, lzma_error_name(rc));
    }
    if (s.avail_in != 0) {
      throw_corrupt(kId, encoded.size(), decoded_size,
                    fmt::format("{} trailing bytes after the stream", s.avail_in));
    }
    if (s.total_out != decoded_size) {
      throw_corrupt(kId, encoded.size(), decoded_size, fmt::format("decoded {} bytes", s.total_out));
    }
    return out;
  }

  std::int64_t max_encoded_size(std::int64_t raw_bytes) const override {
    if (format_ == kLzmaFormatAlone) return alone_bound(raw_bytes);
    return static_cast<std::int64_t>(lzma_stream_buffer_bound(static_cast<std::size_t>(raw_bytes)));
  }

 private:
  // LZMA1 has no stored fallback: incompressible data grows by a few
  // percent at most; this bound is generous, and encode_alone grows past it
  // if ever needed.
  static std::int64_t alone_bound(std::int64_t raw_bytes) {
    return raw_bytes + raw_bytes / 16 + 1024;
  }

  Bytes encode_alone(std::span<const std::uint8_t> raw, std::uint32_t preset) const {
    lzma_options_lzma options;
    if (lzma_lzma_preset(&options, preset)) {
      throw CodecError(fmt::format("lzma: unsupported preset {}", preset));
    }
    lzma_stream s = LZMA_STREAM_INIT;
    StreamEnd end{&s};
    lzma_ret rc = lzma_alone_encoder(&s, &options);
    if (rc != LZMA_OK) {
      throw CodecError(fmt::format("lzma: cannot initialise the encoder: {}", lzma_error_name(rc)));
    }
    Bytes out(
        static_cast<std::size_t>(alone_bound(static_cast<std::int64_t>(raw.size()))));
    s.next_in = raw.data();
    s.avail_in = raw.size();
    s.next_out = out.data();
    s.avail_out = out.size();
    for (;;) {
      rc = lzma_code(&s, LZMA_FINISH);
      if (rc == LZMA_STREAM_END) break;
      if (rc != LZMA_OK) {
        throw CodecError(fmt::format("lzma: compressing {} bytes failed: {}", raw.size(),
                                     lzma_error_name(rc)));
      }
      if (s.avail_out == 0) {
        std::size_t used = out.size();
        out.resize(used + used / 2 + 64);
        s.next_out = out.data() + used;
        s.avail_out = out.size() - used;
      }
    }
    out.resize(static_cast<std::size_t>(s.total_out));
    return out;
  }

  int format_;
  int check_;
  std::optional<std::uint32_t> preset_;
};

}  // namespace

CodecPtr make_lzma_codec(int format, int check, std::optional<std::uint32_t> preset) {
  if (format != kLzmaFormatAuto && format != kLzmaFormatXz && format != kLzmaFormatAlone) {
    throw CodecError(fmt::format(
        "lzma: format {} is not supported (0 auto, 1 xz, 2 alone; 3 raw needs filters)", format));
  }
  if (check != -1) {
    bool known = check == LZMA_CHECK_NONE || check == LZMA_CHECK_CRC32 ||
                 check == LZMA_CHECK_CRC64 || check == LZMA_CHECK_SHA256;
    if (!known || !lzma_check_is_supported(static_cast<lzma_check>(check))) {
      throw CodecError(
          fmt::format("lzma: check {} is not supported (-1, 0, 1, 4 or 10)", check));
    }
    if (format == kLzmaFormatAlone && check != LZMA_CHECK_NONE) {
      throw CodecError(fmt::format(
          "lzma: check {} is not possible with format 2 (alone), which has no checks", check));
    }
  }
  if (preset) {
    std::uint32_t level = *preset & ~kLzmaPresetExtreme;
    if (level > 9) {
      throw CodecError(fmt::format("lzma: preset {} is out of range [0, 9] (optionally "
                                   "or-ed with PRESET_EXTREME)", *preset));
    }
  }
  return std::make_shared<LzmaCodec>(format, check, preset);
}

}  // namespace cubed::storage
