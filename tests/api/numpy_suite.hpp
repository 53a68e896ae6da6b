#pragma once
// A parameterised test suite whose cases all run through numpy once, before
// its tests: `class XVsNumpy : public NumpySuite<Case, cases> {};`. A Case
// has `name` and `expr`; numpy_inputs(case) gives the arrays bound to a, b,
// ... (its `inputs` unless overloaded). Also the chunkings every case runs
// with and the spec they share.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/numpy_oracle.hpp"
#include "cubed/array/spec.hpp"
#include "cubed/runtime/compute.hpp"

namespace cubed::testing {

template <class Case>
std::vector<NDBuffer> numpy_inputs(const Case& c) {
  return c.inputs;
}

/// Chunkings a case runs with: 0 its own, 1 chunks of 1, 2 whole axes.
constexpr int kChunkVariants = 3;
inline Shape chunk_variant(Shape chunks, const Shape& shape, int variant) {
  for (std::size_t d = 0; d < chunks.size(); ++d) {
    if (variant == 1) chunks[d] = 1;
    if (variant == 2) chunks[d] = std::max<std::int64_t>(shape[d], 1);
  }
  return chunks;
}

template <class Case, std::vector<Case> (*Cases)()>
class NumpySuite : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    static std::atomic<int> counter{0};
    State& s = state();
    s.dir = std::filesystem::temp_directory_path() /
            ("cubed-numpy-suite-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    s.oracle = std::make_unique<NumpyOracle>(s.dir / "numpy");
    for (const Case& c : Cases()) s.ids[c.name] = s.oracle->add(c.expr, numpy_inputs(c));
    s.oracle->run();
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(state().dir);
    state() = State{};
  }

  /// numpy's results for a case.
  static std::vector<NDBuffer> numpy_results(const Case& c) { return state().oracle->results(state().ids.at(c.name)); }
  static const std::filesystem::path& dir() { return state().dir; }
  /// The spec the cases run with: 10 MB per task, work_dir in the suite's folder.
  static SpecPtr suite_spec() {
    SpecOptions options;
    options.work_dir = (state().dir / "work").string();
    options.allowed_mem = 10'000'000;
    options.reserved_mem = 1'000'000;
    return std::make_shared<const Spec>(options);
  }

 private:
  struct State {
    std::filesystem::path dir;
    std::unique_ptr<NumpyOracle> oracle;
    std::map<std::string, int> ids;
  };
  static State& state() {
    static State s;
    return s;
  }
};

// storage::ZarrArray::write_chunk default-constructs three NDBuffers (8 bytes
// each: NDBuffer() is a 0-d float64) that the memory model does not count;
// only chunks of a few bytes notice.
inline constexpr std::int64_t kWriteSlack = 24;

/// Every operation's measured peak (with reserved_mem) within its projected
/// memory, and every projection within allowed_mem.
inline void expect_within_projection(const ComputeReport& report, const Spec& spec, const std::string& label) {
  for (std::size_t i = 0; i < report.projected_mem.size(); ++i) {
    EXPECT_LE(report.measured_peak_mem[i] + spec.reserved_mem(), report.projected_mem[i] + kWriteSlack)
        << report.operation_names[i] << " " << label;
    EXPECT_LE(report.projected_mem[i], spec.allowed_mem()) << report.operation_names[i] << " " << label;
  }
}

}  // namespace cubed::testing
