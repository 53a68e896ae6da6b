// `cubed copy`, `cubed eval` and `cubed info` with Zarr v3: v2 <-> v3
// conversion (with rechunking and resharding) checked value by value by
// zarr-python 2 (/usr/bin/python3) on the v2 side, the options' errors.
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cubed/storage/zarr/zarr_array.hpp"
#include "test_util.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kPython = "/usr/bin/python3";
const std::string kFixtures = std::string(CUBED_SOURCE_DIR) + "/tests/data/zarr-v3/";

using testing::read_text;
// A Python string literal (JSON's syntax is Python's for strings).
std::string py_str(const std::string& text) { return Json(text).dump(); }
using testing::RunResult;
using testing::TempDir;

RunResult cubed(const std::vector<std::string>& args, const TempDir&) { return testing::run_program(CUBED_CLI_PATH, args); }

// Runs Python code with zarr-python 2; prints OK when its checks pass.
RunResult python(const std::string& code, const TempDir&) { return testing::run_program(kPython, {"-c", code}); }

void expect_ok(const RunResult& r) {
  EXPECT_EQ(r.status, 0) << r.command << "\n" << r.out << r.err;
  EXPECT_EQ(r.err, "") << r.command;
}

void expect_error(const RunResult& r, const std::string& fragment) {
  EXPECT_NE(r.status, 0) << r.command;
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.command << "\n" << r.err;
}

class ZarrV3Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(std::system((std::string(kPython) + " -c 'import numpy, zarr' 2>/dev/null").c_str()), 0)
        << kPython << " cannot import numpy and zarr";
    // A v2 source written by zarr-python 2: 13x10 float64 with edge chunks,
    // NaN fill, one region left unwritten (its chunks are not stored).
    expect_ok(python(fmt::format(R"(
import numpy as np, zarr
z = zarr.open({}, mode='w', shape=(13, 10), chunks=(4, 3), dtype='f8', fill_value=np.nan)
x = np.arange(130, dtype='f8').reshape(13, 10) * 0.5 - 3
x[8:, :6] = np.nan
z[:8, :] = x[:8, :]
z[8:, 6:] = x[8:, 6:]
)",
                                 py_str(src())),
                     dir_));
  }
  std::string src() const { return dir_ / "src.zarr"; }
  std::string path(const std::string& name) const { return dir_ / name; }
  // zarr-python 2 reads `v2` and compares it with the source, NaN equal NaN.
  void expect_equal_to_source(const std::string& v2, const std::string& transform = "x") {
    RunResult r = python(fmt::format(R"(
import numpy as np, zarr
x = zarr.open({}, mode='r')[:]
y = zarr.open({}, mode='r')[:]
want = {}
assert y.dtype == want.dtype, (y.dtype, want.dtype)
assert np.array_equal(y, want, equal_nan=True), (y, want)
print('OK')
)",
                                         py_str(src()), py_str(v2), transform),
                             dir_);
    EXPECT_EQ(r.out, "OK\n") << r.err;
  }
  TempDir dir_{"cubed-v3-cli-test"};
};

TEST_F(ZarrV3Cli, CopyV2ToShardedV3AndBack) {
  expect_ok(cubed({"copy", src(), path("s.zarr"), "--chunks", "2,5", "--shards", "4,10"}, dir_));
  Json info = Json::parse(cubed({"info", "--json", path("s.zarr")}, dir_).out);
  EXPECT_EQ(info["zarr_format"], 3);
  EXPECT_EQ(info["chunks"], Json({4, 10}));
  EXPECT_EQ(info["inner_chunks"], Json({2, 5}));
  EXPECT_EQ(info["codecs"][0]["name"], "sharding_indexed");
  EXPECT_TRUE(fs::exists(path("s.zarr/zarr.json")));
  EXPECT_FALSE(fs::exists(path("s.zarr/.zarray")));
  // Shard row 2 (rows 8..11) has its left inner chunks all NaN (the fill):
  // stored shards are 4 (rows 0-3, 4-7, 8-11, 12) x 1.
  EXPECT_TRUE(fs::exists(path("s.zarr/c/3/0")));
  RunResult text = cubed({"info", path("s.zarr")}, dir_);
  EXPECT_NE(text.out.find("Format              : Zarr v3"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Shard shape         : (4, 10)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Inner chunk shape   : (2, 5) (4 per shard)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Codecs              : sharding_indexed"), std::string::npos) << text.out;
  // Back to v2 (the default), rechunked: zarr-python 2 reads the values.
  expect_ok(cubed({"copy", path("s.zarr"), path("back.zarr"), "--chunks", "5,4"}, dir_));
  Json back = Json::parse(cubed({"info", "--json", path("back.zarr")}, dir_).out);
  EXPECT_EQ(back["zarr_format"], 2);
  EXPECT_EQ(back["chunks"], Json({5, 4}));
  expect_equal_to_source(path("back.zarr"));
}

TEST_F(ZarrV3Cli, CopyV2ToPlainV3ReshardAndEval) {
  expect_ok(cubed({"copy", src(), path("p.zarr"), "--zarr-format", "3", "--compressor", "zstd:3"}, dir_));
  Json info = Json::parse(cubed({"info", "--json", path("p.zarr")}, dir_).out);
  EXPECT_EQ(info["zarr_format"], 3);
  EXPECT_EQ(info["chunks"], Json({4, 3}));
  EXPECT_FALSE(info.contains("inner_chunks"));
  EXPECT_EQ(info["compressor"]["id"], "zstd");
  EXPECT_TRUE(fs::exists(path("p.zarr/c/0/0")));
  EXPECT_FALSE(fs::exists(path("p.zarr/c/3/0")));  // not stored in the source either
  // v3 -> v3, resharded: shards cover whole axes (-1).
  expect_ok(cubed({"copy", path("p.zarr"), path("r.zarr"), "--shards", "-1,-1"}, dir_));
  Json r = Json::parse(cubed({"info", "--json", path("r.zarr")}, dir_).out);
  EXPECT_EQ(r["chunks"], Json({16, 12}));  // whole axes rounded up to inner chunks (4, 3)
  EXPECT_EQ(r["inner_chunks"], Json({4, 3}));
  EXPECT_EQ(r["nchunks_initialized"], 1);
  // eval reads v3 without being told and writes v3 on request.
  expect_ok(cubed({"eval", "x * 2 + 1", "x=" + path("r.zarr"), "-o", path("e.zarr"), "--zarr-format", "3"}, dir_));
  EXPECT_EQ(Json::parse(cubed({"info", "--json", path("e.zarr")}, dir_).out)["zarr_format"], 3);
  expect_ok(cubed({"copy", path("e.zarr"), path("e2.zarr")}, dir_));
  expect_equal_to_source(path("e2.zarr"), "x * 2 + 1");
  // A sharded source copied to v3 without --chunks or --shards keeps its shards.
  expect_ok(cubed({"copy", path("r.zarr"), path("k.zarr"), "--zarr-format", "3"}, dir_));
  EXPECT_EQ(Json::parse(cubed({"info", "--json", path("k.zarr")}, dir_).out)["inner_chunks"], Json({4, 3}));
}

TEST_F(ZarrV3Cli, FixturesCopyToV2) {
  expect_ok(cubed({"copy", kFixtures + "sharded_array_write_read.zarr/group/array", path("f.zarr")}, dir_));
  expect_ok(cubed({"copy", kFixtures + "v3/array_blosc_transpose.zarr", path("t.zarr")}, dir_));
  RunResult r = python(fmt::format(R"(
import numpy as np, zarr
f = zarr.open({}, mode='r')
assert f.dtype == np.uint16 and np.array_equal(f[:], np.arange(64).reshape(8, 8)), f[:]
t = zarr.open({}, mode='r')
assert t.dtype == np.float32 and np.array_equal(t[:], np.arange(100).reshape(10, 10)), t[:]
assert t.attrs['key'] == 'value'
print('OK')
)",
                                   py_str(path("f.zarr")), py_str(path("t.zarr"))),
                       dir_);
  EXPECT_EQ(r.out, "OK\n") << r.err;
}

TEST_F(ZarrV3Cli, OptionErrors) {
  expect_error(cubed({"copy", src(), path("x.zarr"), "--zarr-format", "4"}, dir_), "--zarr-format must be 2 or 3, not '4'");
  expect_error(cubed({"copy", src(), path("x.zarr"), "--zarr-format", "2", "--shards", "8,6"}, dir_),
               "--shards needs --zarr-format 3");
  expect_error(cubed({"copy", src(), path("x.zarr"), "--chunks", "4,3", "--shards", "6,6"}, dir_),
               "shards (6, 6) are not a multiple of the chunks (4, 3)");
  expect_error(cubed({"eval", "x", "x=" + src(), "-o", path("x.zarr"), "--shards", "1,2,3"}, dir_),
               "--shards: chunks (1, 2, 3) have 3 axes but the array has shape (13, 10)");
  EXPECT_FALSE(fs::exists(path("x.zarr")));
}

}  // namespace
}  // namespace cubed
