// The same plans on every executor give the single-threaded answers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "cubed/api/creation.hpp"
#include "cubed/api/elementwise.hpp"
#include "cubed/core/error.hpp"
#include "cubed/primitives/blockwise.hpp"
#include "cubed/primitives/rechunk.hpp"
#include "cubed/runtime/compute.hpp"
#include "cubed/runtime/thread_executor.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;

class Executors : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cubed-exec-" + std::to_string(::getpid()));
    spec_ = Spec::make(dir_.string(), "50MB", "1MB");
  }
  void TearDown() override { fs::remove_all(dir_); }
  ComputeOptions options() const { return {.executor_name = GetParam()}; }
  fs::path dir_;
  SpecPtr spec_;
};

TEST_P(Executors, SameAnswersAsSingleThreaded) {
  Array x = arange(Scalar(0), Scalar(997), Scalar(1), DType::kFloat64, std::int64_t{31}, spec_);
  Array y = rechunk(x * x - 3 * x, std::int64_t{100});
  Array m = eye(40, 50, 3, DType::kInt32, std::int64_t{7}, spec_) * 5 + ones({50}, DType::kInt32, std::int64_t{9}, spec_);
  std::vector<NDBuffer> expected = compute({y, m}, {.executor_name = "single-threaded"});
  std::vector<NDBuffer> got = compute({y, m}, options());
  EXPECT_TRUE(got[0] == expected[0]);
  EXPECT_TRUE(got[1] == expected[1]);
}

TEST_P(Executors, TransientFailuresAreRetried) {
  auto failures = std::make_shared<std::atomic<int>>(2);
  Array x = arange(Scalar(0), Scalar(20), Scalar(1), DType::kInt64, std::int64_t{5}, spec_);
  Array flaky = map_blocks(
      [failures](const std::vector<NDBuffer>& in, const Shape&) {
        if (failures->fetch_sub(1) > 0) throw std::runtime_error("flaky storage");
        return in[0];
      },
      {x}, DType::kInt64, {.name = "flaky"});
  NDBuffer r = compute(flaky + 1, options());
  for (std::int64_t i = 0; i < 20; ++i) EXPECT_EQ(r.get(i).as_int(), i + 1);
}

TEST_P(Executors, PermanentFailureNamesOperationTaskAndCause) {
  Array x = arange(Scalar(0), Scalar(20), Scalar(1), DType::kInt64, std::int64_t{5}, spec_);
  auto attempts = std::make_shared<std::atomic<int>>(0);
  Array broken = map_blocks(
      [attempts](const std::vector<NDBuffer>& in, const Shape&) -> NDBuffer {
        if (in[0].get(0).as_int() == 10) {
          ++*attempts;
          throw std::runtime_error("disk on fire");
        }
        return in[0];
      },
      {x}, DType::kInt64, {.name = "broken"});
  try {
    to_zarr(broken, (dir_ / "out.zarr").string(), {}, options());
    FAIL() << "expected an error";
  } catch (const ExecutorError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("operation 'broken'"), std::string::npos) << m;
    EXPECT_NE(m.find("task (2,)"), std::string::npos) << m;
    EXPECT_NE(m.find("disk on fire"), std::string::npos) << m;
    EXPECT_NE(m.find("after 3 attempts"), std::string::npos) << m;
  }
  // (Worker processes count in their own copies of the counter.)
  if (GetParam().rfind("processes", 0) != 0) {
    EXPECT_EQ(attempts->load(), 3);
  }
  // No output left looking complete.
  EXPECT_FALSE(fs::exists(dir_ / "out.zarr" / ".zarray"));
}

INSTANTIATE_TEST_SUITE_P(All, Executors, ::testing::Values("single-threaded", "threads:2", "threads:3", "processes:2"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return n;
                         });

TEST(ExecutorChoice, NamesAndRefusals) {
  EXPECT_EQ(make_executor("threads:4")->name(), "threads:4");
  EXPECT_EQ(make_executor("single-threaded")->name(), "single-threaded");
  for (const char* bad : {"threads:0", "threads:x", "threads:", "gpu", "processes:abc"}) {
    EXPECT_THROW(make_executor(bad), InvalidArgumentError) << bad;
  }
  // 1000 workers x 1 TB cannot fit any machine here.
  auto spec = Spec::make((fs::temp_directory_path() / "cubed-exec-big").string(), "1000GB", "1MB");
  Array x = ones({10}, DType::kFloat64, std::int64_t{5}, spec);
  try {
    compute(x + 1, {.executor_name = "threads:1000"});
    FAIL();
  } catch (const MemoryBudgetError& e) {
    EXPECT_NE(std::string(e.what()).find("exceeds this machine's memory"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cubed
