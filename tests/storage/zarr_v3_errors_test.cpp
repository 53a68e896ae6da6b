// Malformed zarr.json and damaged shards: each gives its own clear error.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cubed/core/error.hpp"
#include "cubed/storage/codecs/crc32c.hpp"
#include "cubed/storage/memory_store.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed::storage {
namespace {

using Json = nlohmann::json;

Json good() {
  return Json::parse(R"({
    "zarr_format": 3, "node_type": "array", "shape": [10, 10], "data_type": "float32",
    "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [5, 5]}},
    "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
    "fill_value": 0.0,
    "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
    "attributes": {}, "storage_transformers": []})");
}

struct BadMeta {
  const char* name;
  const char* pointer;  // JSON pointer of the field to replace ("" = remove `remove`)
  const char* value;    // new JSON value; nullptr: remove the field
  ErrorKind kind;
  const char* message;  // a fragment the error must hold
};
void PrintTo(const BadMeta& b, std::ostream* os) { *os << b.name; }

const BadMeta kBad[] = {
    {"ZarrFormat", "/zarr_format", "2", ErrorKind::kMetadata, "unsupported zarr_format 2"},
    {"NodeType", "/node_type", R"("table")", ErrorKind::kMetadata, "node_type \"table\""},
    {"NoShape", "/shape", nullptr, ErrorKind::kMetadata, "missing field 'shape'"},
    {"NegativeShape", "/shape", "[10, -1]", ErrorKind::kMetadata, "'shape' must be a list of non-negative"},
    {"DataTypeFloat16", "/data_type", R"("float16")", ErrorKind::kDType, "unsupported data_type 'float16'"},
    {"DataTypeExtension", "/data_type", R"({"name": "datetime64", "configuration": {}})", ErrorKind::kDType,
     "unsupported data_type extension \"datetime64\""},
    {"ChunkGridRectilinear", "/chunk_grid/name", R"("rectilinear")", ErrorKind::kMetadata,
     "unsupported chunk_grid \"rectilinear\""},
    {"ChunkShapeRank", "/chunk_grid/configuration/chunk_shape", "[5]", ErrorKind::kMetadata,
     "does not match the rank"},
    {"ChunkShapeZero", "/chunk_grid/configuration/chunk_shape", "[5, 0]", ErrorKind::kMetadata,
     "'chunk_shape' must be a list of positive"},
    {"KeyEncoding", "/chunk_key_encoding/name", R"("hashed")", ErrorKind::kMetadata,
     "unsupported chunk_key_encoding \"hashed\""},
    {"Separator", "/chunk_key_encoding/configuration/separator", R"("-")", ErrorKind::kMetadata,
     "invalid separator \"-\""},
    {"FillNull", "/fill_value", "null", ErrorKind::kMetadata, "fill_value must not be null"},
    {"FillWord", "/fill_value", R"("nan")", ErrorKind::kMetadata, "invalid fill_value \"nan\""},
    {"FillHexLength", "/fill_value", R"("0x7fc0")", ErrorKind::kMetadata, "needs 8 hex digits"},
    {"NoCodecs", "/codecs", nullptr, ErrorKind::kMetadata, "missing field 'codecs'"},
    {"EmptyCodecs", "/codecs", "[]", ErrorKind::kMetadata, "'codecs' must be a non-empty list"},
    {"UnknownCodec", "/codecs/1", R"({"name": "fancy_codec"})", ErrorKind::kCodec, "unsupported codec 'fancy_codec'"},
    {"UnknownNumcodecs", "/codecs/1", R"({"name": "numcodecs.pcodec"})", ErrorKind::kCodec, "numcodecs.pcodec"},
    {"NoArrayToBytes", "/codecs/0", R"({"name": "gzip", "configuration": {"level": 1}})", ErrorKind::kMetadata,
     "comes before the array->bytes codec"},
    {"TwoArrayToBytes", "/codecs/1", R"({"name": "bytes", "configuration": {"endian": "little"}})",
     ErrorKind::kMetadata, "codec 'bytes' comes after the array->bytes codec"},
    {"Endian", "/codecs/0/configuration/endian", R"("middle")", ErrorKind::kMetadata, "endian must be"},
    {"TransposeOrder", "/codecs/0", R"({"name": "transpose", "configuration": {"order": [0, 0]}})",
     ErrorKind::kMetadata, "is not a permutation"},
    {"BloscShuffle", "/codecs/1", R"({"name": "blosc", "configuration": {"cname": "lz4", "clevel": 5, "shuffle": 1}})",
     ErrorKind::kCodec, "shuffle must be"},
    {"GzipUnknownKey", "/codecs/1", R"({"name": "gzip", "configuration": {"level": 1, "speed": 2}})",
     ErrorKind::kCodec, "unknown configuration key 'speed'"},
    {"ShardNotDividing", "/codecs/0",
     R"({"name": "sharding_indexed", "configuration": {"chunk_shape": [2, 5], "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}]}})",
     ErrorKind::kMetadata, "must divide the shard shape"},
    {"ShardIndexCompressed", "/codecs/0",
     R"({"name": "sharding_indexed", "configuration": {"chunk_shape": [5, 5], "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}], "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "gzip", "configuration": {"level": 1}}]}})",
     ErrorKind::kMetadata, "index_codecs must have a fixed size"},
    {"ShardIndexLocation", "/codecs/0",
     R"({"name": "sharding_indexed", "configuration": {"chunk_shape": [5, 5], "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}], "index_location": "middle"}})",
     ErrorKind::kMetadata, "index_location must be"},
    {"MustUnderstandExtension", "/consolidated", R"({"kind": "inline"})", ErrorKind::kMetadata,
     "unsupported extension 'consolidated' (must_understand)"},
    {"StorageTransformer", "/storage_transformers", R"([{"name": "offset"}])", ErrorKind::kMetadata,
     "unsupported storage transformer \"offset\""},
    {"DimensionNamesRank", "/dimension_names", R"(["x"])", ErrorKind::kMetadata, "'dimension_names' must be a list of 2"},
    {"AttributesList", "/attributes", "[1]", ErrorKind::kMetadata, "'attributes' must be an object"},
};

class V3BadMetadata : public ::testing::TestWithParam<BadMeta> {};

TEST_P(V3BadMetadata, OpenThrowsAnErrorNamingTheFieldAndFile) {
  const BadMeta& b = GetParam();
  Json j = good();
  if (std::string(b.pointer) == "/codecs/1" && j["codecs"].size() == 1) {
    j["codecs"].push_back(nullptr);
  }
  if (b.value == nullptr) {
    j.erase(std::string(b.pointer).substr(1));
  } else {
    j[Json::json_pointer(b.pointer)] = Json::parse(b.value);
  }
  StorePath where{std::make_shared<MemoryStore>(), "bad.zarr"};
  where.store->set("bad.zarr/zarr.json", std::string_view(j.dump()));
  try {
    ZarrArray::open(where);
    FAIL() << "no error for " << j.dump();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), b.kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(b.message), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.zarr/zarr.json"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, V3BadMetadata, ::testing::ValuesIn(kBad),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(V3Metadata, IgnorableExtensionsAndMalformedJson) {
  Json j = good();
  j["my_extension"] = {{"must_understand", false}, {"x", 1}};
  StorePath where{std::make_shared<MemoryStore>(), "a.zarr"};
  where.store->set("a.zarr/zarr.json", std::string_view(j.dump()));
  EXPECT_EQ(ZarrArray::open(where).shape(), (Shape{10, 10}));
  where.store->set("a.zarr/zarr.json", std::string_view("{\"zarr_format\": 3,"));
  try {
    ZarrArray::open(where);
    FAIL();
  } catch (const MetadataError& e) {
    EXPECT_NE(std::string(e.what()).find("malformed JSON"), std::string::npos) << e.what();
  }
}

// ---- damaged shards -----------------------------------------------------------------

// A 4x4 uint16 array in one shard of 2x2 inner chunks (raw), index at the
// end protected by crc32c: 4 inner chunks of 8 bytes, then 64 + 4 bytes.
struct Sharded {
  StorePath where{std::make_shared<MemoryStore>(), "s.zarr"};
  std::string key = "s.zarr/c/0/0";
  Sharded(bool index_at_end = true, bool crc_on_inner = false) {
    ArrayMetadata meta;
    meta.zarr_format = 3;
    meta.shape = {4, 4};
    meta.chunks = {4, 4};
    meta.dtype = DType::kUInt16;
    meta.dimension_separator = '/';
    Json inner = Json::array({{{"name", "bytes"}, {"configuration", {{"endian", "little"}}}}});
    if (crc_on_inner) inner.push_back({{"name", "crc32c"}});
    Json codecs = Json::array({{{"name", "sharding_indexed"},
                                {"configuration",
                                 {{"chunk_shape", {2, 2}},
                                  {"codecs", inner},
                                  {"index_codecs", Json::parse(R"([{"name":"bytes","configuration":{"endian":"little"}},{"name":"crc32c"}])")},
                                  {"index_location", index_at_end ? "end" : "start"}}}}});
    meta.compressor = V3CodecChain::parse(codecs.dump(), meta.chunks, meta.dtype, Scalar(0));
    ZarrArray a = ZarrArray::create(where, meta);
    NDBuffer data(DType::kUInt16, {4, 4});
    for (std::int64_t i = 0; i < 16; ++i) data.set(i, Scalar(i + 1));
    a.write_all(data);
  }
  Bytes bytes() const { return *where.store->get(key); }
  void put(const Bytes& b) { where.store->set(key, b); }
  std::string read_error() const {
    try {
      ZarrArray::open(where).read_chunk({0, 0});
    } catch (const CodecError& e) {
      return e.what();
    }
    return "no error";
  }
  std::string block_error() const {
    try {
      ZarrArray::open(where).read_block({1, 1});
    } catch (const CodecError& e) {
      return e.what();
    }
    return "no error";
  }
};

TEST(V3DamagedShard, IntactShardReads) {
  Sharded s;
  EXPECT_EQ(s.bytes().size(), 4u * 8 + 64 + 4);
  EXPECT_EQ(s.read_error(), "no error");
  EXPECT_EQ(ZarrArray::open(s.where).read_block({1, 1}).get(3).as_int(), 16);
}

TEST(V3DamagedShard, IndexChecksumMismatch) {
  Sharded s;
  Bytes b = s.bytes();
  b[32 + 8] ^= 0x01;  // inside the index
  s.put(b);
  EXPECT_NE(s.read_error().find("shard index: crc32c checksum mismatch"), std::string::npos) << s.read_error();
  EXPECT_NE(s.read_error().find("s.zarr/c/0/0"), std::string::npos) << s.read_error();
  EXPECT_NE(s.block_error().find("crc32c checksum mismatch"), std::string::npos) << s.block_error();
}

TEST(V3DamagedShard, InnerChunkChecksumMismatch) {
  Sharded s(/*index_at_end=*/false, /*crc_on_inner=*/true);
  Bytes b = s.bytes();
  b[68 + 1] ^= 0x40;  // first inner chunk, after the 68-byte index
  s.put(b);
  EXPECT_NE(s.read_error().find("inner chunk 0: crc32c checksum mismatch"), std::string::npos) << s.read_error();
  EXPECT_EQ(s.block_error(), "no error");  // inner chunk 3 is intact and read alone
}

TEST(V3DamagedShard, TruncatedIndex) {
  Sharded s;
  Bytes b = s.bytes();
  s.put(Bytes(b.begin(), b.begin() + 40));  // shorter than the index
  EXPECT_NE(s.read_error().find("shard index truncated: expected 68 bytes, the shard has 40"), std::string::npos)
      << s.read_error();
}

TEST(V3DamagedShard, TruncatedInnerChunk) {
  Sharded s(/*index_at_end=*/false);
  Bytes b = s.bytes();
  s.put(Bytes(b.begin(), b.end() - 3));  // the last inner chunk loses 3 bytes
  EXPECT_NE(s.read_error().find("shard truncated: inner chunk 3 needs bytes [92, 100), found 5"), std::string::npos)
      << s.read_error();
}

TEST(V3DamagedShard, BadIndexEntry) {
  Sharded s(/*index_at_end=*/false, /*crc_on_inner=*/false);
  // Rewrite the index (no crc check possible then: recompute via a chain
  // without crc would be needed), so corrupt an offset and fix the crc.
  Bytes b = s.bytes();
  b[0] = 0xFF;  // offset of entry 0 becomes huge but not 2^64-1
  b[7] = 0x7F;
  std::uint32_t crc = crc32c(std::span<const std::uint8_t>(b.data(), 64));
  for (int i = 0; i < 4; ++i) b[64 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
  s.put(b);
  EXPECT_NE(s.read_error().find("shard truncated: inner chunk 0"), std::string::npos) << s.read_error();
  // Half-empty entry (offset 2^64-1, nbytes not): refused as a bad entry.
  for (int i = 0; i < 8; ++i) b[i] = 0xFF;
  crc = crc32c(std::span<const std::uint8_t>(b.data(), 64));
  for (int i = 0; i < 4; ++i) b[64 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
  s.put(b);
  EXPECT_NE(s.read_error().find("shard index: bad entry 0"), std::string::npos) << s.read_error();
}

TEST(V3DamagedChunk, CompressorAfterShardingIsRefusedOnRead) {
  const char* codecs = R"([{"name":"sharding_indexed","configuration":{"chunk_shape":[2,2],"codecs":[{"name":"bytes","configuration":{"endian":"little"}}]}},{"name":"gzip","configuration":{"level":1}}])";
  auto chain = V3CodecChain::parse(codecs, {4, 4}, DType::kUInt8, Scalar(0));
  NDBuffer data = NDBuffer::filled(DType::kUInt8, {4, 4}, Scalar(3));
  Bytes encoded = chain->encode(data.bytes(), 1);
  try {
    chain->decode(encoded, 16);
    FAIL();
  } catch (const CodecError& e) {
    EXPECT_NE(std::string(e.what()).find("its decoded size is unknown"), std::string::npos) << e.what();
  }
}

TEST(V3DamagedChunk, PlainChunkTruncatedAndCrcMismatch) {
  StorePath where{std::make_shared<MemoryStore>(), "p.zarr"};
  ArrayMetadata meta;
  meta.zarr_format = 3;
  meta.shape = {4};
  meta.chunks = {4};
  meta.dtype = DType::kInt32;
  meta.dimension_separator = '/';
  meta.compressor = V3CodecChain::parse(R"([{"name":"bytes","configuration":{"endian":"little"}},{"name":"crc32c"}])",
                                        meta.chunks, meta.dtype, Scalar(0));
  ZarrArray a = ZarrArray::create(where, meta);
  a.write_chunk({0}, NDBuffer::filled(DType::kInt32, {4}, Scalar(9)));
  Bytes b = *where.store->get("p.zarr/c/0");
  b[2] ^= 1;
  where.store->set("p.zarr/c/0", b);
  try {
    a.read_chunk({0});
    FAIL();
  } catch (const CodecError& e) {
    EXPECT_NE(std::string(e.what()).find("crc32c checksum mismatch"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("p.zarr/c/0"), std::string::npos) << e.what();
  }
  where.store->set("p.zarr/c/0", std::span<const std::uint8_t>(b.data(), 10));
  try {
    a.read_chunk({0});
    FAIL();
  } catch (const CodecError& e) {
    EXPECT_NE(std::string(e.what()).find("expected 16 bytes before the checksum, found 6"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cubed::storage
