#pragma once
// Shared by the v2 and v3 metadata parsers (internal to the storage layer).
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "cubed/core/dtype.hpp"
#include "cubed/core/scalar.hpp"

namespace cubed::storage {

/// A fill value in the v2 forms (numbers, "NaN", "Infinity", "-Infinity",
/// [re, im], null), range-checked for `dtype`. Throws MetadataError.
std::optional<Scalar> parse_fill_value_json(const nlohmann::json& v, DType dtype, std::string_view where);

}  // namespace cubed::storage
