#include "cubed/core/chunk_grid.hpp"

#include <gtest/gtest.h>

#include "cubed/core/error.hpp"

namespace cubed {
namespace {

TEST(ChunkGrid, EdgeChunksAreShort) {
  ChunkGrid g({10, 7}, {4, 7});
  EXPECT_EQ(g.grid_shape(), (Shape{3, 1}));
  EXPECT_EQ(g.num_chunks(), 3);
  EXPECT_EQ(g.chunk_shape({0, 0}), (Shape{4, 7}));
  EXPECT_EQ(g.chunk_shape({2, 0}), (Shape{2, 7}));
  EXPECT_EQ(g.chunk_origin({2, 0}), (Shape{8, 0}));
  EXPECT_THROW(g.chunk_shape({3, 0}), InvalidArgumentError);
  EXPECT_THROW(g.chunk_shape({0}), InvalidArgumentError);
}

TEST(ChunkGrid, ZeroLengthAxisAndScalar) {
  ChunkGrid empty({0, 5}, {3, 5});
  EXPECT_EQ(empty.grid_shape(), (Shape{0, 1}));
  EXPECT_EQ(empty.num_chunks(), 0);
  ChunkGrid scalar({}, {});
  EXPECT_EQ(scalar.num_chunks(), 1);
  EXPECT_EQ(scalar.chunk_shape({}), Shape{});
}

TEST(ChunkGrid, RejectsBadChunks) {
  EXPECT_THROW(ChunkGrid({10}, {0}), InvalidArgumentError);
  EXPECT_THROW(ChunkGrid({10}, {5, 5}), InvalidArgumentError);
  EXPECT_THROW(ChunkGrid({-1}, {5}), InvalidArgumentError);
  try {
    ChunkGrid({10, 10}, {5});
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("(10, 10)"), std::string::npos);
  }
}

TEST(NormalizeChunks, IntTupleWholeAxisAndAuto) {
  EXPECT_EQ(normalize_chunks(std::int64_t{4}, {10, 3}, DType::kFloat64), (Shape{4, 3}));
  EXPECT_EQ(normalize_chunks(std::vector<std::int64_t>{-1, 2}, {10, 3}, DType::kFloat64), (Shape{10, 2}));
  // 1000 x 1000 float64 = 8 MB; target 1 MB halves the longest axis until it fits.
  Shape a = normalize_chunks(AutoChunks{}, {1000, 1000}, DType::kFloat64, 1'000'000);
  EXPECT_LE(a[0] * a[1] * 8, 1'000'000);
  EXPECT_GE(a[0] * a[1] * 8, 250'000);
  // Mixed: first axis auto, second fixed.
  Shape m = normalize_chunks(std::vector<std::int64_t>{0, 10}, {100000, 1000}, DType::kFloat32, 4'000'000);
  EXPECT_EQ(m[1], 10);
  EXPECT_LE(m[0] * 10 * 4, 4'000'000);
  EXPECT_THROW(normalize_chunks(std::vector<std::int64_t>{4}, {10, 3}, DType::kFloat64), InvalidArgumentError);
  EXPECT_THROW(normalize_chunks(std::vector<std::int64_t>{-2, 3}, {10, 3}, DType::kFloat64), InvalidArgumentError);
}

TEST(NormalizeChunks, ParseChunkSpec) {
  EXPECT_EQ(std::get<std::int64_t>(parse_chunk_spec("100")), 100);
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(parse_chunk_spec("100,-1")), (std::vector<std::int64_t>{100, -1}));
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(parse_chunk_spec("(5, 6)")), (std::vector<std::int64_t>{5, 6}));
  EXPECT_TRUE(std::holds_alternative<AutoChunks>(parse_chunk_spec("auto")));
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(parse_chunk_spec("auto,10")), (std::vector<std::int64_t>{0, 10}));
  for (const char* bad : {"", "a", "0", "1,,2", "-5", "1.5"}) EXPECT_THROW(parse_chunk_spec(bad), InvalidArgumentError) << bad;
}

}  // namespace
}  // namespace cubed
