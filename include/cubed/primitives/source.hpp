#pragma once
/// Arrays whose chunks come from outside the plan: stored Zarr arrays,
/// in-memory buffers, and virtual arrays generated chunk by chunk (never
/// stored).
#include <functional>
#include <memory>
#include <string>

#include "cubed/array/array.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed {

/// A lazy array over a stored Zarr array (its chunks are the stored ones).
Array from_zarr(const storage::ZarrArray& array, SpecPtr spec = nullptr);
/// Opens a Zarr array by path or URL (see storage::open_store_path).
Array from_zarr(const std::string& path, SpecPtr spec = nullptr);
/// A lazy array over an in-memory buffer, cut into `chunks` (empty: one chunk).
Array from_array(NDBuffer data, Shape chunks = {}, SpecPtr spec = nullptr);

/// Makes a chunk of a virtual array: (chunk coords, chunk origin, chunk
/// shape) -> buffer of that shape and the array's dtype.
using ChunkGenerator = std::function<NDBuffer(const Shape& coords, const Shape& origin, const Shape& shape)>;
/// A virtual array: its chunks are generated when read, never stored.
Array virtual_array(std::string function_name, Shape shape, Shape chunks, DType dtype, ChunkGenerator generator,
                    SpecPtr spec = nullptr);

}  // namespace cubed
