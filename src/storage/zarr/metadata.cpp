#include "cubed/storage/zarr/metadata.hpp"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "cubed/core/error.hpp"
#include "storage/zarr/metadata_internal.hpp"

namespace cubed::storage {
namespace {

using Json = nlohmann::json;

Shape parse_extents(const Json& j, const char* name, std::string_view where, bool allow_zero) {
  if (!j.is_array()) bad(where, std::string("'") + name + "' must be a list of integers, got " + j.dump());
  Shape s;
  for (const Json& v : j) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < (allow_zero ? 0 : 1)) {
      bad(where, std::string("'") + name + "' must be a list of " + (allow_zero ? "non-negative" : "positive") +
                     " integers, got " + j.dump());
    }
    s.push_back(v.get<std::int64_t>());
  }
  return s;
}

double parse_float_fill(const Json& v, std::string_view where) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  }
  bad(where, "invalid fill_value " + v.dump() + " for a floating dtype");
}

std::optional<Scalar> parse_fill(const Json& v, DType dtype, std::string_view where) {
  if (v.is_null()) return std::nullopt;
  if (is_bool(dtype)) {
    if (v.is_boolean()) return Scalar(v.get<bool>());
    if (v.is_number_integer() && (v.get<std::int64_t>() == 0 || v.get<std::int64_t>() == 1)) {
      return Scalar(v.get<std::int64_t>() == 1);
    }
    bad(where, "invalid fill_value " + v.dump() + " for dtype bool");
  }
  if (is_integer(dtype)) {
    Scalar s;
    if (v.is_number_unsigned()) {
      s = Scalar(v.get<std::uint64_t>());
    } else if (v.is_number_integer()) {
      s = Scalar(v.get<std::int64_t>());
    } else if (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>()) {
      // Converting a double outside the target's range is undefined: check first.
      const double d = v.get<double>();
      if (d >= -0x1p63 && d < 0x1p63) {
        s = Scalar(static_cast<std::int64_t>(d));
      } else if (d >= 0 && d < 0x1p64) {
        s = Scalar(static_cast<std::uint64_t>(d));
      } else {
        bad(where, "fill_value " + v.dump() + " is out of range for dtype " + std::string(dtype_name(dtype)));
      }
    } else if (v.is_boolean()) {
      s = Scalar(std::int64_t{v.get<bool>() ? 1 : 0});
    } else {
      bad(where, "invalid fill_value " + v.dump() + " for dtype " + std::string(dtype_name(dtype)));
    }
    // Range check: the value must survive a round trip through the dtype.
    std::uint8_t buffer[16];
    s.store(dtype, buffer);
    Scalar back = Scalar::load(dtype, buffer);
    bool same = s.kind() == Scalar::Kind::kUInt ? back.as_uint() == s.as_uint() &&
                                                      (is_unsigned_integer(dtype) || back.as_int() >= 0)
                                                : back.as_int() == s.as_int() &&
                                                      (back.kind() != Scalar::Kind::kUInt || s.as_int() >= 0);
    if (!same) bad(where, "fill_value " + v.dump() + " is out of range for dtype " + std::string(dtype_name(dtype)));
    return s;
  }
  if (is_floating(dtype)) return Scalar(parse_float_fill(v, where));
  // complex: [re, im] (zarr-python 2.13 also accepts a bare number).
  if (v.is_array() && v.size() == 2) {
    return Scalar(std::complex<double>(parse_float_fill(v[0], where), parse_float_fill(v[1], where)));
  }
  if (v.is_number() || v.is_string()) return Scalar(std::complex<double>(parse_float_fill(v, where), 0.0));
  bad(where, "invalid fill_value " + v.dump() + " for dtype " + std::string(dtype_name(dtype)));
}

}  // namespace

std::optional<Scalar> parse_fill_value_json(const nlohmann::json& v, DType dtype, std::string_view where) {
  return parse_fill(v, dtype, where);
}

namespace {

Json float_json(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return d;
}

Json fill_json(const std::optional<Scalar>& fill, DType dtype) {
  if (!fill) return nullptr;
  if (is_bool(dtype)) return fill->as_bool();
  if (is_signed_integer(dtype)) return fill->as_int();
  if (is_unsigned_integer(dtype)) return fill->as_uint();
  if (is_floating(dtype)) {
    double d = fill->as_double();
    if (dtype == DType::kFloat32) d = static_cast<float>(d);
    return float_json(d);
  }
  std::complex<double> c = fill->as_complex();
  return Json::array({float_json(c.real()), float_json(c.imag())});
}

}  // namespace

std::int64_t ArrayMetadata::chunk_nbytes() const { return shape_size(chunks) * item_size(dtype); }

std::string fill_value_json(const std::optional<Scalar>& fill, DType dtype) { return fill_json(fill, dtype).dump(); }

ArrayMetadata parse_zarray(std::string_view text, std::string_view where) {
  Json j;
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    bad(where, std::string("malformed JSON: ") + e.what());
  }
  if (!j.is_object()) bad(where, "expected a JSON object, got " + std::string(j.type_name()));
  const Json& format = field(j, "zarr_format", where);
  if (!format.is_number_integer() || format != 2) {
    bad(where, "unsupported zarr_format " + format.dump() + " (expected 2)");
  }
  ArrayMetadata m;
  m.shape = parse_extents(field(j, "shape", where), "shape", where, true);
  m.chunks = parse_extents(field(j, "chunks", where), "chunks", where, false);
  if (m.chunks.size() != m.shape.size()) {
    bad(where, "chunks " + field(j, "chunks", where).dump() + " do not match the rank of shape " +
                   field(j, "shape", where).dump());
  }
  const Json& dtype = field(j, "dtype", where);
  if (!dtype.is_string()) {
    throw DTypeError(std::string(where) + ": unsupported dtype " + dtype.dump() +
                     " (structured dtypes are not supported)");
  }
  try {
    ZarrV2Type t = parse_zarr_v2_dtype(dtype.get<std::string>());
    m.dtype = t.dtype;
    m.endian = t.endian == Endian::kBig ? Endian::kBig : Endian::kLittle;
  } catch (const DTypeError& e) {
    throw DTypeError(std::string(where) + ": " + e.what());
  }
  const Json& compressor = field(j, "compressor", where);
  if (!compressor.is_null()) {
    if (!compressor.is_object()) bad(where, "'compressor' must be null or an object, got " + compressor.dump());
    try {
      m.compressor = codec_from_json(compressor.dump());
    } catch (const CodecError& e) {
      throw CodecError(std::string(where) + ": " + e.what());
    }
  }
  m.fill_value = parse_fill(field(j, "fill_value", where), m.dtype, where);
  const Json& order = field(j, "order", where);
  if (order == "C") {
    m.order = Order::kC;
  } else if (order == "F") {
    m.order = Order::kF;
  } else {
    bad(where, "invalid order " + order.dump() + " (expected \"C\" or \"F\")");
  }
  auto filters = j.find("filters");
  if (filters != j.end() && !filters->is_null()) {
    if (!filters->is_array()) bad(where, "'filters' must be null or a list, got " + filters->dump());
    if (!filters->empty()) {
      const Json& first = (*filters)[0];
      std::string id = first.is_object() && first.contains("id") ? first["id"].dump() : first.dump();
      bad(where, "unsupported filter " + id + " (cubed-cpp reads arrays without filters)");
    }
  }
  auto separator = j.find("dimension_separator");
  if (separator != j.end() && !separator->is_null()) {
    if (*separator == ".") {
      m.dimension_separator = '.';
    } else if (*separator == "/") {
      m.dimension_separator = '/';
    } else {
      bad(where, "invalid dimension_separator " + separator->dump() + " (expected \".\" or \"/\")");
    }
  }
  return m;
}

std::string zarray_json(const ArrayMetadata& m) {
  Json j = Json::object();
  j["zarr_format"] = 2;
  j["shape"] = m.shape;
  j["chunks"] = m.chunks;
  j["dtype"] = zarr_v2_dtype(m.dtype, m.endian);
  j["compressor"] = m.compressor ? Json::parse(m.compressor->config_json()) : Json(nullptr);
  j["fill_value"] = fill_json(m.fill_value, m.dtype);
  j["order"] = m.order == Order::kC ? "C" : "F";
  j["filters"] = nullptr;
  j["dimension_separator"] = std::string(1, m.dimension_separator);
  return j.dump(4) + "\n";
}

}  // namespace cubed::storage
