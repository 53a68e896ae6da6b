#include "cubed/storage/zarr/zarr_array.hpp"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "cubed/core/error.hpp"
#include "cubed/storage/zarr/v3_codecs.hpp"

namespace cubed::storage {
namespace {

std::string text_of(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

// Reverses the axes: F-order bytes of shape S are C-order bytes of reversed S.
std::vector<int> reversed_axes(int ndim) {
  std::vector<int> perm(static_cast<std::size_t>(ndim));
  for (int i = 0; i < ndim; ++i) perm[i] = ndim - 1 - i;
  return perm;
}

Shape reversed(Shape s) {
  std::reverse(s.begin(), s.end());
  return s;
}

// Throws InvalidArgumentError when the array or one chunk has more bytes than
// an int64 counts (the sizes every reader and the memory model compute).
void check_byte_sizes(const ArrayMetadata& meta) {
  auto fits = [&](const Shape& s) {
    std::int64_t n = item_size(meta.dtype);
    for (std::int64_t d : s) {
      if (d != 0 && n > INT64_MAX / d) return false;
      n *= d;
    }
    return true;
  };
  const std::string type = " of " + std::string(dtype_name(meta.dtype));
  if (!fits(meta.shape)) {
    throw InvalidArgumentError("shape " + shape_to_string(meta.shape) + type + " is too large (over 2^63 bytes)");
  }
  if (!fits(meta.chunks)) {
    throw InvalidArgumentError("chunks " + shape_to_string(meta.chunks) + type + " are too large (over 2^63 bytes)");
  }
}

}  // namespace

struct ZarrArray::Impl {
  StorePath where;
  ArrayMetadata meta;
  ChunkGrid grid;
  std::string attributes;  ///< v3: the attributes of zarr.json
  V3ChainPtr chain;        ///< v3: the codec chain (= meta.compressor)
};

namespace {

// Makes the v3 chain of `meta` for its chunk shape from whatever compressor
// it was given: a chain of the same layout is kept (reshaped), anything else
// (a numcodecs codec, nullptr, a chain of another sharding) becomes
// [bytes, compressor], sharded when inner_chunks is set.
V3ChainPtr v3_chain_for(const ArrayMetadata& meta) {
  auto chain = std::dynamic_pointer_cast<const V3CodecChain>(meta.compressor);
  const Scalar fill = meta.fill_or_zero();
  if (chain && chain->chunk_shape() == meta.chunks) return chain;
  bool same_layout = chain && (chain->sharding() ? chain->ranged_reads() && chain->sharding()->inner_chunks == meta.inner_chunks
                                                 : meta.inner_chunks.empty());
  if (same_layout) return chain->with_shape(meta.chunks);
  return V3CodecChain::make(meta.chunks, meta.dtype, fill, meta.compressor, meta.inner_chunks);
}

}  // namespace

ZarrArray::ZarrArray(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

ZarrArray ZarrArray::open(const StorePath& where) {
  // Format detection: zarr.json (v3) first, as zarr-python 3 does, then .zarray.
  if (auto v3 = where.store->get(where.key("zarr.json"))) {
    std::string describe = where.store->describe() + "/" + where.key("zarr.json");
    std::string text = text_of(*v3);
    if (text.find("\"group\"") != std::string::npos) {
      auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (j.is_object() && j.value("node_type", "") == "group") {
        throw StorageError("'" + where.describe() + "' is a Zarr group, not an array");
      }
    }
    std::string attributes;
    ArrayMetadata meta = parse_zarr_json(text, describe, &attributes);
    ChunkGrid grid;
    try {
      grid = meta.grid();
      check_byte_sizes(meta);
    } catch (const InvalidArgumentError& e) {
      throw MetadataError(describe + ": " + e.what());
    }
    auto chain = std::dynamic_pointer_cast<const V3CodecChain>(meta.compressor);
    return ZarrArray(std::make_shared<const Impl>(
        Impl{where, std::move(meta), std::move(grid), std::move(attributes), std::move(chain)}));
  }
  std::string key = where.key(".zarray");
  auto bytes = where.store->get(key);
  if (!bytes) {
    if (where.store->exists(where.key(".zgroup"))) {
      throw StorageError("'" + where.describe() + "' is a Zarr group, not an array");
    }
    throw StorageError("no Zarr array at '" + where.describe() + "' (no zarr.json or .zarray found)");
  }
  std::string describe = where.store->describe() + "/" + key;
  ArrayMetadata meta = parse_zarray(text_of(*bytes), describe);
  ChunkGrid grid;
  try {
    grid = meta.grid();
    check_byte_sizes(meta);
  } catch (const InvalidArgumentError& e) {
    throw MetadataError(describe + ": " + e.what());
  }
  return ZarrArray(std::make_shared<const Impl>(Impl{where, std::move(meta), std::move(grid), "", nullptr}));
}

ZarrArray ZarrArray::create(const StorePath& where, ArrayMetadata meta, const CreateOptions& options) {
  ChunkGrid grid = meta.grid();  // validates chunks against shape
  check_byte_sizes(meta);
  if (meta.dimension_separator != '.' && meta.dimension_separator != '/') {
    throw InvalidArgumentError("invalid dimension_separator '" + std::string(1, meta.dimension_separator) +
                               "' (expected '.' or '/')");
  }
  if (item_size(meta.dtype) == 1) meta.endian = Endian::kNotApplicable;
  else if (meta.endian == Endian::kNotApplicable) meta.endian = Endian::kLittle;
  V3ChainPtr chain;
  if (meta.zarr_format == 3) {
    // The chain does the layout: stored chunks are C order, little endian.
    if (meta.order == Order::kF && meta.chunks.size() > 1) {
      throw InvalidArgumentError("Zarr v3 arrays are written in C order (order F is a v2 layout)");
    }
    if (meta.endian == Endian::kBig) throw InvalidArgumentError("Zarr v3 arrays are written little-endian");
    chain = v3_chain_for(meta);
    meta.compressor = chain;
    meta.inner_chunks = chain->ranged_reads() ? chain->sharding()->inner_chunks : Shape{};
    if (!meta.dimension_names.empty() && meta.dimension_names.size() != meta.shape.size()) {
      throw InvalidArgumentError("dimension_names has " + std::to_string(meta.dimension_names.size()) +
                                 " names for an array of " + std::to_string(meta.shape.size()) + " dimensions");
    }
  } else if (meta.zarr_format == 2) {
    // A v3 chain given to a v2 array (a converted copy) keeps its compressor.
    if (auto v3 = std::dynamic_pointer_cast<const V3CodecChain>(meta.compressor)) meta.compressor = v3->compressor();
    meta.inner_chunks.clear();
  } else {
    throw InvalidArgumentError("unsupported zarr_format " + std::to_string(meta.zarr_format) + " (expected 2 or 3)");
  }
  NodeKind existing = node_kind(where);
  if (existing != NodeKind::kNone || !where.store->list(where.path).empty()) {
    if (existing == NodeKind::kNone) {
      // Never erase a folder of someone else's files.
      throw InvalidArgumentError("'" + where.describe() + "' exists and is not a Zarr array or group; refusing to write there");
    }
    if (!options.overwrite) {
      throw InvalidArgumentError("'" + where.describe() + "' already exists (use overwrite to replace it)");
    }
    // Metadata first, so that the old array stops looking whole at once.
    where.store->erase(where.key(".zarray"));
    where.store->erase(where.key("zarr.json"));
    where.store->erase(where.key(".zgroup"));
    where.store->erase_prefix(where.path);
  }
  std::string attributes = "{}";
  if (!options.attributes_json.empty()) {
    nlohmann::json attrs;
    try {
      attrs = nlohmann::json::parse(options.attributes_json);
    } catch (const nlohmann::json::parse_error& e) {
      throw InvalidArgumentError(std::string("attributes are not valid JSON: ") + e.what());
    }
    if (!attrs.is_object()) throw InvalidArgumentError("attributes must be a JSON object");
    attributes = attrs.dump(4, ' ', /*ensure_ascii=*/true);
    // v3 keeps the attributes inside zarr.json.
    if (meta.zarr_format == 2) where.store->set(where.key(".zattrs"), std::string_view(attributes + "\n"));
  }
  ZarrArray array(std::make_shared<const Impl>(
      Impl{where, std::move(meta), std::move(grid), std::move(attributes), std::move(chain)}));
  if (!options.defer_metadata) array.commit();
  return array;
}

void ZarrArray::commit() const {
  if (impl_->meta.zarr_format == 3) {
    impl_->where.store->set(impl_->where.key("zarr.json"), std::string_view(zarr_json(impl_->meta, impl_->attributes)));
    return;
  }
  impl_->where.store->set(impl_->where.key(".zarray"), std::string_view(zarray_json(impl_->meta)));
}

const ArrayMetadata& ZarrArray::metadata() const { return impl_->meta; }
const ChunkGrid& ZarrArray::grid() const { return impl_->grid; }
const StorePath& ZarrArray::location() const { return impl_->where; }

std::string ZarrArray::attributes_json() const {
  if (impl_->meta.zarr_format == 3) return impl_->attributes;
  auto bytes = impl_->where.store->get(impl_->where.key(".zattrs"));
  return bytes ? text_of(*bytes) : "{}";
}

std::string ZarrArray::chunk_key(const Shape& coords) const {
  impl_->grid.check_coords(coords);
  std::string name;
  // v3 "default" keys: "c", then the separator before each coordinate.
  const bool default_keys = impl_->meta.zarr_format == 3 && !impl_->meta.v2_chunk_keys;
  if (default_keys) name = "c";
  if (coords.empty() && !default_keys) name = "0";
  for (std::size_t i = 0; i < coords.size(); ++i) {
    if (i > 0 || default_keys) name += impl_->meta.dimension_separator;
    name += std::to_string(coords[i]);
  }
  return impl_->where.key(name);
}

bool ZarrArray::chunk_stored(const Shape& coords) const { return impl_->where.store->exists(chunk_key(coords)); }

std::optional<NDBuffer> ZarrArray::read_chunk_if_stored(const Shape& coords) const {
  const ArrayMetadata& meta = impl_->meta;
  const std::string key = chunk_key(coords);
  if (impl_->chain && impl_->chain->ranged_reads()) {
    std::optional<NDBuffer> shard;
    try {
      shard = impl_->chain->decode_shard(fetcher(key));
    } catch (const CodecError& e) {
      throw CodecError("shard '" + impl_->where.store->describe() + "/" + key + "': " + e.what());
    }
    if (!shard) return std::nullopt;
    const Shape shape = impl_->grid.chunk_shape(coords);
    if (shape == meta.chunks) return shard;
    NDBuffer clipped(meta.dtype, shape);
    copy_region(*shard, Shape(shape.size(), 0), clipped, Shape(shape.size(), 0), shape);
    return clipped;
  }
  const std::size_t full_bytes = static_cast<std::size_t>(meta.chunk_nbytes());
  const std::string where = impl_->where.store->describe() + "/" + key;
  const Shape& full_shape = meta.chunks;
  const Shape shape = impl_->grid.chunk_shape(coords);
  const bool is_fortran = meta.order == Order::kF && full_shape.size() > 1;
  // Decoded (or read, when uncompressed) straight into the chunk's buffer.
  std::optional<NDBuffer> full;
  if (meta.compressor) {
    auto encoded = impl_->where.store->get(key);
    if (!encoded) return std::nullopt;
    full.emplace(meta.dtype, is_fortran ? reversed(full_shape) : full_shape);
    try {
      meta.compressor->decode_into(*encoded, full->bytes());
    } catch (const CodecError& e) {
      throw CodecError("chunk '" + where + "': " + e.what());
    }
  } else {
    full.emplace(meta.dtype, is_fortran ? reversed(full_shape) : full_shape);
    const std::optional<std::int64_t> stored = impl_->where.store->get_into(key, full->bytes());
    if (!stored) return std::nullopt;
    if (*stored != static_cast<std::int64_t>(full_bytes)) {
      throw CodecError("chunk '" + where + "': expected " + std::to_string(full_bytes) + " bytes (uncompressed), found " +
                       std::to_string(*stored) + " (truncated or corrupt)");
    }
  }
  if (meta.endian == Endian::kBig) byteswap_elements(meta.dtype, full->bytes());
  if (is_fortran) *full = transpose(*full, reversed_axes(static_cast<int>(full_shape.size())));
  if (shape == full_shape) return full;
  NDBuffer clipped(meta.dtype, shape);
  copy_region(*full, Shape(shape.size(), 0), clipped, Shape(shape.size(), 0), shape);
  return clipped;
}

V3CodecChain::Fetch ZarrArray::fetcher(const std::string& key) const {
  StorePtr store = impl_->where.store;
  return [store, key](std::int64_t offset, std::int64_t length) { return store->get_range(key, offset, length); };
}

const Shape& ZarrArray::read_chunks() const {
  return impl_->meta.inner_chunks.empty() ? impl_->meta.chunks : impl_->meta.inner_chunks;
}

NDBuffer ZarrArray::read_block(const Shape& coords) const {
  const ArrayMetadata& meta = impl_->meta;
  if (meta.inner_chunks.empty()) return read_chunk(coords);
  ChunkGrid blocks(meta.shape, meta.inner_chunks);
  blocks.check_coords(coords);
  Shape shard(coords.size());
  Shape inner(coords.size());
  const auto per_shard = [&](std::size_t d) { return meta.chunks[d] / meta.inner_chunks[d]; };
  for (std::size_t d = 0; d < coords.size(); ++d) {
    shard[d] = coords[d] / per_shard(d);
    inner[d] = coords[d] % per_shard(d);
  }
  const std::string key = chunk_key(shard);
  NDBuffer full;
  try {
    full = impl_->chain->read_inner_chunk(fetcher(key), inner);
  } catch (const CodecError& e) {
    throw CodecError("shard '" + impl_->where.store->describe() + "/" + key + "': " + e.what());
  }
  const Shape shape = blocks.chunk_shape(coords);
  if (shape == meta.inner_chunks) return full;
  NDBuffer clipped(meta.dtype, shape);
  copy_region(full, Shape(shape.size(), 0), clipped, Shape(shape.size(), 0), shape);
  return clipped;
}

NDBuffer ZarrArray::read_chunk(const Shape& coords) const {
  auto stored = read_chunk_if_stored(coords);
  if (stored) return std::move(*stored);
  return NDBuffer::filled(impl_->meta.dtype, impl_->grid.chunk_shape(coords), impl_->meta.fill_or_zero());
}

void ZarrArray::write_chunk(const Shape& coords, const NDBuffer& data) const {
  const ArrayMetadata& meta = impl_->meta;
  const Shape shape = impl_->grid.chunk_shape(coords);
  const std::string key = chunk_key(coords);
  if (data.dtype() != meta.dtype || data.shape() != shape) {
    throw InvalidArgumentError("chunk '" + key + "': expected dtype " + std::string(dtype_name(meta.dtype)) +
                               " and shape " + shape_to_string(shape) + ", got " +
                               std::string(dtype_name(data.dtype())) + " " + shape_to_string(data.shape()));
  }
  // Each step below makes a new buffer only when the layout requires it.
  const NDBuffer* current = &data;
  NDBuffer padded;
  if (shape != meta.chunks) {
    padded = NDBuffer::filled(meta.dtype, meta.chunks, meta.fill_or_zero());
    copy_region(data, Shape(shape.size(), 0), padded, Shape(shape.size(), 0), shape);
    current = &padded;
  }
  NDBuffer fortran;
  if (meta.order == Order::kF && meta.chunks.size() > 1) {
    fortran = transpose(*current, reversed_axes(static_cast<int>(meta.chunks.size())));
    current = &fortran;
  }
  NDBuffer swapped;
  if (meta.endian == Endian::kBig && item_size(meta.dtype) > 1) {
    swapped = *current;
    byteswap_elements(meta.dtype, swapped.bytes());
    current = &swapped;
  }
  if (meta.compressor) {
    Bytes encoded = meta.compressor->encode(current->bytes(), static_cast<std::size_t>(item_size(meta.dtype)));
    impl_->where.store->set(key, encoded);
  } else {
    impl_->where.store->set(key, current->bytes());
  }
}

NDBuffer ZarrArray::read_all() const {
  const ChunkGrid& grid = impl_->grid;
  NDBuffer out(impl_->meta.dtype, impl_->meta.shape);
  for_each_index(grid.grid_shape(), [&](const Shape& coords) {
    NDBuffer chunk = read_chunk(coords);
    copy_region(chunk, Shape(coords.size(), 0), out, grid.chunk_origin(coords), chunk.shape());
  });
  return out;
}

void ZarrArray::write_all(const NDBuffer& data) const {
  const ChunkGrid& grid = impl_->grid;
  if (data.shape() != impl_->meta.shape || data.dtype() != impl_->meta.dtype) {
    throw InvalidArgumentError("cannot write a " + std::string(dtype_name(data.dtype())) + " buffer of shape " +
                               shape_to_string(data.shape()) + " to array '" + impl_->where.describe() + "' of " +
                               std::string(dtype_name(impl_->meta.dtype)) + " " + shape_to_string(impl_->meta.shape));
  }
  for_each_index(grid.grid_shape(), [&](const Shape& coords) {
    NDBuffer chunk(data.dtype(), grid.chunk_shape(coords));
    copy_region(data, grid.chunk_origin(coords), chunk, Shape(coords.size(), 0), chunk.shape());
    write_chunk(coords, chunk);
  });
}

std::int64_t ZarrArray::nchunks_initialized() const {
  const ChunkGrid& grid = impl_->grid;
  const std::string prefix = impl_->where.path.empty() ? "" : impl_->where.path + "/";
  std::int64_t count = 0;
  for (const std::string& key : impl_->where.store->list(impl_->where.path)) {
    std::string name = key.substr(prefix.size());
    if (name.empty() || name[0] == '.') continue;
    if (impl_->meta.zarr_format == 3 && !impl_->meta.v2_chunk_keys) {
      // "c/1/2" (or "c" for a 0-d array)
      if (name == "c" && grid.ndim() == 0) {
        ++count;
        continue;
      }
      if (name.size() < 3 || name[0] != 'c' || name[1] != impl_->meta.dimension_separator) continue;
      name = name.substr(2);
    }
    // Parse "i.j.k" (or "i/j/k") and count it only if inside the grid.
    Shape coords;
    std::size_t start = 0;
    bool ok = true;
    while (ok) {
      std::size_t sep = name.find(impl_->meta.dimension_separator, start);
      std::string part = name.substr(start, sep == std::string::npos ? std::string::npos : sep - start);
      ok = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos && part.size() < 18;
      if (ok) coords.push_back(std::stoll(part));
      if (sep == std::string::npos) break;
      start = sep + 1;
    }
    if (!ok) continue;
    if (grid.ndim() == 0) {
      count += coords == Shape{0} ? 1 : 0;
      continue;
    }
    if (static_cast<int>(coords.size()) != grid.ndim()) continue;
    bool inside = true;
    for (int i = 0; i < grid.ndim(); ++i) inside = inside && coords[i] < grid.grid_shape()[i];
    count += inside ? 1 : 0;
  }
  return count;
}

std::int64_t ZarrArray::nbytes_stored() const {
  std::int64_t total = 0;
  for (const std::string& key : impl_->where.store->list(impl_->where.path)) {
    total += impl_->where.store->size(key).value_or(0);
  }
  return total;
}

}  // namespace cubed::storage
