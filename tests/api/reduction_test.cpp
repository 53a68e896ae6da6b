// Reductions, scans and diff on lazy arrays against numpy (Debian's
// python3-numpy through /usr/bin/python3, tests/api/numpy_reduce.py): the
// inputs are written as Zarr arrays, cubed-cpp reduces them from storage and
// zarr-python + numpy compute the reference; plus plan shape (rounds of
// split_every), memory (measured <= projected <= allowed) and errors.
#include "cubed/api/statistical.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <complex>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "cubed/api/creation.hpp"
#include "cubed/api/elementwise.hpp"
#include "cubed/core/error.hpp"
#include "cubed/plan/plan.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/compute.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using kernels::ReduceOp;

const double kNan = std::numeric_limits<double>::quiet_NaN();

using ReduceFn = std::function<Array(const Array&, const ReduceOptions&)>;

const std::map<std::string, ReduceFn>& functions() {
  static const std::map<std::string, ReduceFn> table = {
      {"sum", sum},
      {"prod", prod},
      {"min", min},
      {"max", max},
      {"mean", mean},
      {"var", var},
      {"std", std},
      {"all", all},
      {"any", any},
      {"count_nonzero", count_nonzero},
      {"nansum", nansum},
      {"nanprod", nanprod},
      {"nanmin", nanmin},
      {"nanmax", nanmax},
      {"nanmean", nanmean},
      {"nanvar", nanvar},
      {"nanstd", nanstd},
      {"argmin", argmin},
      {"argmax", argmax},
      {"nanargmin", nanargmin},
      {"nanargmax", nanargmax},
      {"cumulative_sum", cumulative_sum},
      {"cumulative_prod", cumulative_prod},
      {"nancumsum", nancumsum},
      {"nancumprod", nancumprod},
  };
  return table;
}

// Deterministic data: small integers (with ties), floats of magnitude 0.5 to
// 1.5 with random signs (products stay finite), a fraction of NaN.
NDBuffer make_data(DType dt, const Shape& shape, unsigned seed, double nan_fraction = 0) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> small(-9, 9);
  std::uniform_real_distribution<double> magnitude(0.5, 1.5);
  std::uniform_real_distribution<double> unit(0, 1);
  auto real = [&] { return (unit(rng) < 0.5 ? -1 : 1) * magnitude(rng); };
  NDBuffer b(dt, shape);
  for (std::int64_t i = 0; i < b.size(); ++i) {
    if (is_floating(dt)) {
      b.set(i, Scalar(unit(rng) < nan_fraction ? kNan : real()));
    } else if (is_complex(dt)) {
      const double re = real();
      b.set(i, Scalar(std::complex<double>(unit(rng) < nan_fraction ? kNan : re, real())));
    } else if (is_bool(dt)) {
      b.set(i, Scalar(unit(rng) < 0.75));
    } else if (is_unsigned_integer(dt)) {
      b.set(i, Scalar(static_cast<std::int64_t>(small(rng) + 9)));
    } else {
      b.set(i, Scalar(static_cast<std::int64_t>(small(rng))));
    }
  }
  return b;
}

std::string describe(const std::string& op, const ReduceOptions& o, DType dt, const std::string& input) {
  std::string s = op + "(" + std::string(dtype_name(dt)) + " " + input + ", axis=";
  if (!o.axis) {
    s += "None";
  } else {
    s += "(";
    for (int a : *o.axis) s += std::to_string(a) + ",";
    s += ")";
  }
  if (o.keepdims) s += ", keepdims";
  if (o.dtype) s += ", dtype=" + std::string(dtype_name(*o.dtype));
  if (o.correction != 0) s += ", correction=" + std::to_string(o.correction);
  if (o.include_initial) s += ", include_initial";
  return s + ", split_every=" + std::to_string(o.split_every) + ")";
}

class ReductionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    const std::string id = std::to_string(::getpid()) + "-" + std::to_string(counter++);
    dir_ = fs::temp_directory_path() / ("cubed-reduction-" + id);
    fs::create_directories(dir_);
    SpecOptions options;
    options.work_dir = "memory://cubed-reduction-" + id;
    options.allowed_mem = 200'000'000;
    options.reserved_mem = 1'000'000;
    spec_ = std::make_shared<const Spec>(options);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `data` stored as a Zarr array with `chunks`, opened lazily.
  Array stored(const NDBuffer& data, const Shape& chunks) {
    const std::string path = (dir_ / ("in" + std::to_string(paths_.size()) + ".zarr")).string();
    to_zarr(from_array(data, chunks, spec_), path);
    Array x = from_zarr(path, spec_);
    paths_[x.name()] = path;
    return x;
  }

  struct Case {
    Array x;
    std::string op;
    ReduceOptions options;
    int n = 1;  // diff
    double rtol = 0;  // 0: by dtype
    std::string label;
    NDBuffer got;
    std::string error;
  };

  void add(const Array& x, const std::string& op, const ReduceOptions& options = {}, double rtol = 0) {
    Case c{x, op, options};
    c.rtol = rtol;
    c.label = describe(op, options, x.dtype(), x.name() + shape_to_string(x.shape()) + " chunks " +
                                                   shape_to_string(x.chunks()));
    cases_.push_back(std::move(c));
  }
  void add_diff(const Array& x, int axis, int n) {
    Case c{x, "diff"};
    c.options.axis = std::vector<int>{axis};
    c.n = n;
    c.label = "diff(" + std::string(dtype_name(x.dtype())) + " " + shape_to_string(x.shape()) + " chunks " +
              shape_to_string(x.chunks()) + ", axis=" + std::to_string(axis) + ", n=" + std::to_string(n) + ")";
    cases_.push_back(std::move(c));
  }

  // Computes every case, runs numpy on all of them, compares.
  void check() {
    Json manifest = Json::array();
    for (std::size_t i = 0; i < cases_.size(); ++i) {
      Case& c = cases_[i];
      try {
        Array y = c.op == "diff" ? diff(c.x, c.options.axis->at(0), c.n) : functions().at(c.op)(c.x, c.options);
        c.got = compute(y);
      } catch (const Error& e) {
        c.error = e.what();
      }
      Json j;
      j["input"] = paths_.at(c.x.name());
      j["op"] = c.op;
      j["axis"] = c.options.axis ? Json(*c.options.axis) : Json(nullptr);
      j["keepdims"] = c.options.keepdims;
      j["dtype"] = c.options.dtype ? Json(std::string(dtype_name(*c.options.dtype))) : Json(nullptr);
      j["correction"] = c.options.correction;
      j["include_initial"] = c.options.include_initial;
      j["n"] = c.n;
      j["out"] = (dir_ / ("out" + std::to_string(i))).string();
      manifest.push_back(j);
    }
    RecordProperty("numpy_cases", static_cast<int>(cases_.size()));
    const fs::path file = dir_ / "cases.json";
    std::ofstream(file) << manifest.dump();
    const std::string command =
        "/usr/bin/python3 " + std::string(CUBED_SOURCE_DIR) + "/tests/api/numpy_reduce.py " + file.string();
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    for (std::size_t i = 0; i < cases_.size(); ++i) {
      const Case& c = cases_[i];
      const std::string out = manifest[i]["out"].get<std::string>();
      std::ifstream f(out + ".json");
      const Json d = Json::parse(f);
      if (d.contains("error")) {
        EXPECT_FALSE(c.error.empty()) << c.label << ": numpy raised " << d["error"] << ", cubed did not";
        continue;
      }
      if (!c.error.empty()) {
        ADD_FAILURE() << c.label << ": cubed raised " << c.error;
        continue;
      }
      NDBuffer expected(dtype_from_name(d["dtype"].get<std::string>()), d["shape"].get<Shape>());
      std::ifstream bin(out + ".bin", std::ios::binary);
      bin.read(reinterpret_cast<char*>(expected.data()), static_cast<std::streamsize>(expected.nbytes()));
      compare(c, expected);
    }
    cases_.clear();
  }

  static void compare(const Case& c, const NDBuffer& expected) {
    ASSERT_EQ(dtype_name(c.got.dtype()), dtype_name(expected.dtype())) << c.label;
    ASSERT_EQ(c.got.shape(), expected.shape()) << c.label;
    const DType dt = expected.dtype();
    if (!is_floating(dt) && !is_complex(dt)) {
      EXPECT_TRUE(c.got == expected) << c.label;
      return;
    }
    const bool single = dt == DType::kFloat32 || dt == DType::kComplex64;
    const double rtol = c.rtol > 0 ? c.rtol : single ? 2e-4 : 1e-10;
    double scale = 0;
    for (std::int64_t i = 0; i < expected.size(); ++i) {
      const double m = std::abs(expected.get(i).as_complex());
      if (std::isfinite(m)) scale = std::max(scale, m);
    }
    const double atol = rtol * (scale > 0 ? scale : 1);
    int reported = 0;
    for (std::int64_t i = 0; i < expected.size(); ++i) {
      const std::complex<double> e = expected.get(i).as_complex();
      const std::complex<double> g = c.got.get(i).as_complex();
      auto same = [&](double a, double b) {
        if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
        if (std::isinf(a) || std::isinf(b)) return a == b;
        return std::abs(a - b) <= atol + rtol * std::abs(b);
      };
      if (!same(g.real(), e.real()) || !same(g.imag(), e.imag())) {
        if (reported++ < 3) {
          ADD_FAILURE() << c.label << " element " << i << ": got " << g << ", numpy " << e << " (rtol " << rtol
                        << ", atol " << atol << ")";
        }
      }
    }
  }

  // Operation count and per-operation memory of a computation.
  ComputeReport run_with_report(const Array& y, NDBuffer* result = nullptr) {
    ComputeReport report;
    NDBuffer r = compute(y, {}, &report);
    if (result) *result = std::move(r);
    return report;
  }

  fs::path dir_;
  SpecPtr spec_;
  std::map<std::string, std::string> paths_;
  std::vector<Case> cases_;
};

struct AxisChoice {
  std::optional<std::vector<int>> axis;
  bool keepdims;
  int split_every;
};

const std::vector<AxisChoice> kAxisChoices = {
    {std::nullopt, false, 2}, {std::vector<int>{0}, true, 3},    {std::vector<int>{-1}, false, 2},
    {std::vector<int>{0, 2}, false, 2}, {std::vector<int>{1}, true, 8}, {std::vector<int>{2, -3}, true, 4},
    {std::nullopt, true, 8},  {std::vector<int>{1, 2}, false, 3}, {std::vector<int>{}, false, 2},
};
// argmin/argmax over several axes number elements in C order within them.
const std::vector<AxisChoice> kArgAxisChoices = {
    {std::nullopt, false, 2}, {std::vector<int>{0}, true, 2},       {std::vector<int>{-1}, false, 3},
    {std::vector<int>{1}, false, 8}, {std::vector<int>{0, 2}, false, 2}, {std::nullopt, true, 3},
    {std::vector<int>{2, 1}, true, 3},
};

TEST_F(ReductionTest, MatchNumpyOnEveryDtypeAxisAndUnevenChunks) {
  const std::vector<DType> dtypes = {DType::kBool,    DType::kInt8,    DType::kInt32,     DType::kInt64,
                                     DType::kUInt8,   DType::kUInt32,  DType::kFloat32,   DType::kFloat64,
                                     DType::kComplex64, DType::kComplex128};
  const std::vector<std::string> ops = {"sum", "prod", "min",  "max",           "mean",   "var",
                                        "std", "all",  "any",  "count_nonzero", "argmin", "argmax"};
  unsigned seed = 1;
  std::size_t rotate = 0;
  for (DType dt : dtypes) {
    const Array x = stored(make_data(dt, {13, 10, 7}, seed++), {4, 3, 5});
    for (const std::string& op : ops) {
      const bool ordered = op == "min" || op == "max" || op == "argmin" || op == "argmax";
      if (ordered && is_complex(dt)) continue;
      const auto& choices = op.rfind("arg", 0) == 0 ? kArgAxisChoices : kAxisChoices;
      for (int k = 0; k < 3; ++k) {
        const AxisChoice& a = choices[rotate++ % choices.size()];
        ReduceOptions o;
        o.axis = a.axis;
        o.keepdims = a.keepdims;
        o.split_every = a.split_every;
        if (op == "var" || op == "std") o.correction = k;
        add(x, op, o);
      }
    }
  }
  check();
}

TEST_F(ReductionTest, NanVersionsMatchNumpy) {
  for (DType dt : {DType::kFloat32, DType::kFloat64, DType::kComplex128}) {
    NDBuffer data = make_data(dt, {9, 11}, 40 + static_cast<unsigned>(dt), 0.25);
    // Row 2 all NaN; column 4 has a single value.
    for (std::int64_t j = 0; j < 11; ++j) data.set(2 * 11 + j, Scalar(kNan));
    for (std::int64_t i = 0; i < 9; ++i) data.set(i * 11 + 4, Scalar(i == 5 ? 0.75 : kNan));
    const Array x = stored(data, {4, 3});
    for (const std::string op : {"nansum", "nanprod", "nanmin", "nanmax", "nanmean", "nanvar", "nanstd", "sum",
                                 "max", "mean", "var"}) {
      if (is_complex(dt) && (op == "nanmin" || op == "nanmax" || op == "max")) continue;
      for (const AxisChoice& a : {AxisChoice{std::nullopt, false, 2}, AxisChoice{std::vector<int>{1}, false, 2},
                                  AxisChoice{std::vector<int>{0}, true, 3}}) {
        ReduceOptions o;
        o.axis = a.axis;
        o.keepdims = a.keepdims;
        o.split_every = a.split_every;
        add(x, op, o);
        if (op == "nanvar" || op == "nanstd") {
          o.correction = 1;
          add(x, op, o);
        }
      }
    }
    if (!is_complex(dt)) {
      // No all-NaN slice along axis 0 except column 4's single value.
      for (const std::string op : {"nanargmin", "nanargmax", "argmax", "argmin"}) {
        ReduceOptions o;
        o.axis = std::vector<int>{0};
        o.split_every = 2;
        add(x, op, o);
        o.axis = std::nullopt;
        add(x, op, o);
      }
    }
  }
  check();
}

TEST_F(ReductionTest, AllNanSliceMakesNanargFail) {
  NDBuffer data = make_data(DType::kFloat64, {4, 6}, 3);
  for (std::int64_t i = 0; i < 4; ++i) data.set(i * 6 + 1, Scalar(kNan));
  const Array x = stored(data, {2, 2});
  ReduceOptions o;
  o.axis = std::vector<int>{0};
  try {
    compute(nanargmax(x, o));
    FAIL() << "expected an error";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("All-NaN slice"), std::string::npos) << e.what();
  }
  EXPECT_EQ(compute(argmax(x, o)).get(1).as_int(), 0);  // NaN wins, first index
}

TEST_F(ReductionTest, SplitEveryGivesRoundsAndTheSameAnswer) {
  // 100 elements in chunks of 3: 34 chunks; split_every 2 needs 6 rounds
  // (the plan before fusion, which merges them).
  const NDBuffer data = make_data(DType::kFloat64, {100}, 5);
  const Array x = stored(data, {3});
  for (auto [split, rounds] : {std::pair{2, 6}, std::pair{3, 4}, std::pair{8, 2}, std::pair{34, 1}, std::pair{100, 1}}) {
    ReduceOptions o;
    o.split_every = split;
    Plan plan = Plan::build({{sum(x, o), std::nullopt}}, PlanOptions{.optimize = false});
    EXPECT_EQ(static_cast<int>(plan.operations().size()), 1 + rounds) << "split_every " << split;
    EXPECT_EQ(plan.operations().back().node->op->function_name(), "sum");
    EXPECT_EQ(plan.operations().front().node->op->function_name(), "sum-chunk");
    add(x, "sum", o);
    add(x, "var", o);
    add(x, "argmax", o);
  }
  // Scans: levels of totals of 1, s, s^2, ... chunks until one has at most
  // s chunks (34 -> 17 -> 9 -> 5 -> 3 -> 2 for s = 2), then the scan.
  for (auto [split, ops] : {std::pair{2, 7}, std::pair{8, 3}, std::pair{34, 2}}) {
    ReduceOptions o;
    o.split_every = split;
    Plan plan = Plan::build({{cumulative_sum(x, o), std::nullopt}}, PlanOptions{.optimize = false});
    EXPECT_EQ(static_cast<int>(plan.operations().size()), ops) << "split_every " << split;
  }
  // Two reduced axes share the budget: 6 x 5 chunks, split_every 4.
  const Array y = stored(make_data(DType::kInt32, {23, 19, 3}, 6), {4, 4, 3});
  ReduceOptions o;
  o.axis = std::vector<int>{0, 1};
  o.split_every = 4;
  Plan plan = Plan::build({{sum(y, o), std::nullopt}}, PlanOptions{.optimize = false});
  EXPECT_GE(plan.operations().size(), 4u);  // chunk + at least 3 rounds for 30 chunks
  for (std::size_t i = 1; i < plan.operations().size(); ++i) {
    EXPECT_LE(plan.operations()[i].node->op->input_chunks_per_task(*plan.operations()[i].node), 4);
  }
  add(y, "sum", o);
  add(y, "mean", o);
  add(y, "max", o);
  o.keepdims = true;
  add(y, "prod", o);
  // One chunk across the reduced axes: a single operation.
  Plan one = Plan::build({{sum(y, ReduceOptions{.axis = std::vector<int>{2}}), std::nullopt}}, PlanOptions{.optimize = false});
  EXPECT_EQ(one.operations().size(), 1u);
  check();
  EXPECT_THROW(sum(x, ReduceOptions{.split_every = 1}), InvalidArgumentError);
}

TEST_F(ReductionTest, VarianceOfLargeMagnitudeDataIsStable) {
  // 1e9 + U(0, 1): a sum of squares in float64 would lose every digit.
  NDBuffer data(DType::kFloat64, {4000, 3});
  std::mt19937_64 rng(8);
  std::uniform_real_distribution<double> noise(0, 1);
  for (double& v : data.span<double>()) v = 1e9 + noise(rng);
  const Array x = stored(data, {50, 2});  // 80 x 2 chunks
  for (const std::string op : {"var", "std", "mean", "nanvar"}) {
    for (int split : {2, 16}) {
      ReduceOptions o;
      o.split_every = split;
      o.correction = 1;
      add(x, op, o, 1e-9);
      o.axis = std::vector<int>{0};
      add(x, op, o, 1e-9);
    }
  }
  // float32 data with an offset of 1e4 (numpy accumulates in float32).
  NDBuffer f(DType::kFloat32, {3000});
  for (std::int64_t i = 0; i < f.size(); ++i) f.set(i, Scalar(1e4 + noise(rng)));
  const Array xf = stored(f, {11});
  add(xf, "var", ReduceOptions{.split_every = 2}, 1e-3);
  add(xf, "std", ReduceOptions{.split_every = 2}, 1e-3);
  check();
}

TEST_F(ReductionTest, DtypeOverridesMatchNumpy) {
  const Array i8 = stored(make_data(DType::kInt8, {50, 6}, 9), {7, 4});
  const Array u8 = stored(make_data(DType::kUInt8, {50, 6}, 10), {7, 4});
  const Array f64 = stored(make_data(DType::kFloat64, {50, 6}, 11), {7, 4});
  const Array c64 = stored(make_data(DType::kComplex64, {50, 6}, 12), {7, 4});
  auto with = [](std::optional<std::vector<int>> axis, DType dt) {
    ReduceOptions o;
    o.axis = axis;
    o.dtype = dt;
    o.split_every = 3;
    return o;
  };
  add(i8, "sum", with(std::nullopt, DType::kInt8));  // wraps
  add(i8, "prod", with(std::vector<int>{0}, DType::kInt16));
  add(i8, "sum", with(std::vector<int>{0}, DType::kFloat32));
  add(u8, "sum", with(std::nullopt, DType::kUInt8));
  add(u8, "sum", with(std::vector<int>{1}, DType::kInt64));
  add(u8, "prod", with(std::vector<int>{0}, DType::kFloat64));
  add(f64, "sum", with(std::vector<int>{0}, DType::kFloat32));
  add(f64, "mean", with(std::vector<int>{0}, DType::kFloat32));
  add(f64, "var", with(std::nullopt, DType::kFloat32));
  add(i8, "mean", with(std::vector<int>{1}, DType::kFloat32));
  add(c64, "sum", with(std::nullopt, DType::kComplex128));
  add(c64, "mean", with(std::vector<int>{0}, DType::kComplex128));
  add(i8, "cumulative_sum", with(std::vector<int>{0}, DType::kInt16));
  check();
  EXPECT_THROW(max(i8, with(std::nullopt, DType::kInt64)), DTypeError);
  EXPECT_THROW(mean(i8, with(std::nullopt, DType::kInt64)), DTypeError);
  EXPECT_THROW(max(c64), DTypeError);
  EXPECT_THROW(argmin(c64), DTypeError);
}

TEST_F(ReductionTest, EmptyAxesAndZeroDimensionalArrays) {
  const Array e = stored(NDBuffer(DType::kFloat64, {0, 5}), {2, 2});
  const Array ei = stored(NDBuffer(DType::kInt16, {4, 0}), {2, 2});
  ReduceOptions axis0;
  axis0.axis = std::vector<int>{0};
  ReduceOptions axis1;
  axis1.axis = std::vector<int>{1};
  for (const std::string op : {"sum", "prod", "mean", "var", "all", "any", "count_nonzero", "nansum", "nanmean",
                               "max", "min", "argmax", "cumulative_sum"}) {
    add(e, op, axis0);
    add(e, op, axis1);
    add(ei, op, axis1);
    if (op.rfind("cum", 0) != 0) add(e, op);
  }
  ReduceOptions initial = axis0;
  initial.include_initial = true;
  add(e, "cumulative_sum", initial);
  add(e, "cumulative_prod", initial);
  const Array scalar = stored(NDBuffer::filled(DType::kFloat32, {}, Scalar(2.5)), {});
  for (const std::string op : {"sum", "prod", "max", "mean", "var", "argmax", "all", "count_nonzero"}) {
    add(scalar, op);
    add(scalar, op, ReduceOptions{.keepdims = true});
  }
  check();
  try {
    max(e, axis0);
    FAIL() << "expected an error";
  } catch (const InvalidArgumentError& error) {
    EXPECT_NE(std::string(error.what()).find("zero-size reduction"), std::string::npos) << error.what();
  }
  EXPECT_THROW(cumulative_sum(scalar), InvalidArgumentError);
  EXPECT_THROW(diff(scalar), InvalidArgumentError);
}

TEST_F(ReductionTest, BadAxesAreNamed) {
  const Array x = ones({3, 4, 5}, DType::kFloat64, std::int64_t{2}, spec_);
  auto message = [&](const std::function<void()>& f) {
    try {
      f();
    } catch (const InvalidArgumentError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([&] { sum(x, ReduceOptions{.axis = std::vector<int>{3}}); }).find("axis 3 is out of bounds"),
            std::string::npos);
  EXPECT_NE(message([&] { sum(x, ReduceOptions{.axis = std::vector<int>{-4}}); }).find("axis -4 is out of bounds"),
            std::string::npos);
  EXPECT_NE(message([&] { mean(x, ReduceOptions{.axis = std::vector<int>{0, -3}}); }).find("axis -3 is repeated"),
            std::string::npos);
  EXPECT_NE(message([&] { cumulative_sum(x); }).find("axis is required"), std::string::npos);
  EXPECT_NE(message([&] { cumulative_sum(x, ReduceOptions{.axis = std::vector<int>{0, 1}}); }).find("one axis"),
            std::string::npos);
  EXPECT_NE(message([&] { diff(x, 3); }).find("axis 3 is out of bounds"), std::string::npos);
  EXPECT_NE(message([&] { diff(x, 0, -1); }).find("non-negative"), std::string::npos);
  EXPECT_NE(message([&] { sum(Array()); }).find("empty"), std::string::npos);
}

TEST_F(ReductionTest, CumulativeMatchesNumpy) {
  unsigned seed = 20;
  for (DType dt : {DType::kBool, DType::kInt8, DType::kInt32, DType::kUInt16, DType::kFloat32, DType::kFloat64,
                   DType::kComplex128}) {
    NDBuffer data = make_data(dt, {11, 8}, seed++, is_floating(dt) ? 0.1 : 0);
    const Array x = stored(data, {3, 4});  // uneven along 0, even along 1
    for (const std::string op : {"cumulative_sum", "cumulative_prod", "nancumsum", "nancumprod"}) {
      for (int axis : {0, 1, -1}) {
        for (bool initial : {false, true}) {
          ReduceOptions o;
          o.axis = std::vector<int>{axis};
          o.include_initial = initial;
          add(x, op, o);
        }
      }
    }
  }
  // 1-d without axis; chunks of 1.
  const Array v = stored(make_data(DType::kInt64, {7}, 30), {1});
  add(v, "cumulative_sum");
  add(v, "cumulative_prod", ReduceOptions{.include_initial = true});
  // Many chunks: several levels of totals (67 chunks, split_every 2 to 8;
  // 66 and 64 elements end on a chunk boundary, with an extra last chunk
  // under include_initial).
  for (std::int64_t length : {200, 198, 192}) {
    const Array w = stored(make_data(DType::kFloat64, {length, 2}, 31), {3, 2});
    const Array wi = stored(make_data(DType::kInt32, {length}, 32), {3});
    for (int split : {2, 3, 8}) {
      for (bool initial : {false, true}) {
        ReduceOptions o;
        o.axis = std::vector<int>{0};
        o.split_every = split;
        o.include_initial = initial;
        add(w, "cumulative_sum", o);
        add(w, "nancumprod", o);
        add(wi, "cumulative_sum", o);
      }
    }
  }
  check();
}

TEST_F(ReductionTest, DiffMatchesNumpy) {
  unsigned seed = 50;
  for (DType dt : {DType::kInt16, DType::kUInt8, DType::kFloat64, DType::kBool, DType::kComplex64}) {
    const Array x = stored(make_data(dt, {10, 9}, seed++), {3, 4});
    for (int axis : {0, -1}) {
      for (int n : {0, 1, 2, 3}) add_diff(x, axis, n);
    }
  }
  const Array ones_chunks = stored(make_data(DType::kInt32, {6}, 60), {1});
  add_diff(ones_chunks, 0, 1);
  add_diff(ones_chunks, 0, 5);
  add_diff(ones_chunks, 0, 7);  // longer than the axis: empty
  check();
}

// Every operation of a reduction plan: measured peak + reserved_mem <=
// projected_mem <= allowed_mem, with compressed inputs and intermediates,
// edge chunks and cast copies.
TEST_F(ReductionTest, MeasuredMemoryWithinProjected) {
  SpecOptions options;
  options.work_dir = (dir_ / "work").string();
  options.allowed_mem = 3'000'000;
  options.reserved_mem = 100'000;
  auto spec = std::make_shared<const Spec>(options);
  const NDBuffer data = make_data(DType::kFloat32, {301, 203}, 70, 0.05);
  to_zarr(from_array(data, {64, 50}, spec), (dir_ / "mem.zarr").string());
  const Array x = from_zarr((dir_ / "mem.zarr").string(), spec);
  std::vector<std::pair<std::string, Array>> arrays;
  ReduceOptions rows;
  rows.axis = std::vector<int>{0};
  rows.split_every = 2;
  ReduceOptions all_axes;
  all_axes.split_every = 3;
  arrays.emplace_back("sum rows", sum(x, rows));
  arrays.emplace_back("sum all", sum(x, all_axes));
  arrays.emplace_back("nanvar", nanvar(x, rows));
  arrays.emplace_back("std all", std(x, all_axes));
  arrays.emplace_back("argmax", argmax(x, rows));
  arrays.emplace_back("nanargmin all", nanargmin(x, all_axes));
  arrays.emplace_back("max keepdims", max(x, ReduceOptions{.axis = std::vector<int>{1}, .keepdims = true}));
  arrays.emplace_back("sum as int16", sum(x, ReduceOptions{.axis = std::vector<int>{1}, .dtype = DType::kInt16}));
  arrays.emplace_back("cumsum", nancumsum(x, rows));
  arrays.emplace_back("cumprod initial", cumulative_prod(x, ReduceOptions{.axis = std::vector<int>{1},
                                                                           .include_initial = true}));
  arrays.emplace_back("diff", diff(x, 0, 2));
  arrays.emplace_back("mean of expression", mean(x * x + 1, all_axes));
  for (const auto& [label, y] : arrays) {
    ComputeReport report;
    compute(y, {}, &report);
    ASSERT_FALSE(report.projected_mem.empty()) << label;
    for (std::size_t i = 0; i < report.projected_mem.size(); ++i) {
      EXPECT_GT(report.measured_peak_mem[i], 0) << label << ": " << report.operation_names[i];
      EXPECT_LE(report.measured_peak_mem[i] + spec->reserved_mem(), report.projected_mem[i])
          << label << ": " << report.operation_names[i];
      EXPECT_LE(report.projected_mem[i], spec->allowed_mem()) << label << ": " << report.operation_names[i];
    }
  }
  // A combine task holds its accumulator besides the chunk it reads and the
  // chunk it writes: its projection counts three state chunks at least.
  Plan plan = Plan::build({{sum(x, rows), std::nullopt}}, PlanOptions{.optimize = false});
  for (const PlanOperation& op : plan.operations()) {
    if (op.node->op->function_name() != "sum-combine") continue;
    const NodePtr input = op.node->op->inputs().at(0);
    EXPECT_GE(op.projected_mem - op.reserved_mem, 3 * input->chunk_nbytes());
  }
}

TEST_F(ReductionTest, ThreadsExecutorGivesTheSameAnswers) {
  const NDBuffer data = make_data(DType::kFloat64, {40, 30}, 80);
  const Array x = from_array(data, {7, 6}, spec_);
  ReduceOptions o;
  o.axis = std::vector<int>{0};
  o.split_every = 2;
  for (const Array& y : {sum(x, o), var(x, o), argmin(x, o), cumulative_sum(x, o)}) {
    NDBuffer a = compute(y);
    NDBuffer b = compute(y, ComputeOptions{.executor_name = "threads:2"});
    EXPECT_TRUE(a == b);
  }
}

}  // namespace
}  // namespace cubed
