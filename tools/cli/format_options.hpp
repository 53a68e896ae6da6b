#pragma once
// `--zarr-format N` and `--shards S`, shared by `cubed copy` and `cubed eval`.
#include <string>

#include "arguments.hpp"
#include "cubed/core/chunk_grid.hpp"
#include "cubed/core/error.hpp"
#include "cubed/runtime/compute.hpp"

namespace cubed::cli {

/// Sets store.zarr_format and store.shards from the options; `shape`
/// resolves the shard spec. Throws InvalidArgumentError naming a bad value.
inline void apply_format_options(const Arguments& parsed, const Shape& shape, DType dtype, StoreOptions& store) {
  auto format = parsed.option("--zarr-format");
  auto shards = parsed.option("--shards");
  if (format) {
    if (*format != "2" && *format != "3") {
      throw InvalidArgumentError("--zarr-format must be 2 or 3, not '" + *format + "'");
    }
    store.zarr_format = *format == "3" ? 3 : 2;
  } else if (shards) {
    store.zarr_format = 3;
  }
  if (shards) {
    if (store.zarr_format != 3) throw InvalidArgumentError("--shards needs --zarr-format 3");
    try {
      store.shards = normalize_chunks(parse_chunk_spec(*shards), shape, dtype);
    } catch (const InvalidArgumentError& e) {
      throw InvalidArgumentError(std::string("--shards: ") + e.what());
    }
  }
}

}  // namespace cubed::cli
