// The processes executor's own faults (a worker killed, the hard memory
// limit), backup tasks for stragglers, batches and operations run in
// parallel, on the parallel executors.
#include "cubed/runtime/process_executor.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cubed/api/creation.hpp"
#include "cubed/api/elementwise.hpp"
#include "cubed/core/error.hpp"
#include "cubed/primitives/blockwise.hpp"
#include "cubed/runtime/compute.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;

struct Recorder final : Callback {
  std::vector<std::string> log;
  std::vector<TaskEndEvent> tasks;
  void on_operation_start(const OperationEvent& e) override { log.push_back("start " + e.function_name); }
  void on_operation_end(const OperationEvent& e) override { log.push_back("end " + e.function_name); }
  void on_task_end(const TaskEndEvent& e) override { tasks.push_back(e); }
};

// True for the one caller that creates `path` (across processes).
bool first_to_create(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

class ParallelExecutors : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() / ("cubed-procs-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir_);
    spec_ = Spec::make((dir_ / "work").string(), "50MB", "1MB");
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  SpecPtr spec_;
};

TEST_P(ParallelExecutors, StragglerGetsABackupVisibleInHistory) {
  const fs::path marker = dir_ / "slow-once";
  Array x = arange(Scalar(0), Scalar(200), Scalar(1), DType::kInt64, std::int64_t{10}, spec_);
  Array y = map_blocks(
      [marker](const std::vector<NDBuffer>& in, const Shape&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        // Chunk 15 is slow on its first run only: its backup copy is fast.
        if (in[0].get(0).as_int() == 150 && first_to_create(marker)) {
          std::this_thread::sleep_for(std::chrono::seconds(2));
        }
        return in[0];
      },
      {x}, DType::kInt64, {.name = "straggling"});
  auto recorder = std::make_shared<Recorder>();
  NDBuffer r = compute(y * 2, {.executor_name = GetParam(),
                               .callbacks = {recorder, make_history((dir_ / "history").string())},
                               .plan = PlanOptions{.optimize = false}});  // two operations, as counted below
  for (std::int64_t i = 0; i < 200; ++i) ASSERT_EQ(r.get(i).as_int(), 2 * i);
  int backups = 0;
  for (const TaskEndEvent& e : recorder->tasks) {
    if (e.backup) {
      ++backups;
      EXPECT_EQ(e.function_name, "straggling");
      EXPECT_EQ(e.task, Shape{15});
    }
  }
  EXPECT_EQ(backups, 1);
  EXPECT_EQ(recorder->tasks.size(), 40u);  // one event per task: the slow copy's result is ignored
  // The backup finished the operation well before the slow copy would have.
  double straggling_end = 0;
  for (const TaskEndEvent& e : recorder->tasks) {
    if (e.function_name == "straggling") straggling_end = std::max(straggling_end, e.received);
  }
  EXPECT_LT(straggling_end, 1.6);
  // events.csv: the last column says which run was a backup.
  std::ifstream events(dir_ / "history" / "events.csv");
  std::string line;
  std::getline(events, line);
  EXPECT_EQ(line.substr(line.rfind(',') + 1), "backup");
  int backup_rows = 0;
  while (std::getline(events, line)) backup_rows += line.substr(line.rfind(',') + 1) == "1" ? 1 : 0;
  EXPECT_EQ(backup_rows, 1);
}

TEST_P(ParallelExecutors, NoBackupsWhenTurnedOff) {
  const fs::path marker = dir_ / "slow-once";
  Array x = arange(Scalar(0), Scalar(100), Scalar(1), DType::kInt64, std::int64_t{10}, spec_);
  Array y = map_blocks(
      [marker](const std::vector<NDBuffer>& in, const Shape&) {
        if (in[0].get(0).as_int() == 90 && first_to_create(marker)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(800));
        }
        return in[0];
      },
      {x}, DType::kInt64, {.name = "straggling"});
  auto recorder = std::make_shared<Recorder>();
  compute(y, {.executor_name = GetParam(), .callbacks = {recorder}, .use_backups = false});
  for (const TaskEndEvent& e : recorder->tasks) EXPECT_FALSE(e.backup);
  EXPECT_EQ(recorder->tasks.size(), 10u);
}

TEST_P(ParallelExecutors, BatchesAndIndependentOperationsInParallel) {
  Array a = arange(Scalar(0), Scalar(100), Scalar(1), DType::kFloat64, std::int64_t{10}, spec_) * 2;
  Array b = ones({60}, DType::kFloat64, std::int64_t{7}, spec_) + 1;
  auto recorder = std::make_shared<Recorder>();
  std::vector<NDBuffer> r = compute({a, b}, {.executor_name = GetParam(),
                                             .callbacks = {recorder},
                                             .batch_size = 3,
                                             .compute_arrays_in_parallel = true});
  for (std::int64_t i = 0; i < 100; ++i) ASSERT_EQ(r[0].get(i).as_double(), 2.0 * i);
  for (std::int64_t i = 0; i < 60; ++i) ASSERT_EQ(r[1].get(i).as_double(), 2.0);
  // Both operations began before either ended.
  ASSERT_EQ(recorder->log.size(), 4u);
  EXPECT_EQ(recorder->log[0].substr(0, 5), "start");
  EXPECT_EQ(recorder->log[1].substr(0, 5), "start");
}

INSTANTIATE_TEST_SUITE_P(Executors, ParallelExecutors, ::testing::Values("threads:2", "processes:2"),
                         [](const auto& info) { return info.param.substr(0, info.param.find(':')); });

class Processes : public ParallelExecutors {};

TEST_F(Processes, KilledWorkerIsReplacedAndItsTaskRetried) {
  const fs::path marker = dir_ / "killed-once";
  Array x = arange(Scalar(0), Scalar(100), Scalar(1), DType::kInt64, std::int64_t{10}, spec_);
  Array y = map_blocks(
      [marker](const std::vector<NDBuffer>& in, const Shape&) {
        if (in[0].get(0).as_int() == 30 && first_to_create(marker)) ::kill(::getpid(), SIGKILL);
        return in[0];
      },
      {x}, DType::kInt64, {.name = "killer"});
  auto recorder = std::make_shared<Recorder>();
  NDBuffer r = compute(y + 1, {.executor_name = "processes:2", .callbacks = {recorder}});
  for (std::int64_t i = 0; i < 100; ++i) ASSERT_EQ(r.get(i).as_int(), i + 1);
  EXPECT_TRUE(fs::exists(marker));  // the kill happened
  int retried = 0;
  for (const TaskEndEvent& e : recorder->tasks) {
    if (e.attempts > 1) {
      ++retried;
      EXPECT_EQ(e.task, Shape{3});
      EXPECT_EQ(e.attempts, 2);
    }
  }
  EXPECT_EQ(retried, 1);
}

TEST_F(Processes, WorkerKilledEveryTimeNamesOperationTaskAndSignal) {
  Array x = arange(Scalar(0), Scalar(40), Scalar(1), DType::kInt64, std::int64_t{10}, spec_);
  Array y = map_blocks(
      [](const std::vector<NDBuffer>& in, const Shape&) {
        if (in[0].get(0).as_int() == 20) ::kill(::getpid(), SIGKILL);
        return in[0];
      },
      {x}, DType::kInt64, {.name = "always-killed"});
  try {
    compute(y, {.executor_name = "processes:2"});
    FAIL() << "expected an error";
  } catch (const ExecutorError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("operation 'always-killed'"), std::string::npos) << m;
    EXPECT_NE(m.find("task (2,)"), std::string::npos) << m;
    EXPECT_NE(m.find("killed by signal 9"), std::string::npos) << m;
    EXPECT_NE(m.find("after 3 attempts"), std::string::npos) << m;
  }
}

TEST_F(Processes, HardLimitStopsATaskThatOverrunsAllowedMem) {
  auto spec = Spec::make((dir_ / "work").string(), "20MB", "1MB");
  Array x = arange(Scalar(0), Scalar(40), Scalar(1), DType::kInt64, std::int64_t{10}, spec);
  // The chunk function holds 40 MB that the plan does not know about.
  Array y = map_blocks(
      [](const std::vector<NDBuffer>& in, const Shape&) {
        if (in[0].get(0).as_int() == 20) {
          NDBuffer hog(DType::kFloat64, {5'000'000});
          hog.set(0, Scalar(1.0));
        }
        return in[0];
      },
      {x}, DType::kInt64, {.name = "hog"});
  try {
    compute(y, {.executor_name = "processes:2:hard-limit"});
    FAIL() << "expected an error";
  } catch (const MemoryBudgetError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("operation 'hog'"), std::string::npos) << m;
    EXPECT_NE(m.find("task (2,)"), std::string::npos) << m;
    EXPECT_NE(m.find("hard limit of 19000000 bytes"), std::string::npos) << m;
    EXPECT_EQ(m.find("attempts"), std::string::npos) << "an overrun is not retried: " << m;
  }
  // Without the limit the task runs (and is reported over allowed_mem).
  testing::internal::CaptureStderr();
  NDBuffer r = compute(y, {.executor_name = "processes:2"});
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(r.get(25).as_int(), 25);
  EXPECT_NE(err.find("over allowed_mem"), std::string::npos) << err;
}

TEST_F(Processes, InMemoryStoresAreRefused) {
  auto spec = Spec::make("memory://procs-work", "20MB", "1MB");
  Array x = arange(Scalar(0), Scalar(40), Scalar(1), DType::kInt64, std::int64_t{10}, spec);
  try {
    compute(x + 1, {.executor_name = "processes:2"});
    FAIL() << "expected an error";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("memory://"), std::string::npos) << e.what();
  }
}

TEST(ProcessExecutorNames, Parsed) {
  EXPECT_EQ(make_executor("processes:3")->name(), "processes:3");
  EXPECT_EQ(make_executor("processes:2:hard-limit")->name(), "processes:2:hard-limit");
  EXPECT_EQ(make_executor("processes")->name().rfind("processes:", 0), 0u);
  for (const char* bad : {"processes:0", "processes:", "processes:2:soft", "processes:-1"}) {
    EXPECT_THROW(make_executor(bad), InvalidArgumentError) << bad;
  }
}

}  // namespace
}  // namespace cubed
