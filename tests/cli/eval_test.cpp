// `cubed eval`, run as a user runs it, on Zarr arrays written by the library:
// results compared with values computed here and with numpy (through
// /usr/bin/python3 and tests/cli/numpy_check.py), the options, the printed
// repr, and one-line errors that name the column of a bad expression.
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cubed/core/ndbuffer.hpp"
#include "test_util.hpp"
#include "cubed/storage/codecs/codec.hpp"
#include "cubed/storage/zarr/metadata.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;
using storage::ArrayMetadata;
using storage::ZarrArray;

constexpr const char* kPython = "/usr/bin/python3";

// ---- running commands -----------------------------------------------------------------

using testing::read_text;
using testing::run_program;
using testing::RunResult;
using testing::shell_quote;

RunResult eval(std::vector<std::string> args) {
  args.insert(args.begin(), "eval");
  return run_program(CUBED_CLI_PATH, args);
}

void expect_success(const RunResult& r) {
  EXPECT_EQ(r.status, 0) << r.command << "\n" << r.err;
  EXPECT_EQ(r.err, "") << r.command;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// A failed run with `status`, nothing on stdout and one "error: ..." line
/// holding every fragment (then at most the "(run 'cubed eval --help' ...)" hint).
void expect_failure(const RunResult& r, int status, const std::vector<std::string>& fragments) {
  SCOPED_TRACE(r.command);
  EXPECT_EQ(r.status, status) << r.err;
  EXPECT_EQ(r.out, "");
  const std::vector<std::string> lines = lines_of(r.err);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].rfind("error: ", 0), 0u) << lines[0];
  for (const std::string& f : fragments) EXPECT_NE(lines[0].find(f), std::string::npos) << lines[0];
  EXPECT_LE(lines.size(), 2u) << r.err;
  if (lines.size() == 2) {
    EXPECT_EQ(lines[1], "(run 'cubed eval --help' for usage)");
  }
}

// ---- arrays ------------------------------------------------------------------------------

NDBuffer make(DType dtype, const Shape& shape, const std::function<double(std::int64_t)>& f) {
  NDBuffer b(dtype, shape);
  for (std::int64_t i = 0; i < b.size(); ++i) b.set(i, Scalar(f(i)));
  return b;
}

void write_array(const std::string& path, const NDBuffer& data, const Shape& chunks) {
  ArrayMetadata meta;
  meta.shape = data.shape();
  meta.chunks = chunks;
  meta.dtype = data.dtype();
  meta.compressor = storage::default_codec();
  ZarrArray::create(storage::open_store_path(path), meta).write_all(data);
}

NDBuffer read_array(const std::string& path) { return ZarrArray::open(storage::open_store_path(path)).read_all(); }

class EvalCommand : public ::testing::Test {
 protected:
  EvalCommand() {
    a_ = make(DType::kFloat64, {6, 7}, [](std::int64_t i) { return static_cast<double>(i) * 0.5 - 7; });
    b_ = make(DType::kFloat64, {6, 7}, [](std::int64_t i) { return static_cast<double>((i * 13) % 17) - 4.25; });
    write_array(a(), a_, {4, 3});
    write_array(b(), b_, {3, 5});
  }
  std::string a() const { return dir_ / "a.zarr"; }
  std::string b() const { return dir_ / "b.zarr"; }
  std::string path(const std::string& name) const { return dir_ / name; }
  std::vector<std::string> inputs() const { return {"a=" + a(), "b=" + b()}; }

  RunResult eval_ab(const std::string& expression, std::vector<std::string> more) {
    std::vector<std::string> args = {expression};
    for (const std::string& in : inputs()) args.push_back(in);
    args.insert(args.end(), more.begin(), more.end());
    return eval(args);
  }

  testing::TempDir dir_{"cubed-eval-test"};
  NDBuffer a_, b_;
};

// ---- results -------------------------------------------------------------------------------

TEST_F(EvalCommand, WeightedMeanMatchesValuesComputedHere) {
  RunResult r = eval_ab("(a + 2 * b) / 3", {"-o", path("out.zarr")});
  expect_success(r);
  EXPECT_EQ(r.out, "wrote float64 (6, 7) array, chunks (4, 3), to " + path("out.zarr") + "\n");
  NDBuffer out = read_array(path("out.zarr"));
  ASSERT_EQ(out.shape(), (Shape{6, 7}));
  ASSERT_EQ(out.dtype(), DType::kFloat64);
  for (std::int64_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out.get(i).as_double(), (a_.get(i).as_double() + 2 * b_.get(i).as_double()) / 3) << i;
  }
  EXPECT_EQ(ZarrArray::open(storage::open_store_path(path("out.zarr"))).chunks(), (Shape{4, 3}));
}

TEST_F(EvalCommand, Comparisons) {
  expect_success(eval_ab("a > b", {"-o", path("gt.zarr")}));
  NDBuffer gt = read_array(path("gt.zarr"));
  EXPECT_EQ(gt.dtype(), DType::kBool);
  for (std::int64_t i = 0; i < gt.size(); ++i) {
    EXPECT_EQ(gt.get(i).as_bool(), a_.get(i).as_double() > b_.get(i).as_double()) << i;
  }
  expect_success(eval_ab("(a <= b) | (a == 0)", {"--output", path("le.zarr")}));
  NDBuffer le = read_array(path("le.zarr"));
  for (std::int64_t i = 0; i < le.size(); ++i) {
    const double x = a_.get(i).as_double(), y = b_.get(i).as_double();
    EXPECT_EQ(le.get(i).as_bool(), x <= y || x == 0) << i;
  }
}

TEST_F(EvalCommand, DtypePromotion) {
  write_array(path("i8.zarr"), make(DType::kInt8, {5}, [](std::int64_t i) { return static_cast<double>(i) - 2; }), {2});
  write_array(path("i16.zarr"), make(DType::kInt16, {5}, [](std::int64_t i) { return 300.0 * static_cast<double>(i); }),
              {3});
  write_array(path("f32.zarr"), make(DType::kFloat32, {5}, [](std::int64_t i) { return 0.5 * static_cast<double>(i); }),
              {5});
  const std::vector<std::string> in = {"x=" + path("i8.zarr"), "y=" + path("i16.zarr"), "f=" + path("f32.zarr")};
  struct Case {
    std::string expression;
    DType dtype;
    std::vector<double> values;
  };
  for (const Case& c : std::vector<Case>{
           {"x + y", DType::kInt16, {-2, 299, 600, 901, 1202}},
           {"x + 1", DType::kInt8, {-1, 0, 1, 2, 3}},
           {"x * 0.5", DType::kFloat64, {-1, -0.5, 0, 0.5, 1}},
           {"f * 2", DType::kFloat32, {0, 1, 2, 3, 4}},
           {"f + x", DType::kFloat32, {-2, -0.5, 1, 2.5, 4}},
           {"astype(y, int32) + f", DType::kFloat64, {0, 300.5, 601, 901.5, 1202}},
           {"x / 2", DType::kFloat64, {-1, -0.5, 0, 0.5, 1}},
           {"x // 2", DType::kInt8, {-1, -1, 0, 0, 1}},
       }) {
    std::vector<std::string> args = {c.expression};
    args.insert(args.end(), in.begin(), in.end());
    args.insert(args.end(), {"-o", path("p.zarr"), "--overwrite"});
    RunResult r = eval(args);
    expect_success(r);
    NDBuffer out = read_array(path("p.zarr"));
    EXPECT_EQ(out.dtype(), c.dtype) << c.expression;
    std::vector<double> got;
    for (std::int64_t i = 0; i < out.size(); ++i) got.push_back(out.get(i).as_double());
    EXPECT_EQ(got, c.values) << c.expression;
  }
}

TEST_F(EvalCommand, NumbersGiveZeroDimensionalArrays) {
  struct Case {
    std::string expression;
    DType dtype;
    double value;
  };
  for (const Case& c : std::vector<Case>{{"1 + 2", DType::kInt64, 3},
                                         {"7 // 2 + 2 ** -1", DType::kFloat64, 3.5},
                                         {"-2**2", DType::kInt64, -4},
                                         {"1 < 2", DType::kBool, 1},
                                         {"astype(300, int16)", DType::kInt16, 300},
                                         {"pi", DType::kFloat64, 3.141592653589793}}) {
    expect_success(eval({c.expression, "-o", path("s.zarr"), "--overwrite"}));
    NDBuffer out = read_array(path("s.zarr"));
    EXPECT_EQ(out.shape(), Shape{}) << c.expression;
    EXPECT_EQ(out.dtype(), c.dtype) << c.expression;
    EXPECT_EQ(out.get(0).as_double(), c.value) << c.expression;
  }
  nlohmann::json zarray = nlohmann::json::parse(read_text(path("s.zarr/.zarray")));
  EXPECT_EQ(zarray["shape"], nlohmann::json::array());
}

TEST_F(EvalCommand, ChunksOption) {
  expect_success(eval_ab("a * 2", {"-o", path("c.zarr"), "--chunks", "2,-1"}));
  ZarrArray out = ZarrArray::open(storage::open_store_path(path("c.zarr")));
  EXPECT_EQ(out.chunks(), (Shape{2, 7}));
  NDBuffer values = out.read_all();
  for (std::int64_t i = 0; i < values.size(); ++i) EXPECT_EQ(values.get(i).as_double(), a_.get(i).as_double() * 2);
  expect_success(eval_ab("a + b", {"-o", path("c3.zarr"), "--chunks=3"}));
  EXPECT_EQ(ZarrArray::open(storage::open_store_path(path("c3.zarr"))).chunks(), (Shape{3, 3}));
  expect_success(eval_ab("rechunk(a, (6, 1)) - b", {"-o", path("c4.zarr")}));
  EXPECT_EQ(ZarrArray::open(storage::open_store_path(path("c4.zarr"))).chunks(), (Shape{6, 1}));
  expect_failure(eval_ab("a", {"-o", path("bad.zarr"), "--chunks", "1,2,3"}), 2, {"3 axes"});
}

TEST_F(EvalCommand, CompressorAndOverwrite) {
  expect_success(eval_ab("a + 1", {"-o", path("z.zarr"), "--compressor", "zstd:3"}));
  nlohmann::json zarray = nlohmann::json::parse(read_text(path("z.zarr/.zarray")));
  EXPECT_EQ(zarray["compressor"]["id"], "zstd");
  expect_failure(eval_ab("a + 2", {"-o", path("z.zarr")}), 2, {"already exists"});
  expect_success(eval_ab("a + 2", {"-o", path("z.zarr"), "--overwrite", "--compressor", "none"}));
  zarray = nlohmann::json::parse(read_text(path("z.zarr/.zarray")));
  EXPECT_TRUE(zarray["compressor"].is_null());
  EXPECT_EQ(read_array(path("z.zarr")).get(0).as_double(), a_.get(0).as_double() + 2);
  zarray = nlohmann::json::parse(read_text(a() + "/.zarray"));
  expect_failure(eval_ab("a + 1", {"-o", a(), "--overwrite"}), 2, {"same array as input"});
  EXPECT_EQ(read_array(a()), a_);
}

TEST_F(EvalCommand, ExecutorsAndMemoryOptions) {
  expect_success(eval_ab("a - b", {"-o", path("t.zarr"), "--executor", "threads:2", "--work-dir", path("work")}));
  NDBuffer out = read_array(path("t.zarr"));
  for (std::int64_t i = 0; i < out.size(); ++i) EXPECT_EQ(out.get(i).as_double(), a_.get(i).as_double() - b_.get(i).as_double());
  expect_failure(eval_ab("a - b", {"-o", path("m.zarr"), "--allowed-mem", "200", "--reserved-mem", "0"}), 1,
                 {"exceeds allowed_mem"});
  EXPECT_FALSE(fs::exists(path("m.zarr/.zarray")));
  expect_failure(eval_ab("a", {"-o", path("e.zarr"), "--executor", "warp"}), 2, {"unknown executor 'warp'"});
  // The scheduler's options: independent operations at once, batches, no
  // backups, no retries; the answer does not change.
  expect_success(eval_ab("(a - b) * (a + b)", {"-o", path("s.zarr"), "--executor", "threads:2",
                                                "--compute-arrays-in-parallel", "--batch-size", "1", "--no-backups",
                                                "--retries", "0", "--no-optimize", "--work-dir", path("work")}));
  out = read_array(path("s.zarr"));
  for (std::int64_t i = 0; i < out.size(); ++i) {
    const double x = a_.get(i).as_double(), y = b_.get(i).as_double();
    EXPECT_EQ(out.get(i).as_double(), (x - y) * (x + y));
  }
  expect_failure(eval_ab("a", {"-o", path("r.zarr"), "--retries", "-1"}), 2, {"--retries needs a whole number, 0 or more, got '-1'"});
  expect_failure(eval_ab("a", {"-o", path("r.zarr"), "--batch-size", "0"}), 2, {"--batch-size needs a positive whole number, got '0'"});
}

// ---- printing ----------------------------------------------------------------------------

TEST_F(EvalCommand, PrintLikeNumpy) {
  RunResult r = eval({"asarray([[1.0, 2], [3, 4]])", "--print"});
  expect_success(r);
  EXPECT_EQ(r.out, "array([[1., 2.],\n       [3., 4.]])\n");
  write_array(path("k.zarr"), make(DType::kInt8, {3}, [](std::int64_t i) { return i == 1 ? -2.0 : 1.0 + i; }), {2});
  r = eval({"k + 1", "k=" + path("k.zarr"), "--print"});
  expect_success(r);
  EXPECT_EQ(r.out, "array([ 2, -1,  4], dtype=int8)\n");
  r = eval({"1 + 2", "--print"});
  expect_success(r);
  EXPECT_EQ(r.out, "array(3)\n");
  r = eval({"arange(2000) % 7 == 0", "--print"});
  expect_success(r);
  EXPECT_EQ(r.out, "array([ True, False, False, ..., False, False, False])\n");
  // With -o the array is written too, and printed from what was written.
  r = eval_ab("b - b", {"-o", path("zero.zarr"), "--print"});
  expect_success(r);
  EXPECT_EQ(r.out.rfind("array([[0., 0., 0., 0., 0., 0., 0.],", 0), 0u) << r.out;
  EXPECT_TRUE(fs::exists(path("zero.zarr/.zarray")));
  expect_failure(eval({"ones((1000, 1000))", "--print", "--allowed-mem", "1MB", "--reserved-mem", "0"}), 1,
                 {"--print holds the whole result in memory"});
}

TEST_F(EvalCommand, ExplainAndStats) {
  RunResult r = eval_ab("(a + 2 * b) / 3", {"-o", path("x.zarr"), "--explain", "--stats"});
  expect_success(r);
  for (const std::string& text : {std::string("plan:"), std::string("multiply"), std::string("add"),
                                  std::string("divide"), "-> " + path("x.zarr"), std::string("stats:"),
                                  std::string("tasks"), std::string("max projected_mem"), std::string("bytes written"),
                                  std::string("wrote float64 (6, 7)")}) {
    EXPECT_NE(r.out.find(text), std::string::npos) << text << " in\n" << r.out;
  }
  EXPECT_LT(r.out.find("plan:"), r.out.find("wrote"));
  EXPECT_LT(r.out.find("wrote"), r.out.find("stats:"));
  // --explain alone only explains.
  r = eval_ab("a * b", {"--explain"});
  expect_success(r);
  EXPECT_NE(r.out.find("multiply"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("wrote"), std::string::npos);
}

// The two figures of a --stats row ("  operations   3   1").
std::pair<std::string, std::string> stats_row(const std::string& out, const std::string& name) {
  for (const std::string& line : lines_of(out)) {
    if (line.rfind("  " + name + "  ", 0) != 0) continue;
    std::istringstream in(line.substr(name.size() + 2));
    std::string before, after;
    in >> before >> after;
    return {before, after};
  }
  return {"", ""};
}

TEST_F(EvalCommand, FusionAndNoOptimizeGiveTheSameArray) {
  RunResult r = eval_ab("sin(a) * 2 + b", {"-o", path("fused.zarr"), "--explain", "--stats"});
  expect_success(r);
  EXPECT_NE(r.out.find("fused: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fusion:\n  fuse "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unoptimised"), std::string::npos) << r.out;
  // b is rechunked to a's chunks first (rechunks are never fused).
  EXPECT_EQ(stats_row(r.out, "operations"), std::make_pair(std::string("4"), std::string("2"))) << r.out;
  EXPECT_EQ(stats_row(r.out, "intermediate arrays"), std::make_pair(std::string("3"), std::string("1"))) << r.out;
  r = eval_ab("sin(a) * 2 + b", {"-o", path("plain.zarr"), "--stats", "--no-optimize"});
  expect_success(r);
  EXPECT_EQ(stats_row(r.out, "operations"), std::make_pair(std::string("4"), std::string("4"))) << r.out;
  const NDBuffer fused = read_array(path("fused.zarr"));
  const NDBuffer plain = read_array(path("plain.zarr"));
  ASSERT_EQ(fused.nbytes(), plain.nbytes());
  EXPECT_EQ(std::memcmp(fused.data(), plain.data(), static_cast<std::size_t>(fused.nbytes())), 0);
  for (std::int64_t i = 0; i < fused.size(); ++i) {
    EXPECT_EQ(fused.get(i).as_double(), std::sin(a_.get(i).as_double()) * 2 + b_.get(i).as_double());
  }
  // The limits are options.
  r = eval_ab("sin(a) * 2 + b", {"--explain", "--max-total-source-arrays", "1"});
  expect_success(r);
  EXPECT_NE(r.out.find("2 source arrays > max_total_source_arrays 1"), std::string::npos) << r.out;
  expect_failure(eval_ab("a", {"--explain", "--max-total-num-input-blocks", "0"}), 2,
                 {"--max-total-num-input-blocks needs a positive whole number, got '0'"});
  expect_failure(eval_ab("a", {"--explain", "--max-total-source-arrays", "many"}), 2,
                 {"--max-total-source-arrays needs a positive whole number, got 'many'"});
}

TEST_F(EvalCommand, PlanDrawings) {
  // DOT only: nothing runs, nothing is written but the drawing.
  RunResult r = eval_ab("mean(a - b, axis=0)", {"--plan", path("p.dot"), "--no-optimize"});
  expect_success(r);
  EXPECT_EQ(r.out, "");
  const std::string dot = read_text(path("p.dot"));
  for (const char* text : {"digraph plan {", "subtract", "mean-chunk", "shape (6, 7)", "chunks (4, 3)", "float64",
                           "intermediate", "source", "projected_mem", "tasks "}) {
    EXPECT_NE(dot.find(text), std::string::npos) << text << " in\n" << dot;
  }
  EXPECT_EQ(dot.find("OVER"), std::string::npos);
  // Graphviz reads it.
  expect_success(run_program("/usr/bin/dot", {"-Tsvg", path("p.dot"), "-o", path("check.svg")}));
  // SVG through Graphviz, with a result written too.
  r = eval_ab("a + 1", {"--plan", path("p.svg"), "-o", path("o.zarr")});
  expect_success(r);
  EXPECT_NE(read_text(path("p.svg")).find("<svg"), std::string::npos);
  EXPECT_TRUE(fs::exists(path("o.zarr/.zarray")));
  // A plan over the bound is drawn in red with its figures, not run.
  r = eval_ab("a * 2", {"--plan", path("over.dot"), "--allowed-mem", "100B", "--reserved-mem", "0"});
  expect_success(r);
  const std::string over = read_text(path("over.dot"));
  EXPECT_NE(over.find("OVER allowed_mem 100 B"), std::string::npos) << over;
  EXPECT_NE(over.find("color=red"), std::string::npos) << over;
  expect_failure(eval_ab("a * 2", {"--plan", path("p.txt")}), 2, {"must end in .dot, .gv, .svg or .png"});
  EXPECT_FALSE(fs::exists(path("p.txt")));
}

// ---- errors ----------------------------------------------------------------------------------

TEST_F(EvalCommand, BadExpressionsNameTheColumn) {
  expect_failure(eval_ab("a + b)", {"-o", path("o.zarr")}), 2,
                 {"syntax error at column 6 of 'a + b)': unmatched ')'"});
  expect_failure(eval_ab("(a + ", {"-o", path("o.zarr")}), 2, {"syntax error at column 1", "was never closed"});
  expect_failure(eval_ab("a $ b", {"-o", path("o.zarr")}), 2, {"column 3", "invalid character '$'"});
  expect_failure(eval_ab("a + c", {"-o", path("o.zarr")}), 2,
                 {"unknown name 'c' at column 5 of 'a + c' (inputs: a, b)"});
  expect_failure(eval_ab("sqr(a)", {"-o", path("o.zarr")}), 2, {"unknown function 'sqr' at column 1"});
  expect_failure(eval_ab("add(a)", {"-o", path("o.zarr")}), 2,
                 {"add() missing 1 required positional argument: 'x2' (at column 1 of 'add(a)')"});
  expect_failure(eval_ab("full((2,), 1, dtipe=int8)", {"-o", path("o.zarr")}), 2,
                 {"unexpected keyword argument 'dtipe'"});
  expect_failure(eval_ab("a < b < 1", {"-o", path("o.zarr")}), 2, {"column 7", "chained comparisons"});
  expect_failure(eval_ab("a @ b", {"-o", path("o.zarr")}), 2, {"matmul: contracted axes differ: 7 vs 6", "(at column 3"});
  expect_failure(eval_ab("a[9]", {"-o", path("o.zarr")}), 2, {"index 9 is out of bounds for axis 0 with size 6"});
  expect_failure(eval_ab("a.shape", {"-o", path("o.zarr")}), 2, {"gives tuple (6, 7)"});
  expect_failure(eval_ab("1 / 0", {"-o", path("o.zarr")}), 2, {"division by zero (at column 3"});
  EXPECT_FALSE(fs::exists(path("o.zarr")));
}

TEST_F(EvalCommand, BadArguments) {
  expect_failure(eval({}), 2, {"needs an expression"});
  expect_failure(eval_ab("a", {}), 2, {"needs -o OUT"});
  expect_failure(eval_ab("a", {"-o"}), 2, {"--output needs a value"});
  expect_failure(eval_ab("a", {"-o", path("o.zarr"), "--fast"}), 2, {"unknown option --fast"});
  expect_failure(eval({"a", "x.zarr", "-o", path("o.zarr")}), 2, {"input 'x.zarr' must be written NAME=PATH"});
  expect_failure(eval({"a", "a=" + a(), "a=" + b(), "-o", path("o.zarr")}), 2, {"input name 'a' is given twice"});
  expect_failure(eval({"x", "1x=" + a(), "-o", path("o.zarr")}), 2, {"invalid input name '1x'"});
  expect_failure(eval({"x", "and=" + a(), "-o", path("o.zarr")}), 2, {"invalid input name 'and'"});
  expect_failure(eval({"x", "x=", "-o", path("o.zarr")}), 2, {"empty PATH"});
  expect_failure(eval({"x", "x=" + path("missing.zarr"), "-o", path("o.zarr")}), 1, {"input x", "missing.zarr"});
  expect_failure(eval_ab("a", {"-o", path("o.zarr"), "--allowed-mem", "lots"}), 2, {"lots"});
  expect_failure(eval_ab("a", {"-o", path("o.zarr"), "--compressor", "magic"}), 2, {"magic"});
}

TEST(EvalHelp, UsageListsTheOptions) {
  RunResult r = run_program(CUBED_CLI_PATH, {"eval", "--help"});
  expect_success(r);
  EXPECT_EQ(r.out.rfind("usage: cubed eval EXPR", 0), 0u) << r.out;
  for (const char* option : {"-o, --output", "--chunks", "--compressor", "--allowed-mem", "--reserved-mem",
                             "--work-dir", "--executor", "--overwrite", "--explain", "--stats", "--print",
                             "--retries", "--no-backups", "--batch-size", "--compute-arrays-in-parallel"}) {
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
  }
  r = run_program(CUBED_CLI_PATH, {"--help"});
  EXPECT_LT(r.out.find("eval"), r.out.find("info")) << r.out;
}

// ---- against numpy ---------------------------------------------------------------------

TEST(EvalNumpy, ResultsAndReprMatchNumpy) {
  ASSERT_EQ(std::system((std::string(kPython) + " -c 'import numpy, zarr' 2>/dev/null").c_str()), 0)
      << kPython << " cannot import numpy and zarr (install python3-numpy and python3-zarr)";
  testing::TempDir dir("cubed-eval-test");
  // Inputs with uneven chunks, negative values and mixed dtypes; j has no zeros.
  const std::vector<std::pair<std::string, std::pair<NDBuffer, Shape>>> arrays = {
      {"a", {make(DType::kFloat64, {4, 5}, [](std::int64_t i) { return static_cast<double>(i) * 0.75 - 6.5; }), {3, 2}}},
      {"b", {make(DType::kFloat64, {5}, [](std::int64_t i) { return i % 2 ? 2.5 - static_cast<double>(i) : 1.25 + static_cast<double>(i); }), {2}}},
      {"i", {make(DType::kInt32, {4, 5}, [](std::int64_t i) { return static_cast<double>((i * 7) % 23 - 11); }), {3, 4}}},
      {"j", {make(DType::kInt32, {4, 5}, [](std::int64_t i) { return i % 3 == 0 ? -3.0 - static_cast<double>(i % 4) : 1.0 + static_cast<double>(i % 5); }), {2, 3}}},
      {"s", {make(DType::kInt64, {5}, [](std::int64_t i) { return static_cast<double>(i * 1000 - 2000); }), {5}}},
      {"f", {make(DType::kFloat32, {4, 5}, [](std::int64_t i) { return static_cast<double>(i) / 8.0 - 1; }), {4, 5}}},
      {"k", {make(DType::kInt8, {4, 5}, [](std::int64_t i) { return static_cast<double>(i) - 10; }), {2, 2}}},
  };
  std::vector<std::string> inputs;
  for (const auto& [name, data] : arrays) {
    write_array(dir / (name + ".zarr"), data.first, data.second);
    inputs.push_back(name + "=" + (dir / (name + ".zarr")));
  }
  const std::vector<std::string> expressions = {
      "a + b",
      "(a + 2 * b) / 3",
      "a * b - a / b",
      "a // b",
      "a % b",
      "i // j",
      "i % j",
      "i ** 2",
      "abs(a) ** 0.5 + a ** 2",
      "(i & j) + (i | j) * (i ^ j)",
      "(i << 2) - (i >> 1)",
      "~i + -a + +b",
      "a < b",
      "(a >= b) | (i == j) & ~(i != 3)",
      "i + a",
      "i * 0.5 + s",
      "f + a",
      "f * 2 - 1.5",
      "k + 1",
      "k * i",
      "maximum(a, b) + minimum(i, j)",
      "astype(a, int32) * j",
      "square(i) + logical_and(a > 0, b > 0)",
      "rechunk(a, (2, 5)) + b",
      "-7 // 2 * a + 7 % -3",
      "a * (1/3)",
      "2 ** -1 + 7 // 2",
      "eye(4, 5, k=1) * a + linspace(0, 1, 5)",
      "full((4, 5), -3) % j",
      "arange(5) - a.astype(float32) / 3",
      "a @ a.T",
      "a @ b",
      "b @ matrix_transpose(a)",
      "i @ j.T + k @ k.T",
      "matmul(f, a.T, split_every=2)",
      "tensordot(a, i, axes=([0, 1], [0, 1]))",
      "tensordot(a, b, axes=1)",
      "vecdot(a, j)",
      "outer(b, s)",
      "searchsorted(s, a * 1000)",
      "searchsorted(s, i * 300, side='right')",
      "isin(i, j)",
      "isin(k, i, invert=True)",
      "diff(a, axis=0, prepend=b[None, :])",
      "diff(i, n=2, append=j)",
      // creation from arrays, random arrays, data types
      "meshgrid(b, s)[0] * 2 + meshgrid(b, s)[1]",
      "meshgrid(b, s, indexing='ij')[0] - meshgrid(b, s, indexing='ij')[1]",
      "tril(a) + triu(i, k=1) + tril(f, k=-2)",
      "random((3, 4), seed=7)",
      "random((4, 5), seed=1, chunks=2) + a",
      "integers(-5, 9, (4, 5), seed=3) + i",
      "integers(0, 3, 6, seed=11, dtype=uint8)",
      "can_cast(int8, float32) & can_cast(f, float64) | can_cast(int64, uint64)",
      "finfo(float64).eps * a + iinfo(int16).max + i",
      // manipulation and indexing
      "broadcast_arrays(b, a)[0] + broadcast_to(s, (4, 5))",
      "concat([a, i], axis=1)",
      "stack([a, f], axis=2)",
      "flip(a, axis=0) * 2 + roll(a, 2, axis=1)",
      "expand_dims(b, axis=0) + squeeze(expand_dims(a, axis=1), axis=1)",
      "permute_dims(a, (1, 0))",
      "moveaxis(stack([a, i]), 0, 2)",
      "reshape(i, (2, 10))",
      "repeat(b, 3) + tile(b, (3,))",
      "unstack(a, axis=1)[2] + 1",
      "take(a, [3, 0, -1], axis=1)",
      "take_along_axis(a, asarray([[0, 4], [1, 1], [2, 0], [3, 3]]), axis=1)",
      // elementwise math
      "where(a > 0, a, i) + clip(a, -1, 2)",
      "sqrt(abs(a)) + log1p(abs(b)) + atan2(a, b) + hypot(a, b) + log(abs(b)) + exp(b / 4)",
      "acos(a / 100) + asin(b / 100) + atanh(a / 100) + atan(b) + asinh(a) + acosh(abs(b) + 1)",
      "sin(a) + cos(a) + tan(b) + sinh(b) + cosh(b) + tanh(a)",
      "reciprocal(b) + expm1(b) + log2(abs(b)) + log10(abs(b))",
      "floor(a) + ceil(b) + trunc(a) + round(a) + sign(a)",
      "signbit(a) & isfinite(a) | isnan(b) | isinf(a)",
      "copysign(a, b) + logaddexp(a, b) + nextafter(a, b)",
      "real(asarray([1+2j, -3j])) + imag(conj(asarray([1+2j, -3j])))",
  };
  int n = 0;
  for (const std::string& expression : expressions) {
    SCOPED_TRACE(expression);
    const std::string out = dir / fmt::format("out{}.zarr", n);
    const std::string printed = dir / fmt::format("printed{}.txt", n);
    ++n;
    std::vector<std::string> args = {expression};
    args.insert(args.end(), inputs.begin(), inputs.end());
    args.insert(args.end(), {"-o", out, "--print"});
    RunResult r = eval(args);
    expect_success(r);
    std::ofstream(printed) << r.out;
    std::vector<std::string> check = {CUBED_SOURCE_DIR "/tests/cli/numpy_check.py", expression, out};
    check.insert(check.end(), inputs.begin(), inputs.end());
    check.insert(check.end(), {"--repr", printed});
    RunResult c = run_program(kPython, check);
    EXPECT_EQ(c.status, 0) << c.out << c.err;
    EXPECT_EQ(c.out.rfind("OK ", 0), 0u) << c.out << c.err;
  }
}

}  // namespace
}  // namespace cubed
