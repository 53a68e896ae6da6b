// Interoperability with zarr-python 2.13 (Debian's python3-zarr), both ways,
// and with GDAL's Zarr driver:
// - zarr-python writes every dtype with every codec, both orders and both
//   dimension separators, big-endian too, with chunks left unwritten;
//   cubed-cpp reads them and checks every value (ReadsZarrPythonArrays);
// - cubed-cpp writes the same kind of matrix and zarr-python (and, for a
//   few arrays, GDAL) checks every value and the metadata
//   (ZarrPythonReadsCubedArrays);
// - `cubed info --json` agrees with zarr-python, and `cubed copy` output
//   opens in zarr-python (CliInfoAndCopyAgreeWithZarrPython).
//
// The scripts run under /usr/bin/python3 (the python3 first on PATH may be
// another interpreter without zarr). When it cannot import zarr the tests
// fail: CI installs python3-zarr, python3-numpy and python3-gdal.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "cubed/core/error.hpp"
#include "cubed/core/ndbuffer.hpp"
#include "cubed/storage/codecs/codec.hpp"
#include "cubed/storage/store.hpp"
#include "cubed/storage/zarr/metadata.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"
#include "test_util.hpp"

namespace cubed::storage {
namespace {

static_assert(std::endian::native == std::endian::little, "the expected-value files are little-endian");

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kPython = "/usr/bin/python3";

// ---- running commands ---------------------------------------------------------

using testing::shell_quote;

struct CommandResult {
  int status = -1;  ///< exit status, or -1 when the command did not exit normally
  std::string output;  ///< stdout and stderr
};

CommandResult run(const std::string& command) {
  CommandResult result;
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    result.output = "popen failed: " + std::string(std::strerror(errno));
    return result;
  }
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status != -1 && WIFEXITED(status)) result.status = WEXITSTATUS(status);
  return result;
}

std::string script(const char* name) { return (fs::path(CUBED_SOURCE_DIR) / "tests" / "interop" / name).string(); }

std::string cli() { return CUBED_CLI_PATH; }

using testing::TempDir;

std::vector<std::uint8_t> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, std::span<const std::uint8_t> bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// Why /usr/bin/python3 cannot run the scripts, or "" when it can.
std::string python_problem() {
  CommandResult r = run(std::string(kPython) + " -c 'import zarr, numcodecs, numpy; print(zarr.__version__)'");
  if (r.status == 0) return "";
  return fmt::format(
      "{} cannot import zarr, numcodecs and numpy (install Debian's python3-zarr and python3-numpy; "
      "the interoperability tests need them and do not skip): exit {}: {}",
      kPython, r.status, r.output);
}

// ---- comparing values -----------------------------------------------------------

// Whether two elements of a floating type are the same: the same bits, or
// both NaN.
template <class F>
bool same_float(const std::uint8_t* a, const std::uint8_t* b) {
  F x;
  F y;
  std::memcpy(&x, a, sizeof(F));
  std::memcpy(&y, b, sizeof(F));
  return std::memcmp(a, b, sizeof(F)) == 0 || (std::isnan(x) && std::isnan(y));
}

// "" when `got` holds exactly the values of `expected` (C order,
// little-endian), else a description of the differences. Floats compare
// bitwise, with any NaN equal to any NaN.
std::string compare_values(const NDBuffer& got, const std::vector<std::uint8_t>& expected) {
  if (static_cast<std::size_t>(got.nbytes()) != expected.size()) {
    return fmt::format("{} bytes read, {} expected", got.nbytes(), expected.size());
  }
  // Empty arrays: nothing to compare (and memcmp must not see a null pointer).
  if (expected.empty() || std::memcmp(got.data(), expected.data(), expected.size()) == 0) return "";
  const DType dt = got.dtype();
  const std::size_t item = static_cast<std::size_t>(item_size(dt));
  std::int64_t differ = 0;
  std::int64_t first = -1;
  for (std::int64_t i = 0; i < got.size(); ++i) {
    const std::uint8_t* a = got.data() + static_cast<std::size_t>(i) * item;
    const std::uint8_t* b = expected.data() + static_cast<std::size_t>(i) * item;
    bool same = false;
    switch (dt) {
      case DType::kFloat32: same = same_float<float>(a, b); break;
      case DType::kFloat64: same = same_float<double>(a, b); break;
      case DType::kComplex64: same = same_float<float>(a, b) && same_float<float>(a + 4, b + 4); break;
      case DType::kComplex128: same = same_float<double>(a, b) && same_float<double>(a + 8, b + 8); break;
      default: same = std::memcmp(a, b, item) == 0; break;
    }
    if (!same) {
      ++differ;
      if (first < 0) first = i;
    }
  }
  if (differ == 0) return "";
  return fmt::format("{} of {} values differ; first at flat index {}: got {}, expected {}", differ, got.size(),
                     first, got.get(first).to_string(),
                     Scalar::load(dt, expected.data() + static_cast<std::size_t>(first) * item).to_string());
}

Json json_of(const std::string& text) { return Json::parse(text); }

// ---- the zarr-python side, written once per test program ------------------------

// CTest runs each test in its own process, so the zarr-python arrays are
// written on first use, by the tests that read them.
class ZarrPythonInterop : public ::testing::Test {
 protected:
  static void TearDownTestSuite() {
    delete manifest_;
    manifest_ = nullptr;
    delete dir_;
    dir_ = nullptr;
    python_checked_ = false;
    written_ = false;
  }

  // "" when /usr/bin/python3 has zarr, else why not.
  static const std::string& python() {
    if (!python_checked_) {
      problem_ = python_problem();
      python_checked_ = true;
    }
    return problem_;
  }

  // Runs zarr_python_write.py once; "" on success, else what failed.
  static const std::string& python_arrays_written() {
    if (!python().empty() || written_) return problem_;
    written_ = true;
    dir_ = new TempDir("cubed-interop");
    const auto start = std::chrono::steady_clock::now();
    CommandResult r = run(fmt::format("{} {} {}", kPython, shell_quote(script("zarr_python_write.py")),
                                      shell_quote(python_dir().string())));
    if (r.status != 0) {
      problem_ = fmt::format("zarr_python_write.py failed with exit {}:\n{}", r.status, r.output);
      return problem_;
    }
    try {
      manifest_ = new Json(Json::parse(read_file(python_dir() / "manifest.json")));
    } catch (const std::exception& e) {
      problem_ = std::string("cannot read the manifest of zarr_python_write.py: ") + e.what();
      return problem_;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("zarr-python wrote %zu arrays in %.1f s\n", (*manifest_)["arrays"].size(), seconds);
    return problem_;
  }

  static fs::path python_dir() { return dir_->path() / "zarr-python"; }
  static const Json& python_arrays() { return (*manifest_)["arrays"]; }

  static std::string problem_;
  static bool python_checked_;
  static bool written_;
  static TempDir* dir_;
  static Json* manifest_;
};

std::string ZarrPythonInterop::problem_;
bool ZarrPythonInterop::python_checked_ = false;
bool ZarrPythonInterop::written_ = false;
TempDir* ZarrPythonInterop::dir_ = nullptr;
Json* ZarrPythonInterop::manifest_ = nullptr;

#define REQUIRE_PYTHON() ASSERT_TRUE(python().empty()) << python()
#define REQUIRE_PYTHON_ARRAYS() ASSERT_TRUE(python_arrays_written().empty()) << python_arrays_written()

// (1) cubed-cpp reads what zarr-python wrote.
TEST_F(ZarrPythonInterop, ReadsZarrPythonArrays) {
  REQUIRE_PYTHON_ARRAYS();
  ASSERT_GE(python_arrays().size(), 300u);
  std::int64_t values_checked = 0;
  for (const Json& e : python_arrays()) {
    const std::string name = e["name"];
    SCOPED_TRACE(name);
    try {
      const auto array = ZarrArray::open(open_store_path((python_dir() / e["path"].get<std::string>()).string()));
      const ArrayMetadata& m = array.metadata();
      // Metadata as zarr-python wrote it.
      EXPECT_EQ(Json(m.shape), e["shape"]);
      EXPECT_EQ(Json(m.chunks), e["chunks"]);
      EXPECT_EQ(dtype_name(m.dtype), e["dtype"].get<std::string>());
      EXPECT_EQ(zarr_v2_dtype(m.dtype, m.endian), e["zarr_dtype"].get<std::string>());
      EXPECT_EQ(m.order == Order::kC ? "C" : "F", e["order"].get<std::string>());
      EXPECT_EQ(std::string(1, m.dimension_separator), e["dimension_separator"].get<std::string>());
      EXPECT_EQ(m.compressor ? json_of(m.compressor->config_json()) : Json(nullptr), e["compressor"]);
      EXPECT_EQ(json_of(fill_value_json(m.fill_value, m.dtype)), e["fill_value"]);
      EXPECT_EQ(json_of(array.attributes_json()), e["attributes"]);
      // Every value.
      const std::vector<std::uint8_t> expected = read_file(python_dir() / e["expected"].get<std::string>());
      const NDBuffer got = array.read_all();
      EXPECT_EQ(got.shape(), m.shape);
      const std::string diff = compare_values(got, expected);
      EXPECT_TRUE(diff.empty()) << diff;
      values_checked += got.size();
      // Chunk counts: the files on disk, and zarr-python's own numbers where
      // zarr-python 2.13 counts right (flat keys, ndim >= 1).
      EXPECT_EQ(array.grid().num_chunks(), e["nchunks"].get<std::int64_t>());
      EXPECT_EQ(array.nchunks_initialized(), e["nchunks_initialized"].get<std::int64_t>());
      EXPECT_EQ(array.nbytes_stored(), e["nbytes_stored"].get<std::int64_t>());
      if (e["zarr_python_counts_exact"].get<bool>()) {
        EXPECT_EQ(array.nchunks_initialized(), e["zarr_python"]["nchunks_initialized"].get<std::int64_t>());
        EXPECT_EQ(array.nbytes_stored(), e["zarr_python"]["nbytes_stored"].get<std::int64_t>());
      }
    } catch (const std::exception& ex) {
      ADD_FAILURE() << "reading " << name << " threw: " << ex.what();
    }
  }
  std::printf("checked %lld values of %zu zarr-python arrays\n", static_cast<long long>(values_checked),
              python_arrays().size());
}

// ---- the cubed-cpp side ---------------------------------------------------------

std::uint64_t mix(std::uint64_t x) {  // splitmix64
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

template <class T> struct IsComplex : std::false_type {};
template <class T> struct IsComplex<std::complex<T>> : std::true_type {};

// Special floating values, placed at a stride so that several chunks hold
// them: NaN (with a payload, negative, signalling), infinities, -0.0,
// subnormal and extreme values.
template <class F>
std::vector<F> special_floats() {
  using Limits = std::numeric_limits<F>;
  std::vector<F> v = {Limits::quiet_NaN(), Limits::infinity(), -Limits::infinity(), F(-0.0), F(0.0),
                      Limits::denorm_min(), -Limits::min(), Limits::max(), Limits::lowest(), Limits::epsilon(),
                      F(1), F(-1)};
  if constexpr (sizeof(F) == 8) {
    for (std::uint64_t bits : {0x7FF8000000000123ULL, 0xFFF8000000000000ULL, 0x7FF0000000000001ULL}) {
      v.push_back(std::bit_cast<double>(bits));
    }
  } else {
    for (std::uint32_t bits : {0x7FC00123U, 0xFFC00000U, 0x7F800001U}) v.push_back(std::bit_cast<float>(bits));
  }
  return v;
}

template <class F>
F float_element(std::uint64_t seed, std::int64_t i, std::int64_t n) {
  static const std::vector<F> specials = special_floats<F>();
  for (std::size_t p = specials.size(); p-- > 0;) {
    if (static_cast<std::int64_t>(p * 7) % n == i) return specials[p];
  }
  const std::uint64_t r = mix(seed * 1000003 + static_cast<std::uint64_t>(i));
  const double unit = static_cast<double>(r >> 11) / 9007199254740992.0 - 0.5;
  return static_cast<F>(unit * std::pow(10.0, static_cast<int>(r % 17) - 8));
}

template <class T>
T element(std::uint64_t seed, std::int64_t i, std::int64_t n) {
  const std::uint64_t r = mix(seed * 1000003 + static_cast<std::uint64_t>(i));
  if constexpr (std::is_same_v<T, bool>) {
    return (r & 1) != 0;
  } else if constexpr (std::is_integral_v<T>) {
    using Limits = std::numeric_limits<T>;
    std::vector<T> specials = {Limits::min(), Limits::max(), T(0), T(1), T(Limits::max() - 1), T(Limits::min() + 1)};
    if constexpr (std::is_signed_v<T>) specials.push_back(T(-1));
    if (i < static_cast<std::int64_t>(specials.size())) return specials[static_cast<std::size_t>(i)];
    if (i % 5 == 0) return static_cast<T>((i / 5) % 100);
    return static_cast<T>(r);  // every bit pattern (modular conversion)
  } else if constexpr (IsComplex<T>::value) {
    using F = typename T::value_type;
    return T(float_element<F>(seed + 1, i, n), float_element<F>(seed + 2, n - 1 - i, n));
  } else {
    return float_element<T>(seed, i, n);
  }
}

NDBuffer make_values(DType dt, const Shape& shape, std::uint64_t seed) {
  NDBuffer b(dt, shape);
  visit_dtype(dt, [&](auto tag) {
    using T = typename decltype(tag)::type;
    auto s = b.span<T>();
    for (std::int64_t i = 0; i < b.size(); ++i) s[static_cast<std::size_t>(i)] = element<T>(seed, i, b.size());
  });
  return b;
}

// A fill value and how zarr-python must see it in .zarray (written by hand
// here, not by the library under test).
struct FillCase {
  std::optional<Scalar> value;
  Json json;
};

std::vector<FillCase> fill_cases(DType dt) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  if (is_bool(dt)) return {{Scalar(false), false}, {Scalar(true), true}, {std::nullopt, nullptr}};
  if (is_signed_integer(dt)) {
    const auto [lo, hi] = visit_dtype(dt, [](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_integral_v<T>) {
        return std::pair<std::int64_t, std::int64_t>(std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
      } else {
        return std::pair<std::int64_t, std::int64_t>(0, 0);
      }
    });
    return {{Scalar(0), 0}, {Scalar(-7), -7}, {std::nullopt, nullptr}, {Scalar(lo), lo}, {Scalar(hi), hi}};
  }
  if (is_unsigned_integer(dt)) {
    const std::uint64_t hi = visit_dtype(dt, [](auto tag) -> std::uint64_t {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_integral_v<T>) {
        return static_cast<std::uint64_t>(std::numeric_limits<T>::max());
      } else {
        return 0;
      }
    });
    return {{Scalar(0), 0}, {Scalar(42), 42}, {std::nullopt, nullptr}, {Scalar(hi), hi}};
  }
  if (is_floating(dt)) {
    return {{Scalar(0.0), 0.0},       {Scalar(nan), "NaN"},         {std::nullopt, nullptr},
            {Scalar(-2.25), -2.25},   {Scalar(-inf), "-Infinity"},  {Scalar(inf), "Infinity"},
            {Scalar(1.5), 1.5}};
  }
  using C = std::complex<double>;
  return {{Scalar(C(0, 0)), Json::array({0.0, 0.0})},
          {Scalar(C(1.5, -2.0)), Json::array({1.5, -2.0})},
          {std::nullopt, nullptr},
          {Scalar(C(nan, nan)), Json::array({"NaN", "NaN"})},
          {Scalar(C(nan, 1.5)), Json::array({"NaN", 1.5})},
          {Scalar(C(-inf, 0.0)), Json::array({"-Infinity", 0.0})}};
}

// A compressor as cubed-cpp users name it (a command-line spec or a
// numcodecs JSON config) and the numcodecs config zarr-python must see.
struct CodecCase {
  std::string label;
  std::string spec;  ///< codec_from_spec form, or "" to use `json`
  std::string json;  ///< codec_from_json form
  Json expected;     ///< numcodecs config (null: no compressor)
};

CodecCase blosc_case(const std::string& cname, int clevel, int shuffle) {
  static const char* const kShuffleNames[] = {"noshuffle", "shuffle", "bitshuffle"};
  // Shuffle by name for some cnames, by number for others.
  const std::string shuffle_text = cname.size() % 2 == 0 ? kShuffleNames[shuffle] : std::to_string(shuffle);
  return {fmt::format("blosc-{}-s{}", cname, shuffle), fmt::format("blosc:{}:{}:{}", cname, clevel, shuffle_text),
          "",
          Json{{"id", "blosc"}, {"cname", cname}, {"clevel", clevel}, {"shuffle", shuffle}, {"blocksize", 0}}};
}

// Every compressor, for every dtype.
std::vector<CodecCase> main_codecs() {
  std::vector<CodecCase> out = {{"none", "none", "", nullptr}};
  for (const char* cname : {"blosclz", "lz4", "lz4hc", "zlib", "zstd"}) {
    for (int shuffle = 0; shuffle < 3; ++shuffle) out.push_back(blosc_case(cname, (shuffle * 4 + 1) % 10, shuffle));
  }
  out.push_back({"zstd", "zstd:3", "", Json{{"id", "zstd"}, {"level", 3}}});
  out.push_back({"lz4", "lz4", "", Json{{"id", "lz4"}, {"acceleration", 1}}});
  out.push_back({"zlib", "zlib:6", "", Json{{"id", "zlib"}, {"level", 6}}});
  out.push_back({"gzip", "gzip:9", "", Json{{"id", "gzip"}, {"level", 9}}});
  out.push_back({"bz2", "bz2:9", "", Json{{"id", "bz2"}, {"level", 9}}});
  out.push_back({"lzma", "lzma", "",
                 Json{{"id", "lzma"}, {"format", 1}, {"check", -1}, {"preset", nullptr}, {"filters", nullptr}}});
  return out;
}

// More configurations, each for a few dtypes, through codec_from_json.
std::vector<CodecCase> extra_codecs() {
  std::vector<CodecCase> out;
  auto add = [&](const std::string& label, const Json& config) { out.push_back({label, "", config.dump(), config}); };
  add("blosc-zstd-autoshuffle", Json{{"id", "blosc"}, {"cname", "zstd"}, {"clevel", 3}, {"shuffle", -1}, {"blocksize", 0}});
  add("blosc-lz4-blocksize", Json{{"id", "blosc"}, {"cname", "lz4"}, {"clevel", 5}, {"shuffle", 1}, {"blocksize", 256}});
  add("blosc-zlib-clevel0", Json{{"id", "blosc"}, {"cname", "zlib"}, {"clevel", 0}, {"shuffle", 2}, {"blocksize", 0}});
  add("zstd-negative", Json{{"id", "zstd"}, {"level", -2}});
  add("zstd-19", Json{{"id", "zstd"}, {"level", 19}});
  add("lz4-accel", Json{{"id", "lz4"}, {"acceleration", 7}});
  add("zlib-0", Json{{"id", "zlib"}, {"level", 0}});
  add("gzip-1", Json{{"id", "gzip"}, {"level", 1}});
  add("bz2-1", Json{{"id", "bz2"}, {"level", 1}});
  add("lzma-preset1", Json{{"id", "lzma"}, {"format", 1}, {"check", -1}, {"preset", 1}, {"filters", nullptr}});
  add("lzma-crc32", Json{{"id", "lzma"}, {"format", 1}, {"check", 1}, {"preset", 3}, {"filters", nullptr}});
  add("lzma-alone", Json{{"id", "lzma"}, {"format", 2}, {"check", -1}, {"preset", 6}, {"filters", nullptr}});
  return out;
}

CodecPtr make_codec(const CodecCase& c) { return c.spec.empty() ? codec_from_json(c.json) : codec_from_spec(c.spec); }

enum class WriteMode { kFull, kSkipSome, kSkipMost, kNone };

struct Layout {
  Order order;
  char separator;
};
const Layout kLayouts[] = {{Order::kC, '.'}, {Order::kF, '.'}, {Order::kC, '/'}, {Order::kF, '/'}};

struct ShapeCase {
  Shape shape;
  Shape chunks;
};
// Uneven edge chunks, 1-d, 0-d, a chunk larger than the array, a length-1 axis.
const ShapeCase kShapes[] = {{{7, 10, 3}, {3, 4, 2}}, {{9, 11}, {4, 3}}, {{13}, {5}},
                             {{}, {}},                {{5, 6}, {8, 8}},  {{6, 1, 5}, {4, 1, 2}}};

std::string zarr_dtype_text(DType dt, Endian endian) {
  static const char* const kCodes[] = {"b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4", "f8", "c8", "c16"};
  std::string text(1, item_size(dt) == 1 ? '|' : (endian == Endian::kBig ? '>' : '<'));
  text += kCodes[static_cast<int>(dt)];
  return text;
}

struct WriteCase {
  std::string name;
  DType dtype;
  Endian endian;
  CodecCase codec;
  ShapeCase shape;
  Layout layout;
  FillCase fill;
  WriteMode mode;
  Json attributes;  ///< object, or null for no .zattrs
  bool gdal = false;
};

// Writes one array with cubed-cpp and returns its manifest entry.
Json write_case(const fs::path& root, const WriteCase& c, std::uint64_t seed) {
  ArrayMetadata meta;
  meta.shape = c.shape.shape;
  meta.chunks = c.shape.chunks;
  meta.dtype = c.dtype;
  meta.endian = c.endian;
  meta.compressor = make_codec(c.codec);
  meta.fill_value = c.fill.value;
  meta.order = c.layout.order;
  meta.dimension_separator = c.layout.separator;
  const std::string path = "arrays/" + c.name;
  CreateOptions options;
  if (!c.attributes.is_null()) options.attributes_json = c.attributes.dump();
  const auto array = ZarrArray::create(open_store_path((root / path).string()), meta, options);

  const NDBuffer data = make_values(c.dtype, meta.shape, seed);
  NDBuffer expected = data;
  const ChunkGrid& grid = array.grid();
  const std::int64_t last = grid.num_chunks() - 1;
  std::int64_t k = 0;
  std::int64_t written = 0;
  for_each_index(grid.grid_shape(), [&](const Shape& coords) {
    bool write = false;
    switch (c.mode) {
      case WriteMode::kFull: write = true; break;
      case WriteMode::kSkipSome: write = k % 3 != 1; break;
      case WriteMode::kSkipMost: write = k == 0 || (k == last && k % 2 == 0); break;
      case WriteMode::kNone: write = false; break;
    }
    const Shape extent = grid.chunk_shape(coords);
    const Shape origin = grid.chunk_origin(coords);
    const Shape zero(extent.size(), 0);
    if (write) {
      NDBuffer chunk(c.dtype, extent);
      copy_region(data, origin, chunk, zero, extent);
      array.write_chunk(coords, chunk);
      ++written;
    } else {
      // zarr_python_check.py reads unwritten chunks of null-fill arrays as 0.
      const NDBuffer fill = NDBuffer::filled(c.dtype, extent, c.fill.value.value_or(Scalar(0)));
      copy_region(fill, zero, expected, origin, extent);
    }
    ++k;
  });
  const std::string expected_path = "expected/" + c.name + ".raw";
  write_file(root / expected_path, expected.bytes());
  return Json{{"name", c.name},
              {"path", path},
              {"expected", expected_path},
              {"dtype", std::string(dtype_name(c.dtype))},
              {"zarr_dtype", zarr_dtype_text(c.dtype, c.endian)},
              {"shape", meta.shape},
              {"chunks", meta.chunks},
              {"order", c.layout.order == Order::kC ? "C" : "F"},
              {"dimension_separator", std::string(1, c.layout.separator)},
              {"compressor", c.codec.expected},
              {"fill_value", c.fill.json},
              {"attributes", c.attributes.is_null() ? Json::object() : c.attributes},
              {"nchunks_initialized", written},
              {"gdal", c.gdal}};
}

std::vector<WriteCase> cubed_matrix() {
  std::vector<WriteCase> cases;
  const std::vector<CodecCase> codecs = main_codecs();
  const WriteMode modes[] = {WriteMode::kSkipSome, WriteMode::kFull, WriteMode::kSkipMost, WriteMode::kSkipSome,
                             WriteMode::kNone};
  int k = 0;
  auto name_of = [&](DType dt, const std::string& what, const Layout& l) {
    return fmt::format("{:03d}_{}_{}_{}{}", k, dtype_name(dt), what, l.order == Order::kC ? "C" : "F",
                       l.separator == '.' ? "dot" : "slash");
  };
  // Every dtype with every codec; the other parameters cycle with periods
  // that make every codec meet every shape, and every dtype every layout.
  for (int i = 0; i < kNumDTypes; ++i) {
    const auto dt = static_cast<DType>(i);
    const std::vector<FillCase> fills = fill_cases(dt);
    for (int j = 0; j < static_cast<int>(codecs.size()); ++j, ++k) {
      const Layout layout = kLayouts[(i + j) % 4];
      WriteCase c{name_of(dt, codecs[static_cast<std::size_t>(j)].label, layout),
                  dt,
                  codecs[static_cast<std::size_t>(j)].label == "zlib" || (i + 2 * j) % 3 == 0 ? Endian::kBig
                                                                                               : Endian::kLittle,
                  codecs[static_cast<std::size_t>(j)],
                  kShapes[(j + 5 * i) % 6],
                  layout,
                  fills[static_cast<std::size_t>(i + 2 * j) % fills.size()],
                  modes[(i + j / 2) % 5],
                  nullptr};
      if (k % 4 == 0) {
        c.attributes = Json{{"name", std::string(dtype_name(dt))},
                            {"index", k},
                            {"scale", 0.5},
                            {"units", "\xc2\xb5m"},
                            {"nested", {{"list", {1, 2, 3}}, {"none", nullptr}, {"flag", true}}}};
      }
      // GDAL reads the 2-d float64, int16 and uint8 arrays.
      c.gdal = c.shape.shape.size() == 2 && (dt == DType::kFloat64 || dt == DType::kInt16 || dt == DType::kUInt8);
      cases.push_back(c);
    }
  }
  // Extra codec configurations.
  const std::vector<CodecCase> extras = extra_codecs();
  for (std::size_t e = 0; e < extras.size(); ++e) {
    for (int t = 0; t < 3; ++t, ++k) {
      const auto dt = static_cast<DType>((e * 5 + static_cast<std::size_t>(t) * 4) % kNumDTypes);
      const Layout layout = kLayouts[(e + static_cast<std::size_t>(t)) % 4];
      cases.push_back({name_of(dt, extras[e].label, layout), dt, t == 1 ? Endian::kBig : Endian::kLittle, extras[e],
                       kShapes[0], layout, fill_cases(dt)[static_cast<std::size_t>(t) % 2],
                       t == 2 ? WriteMode::kFull : WriteMode::kSkipSome, nullptr});
    }
  }
  // Every dtype in every layout, big- and little-endian, in 3-d.
  for (int i = 0; i < kNumDTypes; ++i) {
    const auto dt = static_cast<DType>(i);
    const std::vector<FillCase> fills = fill_cases(dt);
    for (int l = 0; l < 4; ++l, ++k) {
      cases.push_back({name_of(dt, "layout", kLayouts[l]), dt, l % 2 == 0 ? Endian::kBig : Endian::kLittle,
                       blosc_case("lz4", 5, 1), ShapeCase{{5, 4, 6}, {2, 3, 4}}, kLayouts[l],
                       fills[static_cast<std::size_t>(i + l) % fills.size()], WriteMode::kSkipSome,
                       Json{{"layout", l}}});
    }
  }
  // For GDAL: 2-d float64 (NaN fill), int16 (big-endian, F order, nested
  // keys), uint8 (null fill), and a few more types it can represent.
  const CodecCase zstd = main_codecs()[16];
  const CodecCase zlib = main_codecs()[18];
  const CodecCase gzip = main_codecs()[19];
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<WriteCase> gdal_cases = {
      {"gdal_float64", DType::kFloat64, Endian::kLittle, blosc_case("zstd", 5, 1), {{9, 11}, {4, 3}},
       kLayouts[0], {Scalar(nan), "NaN"}, WriteMode::kSkipSome, nullptr, true},
      {"gdal_float64_big_F", DType::kFloat64, Endian::kBig, zlib, {{9, 11}, {4, 3}}, kLayouts[3],
       {Scalar(-2.25), -2.25}, WriteMode::kSkipSome, nullptr, true},
      {"gdal_int16", DType::kInt16, Endian::kBig, gzip, {{10, 7}, {3, 3}}, kLayouts[3], {Scalar(-7), -7},
       WriteMode::kSkipSome, nullptr, true},
      {"gdal_uint8", DType::kUInt8, Endian::kNotApplicable, zstd, {{8, 12}, {3, 5}}, kLayouts[2],
       {std::nullopt, nullptr}, WriteMode::kSkipSome, nullptr, true},
      {"gdal_int32_3d", DType::kInt32, Endian::kLittle, blosc_case("lz4", 5, 2), kShapes[0], kLayouts[1],
       {Scalar(42), 42}, WriteMode::kSkipSome, nullptr, true},
      {"gdal_complex128", DType::kComplex128, Endian::kLittle, zstd, {{6, 5}, {4, 2}}, kLayouts[0],
       {std::nullopt, nullptr}, WriteMode::kSkipSome, nullptr, true},
      {"gdal_float32_1d", DType::kFloat32, Endian::kBig, main_codecs()[17], kShapes[2], kLayouts[0],
       {Scalar(1.5), 1.5}, WriteMode::kSkipSome, nullptr, true},
  };
  cases.insert(cases.end(), gdal_cases.begin(), gdal_cases.end());
  // An array with a zero-length axis (no chunks at all).
  cases.push_back({"empty_float64", DType::kFloat64, Endian::kLittle, zstd, {{0, 5}, {2, 2}}, kLayouts[0],
                   {Scalar(1.5), 1.5}, WriteMode::kFull, nullptr});
  return cases;
}

// (2) zarr-python (and GDAL) read what cubed-cpp wrote.
TEST_F(ZarrPythonInterop, ZarrPythonReadsCubedArrays) {
  REQUIRE_PYTHON();
  TempDir dir;
  const std::vector<WriteCase> cases = cubed_matrix();
  Json entries = Json::array();
  std::uint64_t seed = 5000;
  for (const WriteCase& c : cases) {
    try {
      entries.push_back(write_case(dir.path(), c, seed++));
    } catch (const std::exception& e) {
      ADD_FAILURE() << "writing " << c.name << " threw: " << e.what();
    }
  }
  ASSERT_GE(entries.size(), 300u);
  const std::string manifest = (dir.path() / "manifest.json").string();
  {
    std::ofstream out(manifest);
    out << Json{{"producer", "cubed-cpp"}, {"arrays", entries}}.dump(1);
  }
  CommandResult r = run(fmt::format("{} {} {} {}", kPython, shell_quote(script("zarr_python_check.py")),
                                    shell_quote(dir.path().string()), shell_quote(manifest)));
  EXPECT_EQ(r.status, 0) << "zarr_python_check.py rejects arrays written by cubed-cpp:\n" << r.output;
  std::printf("%zu arrays written by cubed-cpp; zarr_python_check.py says:\n%s", entries.size(), r.output.c_str());
}

// (3) The command-line program on zarr-python arrays (one test, so that
// CTest writes them once for both parts):
// - `cubed info --json` reports what zarr-python reports;
// - `cubed copy --compressor zstd:3` output opens in zarr-python with the
//   same values, the same metadata but the compressor, and the same
//   unwritten chunks.
TEST_F(ZarrPythonInterop, CliInfoAndCopyAgreeWithZarrPython) {
  REQUIRE_PYTHON_ARRAYS();
  int exact = 0;
  for (const Json& e : python_arrays()) {
    const std::string name = e["name"];
    SCOPED_TRACE(name);
    const std::string path = (python_dir() / e["path"].get<std::string>()).string();
    CommandResult r = run(fmt::format("{} info --json {}", shell_quote(cli()), shell_quote(path)));
    EXPECT_EQ(r.status, 0) << r.output;
    Json info;
    try {
      info = Json::parse(r.output);
    } catch (const Json::parse_error& ex) {
      ADD_FAILURE() << "cubed info --json printed no JSON: " << ex.what() << "\n" << r.output;
      continue;
    }
    const Json& zp = e["zarr_python"];
    EXPECT_EQ(info["shape"], e["shape"]);
    EXPECT_EQ(info["chunks"], e["chunks"]);
    EXPECT_EQ(info["dtype"], e["dtype"]);
    EXPECT_EQ(info["zarr_dtype"], e["zarr_dtype"]);
    EXPECT_EQ(info["compressor"], e["compressor"]);  // zarr-python's get_config()
    EXPECT_EQ(info["fill_value"], e["fill_value"]);  // as zarr-python wrote it in .zarray
    EXPECT_EQ(info["order"], e["order"]);
    EXPECT_EQ(info["dimension_separator"], e["dimension_separator"]);
    EXPECT_EQ(info["nchunks"], zp["nchunks"]);
    EXPECT_EQ(info["nbytes"], zp["nbytes"]);
    if (e["zarr_python_counts_exact"].get<bool>()) {
      EXPECT_EQ(info["nchunks_initialized"], zp["nchunks_initialized"]);
      EXPECT_EQ(info["nbytes_stored"], zp["nbytes_stored"]);
      ++exact;
    } else {
      // zarr-python 2.13 miscounts nested and 0-d arrays: compare with the
      // files on disk.
      EXPECT_EQ(info["nchunks_initialized"], e["nchunks_initialized"]);
      EXPECT_EQ(info["nbytes_stored"], e["nbytes_stored"]);
    }
  }
  EXPECT_GE(exact, 100);

  TempDir dir;
  Json entries = Json::array();
  for (const Json& e : python_arrays()) {
    const std::string name = e["name"];
    // The layout block (every dtype x order x separator), the 0-d arrays,
    // and every codec once.
    const bool pick = name.find("_layout_") != std::string::npos || name.find("_0d_") != std::string::npos ||
                      name.find("_float64_") != std::string::npos;
    if (!pick) continue;
    const std::string source = (python_dir() / e["path"].get<std::string>()).string();
    const std::string target = (dir.path() / "copies" / name).string();
    CommandResult r = run(fmt::format("{} copy {} {} --compressor zstd:3", shell_quote(cli()), shell_quote(source), shell_quote(target)));
    EXPECT_EQ(r.status, 0) << "cubed copy " << name << ":\n" << r.output;
    if (r.status != 0) continue;
    Json copy = e;
    copy["path"] = target;
    copy["expected"] = (python_dir() / e["expected"].get<std::string>()).string();
    copy["compressor"] = Json{{"id", "zstd"}, {"level", 3}};
    // `cubed copy` stores no chunk the source lacks, and drops stored chunks
    // that hold only the fill value (zarr-python's write_empty_chunks=False).
    copy["max_nchunks_initialized"] = e["nchunks_initialized"];
    copy.erase("nchunks_initialized");
    entries.push_back(copy);
  }
  ASSERT_GE(entries.size(), 60u);
  const std::string manifest = (dir.path() / "manifest.json").string();
  {
    std::ofstream out(manifest);
    out << Json{{"producer", "cubed copy"}, {"arrays", entries}}.dump(1);
  }
  CommandResult r = run(fmt::format("{} {} {} {}", kPython, shell_quote(script("zarr_python_check.py")),
                                    shell_quote(dir.path().string()), shell_quote(manifest)));
  EXPECT_EQ(r.status, 0) << "zarr_python_check.py rejects copies made by `cubed copy`:\n" << r.output;
}

}  // namespace
}  // namespace cubed::storage
