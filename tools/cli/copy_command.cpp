// `cubed copy SRC DST`: copies an array chunk by chunk, holding one chunk
// (decoded and encoded) at a time.
#include <cstdint>
#include <cstdio>
#include <filesystem>

#include "arguments.hpp"
#include "commands.hpp"
#include "cubed/core/error.hpp"
#include "cubed/core/size.hpp"
#include "cubed/storage/codecs/codec.hpp"
#include "cubed/storage/local_store.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed::cli {
namespace {

// Where a location is, comparable across spellings: the resolved folder of a
// local path ("a/../a/" is "a", symlinks followed), or the store and key
// prefix of any other store.
std::string location_id(const storage::StorePath& where) {
  if (const auto* local = dynamic_cast<const storage::LocalStore*>(where.store.get())) {
    std::error_code ec;
    std::filesystem::path full = std::filesystem::absolute(local->root() / where.path, ec);
    if (!ec) full = std::filesystem::weakly_canonical(full, ec);
    std::string id = "file:" + (ec ? (local->root() / where.path).generic_string() : full.generic_string());
    while (id.size() > 6 && id.back() == '/') id.pop_back();
    return id;
  }
  return "store:" + std::to_string(reinterpret_cast<std::uintptr_t>(where.store.get())) + ":" + where.path;
}

// Creating DST (which erases it with --overwrite) must not touch SRC.
void check_not_overlapping(const storage::StorePath& source, const storage::StorePath& target) {
  const std::string src = location_id(source);
  const std::string dst = location_id(target);
  if (src == dst) throw InvalidArgumentError("SRC and DST are the same array ('" + source.describe() + "')");
  if (src.compare(0, dst.size() + 1, dst + "/") == 0) {
    throw InvalidArgumentError("SRC '" + source.describe() + "' is inside DST '" + target.describe() +
                               "'; refusing to replace it");
  }
}

}  // namespace

const char* const kCopyUsage =
    "usage: cubed copy SRC DST [--compressor SPEC] [--allowed-mem SIZE] [--work-dir DIR] [--overwrite]\n\n"
    "Copies the Zarr array SRC to a new Zarr v2 array DST, chunk by chunk. DST gets its\n"
    ".zarray last, so an interrupted copy never looks like a whole array.\n\n"
    "options:\n"
    "  --compressor SPEC   none, zstd[:LEVEL], lz4[:ACCELERATION], zlib[:LEVEL], gzip[:LEVEL],\n"
    "                      bz2[:LEVEL], lzma[:PRESET], blosc[:CNAME[:CLEVEL[:SHUFFLE]]]\n"
    "                      (default: the compressor of SRC)\n"
    "  --allowed-mem SIZE  most memory one task may use, e.g. 500MB, 2GB (default 2GB)\n"
    "  --work-dir DIR      folder for intermediate data (must be writable)\n"
    "  --overwrite         replace DST if it is already a Zarr array or group\n";

int run_copy(const std::vector<std::string>& args) {
  Arguments parsed(args, {{"--compressor", "--allowed-mem", "--work-dir", "--reserved-mem"}, {"--overwrite"}});
  if (parsed.positional().size() != 2) throw InvalidArgumentError("copy takes SRC and DST");
  auto source = storage::ZarrArray::open(storage::open_store_path(parsed.positional()[0]));
  storage::ArrayMetadata meta = source.metadata();
  if (auto spec = parsed.option("--compressor")) meta.compressor = storage::codec_from_spec(*spec);
  const std::int64_t allowed = parse_size(parsed.option("--allowed-mem").value_or("2GB"));
  const std::int64_t reserved = parse_size(parsed.option("--reserved-mem").value_or("100MB"));
  if (auto work_dir = parsed.option("--work-dir")) {
    std::error_code ec;
    std::filesystem::create_directories(*work_dir, ec);
    if (ec) throw StorageError("cannot create work dir '" + *work_dir + "': " + ec.message());
  }
  // A task holds the source chunk encoded and decoded, and the same for the
  // output chunk (edge padding may add one more decoded copy).
  const std::int64_t chunk = meta.chunk_nbytes();
  const std::int64_t encoded_out = meta.compressor ? meta.compressor->max_encoded_size(chunk) : chunk;
  const std::int64_t projected = reserved + 2 * chunk + chunk + encoded_out;
  if (projected > allowed) {
    throw MemoryBudgetError("copy: projected memory per task " + format_size(projected) +
                            " exceeds allowed_mem " + format_size(allowed) + " (reserved_mem " +
                            format_size(reserved) + ", chunk " + format_size(chunk) + ")");
  }
  const storage::StorePath target_path = storage::open_store_path(parsed.positional()[1]);
  check_not_overlapping(source.location(), target_path);
  if (!parsed.flag("--overwrite") && storage::node_kind(target_path) != storage::NodeKind::kNone) {
    throw InvalidArgumentError("'" + target_path.describe() + "' already exists (use --overwrite to replace it)");
  }
  auto target = storage::ZarrArray::create(target_path, meta,
                                           {.overwrite = parsed.flag("--overwrite"),
                                            .defer_metadata = true,
                                            .attributes_json = source.attributes_json()});
  std::int64_t copied = 0;
  for_each_index(source.grid().grid_shape(), [&](const Shape& coords) {
    // Chunks that are not stored stay unstored: they read as the fill value.
    auto chunk_data = source.read_chunk_if_stored(coords);
    if (!chunk_data) return;
    target.write_chunk(coords, *chunk_data);
    ++copied;
  });
  target.commit();
  std::printf("copied %lld of %lld chunks to %s\n", static_cast<long long>(copied),
              static_cast<long long>(source.grid().num_chunks()), parsed.positional()[1].c_str());
  return 0;
}

}  // namespace cubed::cli
