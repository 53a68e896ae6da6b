#include <nlohmann/json.hpp>

#include "cubed/core/error.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed::storage {

void create_group(const StorePath& where, const std::string& attributes_json) {
  if (where.store->exists(where.key(".zarray"))) {
    throw InvalidArgumentError("'" + where.describe() + "' is an array, cannot create a group there");
  }
  if (!where.store->exists(where.key(".zgroup"))) {
    where.store->set(where.key(".zgroup"), std::string_view("{\n    \"zarr_format\": 2\n}\n"));
  }
  if (!attributes_json.empty()) {
    nlohmann::json attrs;
    try {
      attrs = nlohmann::json::parse(attributes_json);
    } catch (const nlohmann::json::parse_error& e) {
      throw InvalidArgumentError(std::string("group attributes are not valid JSON: ") + e.what());
    }
    if (!attrs.is_object()) throw InvalidArgumentError("group attributes must be a JSON object");
    where.store->set(where.key(".zattrs"), std::string_view(attrs.dump(4, ' ', /*ensure_ascii=*/true) + "\n"));
  }
}

NodeKind node_kind(const StorePath& where) {
  if (where.store->exists(where.key(".zarray"))) return NodeKind::kArray;
  if (where.store->exists(where.key(".zgroup"))) return NodeKind::kGroup;
  return NodeKind::kNone;
}

}  // namespace cubed::storage
