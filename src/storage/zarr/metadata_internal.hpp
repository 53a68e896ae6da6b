#pragma once
// Shared by the v2 and v3 metadata parsers (internal to the storage layer).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "cubed/core/dtype.hpp"
#include "cubed/core/error.hpp"
#include "cubed/core/scalar.hpp"

namespace cubed::storage {

/// Throws MetadataError "<where>: <what>".
[[noreturn]] inline void bad(std::string_view where, const std::string& what) {
  throw MetadataError(std::string(where) + ": " + what);
}

/// The field `name` of a JSON object; MetadataError when it is missing.
inline const nlohmann::json& field(const nlohmann::json& j, const char* name, std::string_view where) {
  auto it = j.find(name);
  if (it == j.end()) bad(where, std::string("missing field '") + name + "'");
  return *it;
}

/// A fill value in the v2 forms (numbers, "NaN", "Infinity", "-Infinity",
/// [re, im], null), range-checked for `dtype`. Throws MetadataError.
std::optional<Scalar> parse_fill_value_json(const nlohmann::json& v, DType dtype, std::string_view where);

}  // namespace cubed::storage
