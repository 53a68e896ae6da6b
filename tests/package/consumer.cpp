// A user's program against an installed cubed-cpp: storage and a lazy
// computation, as in the README.
#include <cstdio>
#include <filesystem>

#include "cubed/cubed.hpp"

int main() {
  using namespace cubed;
  auto where = storage::open_store_path("memory://consumer");
  storage::ArrayMetadata meta;
  meta.shape = Shape{6};
  meta.chunks = Shape{4};
  auto array = storage::ZarrArray::create(where, meta);
  array.write_all(NDBuffer::filled(DType::kFloat64, {6}, Scalar(2.5)));
  auto spec = Spec::make((std::filesystem::temp_directory_path() / "cubed-consumer").string(), "100MB", "10MB");
  Array a = from_zarr(storage::ZarrArray::open(where), spec);
  Array c = (a + 2 * ones({6}, DType::kFloat64, std::int64_t{3}, spec)) / 3;
  double v = compute(rechunk(c, std::int64_t{6})).span<double>()[5];
  // matmul links OpenBLAS through the installed package's dependencies.
  Array m = matmul(ones({2, 3}, DType::kFloat64, std::int64_t{2}, spec), ones({3, 2}, DType::kFloat64, std::int64_t{2}, spec));
  double d = compute(m).span<double>()[3];
  std::printf("consumer computed %.1f and %.1f\n", v, d);
  return v == 1.5 && d == 3.0 ? 0 : 1;
}
