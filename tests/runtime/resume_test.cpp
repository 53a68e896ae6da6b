// Resume: the same computation run again after a failure continues where the
// previous attempt stopped, and never takes half-written work as done.
#include "cubed/runtime/resume.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>

#include "cubed/api/creation.hpp"
#include "cubed/api/elementwise.hpp"
#include "cubed/core/error.hpp"
#include "cubed/plan/plan.hpp"
#include "cubed/primitives/blockwise.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/compute.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed {
namespace {

// These tests count tasks per operation of the plan as written.
constexpr PlanOptions kUnfused{.optimize = false};

namespace fs = std::filesystem;

// Counts the tasks run, per function name.
struct TaskCounter final : Callback {
  std::map<std::string, int> tasks;
  int total = 0;
  std::map<std::string, std::int64_t> resumed;
  void on_operation_start(const OperationEvent& e) override { resumed[e.function_name] = e.resumed_tasks; }
  void on_task_end(const TaskEndEvent& e) override {
    ++tasks[e.function_name];
    ++total;
  }
};

class Resume : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() / ("cubed-resume-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    spec_ = Spec::make((dir_ / "work").string(), "50MB", "1MB");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A chunk function of x = 0..99 in chunks of 10 that counts its calls,
  // fails on chunk 7 while *broken, and returns 0 for chunks 0..3 (fill
  // chunks of the target).
  static BlockFunction sometimes_broken(std::shared_ptr<std::atomic<bool>> broken,
                                        std::shared_ptr<std::atomic<int>> calls) {
    return [broken, calls](const std::vector<NDBuffer>& in, const Shape& shape) -> NDBuffer {
      ++*calls;
      const std::int64_t first = in[0].get(0).as_int();
      if (first == 70 && broken->load()) throw std::runtime_error("chunk 7 is broken");
      if (first < 40) return NDBuffer::filled(DType::kInt64, shape, Scalar(0));
      return in[0];
    };
  }

  Array computation(const std::shared_ptr<std::atomic<bool>>& broken, std::shared_ptr<std::atomic<int>> calls) {
    Array x = arange(Scalar(0), Scalar(100), Scalar(1), DType::kInt64, std::int64_t{10}, spec_);
    Array y = map_blocks(sometimes_broken(broken, std::move(calls)), {x}, DType::kInt64, {.name = "sometimes-broken"});
    return map_blocks([](const std::vector<NDBuffer>& in, const Shape&) { return in[0]; }, {y * 3}, DType::kInt64,
                      {.name = "copy"});
  }

  static std::int64_t expected(std::int64_t i) { return i < 40 ? 0 : 3 * i; }

  fs::path dir_;
  SpecPtr spec_;
};

TEST_P(Resume, FailedRunIsContinuedWithFewerTasks) {
  auto broken = std::make_shared<std::atomic<bool>>(true);
  auto calls = std::make_shared<std::atomic<int>>(0);
  const std::string out = (dir_ / "out.zarr").string();
  StoreOptions store_options;
  store_options.write_empty_chunks = false;  // chunks 0..3 of the target are never stored

  TaskCounter first;
  ComputeOptions options{.executor_name = GetParam(), .callbacks = {}, .plan = kUnfused};
  options.callbacks = {std::shared_ptr<Callback>(&first, [](Callback*) {})};
  EXPECT_THROW(to_zarr(computation(broken, calls), out, store_options, options), ExecutorError);
  // Nothing half-written looks complete.
  EXPECT_FALSE(fs::exists(fs::path(out) / ".zarray"));
  const int first_tasks = first.total;
  EXPECT_GT(first.tasks["sometimes-broken"], 0);

  // The same computation again, fixed, with resume.
  broken->store(false);
  calls->store(0);
  TaskCounter second;
  options.callbacks = {std::shared_ptr<Callback>(&second, [](Callback*) {})};
  options.resume = true;
  to_zarr(computation(broken, calls), out, store_options, options);
  NDBuffer r = storage::ZarrArray::open(storage::open_store_path(out)).read_all();
  for (std::int64_t i = 0; i < 100; ++i) ASSERT_EQ(r.get(i).as_int(), expected(i)) << i;

  // The tasks that succeeded the first time were not run again.
  const int succeeded_before = first.tasks["sometimes-broken"];
  EXPECT_EQ(second.tasks["sometimes-broken"], 10 - succeeded_before);
  EXPECT_EQ(second.resumed["sometimes-broken"], succeeded_before);
  EXPECT_EQ(*calls, 10 - succeeded_before);
  EXPECT_EQ(second.tasks["copy"], 10);
  EXPECT_EQ(second.total, 30 - succeeded_before);  // three operations of 10 tasks
  // Success removes the computation's folder.
  EXPECT_TRUE(fs::is_empty(dir_ / "work")) << first_tasks;
}

TEST_P(Resume, TargetInterruptedHalfWayIsContinuedFillChunksIncluded) {
  // The failure is in the operation writing the target: its fill chunks
  // (not stored) and its stored chunks must both count as done.
  auto broken = std::make_shared<std::atomic<bool>>(true);
  const std::string out = (dir_ / "out.zarr").string();
  Array x = arange(Scalar(0), Scalar(100), Scalar(1), DType::kInt64, std::int64_t{10}, spec_);
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto make = [&] {
    return map_blocks(sometimes_broken(broken, calls), {x * 1}, DType::kInt64, {.name = "target-op"});
  };
  StoreOptions store_options;
  store_options.write_empty_chunks = false;
  ComputeOptions options{.executor_name = GetParam(), .plan = kUnfused};
  EXPECT_THROW(to_zarr(make(), out, store_options, options), ExecutorError);
  EXPECT_FALSE(fs::exists(fs::path(out) / ".zarray"));
  EXPECT_FALSE(fs::exists(fs::path(out) / "0"));  // a fill chunk: never stored
  const int calls_before = calls->load();

  // Without resume nor overwrite, the half-written target is refused.
  broken->store(false);
  try {
    to_zarr(make(), out, store_options, options);
    FAIL() << "expected an error";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("resume it with"), std::string::npos) << e.what();
  }

  calls->store(0);
  options.resume = true;
  to_zarr(make(), out, store_options, options);
  NDBuffer r = storage::ZarrArray::open(storage::open_store_path(out)).read_all();
  for (std::int64_t i = 0; i < 100; ++i) ASSERT_EQ(r.get(i).as_int(), i < 40 ? 0 : i) << i;
  // Single-threaded: 7 tasks done before (0..6) and 3 failed attempts.
  if (GetParam() == "single-threaded") {
    EXPECT_EQ(calls_before, 7 + 3);
    EXPECT_EQ(calls->load(), 3);
  } else {
    EXPECT_LT(calls->load(), 10);
  }
}

TEST_P(Resume, ShardedV3TargetKeepsItsLayoutWhenContinued) {
  // The continued target is created again from the plan: it must be the v3
  // sharded array the first attempt began, not a v2 one.
  auto broken = std::make_shared<std::atomic<bool>>(true);
  const std::string out = (dir_ / "sharded.zarr").string();
  // Chunks of one shard each: the failing operation writes the target.
  Array x = arange(Scalar(0), Scalar(100), Scalar(1), DType::kInt64, std::int64_t{40}, spec_);
  auto make = [&] {
    return map_blocks(
        [broken](const std::vector<NDBuffer>& in, const Shape&) -> NDBuffer {
          if (in[0].get(0).as_int() >= 80 && broken->load()) throw std::runtime_error("the last shard is broken");
          return in[0];
        },
        {x * 1}, DType::kInt64, {.name = "target-op"});
  };
  StoreOptions store_options;
  store_options.zarr_format = 3;
  store_options.shards = Shape{40};
  ComputeOptions options{.executor_name = GetParam(), .plan = kUnfused};
  EXPECT_THROW(to_zarr(make(), out, store_options, options), ExecutorError);
  broken->store(false);
  options.resume = true;
  to_zarr(make(), out, store_options, options);
  const auto array = storage::ZarrArray::open(storage::open_store_path(out));
  EXPECT_EQ(array.metadata().zarr_format, 3);
  EXPECT_EQ(array.metadata().inner_chunks, Shape{40});
  NDBuffer r = array.read_all();
  for (std::int64_t i = 0; i < 100; ++i) ASSERT_EQ(r.get(i).as_int(), i) << i;
}

TEST_P(Resume, InMemoryResultsAndCompletedOperationsAreSkipped) {
  auto broken = std::make_shared<std::atomic<bool>>(true);
  auto calls = std::make_shared<std::atomic<int>>(0);
  Array x = arange(Scalar(0), Scalar(50), Scalar(1), DType::kFloat64, std::int64_t{5}, spec_);
  auto make = [&] {
    Array a = map_blocks([calls](const std::vector<NDBuffer>& in, const Shape&) { ++*calls; return in[0]; }, {x},
                         DType::kFloat64, {.name = "stage-a"});
    return map_blocks(
        [broken](const std::vector<NDBuffer>& in, const Shape&) -> NDBuffer {
          if (broken->load()) throw std::runtime_error("stage b is broken");
          return in[0];
        },
        {a + 1}, DType::kFloat64, {.name = "stage-b"});
  };
  ComputeOptions options{.executor_name = GetParam(), .plan = kUnfused};
  EXPECT_THROW(compute(make(), options), ExecutorError);
  EXPECT_EQ(calls->load(), 10);
  broken->store(false);
  options.resume = true;
  TaskCounter counter;
  options.callbacks = {std::shared_ptr<Callback>(&counter, [](Callback*) {})};
  NDBuffer r = compute(make(), options);
  for (std::int64_t i = 0; i < 50; ++i) ASSERT_EQ(r.get(i).as_double(), i + 1.0);
  EXPECT_EQ(calls->load(), 10);  // stage a was complete: not run again
  EXPECT_EQ(counter.tasks["stage-a"], 0);
  EXPECT_EQ(counter.resumed["stage-a"], 10);
  EXPECT_EQ(counter.tasks["stage-b"], 10);
}

TEST_P(Resume, WithoutResumeEverythingRunsAgain) {
  auto broken = std::make_shared<std::atomic<bool>>(true);
  auto calls = std::make_shared<std::atomic<int>>(0);
  const std::string out = (dir_ / "out.zarr").string();
  ComputeOptions options{.executor_name = GetParam(), .plan = kUnfused};
  EXPECT_THROW(to_zarr(computation(broken, calls), out, {}, options), ExecutorError);
  broken->store(false);
  calls->store(0);
  StoreOptions overwrite;
  overwrite.overwrite = true;
  to_zarr(computation(broken, calls), out, overwrite, options);
  EXPECT_EQ(calls->load(), 10);
  NDBuffer r = storage::ZarrArray::open(storage::open_store_path(out)).read_all();
  for (std::int64_t i = 0; i < 100; ++i) ASSERT_EQ(r.get(i).as_int(), expected(i)) << i;
}

INSTANTIATE_TEST_SUITE_P(Executors, Resume, ::testing::Values("single-threaded", "threads:2"),
                         [](const auto& info) { return info.param == "single-threaded" ? "sync" : "threads"; });

// Task markers on a local folder go to an append-only log; a torn record
// (a process killed mid-write) and a record that fails its check are
// ignored, while per-task keys (remote stores) are still read.
TEST(ResumeState, LocalTaskLogSurvivesATornRecordAndReadsPerTaskKeys) {
  const fs::path dir = fs::temp_directory_path() / ("cubed-resume-log-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    ResumeState state(storage::open_store_path(dir.string()));
    state.mark_task_done(0, 2);
    state.mark_task_done(0, 5);
    state.mark_task_done(1, 0);
  }
  const fs::path op0 = dir / ".resume" / "op-0";
  ASSERT_TRUE(fs::is_directory(op0));
  fs::path log;
  for (const auto& e : fs::directory_iterator(op0)) log = e.path();
  ASSERT_EQ(log.extension(), ".log");
  EXPECT_EQ(fs::file_size(log), 32u);  // two records
  {
    std::FILE* f = std::fopen(log.c_str(), "ab");
    const std::int64_t bad[2] = {7, 7};  // fails its check
    std::fwrite(bad, sizeof bad, 1, f);
    const std::int64_t torn = 9;  // half a record
    std::fwrite(&torn, sizeof torn, 1, f);
    std::fclose(f);
  }
  std::FILE* f = std::fopen((op0 / "3").c_str(), "wb");  // a per-task key, as on object storage
  std::fclose(f);
  const ResumeState reread(storage::open_store_path(dir.string()));
  const std::vector<bool> done = reread.tasks_done(0, 10);
  EXPECT_EQ(done, (std::vector<bool>{false, false, true, true, false, true, false, false, false, false}));
  EXPECT_EQ(reread.tasks_done(1, 2), (std::vector<bool>{true, false}));
  fs::remove_all(dir);
}

TEST(PlanFingerprint, SameComputationSameFolderOtherwiseDifferent) {
  SpecPtr spec = Spec::make((fs::temp_directory_path() / "cubed-fingerprint").string(), "50MB", "1MB");
  auto plan_of = [&](double value, std::int64_t chunks) {
    Array a = full({100}, Scalar(value), DType::kFloat64, chunks, spec);
    return Plan::build({{a * a, std::nullopt}});
  };
  const std::string f = plan_fingerprint(plan_of(2.0, 10), "");
  EXPECT_EQ(f.size(), 32u);
  EXPECT_EQ(f, plan_fingerprint(plan_of(2.0, 10), ""));   // deterministic across builds
  EXPECT_NE(f, plan_fingerprint(plan_of(3.0, 10), ""));   // generated values differ
  EXPECT_NE(f, plan_fingerprint(plan_of(2.0, 20), ""));   // chunks differ
  EXPECT_NE(f, plan_fingerprint(plan_of(2.0, 10), "k"));  // caller's key differs
  ComputeOptions options;
  EXPECT_EQ(computation_folder(plan_of(2.0, 10), options), spec->work_dir() + "/cubed-" + f);
}

}  // namespace
}  // namespace cubed
