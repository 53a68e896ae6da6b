// Bad inputs to the Zarr layer: every malformed `.zarray`, damaged chunk or
// misuse of the array API ends in a typed cubed::Error whose message names
// what is wrong (the file, the chunk key, the codec), never in a crash, a
// foreign exception type or silently wrong data.
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cubed/core/error.hpp"
#include "cubed/storage/local_store.hpp"
#include "cubed/storage/memory_store.hpp"
#include "cubed/storage/zarr/metadata.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"
#include "test_util.hpp"

namespace cubed::storage {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// ---- helpers ------------------------------------------------------------------

/// What a call threw: nothing, a cubed::Error (kind and message), or another
/// exception (always a test failure).
struct Outcome {
  bool threw = false;
  bool foreign = false;  ///< not a cubed::Error
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;
};

Outcome capture(const std::function<void()>& fn) {
  Outcome out;
  try {
    fn();
  } catch (const Error& e) {
    out.threw = true;
    out.kind = e.kind();
    out.message = e.what();
  } catch (const std::exception& e) {
    out.threw = true;
    out.foreign = true;
    out.message = e.what();
  } catch (...) {
    out.threw = true;
    out.foreign = true;
    out.message = "(unknown exception)";
  }
  return out;
}

std::string kind_name(ErrorKind kind) { return std::string(error_kind_name(kind)); }

/// Checks that `out` is a cubed::Error of `kind` whose message contains every
/// fragment and is one line.
void expect_error(const Outcome& out, ErrorKind kind, const std::vector<std::string>& fragments,
                  const std::string& context) {
  SCOPED_TRACE(context);
  ASSERT_TRUE(out.threw) << "no exception";
  ASSERT_FALSE(out.foreign) << "not a cubed::Error: " << out.message;
  EXPECT_EQ(kind_name(out.kind), kind_name(kind)) << out.message;
  for (const std::string& f : fragments) {
    EXPECT_NE(out.message.find(f), std::string::npos) << "message lacks '" << f << "': " << out.message;
  }
  EXPECT_EQ(out.message.find('\n'), std::string::npos) << "message is not one line: " << out.message;
}

StorePath memory_path(const std::string& path) { return StorePath{std::make_shared<MemoryStore>(), path}; }

using testing::TempDir;
using testing::write_text;

// ---- malformed metadata ----------------------------------------------------------

/// A valid `.zarray` every row starts from.
Json base_zarray() {
  return Json::parse(R"({
    "zarr_format": 2, "shape": [10, 7], "chunks": [4, 3], "dtype": "<f8",
    "compressor": null, "fill_value": 0, "order": "C", "filters": null,
    "dimension_separator": "."})");
}

/// The base with `field` set to the JSON `value`.
std::string with(const std::string& field, const std::string& value) {
  Json j = base_zarray();
  j[field] = Json::parse(value);
  return j.dump();
}

/// The base with several fields replaced at once.
std::string with2(const std::string& f1, const std::string& v1, const std::string& f2, const std::string& v2) {
  Json j = base_zarray();
  j[f1] = Json::parse(v1);
  j[f2] = Json::parse(v2);
  return j.dump();
}

std::string without(const std::string& field) {
  Json j = base_zarray();
  j.erase(field);
  return j.dump();
}

struct MetadataCase {
  std::string name;  ///< test name suffix (letters, digits, underscores)
  std::string text;  ///< the `.zarray` content
  ErrorKind kind;
  std::string fragment;       ///< part of the expected message
  bool parse_ok = false;      ///< parse_zarray accepts it; only open() fails
};

std::vector<MetadataCase> metadata_cases() {
  using K = ErrorKind;
  std::vector<MetadataCase> c = {
      // Not JSON, or not an object.
      {"EmptyText", "", K::kMetadata, "malformed JSON"},
      {"Whitespace", "  \n ", K::kMetadata, "malformed JSON"},
      {"UnclosedObject", R"({"zarr_format": 2, "shape": [10])", K::kMetadata, "malformed JSON"},
      {"TrailingComma", R"({"zarr_format": 2,})", K::kMetadata, "malformed JSON"},
      {"NotJson", "zarr_format = 2", K::kMetadata, "malformed JSON"},
      {"SingleQuotes", "{'zarr_format': 2}", K::kMetadata, "malformed JSON"},
      {"BareNaN", R"({"zarr_format": 2, "fill_value": NaN})", K::kMetadata, "malformed JSON"},
      {"BinaryGarbage", std::string("\x00\xff\xfe\x01garbage", 11), K::kMetadata, "malformed JSON"},
      {"TwoObjects", "{} {}", K::kMetadata, "malformed JSON"},
      {"TruncatedValid", base_zarray().dump().substr(0, 40), K::kMetadata, "malformed JSON"},
      {"List", "[2, [10], [4]]", K::kMetadata, "expected a JSON object"},
      {"Number", "2", K::kMetadata, "expected a JSON object"},
      {"String", R"("zarr")", K::kMetadata, "expected a JSON object"},
      {"Null", "null", K::kMetadata, "expected a JSON object"},
      {"EmptyObject", "{}", K::kMetadata, "missing field 'zarr_format'"},
      // Required fields.
      {"MissingZarrFormat", without("zarr_format"), K::kMetadata, "missing field 'zarr_format'"},
      {"MissingShape", without("shape"), K::kMetadata, "missing field 'shape'"},
      {"MissingChunks", without("chunks"), K::kMetadata, "missing field 'chunks'"},
      {"MissingDType", without("dtype"), K::kMetadata, "missing field 'dtype'"},
      {"MissingCompressor", without("compressor"), K::kMetadata, "missing field 'compressor'"},
      {"MissingFillValue", without("fill_value"), K::kMetadata, "missing field 'fill_value'"},
      {"MissingOrder", without("order"), K::kMetadata, "missing field 'order'"},
      // zarr_format.
      {"ZarrFormat3", with("zarr_format", "3"), K::kMetadata, "unsupported zarr_format 3"},
      {"ZarrFormat1", with("zarr_format", "1"), K::kMetadata, "unsupported zarr_format 1"},
      {"ZarrFormatString", with("zarr_format", R"("2")"), K::kMetadata, "unsupported zarr_format \"2\""},
      {"ZarrFormatFloat", with("zarr_format", "2.5"), K::kMetadata, "unsupported zarr_format"},
      {"ZarrFormatNull", with("zarr_format", "null"), K::kMetadata, "unsupported zarr_format null"},
      {"ZarrFormatHuge", with("zarr_format", "4294967298"), K::kMetadata, "unsupported zarr_format"},
      // shape.
      {"ShapeNegative", with("shape", "[-1, 7]"), K::kMetadata, "'shape' must be a list of non-negative integers"},
      {"ShapeNotList", with("shape", "10"), K::kMetadata, "'shape' must be a list"},
      {"ShapeString", with("shape", R"("10,7")"), K::kMetadata, "'shape' must be a list"},
      {"ShapeFloat", with("shape", "[10.5, 7]"), K::kMetadata, "'shape' must be a list"},
      {"ShapeNullEntry", with("shape", "[null, 7]"), K::kMetadata, "'shape' must be a list"},
      {"ShapeNested", with("shape", "[[10], 7]"), K::kMetadata, "'shape' must be a list"},
      {"ShapeBeyondInt64", with("shape", "[18446744073709551615, 7]"), K::kMetadata, "'shape' must be a list"},
      {"ShapeTooManyElements", with2("shape", "[9223372036854775807, 9223372036854775807]", "chunks", "[1, 1]"),
       K::kMetadata, "too many elements", true},
      {"ShapeTooManyBytes", with2("shape", "[2305843009213693952]", "chunks", "[1]"), K::kMetadata, "too large",
       true},
      // chunks.
      {"ChunksZero", with("chunks", "[0, 3]"), K::kMetadata, "'chunks' must be a list of positive integers"},
      {"ChunksNegative", with("chunks", "[4, -3]"), K::kMetadata, "'chunks' must be a list of positive integers"},
      {"ChunksNotList", with("chunks", "4"), K::kMetadata, "'chunks' must be a list"},
      {"ChunksFloat", with("chunks", "[4.0, 3]"), K::kMetadata, "'chunks' must be a list"},
      {"ChunksBool", with("chunks", "[true, 3]"), K::kMetadata, "'chunks' must be a list"},
      {"ChunksNull", with("chunks", "null"), K::kMetadata, "'chunks' must be a list"},
      {"ChunksRankLower", with("chunks", "[4]"), K::kMetadata, "do not match the rank"},
      {"ChunksRankHigher", with("chunks", "[4, 3, 2]"), K::kMetadata, "do not match the rank"},
      {"ChunksEmptyFor2D", with("chunks", "[]"), K::kMetadata, "do not match the rank"},
      {"ChunkTooManyElements", with("chunks", "[9223372036854775807, 9223372036854775807]"), K::kMetadata,
       "too large", true},
      {"ChunkTooManyBytes", with("chunks", "[2305843009213693952, 1]"), K::kMetadata, "too large", true},
      // dtype.
      {"DTypeDatetime", with("dtype", R"("<M8[ns]")"), K::kDType, "'<M8[ns]'"},
      {"DTypeTimedelta", with("dtype", R"("<m8[s]")"), K::kDType, "'<m8[s]'"},
      {"DTypeBytes", with("dtype", R"("|S10")"), K::kDType, "'|S10'"},
      {"DTypeUnicode", with("dtype", R"("<U4")"), K::kDType, "'<U4'"},
      {"DTypeObject", with("dtype", R"("|O")"), K::kDType, "'|O'"},
      {"DTypeHalf", with("dtype", R"("<f2")"), K::kDType, "'<f2'"},
      {"DTypeLongDouble", with("dtype", R"("<f16")"), K::kDType, "'<f16'"},
      {"DTypeComplex256", with("dtype", R"("<c32")"), K::kDType, "'<c32'"},
      {"DTypeInt128", with("dtype", R"("<i16")"), K::kDType, "'<i16'"},
      {"DTypeVoid", with("dtype", R"("|V8")"), K::kDType, "'|V8'"},
      {"DTypeNumpyName", with("dtype", R"("float64")"), K::kDType, "'float64'"},
      {"DTypeEmpty", with("dtype", R"("")"), K::kDType, "unsupported Zarr dtype ''"},
      {"DTypeNoOrderChar", with("dtype", R"("f8")"), K::kDType, "'f8'"},
      {"DTypeBadOrderChar", with("dtype", R"("!f8")"), K::kDType, "'!f8'"},
      {"DTypePipeForWide", with("dtype", R"("|f8")"), K::kDType, "'|f8'"},
      {"DTypeStructured", with("dtype", R"([["a", "<f8"], ["b", "<i4"]])"), K::kDType, "structured"},
      {"DTypeNumber", with("dtype", "8"), K::kDType, "unsupported dtype 8"},
      {"DTypeNull", with("dtype", "null"), K::kDType, "unsupported dtype null"},
      // compressor.
      {"CompressorUnknownId", with("compressor", R"({"id": "snappy"})"), K::kCodec, "unknown compressor 'snappy'"},
      {"CompressorV3Name", with("compressor", R"({"id": "zstd_v3", "level": 1})"), K::kCodec, "'zstd_v3'"},
      {"CompressorNoId", with("compressor", R"({"level": 1})"), K::kCodec, "'id'"},
      {"CompressorEmptyObject", with("compressor", "{}"), K::kCodec, "'id'"},
      {"CompressorIdNotString", with("compressor", R"({"id": 5})"), K::kCodec, "'id'"},
      {"CompressorString", with("compressor", R"("zstd")"), K::kMetadata, "'compressor' must be null or an object"},
      {"CompressorList", with("compressor", R"([{"id": "zstd"}])"), K::kMetadata, "'compressor' must be null"},
      {"CompressorNumber", with("compressor", "1"), K::kMetadata, "'compressor' must be null"},
      {"CompressorFalse", with("compressor", "false"), K::kMetadata, "'compressor' must be null"},
      {"BloscUnknownCname", with("compressor", R"({"id": "blosc", "cname": "snappy", "clevel": 5, "shuffle": 1})"),
       K::kCodec, "snappy"},
      {"BloscClevelTooHigh", with("compressor", R"({"id": "blosc", "cname": "lz4", "clevel": 12, "shuffle": 1})"),
       K::kCodec, "clevel 12"},
      {"BloscClevelNegative", with("compressor", R"({"id": "blosc", "cname": "lz4", "clevel": -1, "shuffle": 1})"),
       K::kCodec, "clevel -1"},
      {"BloscClevelString", with("compressor", R"({"id": "blosc", "cname": "lz4", "clevel": "5", "shuffle": 1})"),
       K::kCodec, "clevel"},
      {"BloscShuffleBad", with("compressor", R"({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 7})"),
       K::kCodec, "shuffle 7"},
      {"BloscBlocksizeNegative",
       with("compressor", R"({"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": -5})"),
       K::kCodec, "blocksize -5"},
      {"BloscCnameNumber", with("compressor", R"({"id": "blosc", "cname": 3})"), K::kCodec, "cname"},
      {"BloscUnknownParam", with("compressor", R"({"id": "blosc", "cname": "lz4", "typesize": 4})"), K::kCodec,
       "'typesize'"},
      {"ZstdUnknownParam", with("compressor", R"({"id": "zstd", "level": 1, "foo": 2})"), K::kCodec, "'foo'"},
      {"ZstdLevelTooHigh", with("compressor", R"({"id": "zstd", "level": 1000})"), K::kCodec, "level 1000"},
      {"ZstdLevelFloat", with("compressor", R"({"id": "zstd", "level": 1.5})"), K::kCodec, "level"},
      {"ZlibLevelTooHigh", with("compressor", R"({"id": "zlib", "level": 42})"), K::kCodec, "level 42"},
      {"GzipLevelTooHigh", with("compressor", R"({"id": "gzip", "level": 10})"), K::kCodec, "level 10"},
      {"Bz2LevelZero", with("compressor", R"({"id": "bz2", "level": 0})"), K::kCodec, "level 0"},
      {"Lz4AccelerationString", with("compressor", R"({"id": "lz4", "acceleration": "fast"})"), K::kCodec,
       "acceleration"},
      {"LzmaPresetTooHigh", with("compressor", R"({"id": "lzma", "preset": 42})"), K::kCodec, "preset"},
      {"LzmaCustomFilters", with("compressor", R"({"id": "lzma", "filters": [{"id": 33}]})"), K::kCodec,
       "filters"},
      {"LzmaBadFormat", with("compressor", R"({"id": "lzma", "format": 9})"), K::kCodec, "format"},
      // filters.
      {"FilterDelta", with("filters", R"([{"id": "delta", "dtype": "<f8"}])"), K::kMetadata,
       "unsupported filter \"delta\""},
      {"FilterScaleOffset",
       with("filters", R"([{"id": "fixedscaleoffset", "offset": 0, "scale": 10, "dtype": "<f8"}])"), K::kMetadata,
       "unsupported filter \"fixedscaleoffset\""},
      {"FilterSecondOfTwo", with("filters", R"([{"id": "shuffle"}, {"id": "delta"}])"), K::kMetadata,
       "unsupported filter \"shuffle\""},
      {"FilterNoId", with("filters", R"([{"level": 1}])"), K::kMetadata, "unsupported filter"},
      {"FilterString", with("filters", R"(["delta"])"), K::kMetadata, "unsupported filter \"delta\""},
      {"FiltersObject", with("filters", R"({"id": "delta"})"), K::kMetadata, "'filters' must be null or a list"},
      {"FiltersString", with("filters", R"("delta")"), K::kMetadata, "'filters' must be null or a list"},
      // order.
      {"OrderX", with("order", R"("X")"), K::kMetadata, "invalid order \"X\""},
      {"OrderLowercase", with("order", R"("c")"), K::kMetadata, "invalid order \"c\""},
      {"OrderNull", with("order", "null"), K::kMetadata, "invalid order null"},
      {"OrderNumber", with("order", "0"), K::kMetadata, "invalid order 0"},
      // dimension_separator.
      {"SeparatorDash", with("dimension_separator", R"("-")"), K::kMetadata, "invalid dimension_separator \"-\""},
      {"SeparatorEmpty", with("dimension_separator", R"("")"), K::kMetadata, "invalid dimension_separator"},
      {"SeparatorTwoChars", with("dimension_separator", R"("//")"), K::kMetadata, "invalid dimension_separator"},
      {"SeparatorNumber", with("dimension_separator", "1"), K::kMetadata, "invalid dimension_separator 1"},
      // fill_value of the wrong type or range for the dtype.
      {"FillStringForFloat", with("fill_value", R"("abc")"), K::kMetadata, "invalid fill_value \"abc\""},
      {"FillLowercaseNanForFloat", with("fill_value", R"("nan")"), K::kMetadata, "invalid fill_value \"nan\""},
      {"FillBoolForFloat", with("fill_value", "true"), K::kMetadata, "invalid fill_value true"},
      {"FillListForFloat", with("fill_value", "[1, 2]"), K::kMetadata, "invalid fill_value [1,2]"},
      {"FillObjectForFloat", with("fill_value", "{}"), K::kMetadata, "invalid fill_value {}"},
      {"FillFractionForInt", with2("dtype", R"("<i4")", "fill_value", "1.5"), K::kMetadata,
       "invalid fill_value 1.5 for dtype int32"},
      {"FillStringForInt", with2("dtype", R"("<i4")", "fill_value", R"("7")"), K::kMetadata,
       "invalid fill_value \"7\""},
      {"FillNaNForInt", with2("dtype", R"("<i8")", "fill_value", R"("NaN")"), K::kMetadata,
       "invalid fill_value \"NaN\""},
      {"Fill300ForUInt8", with2("dtype", R"("|u1")", "fill_value", "300"), K::kMetadata,
       "fill_value 300 is out of range for dtype uint8"},
      {"FillMinus1ForUInt8", with2("dtype", R"("|u1")", "fill_value", "-1"), K::kMetadata,
       "fill_value -1 is out of range for dtype uint8"},
      {"Fill128ForInt8", with2("dtype", R"("|i1")", "fill_value", "128"), K::kMetadata, "out of range for dtype int8"},
      {"FillMinus32769ForInt16", with2("dtype", R"("<i2")", "fill_value", "-32769"), K::kMetadata,
       "out of range for dtype int16"},
      {"Fill2Pow32ForUInt32", with2("dtype", R"(">u4")", "fill_value", "4294967296"), K::kMetadata,
       "out of range for dtype uint32"},
      {"FillMinus1ForUInt64", with2("dtype", R"("<u8")", "fill_value", "-1"), K::kMetadata,
       "out of range for dtype uint64"},
      {"FillBeyondInt64ForInt64", with2("dtype", R"("<i8")", "fill_value", "9223372036854775808"), K::kMetadata,
       "out of range for dtype int64"},
      {"FillHugeFloatForInt64", with2("dtype", R"("<i8")", "fill_value", "1e30"), K::kMetadata,
       "out of range for dtype int64"},
      {"FillHugeFloatForUInt64", with2("dtype", R"("<u8")", "fill_value", "1e30"), K::kMetadata,
       "out of range for dtype uint64"},
      {"FillNegativeFloatForUInt16", with2("dtype", R"("<u2")", "fill_value", "-2.0"), K::kMetadata,
       "out of range for dtype uint16"},
      {"Fill2ForBool", with2("dtype", R"("|b1")", "fill_value", "2"), K::kMetadata, "invalid fill_value 2 for dtype bool"},
      {"FillStringForBool", with2("dtype", R"("|b1")", "fill_value", R"("true")"), K::kMetadata,
       "invalid fill_value \"true\" for dtype bool"},
      {"FillFloatForBool", with2("dtype", R"("|b1")", "fill_value", "0.5"), K::kMetadata, "invalid fill_value 0.5"},
      {"FillOneElementForComplex", with2("dtype", R"("<c16")", "fill_value", "[1]"), K::kMetadata,
       "invalid fill_value [1]"},
      {"FillThreeElementsForComplex", with2("dtype", R"("<c8")", "fill_value", "[1, 2, 3]"), K::kMetadata,
       "invalid fill_value [1,2,3]"},
      {"FillBadPartForComplex", with2("dtype", R"("<c16")", "fill_value", R"([1, "x"])"), K::kMetadata,
       "invalid fill_value \"x\""},
      {"FillObjectForComplex", with2("dtype", R"("<c16")", "fill_value", R"({"re": 1})"), K::kMetadata,
       "invalid fill_value"},
  };
  return c;
}

// gtest prints a failing row by its name, not as raw bytes.
void PrintTo(const MetadataCase& row, std::ostream* os) { *os << row.name; }

class MalformedMetadata : public ::testing::TestWithParam<MetadataCase> {};

TEST_P(MalformedMetadata, ParseZarrayThrowsTheDocumentedError) {
  const MetadataCase& row = GetParam();
  Outcome out = capture([&] { parse_zarray(row.text, "some/dir/.zarray"); });
  if (row.parse_ok) {
    EXPECT_FALSE(out.threw) << out.message;
    return;
  }
  expect_error(out, row.kind, {row.fragment, "some/dir/.zarray: "}, row.text);
}

TEST_P(MalformedMetadata, OpenNamesTheFile) {
  const MetadataCase& row = GetParam();
  StorePath where = memory_path("group/arr");
  where.store->set("group/arr/.zarray", std::string_view(row.text));
  where.store->set("group/arr/0.0", std::string_view("whatever"));
  Outcome out = capture([&] { ZarrArray::open(where); });
  expect_error(out, row.kind, {row.fragment, "memory/group/arr/.zarray"}, row.text);
}

TEST_P(MalformedMetadata, OpenOnDiskNamesTheFile) {
  const MetadataCase& row = GetParam();
  TempDir dir;
  write_text(dir.path() / "arr" / ".zarray", row.text);
  StorePath where = open_store_path((dir.path() / "arr").string());
  Outcome out = capture([&] { ZarrArray::open(where); });
  expect_error(out, row.kind, {row.fragment, (dir.path() / "arr" / ".zarray").string()}, row.text);
}

INSTANTIATE_TEST_SUITE_P(Rows, MalformedMetadata, ::testing::ValuesIn(metadata_cases()),
                         [](const ::testing::TestParamInfo<MetadataCase>& info) { return info.param.name; });

TEST(MalformedMetadata, RowNamesAreUnique) {
  std::set<std::string> names;
  for (const MetadataCase& row : metadata_cases()) EXPECT_TRUE(names.insert(row.name).second) << row.name;
}

// The base of the table, and small variations of it, are valid: the rows fail
// for the reason they name, not for another.
TEST(MalformedMetadata, ValidVariantsParse) {
  const std::vector<std::string> valid = {
      base_zarray().dump(),
      without("filters"),
      without("dimension_separator"),
      with("filters", "[]"),
      with("dimension_separator", R"("/")"),
      with("dimension_separator", "null"),
      with("fill_value", "null"),
      with("fill_value", R"("NaN")"),
      with("fill_value", R"("-Infinity")"),
      with("order", R"("F")"),
      with("shape", "[0, 7]"),
      with2("shape", "[]", "chunks", "[]"),
      with("chunks", "[100, 100]"),
      with2("dtype", R"("|u1")", "fill_value", "255"),
      with2("dtype", R"("|i1")", "fill_value", "-128"),
      with2("dtype", R"("<u8")", "fill_value", "18446744073709551615"),
      with2("dtype", R"("<i8")", "fill_value", "-9223372036854775808"),
      with2("dtype", R"("<i4")", "fill_value", "3.0"),
      with2("dtype", R"("<u8")", "fill_value", "1e19"),
      with2("dtype", R"("<i8")", "fill_value", "-9.2e18"),
      with2("dtype", R"("|b1")", "fill_value", "false"),
      with2("dtype", R"("<c16")", "fill_value", R"([1.0, "NaN"])"),
      with("compressor", R"({"id": "zstd", "level": 3})"),
      with("compressor", R"({"id": "blosc", "cname": "zstd", "clevel": 5, "shuffle": 2, "blocksize": 0})"),
      with("compressor", R"({"id": "lzma", "format": 1, "check": -1, "preset": null, "filters": null})"),
  };
  for (const std::string& text : valid) {
    Outcome out = capture([&] { parse_zarray(text, "valid.zarray"); });
    EXPECT_FALSE(out.threw) << text << "\n" << out.message;
    StorePath where = memory_path("a");
    where.store->set("a/.zarray", std::string_view(text));
    out = capture([&] { ZarrArray::open(where); });
    EXPECT_FALSE(out.threw) << text << "\n" << out.message;
  }
}

// Every kind is a cubed::Error and a std::runtime_error: callers can catch
// at whatever level they like.
TEST(MalformedMetadata, ErrorsAreInTheHierarchy) {
  EXPECT_THROW(parse_zarray("{", "x"), MetadataError);
  EXPECT_THROW(parse_zarray(with("dtype", R"("<M8[ns]")"), "x"), DTypeError);
  EXPECT_THROW(parse_zarray(with("compressor", R"({"id": "snappy"})"), "x"), CodecError);
  EXPECT_THROW(parse_zarray("{", "x"), Error);
  EXPECT_THROW(parse_zarray("{", "x"), std::runtime_error);
}

// ---- damaged chunks ------------------------------------------------------------------

/// Deterministic pseudo-random bytes (no dependence on the platform's rand).
std::vector<std::uint8_t> garbage(std::size_t n, std::uint64_t seed) {
  std::vector<std::uint8_t> out(n);
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    b = static_cast<std::uint8_t>(x >> 24);
  }
  return out;
}

std::vector<std::uint8_t> to_vector(const Bytes& b) { return {b.begin(), b.end()}; }

NDBuffer ramp(DType dt, const Shape& shape) {
  NDBuffer b(dt, shape);
  for (std::int64_t i = 0; i < b.size(); ++i) b.set(i, Scalar(static_cast<std::int64_t>((i * 7919) % 1000 - 300)));
  return b;
}

struct DamagedFixture {
  StorePath where;
  ZarrArray array;
  Shape coords;
  std::string key;
  std::vector<std::uint8_t> encoded;  ///< the valid stored chunk
  NDBuffer expected;                  ///< its valid content
};

DamagedFixture make_damaged_fixture(const std::string& spec) {
  StorePath where = memory_path("data/arr");
  ArrayMetadata meta;
  meta.shape = {10, 7};
  meta.chunks = {4, 3};
  meta.dtype = DType::kInt32;
  meta.compressor = codec_from_spec(spec);
  ZarrArray array = ZarrArray::create(where, meta);
  array.write_all(ramp(meta.dtype, meta.shape));
  Shape coords = {1, 1};
  std::string key = array.chunk_key(coords);
  auto encoded = where.store->get(key);
  NDBuffer expected = array.read_chunk(coords);
  return DamagedFixture{where, array, coords, key, to_vector(*encoded), std::move(expected)};
}

/// The codec id a message must name ("uncompressed" when there is none).
std::string codec_word(const std::string& spec) { return spec == "none" ? "uncompressed" : spec; }

class DamagedChunk : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { f_ = std::make_unique<DamagedFixture>(make_damaged_fixture(GetParam())); }

  void store(const std::vector<std::uint8_t>& bytes) { f_->where.store->set(f_->key, bytes); }

  /// Every read path must throw the CodecError naming key and codec.
  void expect_codec_error(const std::string& context) {
    const std::vector<std::string> fragments = {f_->key, codec_word(GetParam()), "memory/" + f_->key};
    expect_error(capture([&] { f_->array.read_chunk(f_->coords); }), ErrorKind::kCodec, fragments,
                 context + " (read_chunk)");
    expect_error(capture([&] { f_->array.read_chunk_if_stored(f_->coords); }), ErrorKind::kCodec, fragments,
                 context + " (read_chunk_if_stored)");
    expect_error(capture([&] { f_->array.read_all(); }), ErrorKind::kCodec, fragments, context + " (read_all)");
    // Through a freshly opened array too (nothing cached).
    expect_error(capture([&] { ZarrArray::open(f_->where).read_chunk(f_->coords); }), ErrorKind::kCodec,
                 fragments, context + " (reopened)");
  }

  /// The read either fails with the documented CodecError or returns a chunk
  /// of the right dtype and shape (codecs without checksums cannot see every
  /// flipped bit).
  void expect_codec_error_or_chunk(const std::string& context) {
    Outcome out = capture([&] {
      NDBuffer chunk = f_->array.read_chunk(f_->coords);
      EXPECT_EQ(chunk.dtype(), f_->expected.dtype()) << context;
      EXPECT_EQ(chunk.shape(), f_->expected.shape()) << context;
    });
    if (out.threw) expect_error(out, ErrorKind::kCodec, {f_->key, codec_word(GetParam())}, context);
  }

  std::unique_ptr<DamagedFixture> f_;
};

TEST_P(DamagedChunk, IntactChunkReads) {
  EXPECT_TRUE(f_->array.read_chunk(f_->coords) == f_->expected);
  EXPECT_FALSE(f_->encoded.empty());
}

TEST_P(DamagedChunk, TruncatedChunks) {
  const std::size_t n = f_->encoded.size();
  std::set<std::size_t> lengths = {0, 1, 2, 3, 4, 5, 8, 15, 16, 17, n / 4, n / 2, n - 2, n - 1};
  for (std::size_t len : lengths) {
    if (len >= n) continue;
    store(std::vector<std::uint8_t>(f_->encoded.begin(), f_->encoded.begin() + static_cast<std::ptrdiff_t>(len)));
    expect_codec_error("truncated to " + std::to_string(len) + " of " + std::to_string(n) + " bytes");
  }
}

TEST_P(DamagedChunk, GarbageChunks) {
  const std::size_t raw = static_cast<std::size_t>(f_->array.metadata().chunk_nbytes());
  std::set<std::size_t> lengths = {1, 7, 16, 100, 1000, raw - 1, raw + 1, f_->encoded.size()};
  if (GetParam() != "none") lengths.insert(raw);  // raw-sized garbage is valid raw data
  std::uint64_t seed = 1;
  for (std::size_t len : lengths) {
    if (GetParam() == "none" && len == raw) continue;
    store(garbage(len, seed++));
    expect_codec_error("garbage of " + std::to_string(len) + " bytes");
  }
  // Text that a confused tool might have written there.
  store(to_vector(Bytes{'{', '}', '\n'}));
  expect_codec_error("a JSON text");
}

TEST_P(DamagedChunk, ZeroFilledChunks) {
  const std::size_t raw = static_cast<std::size_t>(f_->array.metadata().chunk_nbytes());
  for (std::size_t len : {std::size_t{16}, f_->encoded.size(), raw + 16}) {
    if (GetParam() == "none" && len == raw) continue;  // valid raw data
    store(std::vector<std::uint8_t>(len, 0));
    expect_codec_error(std::to_string(len) + " zero bytes");
  }
}

TEST_P(DamagedChunk, TooLongChunks) {
  const std::string spec = GetParam();
  const ArrayMetadata& meta = f_->array.metadata();
  const std::size_t raw = static_cast<std::size_t>(meta.chunk_nbytes());
  // The codec's own encoding of too much and too little data: a well-formed
  // stream of the wrong decoded size.
  for (std::size_t size : {raw + 4, raw * 2, raw - 4, std::size_t{4}}) {
    std::vector<std::uint8_t> data = garbage(size, 99);
    if (meta.compressor) {
      store(to_vector(meta.compressor->encode(data, 4)));
    } else {
      store(data);
    }
    expect_codec_error("a valid stream of " + std::to_string(size) + " decoded bytes, expected " +
                       std::to_string(raw));
  }
}

TEST_P(DamagedChunk, TrailingBytes) {
  // The valid encoding followed by extra bytes. Raw chunks must have the
  // exact size; compressors may reject the tail or, as numcodecs does for
  // some, ignore it, but must never return wrong data.
  for (std::size_t extra : {1, 8, 1000}) {
    std::vector<std::uint8_t> bytes = f_->encoded;
    std::vector<std::uint8_t> tail = garbage(extra, extra);
    bytes.insert(bytes.end(), tail.begin(), tail.end());
    store(bytes);
    const std::string context = std::to_string(extra) + " trailing bytes";
    if (GetParam() == "none") {
      expect_codec_error(context);
      continue;
    }
    Outcome out = capture([&] { EXPECT_TRUE(f_->array.read_chunk(f_->coords) == f_->expected) << context; });
    if (out.threw) expect_error(out, ErrorKind::kCodec, {f_->key, GetParam()}, context);
  }
}

TEST_P(DamagedChunk, FlippedBytes) {
  const std::size_t n = f_->encoded.size();
  // Every byte of short encodings, a spread of positions in long ones.
  const std::size_t step = n <= 256 ? 1 : n / 128;
  for (std::size_t pos = 0; pos < n; pos += step) {
    for (std::uint8_t mask : {std::uint8_t{0xFF}, std::uint8_t{0x01}, std::uint8_t{0x80}}) {
      std::vector<std::uint8_t> bytes = f_->encoded;
      bytes[pos] ^= mask;
      store(bytes);
      expect_codec_error_or_chunk("byte " + std::to_string(pos) + " of " + std::to_string(n) + " xor " +
                                  std::to_string(mask));
    }
  }
}

TEST_P(DamagedChunk, ChunkOfAnotherCodec) {
  // The chunk was written by another compressor than `.zarray` names.
  const std::string spec = GetParam();
  NDBuffer data = f_->expected;
  NDBuffer full = NDBuffer::zeros(DType::kInt32, f_->array.chunks());
  copy_region(data, {0, 0}, full, {0, 0}, data.shape());
  for (const char* other : {"zstd", "zlib", "gzip", "lz4", "bz2", "lzma", "blosc"}) {
    if (spec == other) continue;
    // zlib and gzip differ only in their wrapper; both reject the other's.
    store(to_vector(codec_from_spec(other)->encode(full.bytes(), 4)));
    expect_codec_error(std::string("a chunk encoded with ") + other);
  }
}

TEST_P(DamagedChunk, HeaderClaimsHugeSize) {
  const std::string spec = GetParam();
  std::vector<std::uint8_t> bytes = f_->encoded;
  if (spec == "lz4") {
    // numcodecs' LZ4 header: the decoded size, 4 bytes little-endian.
    bytes[0] = bytes[1] = bytes[2] = 0xF0;
    bytes[3] = 0x7F;
  } else if (spec == "blosc") {
    // c-blosc header bytes 4..7: decoded size, little-endian.
    bytes[4] = bytes[5] = bytes[6] = 0xF0;
    bytes[7] = 0x7F;
  } else {
    GTEST_SKIP() << "no decoded size in a fixed header position";
  }
  store(bytes);
  expect_codec_error("header claiming 2 GB");
}

TEST_P(DamagedChunk, OtherChunksStillRead) {
  store(garbage(50, 5));
  // The damage is local: another chunk, and a chunk never written, read fine.
  EXPECT_NO_THROW(f_->array.read_chunk({0, 0}));
  EXPECT_NO_THROW(f_->array.read_chunk({2, 2}));
  EXPECT_TRUE(f_->array.chunk_stored(f_->coords));
}

INSTANTIATE_TEST_SUITE_P(Codecs, DamagedChunk,
                         ::testing::Values("none", "zstd", "lz4", "zlib", "gzip", "bz2", "lzma", "blosc"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// Chunks on disk, where the message names the file path the user can look at.
TEST(DamagedChunkOnDisk, MessageNamesThePath) {
  TempDir dir;
  StorePath where = open_store_path((dir.path() / "a.zarr").string());
  ArrayMetadata meta;
  meta.shape = {6};
  meta.chunks = {4};
  meta.dtype = DType::kFloat32;
  meta.compressor = codec_from_spec("zstd");
  meta.dimension_separator = '/';
  ZarrArray array = ZarrArray::create(where, meta);
  array.write_all(ramp(DType::kFloat32, {6}));
  write_text(dir.path() / "a.zarr" / "1", "xx");
  expect_error(capture([&] { array.read_chunk({1}); }), ErrorKind::kCodec,
               {(dir.path() / "a.zarr" / "1").string(), "zstd"}, "on disk");
  EXPECT_NO_THROW(array.read_chunk({0}));
}

TEST(DamagedChunkOnDisk, ChunkIsAFolder) {
  TempDir dir;
  StorePath where = open_store_path((dir.path() / "a.zarr").string());
  ArrayMetadata meta;
  meta.shape = {6, 6};
  meta.chunks = {3, 3};
  meta.dtype = DType::kInt16;
  meta.compressor = nullptr;
  ZarrArray array = ZarrArray::create(where, meta);
  // "1.1" is a folder, not a file: it is not a stored chunk.
  fs::create_directories(dir.path() / "a.zarr" / "1.1" / "x");
  Outcome out = capture([&] { array.read_chunk({1, 1}); });
  EXPECT_FALSE(out.threw) << out.message;
}

// ---- misuse of the array API -------------------------------------------------------

ArrayMetadata small_meta() {
  ArrayMetadata meta;
  meta.shape = {10, 7};
  meta.chunks = {4, 3};
  meta.dtype = DType::kFloat64;
  meta.compressor = nullptr;
  return meta;
}

TEST(ArrayMisuse, WriteChunkWithWrongDTypeOrShape) {
  StorePath where = memory_path("arr");
  ZarrArray array = ZarrArray::create(where, small_meta());
  struct Row {
    Shape coords;
    DType dtype;
    Shape shape;
  };
  const std::vector<Row> rows = {
      {{0, 0}, DType::kFloat32, {4, 3}},  // wrong dtype
      {{0, 0}, DType::kInt64, {4, 3}},    // same size, wrong dtype
      {{0, 0}, DType::kFloat64, {3, 4}},  // transposed
      {{0, 0}, DType::kFloat64, {4, 2}},  // too small
      {{0, 0}, DType::kFloat64, {12}},    // flat
      {{0, 0}, DType::kFloat64, {4, 3, 1}},
      {{2, 2}, DType::kFloat64, {4, 3}},  // edge chunk given at full size
      {{2, 0}, DType::kFloat64, {4, 3}},
      {{2, 2}, DType::kFloat64, {2, 3}},
  };
  for (const Row& row : rows) {
    NDBuffer data = NDBuffer::zeros(row.dtype, row.shape);
    const std::string context = shape_to_string(row.coords) + " " + std::string(dtype_name(row.dtype)) + " " +
                                shape_to_string(row.shape);
    expect_error(capture([&] { array.write_chunk(row.coords, data); }), ErrorKind::kInvalidArgument,
                 {"expected dtype float64", array.chunk_key(row.coords)}, context);
    EXPECT_FALSE(array.chunk_stored(row.coords)) << context;
  }
  // The right one is accepted.
  EXPECT_NO_THROW(array.write_chunk({2, 2}, NDBuffer::zeros(DType::kFloat64, {2, 1})));
}

TEST(ArrayMisuse, WriteAllWithWrongDTypeOrShape) {
  StorePath where = memory_path("arr");
  ZarrArray array = ZarrArray::create(where, small_meta());
  expect_error(capture([&] { array.write_all(NDBuffer::zeros(DType::kFloat64, {7, 10})); }),
               ErrorKind::kInvalidArgument, {"(7, 10)", "(10, 7)"}, "shape");
  expect_error(capture([&] { array.write_all(NDBuffer::zeros(DType::kInt8, {10, 7})); }),
               ErrorKind::kInvalidArgument, {"int8", "float64"}, "dtype");
  EXPECT_EQ(array.nchunks_initialized(), 0);
}

TEST(ArrayMisuse, CoordinatesOutsideTheGrid) {
  StorePath where = memory_path("arr");
  ZarrArray array = ZarrArray::create(where, small_meta());  // grid (3, 3)
  const std::vector<Shape> bad = {{3, 0}, {0, 3}, {-1, 0}, {0, -1}, {100, 100}, {0}, {0, 0, 0}, {},
                                  {INT64_MAX, 0}, {INT64_MIN, 0}};
  NDBuffer chunk = NDBuffer::zeros(DType::kFloat64, {4, 3});
  for (const Shape& coords : bad) {
    const std::string context = shape_to_string(coords);
    const std::vector<std::string> fragments = {"outside the chunk grid", "(3, 3)"};
    expect_error(capture([&] { array.read_chunk(coords); }), ErrorKind::kInvalidArgument, fragments,
                 context + " read_chunk");
    expect_error(capture([&] { array.read_chunk_if_stored(coords); }), ErrorKind::kInvalidArgument, fragments,
                 context + " read_chunk_if_stored");
    expect_error(capture([&] { array.write_chunk(coords, chunk); }), ErrorKind::kInvalidArgument, fragments,
                 context + " write_chunk");
    expect_error(capture([&] { array.chunk_stored(coords); }), ErrorKind::kInvalidArgument, fragments,
                 context + " chunk_stored");
    expect_error(capture([&] { array.chunk_key(coords); }), ErrorKind::kInvalidArgument, fragments,
                 context + " chunk_key");
  }
  EXPECT_EQ(where.store->list("arr").size(), 1U);  // only .zarray
}

TEST(ArrayMisuse, CreateWithBadMetadata) {
  struct Row {
    std::string name;
    Shape shape;
    Shape chunks;
    char separator;
    std::string fragment;
  };
  const std::vector<Row> rows = {
      {"rank lower", {10, 7}, {4}, '.', "do not match the rank"},
      {"rank higher", {10}, {4, 4}, '.', "do not match the rank"},
      {"zero chunk", {10, 7}, {0, 3}, '.', ">= 1"},
      {"negative chunk", {10, 7}, {4, -3}, '.', ">= 1"},
      {"negative shape", {-10, 7}, {4, 3}, '.', "negative extent"},
      {"overflowing shape", {INT64_MAX, INT64_MAX}, {1, 1}, '.', "too many elements"},
      {"overflowing chunk bytes", {10}, {INT64_MAX / 4}, '.', "too large"},
      {"dash separator", {10, 7}, {4, 3}, '-', "dimension_separator"},
      {"nul separator", {10, 7}, {4, 3}, '\0', "dimension_separator"},
  };
  for (const Row& row : rows) {
    StorePath where = memory_path("arr");
    ArrayMetadata meta = small_meta();
    meta.shape = row.shape;
    meta.chunks = row.chunks;
    meta.dimension_separator = row.separator;
    expect_error(capture([&] { ZarrArray::create(where, meta); }), ErrorKind::kInvalidArgument, {row.fragment},
                 row.name);
    EXPECT_TRUE(where.store->list("").empty()) << row.name << ": nothing may be written";
  }
}

TEST(ArrayMisuse, CreateWithBadAttributes) {
  for (const char* attrs : {"{", "[1, 2]", "3", "not json"}) {
    StorePath where = memory_path("arr");
    CreateOptions options;
    options.attributes_json = attrs;
    expect_error(capture([&] { ZarrArray::create(where, small_meta(), options); }), ErrorKind::kInvalidArgument,
                 {"attributes"}, attrs);
  }
}

TEST(ArrayMisuse, CreateOverAnExistingArrayNeedsOverwrite) {
  StorePath where = memory_path("arr");
  ZarrArray first = ZarrArray::create(where, small_meta());
  first.write_all(ramp(DType::kFloat64, {10, 7}));
  ArrayMetadata other = small_meta();
  other.shape = {5};
  other.chunks = {5};
  expect_error(capture([&] { ZarrArray::create(where, other); }), ErrorKind::kInvalidArgument,
               {"already exists", "memory/arr"}, "no overwrite");
  CreateOptions deferred;
  deferred.defer_metadata = true;
  expect_error(capture([&] { ZarrArray::create(where, other, deferred); }), ErrorKind::kInvalidArgument,
               {"already exists"}, "deferred, no overwrite");
  // Untouched.
  ZarrArray reopened = ZarrArray::open(where);
  EXPECT_EQ(reopened.shape(), (Shape{10, 7}));
  EXPECT_TRUE(reopened.read_all() == ramp(DType::kFloat64, {10, 7}));
  // With overwrite the old array is gone, chunks included.
  CreateOptions overwrite;
  overwrite.overwrite = true;
  ZarrArray replaced = ZarrArray::create(where, other, overwrite);
  EXPECT_EQ(ZarrArray::open(where).shape(), (Shape{5}));
  EXPECT_EQ(replaced.nchunks_initialized(), 0);
  EXPECT_EQ(where.store->list("arr"), (std::vector<std::string>{"arr/.zarray"}));
}

TEST(ArrayMisuse, CreateOverAGroupNeedsOverwrite) {
  StorePath where = memory_path("g");
  create_group(where);
  expect_error(capture([&] { ZarrArray::create(where, small_meta()); }), ErrorKind::kInvalidArgument,
               {"already exists"}, "group");
  EXPECT_EQ(node_kind(where), NodeKind::kGroup);
}

TEST(ArrayMisuse, CreateInANonZarrFolderIsRefused) {
  TempDir dir;
  write_text(dir.path() / "mine" / "notes.txt", "precious");
  write_text(dir.path() / "mine" / "sub" / "data.bin", "also precious");
  for (bool overwrite : {false, true}) {
    StorePath where = open_store_path((dir.path() / "mine").string());
    CreateOptions options;
    options.overwrite = overwrite;
    expect_error(capture([&] { ZarrArray::create(where, small_meta(), options); }), ErrorKind::kInvalidArgument,
                 {"not a Zarr array or group", (dir.path() / "mine").string()},
                 overwrite ? "overwrite" : "no overwrite");
  }
  EXPECT_TRUE(fs::exists(dir.path() / "mine" / "notes.txt"));
  EXPECT_TRUE(fs::exists(dir.path() / "mine" / "sub" / "data.bin"));
  EXPECT_FALSE(fs::exists(dir.path() / "mine" / ".zarray"));
  // The same in a memory store.
  StorePath where = memory_path("mine");
  where.store->set("mine/notes.txt", std::string_view("precious"));
  CreateOptions overwrite;
  overwrite.overwrite = true;
  expect_error(capture([&] { ZarrArray::create(where, small_meta(), overwrite); }), ErrorKind::kInvalidArgument,
               {"not a Zarr array or group"}, "memory");
  EXPECT_TRUE(where.store->exists("mine/notes.txt"));
}

TEST(ArrayMisuse, CreateInAnEmptyFolderIsFine) {
  TempDir dir;
  fs::create_directories(dir.path() / "empty");
  StorePath where = open_store_path((dir.path() / "empty").string());
  EXPECT_NO_THROW(ZarrArray::create(where, small_meta()));
  EXPECT_TRUE(fs::exists(dir.path() / "empty" / ".zarray"));
}

TEST(ArrayMisuse, OpenAMissingPath) {
  TempDir dir;
  const fs::path missing = dir.path() / "no" / "such" / "array.zarr";
  expect_error(capture([&] { ZarrArray::open(open_store_path(missing.string())); }), ErrorKind::kStorage,
               {"no Zarr array", missing.string()}, "missing folder");
  EXPECT_FALSE(fs::exists(missing)) << "open must not create the folder";
  expect_error(capture([&] { ZarrArray::open(memory_path("nothing/here")); }), ErrorKind::kStorage,
               {"no Zarr array", "memory/nothing/here"}, "memory");
  expect_error(capture([&] { ZarrArray::open(memory_path("")); }), ErrorKind::kStorage, {"no Zarr array"},
               "memory root");
}

TEST(ArrayMisuse, OpenAFolderThatIsNoArray) {
  TempDir dir;
  write_text(dir.path() / "plain" / "readme.txt", "hello");
  const fs::path plain = dir.path() / "plain";
  expect_error(capture([&] { ZarrArray::open(open_store_path(plain.string())); }), ErrorKind::kStorage,
               {"no Zarr array", plain.string()}, "plain folder");
  // A file where the folder should be.
  const fs::path file = dir.path() / "plain" / "readme.txt";
  expect_error(capture([&] { ZarrArray::open(open_store_path(file.string())); }), ErrorKind::kStorage,
               {"no Zarr array", file.string()}, "a file");
  // `.zarray` is a folder.
  fs::create_directories(dir.path() / "odd" / ".zarray");
  expect_error(capture([&] { ZarrArray::open(open_store_path((dir.path() / "odd").string())); }),
               ErrorKind::kStorage, {"no Zarr array"}, ".zarray is a folder");
  // An array's chunk folder.
  expect_error(capture([&] { ZarrArray::open(open_store_path("")); }), ErrorKind::kInvalidArgument,
               {"empty path"}, "empty path");
  expect_error(capture([&] { ZarrArray::open(open_store_path("gs://bucket/x.zarr")); }),
               ErrorKind::kInvalidArgument, {"unsupported URL scheme", "gs://bucket/x.zarr"}, "scheme");
}

TEST(ArrayMisuse, OpenAGroup) {
  TempDir dir;
  StorePath on_disk = open_store_path((dir.path() / "g.zarr").string());
  create_group(on_disk, R"({"title": "a group"})");
  expect_error(capture([&] { ZarrArray::open(on_disk); }), ErrorKind::kStorage,
               {"is a Zarr group, not an array", (dir.path() / "g.zarr").string()}, "disk");
  StorePath in_memory = memory_path("root/g");
  create_group(in_memory);
  expect_error(capture([&] { ZarrArray::open(in_memory); }), ErrorKind::kStorage,
               {"is a Zarr group", "memory/root/g"}, "memory");
}

TEST(ArrayMisuse, CreateGroupOverAnArray) {
  StorePath where = memory_path("arr");
  ZarrArray::create(where, small_meta());
  expect_error(capture([&] { create_group(where); }), ErrorKind::kInvalidArgument, {"is an array"}, "group");
  EXPECT_EQ(node_kind(where), NodeKind::kArray);
}

}  // namespace
}  // namespace cubed::storage
