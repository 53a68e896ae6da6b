// `cubed copy SRC DST`: copies (and optionally rechunks) an array through a
// plan: from_zarr -> rechunk -> to_zarr, so memory is checked and bounded
// exactly as for any computation.
#include <cstdio>

#include "arguments.hpp"
#include "commands.hpp"
#include "format_options.hpp"
#include "cubed/core/error.hpp"
#include "cubed/core/size.hpp"
#include "cubed/primitives/rechunk.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/compute.hpp"
#include "cubed/storage/codecs/codec.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed::cli {

const char* const kCopyUsage =
    "usage: cubed copy SRC DST [--chunks C] [--compressor SPEC] [--allowed-mem SIZE] [--reserved-mem SIZE]\n"
    "                  [--work-dir DIR] [--overwrite] [--zarr-format N] [--shards S]\n\n"
    "Copies the Zarr array SRC (v2 or v3) to a new Zarr array DST (v2 unless --zarr-format 3\n"
    "or --shards), chunk by chunk, optionally rechunking it within the memory budget. Chunks\n"
    "SRC does not store are not stored in DST either. DST gets its metadata (.zarray or\n"
    "zarr.json) last, so an interrupted copy never looks whole. A sharded SRC copied to v3\n"
    "without --chunks or --shards keeps its shards.\n\n"
    "options:\n"
    "  --chunks C          new chunks: one length for every axis (100), one per axis\n"
    "                      (100,-1,10; -1 = whole axis) or auto (default: SRC's chunks)\n"
    "  --compressor SPEC   none, zstd[:LEVEL], lz4[:ACCELERATION], zlib[:LEVEL], gzip[:LEVEL],\n"
    "                      bz2[:LEVEL], lzma[:PRESET], blosc[:CNAME[:CLEVEL[:SHUFFLE]]]\n"
    "                      (default: the compressor of SRC)\n"
    "  --allowed-mem SIZE  most memory one task may use, e.g. 500MB, 2GB (default 2GB)\n"
    "  --reserved-mem SIZE memory a worker needs for itself (default 100MB)\n"
    "  --work-dir DIR      folder for intermediate arrays of a rechunk (default: system temp)\n"
    "  --overwrite         replace DST if it is already a Zarr array or group\n"
    "  --zarr-format N     2 (default: every reader on Debian 12 reads it) or 3\n"
    "  --shards S          Zarr v3 shards of DST, as --chunks (multiples of the chunks, -1 =\n"
    "                      whole axis); implies --zarr-format 3. A task writes one shard\n";

int run_copy(const std::vector<std::string>& args) {
  Arguments parsed(args, {{"--compressor", "--allowed-mem", "--reserved-mem", "--work-dir", "--chunks", "--zarr-format", "--shards"}, {"--overwrite"}});
  if (parsed.positional().size() != 2) throw InvalidArgumentError("copy takes SRC and DST");
  SpecOptions spec_options;
  spec_options.work_dir = parsed.option("--work-dir").value_or("");
  spec_options.allowed_mem = parse_size(parsed.option("--allowed-mem").value_or("2GB"));
  spec_options.reserved_mem = parse_size(parsed.option("--reserved-mem").value_or("100MB"));
  auto spec = std::make_shared<const Spec>(spec_options);

  auto source = storage::ZarrArray::open(storage::open_store_path(parsed.positional()[0]));
  const storage::ArrayMetadata& meta = source.metadata();
  Array array = from_zarr(source, spec);
  if (auto chunks = parsed.option("--chunks")) array = rechunk(array, parse_chunk_spec(*chunks));

  StoreOptions store_options;
  store_options.compressor = meta.compressor;
  if (auto codec = parsed.option("--compressor")) store_options.compressor = storage::codec_from_spec(*codec);
  store_options.overwrite = parsed.flag("--overwrite");
  // Attributes only when the source has some: no empty .zattrs appears.
  if (meta.zarr_format == 2 ? source.location().store->exists(source.location().key(".zattrs"))
                             : source.attributes_json() != "{}") {
    store_options.attributes_json = source.attributes_json();
  }
  store_options.fill_value = meta.fill_value;
  // Chunks that read as the fill value everywhere stay unstored, so a sparse
  // array stays sparse.
  store_options.write_empty_chunks = false;
  store_options.order = meta.order;
  store_options.endian = meta.endian;
  store_options.dimension_separator = meta.dimension_separator;
  apply_format_options(parsed, array.shape(), array.dtype(), store_options);
  if (store_options.zarr_format == 3) {
    // v3 chunks are C order and little-endian (a v2 F-order or big-endian
    // source is converted); keys are "c/i/j".
    store_options.order = storage::Order::kC;
    store_options.endian = Endian::kLittle;
    if (meta.zarr_format == 3 && !meta.inner_chunks.empty() && !parsed.option("--chunks") &&
        !parsed.option("--shards")) {
      store_options.shards = meta.chunks;
    }
  }
  to_zarr(array, parsed.positional()[1], store_options);
  auto written = storage::ZarrArray::open(storage::open_store_path(parsed.positional()[1]));
  std::printf("copied %lld of %lld chunks to %s\n", static_cast<long long>(written.nchunks_initialized()),
              static_cast<long long>(written.grid().num_chunks()), parsed.positional()[1].c_str());
  return 0;
}

}  // namespace cubed::cli
