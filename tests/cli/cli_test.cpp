// The `cubed` program, run as a user runs it: every bad input ends with one
// line "error: ..." on stderr and a non-zero exit status (never a crash, a
// hang or a stack trace), and the happy paths print what the library sees.
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cubed/core/error.hpp"
#include "cubed/storage/codecs/codec.hpp"
#include "cubed/storage/zarr/metadata.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"
#include "test_util.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using storage::ArrayMetadata;
using storage::StorePath;
using storage::ZarrArray;

// ---- running the program ------------------------------------------------------------

/// Exit status of a command stopped by `timeout`.
constexpr int kTimedOut = 124;

using testing::read_text;
using testing::RunResult;
using testing::TempDir;
using testing::write_text;

/// Runs the real binary with a time limit.
RunResult run_cli(const std::vector<std::string>& args) { return testing::run_program(CUBED_CLI_PATH, args, 60); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// Nothing on stderr that means a crash, an abort or a sanitizer report.
void expect_no_crash(const RunResult& r) {
  EXPECT_NE(r.status, kTimedOut) << "timed out (hang?): " << r.command;
  EXPECT_GE(r.status, 0) << r.command;
  EXPECT_LT(r.status, 128) << "killed by a signal: " << r.command << "\n" << r.err;
  for (const char* marker : {"terminate called", "Sanitizer", "Segmentation", "Aborted", "core dumped",
                             "what():", "runtime error:", "Assertion"}) {
    EXPECT_EQ(r.err.find(marker), std::string::npos) << "'" << marker << "' on stderr of " << r.command << ":\n"
                                                     << r.err;
  }
}

/// A failed run: non-zero status, nothing on stdout, and one "error: ..."
/// line on stderr (optionally followed by a "(run 'cubed ... --help' ...)"
/// hint) containing every fragment.
void expect_failure(const RunResult& r, const std::vector<std::string>& fragments) {
  SCOPED_TRACE(r.command);
  expect_no_crash(r);
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.out, "") << "stdout of a failed run";
  const std::vector<std::string> lines = lines_of(r.err);
  ASSERT_FALSE(lines.empty()) << "nothing on stderr";
  EXPECT_EQ(lines[0].rfind("error: ", 0), 0U) << "first line: " << lines[0];
  for (const std::string& f : fragments) {
    EXPECT_NE(lines[0].find(f), std::string::npos) << "error line lacks '" << f << "': " << lines[0];
  }
  EXPECT_LE(lines.size(), 2U) << r.err;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].rfind("(run 'cubed", 0), 0U) << "unexpected stderr line: " << lines[i];
  }
  EXPECT_EQ(r.err.back(), '\n');
}

void expect_success(const RunResult& r) {
  SCOPED_TRACE(r.command);
  expect_no_crash(r);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

// ---- arrays the runs work on -------------------------------------------------------------

StorePath local(const std::string& path) { return storage::open_store_path(path); }

NDBuffer ramp(DType dt, const Shape& shape) {
  NDBuffer b(dt, shape);
  for (std::int64_t i = 0; i < b.size(); ++i) {
    if (is_complex(dt)) {
      b.set(i, Scalar(std::complex<double>(static_cast<double>(i) / 4, -static_cast<double>(i))));
    } else if (is_bool(dt)) {
      b.set(i, Scalar(i % 3 == 1));
    } else if (is_floating(dt)) {
      b.set(i, Scalar(static_cast<double>(i) * 0.25 - 3.0));
    } else {
      b.set(i, Scalar(static_cast<std::int64_t>((i * 37) % 101)));
    }
  }
  return b;
}

/// The chunks every "sparse" array stores: 5 of its 3 x 3 grid.
const std::vector<Shape> kStoredChunks = {{0, 0}, {1, 1}, {2, 2}, {0, 2}, {2, 0}};

/// A float32 (10, 7) array in (4, 3) chunks with a NaN fill value, 5 of its 9
/// chunks stored, attributes, and the given compressor.
ZarrArray make_sparse(const std::string& path, const std::string& compressor = "zstd") {
  ArrayMetadata meta;
  meta.shape = {10, 7};
  meta.chunks = {4, 3};
  meta.dtype = DType::kFloat32;
  meta.compressor = storage::codec_from_spec(compressor);
  meta.fill_value = Scalar(std::nan(""));
  storage::CreateOptions options;
  options.attributes_json = R"({"units": "m", "n": 3})";
  ZarrArray array = ZarrArray::create(local(path), meta, options);
  NDBuffer all = ramp(meta.dtype, meta.shape);
  for (const Shape& coords : kStoredChunks) {
    NDBuffer chunk(meta.dtype, array.grid().chunk_shape(coords));
    copy_region(all, array.grid().chunk_origin(coords), chunk, Shape(2, 0), chunk.shape());
    array.write_chunk(coords, chunk);
  }
  return array;
}

/// Writes a `.zarray` text by hand.
void write_zarray(const std::string& path, const std::string& text) { write_text(fs::path(path) / ".zarray", text); }

/// A valid `.zarray` with one field replaced.
std::string zarray_with(const std::string& field, const std::string& value) {
  Json j = Json::parse(R"({"zarr_format": 2, "shape": [10, 7], "chunks": [4, 3], "dtype": "<f8",
                          "compressor": null, "fill_value": 0, "order": "C", "filters": null})");
  j[field] = Json::parse(value);
  return j.dump();
}

/// Replaces a stored chunk's bytes.
void damage(const std::string& array_path, const std::string& key, const std::string& bytes) {
  write_text(fs::path(array_path) / key, bytes);
}

/// Creates the named input under `dir` (see the table below).
void prepare(const TempDir& dir, const std::string& name) {
  const std::string path = dir / name;
  if (name == "missing" || name == "out") return;
  if (name == "good" || name == "good2") {
    make_sparse(path);
  } else if (name == "plain") {
    write_text(fs::path(path) / "notes.txt", "precious");
  } else if (name == "emptydir") {
    fs::create_directories(path);
  } else if (name == "file") {
    write_text(path, "just a file\n");
  } else if (name == "group") {
    storage::create_group(local(path));
  } else if (name == "gx") {  // an array inside a group
    storage::create_group(local(dir / "g"));
    make_sparse(dir / "g/x");
  } else if (name == "zarr3") {
    write_text(fs::path(path) / "zarr.json", R"({"zarr_format": 3, "node_type": "array"})");
  } else if (name == "format3") {
    write_zarray(path, zarray_with("zarr_format", "3"));
  } else if (name == "malformed") {
    write_zarray(path, R"({"zarr_format": 2, "shape": [10, 7], "chunks": )");
  } else if (name == "notobject") {
    write_zarray(path, "[2, [10, 7]]");
  } else if (name == "emptyzarray") {
    write_zarray(path, "");
  } else if (name == "nofield") {
    write_zarray(path, R"({"zarr_format": 2, "shape": [10, 7], "chunks": [4, 3]})");
  } else if (name == "dtype") {
    write_zarray(path, zarray_with("dtype", R"("<M8[ns]")"));
  } else if (name == "structured") {
    write_zarray(path, zarray_with("dtype", R"([["x", "<f8"], ["y", "<f8"]])"));
  } else if (name == "compressor") {
    write_zarray(path, zarray_with("compressor", R"({"id": "snappy"})"));
  } else if (name == "badblosc") {
    write_zarray(path, zarray_with("compressor", R"({"id": "blosc", "cname": "lz4", "clevel": 11, "shuffle": 1})"));
  } else if (name == "filter") {
    write_zarray(path, zarray_with("filters", R"([{"id": "delta", "dtype": "<f8"}])"));
  } else if (name == "order") {
    write_zarray(path, zarray_with("order", R"("X")"));
  } else if (name == "fill") {
    Json j = Json::parse(zarray_with("dtype", R"("|u1")"));
    j["fill_value"] = 300;
    write_zarray(path, j.dump());
  } else if (name == "rank") {
    write_zarray(path, zarray_with("chunks", "[4]"));
  } else if (name == "zerochunk") {
    write_zarray(path, zarray_with("chunks", "[0, 3]"));
  } else if (name == "negshape") {
    write_zarray(path, zarray_with("shape", "[-10, 7]"));
  } else if (name == "truncated") {
    make_sparse(path, "zstd");
    std::string bytes = read_text(fs::path(path) / "1.1");
    damage(path, "1.1", bytes.substr(0, bytes.size() / 2));
  } else if (name == "corrupt") {
    make_sparse(path, "blosc");
    damage(path, "0.0", "this is not a blosc chunk, just text that is long enough");
  } else if (name == "rawshort") {
    make_sparse(path, "none");
    damage(path, "2.2", "short");
  } else if (name == "emptychunk") {
    make_sparse(path, "gzip");
    damage(path, "0.2", "");
  } else if (name == "bigchunk") {
    // 3.2 GB chunks: fine to describe, too big to copy within 2GB.
    write_zarray(path, R"({"zarr_format": 2, "shape": [10], "chunks": [400000000], "dtype": "<f8",
                           "compressor": null, "fill_value": 0, "order": "C", "filters": null})");
  } else {
    FAIL() << "unknown input " << name;
  }
}

// ---- bad inputs: a table -----------------------------------------------------------------

struct BadCase {
  std::string name;
  /// Arguments; "@NAME" stands for the input NAME under the test's folder
  /// (prepared first), "@NAME/sub" for a path inside it.
  std::vector<std::string> args;
  std::vector<std::string> fragments;  ///< "@NAME" expands here too
  bool usage = false;                  ///< a usage error: exit status 2
};

void PrintTo(const BadCase& row, std::ostream* os) { *os << row.name; }

std::vector<BadCase> bad_cases() {
  std::vector<BadCase> rows = {
      // Program-level usage errors.
      {"NoArguments", {}, {"no command"}, true},
      {"UnknownCommand", {"frobnicate"}, {"unknown command 'frobnicate'"}, true},
      {"UnknownCommandOption", {"--version"}, {"unknown command '--version'"}, true},
      {"CommandCaseMatters", {"INFO", "@good"}, {"unknown command 'INFO'"}, true},
      // info: arguments.
      {"InfoNoPath", {"info"}, {"exactly one PATH"}, true},
      {"InfoTwoPaths", {"info", "@good", "@good2"}, {"exactly one PATH"}, true},
      {"InfoUnknownOption", {"info", "--xyz", "@good"}, {"unknown option --xyz"}, true},
      {"InfoFlagWithValue", {"info", "--json=yes", "@good"}, {"--json takes no value"}, true},
      {"InfoCopyOption", {"info", "--overwrite", "@good"}, {"unknown option --overwrite"}, true},
      {"InfoEmptyPath", {"info", ""}, {"empty path"}, true},
      {"InfoUrlScheme", {"info", "gs://bucket/a.zarr"}, {"unsupported URL scheme", "gs://bucket/a.zarr"}, true},
      // info: what is at the path.
      {"InfoMissingPath", {"info", "@missing"}, {"no Zarr array", "@missing"}},
      {"InfoMissingParent", {"info", "@missing/deeper/a.zarr"}, {"no Zarr array"}},
      {"InfoPlainFolder", {"info", "@plain"}, {"no Zarr array", "@plain"}},
      {"InfoEmptyFolder", {"info", "@emptydir"}, {"no Zarr array"}},
      {"InfoRegularFile", {"info", "@file"}, {"no Zarr array", "@file"}},
      {"InfoGroup", {"info", "@group"}, {"is a Zarr group, not an array", "@group"}},
      {"InfoZarrV3", {"info", "@zarr3"}, {"missing field 'shape'", "@zarr3/zarr.json"}},
      {"InfoMemoryUrlMissing", {"info", "memory://nothing"}, {"no Zarr array", "memory/nothing"}},
      // info: bad metadata.
      {"InfoMalformedJson", {"info", "@malformed"}, {"malformed JSON", "@malformed/.zarray"}},
      {"InfoEmptyZarray", {"info", "@emptyzarray"}, {"malformed JSON", "@emptyzarray/.zarray"}},
      {"InfoNotAnObject", {"info", "@notobject"}, {"expected a JSON object"}},
      {"InfoMissingField", {"info", "@nofield"}, {"missing field 'dtype'", "@nofield/.zarray"}},
      {"InfoZarrFormat3", {"info", "@format3"}, {"unsupported zarr_format 3"}},
      {"InfoUnknownDType", {"info", "@dtype"}, {"unsupported Zarr dtype '<M8[ns]'", "@dtype/.zarray"}},
      {"InfoStructuredDType", {"info", "@structured"}, {"structured"}},
      {"InfoUnknownCompressor", {"info", "@compressor"}, {"unknown compressor 'snappy'", "@compressor/.zarray"}},
      {"InfoBadBloscParams", {"info", "@badblosc"}, {"clevel 11"}},
      {"InfoUnknownFilter", {"info", "@filter"}, {"unsupported filter \"delta\"", "@filter/.zarray"}},
      {"InfoBadOrder", {"info", "@order"}, {"invalid order \"X\""}},
      {"InfoFillOutOfRange", {"info", "@fill"}, {"fill_value 300 is out of range for dtype uint8"}},
      {"InfoChunksRank", {"info", "@rank"}, {"do not match the rank"}},
      {"InfoZeroChunks", {"info", "@zerochunk"}, {"'chunks' must be a list of positive integers"}},
      {"InfoNegativeShape", {"info", "@negshape"}, {"'shape' must be a list of non-negative integers"}},
      // copy: arguments.
      {"CopyNoArguments", {"copy"}, {"SRC and DST"}, true},
      {"CopyOneArgument", {"copy", "@good"}, {"SRC and DST"}, true},
      {"CopyThreeArguments", {"copy", "@good", "@out", "@missing"}, {"SRC and DST"}, true},
      {"CopyUnknownOption", {"copy", "@good", "@out", "--fast"}, {"unknown option --fast"}, true},
      {"CopyUnknownOptionWithValue", {"copy", "@good", "@out", "--level=10"}, {"unknown option --level"}, true},
      {"CopyChunksNotNumbers", {"copy", "@good", "@out", "--chunks", "abc"}, {"invalid chunks 'abc'"}, true},
      {"CopyChunksZero", {"copy", "@good", "@out", "--chunks", "0"}, {"invalid chunks '0'"}, true},
      {"CopyChunksEmpty", {"copy", "@good", "@out", "--chunks="}, {"invalid chunks ''"}, true},
      {"CopyChunksEmptyPart", {"copy", "@good", "@out", "--chunks", "4,,3"}, {"invalid chunks '4,,3'"}, true},
      {"CopyRechunkRank", {"copy", "@good", "@out", "--chunks", "1,2,3"}, {"3 axes", "(10, 7)"}, true},
      {"CopyReservedMemBad", {"copy", "@good", "@out", "--reserved-mem", "xx"}, {"invalid size 'xx'"}, true},
      {"CopyReservedMemAboveAllowed", {"copy", "@good", "@out", "--reserved-mem", "3GB"}, {"exceeds allowed_mem"}},
      {"CopyRechunkTooSmallMem", {"copy", "@good", "@out", "--chunks", "5", "--allowed-mem", "1kB"},
       {"exceeds allowed_mem"}},
      {"CopyOverwriteWithValue", {"copy", "@good", "@out", "--overwrite=yes"}, {"--overwrite takes no value"}, true},
      {"CopyCompressorMissingValue", {"copy", "@good", "@out", "--compressor"}, {"--compressor needs a value"}, true},
      {"CopyAllowedMemMissingValue", {"copy", "@good", "@out", "--allowed-mem"}, {"--allowed-mem needs a value"},
       true},
      {"CopyWorkDirMissingValue", {"copy", "@good", "@out", "--work-dir"}, {"--work-dir needs a value"}, true},
      // copy: bad --compressor specs.
      {"CompressorUnknown", {"copy", "@good", "@out", "--compressor", "snappy"},
       {"compressor spec 'snappy'", "unknown compressor 'snappy'"}, true},
      {"CompressorEmpty", {"copy", "@good", "@out", "--compressor="}, {"empty compressor spec"}, true},
      {"CompressorLevelNotInteger", {"copy", "@good", "@out", "--compressor", "zstd:fast"},
       {"'zstd:fast'", "not an integer"}, true},
      {"CompressorLevelOutOfRange", {"copy", "@good", "@out", "--compressor", "zlib:12"},
       {"'zlib:12'", "level 12"}, true},
      {"CompressorZstdLevelOutOfRange", {"copy", "@good", "@out", "--compressor", "zstd:99"}, {"'zstd:99'"}, true},
      {"CompressorBz2LevelZero", {"copy", "@good", "@out", "--compressor", "bz2:0"}, {"'bz2:0'"}, true},
      {"CompressorLzmaPreset", {"copy", "@good", "@out", "--compressor", "lzma:10"}, {"'lzma:10'", "preset"}, true},
      {"CompressorLz4Acceleration", {"copy", "@good", "@out", "--compressor", "lz4:0"}, {"acceleration 0"}, true},
      {"CompressorTooManyParts", {"copy", "@good", "@out", "--compressor", "zstd:1:2"}, {"too many parts"}, true},
      {"CompressorEmptyParameter", {"copy", "@good", "@out", "--compressor", "zstd:"}, {"parameter 1 is empty"},
       true},
      {"CompressorNoneWithParameter", {"copy", "@good", "@out", "--compressor", "none:1"},
       {"'none' takes no parameters"}, true},
      {"CompressorBloscCname", {"copy", "@good", "@out", "--compressor", "blosc:snappy"}, {"snappy"}, true},
      {"CompressorBloscClevel", {"copy", "@good", "@out", "--compressor", "blosc:lz4:10"}, {"clevel 10"}, true},
      {"CompressorBloscShuffle", {"copy", "@good", "@out", "--compressor", "blosc:lz4:5:sideways"},
       {"shuffle 'sideways'"}, true},
      {"CompressorBloscShuffleNumber", {"copy", "@good", "@out", "--compressor", "blosc:lz4:5:7"}, {"shuffle 7"},
       true},
      {"CompressorJson", {"copy", "@good", "@out", "--compressor", R"({"id":"zstd"})"}, {"compressor spec"}, true},
      // copy: bad --allowed-mem sizes.
      {"AllowedMemUnknownUnit", {"copy", "@good", "@out", "--allowed-mem", "12XB"}, {"invalid size '12XB'"}, true},
      {"AllowedMemNegative", {"copy", "@good", "@out", "--allowed-mem=-1GB"}, {"invalid size '-1GB'"}, true},
      {"AllowedMemEmpty", {"copy", "@good", "@out", "--allowed-mem="}, {"invalid size ''"}, true},
      {"AllowedMemWords", {"copy", "@good", "@out", "--allowed-mem", "lots"}, {"invalid size 'lots'"}, true},
      {"AllowedMemTwoDots", {"copy", "@good", "@out", "--allowed-mem", "1.2.3GB"}, {"invalid size '1.2.3GB'"}, true},
      {"AllowedMemHuge", {"copy", "@good", "@out", "--allowed-mem", "99999999PB"}, {"invalid size"}, true},
      {"AllowedMemLowercaseUnit", {"copy", "@good", "@out", "--allowed-mem", "2gb"}, {"invalid size '2gb'"}, true},
      // copy: bad sources (same messages as info).
      {"CopyMissingSource", {"copy", "@missing", "@out"}, {"no Zarr array", "@missing"}},
      {"CopyPlainFolderSource", {"copy", "@plain", "@out"}, {"no Zarr array"}},
      {"CopyGroupSource", {"copy", "@group", "@out"}, {"is a Zarr group"}},
      {"CopyMalformedJson", {"copy", "@malformed", "@out"}, {"malformed JSON", "@malformed/.zarray"}},
      {"CopyUnknownDType", {"copy", "@dtype", "@out"}, {"'<M8[ns]'"}},
      {"CopyUnknownCompressor", {"copy", "@compressor", "@out"}, {"unknown compressor 'snappy'"}},
      {"CopyUnknownCompressorOverridden", {"copy", "@compressor", "@out", "--compressor", "zstd"},
       {"unknown compressor 'snappy'"}},
      {"CopyUnknownFilter", {"copy", "@filter", "@out"}, {"unsupported filter \"delta\""}},
      {"CopyChunksRank", {"copy", "@rank", "@out"}, {"do not match the rank"}},
      {"CopyZeroChunks", {"copy", "@zerochunk", "@out"}, {"positive integers"}},
      {"CopyFillOutOfRange", {"copy", "@fill", "@out"}, {"out of range"}},
      // copy: damaged chunks (read only by copy).
      {"CopyTruncatedChunk", {"copy", "@truncated", "@out"}, {"@truncated/1.1", "zstd", "corrupt"}},
      {"CopyCorruptChunk", {"copy", "@corrupt", "@out"}, {"@corrupt/0.0", "blosc"}},
      {"CopyShortRawChunk", {"copy", "@rawshort", "@out"}, {"@rawshort/2.2", "uncompressed"}},
      {"CopyEmptyChunk", {"copy", "@emptychunk", "@out"}, {"@emptychunk/0.2", "gzip"}},
      {"CopyCorruptChunkRecompressed", {"copy", "@truncated", "@out", "--compressor", "none"},
       {"@truncated/1.1", "zstd"}},
      // copy: bad destinations.
      {"CopyOntoExistingArray", {"copy", "@good", "@good2"}, {"already exists", "@good2", "--overwrite"}, true},
      {"CopyOntoGroup", {"copy", "@good", "@group"}, {"already exists", "@group", "--overwrite"}, true},
      {"CopyIntoPlainFolder", {"copy", "@good", "@plain"}, {"not a Zarr array or group", "@plain"}, true},
      {"CopyIntoPlainFolderOverwrite", {"copy", "@good", "@plain", "--overwrite"}, {"not a Zarr array or group"},
       true},
      {"CopyOntoItself", {"copy", "@good", "@good", "--overwrite"}, {"same array"}, true},
      {"CopyOntoItselfOtherSpelling", {"copy", "@good", "@good/../good/", "--overwrite"}, {"same array"}, true},
      {"CopyOntoEnclosingGroup", {"copy", "@g/x", "@g", "--overwrite"}, {"inside"}, true},
      {"CopyUnderAFile", {"copy", "@good", "@file/sub.zarr"}, {"cannot", "@file"}},
      {"CopyUrlScheme", {"copy", "@good", "gs://bucket/b.zarr"}, {"unsupported URL scheme"}, true},
      {"CopyWorkDirUnderAFile", {"copy", "@good", "@out", "--work-dir", "@file/work"}, {"cannot create work dir"}},
      // copy: memory.
      {"CopyAllowedMemTooSmall", {"copy", "@good", "@out", "--allowed-mem", "1kB"},
       {"exceeds allowed_mem", "1.0 kB"}},
      {"CopyAllowedMemBelowReserved", {"copy", "@good", "@out", "--allowed-mem", "50MB"}, {"exceeds allowed_mem"}},
      {"CopyChunkTooBigForDefault", {"copy", "@bigchunk", "@out"}, {"exceeds allowed_mem", "chunk 3.2 GB"}},
  };
  return rows;
}

/// Replaces "@NAME" by the input's path under `dir`; collects the names.
std::string expand(const std::string& text, const TempDir& dir, std::set<std::string>* names) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '@') {
      out += text[i++];
      continue;
    }
    std::size_t end = i + 1;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
    const std::string name = text.substr(i + 1, end - i - 1);
    if (names != nullptr) names->insert(name);
    out += dir / name;
    i = end;
  }
  return out;
}

class BadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInput, OneErrorLineAndNonZeroStatus) {
  const BadCase& row = GetParam();
  TempDir dir;
  std::set<std::string> names;
  std::vector<std::string> args;
  for (const std::string& a : row.args) args.push_back(expand(a, dir, &names));
  for (const std::string& name : names) {
    prepare(dir, name == "g" ? "gx" : name);
  }
  std::vector<std::string> fragments;
  for (const std::string& f : row.fragments) fragments.push_back(expand(f, dir, nullptr));
  // What the run must leave as it was.
  std::map<std::string, std::string> before;
  for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
    if (entry.is_regular_file()) before[entry.path().string()] = read_text(entry.path());
  }

  RunResult r = run_cli(args);
  expect_failure(r, fragments);
  if (row.usage) {
    EXPECT_EQ(r.status, 2) << r.command;
  }

  // A failed run changes no input and leaves no array at the destination.
  for (const auto& [path, content] : before) {
    EXPECT_TRUE(fs::exists(path)) << path << " was removed by " << r.command;
    if (fs::exists(path)) {
      EXPECT_EQ(read_text(path), content) << path << " was changed by " << r.command;
    }
  }
  EXPECT_FALSE(fs::exists(fs::path(dir / "out") / ".zarray")) << "a failed copy left a complete-looking array";
}

INSTANTIATE_TEST_SUITE_P(Rows, BadInput, ::testing::ValuesIn(bad_cases()),
                         [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(BadInputTable, RowNamesAreUnique) {
  std::set<std::string> names;
  for (const BadCase& row : bad_cases()) EXPECT_TRUE(names.insert(row.name).second) << row.name;
}

// A damaged chunk does not stop `info`, which reads no chunk.
TEST(BadInputTable, InfoDoesNotReadChunks) {
  TempDir dir;
  for (const char* name : {"truncated", "corrupt", "rawshort", "emptychunk", "bigchunk"}) {
    prepare(dir, name);
    RunResult r = run_cli({"info", dir / name});
    expect_success(r);
    EXPECT_NE(r.out.find("Shape"), std::string::npos) << r.out;
    r = run_cli({"info", "--json", dir / name});
    expect_success(r);
    Json parsed;
    EXPECT_NO_THROW(parsed = Json::parse(r.out)) << r.out;
    EXPECT_TRUE(parsed.is_object()) << r.out;
  }
}

// A `.zarray` that is a FIFO must not block in open(2), and a chunk that is a
// link to /dev/zero must not be read until memory runs out: LocalStore::get
// refuses anything but regular files.
TEST(SpecialFiles, ZarrayIsAFifo) {
  TempDir dir;
  fs::create_directories(dir.path() / "fifo.zarr");
  ASSERT_EQ(::mkfifo((dir.path() / "fifo.zarr/.zarray").c_str(), 0644), 0);
  expect_failure(run_cli({"info", dir / "fifo.zarr"}), {dir / "fifo.zarr"});
}

TEST(SpecialFiles, ChunkIsDevZero) {
  TempDir dir;
  make_sparse(dir / "a.zarr", "none");
  fs::remove(dir.path() / "a.zarr/1.1");
  fs::create_symlink("/dev/zero", dir.path() / "a.zarr/1.1");
  expect_failure(run_cli({"copy", dir / "a.zarr", dir / "b.zarr"}), {"1.1"});
}

// ---- help --------------------------------------------------------------------------------

TEST(Help, ProgramHelp) {
  for (const char* flag : {"--help", "-h", "help"}) {
    RunResult r = run_cli({flag});
    expect_success(r);
    EXPECT_EQ(r.out.rfind("usage: cubed", 0), 0U) << r.out;
    EXPECT_NE(r.out.find("info"), std::string::npos);
    EXPECT_NE(r.out.find("copy"), std::string::npos);
  }
}

TEST(Help, CommandHelp) {
  for (const char* command : {"info", "copy"}) {
    for (const char* flag : {"--help", "-h"}) {
      RunResult r = run_cli({command, flag});
      expect_success(r);
      EXPECT_EQ(r.out.rfind(std::string("usage: cubed ") + command, 0), 0U) << r.out;
    }
  }
  RunResult r = run_cli({"copy", "--help"});
  for (const char* option : {"--compressor", "--allowed-mem", "--work-dir", "--overwrite"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
  }
  r = run_cli({"info", "--help"});
  EXPECT_NE(r.out.find("--json"), std::string::npos);
  // --help wins over anything else on the line, even bad arguments.
  r = run_cli({"copy", "nowhere", "--bogus", "--help"});
  expect_success(r);
  EXPECT_EQ(r.out.rfind("usage: cubed copy", 0), 0U) << r.out;
}

// ---- info ------------------------------------------------------------------------------------

TEST(Info, Text) {
  TempDir dir;
  make_sparse(dir / "a.zarr");
  RunResult r = run_cli({"info", dir / "a.zarr"});
  expect_success(r);
  for (const char* line :
       {"Data type           : float32 (<f4)", "Shape               : (10, 7)", "Chunk shape         : (4, 3)",
        "Chunk grid          : (3, 3)", "Order               : C", "Compressor          : {\"id\":\"zstd\"",
        "Fill value          : nan", "No. chunks          : 9", "Chunks initialized  : 5",
        "No. bytes           : 280 (280 B)"}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << "missing '" << line << "' in\n" << r.out;
  }
}

struct InfoCase {
  std::string name;
  DType dtype;
  Shape shape;
  Shape chunks;
  std::string compressor;
  std::optional<Scalar> fill;
  storage::Order order;
  Endian endian;
  char separator;
  bool write_some;
};

void PrintTo(const InfoCase& row, std::ostream* os) { *os << row.name; }

class InfoJson : public ::testing::TestWithParam<InfoCase> {};

TEST_P(InfoJson, MatchesTheLibrary) {
  const InfoCase& row = GetParam();
  TempDir dir;
  ArrayMetadata meta;
  meta.shape = row.shape;
  meta.chunks = row.chunks;
  meta.dtype = row.dtype;
  meta.compressor = storage::codec_from_spec(row.compressor);
  meta.fill_value = row.fill;
  meta.order = row.order;
  meta.endian = row.endian;
  meta.dimension_separator = row.separator;
  const std::string path = dir / "arr.zarr";
  ZarrArray array = ZarrArray::create(local(path), meta);
  if (row.write_some) {
    NDBuffer all = ramp(meta.dtype, meta.shape);
    std::int64_t n = 0;
    for_each_index(array.grid().grid_shape(), [&](const Shape& coords) {
      if (n++ % 2 != 0) return;
      NDBuffer chunk(meta.dtype, array.grid().chunk_shape(coords));
      copy_region(all, array.grid().chunk_origin(coords), chunk, Shape(coords.size(), 0), chunk.shape());
      array.write_chunk(coords, chunk);
    });
  }
  ZarrArray opened = ZarrArray::open(local(path));
  const ArrayMetadata& m = opened.metadata();

  // --json before and after the path.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"info", "--json", path}, std::vector<std::string>{"info", path, "--json"}}) {
    RunResult r = run_cli(args);
    expect_success(r);
    Json j;
    ASSERT_NO_THROW(j = Json::parse(r.out)) << r.out;
    ASSERT_TRUE(j.is_object());
    for (const char* key : {"shape", "chunks", "dtype", "compressor", "fill_value", "order", "nchunks",
                            "nchunks_initialized", "nbytes", "nbytes_stored"}) {
      EXPECT_TRUE(j.contains(key)) << key;
    }
    EXPECT_EQ(j["shape"], Json(m.shape));
    EXPECT_EQ(j["chunks"], Json(m.chunks));
    EXPECT_EQ(j["dtype"], std::string(dtype_name(m.dtype)));
    EXPECT_EQ(j["zarr_dtype"], zarr_v2_dtype(m.dtype, m.endian));
    EXPECT_EQ(j["compressor"], m.compressor ? Json::parse(m.compressor->config_json()) : Json(nullptr));
    EXPECT_EQ(j["fill_value"], Json::parse(storage::fill_value_json(m.fill_value, m.dtype)));
    EXPECT_EQ(j["order"], m.order == storage::Order::kC ? "C" : "F");
    EXPECT_EQ(j["dimension_separator"], std::string(1, m.dimension_separator));
    EXPECT_EQ(j["nchunks"], opened.grid().num_chunks());
    EXPECT_EQ(j["nchunks_initialized"], opened.nchunks_initialized());
    EXPECT_EQ(j["nbytes"], shape_size(m.shape) * item_size(m.dtype));
    EXPECT_EQ(j["nbytes_stored"], opened.nbytes_stored());
    EXPECT_EQ(j["zarr_format"], 2);
    // The fill value as written in `.zarray`.
    Json zarray = Json::parse(read_text(fs::path(path) / ".zarray"));
    EXPECT_EQ(j["fill_value"], zarray["fill_value"]);
    EXPECT_EQ(j["compressor"], zarray["compressor"]);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Arrays, InfoJson,
    ::testing::Values(
        InfoCase{"Float32Zstd", DType::kFloat32, {10, 7}, {4, 3}, "zstd", Scalar(std::nan("")), storage::Order::kC,
                 Endian::kLittle, '.', true},
        InfoCase{"Int16BigEndianFortranSlash", DType::kInt16, {9, 8, 3}, {4, 4, 2}, "blosc:zstd:3:bitshuffle",
                 Scalar(-7), storage::Order::kF, Endian::kBig, '/', true},
        InfoCase{"BoolRaw", DType::kBool, {13}, {5}, "none", Scalar(true), storage::Order::kC, Endian::kLittle, '.',
                 true},
        InfoCase{"Complex128NullFill", DType::kComplex128, {4, 4}, {2, 2}, "lzma", std::nullopt, storage::Order::kC,
                 Endian::kLittle, '.', true},
        InfoCase{"Complex64Fill", DType::kComplex64, {3}, {3}, "gzip:9", Scalar(std::complex<double>(1.5, -2)),
                 storage::Order::kC, Endian::kLittle, '.', false},
        InfoCase{"UInt64MaxFill", DType::kUInt64, {6, 6}, {6, 6}, "bz2", Scalar(std::uint64_t{18446744073709551615U}),
                 storage::Order::kC, Endian::kLittle, '.', true},
        InfoCase{"ZeroDimensional", DType::kFloat64, {}, {}, "lz4", Scalar(2.5), storage::Order::kC,
                 Endian::kLittle, '.', true},
        InfoCase{"EmptyAxis", DType::kInt32, {0, 5}, {2, 2}, "zlib", Scalar(0), storage::Order::kC, Endian::kLittle,
                 '.', false},
        InfoCase{"NoChunksWritten", DType::kUInt8, {100, 100}, {10, 10}, "blosc", Scalar(255), storage::Order::kC,
                 Endian::kLittle, '.', false}),
    [](const ::testing::TestParamInfo<InfoCase>& info) { return info.param.name; });

// ---- copy ------------------------------------------------------------------------------------

/// Checks that `dst` holds the same array as `src`, with `compressor_id`
/// (empty: none) and the same unwritten chunks.
void expect_same_array(const std::string& src, const std::string& dst, const std::string& compressor_id) {
  ZarrArray a = ZarrArray::open(local(src));
  ZarrArray b = ZarrArray::open(local(dst));
  const ArrayMetadata& ma = a.metadata();
  const ArrayMetadata& mb = b.metadata();
  EXPECT_EQ(mb.shape, ma.shape);
  EXPECT_EQ(mb.chunks, ma.chunks);
  EXPECT_EQ(mb.dtype, ma.dtype);
  EXPECT_EQ(mb.endian, ma.endian);
  EXPECT_EQ(mb.order, ma.order);
  EXPECT_EQ(mb.dimension_separator, ma.dimension_separator);
  EXPECT_EQ(storage::fill_value_json(mb.fill_value, mb.dtype), storage::fill_value_json(ma.fill_value, ma.dtype));
  if (compressor_id.empty()) {
    EXPECT_EQ(mb.compressor, nullptr);
  } else {
    ASSERT_NE(mb.compressor, nullptr);
    EXPECT_EQ(mb.compressor->id(), compressor_id);
  }
  EXPECT_TRUE(a.read_all() == b.read_all()) << "values differ";
  EXPECT_EQ(b.nchunks_initialized(), a.nchunks_initialized());
  for_each_index(a.grid().grid_shape(), [&](const Shape& coords) {
    EXPECT_EQ(b.chunk_stored(coords), a.chunk_stored(coords)) << shape_to_string(coords);
  });
  EXPECT_EQ(Json::parse(b.attributes_json()), Json::parse(a.attributes_json()));
}

struct CopyCase {
  std::string spec;  ///< --compressor value; "" = no option
  std::string id;    ///< expected compressor id of the copy; "" = none
  std::string json;  ///< expected fields of its config, e.g. {"level": 5}
};

void PrintTo(const CopyCase& row, std::ostream* os) { *os << (row.spec.empty() ? "(default)" : row.spec); }

class CopyCompressor : public ::testing::TestWithParam<CopyCase> {};

TEST_P(CopyCompressor, SameValuesAndUnwrittenChunks) {
  const CopyCase& row = GetParam();
  TempDir dir;
  make_sparse(dir / "src.zarr", "lz4");
  std::vector<std::string> args = {"copy", dir / "src.zarr", dir / "nested/dst.zarr"};
  if (!row.spec.empty()) {
    args.push_back("--compressor");
    args.push_back(row.spec);
  }
  RunResult r = run_cli(args);
  expect_success(r);
  EXPECT_NE(r.out.find("copied 5 of 9 chunks"), std::string::npos) << r.out;
  expect_same_array(dir / "src.zarr", dir / "nested/dst.zarr", row.id);
  ZarrArray dst = ZarrArray::open(local(dir / "nested/dst.zarr"));
  EXPECT_FALSE(dst.chunk_stored({1, 0}));
  EXPECT_FALSE(fs::exists(dir.path() / "nested/dst.zarr/1.0"));
  if (!row.json.empty()) {
    ASSERT_NE(dst.metadata().compressor, nullptr);
    Json config = Json::parse(dst.metadata().compressor->config_json());
    const Json expected = Json::parse(row.json);
    for (const auto& [key, value] : expected.items()) EXPECT_EQ(config[key], value) << key;
  }
  // The `.zarray` on disk names the same compressor.
  Json zarray = Json::parse(read_text(dir.path() / "nested/dst.zarr/.zarray"));
  if (row.id.empty()) {
    EXPECT_TRUE(zarray["compressor"].is_null());
  } else {
    EXPECT_EQ(zarray["compressor"]["id"], row.id);
  }
}

INSTANTIATE_TEST_SUITE_P(Specs, CopyCompressor,
                         ::testing::Values(CopyCase{"", "lz4", ""}, CopyCase{"none", "", ""},
                                           CopyCase{"zstd", "zstd", R"({"level": 1})"},
                                           CopyCase{"zstd:7", "zstd", R"({"level": 7})"},
                                           CopyCase{"lz4", "lz4", ""},
                                           CopyCase{"lz4:3", "lz4", R"({"acceleration": 3})"},
                                           CopyCase{"zlib", "zlib", ""},
                                           CopyCase{"zlib:9", "zlib", R"({"level": 9})"},
                                           CopyCase{"gzip", "gzip", ""},
                                           CopyCase{"gzip:2", "gzip", R"({"level": 2})"},
                                           CopyCase{"bz2", "bz2", ""},
                                           CopyCase{"bz2:9", "bz2", R"({"level": 9})"},
                                           CopyCase{"lzma", "lzma", ""},
                                           CopyCase{"lzma:1", "lzma", R"({"preset": 1})"},
                                           CopyCase{"blosc", "blosc", R"({"cname": "lz4", "clevel": 5, "shuffle": 1})"},
                                           CopyCase{"blosc:zstd", "blosc", R"({"cname": "zstd"})"},
                                           CopyCase{"blosc:zlib:1", "blosc", R"({"cname": "zlib", "clevel": 1})"},
                                           CopyCase{"blosc:lz4hc:9:bitshuffle", "blosc",
                                                    R"({"cname": "lz4hc", "clevel": 9, "shuffle": 2})"},
                                           CopyCase{"blosc:blosclz:3:noshuffle", "blosc",
                                                    R"({"cname": "blosclz", "shuffle": 0})"},
                                           CopyCase{"blosc:lz4:5:2", "blosc", R"({"shuffle": 2})"}),
                         [](const ::testing::TestParamInfo<CopyCase>& info) {
                           std::string name = info.param.spec.empty() ? "Default" : info.param.spec;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(Copy, PreservesLayout) {
  // Big-endian, Fortran order, '/' separator, an odd fill value, edge chunks.
  TempDir dir;
  ArrayMetadata meta;
  meta.shape = {9, 8, 3};
  meta.chunks = {4, 3, 2};
  meta.dtype = DType::kInt16;
  meta.endian = Endian::kBig;
  meta.order = storage::Order::kF;
  meta.dimension_separator = '/';
  meta.fill_value = Scalar(-99);
  meta.compressor = storage::codec_from_spec("zlib:3");
  ZarrArray src = ZarrArray::create(local(dir / "src.zarr"), meta);
  src.write_all(ramp(meta.dtype, meta.shape));
  RunResult r = run_cli({"copy", "--compressor=bz2", dir / "src.zarr", dir / "dst.zarr"});
  expect_success(r);
  expect_same_array(dir / "src.zarr", dir / "dst.zarr", "bz2");
  EXPECT_TRUE(fs::exists(dir.path() / "dst.zarr/2/2/1"));
}

TEST(Copy, OverwriteReplacesAnExistingArray) {
  TempDir dir;
  make_sparse(dir / "src.zarr", "zstd");
  // A bigger array with more chunks and another dtype at the destination.
  ArrayMetadata old;
  old.shape = {100};
  old.chunks = {10};
  old.dtype = DType::kInt64;
  old.compressor = nullptr;
  ZarrArray existing = ZarrArray::create(local(dir / "dst.zarr"), old);
  existing.write_all(ramp(DType::kInt64, {100}));
  ASSERT_TRUE(fs::exists(dir.path() / "dst.zarr/9"));

  RunResult refused = run_cli({"copy", dir / "src.zarr", dir / "dst.zarr"});
  expect_failure(refused, {"already exists"});
  EXPECT_EQ(ZarrArray::open(local(dir / "dst.zarr")).shape(), (Shape{100}));

  RunResult r = run_cli({"copy", dir / "src.zarr", dir / "dst.zarr", "--overwrite", "--compressor", "gzip"});
  expect_success(r);
  expect_same_array(dir / "src.zarr", dir / "dst.zarr", "gzip");
  // No key of the old array is left.
  EXPECT_FALSE(fs::exists(dir.path() / "dst.zarr/9"));
  EXPECT_FALSE(fs::exists(dir.path() / "dst.zarr/0"));
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path() / "dst.zarr")) names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{".zarray", ".zattrs", "0.0", "1.1", "2.2", "0.2", "2.0"}));
}

TEST(Copy, OverwriteReplacesAGroup) {
  TempDir dir;
  make_sparse(dir / "src.zarr");
  storage::create_group(local(dir / "g.zarr"), R"({"old": true})");
  RunResult r = run_cli({"copy", dir / "src.zarr", dir / "g.zarr", "--overwrite"});
  expect_success(r);
  EXPECT_FALSE(fs::exists(dir.path() / "g.zarr/.zgroup"));
  expect_same_array(dir / "src.zarr", dir / "g.zarr", "zstd");
}

TEST(Copy, MemoryOptionsAndWorkDir) {
  TempDir dir;
  make_sparse(dir / "src.zarr");
  RunResult r = run_cli({"copy", dir / "src.zarr", dir / "dst.zarr", "--allowed-mem=500MB", "--work-dir",
                         dir / "work/tmp"});
  expect_success(r);
  EXPECT_TRUE(fs::is_directory(dir.path() / "work/tmp"));
  expect_same_array(dir / "src.zarr", dir / "dst.zarr", "zstd");
  r = run_cli({"copy", dir / "src.zarr", dir / "dst2.zarr", "--allowed-mem", "1GiB"});
  expect_success(r);
  expect_same_array(dir / "src.zarr", dir / "dst2.zarr", "zstd");
}

TEST(Copy, EmptyArray) {
  TempDir dir;
  ArrayMetadata meta;
  meta.shape = {0, 4};
  meta.chunks = {2, 2};
  meta.dtype = DType::kUInt32;
  meta.compressor = storage::codec_from_spec("zstd");
  ZarrArray::create(local(dir / "src.zarr"), meta);
  RunResult r = run_cli({"copy", dir / "src.zarr", dir / "dst.zarr"});
  expect_success(r);
  EXPECT_NE(r.out.find("copied 0 of 0 chunks"), std::string::npos) << r.out;
  EXPECT_EQ(ZarrArray::open(local(dir / "dst.zarr")).shape(), (Shape{0, 4}));
}

TEST(Copy, PathsWithSpacesAndQuotes) {
  TempDir dir;
  make_sparse(dir / "my data's.zarr");
  RunResult r = run_cli({"copy", dir / "my data's.zarr", dir / "out put.zarr"});
  expect_success(r);
  expect_same_array(dir / "my data's.zarr", dir / "out put.zarr", "zstd");
}

}  // namespace
}  // namespace cubed
