// Blockwise fusion: fused and unfused plans give identical results, known
// pipelines give the expected operation and intermediate counts, each rule
// refuses what it should, and fused tasks stay within their projection.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "cubed/api/elementwise.hpp"
#include "cubed/api/manipulation.hpp"
#include "cubed/api/statistical.hpp"
#include "cubed/plan/plan.hpp"
#include "cubed/primitives/rechunk.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/compute.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;

constexpr PlanOptions kUnfused{.optimize = false};

class FusionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() / ("cubed-fusion-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir_);
    spec_ = Spec::make((dir_ / "work").string(), "100MB", "1MB");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A Zarr array of shape (rows, cols), values from the flat index.
  Array stored(std::int64_t rows, std::int64_t cols, const Shape& chunks, double scale = 1.0) {
    NDBuffer b(DType::kFloat64, {rows, cols});
    for (std::int64_t i = 0; i < b.size(); ++i) b.set(i, Scalar(scale * std::sin(0.37 * static_cast<double>(i)) * 100));
    const std::string path = (dir_ / ("in" + std::to_string(count_++) + ".zarr")).string();
    to_zarr(from_array(b, chunks, spec_), path);
    return from_zarr(path, spec_);
  }

  static Plan plan_of(const Array& a, const PlanOptions& options = {}) {
    return Plan::build({{a, std::nullopt}}, options);
  }

  // Computes with and without fusion, checks bit-identical results and
  // measured <= projected memory in both; returns the fused result.
  static NDBuffer same_both_ways(const Array& a, PlanOptions fused_options = {}) {
    ComputeReport fused_report;
    ComputeReport unfused_report;
    NDBuffer fused = compute(a, ComputeOptions{.plan = fused_options}, &fused_report);
    NDBuffer unfused = compute(a, ComputeOptions{.plan = kUnfused}, &unfused_report);
    EXPECT_EQ(fused.shape(), unfused.shape());
    EXPECT_EQ(fused.dtype(), unfused.dtype());
    EXPECT_EQ(std::memcmp(fused.data(), unfused.data(), static_cast<std::size_t>(fused.nbytes())), 0);
    for (const ComputeReport* r : {&fused_report, &unfused_report}) {
      for (std::size_t i = 0; i < r->projected_mem.size(); ++i) {
        EXPECT_LE(r->measured_peak_mem[i] + a.spec()->reserved_mem(), r->projected_mem[i]) << r->operation_names[i];
        EXPECT_GT(r->measured_peak_mem[i], 0) << r->operation_names[i];
      }
    }
    return fused;
  }

  fs::path dir_;
  SpecPtr spec_;
  int count_ = 0;
};

TEST_F(FusionTest, ElementwiseChainBecomesOneOperation) {
  const Array a = stored(50, 40, {7, 9});
  const Array y = sin(a * 2.0 + 1.0) - a;
  const Plan unfused = plan_of(y, kUnfused);
  EXPECT_EQ(unfused.stats().num_operations, 4);
  EXPECT_EQ(unfused.stats().num_intermediate_arrays, 3);
  const Plan fused = plan_of(y);
  ASSERT_EQ(fused.stats().num_operations, 1);
  EXPECT_EQ(fused.stats().num_intermediate_arrays, 0);
  EXPECT_EQ(fused.operations()[0].fused.size(), 3u);
  EXPECT_EQ(fused.operations()[0].num_tasks, 8 * 5);
  EXPECT_EQ(fused.stats().bytes_written, 50 * 40 * 8);
  EXPECT_EQ(unfused.stats().bytes_written, 4 * 50 * 40 * 8);
  const NDBuffer r = same_both_ways(y);
  const NDBuffer in = compute(a);
  for (std::int64_t i = 0; i < r.size(); ++i) {
    const double x = in.get(i).as_double();
    EXPECT_EQ(r.get(i).as_double(), std::sin(x * 2.0 + 1.0) - x) << i;
  }
}

TEST_F(FusionTest, MeanOfSquaredAnomaliesFusesReductionsToo) {
  // 8 chunks along axis 0 (5 along axis 1): the first mean's chunk step fuses
  // into its combine; subtract and pow fuse into the second mean's chunk
  // step. The column means are read by all 40 subtract tasks, so they are
  // stored once rather than recomputed 8 times.
  const Array a = stored(80, 50, {10, 10});
  ReduceOptions axis0{.axis = std::vector<int>{0}};
  const Array y = mean(pow(a - mean(a, axis0), 2.0), axis0);
  const Plan unfused = plan_of(y, kUnfused);
  const Plan fused = plan_of(y);
  EXPECT_EQ(unfused.stats().num_operations, 6);
  EXPECT_EQ(unfused.stats().num_intermediate_arrays, 5);
  EXPECT_EQ(fused.stats().num_operations, 3);
  EXPECT_EQ(fused.stats().num_intermediate_arrays, 2);
  // The (80, 50) subtract and pow arrays are no longer written, and nothing
  // is read twice: bytes read fall too.
  EXPECT_LE(fused.stats().bytes_written, unfused.stats().bytes_written - 2 * 80 * 50 * 8);
  EXPECT_LT(fused.stats().bytes_read, unfused.stats().bytes_read);
  bool logged = false;
  for (const std::string& line : fused.fusion_log()) {
    logged = logged || line.find("its 5 chunks are read 40 times") != std::string::npos;
  }
  EXPECT_TRUE(logged);
  for (const PlanOperation& op : fused.operations()) EXPECT_LE(op.input_blocks_per_task, 10);
  same_both_ways(y);
}

TEST_F(FusionTest, EachInputOfAStackFusesIntoTheTaskThatReadsIt) {
  // Task i of the stack reads only input i: every mean's chunk is read once.
  const Array a = stored(20, 30, {10, 10});
  ReduceOptions axis0{.axis = std::vector<int>{0}};
  const Array y = stack({mean(a * a, axis0), mean(a * 2.0, axis0), mean(a + 1.0, axis0)});
  const Plan plan = plan_of(y);
  EXPECT_EQ(plan.stats().num_intermediate_arrays, 0) << plan.explain();
  for (const std::string& line : plan.fusion_log()) EXPECT_EQ(line.find("read 3 times"), std::string::npos) << line;
  same_both_ways(y);
}

TEST_F(FusionTest, RequestedOutputsAreNeverFusedAway) {
  const Array a = stored(20, 20, {5, 5});
  const Array b = a * 2.0;
  const Array c = b + 1.0;
  const Plan plan = Plan::build({{b, std::nullopt}, {c, std::nullopt}});
  EXPECT_EQ(plan.stats().num_operations, 2);
  bool logged = false;
  for (const std::string& line : plan.fusion_log()) logged = logged || line.find("requested output") != std::string::npos;
  EXPECT_TRUE(logged);
  const auto results = compute(std::vector<Array>{b, c});
  EXPECT_EQ(results[1].get(7).as_double(), results[0].get(7).as_double() + 1.0);
}

TEST_F(FusionTest, ArrayReadTwiceIsStoredOnce) {
  const Array a = stored(20, 20, {5, 5});
  const Array b = exp(a / 100.0);
  const Array y = b * 2.0 + b;  // b read by multiply and add
  const Plan plan = plan_of(y);
  ASSERT_EQ(plan.stats().num_operations, 2);
  EXPECT_EQ(plan.operations()[0].node->op->function_name(), "exp");
  bool logged = false;
  for (const std::string& line : plan.fusion_log()) logged = logged || line.find("read by 2 operations") != std::string::npos;
  EXPECT_TRUE(logged);
  same_both_ways(y);
}

TEST_F(FusionTest, SourceArrayLimit) {
  std::vector<Array> in;
  for (int i = 0; i < 5; ++i) in.push_back(stored(10, 10, {5, 5}, i + 1.0));
  const Array y = (((in[0] + in[1]) + in[2]) + in[3]) + in[4];
  const Plan plan = plan_of(y);
  EXPECT_EQ(plan.stats().num_operations, 2);
  bool logged = false;
  for (const std::string& line : plan.fusion_log()) {
    logged = logged || line.find("5 source arrays > max_total_source_arrays 4") != std::string::npos;
  }
  EXPECT_TRUE(logged);
  EXPECT_EQ(plan_of(y, PlanOptions{.max_total_source_arrays = 5}).stats().num_operations, 1);
  EXPECT_EQ(plan_of(y, PlanOptions{.max_total_source_arrays = 1}).stats().num_operations, 4);
  same_both_ways(y);
}

TEST_F(FusionTest, InputBlockLimit) {
  const Array a = stored(40, 8, {4, 8});  // 10 chunks along axis 0
  ReduceOptions all{.axis = std::vector<int>{0}, .split_every = 10};
  const Array y = sum(a * 3.0, all);
  // sum-chunk reads 1 block; the single combine round reads 10.
  EXPECT_EQ(plan_of(y).stats().num_operations, 1);
  const Plan limited = plan_of(y, PlanOptions{.max_total_num_input_blocks = 9});
  EXPECT_EQ(limited.stats().num_operations, 2);
  bool logged = false;
  for (const std::string& line : limited.fusion_log()) {
    logged = logged || line.find("input blocks per task > max_total_num_input_blocks 9") != std::string::npos;
  }
  EXPECT_TRUE(logged);
  same_both_ways(y, PlanOptions{.max_total_num_input_blocks = 9});
}

TEST_F(FusionTest, NoFusionBeyondAllowedMem) {
  // Budget exactly what the unfused add needs: computing the multiply
  // inside it needs one more chunk, so fusion is refused.
  const Array a = stored(100, 100, {50, 50});
  const Array probe = (a * 2.0) + 1.0;
  const std::int64_t unfused_mem = plan_of(probe, kUnfused).stats().max_projected_mem;
  const auto tight = Spec::make((dir_ / "work").string(), std::to_string(unfused_mem), "1MB");
  const Array b = from_zarr((dir_ / "in0.zarr").string(), tight);
  const Array y = (b * 2.0) + 1.0;
  const Plan plan = plan_of(y);
  EXPECT_EQ(plan.stats().num_operations, 2);
  ASSERT_EQ(plan.fusion_log().size(), 1u);
  EXPECT_NE(plan.fusion_log()[0].find("> allowed_mem"), std::string::npos) << plan.fusion_log()[0];
  plan.validate();
  same_both_ways(y);
}

TEST_F(FusionTest, RechunkIsNeverFused) {
  const Array a = stored(30, 30, {10, 10});
  const Array y = rechunk(a + 1.0, Shape{30, 5}) * 2.0;
  const Plan plan = plan_of(y);
  EXPECT_EQ(plan.stats().num_operations, plan_of(y, kUnfused).stats().num_operations);
  EXPECT_GE(plan.stats().num_rechunk_stages, 1);
  same_both_ways(y);
}

TEST_F(FusionTest, ThreadsExecutorRunsFusedPlans) {
  const Array a = stored(64, 64, {8, 8});
  ReduceOptions axis1{.axis = std::vector<int>{1}, .split_every = 3};
  const Array y = max(abs(a - 1.0) * a, axis1);
  const NDBuffer sync = compute(y);
  const NDBuffer threads = compute(y, ComputeOptions{.executor_name = "threads:2"});
  EXPECT_EQ(std::memcmp(sync.data(), threads.data(), static_cast<std::size_t>(sync.nbytes())), 0);
  same_both_ways(y);
}

TEST_F(FusionTest, ExplainListsFusedArraysAndDecisions) {
  const Array a = stored(10, 10, {5, 5});
  const Plan plan = plan_of(-(a + 1.0));
  const std::string text = plan.explain();
  EXPECT_NE(text.find("fused: "), std::string::npos) << text;
  EXPECT_NE(text.find("fusion:\n  fuse "), std::string::npos) << text;
  EXPECT_NE(text.find(": yes ("), std::string::npos) << text;
  EXPECT_TRUE(plan_of(-(a + 1.0), kUnfused).fusion_log().empty());
}

}  // namespace
}  // namespace cubed
