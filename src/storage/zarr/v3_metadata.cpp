// Zarr v3 `zarr.json` of arrays and groups.
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "cubed/core/error.hpp"
#include "cubed/storage/zarr/metadata.hpp"
#include "cubed/storage/zarr/v3_codecs.hpp"
#include "storage/zarr/metadata_internal.hpp"

namespace cubed::storage {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

Shape extents(const Json& j, const std::string& name, std::string_view where, bool allow_zero) {
  if (!j.is_array()) bad(where, "'" + name + "' must be a list of integers, got " + j.dump());
  Shape s;
  for (const Json& v : j) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < (allow_zero ? 0 : 1)) {
      bad(where, "'" + name + "' must be a list of " + (allow_zero ? "non-negative" : "positive") +
                     " integers, got " + j.dump());
    }
    s.push_back(v.get<std::int64_t>());
  }
  return s;
}

// The 13 data types of the Array API, by their v3 names (= dtype_name).
DType parse_data_type(const Json& v, std::string_view where) {
  if (v.is_object() && v.contains("name")) {
    throw DTypeError(std::string(where) + ": unsupported data_type extension " + v["name"].dump());
  }
  if (!v.is_string()) throw DTypeError(std::string(where) + ": unsupported data_type " + v.dump());
  static constexpr DType kTypes[] = {DType::kBool,    DType::kInt8,    DType::kInt16,     DType::kInt32,
                                     DType::kInt64,   DType::kUInt8,   DType::kUInt16,    DType::kUInt32,
                                     DType::kUInt64,  DType::kFloat32, DType::kFloat64,   DType::kComplex64,
                                     DType::kComplex128};
  for (DType t : kTypes) {
    if (dtype_name(t) == v.get<std::string>()) return t;
  }
  throw DTypeError(std::string(where) + ": unsupported data_type '" + v.get<std::string>() +
                   "' (cubed-cpp reads bool, int8-64, uint8-64, float32/64, complex64/128)");
}

// A float in any v3 form: number, "NaN", "Infinity", "-Infinity", or a hex
// string of the IEEE bit pattern of `bytes` bytes ("0x7fc00000").
double float_fill(const Json& v, int bytes, std::string_view where) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s.size() > 2 && s[0] == '0' && s[1] == 'x') {
      if (static_cast<int>(s.size()) != 2 + 2 * bytes ||
          s.find_first_not_of("0123456789abcdefABCDEF", 2) != std::string::npos) {
        bad(where, "invalid fill_value " + v.dump() + ": a hex bit pattern needs " + std::to_string(2 * bytes) +
                       " hex digits");
      }
      const std::uint64_t bits = std::stoull(s.substr(2), nullptr, 16);
      if (bytes == 4) {
        const auto b32 = static_cast<std::uint32_t>(bits);
        float f;
        std::memcpy(&f, &b32, 4);
        return f;
      }
      double d;
      std::memcpy(&d, &bits, 8);
      return d;
    }
  }
  auto parsed = parse_fill_value_json(v, DType::kFloat64, where);
  if (!parsed) bad(where, "fill_value must not be null in Zarr v3");
  return parsed->as_double();
}

Scalar parse_fill_v3(const Json& v, DType dtype, std::string_view where) {
  if (v.is_null()) bad(where, "fill_value must not be null in Zarr v3");
  if (dtype == DType::kFloat32 || dtype == DType::kFloat64) {
    return Scalar(float_fill(v, static_cast<int>(item_size(dtype)), where));
  }
  if (dtype == DType::kComplex64 || dtype == DType::kComplex128) {
    if (!v.is_array() || v.size() != 2) bad(where, "fill_value " + v.dump() + " of a complex type must be [re, im]");
    const int part = static_cast<int>(item_size(dtype) / 2);
    return Scalar(std::complex<double>(float_fill(v[0], part, where), float_fill(v[1], part, where)));
  }
  if (dtype == DType::kBool && !v.is_boolean()) bad(where, "fill_value " + v.dump() + " of bool must be true or false");
  if (v.is_string()) {  // a hex bit pattern of an integer type
    const std::string s = v.get<std::string>();
    const int bytes = static_cast<int>(item_size(dtype));
    if (s.size() == static_cast<std::size_t>(2 + 2 * bytes) && s.starts_with("0x") &&
        s.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string::npos) {
      std::uint64_t bits = std::stoull(s.substr(2), nullptr, 16);
      std::uint8_t buffer[8];
      std::memcpy(buffer, &bits, 8);  // little-endian host: the low bytes come first
      return Scalar::load(dtype, buffer);
    }
    bad(where, "invalid fill_value " + v.dump() + " for data_type " + std::string(dtype_name(dtype)));
  }
  if (!v.is_number_integer() && !v.is_boolean()) {
    bad(where, "invalid fill_value " + v.dump() + " for data_type " + std::string(dtype_name(dtype)));
  }
  return *parse_fill_value_json(v, dtype, where);
}

void check_extensions(const Json& j, std::string_view where, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : j.items()) {
    bool is_known = false;
    for (std::string_view k : known) is_known = is_known || key == k;
    if (is_known) continue;
    // An extension a reader may ignore says so; any other is refused.
    if (value.is_object() && value.contains("must_understand") && value["must_understand"] == false) continue;
    bad(where, "unsupported extension '" + key + "' (must_understand)");
  }
}

Json parse_json(std::string_view text, std::string_view where) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    bad(where, std::string("malformed JSON: ") + e.what());
  }
  if (!j.is_object()) bad(where, "expected a JSON object, got " + std::string(j.type_name()));
  const Json& format = field(j, "zarr_format", where);
  if (!format.is_number_integer() || format != 3) bad(where, "unsupported zarr_format " + format.dump() + " (expected 3)");
  return j;
}

}  // namespace

ArrayMetadata parse_zarr_json(std::string_view text, std::string_view where, std::string* attributes) {
  Json j = parse_json(text, where);
  const Json& node_type = field(j, "node_type", where);
  if (node_type != "array") bad(where, "node_type " + node_type.dump() + " is not \"array\"");
  check_extensions(j, where,
                   {"zarr_format", "node_type", "shape", "data_type", "chunk_grid", "chunk_key_encoding",
                    "fill_value", "codecs", "attributes", "dimension_names", "storage_transformers"});
  ArrayMetadata m;
  m.zarr_format = 3;
  m.shape = extents(field(j, "shape", where), "shape", where, true);
  m.dtype = parse_data_type(field(j, "data_type", where), where);
  m.endian = item_size(m.dtype) == 1 ? Endian::kNotApplicable : Endian::kLittle;

  const Json& grid = field(j, "chunk_grid", where);
  if (!grid.is_object() || grid.value("name", Json()) != "regular") {
    bad(where, "unsupported chunk_grid " + (grid.is_object() ? grid.value("name", Json()).dump() : grid.dump()) +
                   " (only \"regular\")");
  }
  const Json grid_config = grid.value("configuration", Json::object());
  if (!grid_config.contains("chunk_shape")) bad(where, "chunk_grid: missing 'chunk_shape'");
  m.chunks = extents(grid_config["chunk_shape"], "chunk_shape", where, false);
  if (m.chunks.size() != m.shape.size()) {
    bad(where, "chunk_shape " + grid_config["chunk_shape"].dump() + " does not match the rank of shape " +
                   field(j, "shape", where).dump());
  }

  const Json& keys = field(j, "chunk_key_encoding", where);
  const Json key_name = keys.is_object() ? keys.value("name", Json()) : keys;
  if (key_name == "default") {
    m.v2_chunk_keys = false;
    m.dimension_separator = '/';
  } else if (key_name == "v2") {
    m.v2_chunk_keys = true;
    m.dimension_separator = '.';
  } else {
    bad(where, "unsupported chunk_key_encoding " + key_name.dump() + " (expected \"default\" or \"v2\")");
  }
  if (keys.is_object() && keys.contains("configuration")) {
    const Json separator = keys["configuration"].value("separator", Json(std::string(1, m.dimension_separator)));
    if (separator == "/" || separator == ".") {
      m.dimension_separator = separator.get<std::string>()[0];
    } else {
      bad(where, "chunk_key_encoding: invalid separator " + separator.dump() + " (expected \"/\" or \".\")");
    }
  }

  const Scalar fill = parse_fill_v3(field(j, "fill_value", where), m.dtype, where);
  m.fill_value = fill;

  auto transformers = j.find("storage_transformers");
  if (transformers != j.end() && !transformers->is_null()) {
    if (!transformers->is_array()) bad(where, "'storage_transformers' must be a list");
    if (!transformers->empty()) {
      const Json& t = (*transformers)[0];
      bad(where, "unsupported storage transformer " + (t.is_object() ? t.value("name", t).dump() : t.dump()));
    }
  }

  auto names = j.find("dimension_names");
  if (names != j.end() && !names->is_null()) {
    if (!names->is_array() || names->size() != m.shape.size()) {
      bad(where, "'dimension_names' must be a list of " + std::to_string(m.shape.size()) + " names, got " +
                     names->dump());
    }
    for (const Json& n : *names) {
      if (n.is_null()) {
        m.dimension_names.emplace_back(std::nullopt);
      } else if (n.is_string()) {
        m.dimension_names.emplace_back(n.get<std::string>());
      } else {
        bad(where, "'dimension_names' entries must be strings or null, got " + n.dump());
      }
    }
  }

  auto attrs = j.find("attributes");
  if (attrs != j.end() && !attrs->is_object()) bad(where, "'attributes' must be an object, got " + attrs->dump());
  if (attributes) *attributes = attrs == j.end() ? "{}" : attrs->dump(4, ' ', /*ensure_ascii=*/true);

  V3ChainPtr chain;
  try {
    chain = V3CodecChain::parse(field(j, "codecs", where).dump(), m.chunks, m.dtype, fill);
  } catch (const MetadataError& e) {
    bad(where, e.what());
  } catch (const CodecError& e) {
    throw CodecError(std::string(where) + ": " + e.what());
  }
  if (chain->ranged_reads()) m.inner_chunks = chain->sharding()->inner_chunks;
  m.compressor = chain;
  return m;
}

std::string zarr_json(const ArrayMetadata& m, const std::string& attributes_json) {
  auto chain = std::dynamic_pointer_cast<const V3CodecChain>(m.compressor);
  if (!chain) throw InternalError("zarr_json: the compressor of a v3 array must be its codec chain");
  OrderedJson j;
  j["zarr_format"] = 3;
  j["node_type"] = "array";
  j["shape"] = m.shape;
  j["data_type"] = dtype_name(m.dtype);
  j["chunk_grid"] = {{"name", "regular"}, {"configuration", {{"chunk_shape", m.chunks}}}};
  j["chunk_key_encoding"] = {{"name", m.v2_chunk_keys ? "v2" : "default"},
                             {"configuration", {{"separator", std::string(1, m.dimension_separator)}}}};
  j["fill_value"] = OrderedJson::parse(fill_value_json(m.fill_or_zero(), m.dtype));
  j["codecs"] = OrderedJson::parse(chain->config_json());
  j["attributes"] = attributes_json.empty() ? OrderedJson::object() : OrderedJson::parse(attributes_json);
  if (!m.dimension_names.empty()) {
    OrderedJson names = OrderedJson::array();
    for (const auto& n : m.dimension_names) names.push_back(n ? OrderedJson(*n) : OrderedJson(nullptr));
    j["dimension_names"] = names;
  }
  j["storage_transformers"] = OrderedJson::array();
  return j.dump(2) + "\n";
}

std::string zarr_group_json(const std::string& attributes_json) {
  OrderedJson j;
  j["zarr_format"] = 3;
  j["node_type"] = "group";
  j["attributes"] = attributes_json.empty() ? OrderedJson::object() : OrderedJson::parse(attributes_json);
  return j.dump(2) + "\n";
}

}  // namespace cubed::storage
