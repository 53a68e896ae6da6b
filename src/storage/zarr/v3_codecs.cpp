#include "cubed/storage/zarr/v3_codecs.hpp"

#include <fmt/format.h>

#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

#include "cubed/core/error.hpp"
#include "cubed/storage/codecs/crc32c.hpp"
#include "cubed/storage/store.hpp"

namespace cubed::storage {

using Json = nlohmann::json;

namespace {

constexpr std::uint64_t kEmpty = std::numeric_limits<std::uint64_t>::max();

[[noreturn]] void bad(const std::string& what) { throw MetadataError(what); }

std::int64_t nbytes_of(const Shape& shape, DType dtype) { return shape_size(shape) * item_size(dtype); }

std::string shape_text(const Shape& s) { return shape_to_string(s); }

// Keys of a codec's configuration other than `allowed` are refused, so that a
// typo or an option we do not implement is not silently ignored.
void check_keys(const Json& config, std::string_view codec, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : config.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key == a;
    if (!known) throw CodecError(fmt::format("codec '{}': unknown configuration key '{}'", codec, key));
  }
}

int shuffle_code(const Json& v) {
  if (v == "noshuffle") return 0;
  if (v == "shuffle") return 1;
  if (v == "bitshuffle") return 2;
  throw CodecError("codec 'blosc': shuffle must be \"noshuffle\", \"shuffle\" or \"bitshuffle\", not " + v.dump());
}

// A bytes -> bytes codec from its v3 form.
CodecPtr bytes_codec_from_v3(const std::string& name, const Json& config) {
  Json numcodecs = Json::object();
  if (name == "crc32c") {
    check_keys(config, name, {});
    return make_crc32c_codec();
  }
  if (name == "blosc") {
    check_keys(config, name, {"cname", "clevel", "shuffle", "typesize", "blocksize"});
    numcodecs = {{"id", "blosc"}};
    for (const char* key : {"cname", "clevel", "blocksize"}) {
      if (config.contains(key)) numcodecs[key] = config[key];
    }
    if (config.contains("shuffle")) numcodecs["shuffle"] = shuffle_code(config["shuffle"]);
  } else if (name == "gzip") {
    check_keys(config, name, {"level"});
    numcodecs = config;
    numcodecs["id"] = "gzip";
  } else if (name == "zstd") {
    check_keys(config, name, {"level", "checksum"});
    numcodecs = config;
    numcodecs["id"] = "zstd";
  } else if (name.starts_with("numcodecs.")) {
    numcodecs = config;
    numcodecs["id"] = name.substr(std::string_view("numcodecs.").size());
  } else {
    throw CodecError("unsupported codec '" + name + "'");
  }
  try {
    return codec_from_json(numcodecs.dump());
  } catch (const CodecError& e) {
    throw CodecError("codec '" + name + "': " + e.what());
  }
}

// The v3 form of a bytes -> bytes codec.
Json bytes_codec_to_v3(const Codec& codec, std::int64_t item) {
  Json config = Json::parse(codec.config_json());
  const std::string id = config.value("id", std::string(codec.id()));
  config.erase("id");
  if (id == "crc32c") return {{"name", "crc32c"}};
  if (id == "blosc") {
    int shuffle = config.value("shuffle", 1);
    if (shuffle < 0) shuffle = item == 1 ? 2 : 1;  // numcodecs' AUTOSHUFFLE, resolved
    static constexpr const char* kNames[] = {"noshuffle", "shuffle", "bitshuffle"};
    return {{"name", "blosc"},
            {"configuration",
             {{"cname", config.value("cname", "lz4")},
              {"clevel", config.value("clevel", 5)},
              {"shuffle", kNames[std::min(shuffle, 2)]},
              {"typesize", item},
              {"blocksize", config.value("blocksize", 0)}}}};
  }
  if (id == "gzip") return {{"name", "gzip"}, {"configuration", {{"level", config.value("level", 1)}}}};
  if (id == "zstd") {
    return {{"name", "zstd"},
            {"configuration", {{"level", config.value("level", 1)}, {"checksum", config.value("checksum", false)}}}};
  }
  return {{"name", "numcodecs." + id}, {"configuration", config}};
}

Json bytes_json() { return {{"name", "bytes"}, {"configuration", {{"endian", "little"}}}}; }

std::string join_ints(const std::vector<int>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(v[i]);
  }
  return s;
}

}  // namespace

struct V3ChainBuilder {
  static V3ChainPtr build(const Json& codecs, const Shape& shape, DType dtype, const Scalar& fill) {
    if (!codecs.is_array() || codecs.empty()) bad("'codecs' must be a non-empty list, got " + codecs.dump());
    std::shared_ptr<V3CodecChain> chain(new V3CodecChain());
    chain->chunk_shape_ = shape;
    chain->dtype_ = dtype;
    chain->fill_ = fill;
    chain->json_ = codecs.dump();
    Shape current = shape;
    const int ndim = static_cast<int>(shape.size());
    bool have_array_to_bytes = false;
    for (const Json& c : codecs) {
      if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) {
        bad("each codec must be an object with a string 'name', got " + c.dump());
      }
      for (const auto& [key, value] : c.items()) {
        if (key != "name" && key != "configuration" && key != "must_understand") {
          bad("codec " + c["name"].dump() + ": unknown key '" + key + "'");
        }
      }
      const std::string name = c["name"].get<std::string>();
      const Json config = c.value("configuration", Json::object());
      if (!config.is_object()) bad("codec '" + name + "': 'configuration' must be an object, got " + config.dump());
      const bool is_array_codec = name == "transpose" || name == "bytes" || name == "sharding_indexed";
      if (is_array_codec && have_array_to_bytes) {
        bad("codec '" + name + "' comes after the array->bytes codec; the chain must be array->array codecs, "
            "one array->bytes codec, then bytes->bytes codecs");
      }
      if (name == "transpose") {
        check_keys(config, name, {"order"});
        std::vector<int> perm;
        const Json order = config.value("order", Json());
        if (order == "C") {
          for (int i = 0; i < ndim; ++i) perm.push_back(i);
        } else if (order == "F") {
          for (int i = ndim - 1; i >= 0; --i) perm.push_back(i);
        } else if (order.is_array()) {
          std::vector<bool> seen(static_cast<std::size_t>(ndim), false);
          for (const Json& v : order) {
            if (!v.is_number_integer() || v.get<int>() < 0 || v.get<int>() >= ndim || seen[v.get<int>()]) {
              bad("codec 'transpose': order " + order.dump() + " is not a permutation of " + std::to_string(ndim) +
                  " axes");
            }
            seen[v.get<int>()] = true;
            perm.push_back(v.get<int>());
          }
        }
        if (static_cast<int>(perm.size()) != ndim) {
          bad("codec 'transpose': order " + order.dump() + " is not a permutation of " + std::to_string(ndim) +
              " axes");
        }
        // Composition: y = x.transpose(p), z = y.transpose(q) = x.transpose(p[q]).
        if (chain->order_.empty()) {
          chain->order_ = perm;
        } else {
          std::vector<int> composed(perm.size());
          for (std::size_t i = 0; i < perm.size(); ++i) composed[i] = chain->order_[perm[i]];
          chain->order_ = composed;
        }
        Shape next(current.size());
        for (std::size_t i = 0; i < perm.size(); ++i) next[i] = current[perm[i]];
        current = next;
      } else if (name == "bytes") {
        check_keys(config, name, {"endian"});
        if (config.contains("endian")) {
          if (config["endian"] == "little") {
            chain->endian_ = Endian::kLittle;
          } else if (config["endian"] == "big") {
            chain->endian_ = Endian::kBig;
          } else {
            bad("codec 'bytes': endian must be \"little\" or \"big\", not " + config["endian"].dump());
          }
        } else if (item_size(dtype) > 1) {
          bad("codec 'bytes': missing 'endian' (required for " + std::string(dtype_name(dtype)) + ")");
        }
        have_array_to_bytes = true;
      } else if (name == "sharding_indexed") {
        check_keys(config, name, {"chunk_shape", "codecs", "index_codecs", "index_location"});
        V3CodecChain::Sharding sharding;
        const Json inner = config.value("chunk_shape", Json());
        if (!inner.is_array() || static_cast<int>(inner.size()) != ndim) {
          bad("codec 'sharding_indexed': chunk_shape must be a list of " + std::to_string(ndim) +
              " positive integers, got " + inner.dump());
        }
        for (std::size_t i = 0; i < inner.size(); ++i) {
          if (!inner[i].is_number_integer() || inner[i].get<std::int64_t>() < 1 ||
              current[i] % inner[i].get<std::int64_t>() != 0) {
            bad("codec 'sharding_indexed': chunk_shape " + inner.dump() + " must divide the shard shape " +
                shape_text(current));
          }
          sharding.inner_chunks.push_back(inner[i].get<std::int64_t>());
        }
        if (!config.contains("codecs")) bad("codec 'sharding_indexed': missing 'codecs'");
        sharding.inner = build(config["codecs"], sharding.inner_chunks, dtype, fill);
        Shape index_shape;
        for (std::size_t i = 0; i < current.size(); ++i) index_shape.push_back(current[i] / sharding.inner_chunks[i]);
        index_shape.push_back(2);
        const Json index_codecs = config.value("index_codecs", Json::array({bytes_json(), {{"name", "crc32c"}}}));
        sharding.index = build(index_codecs, index_shape, DType::kUInt64, Scalar(std::uint64_t{0}));
        if (sharding.index->sharding_) bad("codec 'sharding_indexed': index_codecs must not shard");
        for (const CodecPtr& b : sharding.index->bytes_codecs_) {
          if (b->id() != "crc32c") {
            bad("codec 'sharding_indexed': index_codecs must have a fixed size (bytes, crc32c); found '" +
                std::string(b->id()) + "'");
          }
        }
        const Json location = config.value("index_location", Json("end"));
        if (location == "end") {
          sharding.index_at_end = true;
        } else if (location == "start") {
          sharding.index_at_end = false;
        } else {
          bad("codec 'sharding_indexed': index_location must be \"start\" or \"end\", not " + location.dump());
        }
        chain->sharding_ = std::move(sharding);
        have_array_to_bytes = true;
      } else {
        if (!have_array_to_bytes) {
          // An unknown name is reported as such, not as misplaced.
          bytes_codec_from_v3(name, config);
          bad("codec '" + name + "' (bytes->bytes) comes before the array->bytes codec (bytes or sharding_indexed)");
        }
        chain->bytes_codecs_.push_back(bytes_codec_from_v3(name, config));
      }
    }
    if (!have_array_to_bytes) bad("'codecs' has no array->bytes codec (bytes or sharding_indexed): " + codecs.dump());
    chain->encoded_shape_ = current;
    return chain;
  }
};

V3ChainPtr V3CodecChain::parse(std::string_view codecs_json, const Shape& chunk_shape, DType dtype,
                               const Scalar& fill) {
  Json j;
  try {
    j = Json::parse(codecs_json);
  } catch (const Json::parse_error& e) {
    bad(std::string("'codecs' is not valid JSON: ") + e.what());
  }
  return V3ChainBuilder::build(j, chunk_shape, dtype, fill);
}

V3ChainPtr V3CodecChain::make(const Shape& chunk_shape, DType dtype, const Scalar& fill, const CodecPtr& compressor,
                              const Shape& inner_chunks) {
  CodecPtr codec = compressor;
  if (auto chain = std::dynamic_pointer_cast<const V3CodecChain>(codec)) codec = chain->compressor();
  Json codecs = Json::array({bytes_json()});
  if (codec) codecs.push_back(bytes_codec_to_v3(*codec, item_size(dtype)));
  if (!inner_chunks.empty()) {
    if (inner_chunks.size() != chunk_shape.size()) {
      throw InvalidArgumentError("shard shape " + shape_text(chunk_shape) + " and chunks " + shape_text(inner_chunks) +
                                 " have different ranks");
    }
    for (std::size_t i = 0; i < inner_chunks.size(); ++i) {
      if (inner_chunks[i] < 1 || chunk_shape[i] % inner_chunks[i] != 0) {
        throw InvalidArgumentError("shard shape " + shape_text(chunk_shape) + " is not a multiple of the chunks " +
                                   shape_text(inner_chunks));
      }
    }
    Json sharding = {{"name", "sharding_indexed"},
                     {"configuration",
                      {{"chunk_shape", inner_chunks},
                       {"codecs", codecs},
                       {"index_codecs", Json::array({bytes_json(), {{"name", "crc32c"}}})},
                       {"index_location", "end"}}}};
    codecs = Json::array({sharding});
  }
  return V3ChainBuilder::build(codecs, chunk_shape, dtype, fill);
}

V3ChainPtr V3CodecChain::with_shape(const Shape& chunk_shape) const {
  return parse(json_, chunk_shape, dtype_, fill_);
}

std::string V3CodecChain::config_json() const { return json_; }

std::string V3CodecChain::describe() const {
  std::vector<std::string> parts;
  if (!order_.empty()) parts.push_back("transpose[" + join_ints(order_) + "]");
  if (sharding_) {
    parts.push_back(fmt::format("sharding_indexed(inner chunks {}, index at {}: {}) of [{}]",
                                shape_text(sharding_->inner_chunks), sharding_->index_at_end ? "end" : "start",
                                sharding_->index->describe(), sharding_->inner->describe()));
  } else {
    parts.push_back(endian_ == Endian::kBig ? "bytes(big)" : "bytes(little)");
  }
  for (const CodecPtr& c : bytes_codecs_) {
    Json config = Json::parse(c->config_json());
    config.erase("id");
    parts.push_back(std::string(c->id()) + (config.empty() ? "" : config.dump()));
  }
  std::string s;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) s += " / ";
    s += parts[i];
  }
  return s;
}

CodecPtr V3CodecChain::compressor() const {
  if (sharding_) return sharding_->inner->compressor();
  for (const CodecPtr& c : bytes_codecs_) {
    if (c->id() != "crc32c") return c;
  }
  return nullptr;
}

std::int64_t V3CodecChain::index_nbytes() const {
  if (!sharding_) return 0;
  const V3CodecChain& index = *sharding_->index;
  return nbytes_of(index.chunk_shape_, DType::kUInt64) + 4 * static_cast<std::int64_t>(index.bytes_codecs_.size());
}

std::int64_t V3CodecChain::max_encoded_size(std::int64_t raw_bytes) const {
  std::int64_t size = raw_bytes;
  if (sharding_) {
    const std::int64_t inner = nbytes_of(sharding_->inner_chunks, dtype_);
    const std::int64_t count = inner > 0 ? (raw_bytes + inner - 1) / inner : 0;
    size = count * sharding_->inner->max_encoded_size(inner) + index_nbytes();
  }
  for (const CodecPtr& c : bytes_codecs_) size = c->max_encoded_size(size);
  return size;
}

// ---- encoding ---------------------------------------------------------------

Bytes V3CodecChain::encode(std::span<const std::uint8_t> raw, std::size_t) const {
  NDBuffer array(dtype_, chunk_shape_);
  if (static_cast<std::int64_t>(raw.size()) != array.nbytes()) {
    throw CodecError(fmt::format("zarr v3 codecs: expected {} bytes for a chunk of {}, got {}", array.nbytes(),
                                 shape_text(chunk_shape_), raw.size()));
  }
  if (!raw.empty()) std::memcpy(array.data(), raw.data(), raw.size());
  if (!order_.empty()) array = transpose(array, order_);
  Bytes data = encode_array(array);
  for (const CodecPtr& c : bytes_codecs_) data = c->encode(data, static_cast<std::size_t>(item_size(dtype_)));
  return data;
}

Bytes V3CodecChain::encode_array(const NDBuffer& array) const {
  if (sharding_) return encode_shard(array);
  Bytes data(array.bytes().begin(), array.bytes().end());
  if (endian_ == Endian::kBig) byteswap_elements(dtype_, data);
  return data;
}

Bytes V3CodecChain::encode_shard(const NDBuffer& shard) const {
  const Sharding& s = *sharding_;
  const Shape& grid = s.index->chunk_shape_;  // inner grid + [2]
  const Shape inner_grid(grid.begin(), grid.end() - 1);
  const std::int64_t count = shape_size(inner_grid);
  const std::int64_t item = item_size(dtype_);
  std::uint8_t pattern[16] = {};
  fill_.store(dtype_, pattern);
  const std::int64_t index_size = index_nbytes();
  NDBuffer index(DType::kUInt64, grid);
  auto* entries = reinterpret_cast<std::uint64_t*>(index.data());
  Bytes body;
  std::int64_t i = 0;
  NDBuffer inner(dtype_, s.inner_chunks);
  for_each_index(inner_grid, [&](const Shape& coords) {
    Shape origin(coords.size());
    for (std::size_t d = 0; d < coords.size(); ++d) origin[d] = coords[d] * s.inner_chunks[d];
    copy_region(shard, origin, inner, Shape(coords.size(), 0), s.inner_chunks);
    bool empty = true;
    const std::uint8_t* p = inner.data();
    for (std::int64_t k = 0; k < inner.size() && empty; ++k, p += item) {
      empty = std::memcmp(p, pattern, static_cast<std::size_t>(item)) == 0;
    }
    if (empty) {
      entries[2 * i] = kEmpty;
      entries[2 * i + 1] = kEmpty;
    } else {
      Bytes encoded = s.inner->encode(inner.bytes(), static_cast<std::size_t>(item));
      const std::int64_t base = s.index_at_end ? 0 : index_size;
      entries[2 * i] = static_cast<std::uint64_t>(base + static_cast<std::int64_t>(body.size()));
      entries[2 * i + 1] = encoded.size();
      body.insert(body.end(), encoded.begin(), encoded.end());
    }
    ++i;
  });
  (void)count;
  Bytes index_bytes = s.index->encode(index.bytes(), 8);
  if (static_cast<std::int64_t>(index_bytes.size()) != index_size) {
    throw InternalError(fmt::format("shard index encoded to {} bytes, expected {}", index_bytes.size(), index_size));
  }
  if (s.index_at_end) {
    body.insert(body.end(), index_bytes.begin(), index_bytes.end());
    return body;
  }
  index_bytes.insert(index_bytes.end(), body.begin(), body.end());
  return index_bytes;
}

// ---- decoding ---------------------------------------------------------------

Bytes V3CodecChain::decode(std::span<const std::uint8_t> encoded, std::size_t decoded_size) const {
  const std::int64_t expected = nbytes_of(chunk_shape_, dtype_);
  if (static_cast<std::int64_t>(decoded_size) != expected) {
    throw CodecError(fmt::format("zarr v3 codecs: asked for {} decoded bytes, a chunk of {} has {}", decoded_size,
                                 shape_text(chunk_shape_), expected));
  }
  // Decoded sizes of the bytes codecs' inputs, where known (-1: unknown).
  std::vector<std::int64_t> sizes{sharding_ ? -1 : nbytes_of(encoded_shape_, dtype_)};
  for (const CodecPtr& c : bytes_codecs_) sizes.push_back(sizes.back() >= 0 && c->id() == "crc32c" ? sizes.back() + 4 : -1);
  Bytes data(encoded.begin(), encoded.end());
  for (std::size_t i = bytes_codecs_.size(); i-- > 0;) {
    const Codec& c = *bytes_codecs_[i];
    std::int64_t size = sizes[i];
    if (size < 0) {
      if (c.id() != "crc32c") {
        throw CodecError("codec '" + std::string(c.id()) +
                         "' after another compressor or sharding_indexed: its decoded size is unknown (unsupported chain)");
      }
      size = data.size() >= 4 ? static_cast<std::int64_t>(data.size()) - 4 : 0;
    }
    data = c.decode(data, static_cast<std::size_t>(size));
  }
  NDBuffer array = decode_array(data);
  if (!order_.empty()) {
    std::vector<int> inverse(order_.size());
    for (std::size_t i = 0; i < order_.size(); ++i) inverse[order_[i]] = static_cast<int>(i);
    array = transpose(array, inverse);
  }
  return Bytes(array.bytes().begin(), array.bytes().end());
}

NDBuffer V3CodecChain::decode_array(std::span<const std::uint8_t> bytes) const {
  if (sharding_) {
    Fetch fetch = [bytes](std::int64_t offset, std::int64_t length) -> std::optional<Bytes> {
      auto [begin, end] = resolve_range(bytes.size(), offset, length);
      return Bytes(bytes.begin() + static_cast<std::ptrdiff_t>(begin), bytes.begin() + static_cast<std::ptrdiff_t>(end));
    };
    auto index = load_index(fetch);
    NDBuffer shard = NDBuffer::filled(dtype_, encoded_shape_, fill_);
    const Shape& grid = sharding_->index->chunk_shape_;
    std::int64_t i = 0;
    for_each_index(Shape(grid.begin(), grid.end() - 1), [&](const Shape& coords) {
      if ((*index)[2 * i] != kEmpty) {
        NDBuffer inner = decode_inner(fetch, *index, i);
        Shape origin(coords.size());
        for (std::size_t d = 0; d < coords.size(); ++d) origin[d] = coords[d] * sharding_->inner_chunks[d];
        copy_region(inner, Shape(coords.size(), 0), shard, origin, sharding_->inner_chunks);
      }
      ++i;
    });
    return shard;
  }
  NDBuffer array(dtype_, encoded_shape_);
  if (static_cast<std::int64_t>(bytes.size()) != array.nbytes()) {
    throw CodecError(fmt::format("codec 'bytes': expected {} bytes for a chunk of {}, found {} (truncated or corrupt)",
                                 array.nbytes(), shape_text(encoded_shape_), bytes.size()));
  }
  if (!bytes.empty()) std::memcpy(array.data(), bytes.data(), bytes.size());
  if (endian_ == Endian::kBig) byteswap_elements(dtype_, array.bytes());
  return array;
}

std::optional<std::vector<std::uint64_t>> V3CodecChain::load_index(const Fetch& fetch) const {
  const std::int64_t size = index_nbytes();
  auto data = fetch(sharding_->index_at_end ? -size : 0, size);
  if (!data) return std::nullopt;
  if (static_cast<std::int64_t>(data->size()) < size) {
    throw CodecError(fmt::format("shard index truncated: expected {} bytes, the shard has {}", size, data->size()));
  }
  const V3CodecChain& chain = *sharding_->index;
  Bytes decoded;
  try {
    decoded = chain.decode(*data, static_cast<std::size_t>(nbytes_of(chain.chunk_shape_, DType::kUInt64)));
  } catch (const CodecError& e) {
    throw CodecError(std::string("shard index: ") + e.what());
  }
  std::vector<std::uint64_t> entries(decoded.size() / 8);
  std::memcpy(entries.data(), decoded.data(), entries.size() * 8);
  for (std::size_t i = 0; i < entries.size(); i += 2) {
    const std::uint64_t offset = entries[i];
    const std::uint64_t n = entries[i + 1];
    const bool empty = offset == kEmpty && n == kEmpty;
    if (!empty && (offset == kEmpty || n == kEmpty || offset > static_cast<std::uint64_t>(INT64_MAX) ||
                   n > static_cast<std::uint64_t>(INT64_MAX) - offset)) {
      throw CodecError(fmt::format("shard index: bad entry {} (offset {}, nbytes {})", i / 2, offset, n));
    }
  }
  return entries;
}

NDBuffer V3CodecChain::decode_inner(const Fetch& fetch, const std::vector<std::uint64_t>& index,
                                    std::int64_t i) const {
  const Sharding& s = *sharding_;
  const std::uint64_t offset = index[2 * i];
  const std::uint64_t n = index[2 * i + 1];
  if (offset == kEmpty) return NDBuffer::filled(dtype_, s.inner_chunks, fill_);
  auto data = fetch(static_cast<std::int64_t>(offset), static_cast<std::int64_t>(n));
  if (!data || data->size() != n) {
    throw CodecError(fmt::format("shard truncated: inner chunk {} needs bytes [{}, {}), found {}", i, offset,
                                 offset + n, data ? data->size() : 0));
  }
  NDBuffer inner(dtype_, s.inner_chunks);
  Bytes raw;
  try {
    raw = s.inner->decode(*data, static_cast<std::size_t>(inner.nbytes()));
  } catch (const CodecError& e) {
    throw CodecError(fmt::format("inner chunk {}: {}", i, e.what()));
  }
  if (!raw.empty()) std::memcpy(inner.data(), raw.data(), raw.size());
  return inner;
}

std::optional<NDBuffer> V3CodecChain::decode_shard(const Fetch& fetch) const {
  if (!ranged_reads()) throw InternalError("decode_shard on a chain without plain sharding");
  auto index = load_index(fetch);
  if (!index) return std::nullopt;
  NDBuffer shard = NDBuffer::filled(dtype_, chunk_shape_, fill_);
  const Shape& grid = sharding_->index->chunk_shape_;
  std::int64_t i = 0;
  for_each_index(Shape(grid.begin(), grid.end() - 1), [&](const Shape& coords) {
    if ((*index)[2 * i] != kEmpty) {
      NDBuffer inner = decode_inner(fetch, *index, i);  // one inner chunk in memory at a time
      Shape origin(coords.size());
      for (std::size_t d = 0; d < coords.size(); ++d) origin[d] = coords[d] * sharding_->inner_chunks[d];
      copy_region(inner, Shape(coords.size(), 0), shard, origin, sharding_->inner_chunks);
    }
    ++i;
  });
  return shard;
}

NDBuffer V3CodecChain::read_inner_chunk(const Fetch& fetch, const Shape& inner_coords) const {
  if (!ranged_reads()) throw InternalError("read_inner_chunk on a chain without plain sharding");
  const Shape& grid = sharding_->index->chunk_shape_;
  std::int64_t i = 0;
  for (std::size_t d = 0; d < inner_coords.size(); ++d) {
    if (inner_coords[d] < 0 || inner_coords[d] >= grid[d]) {
      throw InvalidArgumentError("inner chunk " + shape_text(inner_coords) + " is outside the shard's grid");
    }
    i = i * grid[d] + inner_coords[d];
  }
  auto index = load_index(fetch);
  if (!index) return NDBuffer::filled(dtype_, sharding_->inner_chunks, fill_);
  return decode_inner(fetch, *index, i);
}

}  // namespace cubed::storage
