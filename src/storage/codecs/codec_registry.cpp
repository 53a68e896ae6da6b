// Codec construction from numcodecs JSON configurations and from the
// command-line spec form.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <climits>
#include <set>
#include <vector>

#include "storage/codecs/builtin_codecs.hpp"

namespace cubed::storage {

void Codec::decode_into(std::span<const std::uint8_t> encoded, std::span<std::uint8_t> out) const {
  const Bytes decoded = decode(encoded, out.size());
  std::copy(decoded.begin(), decoded.end(), out.begin());
}

namespace {

// ---- JSON -------------------------------------------------------------------

// Reads the parameters of one codec config, remembering which keys were
// used so that unknown ones (typos, or options we do not implement) are
// reported instead of silently ignored, as numcodecs does.
class Params {
 public:
  Params(const nlohmann::json& config, std::string id) : config_(config), id_(std::move(id)) {
    used_.insert("id");
  }

  // A missing key means numcodecs' default; null or a non-integer is an error.
  int integer(const std::string& key, int fallback) {
    const nlohmann::json* value = find(key);
    if (value == nullptr) return fallback;
    std::int64_t v = integer_value(key, *value);
    if (v < INT_MIN || v > INT_MAX) {
      throw CodecError(fmt::format("{}: {} {} is out of range", id_, key, v));
    }
    return static_cast<int>(v);
  }

  // An integer, or null (returned as nullopt).
  std::optional<std::int64_t> optional_integer(const std::string& key) {
    const nlohmann::json* value = find(key);
    if (value == nullptr || value->is_null()) return std::nullopt;
    return integer_value(key, *value);
  }

  bool boolean(const std::string& key, bool fallback) {
    const nlohmann::json* value = find(key);
    if (value == nullptr) return fallback;
    if (!value->is_boolean()) {
      throw CodecError(fmt::format("{}: {} must be true or false, not {}", id_, key, value->dump()));
    }
    return value->get<bool>();
  }

  std::string string(const std::string& key, std::string fallback) {
    const nlohmann::json* value = find(key);
    if (value == nullptr) return fallback;
    if (!value->is_string()) {
      throw CodecError(fmt::format("{}: {} must be a string, not {}", id_, key, value->dump()));
    }
    return value->get<std::string>();
  }

  // The raw value of a key (nullptr if missing), for special cases.
  const nlohmann::json* raw(const std::string& key) { return find(key); }

  // Throws on keys no getter asked for.
  void finish() const {
    for (const auto& [key, value] : config_.items()) {
      if (!used_.contains(key)) {
        throw CodecError(fmt::format("{}: unknown parameter '{}'", id_, key));
      }
    }
  }

 private:
  const nlohmann::json* find(const std::string& key) {
    used_.insert(key);
    auto it = config_.find(key);
    return it == config_.end() ? nullptr : &*it;
  }

  std::int64_t integer_value(const std::string& key, const nlohmann::json& value) const {
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > INT64_MAX) {
      throw CodecError(fmt::format("{}: {} {} is out of range", id_, key, value.dump()));
    }
    if (!value.is_number_integer()) {
      throw CodecError(fmt::format("{}: {} must be an integer, not {}", id_, key, value.dump()));
    }
    return value.get<std::int64_t>();
  }

  const nlohmann::json& config_;
  std::string id_;
  std::set<std::string> used_;
};

CodecPtr lzma_from_json(Params& p) {
  int format = p.integer("format", kLzmaFormatXz);
  int check = p.integer("check", -1);
  std::optional<std::uint32_t> preset;
  if (auto v = p.optional_integer("preset")) {
    if (*v < 0 || *v > UINT32_MAX) throw CodecError(fmt::format("lzma: preset {} is out of range", *v));
    preset = static_cast<std::uint32_t>(*v);
  }
  if (const nlohmann::json* filters = p.raw("filters"); filters != nullptr && !filters->is_null()) {
    throw CodecError(
        fmt::format("lzma: custom filters are not supported: filters={}", filters->dump()));
  }
  return make_lzma_codec(format, check, preset);
}

// ---- command-line spec ------------------------------------------------------

constexpr std::string_view kSpecNames = "none, blosc, zstd, lz4, zlib, gzip, bz2 or lzma";

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

[[noreturn]] void bad_spec(std::string_view spec, std::string_view problem) {
  throw InvalidArgumentError(fmt::format("compressor spec '{}': {}", spec, problem));
}

int spec_integer(std::string_view spec, std::string_view what, std::string_view text) {
  int value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    bad_spec(spec, fmt::format("{} '{}' is not an integer", what, text));
  }
  return value;
}

int spec_shuffle(std::string_view spec, std::string_view text) {
  if (text == "noshuffle") return kBloscNoShuffle;
  if (text == "shuffle") return kBloscShuffle;
  if (text == "bitshuffle") return kBloscBitShuffle;
  if (text == "auto" || text == "autoshuffle") return kBloscAutoShuffle;
  int value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    bad_spec(spec, fmt::format("shuffle '{}' is not one of noshuffle, shuffle, bitshuffle, "
                               "auto or -1/0/1/2", text));
  }
  return value;
}

// `PRESET` or `PRESETe` (extreme), as in xz's -6e.
std::uint32_t spec_lzma_preset(std::string_view spec, std::string_view text) {
  std::uint32_t extreme = 0;
  if (!text.empty() && text.back() == 'e') {
    extreme = kLzmaPresetExtreme;
    text.remove_suffix(1);
  }
  int level = spec_integer(spec, "preset", text);
  if (level < 0 || level > 9) bad_spec(spec, fmt::format("preset {} is out of range [0, 9]", level));
  return static_cast<std::uint32_t>(level) | extreme;
}

CodecPtr codec_from_spec_parts(std::string_view spec, const std::vector<std::string_view>& parts) {
  std::string_view name = parts[0];
  auto max_parts = [&](std::size_t n, std::string_view form) {
    if (parts.size() > n) bad_spec(spec, fmt::format("too many parts; expected {}", form));
  };
  auto param = [&](std::size_t i) -> std::optional<std::string_view> {
    if (i >= parts.size()) return std::nullopt;
    return parts[i];
  };
  auto level = [&](std::string_view what, int fallback) {
    auto text = param(1);
    return text ? spec_integer(spec, what, *text) : fallback;
  };
  if (name == "zstd") {
    max_parts(2, "zstd[:LEVEL]");
    return make_zstd_codec(level("level", 1));
  }
  if (name == "lz4") {
    max_parts(2, "lz4[:ACCELERATION]");
    int acceleration = level("acceleration", 1);
    if (acceleration < 1) bad_spec(spec, fmt::format("acceleration {} is less than 1", acceleration));
    return make_lz4_codec(acceleration);
  }
  if (name == "zlib") {
    max_parts(2, "zlib[:LEVEL]");
    return make_zlib_codec(level("level", 1));
  }
  if (name == "gzip") {
    max_parts(2, "gzip[:LEVEL]");
    return make_gzip_codec(level("level", 1));
  }
  if (name == "bz2") {
    max_parts(2, "bz2[:LEVEL]");
    return make_bz2_codec(level("level", 1));
  }
  if (name == "lzma") {
    max_parts(2, "lzma[:PRESET]");
    std::optional<std::uint32_t> preset;
    if (auto text = param(1)) preset = spec_lzma_preset(spec, *text);
    return make_lzma_codec(kLzmaFormatXz, -1, preset);
  }
  if (name == "blosc") {
    max_parts(4, "blosc[:CNAME[:CLEVEL[:SHUFFLE]]]");
    std::string_view cname = param(1).value_or("lz4");
    if (cname.empty()) bad_spec(spec, "empty cname");
    int clevel = param(2) ? spec_integer(spec, "clevel", *param(2)) : 5;
    int shuffle = param(3) ? spec_shuffle(spec, *param(3)) : kBloscShuffle;
    return make_blosc_codec(cname, clevel, shuffle, 0);
  }
  if (name.empty()) bad_spec(spec, fmt::format("no compressor name (expected {})", kSpecNames));
  bad_spec(spec, fmt::format("unknown compressor '{}' (expected {})", name, kSpecNames));
}

}  // namespace

CodecPtr codec_from_json(std::string_view json) {
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(json);
  } catch (const nlohmann::json::parse_error& e) {
    throw CodecError(fmt::format("compressor config is not valid JSON ({}): {}", e.what(), json));
  }
  if (!config.is_object()) {
    throw CodecError(fmt::format("compressor config is not a JSON object: {}", json));
  }
  auto id_it = config.find("id");
  if (id_it == config.end() || !id_it->is_string()) {
    throw CodecError(fmt::format("compressor config has no string 'id': {}", json));
  }
  const std::string id = id_it->get<std::string>();
  Params p(config, id);
  CodecPtr codec;
  // Defaults are numcodecs 0.11's constructor defaults.
  if (id == "blosc") {
    std::string cname = p.string("cname", "lz4");
    int clevel = p.integer("clevel", 5);
    int shuffle = p.integer("shuffle", kBloscShuffle);
    int blocksize = p.integer("blocksize", 0);
    codec = make_blosc_codec(cname, clevel, shuffle, blocksize);
  } else if (id == "zstd") {
    int level = p.integer("level", 1);
    // Newer numcodecs writes "checksum"; 0.11 knows only the level.
    bool checksum = p.boolean("checksum", false);
    codec = make_zstd_codec(level, checksum);
  } else if (id == "lz4") {
    codec = make_lz4_codec(p.integer("acceleration", 1));
  } else if (id == "zlib") {
    codec = make_zlib_codec(p.integer("level", 1));
  } else if (id == "gzip") {
    codec = make_gzip_codec(p.integer("level", 1));
  } else if (id == "bz2") {
    codec = make_bz2_codec(p.integer("level", 1));
  } else if (id == "lzma") {
    codec = lzma_from_json(p);
  } else {
    throw CodecError(fmt::format("unknown compressor '{}'", id));
  }
  p.finish();
  return codec;
}

CodecPtr codec_from_spec(std::string_view spec) {
  if (spec.empty()) throw InvalidArgumentError("empty compressor spec");
  std::vector<std::string_view> parts = split(spec, ':');
  if (parts[0] == "none") {
    if (parts.size() > 1) bad_spec(spec, "'none' takes no parameters");
    return nullptr;
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].empty()) bad_spec(spec, fmt::format("parameter {} is empty", i));
  }
  try {
    return codec_from_spec_parts(spec, parts);
  } catch (const CodecError& e) {
    // Out-of-range values are caught by the factories; on the command line
    // they are argument errors.
    bad_spec(spec, e.what());
  }
}

CodecPtr default_codec() {
  static const CodecPtr codec = make_blosc_codec("lz4", 5, kBloscShuffle, 0);
  return codec;
}

}  // namespace cubed::storage
