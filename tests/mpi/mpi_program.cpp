// An SPMD test program for the mpi executor, run under mpirun by ctest
// (tests/CMakeLists.txt). Every rank runs it; rank 0's exit status tells the
// outcome (the others exit 0 unless something breaks on them).
//   mpi_program conformance DIR   results equal the single-threaded ones
//   mpi_program retry DIR         a task failing once on a rank is retried on another
//   mpi_program kill DIR [resume] a rank killed in a task; the rerun resumes
//   mpi_program fail DIR          a task failing every attempt: the error on every rank
//   mpi_program unshared DIR      a work dir the ranks do not share: a clear error
#include <fcntl.h>
#include <mpi.h>
#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cubed/cubed.hpp"

using namespace cubed;
namespace fs = std::filesystem;

namespace {

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

// Creates `path` when absent; true for the one caller that created it.
bool first_to_create(const fs::path& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
  if (fd < 0) return false;
  if (::write(fd, content.data(), content.size()) < 0) std::perror("write");
  ::close(fd);
  return true;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool same(const NDBuffer& a, const NDBuffer& b, const std::string& what) {
  bool ok = a.shape() == b.shape() && a.size() == b.size();
  for (std::int64_t i = 0; ok && i < a.size(); ++i) {
    const double x = a.get(i).as_double(), y = b.get(i).as_double();
    ok = std::abs(x - y) <= 1e-9 * std::max(1.0, std::abs(y));
  }
  std::printf("%s: %s\n", what.c_str(), ok ? "same" : "DIFFERENT");
  return ok;
}

struct Counter final : Callback {
  int tasks = 0;
  std::int64_t resumed = 0;
  void on_operation_start(const OperationEvent& e) override { resumed += e.resumed_tasks; }
  void on_task_end(const TaskEndEvent&) override { ++tasks; }
};

int conformance(const fs::path& dir) {
  auto spec = Spec::make((dir / "work").string(), "20MB", "1MB");
  Array x = cubed::random::random({60, 50}, 7, ChunkSpec(Shape{16, 12}), spec);
  Array y = cubed::random::random({50, 40}, 8, ChunkSpec(Shape{12, 15}), spec);
  const std::vector<std::pair<std::string, Array>> cases = {
      {"elementwise", sin(x) * 2.0 + x},
      {"reduction", sum(x, {.axis = std::vector<int>{0}})},
      {"mean", mean(x)},
      {"rechunk", rechunk(x, ChunkSpec(Shape{7, 50}))},
      {"matmul", matmul(x, y)},
  };
  std::vector<Array> arrays;
  for (const auto& c : cases) arrays.push_back(c.second);
  Counter counter;
  ComputeOptions options{.executor_name = "mpi"};
  options.callbacks = {std::shared_ptr<Callback>(&counter, [](Callback*) {})};
  std::vector<NDBuffer> got = compute(arrays, options);
  if (rank() != 0) {
    // In-memory results exist on rank 0 only; callbacks fire there only.
    for (const NDBuffer& b : got) {
      if (b.size() != 0 && !b.shape().empty()) return 1;
    }
    return counter.tasks == 0 ? 0 : 1;
  }
  // The reference: single-threaded, in a folder of its own.
  auto local = Spec::make((dir / "local").string(), "20MB", "1MB");
  Array lx = cubed::random::random({60, 50}, 7, ChunkSpec(Shape{16, 12}), local);
  Array ly = cubed::random::random({50, 40}, 8, ChunkSpec(Shape{12, 15}), local);
  const std::vector<Array> reference = {sin(lx) * 2.0 + lx, sum(lx, {.axis = std::vector<int>{0}}), mean(lx),
                                        rechunk(lx, ChunkSpec(Shape{7, 50})), matmul(lx, ly)};
  std::vector<NDBuffer> want = compute(reference, ComputeOptions{.executor_name = "single-threaded"});
  bool ok = counter.tasks > 0;
  for (std::size_t i = 0; i < cases.size(); ++i) ok = same(got[i], want[i], cases[i].first) && ok;
  std::printf("tasks reported on rank 0: %d\n", counter.tasks);
  return ok ? 0 : 1;
}

// One task (a single chunk) that fails the first time it runs on a worker
// rank; the marker file holds that rank, the "ran" file the rank of success.
int retry(const fs::path& dir) {
  auto spec = Spec::make((dir / "work").string(), "20MB", "1MB");
  const fs::path marker = dir / "failed-on", ran = dir / "succeeded-on";
  Array x = arange(Scalar(0), Scalar(10), Scalar(1), DType::kInt64, std::int64_t{10}, spec);
  Array y = map_blocks(
      [marker, ran](const std::vector<NDBuffer>& in, const Shape&) -> NDBuffer {
        if (first_to_create(marker, std::to_string(rank()))) throw StorageError("a transient failure, once");
        std::ofstream(ran) << rank();
        return in[0];
      },
      {x * 3}, DType::kInt64, {.name = "fails-once"});
  NDBuffer r = compute(y, ComputeOptions{.executor_name = "mpi"});
  if (rank() != 0) return 0;
  bool ok = r.size() == 10;
  for (std::int64_t i = 0; ok && i < 10; ++i) ok = r.get(i).as_int() == 3 * i;
  const std::string failed = slurp(marker), succeeded = slurp(ran);
  std::printf("values %s; failed on rank %s, succeeded on rank %s\n", ok ? "right" : "WRONG", failed.c_str(),
              succeeded.c_str());
  return ok && !failed.empty() && !succeeded.empty() && failed != succeeded ? 0 : 1;
}

// 12 tasks writing a target; a worker rank kills itself in the first task it
// runs while the marker is absent. The rerun (resume) completes it.
int kill(const fs::path& dir, bool resume) {
  auto spec = Spec::make((dir / "work").string(), "20MB", "1MB");
  const fs::path marker = dir / "killed";
  Array x = arange(Scalar(0), Scalar(120), Scalar(1), DType::kInt64, std::int64_t{10}, spec);
  Array y = map_blocks(
      [marker](const std::vector<NDBuffer>& in, const Shape&) -> NDBuffer {
        // Slow enough that others finish some tasks first.
        usleep(50'000);
        if (rank() != 0 && in[0].get(0).as_int() >= 60 && first_to_create(marker, std::to_string(rank()))) {
          ::raise(SIGKILL);
        }
        return in[0];
      },
      {x * 2}, DType::kInt64, {.name = "killer"});
  Counter counter;
  ComputeOptions options{.executor_name = "mpi", .plan = {.optimize = false}};
  options.resume = resume;
  // Without backups: a copy of the killed rank's task would otherwise
  // finish the job before mpirun ends it.
  options.use_backups = false;
  options.resume_key = "mpi-kill-test";
  options.callbacks = {std::shared_ptr<Callback>(&counter, [](Callback*) {})};
  const std::string out = (dir / "out.zarr").string();
  to_zarr(y, out, {}, options);
  if (rank() != 0) return 0;
  NDBuffer r = storage::ZarrArray::open(storage::open_store_path(out)).read_all();
  bool ok = r.size() == 120;
  for (std::int64_t i = 0; ok && i < 120; ++i) ok = r.get(i).as_int() == 2 * i;
  std::printf("values %s; tasks run: %d; resumed: %lld\n", ok ? "right" : "WRONG", counter.tasks,
              static_cast<long long>(counter.resumed));
  // A resumed run must have skipped the tasks written before the kill.
  return ok && (!resume || counter.resumed > 0) ? 0 : 1;
}

// A task failing on every attempt: every rank throws the same error.
int fail(const fs::path& dir) {
  auto spec = Spec::make((dir / "work").string(), "20MB", "1MB");
  Array x = arange(Scalar(0), Scalar(40), Scalar(1), DType::kInt64, std::int64_t{10}, spec);
  Array y = map_blocks(
      [](const std::vector<NDBuffer>& in, const Shape&) -> NDBuffer {
        if (in[0].get(0).as_int() == 20) throw StorageError("chunk 2 is always broken");
        return in[0];
      },
      {x}, DType::kInt64, {.name = "always-fails"});
  try {
    compute(y, ComputeOptions{.executor_name = "mpi"});
  } catch (const StorageError& e) {
    const std::string text = e.what();
    const bool ok = text.find("chunk 2 is always broken") != std::string::npos &&
                    text.find("after 3 attempts") != std::string::npos && text.find("always-fails") != std::string::npos;
    std::printf("rank %d: %s: %s\n", rank(), ok ? "expected error" : "UNEXPECTED error", e.what());
    return ok ? 0 : 1;
  }
  std::printf("rank %d: no error\n", rank());
  return 1;
}

// A work dir that is not shared: each rank in a folder of its own, with the
// relative work dir "work". Every rank throws the error naming the others.
int unshared(const fs::path& dir) {
  const fs::path mine = dir / ("rank-" + std::to_string(rank()));
  fs::create_directories(mine);
  fs::current_path(mine);
  auto spec = Spec::make("work", "20MB", "1MB");
  Array x = arange(Scalar(0), Scalar(40), Scalar(1), DType::kInt64, std::int64_t{10}, spec);
  try {
    compute(x * 2, ComputeOptions{.executor_name = "mpi"});
  } catch (const StorageError& e) {
    const std::string text = e.what();
    const bool ok = text.find("is not shared: rank 1 on host '") != std::string::npos &&
                    text.find(", rank 2 on host '") != std::string::npos &&
                    text.find("rank 0 on") == std::string::npos;
    std::printf("rank %d: %s: %s\n", rank(), ok ? "expected error" : "UNEXPECTED error", e.what());
    return ok ? 0 : 1;
  }
  std::printf("rank %d: no error\n", rank());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int status = 2;
  try {
    const std::string mode = argc > 2 ? argv[1] : "";
    const fs::path dir = argc > 2 ? argv[2] : "";
    if (mode == "conformance") status = conformance(dir);
    if (mode == "retry") status = retry(dir);
    if (mode == "fail") status = fail(dir);
    if (mode == "unshared") status = unshared(dir);
    if (mode == "kill") status = kill(dir, argc > 3 && std::string(argv[3]) == "resume");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rank %d: error: %s\n", rank(), e.what());
    status = 1;
  }
  MPI_Finalize();
  return status;
}
