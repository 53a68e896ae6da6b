#include "cubed/runtime/callbacks.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cubed/api/creation.hpp"
#include "cubed/api/elementwise.hpp"
#include "cubed/primitives/rechunk.hpp"
#include "cubed/runtime/compute.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;

struct Recorder final : Callback {
  std::vector<std::string> log;
  std::vector<TaskEndEvent> tasks;
  void on_compute_start(const Plan& plan) override { log.push_back("start " + std::to_string(plan.operations().size())); }
  void on_compute_end(const Plan&, bool ok) override { log.push_back(ok ? "end ok" : "end failed"); }
  void on_operation_start(const OperationEvent& e) override {
    log.push_back("op " + std::to_string(e.operation) + " " + e.function_name + " " + std::to_string(e.num_tasks));
  }
  void on_operation_end(const OperationEvent& e) override { log.push_back("op end " + std::to_string(e.operation)); }
  void on_task_end(const TaskEndEvent& e) override { tasks.push_back(e); }
};

std::vector<std::string> lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class Callbacks : public ::testing::TestWithParam<std::string> {};

TEST_P(Callbacks, EventsInOrderWithTimingsAndMemory) {
  fs::path dir = fs::temp_directory_path() / ("cubed-callbacks-" + std::to_string(::getpid()));
  auto spec = Spec::make((dir / "work").string(), "50MB", "1MB");
  Array x = arange(Scalar(0), Scalar(100), Scalar(1), DType::kFloat64, std::int64_t{10}, spec);
  Array y = rechunk(x * 2, std::int64_t{25}) + 1;
  auto recorder = std::make_shared<Recorder>();
  compute(y, {.executor_name = GetParam(), .callbacks = {recorder, make_history((dir / "history").string())}});
  // multiply (10 tasks), rechunk (2 regions of lcm(10, 25) = 50), add (4 tasks)
  std::vector<std::string> expected = {"start 3", "op 0 multiply 10", "op end 0", "op 1 rechunk 2", "op end 1",
                                       "op 2 add 4",  "op end 2",           "end ok"};
  EXPECT_EQ(recorder->log, expected);
  ASSERT_EQ(recorder->tasks.size(), 16u);
  for (const TaskEndEvent& e : recorder->tasks) {
    EXPECT_LE(e.created, e.started);
    EXPECT_LE(e.started, e.ended);
    EXPECT_LE(e.ended, e.received);
    EXPECT_GT(e.measured_peak_mem, 0);
    EXPECT_LE(e.measured_peak_mem + spec->reserved_mem(), e.projected_mem);
    EXPECT_EQ(e.attempts, 1);
    // Where it ran, as the executor names its workers.
    if (GetParam() == "single-threaded") {
      EXPECT_EQ(e.worker, "main");
    } else {
      const std::string kind = GetParam().substr(0, GetParam().find(':'));
      const std::string prefix = kind == "threads" ? "thread " : "process ";
      EXPECT_EQ(e.worker.rfind(prefix, 0), 0u) << e.worker;
      EXPECT_GT(e.worker.size(), prefix.size()) << e.worker;
    }
  }
  // events.csv names the worker of every task, before the backup column.
  const std::vector<std::string> events = lines(dir / "history/events.csv");
  ASSERT_FALSE(events.empty());
  EXPECT_NE(events[0].find(",worker,backup"), std::string::npos) << events[0];
  for (std::size_t i = 1; i < events.size(); ++i) {
    const std::string& row = events[i];
    const std::size_t last = row.rfind(',');
    const std::size_t before = row.rfind(',', last - 1);
    EXPECT_EQ(row.substr(before + 1, last - before - 1), recorder->tasks[i - 1].worker) << row;
  }
  auto plan_csv = lines(dir / "history/plan.csv");
  ASSERT_EQ(plan_csv.size(), 4u);
  EXPECT_EQ(plan_csv[0].rfind("operation,function,array", 0), 0u);
  EXPECT_NE(plan_csv[2].find(",rechunk,"), std::string::npos);
  EXPECT_EQ(lines(dir / "history/events.csv").size(), 17u);
  auto stats = lines(dir / "history/stats.csv");
  ASSERT_EQ(stats.size(), 4u);
  // Utilisation is a fraction in (0, 1].
  std::stringstream row(stats[1]);
  std::vector<std::string> cells;
  for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
  ASSERT_EQ(cells.size(), 8u);
  double utilization = std::stod(cells[6]);
  EXPECT_GT(utilization, 0.0);
  EXPECT_LE(utilization, 1.0);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Executors, Callbacks, ::testing::Values("single-threaded", "threads:2", "processes:2"),
                         [](const auto& info) { return info.param.substr(0, info.param.find_first_of("-:")); });

TEST(ProgressBar, PlainLinesWhenNotATerminal) {
  fs::path dir = fs::temp_directory_path() / ("cubed-progress-" + std::to_string(::getpid()));
  auto spec = Spec::make(dir.string(), "50MB", "1MB");
  Array x = ones({40}, DType::kInt32, std::int64_t{10}, spec) * 3;
  ::testing::internal::CaptureStderr();
  compute(x, {.callbacks = {make_progress_bar()}});
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("op 0 multiply"), std::string::npos) << err;
  EXPECT_NE(err.find("4/4 tasks done"), std::string::npos) << err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cubed
