// Writes a float64 Zarr v2 array holding a smooth field with some structure
// (so that compressors have something to do) at the given path:
//   make_demo_array PATH [ROWS COLS [CHUNK_ROWS CHUNK_COLS]]
// Defaults: 4000 x 3000 in 500 x 500 chunks. Memory: one chunk at a time.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "cubed/cubed.hpp"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4 && argc != 6) {
    std::fprintf(stderr, "usage: make_demo_array PATH [ROWS COLS [CHUNK_ROWS CHUNK_COLS]]\n");
    return 2;
  }
  try {
    cubed::storage::ArrayMetadata meta;
    meta.shape = {4000, 3000};
    meta.chunks = {500, 500};
    if (argc >= 4) meta.shape = {std::atoll(argv[2]), std::atoll(argv[3])};
    if (argc == 6) meta.chunks = {std::atoll(argv[4]), std::atoll(argv[5])};
    meta.dtype = cubed::DType::kFloat64;
    meta.compressor = cubed::storage::default_codec();
    auto array = cubed::storage::ZarrArray::create(cubed::storage::open_store_path(argv[1]), meta,
                                                   {.overwrite = true, .attributes_json = R"({"units": "K"})"});
    cubed::for_each_index(array.grid().grid_shape(), [&](const cubed::Shape& coords) {
      cubed::Shape origin = array.grid().chunk_origin(coords);
      cubed::NDBuffer chunk(meta.dtype, array.grid().chunk_shape(coords));
      auto values = chunk.span<double>();
      const std::int64_t cols = chunk.shape()[1];
      for (std::int64_t i = 0; i < chunk.shape()[0]; ++i) {
        for (std::int64_t j = 0; j < cols; ++j) {
          double y = static_cast<double>(origin[0] + i) / 400.0;
          double x = static_cast<double>(origin[1] + j) / 300.0;
          values[i * cols + j] = 280.0 + 10.0 * std::sin(x) * std::cos(y) + std::round(std::sin(x * y) * 4) / 4;
        }
      }
      array.write_chunk(coords, chunk);
    });
    std::printf("wrote %s: %s float64 in chunks %s\n", argv[1], cubed::shape_to_string(meta.shape).c_str(),
                cubed::shape_to_string(meta.chunks).c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
