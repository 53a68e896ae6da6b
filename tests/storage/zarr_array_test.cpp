#include "cubed/storage/zarr/zarr_array.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cubed/core/error.hpp"
#include "cubed/storage/memory_store.hpp"

namespace cubed::storage {
namespace {

NDBuffer pattern(DType dt, const Shape& shape) {
  NDBuffer b(dt, shape);
  for (std::int64_t i = 0; i < b.size(); ++i) {
    if (is_complex(dt)) {
      b.set(i, Scalar(std::complex<double>(static_cast<double>(i), -static_cast<double>(i) / 2)));
    } else if (is_bool(dt)) {
      b.set(i, Scalar(i % 3 == 0));
    } else {
      b.set(i, Scalar(static_cast<std::int64_t>((i * 37) % 101)));
    }
  }
  return b;
}

StorePath memory_path(const std::string& path) { return StorePath{std::make_shared<MemoryStore>(), path}; }

struct Layout {
  Order order;
  Endian endian;
  char separator;
  const char* compressor;
};
// One line for gtest's listing (CTest discovery reads it line by line).
void PrintTo(const Layout& l, std::ostream* os) { *os << l.compressor << " " << l.separator; }

class ZarrRoundTrip : public ::testing::TestWithParam<Layout> {};

TEST_P(ZarrRoundTrip, EveryDTypeWithEdgeChunks) {
  const Layout layout = GetParam();
  for (int i = 0; i < kNumDTypes; ++i) {
    const auto dt = static_cast<DType>(i);
    StorePath where = memory_path("group/x");
    ArrayMetadata meta;
    meta.shape = Shape{7, 10, 3};
    meta.chunks = Shape{3, 4, 2};
    meta.dtype = dt;
    meta.endian = layout.endian;
    meta.order = layout.order;
    meta.dimension_separator = layout.separator;
    meta.compressor = codec_from_spec(layout.compressor);
    auto array = ZarrArray::create(where, meta);
    NDBuffer data = pattern(dt, meta.shape);
    array.write_all(data);
    auto reopened = ZarrArray::open(where);
    EXPECT_EQ(reopened.metadata().order, layout.order);
    EXPECT_TRUE(reopened.read_all() == data) << dtype_name(dt);
    EXPECT_EQ(reopened.nchunks_initialized(), 3 * 3 * 2);
    // Keys follow the separator.
    std::string key = reopened.chunk_key({2, 1, 0});
    EXPECT_EQ(key, layout.separator == '/' ? "group/x/2/1/0" : "group/x/2.1.0");
    // Stored edge chunks are full size (checked on the uncompressed layout).
    if (meta.compressor == nullptr) {
      EXPECT_EQ(where.store->size(key), 3 * 4 * 2 * item_size(dt));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, ZarrRoundTrip,
                         ::testing::Values(Layout{Order::kC, Endian::kLittle, '.', "none"},
                                           Layout{Order::kF, Endian::kLittle, '/', "none"},
                                           Layout{Order::kC, Endian::kBig, '/', "zstd"},
                                           Layout{Order::kF, Endian::kBig, '.', "blosc:lz4:5:shuffle"}));

TEST(ZarrArray, BigEndianBytesOnDisk) {
  StorePath where = memory_path("be");
  ArrayMetadata meta;
  meta.shape = Shape{2};
  meta.chunks = Shape{2};
  meta.dtype = DType::kInt32;
  meta.endian = Endian::kBig;
  meta.compressor = nullptr;
  auto array = ZarrArray::create(where, meta);
  NDBuffer data(DType::kInt32, {2});
  data.set(0, Scalar(1));
  data.set(1, Scalar(0x01020304));
  array.write_all(data);
  auto raw = where.store->get("be/0");
  ASSERT_TRUE(raw);
  std::vector<std::uint8_t> expected = {0, 0, 0, 1, 1, 2, 3, 4};
  EXPECT_EQ(std::vector<std::uint8_t>(raw->begin(), raw->end()), expected);
}

TEST(ZarrArray, FortranOrderBytesOnDisk) {
  StorePath where = memory_path("f");
  ArrayMetadata meta;
  meta.shape = Shape{2, 3};
  meta.chunks = Shape{2, 3};
  meta.dtype = DType::kUInt8;
  meta.order = Order::kF;
  meta.compressor = nullptr;
  auto array = ZarrArray::create(where, meta);
  NDBuffer data(DType::kUInt8, {2, 3});
  for (int i = 0; i < 6; ++i) data.set(i, Scalar(i));  // [[0,1,2],[3,4,5]]
  array.write_all(data);
  auto raw = where.store->get("f/0.0");
  std::vector<std::uint8_t> expected = {0, 3, 1, 4, 2, 5};  // column-major
  EXPECT_EQ(std::vector<std::uint8_t>(raw->begin(), raw->end()), expected);
}

TEST(ZarrArray, MissingChunksReadAsFillValue) {
  StorePath where = memory_path("fill");
  ArrayMetadata meta;
  meta.shape = Shape{5, 5};
  meta.chunks = Shape{2, 2};
  meta.dtype = DType::kFloat32;
  meta.fill_value = Scalar(std::nan(""));
  auto array = ZarrArray::create(where, meta);
  array.write_chunk({0, 0}, NDBuffer::filled(DType::kFloat32, {2, 2}, Scalar(1.0)));
  NDBuffer all = array.read_all();
  EXPECT_EQ(all.at({1, 1}).as_double(), 1.0);
  EXPECT_TRUE(std::isnan(all.at({4, 4}).as_double()));
  EXPECT_EQ(array.nchunks_initialized(), 1);
  EXPECT_FALSE(array.chunk_stored({2, 2}));
  EXPECT_EQ(array.read_chunk({2, 2}).shape(), (Shape{1, 1}));
  Bytes zarray = where.store->get("fill/.zarray").value();
  auto meta_json = nlohmann::json::parse(std::string(zarray.begin(), zarray.end()));
  EXPECT_EQ(meta_json["fill_value"], "NaN");
  EXPECT_EQ(meta_json["dtype"], "<f4");
  EXPECT_EQ(meta_json["filters"], nullptr);
}

TEST(ZarrArray, ZeroDimensional) {
  StorePath where = memory_path("scalar");
  ArrayMetadata meta;
  meta.dtype = DType::kComplex128;
  auto array = ZarrArray::create(where, meta);
  NDBuffer value(DType::kComplex128, {});
  value.set(0, Scalar(std::complex<double>(3, 4)));
  array.write_all(value);
  EXPECT_TRUE(where.store->exists("scalar/0"));
  EXPECT_TRUE(ZarrArray::open(where).read_all() == value);
  EXPECT_EQ(ZarrArray::open(where).nchunks_initialized(), 1);
}

TEST(ZarrArray, DeferredMetadataOnlyAppearsAtCommit) {
  StorePath where = memory_path("out");
  ArrayMetadata meta;
  meta.shape = Shape{4};
  meta.chunks = Shape{2};
  auto array = ZarrArray::create(where, meta, {.defer_metadata = true});
  array.write_chunk({0}, NDBuffer::zeros(DType::kFloat64, {2}));
  EXPECT_THROW(ZarrArray::open(where), StorageError);
  array.commit();
  EXPECT_NO_THROW(ZarrArray::open(where));
}

TEST(ZarrArray, OverwriteReplacesAndRefusesOtherwise) {
  StorePath where = memory_path("o");
  ArrayMetadata meta;
  meta.shape = Shape{4};
  meta.chunks = Shape{2};
  auto first = ZarrArray::create(where, meta);
  first.write_all(NDBuffer::filled(DType::kFloat64, {4}, Scalar(5.0)));
  EXPECT_THROW(ZarrArray::create(where, meta), InvalidArgumentError);
  meta.chunks = Shape{4};
  auto second = ZarrArray::create(where, meta, {.overwrite = true});
  EXPECT_EQ(second.nchunks_initialized(), 0);
  EXPECT_EQ(where.store->list("o"), (std::vector<std::string>{"o/.zarray"}));
}

TEST(ZarrArray, AttributesAndGroups) {
  StorePath root = memory_path("");
  create_group(root, R"({"title": "demo"})");
  EXPECT_EQ(node_kind(root), NodeKind::kGroup);
  StorePath child{root.store, "child"};
  ArrayMetadata meta;
  meta.shape = Shape{3};
  meta.chunks = Shape{3};
  auto array = ZarrArray::create(child, meta, {.attributes_json = R"({"units": "m"})"});
  EXPECT_EQ(nlohmann::json::parse(array.attributes_json())["units"], "m");
  EXPECT_EQ(node_kind(child), NodeKind::kArray);
  EXPECT_THROW(ZarrArray::open(root), StorageError);
  EXPECT_THROW(ZarrArray::create(child, meta, {.overwrite = true, .attributes_json = "[1]"}), InvalidArgumentError);
}

}  // namespace
}  // namespace cubed::storage
