// `cubed eval` killed with SIGKILL half-way through, then run again with
// --resume: the answer is numpy's and fewer tasks run (counted from the
// history's events.csv).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cubed/core/ndbuffer.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;

// Starts `cubed ARGS...` in the background, output discarded.
pid_t spawn_cli(const std::vector<std::string>& args) {
  std::vector<std::string> all = {CUBED_CLI_PATH};
  all.insert(all.end(), args.begin(), args.end());
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

int count_chunk_files(const fs::path& array) {
  int n = 0;
  std::error_code ec;
  for (fs::directory_iterator it(array, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string()[0] != '.') ++n;
  }
  return n;
}

std::vector<std::string> read_lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(EvalResume, KilledRunIsResumedWithFewerTasks) {
  const fs::path dir = fs::temp_directory_path() / ("cubed-eval-resume-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  // 200 chunks; bz2 at level 9 makes writing the target slow enough to be
  // caught half-way.
  storage::ArrayMetadata meta;
  meta.shape = {1'000'000};
  meta.chunks = {5'000};
  meta.dtype = DType::kFloat64;
  meta.compressor = nullptr;
  auto x = storage::ZarrArray::create(storage::open_store_path((dir / "x.zarr").string()), meta);
  NDBuffer data(DType::kFloat64, {1'000'000});
  for (std::int64_t i = 0; i < 1'000'000; ++i) data.set(i, Scalar(std::sin(0.001 * static_cast<double>(i)) * 10.0));
  x.write_all(data);

  const std::string expression = "square(x * 2) + abs(x) - x / 3";
  const std::string out = (dir / "out.zarr").string();
  const std::vector<std::string> args = {"eval", expression, "x=" + (dir / "x.zarr").string(), "-o", out,
                                         "--compressor", "bz2:9", "--executor", "single-threaded",
                                         "--work-dir", (dir / "work").string()};
  const pid_t pid = spawn_cli(args);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (count_chunk_files(out) < 20 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  const int status = wait_for(pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the first run finished before it could be killed";
  const int written = count_chunk_files(out);
  ASSERT_GE(written, 20);
  ASSERT_LT(written, 200) << "killed too late to test resuming";
  EXPECT_FALSE(fs::exists(fs::path(out) / ".zarray"));  // half-written: not an array

  std::vector<std::string> resume_args = args;
  resume_args.insert(resume_args.end(), {"--resume", "--history", (dir / "history").string()});
  ASSERT_EQ(wait_for(spawn_cli(resume_args)), 0);

  // numpy agrees.
  const std::string check = std::string("/usr/bin/python3 ") + CUBED_SOURCE_DIR + "/tests/cli/numpy_check.py '" +
                            expression + "' " + out + " x=" + (dir / "x.zarr").string() + " >" +
                            (dir / "check.txt").string() + " 2>&1";
  const int checked = std::system(check.c_str());
  std::string report;
  for (const std::string& line : read_lines(dir / "check.txt")) report += line + "\n";
  EXPECT_EQ(checked, 0) << report;

  // Fewer tasks than the plan has: the completed operations and the target's
  // written chunks were not run again.
  const std::vector<std::string> plan = read_lines(dir / "history" / "plan.csv");
  const std::vector<std::string> events = read_lines(dir / "history" / "events.csv");
  ASSERT_GE(plan.size(), 2u);
  std::int64_t planned = 0;
  for (std::size_t i = 1; i < plan.size(); ++i) {
    // num_tasks is the 7th column.
    std::size_t pos = 0;
    for (int c = 0; c < 6; ++c) pos = plan[i].find(',', pos) + 1;
    planned += std::stoll(plan[i].substr(pos));
  }
  const auto ran = static_cast<std::int64_t>(events.size()) - 1;
  EXPECT_GT(ran, 0);
  // (+1: the kill may fall between a chunk's rename and its task's marker;
  // that task runs again, as nothing unvouched for counts as done.)
  EXPECT_LE(ran, 200 - written + 1);
  EXPECT_LT(ran, planned);
  // Success removes the computation's folder.
  EXPECT_TRUE(fs::is_empty(dir / "work"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cubed

namespace cubed {
namespace {

TEST(EvalTimeline, ProcessesExecutorTimelineParsesWithOneRectPerTask) {
  const fs::path dir = fs::temp_directory_path() / ("cubed-eval-timeline-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string svg = (dir / "t.svg").string();
  const std::vector<std::string> args = {"eval",        "arange(1000, chunks=50) * 2 + 1", "-o",
                                         (dir / "out.zarr").string(), "--executor", "processes:2", "--timeline",
                                         svg,           "--history", (dir / "h").string(), "--work-dir",
                                         (dir / "work").string()};
  ASSERT_EQ(wait_for(spawn_cli(args)), 0);
  const std::vector<std::string> events = read_lines(dir / "h" / "events.csv");
  ASSERT_GT(events.size(), 20u);
  // Parsed as XML by Python; rects of class "task" counted.
  const std::string count = dir / "count.txt";
  const std::string script =
      "import sys, xml.etree.ElementTree as ET\n"
      "root = ET.parse(sys.argv[1]).getroot()\n"
      "ns = '{http://www.w3.org/2000/svg}'\n"
      "tasks = [r for r in root.iter(ns + 'rect') if r.get('class') == 'task']\n"
      "bands = [g for g in root.iter(ns + 'g') if g.get('class') == 'operation']\n"
      "print(len(tasks), len(bands))\n";
  std::ofstream(dir / "count.py") << script;
  const std::string command = "/usr/bin/python3 " + (dir / "count.py").string() + " " + svg + " > " + count;
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::vector<std::string> plan = read_lines(dir / "h" / "plan.csv");
  EXPECT_EQ(read_lines(count).at(0), std::to_string(events.size() - 1) + " " + std::to_string(plan.size() - 1));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace cubed
