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

}  // namespace cubed::testing
