// The mean of a Zarr array (and of each of its columns) on the mpi executor:
//   mpirun -n 4 mpi_mean ARRAY WORK_DIR
// (make ARRAY with make_demo_array). Every rank runs this same program and
// builds the same plan; rank 0 hands out the tasks and alone gets the
// in-memory results, so it alone prints. WORK_DIR must be a folder every
// rank sees (a shared filesystem on a cluster).
#include <cstdio>

#include "cubed/cubed.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: mpirun -n N mpi_mean ARRAY WORK_DIR\n");
    return 2;
  }
  try {
    cubed::SpecOptions options;
    options.work_dir = argv[2];
    options.allowed_mem = 500'000'000;
    options.executor = "mpi";  // or ComputeOptions{.executor_name = "mpi"}
    auto spec = std::make_shared<const cubed::Spec>(options);
    cubed::Array x = cubed::from_zarr(argv[1], spec);
    auto executor = cubed::make_executor("mpi");
    std::vector<cubed::NDBuffer> results = cubed::compute({cubed::mean(x), cubed::mean(x, {.axis = std::vector<int>{0}})});
    if (!executor->coordinates()) return 0;  // the results are on rank 0
    std::printf("mean: %.6f\n", results[0].get(0).as_double());
    std::printf("mean of the first column: %.6f\n", results[1].get(0).as_double());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
