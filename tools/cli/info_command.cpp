// `cubed info [--json] PATH`: describes a Zarr array.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "arguments.hpp"
#include "commands.hpp"
#include "cubed/core/error.hpp"
#include "cubed/core/size.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed::cli {

const char* const kInfoUsage =
    "usage: cubed info [--json] PATH\n\n"
    "Describes the Zarr array (v2 or v3) at PATH: format, shape, chunks (and shards), dtype,\n"
    "compressor or v3 codecs, fill value, order, number of chunks and of chunks stored,\n"
    "bytes and compression ratio.\n\n"
    "options:\n"
    "  --json   print one JSON object (keys: shape, chunks, dtype, compressor, fill_value,\n"
    "           order, nchunks, nchunks_initialized, nbytes, nbytes_stored, ...; for v3 also\n"
    "           codecs, and inner_chunks when sharded, where chunks are the shards)\n";

int run_info(const std::vector<std::string>& args) {
  Arguments parsed(args, {{}, {"--json"}});
  if (parsed.positional().size() != 1) throw InvalidArgumentError("info takes exactly one PATH");
  const std::string& path = parsed.positional()[0];
  auto array = storage::ZarrArray::open(storage::open_store_path(path));
  const storage::ArrayMetadata& m = array.metadata();
  const std::int64_t nbytes = shape_size(m.shape) * item_size(m.dtype);
  const std::int64_t stored = array.nbytes_stored();
  const std::int64_t initialized = array.nchunks_initialized();
  const double ratio = stored > 0 ? static_cast<double>(nbytes) / static_cast<double>(stored) : 0.0;
  const std::string compressor = m.compressor ? m.compressor->config_json() : "null";
  const std::string order = m.order == storage::Order::kC ? "C" : "F";
  auto chain = std::dynamic_pointer_cast<const storage::V3CodecChain>(m.compressor);
  // v3: the compressor is the chain; its compressing codec is "compressor".
  const storage::CodecPtr codec = chain ? chain->compressor() : m.compressor;
  const std::string compressor_text = codec ? codec->config_json() : "null";
  const std::string zarr_dtype = m.zarr_format == 3 ? std::string(dtype_name(m.dtype)) : zarr_v2_dtype(m.dtype, m.endian);
  if (parsed.flag("--json")) {
    nlohmann::json j;
    j["path"] = path;
    j["zarr_format"] = m.zarr_format;
    j["shape"] = m.shape;
    j["chunks"] = m.chunks;
    j["dtype"] = dtype_name(m.dtype);
    j["zarr_dtype"] = zarr_dtype;
    j["compressor"] = nlohmann::json::parse(compressor_text);
    if (chain) j["codecs"] = nlohmann::json::parse(compressor);
    if (!m.inner_chunks.empty()) j["inner_chunks"] = m.inner_chunks;
    if (!m.dimension_names.empty()) {
      j["dimension_names"] = nlohmann::json::array();
      for (const auto& n : m.dimension_names) j["dimension_names"].push_back(n ? nlohmann::json(*n) : nlohmann::json());
    }
    j["fill_value"] = nlohmann::json::parse(storage::fill_value_json(m.fill_value, m.dtype));
    j["order"] = order;
    j["dimension_separator"] = std::string(1, m.dimension_separator);
    j["nchunks"] = array.grid().num_chunks();
    j["nchunks_initialized"] = initialized;
    j["nbytes"] = nbytes;
    j["nbytes_stored"] = stored;
    j["compression_ratio"] = ratio;
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::string fill = m.fill_value ? m.fill_value->to_string() : "None";
  std::printf("Path                : %s\n", path.c_str());
  std::printf("Format              : Zarr v%d\n", m.zarr_format);
  std::printf("Data type           : %s (%s)\n", std::string(dtype_name(m.dtype)).c_str(), zarr_dtype.c_str());
  std::printf("Shape               : %s\n", shape_to_string(m.shape).c_str());
  if (!m.inner_chunks.empty()) {
    std::printf("Shard shape         : %s\n", shape_to_string(m.chunks).c_str());
    std::printf("Inner chunk shape   : %s (%lld per shard)\n", shape_to_string(m.inner_chunks).c_str(),
                static_cast<long long>(shape_size(m.chunks) / std::max<std::int64_t>(shape_size(m.inner_chunks), 1)));
  } else {
    std::printf("Chunk shape         : %s\n", shape_to_string(m.chunks).c_str());
  }
  std::printf("Chunk grid          : %s\n", shape_to_string(array.grid().grid_shape()).c_str());
  std::printf("Order               : %s\n", order.c_str());
  std::printf("Separator           : %c\n", m.dimension_separator);
  std::printf("Compressor          : %s\n", compressor_text.c_str());
  if (chain) std::printf("Codecs              : %s\n", chain->describe().c_str());
  if (!m.dimension_names.empty()) {
    std::string names;
    for (const auto& n : m.dimension_names) {
      if (!names.empty()) names += ", ";
      names += n.value_or("null");
    }
    std::printf("Dimension names     : %s\n", names.c_str());
  }
  std::printf("Fill value          : %s\n", fill.c_str());
  std::printf("No. chunks          : %lld\n", static_cast<long long>(array.grid().num_chunks()));
  std::printf("Chunks initialized  : %lld\n", static_cast<long long>(initialized));
  std::printf("No. bytes           : %lld (%s)\n", static_cast<long long>(nbytes), format_size(nbytes).c_str());
  std::printf("No. bytes stored    : %lld (%s)\n", static_cast<long long>(stored), format_size(stored).c_str());
  std::printf("Storage ratio       : %.1f\n", ratio);
  return 0;
}

}  // namespace cubed::cli
