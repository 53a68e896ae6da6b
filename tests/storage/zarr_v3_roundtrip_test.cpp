// Zarr v3 arrays written here read back with their values: every dtype x
// codec chain, sharded and not, with edge chunks and missing chunks; the
// zarr.json we write; ranged reads of shards; CRC-32C.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "cubed/core/error.hpp"
#include "cubed/storage/codecs/crc32c.hpp"
#include "cubed/storage/local_store.hpp"
#include "cubed/storage/memory_store.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed::storage {
namespace {

using Json = nlohmann::json;

NDBuffer pattern(DType dt, const Shape& shape) {
  NDBuffer b(dt, shape);
  for (std::int64_t i = 0; i < b.size(); ++i) {
    if (is_complex(dt)) {
      b.set(i, Scalar(std::complex<double>(static_cast<double>(i), -static_cast<double>(i) / 2)));
    } else if (is_bool(dt)) {
      b.set(i, Scalar(i % 3 == 0));
    } else {
      b.set(i, Scalar(static_cast<std::int64_t>((i * 37) % 101 + 1)));
    }
  }
  return b;
}

StorePath memory_path() { return StorePath{std::make_shared<MemoryStore>(), "a.zarr"}; }

struct Chain {
  const char* name;
  const char* codecs;  // a v3 codecs list; "" = [bytes] made by create()
  bool sharded;        // chunk grid (8, 6) of inner chunks (4, 3)
};
void PrintTo(const Chain& c, std::ostream* os) { *os << c.name; }

const Chain kChains[] = {
    {"plain", "", false},
    {"gzip", R"([{"name":"bytes","configuration":{"endian":"little"}},{"name":"gzip","configuration":{"level":5}}])", false},
    {"zstd_checksum", R"([{"name":"bytes","configuration":{"endian":"little"}},{"name":"zstd","configuration":{"level":3,"checksum":true}}])", false},
    {"blosc_bitshuffle", R"([{"name":"bytes","configuration":{"endian":"little"}},{"name":"blosc","configuration":{"cname":"zstd","clevel":1,"shuffle":"bitshuffle","typesize":4,"blocksize":0}}])", false},
    {"big_endian_crc32c", R"([{"name":"bytes","configuration":{"endian":"big"}},{"name":"crc32c"}])", false},
    {"transpose_lz4", R"([{"name":"transpose","configuration":{"order":[1,0]}},{"name":"bytes","configuration":{"endian":"little"}},{"name":"numcodecs.lz4","configuration":{"acceleration":1}}])", false},
    {"zlib_crc32c", R"([{"name":"bytes","configuration":{"endian":"little"}},{"name":"numcodecs.zlib","configuration":{"level":1}},{"name":"crc32c"}])", false},
    {"bz2_lzma", R"([{"name":"bytes","configuration":{"endian":"little"}},{"name":"numcodecs.bz2","configuration":{"level":1}}])", false},
    {"shard_end", R"([{"name":"sharding_indexed","configuration":{"chunk_shape":[4,3],"codecs":[{"name":"bytes","configuration":{"endian":"little"}},{"name":"gzip","configuration":{"level":1}}],"index_codecs":[{"name":"bytes","configuration":{"endian":"little"}},{"name":"crc32c"}],"index_location":"end"}}])", true},
    {"shard_start_big", R"([{"name":"sharding_indexed","configuration":{"chunk_shape":[4,3],"codecs":[{"name":"bytes","configuration":{"endian":"big"}}],"index_codecs":[{"name":"bytes","configuration":{"endian":"big"}}],"index_location":"start"}}])", true},
    {"transpose_shard_crc32c", R"([{"name":"transpose","configuration":{"order":[1,0]}},{"name":"sharding_indexed","configuration":{"chunk_shape":[3,4],"codecs":[{"name":"bytes","configuration":{"endian":"little"}},{"name":"zstd","configuration":{"level":1,"checksum":false}}],"index_codecs":[{"name":"bytes","configuration":{"endian":"little"}},{"name":"crc32c"}]}},{"name":"crc32c"}])", true},
};

const DType kDTypes[] = {DType::kBool,   DType::kInt8,    DType::kInt16,   DType::kInt32,     DType::kInt64,
                         DType::kUInt8,  DType::kUInt16,  DType::kUInt32,  DType::kUInt64,    DType::kFloat32,
                         DType::kFloat64, DType::kComplex64, DType::kComplex128};

class V3RoundTrip : public ::testing::TestWithParam<std::tuple<Chain, DType>> {};

TEST_P(V3RoundTrip, EveryDtypeAndChainReadsBackWithEdgesAndMissingChunks) {
  const auto& [chain, dtype] = GetParam();
  ArrayMetadata meta;
  meta.zarr_format = 3;
  meta.shape = {13, 10};  // edge chunks on both axes
  meta.chunks = {8, 6};
  meta.dtype = dtype;
  meta.fill_value = Scalar(0);
  meta.dimension_separator = '/';
  if (*chain.codecs != '\0') meta.compressor = V3CodecChain::parse(chain.codecs, meta.chunks, dtype, Scalar(0));
  StorePath where = memory_path();
  ZarrArray a = ZarrArray::create(where, meta);
  EXPECT_EQ(a.metadata().inner_chunks.empty(), !chain.sharded || std::string(chain.name) == "transpose_shard_crc32c");
  NDBuffer data = pattern(dtype, meta.shape);
  // Write every chunk but (1, 0), which reads as the fill value.
  for_each_index(a.grid().grid_shape(), [&](const Shape& c) {
    if (c == Shape{1, 0}) return;
    NDBuffer chunk(dtype, a.grid().chunk_shape(c));
    copy_region(data, a.grid().chunk_origin(c), chunk, Shape{0, 0}, chunk.shape());
    a.write_chunk(c, chunk);
  });
  NDBuffer expected = data;
  NDBuffer fill = NDBuffer::filled(dtype, a.grid().chunk_shape({1, 0}), Scalar(0));
  copy_region(fill, Shape{0, 0}, expected, a.grid().chunk_origin({1, 0}), fill.shape());
  ZarrArray b = ZarrArray::open(where);  // from the zarr.json we wrote
  EXPECT_EQ(b.metadata().zarr_format, 3);
  EXPECT_EQ(b.dtype(), dtype);
  EXPECT_EQ(b.chunks(), meta.chunks);
  EXPECT_EQ(b.read_all(), expected);
  EXPECT_EQ(b.nchunks_initialized(), 3);
  EXPECT_FALSE(b.chunk_stored({1, 0}));
  EXPECT_EQ(where.store->exists(where.key("c/0/1")), true);
  // Every read-grid block (inner chunks when sharded) equals its region.
  ChunkGrid blocks(meta.shape, b.read_chunks());
  for_each_index(blocks.grid_shape(), [&](const Shape& c) {
    NDBuffer block = b.read_block(c);
    NDBuffer want(dtype, blocks.chunk_shape(c));
    copy_region(expected, blocks.chunk_origin(c), want, Shape{0, 0}, want.shape());
    ASSERT_EQ(block, want) << shape_to_string(c);
  });
}

INSTANTIATE_TEST_SUITE_P(Chains, V3RoundTrip, ::testing::Combine(::testing::ValuesIn(kChains), ::testing::ValuesIn(kDTypes)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).name) + "_" +
                                  std::string(dtype_name(std::get<1>(info.param)));
                         });

TEST(V3Write, ZarrJsonHasEveryField) {
  ArrayMetadata meta;
  meta.zarr_format = 3;
  meta.shape = {5, 4};
  meta.chunks = {2, 4};
  meta.dtype = DType::kFloat32;
  meta.fill_value = Scalar(std::nan(""));
  meta.dimension_names = {std::string("y"), std::nullopt};
  meta.inner_chunks = {1, 2};
  meta.dimension_separator = '/';
  meta.compressor = default_codec();
  StorePath where = memory_path();
  ZarrArray::create(where, meta, CreateOptions{.attributes_json = R"({"units": "m"})"});
  auto text = where.store->get(where.key("zarr.json"));
  ASSERT_TRUE(text);
  Json j = Json::parse(text->begin(), text->end());
  EXPECT_EQ(j["zarr_format"], 3);
  EXPECT_EQ(j["node_type"], "array");
  EXPECT_EQ(j["data_type"], "float32");
  EXPECT_EQ(j["shape"], Json({5, 4}));
  EXPECT_EQ(j["chunk_grid"]["configuration"]["chunk_shape"], Json({2, 4}));
  EXPECT_EQ(j["chunk_key_encoding"], Json({{"name", "default"}, {"configuration", {{"separator", "/"}}}}));
  EXPECT_EQ(j["fill_value"], "NaN");
  EXPECT_EQ(j["attributes"], Json({{"units", "m"}}));
  EXPECT_EQ(j["dimension_names"], Json({"y", nullptr}));
  EXPECT_EQ(j["codecs"][0]["name"], "sharding_indexed");
  EXPECT_EQ(j["codecs"][0]["configuration"]["chunk_shape"], Json({1, 2}));
  EXPECT_EQ(j["codecs"][0]["configuration"]["index_codecs"][1]["name"], "crc32c");
  EXPECT_EQ(j["codecs"][0]["configuration"]["codecs"][1]["name"], "blosc");  // the default compressor
  EXPECT_EQ(j["codecs"][0]["configuration"]["codecs"][1]["configuration"]["shuffle"], "shuffle");
  EXPECT_FALSE(where.store->exists(where.key(".zattrs")));
  EXPECT_FALSE(where.store->exists(where.key(".zarray")));
  ZarrArray b = ZarrArray::open(where);
  EXPECT_EQ(Json::parse(b.attributes_json()), Json({{"units", "m"}}));
  EXPECT_EQ(b.metadata().dimension_names, meta.dimension_names);
  EXPECT_TRUE(std::isnan(b.read_chunk({2, 0}).get(0).as_double()));
}

TEST(V3Write, FillValueFormsRoundTrip) {
  struct Case {
    DType dtype;
    Scalar fill;
    Json json;
  };
  const Case cases[] = {
      {DType::kFloat64, Scalar(-std::numeric_limits<double>::infinity()), "-Infinity"},
      {DType::kFloat32, Scalar(std::numeric_limits<double>::infinity()), "Infinity"},
      {DType::kFloat64, Scalar(2.5), 2.5},
      {DType::kComplex128, Scalar(std::complex<double>(1.5, std::nan(""))), Json({1.5, "NaN"})},
      {DType::kInt16, Scalar(std::int64_t{-7}), -7},
      {DType::kUInt64, Scalar(std::uint64_t{18446744073709551615ULL}), 18446744073709551615ULL},
      {DType::kBool, Scalar(true), true},
  };
  for (const Case& c : cases) {
    ArrayMetadata meta;
    meta.zarr_format = 3;
    meta.shape = {3};
    meta.chunks = {2};
    meta.dtype = c.dtype;
    meta.fill_value = c.fill;
    StorePath where = memory_path();
    ZarrArray::create(where, meta);
    auto text = where.store->get(where.key("zarr.json"));
    EXPECT_EQ(Json::parse(text->begin(), text->end())["fill_value"], c.json) << dtype_name(c.dtype);
    NDBuffer read = ZarrArray::open(where).read_all();
    EXPECT_EQ(read, NDBuffer::filled(c.dtype, {3}, c.fill)) << dtype_name(c.dtype);
  }
}

// Hex bit patterns are read for floats (NaN payloads included) and ints.
TEST(V3Read, HexFillValues) {
  auto meta_with = [](const char* dtype, const char* fill) {
    Json j = {{"zarr_format", 3},
              {"node_type", "array"},
              {"shape", {2}},
              {"data_type", dtype},
              {"chunk_grid", {{"name", "regular"}, {"configuration", {{"chunk_shape", {2}}}}}},
              {"chunk_key_encoding", {{"name", "default"}}},
              {"fill_value", Json::parse(fill)},
              {"codecs", Json::parse(R"([{"name":"bytes","configuration":{"endian":"little"}}])")}};
    return parse_zarr_json(j.dump(), "test/zarr.json");
  };
  EXPECT_EQ(meta_with("float32", R"("0x3fc00000")").fill_value->as_double(), 1.5);
  EXPECT_EQ(meta_with("float64", R"("0x4004000000000000")").fill_value->as_double(), 2.5);
  EXPECT_TRUE(std::isnan(meta_with("float32", R"("0x7fc00001")").fill_value->as_double()));
  EXPECT_EQ(meta_with("complex64", R"(["0x3f800000", -2])").fill_value->as_complex(), std::complex<double>(1, -2));
  EXPECT_EQ(meta_with("int16", R"("0xfffe")").fill_value->as_int(), -2);
  EXPECT_EQ(meta_with("uint8", "255").fill_value->as_int(), 255);
  // chunk_key_encoding default without configuration means '/'.
  EXPECT_EQ(meta_with("uint8", "0").dimension_separator, '/');
}

// A store that counts the bytes it hands out.
class CountingStore final : public Store {
 public:
  std::optional<Bytes> get(std::string_view key) const override {
    auto v = inner_.get(key);
    if (v) read_ += static_cast<std::int64_t>(v->size());
    return v;
  }
  std::optional<Bytes> get_range(std::string_view key, std::int64_t offset, std::int64_t length) const override {
    auto v = inner_.get_range(key, offset, length);
    if (v) read_ += static_cast<std::int64_t>(v->size());
    return v;
  }
  void set(std::string_view key, std::span<const std::uint8_t> value) override { inner_.set(key, value); }
  using Store::set;
  void erase(std::string_view key) override { inner_.erase(key); }
  bool exists(std::string_view key) const override { return inner_.exists(key); }
  std::vector<std::string> list(std::string_view prefix) const override { return inner_.list(prefix); }
  std::string describe() const override { return "counting"; }
  std::int64_t read() const { return read_; }
  void reset() { read_ = 0; }

 private:
  MemoryStore inner_;
  mutable std::atomic<std::int64_t> read_{0};
};

TEST(V3Sharding, InnerChunkReadsFetchOnlyTheIndexAndItsBytes) {
  auto store = std::make_shared<CountingStore>();
  StorePath where{store, "s.zarr"};
  ArrayMetadata meta;
  meta.zarr_format = 3;
  meta.shape = {64, 64};
  meta.chunks = {64, 64};  // one shard
  meta.inner_chunks = {8, 8};
  meta.dtype = DType::kFloat64;
  meta.compressor = nullptr;  // raw inner chunks: 512 bytes each
  meta.dimension_separator = '/';
  ZarrArray a = ZarrArray::create(where, meta);
  a.write_all(pattern(DType::kFloat64, meta.shape));
  const std::int64_t shard = *store->size("s.zarr/c/0/0");
  const std::int64_t index = 64 * 16 + 4;
  EXPECT_EQ(shard, 64 * 512 + index);
  ZarrArray b = ZarrArray::open(where);
  store->reset();
  NDBuffer block = b.read_block({3, 5});
  EXPECT_EQ(store->read(), index + 512);
  NDBuffer want(DType::kFloat64, {8, 8});
  copy_region(pattern(DType::kFloat64, meta.shape), {24, 40}, want, {0, 0}, {8, 8});
  EXPECT_EQ(block, want);
  // A whole shard: the index and every stored inner chunk, once.
  store->reset();
  b.read_chunk({0, 0});
  EXPECT_EQ(store->read(), shard);
}

TEST(V3Sharding, EmptyInnerChunksAreNotStored) {
  ArrayMetadata meta;
  meta.zarr_format = 3;
  meta.shape = {4, 4};
  meta.chunks = {4, 4};
  meta.inner_chunks = {2, 2};
  meta.dtype = DType::kInt32;
  meta.fill_value = Scalar(std::int64_t{-1});
  meta.compressor = nullptr;
  meta.dimension_separator = '/';
  StorePath where = memory_path();
  ZarrArray a = ZarrArray::create(where, meta);
  NDBuffer data = NDBuffer::filled(DType::kInt32, {4, 4}, Scalar(std::int64_t{-1}));
  data.set(15, Scalar(std::int64_t{7}));  // only inner chunk (1, 1) differs from the fill
  a.write_chunk({0, 0}, data);
  auto bytes = where.store->get(where.key("c/0/0"));
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->size(), 16u + 4 * 16 + 4);  // one inner chunk and the index
  for (int i = 0; i < 6; ++i) EXPECT_EQ((*bytes)[16 + i], 0xFF);  // entry 0: 2^64-1
  EXPECT_EQ(ZarrArray::open(where).read_all(), data);
}

TEST(V3Convert, V2ChainAndBackKeepTheCompressor) {
  // A v3 chain given to a v2 array becomes its compressor, and back.
  ArrayMetadata meta;
  meta.zarr_format = 3;
  meta.shape = {6};
  meta.chunks = {3};
  meta.dtype = DType::kInt64;
  meta.compressor = codec_from_spec("zstd:4");
  StorePath v3 = memory_path();
  ZarrArray a = ZarrArray::create(v3, meta);
  a.write_all(pattern(DType::kInt64, {6}));
  ArrayMetadata m2 = a.metadata();
  m2.zarr_format = 2;
  m2.dimension_separator = '.';
  StorePath v2 = memory_path();
  ZarrArray b = ZarrArray::create(v2, m2);
  EXPECT_EQ(b.metadata().compressor->config_json(), codec_from_spec("zstd:4")->config_json());
  b.write_all(a.read_all());
  EXPECT_EQ(ZarrArray::open(v2).read_all(), pattern(DType::kInt64, {6}));
  EXPECT_TRUE(v2.store->exists(v2.key(".zarray")));
}

// Ranged reads, as sharding uses them, on both stores.
TEST(StoreRange, LocalAndMemoryStoresReadOnlyTheRange) {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::temp_directory_path() /
                   ("cubed-range-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::vector<StorePtr> stores = {std::make_shared<MemoryStore>(), std::make_shared<LocalStore>(dir)};
  for (const StorePtr& store : stores) {
    SCOPED_TRACE(store->describe());
    store->set("k/v", std::string_view("0123456789"));
    auto text = [&](std::int64_t offset, std::int64_t length) {
      auto b = store->get_range("k/v", offset, length);
      return b ? std::string(b->begin(), b->end()) : std::string("<missing>");
    };
    EXPECT_EQ(text(2, 3), "234");
    EXPECT_EQ(text(-4, 4), "6789");    // suffix
    EXPECT_EQ(text(-4, 2), "67");
    EXPECT_EQ(text(8, 5), "89");       // clipped at the end
    EXPECT_EQ(text(12, 3), "");        // past the end
    EXPECT_EQ(text(-20, 3), "012");    // suffix longer than the value
    EXPECT_EQ(text(0, -1), "0123456789");
    EXPECT_FALSE(store->get_range("k/missing", 0, 1));
  }
  std::filesystem::remove_all(dir);
}

TEST(Crc32c, KnownValues) {
  const std::string check = "123456789";
  EXPECT_EQ(crc32c({reinterpret_cast<const std::uint8_t*>(check.data()), check.size()}), 0xE3069283U);
  EXPECT_EQ(crc32c({}), 0U);
  std::vector<std::uint8_t> zeros(32, 0);
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAU);  // RFC 3720 B.4 test vector
  std::vector<std::uint8_t> ones(32, 0xFF);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43U);
  // Continuing over pieces equals one pass.
  const auto* p = reinterpret_cast<const std::uint8_t*>(check.data());
  EXPECT_EQ(crc32c({p + 4, 5}, crc32c({p, 4})), 0xE3069283U);
}

}  // namespace
}  // namespace cubed::storage
