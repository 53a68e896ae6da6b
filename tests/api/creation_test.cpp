// Creation functions against numpy: meshgrid, tril, triu, the *_like
// functions and the virtual creation functions (full, zeros, ones, empty,
// arange, linspace, eye), each with uneven chunks, chunks of 1 and one chunk
// per array; plus tril/triu's skipped reads and the errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>

#include "api/numpy_suite.hpp"
#include "cubed/api/creation.hpp"
#include "cubed/api/manipulation.hpp"
#include "cubed/core/error.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/callbacks.hpp"
#include "cubed/runtime/compute.hpp"
#include "test_util.hpp"

namespace cubed {
namespace {

using testing::expect_invalid;

namespace fs = std::filesystem;
using testing::chunk_variant;
using testing::kChunkVariants;
using testing::NumpySuite;
using testing::test_data;

// The inputs are cut into `chunks` (variant 0), chunks of 1 (variant 1)
// and one chunk each (variant 2).
using Fn = std::function<std::vector<Array>(const std::vector<Array>&, const SpecPtr&, int variant)>;

struct Case {
  std::string name;
  std::string expr;
  std::vector<NDBuffer> inputs;
  std::vector<Shape> chunks;
  Fn fn;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name << ": " << c.expr; }

Fn one(std::function<Array(const Array&)> f) {
  return [f](const std::vector<Array>& in, const SpecPtr&, int) { return std::vector<Array>{f(in[0])}; };
}
// A creation function without inputs; `chunks` per variant.
Fn made(std::function<Array(const ChunkSpec&, const SpecPtr&)> f, std::vector<std::int64_t> uneven) {
  return [f, uneven](const std::vector<Array>&, const SpecPtr& spec, int variant) {
    std::vector<std::int64_t> c = uneven;
    for (auto& v : c) v = variant == 1 ? 1 : (variant == 2 ? -1 : v);
    return std::vector<Array>{f(c, spec)};
  };
}

std::vector<Case> cases() {
  const NDBuffer x5 = test_data(DType::kFloat64, {5});
  const NDBuffer y3 = test_data(DType::kInt32, {3}, 1);
  const NDBuffer z4 = test_data(DType::kUInt8, {4}, 2);
  const NDBuffer m67 = test_data(DType::kFloat64, {6, 7});
  const NDBuffer b345 = test_data(DType::kInt16, {3, 4, 5}, 1);
  const NDBuffer c54 = test_data(DType::kComplex128, {5, 4});
  const NDBuffer q45 = test_data(DType::kBool, {4, 5});
  const NDBuffer e03 = test_data(DType::kFloat32, {0, 3});
  auto mesh = [](MeshIndexing indexing) {
    return [indexing](const std::vector<Array>& in, const SpecPtr&, int) { return meshgrid(in, indexing); };
  };
  return {
      // meshgrid
      {"meshgrid_xy_2", "np.meshgrid(a, b)", {x5, y3}, {{2}, {2}}, mesh(MeshIndexing::kXY)},
      {"meshgrid_ij_2", "np.meshgrid(a, b, indexing='ij')", {x5, y3}, {{3}, {2}}, mesh(MeshIndexing::kIJ)},
      {"meshgrid_xy_3", "np.meshgrid(a, b, c)", {x5, y3, z4}, {{2}, {1}, {3}}, mesh(MeshIndexing::kXY)},
      {"meshgrid_ij_3", "np.meshgrid(a, b, c, indexing='ij')", {x5, y3, z4}, {{4}, {2}, {3}},
       mesh(MeshIndexing::kIJ)},
      {"meshgrid_1", "np.meshgrid(a)", {x5}, {{2}}, mesh(MeshIndexing::kXY)},
      {"meshgrid_0", "np.meshgrid()", {}, {}, mesh(MeshIndexing::kXY)},
      // tril / triu
      {"tril", "np.tril(a)", {m67}, {{4, 3}}, one([](const Array& x) { return tril(x); })},
      {"tril_k2", "np.tril(a, k=2)", {m67}, {{2, 3}}, one([](const Array& x) { return tril(x, 2); })},
      {"tril_k_minus3", "np.tril(a, k=-3)", {m67}, {{4, 5}}, one([](const Array& x) { return tril(x, -3); })},
      {"tril_k_far", "np.tril(a, k=-10)", {m67}, {{4, 5}}, one([](const Array& x) { return tril(x, -10); })},
      {"triu", "np.triu(a)", {m67}, {{4, 3}}, one([](const Array& x) { return triu(x); })},
      {"triu_k1", "np.triu(a, k=1)", {m67}, {{5, 2}}, one([](const Array& x) { return triu(x, 1); })},
      {"triu_k_minus2", "np.triu(a, k=-2)", {m67}, {{3, 3}}, one([](const Array& x) { return triu(x, -2); })},
      {"triu_k_far", "np.triu(a, k=9)", {m67}, {{3, 3}}, one([](const Array& x) { return triu(x, 9); })},
      {"tril_batched", "np.tril(a, k=1)", {b345}, {{2, 3, 2}}, one([](const Array& x) { return tril(x, 1); })},
      {"triu_batched", "np.triu(a, k=-1)", {b345}, {{1, 2, 3}}, one([](const Array& x) { return triu(x, -1); })},
      {"tril_complex", "np.tril(a)", {c54}, {{2, 3}}, one([](const Array& x) { return tril(x); })},
      {"triu_bool", "np.triu(a)", {q45}, {{3, 2}}, one([](const Array& x) { return triu(x); })},
      {"tril_empty", "np.tril(a)", {e03}, {{1, 2}}, one([](const Array& x) { return tril(x); })},
      // *_like
      {"zeros_like", "np.zeros_like(a)", {b345}, {{2, 3, 2}}, one([](const Array& x) { return zeros_like(x); })},
      {"ones_like_dtype", "np.ones_like(a, dtype=np.float32)", {m67}, {{4, 3}},
       one([](const Array& x) { return ones_like(x, DType::kFloat32); })},
      {"full_like", "np.full_like(a, 7)", {c54}, {{2, 3}},
       one([](const Array& x) { return full_like(x, Scalar(7)); })},
      {"full_like_cast", "np.full_like(a, 2.75, dtype=np.int8)", {m67}, {{4, 3}},
       one([](const Array& x) { return full_like(x, Scalar(2.75), DType::kInt8); })},
      {"empty_like_shape", "np.zeros_like(a)", {q45}, {{3, 2}}, one([](const Array& x) { return empty_like(x); })},
      // virtual creation functions
      {"full", "np.full((4, 5), -3, dtype=np.int16)", {}, {},
       made([](const ChunkSpec& c, const SpecPtr& s) { return full({4, 5}, Scalar(-3), DType::kInt16, c, s); },
            {3, 2})},
      {"zeros", "np.zeros((7,), dtype=np.complex64)", {}, {},
       made([](const ChunkSpec& c, const SpecPtr& s) { return zeros({7}, DType::kComplex64, c, s); }, {3})},
      {"ones", "np.ones((3, 2, 4), dtype=np.bool_)", {}, {},
       made([](const ChunkSpec& c, const SpecPtr& s) { return ones({3, 2, 4}, DType::kBool, c, s); }, {2, 1, 3})},
      {"arange_int", "np.arange(-3, 17, 3)", {}, {},
       made([](const ChunkSpec& c, const SpecPtr& s) { return arange(-3, 17, 3, std::nullopt, c, s); }, {3})},
      {"arange_negative_step", "np.arange(10, -4, -3)", {}, {},
       made([](const ChunkSpec& c, const SpecPtr& s) { return arange(10, -4, -3, std::nullopt, c, s); }, {2})},
      {"arange_float", "np.arange(0.5, 3.0, 0.25)", {}, {},
       made([](const ChunkSpec& c, const SpecPtr& s) { return arange(0.5, 3.0, 0.25, std::nullopt, c, s); }, {4})},
      {"linspace", "np.linspace(-1, 2, 13)", {}, {},
       made([](const ChunkSpec& c, const SpecPtr& s) { return linspace(-1, 2, 13, true, DType::kFloat64, c, s); },
            {5})},
      {"linspace_open", "np.linspace(0, 1, 7, endpoint=False, dtype=np.float32)", {}, {},
       made([](const ChunkSpec& c, const SpecPtr& s) { return linspace(0, 1, 7, false, DType::kFloat32, c, s); },
            {3})},
      {"eye", "np.eye(5, 7, k=2)", {}, {},
       made([](const ChunkSpec& c, const SpecPtr& s) { return eye(5, 7, 2, DType::kFloat64, c, s); }, {2, 3})},
      {"eye_negative_k", "np.eye(6, k=-1, dtype=np.int32)", {}, {},
       made([](const ChunkSpec& c, const SpecPtr& s) { return eye(6, std::nullopt, -1, DType::kInt32, c, s); },
            {4, 4})},
  };
}

class CreationVsNumpy : public NumpySuite<Case, cases> {};

TEST_P(CreationVsNumpy, SameAsNumpyWithEveryChunking) {
  const Case& c = GetParam();
  const std::vector<NDBuffer> expected = numpy_results(c);
  const SpecPtr spec = suite_spec();
  for (int variant = 0; variant < kChunkVariants; ++variant) {
    std::vector<Array> inputs;
    for (std::size_t i = 0; i < c.inputs.size(); ++i) {
      const Shape chunks = chunk_variant(c.chunks[i], c.inputs[i].shape(), variant);
      inputs.push_back(from_array(c.inputs[i], chunks, spec));
    }
    const std::vector<Array> outputs = c.fn(inputs, spec, variant);
    ASSERT_EQ(outputs.size(), expected.size()) << "variant " << variant;
    if (outputs.empty()) continue;
    ComputeReport report;
    const std::vector<NDBuffer> results = compute(outputs, {}, &report);
    for (std::size_t k = 0; k < results.size(); ++k) {
      EXPECT_EQ(outputs[k].shape(), expected[k].shape()) << "variant " << variant << " output " << k;
      EXPECT_EQ(dtype_name(results[k].dtype()), dtype_name(expected[k].dtype())) << "variant " << variant;
      EXPECT_TRUE(results[k] == expected[k]) << "variant " << variant << " output " << k;
    }
    for (std::size_t i = 0; i < report.projected_mem.size(); ++i) {
      EXPECT_LE(report.projected_mem[i], spec->allowed_mem()) << report.operation_names[i];
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, CreationVsNumpy, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

// ---- tril / triu read only what they need ------------------------------------------

// Counts the chunks a computation's tasks generate: only from the start of
// the run (planning may generate chunks too: the resume fingerprint hashes
// small generated arrays).
struct ReadCounter final : Callback {
  std::atomic<bool> running{false};
  std::atomic<int> reads{0};
  void on_compute_start(const Plan&) override { running = true; }
};

// A 6 x 6 virtual array of ones in 2 x 2 chunks that counts the chunks
// generated.
Array counted_ones(std::shared_ptr<ReadCounter> counter, const SpecPtr& spec) {
  return virtual_array(
      "counted", {6, 6}, {2, 2}, DType::kFloat64,
      [counter](const Shape&, const Shape&, const Shape& shape) {
        if (counter->running) ++counter->reads;
        return NDBuffer::filled(DType::kFloat64, shape, Scalar(1));
      },
      spec);
}

int reads_of(const std::function<Array(const Array&)>& f) {
  auto spec = Spec::make((fs::temp_directory_path() / "cubed-triangle-reads").string(), "100MB", "1MB");
  auto counter = std::make_shared<ReadCounter>();
  compute(f(counted_ones(counter, spec)), ComputeOptions{.callbacks = {counter}});
  return counter->reads;
}

TEST(TriangleReads, ChunksOutsideTheTriangleAreNotRead) {
  // 3 x 3 chunks: tril (k=0) needs the 6 on or below the chunk diagonal.
  EXPECT_EQ(reads_of([](const Array& x) { return tril(x); }), 6);
  auto spec = Spec::make((fs::temp_directory_path() / "cubed-triangle-reads").string(), "100MB", "1MB");
  NDBuffer lower = compute(tril(ones({6, 6}, DType::kFloat64, std::int64_t{2}, spec)));
  EXPECT_EQ(lower.get(0 * 6 + 5).as_double(), 0.0);
  EXPECT_EQ(lower.get(5 * 6 + 0).as_double(), 1.0);
  // triu k=3: only chunks right of the chunk diagonal hold kept elements.
  EXPECT_EQ(reads_of([](const Array& x) { return triu(x, 3); }), 3);  // (0, 1), (0, 2), (1, 2)
  EXPECT_EQ(reads_of([](const Array& x) { return triu(x, 6); }), 0);
}

// ---- meshgrid chunks -------------------------------------------------------------

TEST(MeshgridChunks, FollowTheInputsAndStayWithinTheTarget) {
  auto spec = Spec::make((fs::temp_directory_path() / "cubed-meshgrid-chunks").string(), "100MB", "1MB");
  Array x = arange(0, 100, 1, std::nullopt, std::vector<std::int64_t>{30}, spec);
  Array y = arange(0, 50, 1, std::nullopt, std::vector<std::int64_t>{20}, spec);
  std::vector<Array> g = meshgrid({x, y});
  EXPECT_EQ(g[0].shape(), (Shape{50, 100}));
  EXPECT_EQ(g[0].chunks(), (Shape{20, 30}));
  EXPECT_EQ(g[1].chunks(), (Shape{20, 30}));
  // Two axes of 10**5 in whole-axis chunks would make 80 GB chunks.
  Array big = arange(0, 100000, 1, std::nullopt, std::vector<std::int64_t>{-1}, spec);
  for (const Array& a : meshgrid({big, big}, MeshIndexing::kIJ)) {
    EXPECT_LE(shape_size(a.chunks()) * 8, (spec->allowed_mem() - spec->reserved_mem()) / 4);
  }
}

// ---- errors ------------------------------------------------------------------------

TEST(CreationErrors, BadArguments) {
  auto spec = Spec::make((fs::temp_directory_path() / "cubed-creation-errors").string(), "100MB", "1MB");
  Array v = ones({4}, DType::kFloat64, AutoChunks{}, spec);
  Array m = ones({4, 3}, DType::kFloat64, AutoChunks{}, spec);
  expect_invalid([&] { tril(v); }, "tril: the array must have at least 2 dimensions, got shape (4,)");
  expect_invalid([&] { triu(Array()); }, "triu: the input array is empty");
  expect_invalid([&] { meshgrid({v, m}); }, "meshgrid: array 1 has shape (4, 3); every array must be 1-d");
  expect_invalid([&] { mesh_indexing_from_name("yx"); }, "meshgrid: indexing must be 'xy' or 'ij', got 'yx'");
  auto other = Spec::make((fs::temp_directory_path() / "cubed-creation-errors-2").string(), "50MB", "1MB");
  expect_invalid([&] { meshgrid({v, ones({2}, DType::kFloat64, AutoChunks{}, other)}); }, "different spec");
  expect_invalid([&] { zeros_like(Array()); }, "zeros_like: the input array is empty");
  EXPECT_EQ(zeros_like(m).spec(), spec);
  EXPECT_EQ(full_like(m, Scalar(1), std::nullopt, ChunkSpec{std::int64_t{2}}).chunks(), (Shape{2, 2}));
}

}  // namespace
}  // namespace cubed
