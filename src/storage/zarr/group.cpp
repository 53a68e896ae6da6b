#include <nlohmann/json.hpp>

#include "cubed/core/error.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed::storage {

void create_group(const StorePath& where, const std::string& attributes_json, int zarr_format) {
  if (node_kind(where) == NodeKind::kArray) {
    throw InvalidArgumentError("'" + where.describe() + "' is an array, cannot create a group there");
  }
  if (zarr_format == 3) {
    if (node_kind(where) == NodeKind::kGroup) return;
    std::string attrs;
    if (!attributes_json.empty()) {
      auto j = nlohmann::json::parse(attributes_json, nullptr, /*allow_exceptions=*/false);
      if (!j.is_object()) throw InvalidArgumentError("group attributes must be a JSON object");
      attrs = j.dump();
    }
    where.store->set(where.key("zarr.json"), std::string_view(zarr_group_json(attrs)));
    return;
  }
  if (zarr_format != 2) throw InvalidArgumentError("unsupported zarr_format " + std::to_string(zarr_format));
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
  if (auto v3 = where.store->get(where.key("zarr.json"))) {
    auto j = nlohmann::json::parse(v3->begin(), v3->end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.value("node_type", "") == "group") return NodeKind::kGroup;
    return NodeKind::kArray;  // an array, or a broken zarr.json that opening will report
  }
  if (where.store->exists(where.key(".zarray"))) return NodeKind::kArray;
  if (where.store->exists(where.key(".zgroup"))) return NodeKind::kGroup;
  return NodeKind::kNone;
}

}  // namespace cubed::storage
