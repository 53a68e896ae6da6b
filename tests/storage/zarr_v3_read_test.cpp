// Zarr v3 arrays written by other implementations (zarr-python 3.0.8 and
// zarrs; tests/data/zarr-v3/README.md) read with their expected values.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cubed/core/error.hpp"
#include "cubed/storage/local_store.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed::storage {
namespace {

const std::string kFixtures = std::string(CUBED_SOURCE_DIR) + "/tests/data/zarr-v3/";

StorePath fixture(const std::string& path) { return open_store_path(kFixtures + path); }

struct Fixture {
  const char* path;
  const char* codecs;  // expected start of the chain's description
};
void PrintTo(const Fixture& f, std::ostream* os) { *os << f.path; }

class V3Fixture : public ::testing::TestWithParam<Fixture> {};

// float32 10x10 in chunks of 5x5 holding 0..99 row-major, attribute key=value.
TEST_P(V3Fixture, ReadsValuesAndMetadata) {
  ZarrArray a = ZarrArray::open(fixture(GetParam().path));
  EXPECT_EQ(a.metadata().zarr_format, 3);
  EXPECT_EQ(a.dtype(), DType::kFloat32);
  EXPECT_EQ(a.shape(), (Shape{10, 10}));
  EXPECT_EQ(a.chunks(), (Shape{5, 5}));
  EXPECT_EQ(nlohmann::json::parse(a.attributes_json()), nlohmann::json({{"key", "value"}}));
  auto chain = std::dynamic_pointer_cast<const V3CodecChain>(a.metadata().compressor);
  ASSERT_TRUE(chain);
  EXPECT_EQ(chain->describe().rfind(GetParam().codecs, 0), 0u) << chain->describe();
  EXPECT_EQ(a.nchunks_initialized(), 4);
  NDBuffer all = a.read_all();
  for (std::int64_t i = 0; i < 100; ++i) ASSERT_EQ(all.get(i).as_double(), static_cast<double>(i)) << i;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, V3Fixture,
    ::testing::Values(Fixture{"v3_zarr_python/array_none.zarr", "bytes(little)"},
                      Fixture{"v3_zarr_python/array_blosc.zarr", "bytes(little) / blosc"},
                      Fixture{"v3_zarr_python/array_gzip.zarr", "bytes(little) / gzip"},
                      Fixture{"v3_zarr_python/array_zstd.zarr", "bytes(little) / zstd"},
                      Fixture{"v3_zarr_python/array_bz2.zarr", "bytes(little) / bz2"},
                      Fixture{"v3_zarr_python/array_zlib.zarr", "bytes(little) / zlib"},
                      Fixture{"v3/array_none_transpose.zarr", "transpose[1,0] / bytes(little)"},
                      Fixture{"v3/array_blosc_transpose.zarr", "transpose[1,0] / bytes(little) / blosc"}));

TEST(V3FixtureKeys, V2ChunkKeyEncodingUsesDottedKeys) {
  ZarrArray a = ZarrArray::open(fixture("v3/array_none_transpose.zarr"));
  EXPECT_TRUE(a.metadata().v2_chunk_keys);
  EXPECT_EQ(a.chunk_key({1, 0}), a.location().key("1.0"));
  ZarrArray b = ZarrArray::open(fixture("v3_zarr_python/array_none.zarr"));
  EXPECT_EQ(b.chunk_key({1, 0}), b.location().key("c/1/0"));
}

// uint16 8x8 in shards of 4x8 of inner chunks 4x4 (bytes+gzip, index
// bytes+crc32c at the end), values 0..63 row-major.
TEST(V3FixtureSharded, ReadsShardsAndInnerChunks) {
  ZarrArray a = ZarrArray::open(fixture("sharded_array_write_read.zarr/group/array"));
  EXPECT_EQ(a.dtype(), DType::kUInt16);
  EXPECT_EQ(a.chunks(), (Shape{4, 8}));
  EXPECT_EQ(a.metadata().inner_chunks, (Shape{4, 4}));
  EXPECT_EQ(a.read_chunks(), (Shape{4, 4}));
  ASSERT_EQ(a.metadata().dimension_names.size(), 2u);
  EXPECT_EQ(a.metadata().dimension_names[0], "y");
  EXPECT_EQ(a.metadata().dimension_names[1], "x");
  NDBuffer all = a.read_all();
  for (std::int64_t i = 0; i < 64; ++i) ASSERT_EQ(all.get(i).as_int(), i) << i;
  // Inner chunk (1, 1): rows 4..7, columns 4..7.
  NDBuffer block = a.read_block({1, 1});
  ASSERT_EQ(block.shape(), (Shape{4, 4}));
  for (std::int64_t r = 0; r < 4; ++r) {
    for (std::int64_t c = 0; c < 4; ++c) EXPECT_EQ(block.get(r * 4 + c).as_int(), (r + 4) * 8 + c + 4);
  }
  auto chain = std::dynamic_pointer_cast<const V3CodecChain>(a.metadata().compressor);
  ASSERT_TRUE(chain);
  EXPECT_NE(chain->describe().find("sharding_indexed(inner chunks (4, 4), index at end"), std::string::npos)
      << chain->describe();
}

TEST(V3FixtureHierarchy, GroupsAndArraysAreTold) {
  EXPECT_EQ(node_kind(fixture("hierarchy.zarr")), NodeKind::kGroup);
  EXPECT_EQ(node_kind(fixture("hierarchy.zarr/a")), NodeKind::kGroup);
  EXPECT_EQ(node_kind(fixture("hierarchy.zarr/b")), NodeKind::kGroup);
  EXPECT_EQ(node_kind(fixture("hierarchy.zarr/a/foo")), NodeKind::kArray);
  EXPECT_EQ(node_kind(fixture("sharded_array_write_read.zarr/group")), NodeKind::kGroup);
  try {
    ZarrArray::open(fixture("hierarchy.zarr/a"));
    FAIL() << "opened a group as an array";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("is a Zarr group"), std::string::npos) << e.what();
  }
  // a/foo: float64 10000x1000, no chunks stored, fill "NaN".
  ZarrArray foo = ZarrArray::open(fixture("hierarchy.zarr/a/foo"));
  EXPECT_EQ(foo.dtype(), DType::kFloat64);
  EXPECT_EQ(foo.chunks(), (Shape{1000, 100}));
  EXPECT_TRUE(std::isnan(foo.metadata().fill_value->as_double()));
  EXPECT_EQ(foo.nchunks_initialized(), 0);
  NDBuffer chunk = foo.read_chunk({9, 9});
  EXPECT_TRUE(std::isnan(chunk.get(0).as_double()));
  ASSERT_EQ(foo.metadata().dimension_names.size(), 2u);
  EXPECT_EQ(foo.metadata().dimension_names[0], "rows");
  auto attrs = nlohmann::json::parse(foo.attributes_json());
  EXPECT_EQ(attrs["foo"], 42);
  EXPECT_EQ(attrs["baz"], nlohmann::json({1, 2, 3, 4}));
}

}  // namespace
}  // namespace cubed::storage
