// Writes and reads back a small array through an installed cubed-cpp.
#include <cstdio>

#include "cubed/cubed.hpp"

int main() {
  auto where = cubed::storage::open_store_path("memory://consumer");
  cubed::storage::ArrayMetadata meta;
  meta.shape = {6};
  meta.chunks = {4};
  auto array = cubed::storage::ZarrArray::create(where, meta);
  array.write_all(cubed::NDBuffer::filled(cubed::DType::kFloat64, {6}, cubed::Scalar(2.5)));
  double v = cubed::storage::ZarrArray::open(where).read_all().span<double>()[5];
  std::printf("consumer read %.1f\n", v);
  return v == 2.5 ? 0 : 1;
}
