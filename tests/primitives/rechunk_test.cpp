#include "cubed/primitives/rechunk.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "cubed/api/creation.hpp"
#include "cubed/core/error.hpp"
#include "cubed/core/size.hpp"
#include "cubed/plan/plan.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/compute.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;

NDBuffer iota(const Shape& shape) {
  NDBuffer b(DType::kInt32, shape);
  auto v = b.span<std::int32_t>();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::int32_t>(i * 7 + 1);
  return b;
}

struct Case {
  Shape shape;
  Shape source;
  Shape target;
  const char* budget;
};
// One line for gtest's listing (CTest discovery reads it line by line).
void PrintTo(const Case& c, std::ostream* os) {
  *os << shape_to_string(c.source) << " to " << shape_to_string(c.target) << " in " << c.budget;
}

class RechunkCases : public ::testing::TestWithParam<Case> {};

TEST_P(RechunkCases, ValuesSurviveAndMemoryHolds) {
  const Case& c = GetParam();
  fs::path work = fs::temp_directory_path() / ("cubed-rechunk-" + std::to_string(::getpid()));
  // Uncompressed intermediates keep the budget arithmetic exact.
  SpecOptions options;
  options.work_dir = work.string();
  options.allowed_mem = parse_size(c.budget);
  options.reserved_mem = 1000;
  options.intermediate_compressor = nullptr;
  auto spec = std::make_shared<const Spec>(options);
  NDBuffer data = iota(c.shape);
  Array x = from_array(data, c.source, spec);
  Array y = rechunk(x, std::vector<std::int64_t>(c.target.begin(), c.target.end()));
  EXPECT_EQ(y.chunks(), c.target);
  ComputeReport report;
  NDBuffer result = compute(y, {}, &report);
  EXPECT_TRUE(result == data);
  for (std::size_t i = 0; i < report.projected_mem.size(); ++i) {
    EXPECT_LE(report.measured_peak_mem[i] + spec->reserved_mem(), report.projected_mem[i]) << report.operation_names[i];
    EXPECT_LE(report.projected_mem[i], spec->allowed_mem()) << report.operation_names[i];
  }
  fs::remove_all(work);
}

INSTANTIATE_TEST_SUITE_P(
    Pairs, RechunkCases,
    ::testing::Values(Case{{100, 100}, {1, 100}, {100, 1}, "20kB"},      // rows to columns, tight
                      Case{{100, 100}, {1, 100}, {100, 1}, "200kB"},     // rows to columns, roomy
                      Case{{90, 70}, {7, 11}, {13, 5}, "10kB"},          // relatively prime
                      Case{{90, 70}, {13, 5}, {7, 11}, "10kB"},
                      Case{{32, 32}, {32, 32}, {1, 1}, "100kB"},         // whole to 1-wide
                      Case{{32, 32}, {1, 1}, {32, 32}, "100kB"},
                      Case{{10, 20, 30}, {3, 7, 30}, {10, 1, 4}, "20kB"},
                      Case{{1000}, {3}, {997}, "20kB"},
                      Case{{5, 1, 9}, {2, 1, 2}, {5, 1, 9}, "10kB"}));

TEST(RechunkPlan, SmallBudgetUsesIntermediateStages) {
  auto read = [](int, const Shape& c) { return 2 * shape_size(c) * 8; };
  auto write = [](const Shape& c) { return 2 * shape_size(c) * 8; };
  // 1000 x 1000 float64, rows to columns, 1 MB per task: one stage would read
  // the array ~60 times over; intermediate stages cut that down.
  RechunkPlan plan = plan_rechunk({1000, 1000}, 8, {1, 1000}, {1000, 1}, 1'000'000, read, write);
  EXPECT_GE(plan.stages.size(), 2u);
  for (const auto& s : plan.stages) EXPECT_LE(s.task_memory, 1'000'000);
  RechunkPlan roomy = plan_rechunk({1000, 1000}, 8, {1, 1000}, {1000, 1}, 100'000'000, read, write);
  EXPECT_EQ(roomy.stages.size(), 1u);
  EXPECT_EQ(roomy.bytes_read(), 8'000'000);  // read exactly once
  EXPECT_LT(plan.bytes_read() + plan.bytes_written(), 30 * 8'000'000);
}

TEST(RechunkPlan, AlignedChunksReadOnce) {
  auto mem = [](int, const Shape& c) { return 2 * shape_size(c) * 4; };
  auto write = [](const Shape& c) { return 2 * shape_size(c) * 4; };
  RechunkPlan plan = plan_rechunk({100, 100}, 4, {10, 10}, {50, 50}, 10'000'000, mem, write);
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.bytes_read(), 40'000);
}

// Time slices to time series, the benchmark's shape: the intermediate chunks
// line up with both ends (multiples of the target that divide the source), so
// that each stage reads its input once, and the plan says so.
TEST(RechunkPlan, IntermediateChunksLineUpWithBothEnds) {
  auto read = [](int, const Shape& c) { return 2 * shape_size(c) * 4; };
  auto write = [](const Shape& c) { return 2 * shape_size(c) * 4; };
  const Shape shape = {500, 1000, 1000};
  RechunkPlan plan = plan_rechunk(shape, 4, {1, 1000, 1000}, {500, 50, 50}, 250'000'000, read, write);
  ASSERT_EQ(plan.stages.size(), 2u);
  const Shape& middle = plan.stages[0].target_chunks;
  for (std::size_t d = 1; d < 3; ++d) {
    EXPECT_EQ(middle[d] % 50, 0) << shape_to_string(middle);
    EXPECT_EQ(1000 % middle[d], 0) << shape_to_string(middle);
  }
  EXPECT_EQ(500 % middle[0], 0) << shape_to_string(middle);
  const std::int64_t nbytes = 500LL * 1000 * 1000 * 4;
  for (const auto& s : plan.stages) EXPECT_EQ(s.bytes_read, nbytes) << shape_to_string(s.region);
}

TEST(Rechunk, StagesAppearInThePlan) {
  SpecOptions options;
  options.work_dir = (fs::temp_directory_path() / "cubed-rechunk-plan").string();
  options.allowed_mem = 8000;
  options.reserved_mem = 1000;
  options.intermediate_compressor = nullptr;
  auto spec = std::make_shared<const Spec>(options);
  Array x = from_array(iota({100, 100}), {1, 100}, spec);
  Array y = rechunk(x, std::vector<std::int64_t>{100, 1});
  Plan plan = Plan::build({{y, std::nullopt}});
  EXPECT_GE(plan.stats().num_rechunk_stages, 2);
  EXPECT_NE(plan.explain().find("rechunk-stage-1/"), std::string::npos);
  // Unchanged chunks: the same array back.
  EXPECT_EQ(rechunk(x, std::vector<std::int64_t>{1, 100}).node(), x.node());
}

TEST(Rechunk, TargetChunkTooLargeIsRefusedAtPlanTime) {
  auto spec = Spec::make((fs::temp_directory_path() / "cubed-rechunk-big").string(), "1MB", "100kB");
  Array x = ones({2000, 2000}, DType::kFloat64, std::int64_t{100}, spec);
  Array y = rechunk(x, std::int64_t{1000});  // 8 MB chunks
  EXPECT_THROW(compute(y), MemoryBudgetError);
  EXPECT_THROW(rechunk(x, std::vector<std::int64_t>{10}), InvalidArgumentError);
}

}  // namespace
}  // namespace cubed
