// Random arrays: the values of numpy's Philox stream (the generator the
// header describes), the same for every chunking and executor, different
// for different seeds, statistically sound for fixed seeds, and errors.
#include "cubed/api/random.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include "api/numpy_oracle.hpp"
#include "cubed/core/error.hpp"
#include "cubed/runtime/compute.hpp"
#include "test_util.hpp"

namespace cubed {
namespace {

using testing::expect_error;

namespace fs = std::filesystem;
using testing::NumpyOracle;

SpecPtr test_spec() {
  static const SpecPtr spec =
      Spec::make((fs::temp_directory_path() / ("cubed-random-" + std::to_string(::getpid()))).string(), "100MB",
                 "1MB");
  return spec;
}

// numpy's Philox stream from counter 0 (numpy increments before use).
std::string philox(std::uint64_t seed) {
  return "np.random.Philox(key=" + std::to_string(seed) + ", counter=2**256 - 1)";
}

const std::vector<std::vector<std::int64_t>> kChunkings = {{7, 5}, {1, 1}, {-1, -1}, {3, 13}, {6, 1}};

TEST(RandomVsNumpy, SameStreamAsNumpysPhiloxForEveryChunking) {
  const fs::path dir = fs::temp_directory_path() / ("cubed-random-numpy-" + std::to_string(::getpid()));
  NumpyOracle oracle(dir);
  const int uniform = oracle.add("np.random.Generator(" + philox(42) + ").random(15 * 13).reshape(15, 13)", {});
  const int big_seed =
      oracle.add("np.random.Generator(" + philox(18446744073709551557ULL) + ").random(9).reshape(3, 3)", {});
  // integers: low + (word * (high - low)) >> 64 on the raw 64-bit words.
  const int ints = oracle.add("np.array([-5 + ((int(w) * 12) >> 64) for w in " + philox(7) +
                                  ".random_raw(15 * 13)], dtype=np.int64).reshape(15, 13)",
                              {});
  const int wide = oracle.add("np.array([-2**63 + ((int(w) * (2**64 - 1)) >> 64) for w in " + philox(3) +
                                  ".random_raw(10)], dtype=np.int64)",
                              {});
  oracle.run();
  for (const auto& chunks : kChunkings) {
    SCOPED_TRACE(::testing::Message() << "chunks " << chunks[0] << ", " << chunks[1]);
    EXPECT_TRUE(compute(random::random({15, 13}, 42, chunks, test_spec())) == oracle.results(uniform)[0]);
    EXPECT_TRUE(compute(random::integers(-5, 7, {15, 13}, 7, DType::kInt64, chunks, test_spec())) ==
                oracle.results(ints)[0]);
  }
  EXPECT_TRUE(compute(random::random({3, 3}, 18446744073709551557ULL, AutoChunks{}, test_spec())) ==
              oracle.results(big_seed)[0]);
  const std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
  EXPECT_TRUE(compute(random::integers(lowest, std::numeric_limits<std::int64_t>::max(), {10}, 3, DType::kInt64,
                                       std::int64_t{3}, test_spec())) == oracle.results(wide)[0]);
  fs::remove_all(dir);
}

TEST(Random, SameValuesWithEveryExecutor) {
  const NDBuffer reference = compute(random::random({40, 30}, 5, std::vector<std::int64_t>{40, 30}, test_spec()));
  for (const std::string executor : {"single-threaded", "threads:2", "threads:3"}) {
    ComputeOptions options;
    options.executor_name = executor;
    EXPECT_TRUE(compute(random::random({40, 30}, 5, std::vector<std::int64_t>{7, 4}, test_spec()), options) ==
                reference)
        << executor;
    EXPECT_TRUE(compute(random::integers(0, 1000, {40, 30}, 5, DType::kInt32, std::vector<std::int64_t>{9, 11},
                                         test_spec()),
                        options) ==
                compute(random::integers(0, 1000, {40, 30}, 5, DType::kInt32, std::int64_t{40}, test_spec())))
        << executor;
  }
}

TEST(Random, DifferentSeedsDiffer) {
  const NDBuffer a = compute(random::random({1000}, 1, AutoChunks{}, test_spec()));
  const NDBuffer b = compute(random::random({1000}, 2, AutoChunks{}, test_spec()));
  int equal = 0;
  for (std::int64_t i = 0; i < a.size(); ++i) equal += a.get(i) == b.get(i) ? 1 : 0;
  EXPECT_EQ(equal, 0);
  // Nor are neighbouring elements or rows of one array copies of each other.
  const NDBuffer m = compute(random::random({2, 500}, 1, AutoChunks{}, test_spec()));
  int same_rows = 0;
  for (std::int64_t j = 0; j < 500; ++j) same_rows += m.get(j) == m.get(500 + j) ? 1 : 0;
  EXPECT_EQ(same_rows, 0);
}

// Fixed seeds: these checks are deterministic; the bounds are 5 standard
// errors wide.
TEST(Random, UniformMeanVarianceAndRange) {
  const std::int64_t n = 200'000;
  for (std::uint64_t seed : {0ULL, 1ULL, 12345ULL}) {
    const NDBuffer x = compute(random::random({n}, seed, std::int64_t{30'000}, test_spec()));
    ASSERT_EQ(x.dtype(), DType::kFloat64);
    double sum = 0, sum_sq = 0;
    std::vector<int> deciles(10, 0);
    for (double v : x.span<double>()) {
      ASSERT_GE(v, 0.0);
      ASSERT_LT(v, 1.0);
      sum += v;
      sum_sq += v * v;
      ++deciles[static_cast<std::size_t>(v * 10)];
    }
    const double mean = sum / n, var = sum_sq / n - mean * mean;
    EXPECT_NEAR(mean, 0.5, 5 * std::sqrt(1.0 / 12 / n)) << "seed " << seed;
    EXPECT_NEAR(var, 1.0 / 12, 5 * std::sqrt(1.0 / 180 / n)) << "seed " << seed;  // Var of s^2: (mu4 - sigma^4) / n
    for (int d : deciles) EXPECT_NEAR(d, n / 10, 5 * std::sqrt(n * 0.1 * 0.9)) << "seed " << seed;
  }
}

TEST(Random, IntegersInRangeHittingEveryValue) {
  const NDBuffer x = compute(random::integers(-3, 4, {5000}, 9, DType::kInt8, std::int64_t{777}, test_spec()));
  ASSERT_EQ(x.dtype(), DType::kInt8);
  std::map<int, int> counts;
  for (std::int8_t v : x.span<std::int8_t>()) ++counts[v];
  ASSERT_EQ(counts.size(), 7u);
  EXPECT_EQ(counts.begin()->first, -3);
  EXPECT_EQ(counts.rbegin()->first, 3);
  for (const auto& [value, count] : counts) EXPECT_NEAR(count, 5000 / 7, 5 * std::sqrt(5000 / 7.0)) << value;
  // One value only, and unsigned types up to their maximum.
  const NDBuffer one = compute(random::integers(4, 5, {10}, 1, DType::kUInt16, AutoChunks{}, test_spec()));
  for (std::uint16_t v : one.span<std::uint16_t>()) EXPECT_EQ(v, 4);
  const NDBuffer bytes = compute(random::integers(0, 256, {4000}, 2, DType::kUInt8, AutoChunks{}, test_spec()));
  std::set<int> seen(bytes.span<std::uint8_t>().begin(), bytes.span<std::uint8_t>().end());
  EXPECT_EQ(seen.size(), 256u);
}

TEST(Random, ChunksAreVirtualAndShapesAreChecked) {
  const Array x = random::random({1000, 1000}, 3, std::vector<std::int64_t>{100, 200}, test_spec());
  EXPECT_EQ(x.chunks(), (Shape{100, 200}));
  EXPECT_EQ(x.dtype(), DType::kFloat64);
  const Array empty = random::random({0, 4}, 3, AutoChunks{}, test_spec());
  EXPECT_EQ(compute(empty).size(), 0);
  EXPECT_EQ(compute(random::random({}, 42, AutoChunks{}, test_spec())).get(0),
            compute(random::random({1}, 42, AutoChunks{}, test_spec())).get(0));
}

TEST(Random, BadArguments) {
  const SpecPtr s = test_spec();
  expect_error<InvalidArgumentError>([&] { random::integers(5, 5, {3}, 1, DType::kInt64, AutoChunks{}, s); },
                                     "integers: low must be less than high, got low=5 and high=5");
  expect_error<InvalidArgumentError>([&] { random::integers(7, 2, {3}, 1, DType::kInt64, AutoChunks{}, s); },
                                     "low must be less than high");
  expect_error<InvalidArgumentError>([&] { random::integers(0, 300, {3}, 1, DType::kUInt8, AutoChunks{}, s); },
                                     "integers: [0, 300) does not fit uint8");
  expect_error<InvalidArgumentError>([&] { random::integers(-1, 3, {3}, 1, DType::kUInt32, AutoChunks{}, s); },
                                     "integers: [-1, 3) does not fit uint32");
  expect_error<DTypeError>([&] { random::integers(0, 3, {3}, 1, DType::kFloat64, AutoChunks{}, s); },
                           "integers: dtype must be an integer type, got float64");
  expect_error<InvalidArgumentError>([&] { random::random({3, -1}, 1, AutoChunks{}, s); },
                                     "random: negative dimension in shape (3, -1)");
}

}  // namespace
}  // namespace cubed
