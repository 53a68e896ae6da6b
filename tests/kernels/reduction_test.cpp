// Reduction, scan and diff kernels against plain loops.
#include "cubed/kernels/reduction.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <random>

#include "cubed/core/error.hpp"
#include "cubed/kernels/elementwise.hpp"

namespace cubed::kernels {
namespace {

const double kNan = std::numeric_limits<double>::quiet_NaN();

NDBuffer random_buffer(DType dt, const Shape& shape, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> small(-20, 20);
  std::uniform_real_distribution<double> real(-1, 1);
  NDBuffer b(dt, shape);
  for (std::int64_t i = 0; i < b.size(); ++i) {
    if (is_floating(dt)) {
      b.set(i, Scalar(real(rng)));
    } else if (is_complex(dt)) {
      b.set(i, Scalar(std::complex<double>(real(rng), real(rng))));
    } else if (is_bool(dt)) {
      b.set(i, Scalar(small(rng) > 0));
    } else if (is_unsigned_integer(dt)) {
      b.set(i, Scalar(static_cast<std::int64_t>(small(rng) + 20)));
    } else {
      b.set(i, Scalar(static_cast<std::int64_t>(small(rng))));
    }
  }
  return b;
}

// Reduces `x` over the axes flagged in `reduced` with a plain loop: the
// elements of each output slot, in C order.
std::vector<std::vector<Scalar>> slots_of(const NDBuffer& x, const std::vector<bool>& reduced, Shape* out_shape) {
  Shape slots = x.shape();
  for (std::size_t d = 0; d < slots.size(); ++d) {
    if (reduced[d]) slots[d] = 1;
  }
  *out_shape = slots;
  std::vector<std::vector<Scalar>> result(static_cast<std::size_t>(shape_size(slots)));
  const Shape strides = c_strides(slots);
  for_each_index(x.shape(), [&](const Shape& idx) {
    std::int64_t s = 0;
    for (std::size_t d = 0; d < idx.size(); ++d) s += reduced[d] ? 0 : idx[d] * strides[d];
    result[s].push_back(x.at(idx));
  });
  return result;
}

NDBuffer reduce_whole(const Reduction& r, const NDBuffer& x, const std::vector<bool>& reduced) {
  Shape slots = x.shape();
  for (std::size_t d = 0; d < slots.size(); ++d) {
    if (reduced[d]) slots[d] = 1;
  }
  return finalize_state(r, reduce_chunk(r, x, reduced, Shape(x.ndim(), 0), x.shape()), slots);
}

const std::vector<std::vector<bool>> kAxisSets = {
    {true, false, false}, {false, true, false}, {false, false, true}, {true, true, false},
    {false, true, true},  {true, false, true},  {true, true, true},   {false, false, false},
};

TEST(ReductionKernel, SumProdCountMinMaxMatchPlainLoops) {
  const NDBuffer x = random_buffer(DType::kInt16, {5, 4, 7}, 1);
  for (const auto& reduced : kAxisSets) {
    Shape shape;
    auto slots = slots_of(x, reduced, &shape);
    NDBuffer sum = reduce_whole(make_reduction(ReduceOp::kSum, false, x.dtype()), x, reduced);
    NDBuffer prod = reduce_whole(make_reduction(ReduceOp::kProd, false, x.dtype()), x, reduced);
    NDBuffer count = reduce_whole(make_reduction(ReduceOp::kCountNonzero, false, x.dtype()), x, reduced);
    NDBuffer lo = reduce_whole(make_reduction(ReduceOp::kMin, false, x.dtype()), x, reduced);
    NDBuffer hi = reduce_whole(make_reduction(ReduceOp::kMax, false, x.dtype()), x, reduced);
    NDBuffer all = reduce_whole(make_reduction(ReduceOp::kAll, false, x.dtype()), x, reduced);
    ASSERT_EQ(sum.dtype(), DType::kInt64);
    ASSERT_EQ(lo.dtype(), DType::kInt16);
    ASSERT_EQ(all.dtype(), DType::kBool);
    for (std::size_t s = 0; s < slots.size(); ++s) {
      std::int64_t es = 0, ec = 0;
      std::uint64_t ep = 1;
      std::int64_t emin = 1000, emax = -1000;
      for (const Scalar& v : slots[s]) {
        es += v.as_int();
        ep *= static_cast<std::uint64_t>(v.as_int());
        ec += v.as_int() != 0;
        emin = std::min(emin, v.as_int());
        emax = std::max(emax, v.as_int());
      }
      const auto i = static_cast<std::int64_t>(s);
      EXPECT_EQ(sum.get(i).as_int(), es);
      EXPECT_EQ(prod.get(i).as_int(), static_cast<std::int64_t>(ep));  // wraps as numpy
      EXPECT_EQ(count.get(i).as_int(), ec);
      EXPECT_EQ(lo.get(i).as_int(), emin);
      EXPECT_EQ(hi.get(i).as_int(), emax);
      EXPECT_EQ(all.get(i).as_bool(), ec == static_cast<std::int64_t>(slots[s].size()));
    }
  }
}

// Long runs of narrow integers folded into int64 (GCC 12 -O3 once
// miscompiled this loop; see Working in reduction.cpp).
TEST(ReductionKernel, LongRunsOfNarrowIntegers) {
  auto bits = [](const NDBuffer& b) {
    std::uint64_t v = 0;
    std::memcpy(&v, b.data(), 8);
    return v;
  };
  for (DType dt : {DType::kInt8, DType::kUInt8, DType::kInt16, DType::kBool, DType::kUInt32}) {
    for (std::int64_t n : {7, 17, 60, 129, 1000, 4099}) {
      NDBuffer x(dt, {n});
      std::uint64_t sum = 0, prod = 1, count = 0;
      for (std::int64_t i = 0; i < n; ++i) {
        const std::int64_t v = (i * 7) % 19 - 9;
        x.set(i, Scalar(v == 0 ? 1 : v));
        const std::int64_t stored = x.get(i).as_int();
        sum += static_cast<std::uint64_t>(stored);
        prod *= static_cast<std::uint64_t>(stored);
        count += stored != 0;
      }
      auto run = [&](ReduceOp op) { return bits(reduce_whole(make_reduction(op, false, dt), x, {true})); };
      EXPECT_EQ(run(ReduceOp::kSum), sum) << dtype_name(dt) << " n=" << n;
      EXPECT_EQ(run(ReduceOp::kProd), prod) << dtype_name(dt) << " n=" << n;
      EXPECT_EQ(run(ReduceOp::kCountNonzero), count) << dtype_name(dt) << " n=" << n;
    }
  }
}

TEST(ReductionKernel, MeanVarStdMatchTwoPassLoops) {
  for (DType dt : {DType::kFloat64, DType::kFloat32, DType::kComplex128, DType::kInt32}) {
    const NDBuffer x = random_buffer(dt, {6, 3, 5}, 2);
    for (const auto& reduced : kAxisSets) {
      Shape shape;
      auto slots = slots_of(x, reduced, &shape);
      NDBuffer mean = reduce_whole(make_reduction(ReduceOp::kMean, false, dt), x, reduced);
      NDBuffer var = reduce_whole(make_reduction(ReduceOp::kVar, false, dt, std::nullopt, 1.0), x, reduced);
      NDBuffer sd = reduce_whole(make_reduction(ReduceOp::kStd, false, dt), x, reduced);
      EXPECT_EQ(var.dtype(), is_integer(dt) ? DType::kFloat64 : real_dtype(dt));
      for (std::size_t s = 0; s < slots.size(); ++s) {
        std::complex<double> m = 0;
        for (const Scalar& v : slots[s]) m += v.as_complex();
        const double n = static_cast<double>(slots[s].size());
        m /= n;
        double m2 = 0;
        for (const Scalar& v : slots[s]) m2 += std::norm(v.as_complex() - m);
        const auto i = static_cast<std::int64_t>(s);
        const double tol = dt == DType::kFloat32 ? 1e-6 : 1e-12;
        EXPECT_NEAR(std::abs(mean.get(i).as_complex() - m), 0, tol);
        if (n > 1) {
          EXPECT_NEAR(var.get(i).as_double(), m2 / (n - 1), tol);
        } else {
          EXPECT_TRUE(std::isnan(var.get(i).as_double()));  // 0 / 0
        }
        EXPECT_NEAR(sd.get(i).as_double(), std::sqrt(m2 / n), tol);
      }
    }
  }
}

// States of the pieces of x cut along axis 0, merged in a shuffled order,
// must give the state of x (Chan's formula for var, index order for arg).
NDBuffer reduce_in_pieces(const Reduction& r, const NDBuffer& x, const std::vector<bool>& reduced,
                          std::int64_t piece, unsigned seed) {
  std::vector<NDBuffer> states;
  for (std::int64_t start = 0; start < x.shape()[0]; start += piece) {
    Shape extent = x.shape();
    extent[0] = std::min(piece, x.shape()[0] - start);
    NDBuffer part(x.dtype(), extent);
    Shape origin(x.ndim(), 0);
    origin[0] = start;
    copy_region(x, origin, part, Shape(x.ndim(), 0), extent);
    states.push_back(reduce_chunk(r, part, reduced, origin, x.shape()));
  }
  std::shuffle(states.begin(), states.end(), std::mt19937(seed));
  NDBuffer acc = states[0];
  for (std::size_t i = 1; i < states.size(); ++i) merge_states(r, acc, states[i]);
  Shape slots = x.shape();
  for (std::size_t d = 0; d < slots.size(); ++d) {
    if (reduced[d]) slots[d] = 1;
  }
  return finalize_state(r, std::move(acc), slots);
}

TEST(ReductionKernel, MergedStatesEqualTheWhole) {
  const NDBuffer x = random_buffer(DType::kFloat64, {23, 4}, 3);
  const NDBuffer xi = random_buffer(DType::kInt64, {23, 4}, 4);
  for (const std::vector<bool>& reduced : {std::vector<bool>{true, false}, std::vector<bool>{true, true}}) {
    for (ReduceOp op : {ReduceOp::kSum, ReduceOp::kMean, ReduceOp::kVar, ReduceOp::kMin, ReduceOp::kArgMax,
                        ReduceOp::kArgMin}) {
      Reduction r = make_reduction(op, false, x.dtype());
      NDBuffer whole = reduce_whole(r, x, reduced);
      NDBuffer pieces = reduce_in_pieces(r, x, reduced, 5, 7);
      for (std::int64_t i = 0; i < whole.size(); ++i) {
        EXPECT_NEAR(whole.get(i).as_double(), pieces.get(i).as_double(), 1e-13) << reduce_op_name(op) << " " << i;
      }
      Reduction ri = make_reduction(op, false, xi.dtype());
      NDBuffer whole_i = reduce_whole(ri, xi, reduced);
      NDBuffer pieces_i = reduce_in_pieces(ri, xi, reduced, 3, 9);
      if (is_integer(ri.result)) {
        EXPECT_TRUE(whole_i == pieces_i) << reduce_op_name(op);  // exact
      } else {
        for (std::int64_t i = 0; i < whole_i.size(); ++i) {
          EXPECT_NEAR(whole_i.get(i).as_double(), pieces_i.get(i).as_double(), 1e-12) << reduce_op_name(op);
        }
      }
    }
  }
}

TEST(ReductionKernel, VarianceOfLargeOffsetIsStable) {
  // 1e9 + noise: a sum of squares would lose every digit of the variance.
  const std::int64_t n = 10000;
  NDBuffer x(DType::kFloat64, {n});
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> noise(0, 1);
  for (double& v : x.span<double>()) v = 1e9 + noise(rng);
  long double mean = 0;
  for (double v : x.span<double>()) mean += v;
  mean /= n;
  long double m2 = 0;
  for (double v : x.span<double>()) m2 += (v - mean) * (v - mean);
  const double expected = static_cast<double>(m2 / n);
  Reduction r = make_reduction(ReduceOp::kVar, false, DType::kFloat64);
  for (std::int64_t piece : {n, std::int64_t{7}, std::int64_t{1000}, std::int64_t{1}}) {
    NDBuffer v = reduce_in_pieces(r, x.reshaped({n, 1}), {true, true}, piece, 11);
    EXPECT_NEAR(v.get(0).as_double(), expected, 1e-12 * expected) << "pieces of " << piece;
  }
}

TEST(ReductionKernel, ArgminArgmaxTiesNanAndExactInt64) {
  NDBuffer x(DType::kFloat64, {6});
  const double values[] = {1, 3, 3, kNan, 3, kNan};
  for (int i = 0; i < 6; ++i) x.set(i, Scalar(values[i]));
  auto arg = [&](ReduceOp op, bool skip, std::int64_t piece) {
    return reduce_in_pieces(make_reduction(op, skip, x.dtype()), x.reshaped({6, 1}), {true, true}, piece, 1)
        .get(0)
        .as_int();
  };
  for (std::int64_t piece : {1, 2, 4, 6}) {
    EXPECT_EQ(arg(ReduceOp::kArgMax, false, piece), 3) << piece;  // first NaN, as numpy
    EXPECT_EQ(arg(ReduceOp::kArgMin, false, piece), 3) << piece;
    EXPECT_EQ(arg(ReduceOp::kArgMax, true, piece), 1) << piece;  // first of the ties
    EXPECT_EQ(arg(ReduceOp::kArgMin, true, piece), 0) << piece;
  }
  // int64 values that float64 cannot tell apart.
  NDBuffer big(DType::kInt64, {3});
  big.set(0, Scalar(std::int64_t{1} << 62));
  big.set(1, Scalar((std::int64_t{1} << 62) + 1));
  big.set(2, Scalar(std::int64_t{1} << 62));
  EXPECT_EQ(reduce_whole(make_reduction(ReduceOp::kArgMax, false, DType::kInt64), big, {true}).get(0).as_int(), 1);
  EXPECT_EQ(reduce_whole(make_reduction(ReduceOp::kArgMin, false, DType::kInt64), big, {true}).get(0).as_int(), 0);
  NDBuffer u(DType::kUInt64, {2});
  u.set(0, Scalar(std::uint64_t{1} << 63));
  u.set(1, Scalar(std::uint64_t{5}));
  EXPECT_EQ(reduce_whole(make_reduction(ReduceOp::kArgMax, false, DType::kUInt64), u, {true}).get(0).as_int(), 0);
  // All NaN: nanargmax refuses.
  NDBuffer nan = NDBuffer::filled(DType::kFloat32, {3}, Scalar(kNan));
  EXPECT_THROW(reduce_whole(make_reduction(ReduceOp::kArgMax, true, DType::kFloat32), nan, {true}), InvalidArgumentError);
}

TEST(ReductionKernel, NanHandling) {
  NDBuffer x(DType::kFloat32, {2, 3});
  const double values[] = {1, kNan, 2, kNan, kNan, kNan};
  for (int i = 0; i < 6; ++i) x.set(i, Scalar(values[i]));
  const std::vector<bool> rows = {false, true};
  auto run = [&](ReduceOp op, bool skip, double correction = 0) {
    return reduce_whole(make_reduction(op, skip, x.dtype(), std::nullopt, correction), x, rows);
  };
  EXPECT_TRUE(std::isnan(run(ReduceOp::kMax, false).get(0).as_double()));
  EXPECT_TRUE(std::isnan(run(ReduceOp::kMin, false).get(0).as_double()));
  EXPECT_EQ(run(ReduceOp::kMax, true).get(0).as_double(), 2);
  EXPECT_EQ(run(ReduceOp::kMin, true).get(0).as_double(), 1);
  EXPECT_TRUE(std::isnan(run(ReduceOp::kMin, true).get(1).as_double()));  // all NaN
  EXPECT_EQ(run(ReduceOp::kSum, true).get(0).as_double(), 3);
  EXPECT_EQ(run(ReduceOp::kSum, true).get(1).as_double(), 0);
  EXPECT_EQ(run(ReduceOp::kProd, true).get(1).as_double(), 1);
  EXPECT_EQ(run(ReduceOp::kMean, true).get(0).as_double(), 1.5);
  EXPECT_TRUE(std::isnan(run(ReduceOp::kMean, true).get(1).as_double()));
  EXPECT_EQ(run(ReduceOp::kVar, true).get(0).as_double(), 0.25);
  EXPECT_EQ(run(ReduceOp::kVar, true, 1).get(0).as_double(), 0.5);
  EXPECT_TRUE(std::isnan(run(ReduceOp::kVar, true, 2).get(0).as_double()));  // nanvar: dof <= 0 is NaN
  EXPECT_EQ(run(ReduceOp::kCountNonzero, false).get(1).as_int(), 3);  // NaN is not zero
  EXPECT_TRUE(run(ReduceOp::kAll, false).get(1).as_bool());
  // var (not nanvar) with dof < 0 divides by 0 as numpy: inf.
  NDBuffer two(DType::kFloat64, {2});
  two.set(0, Scalar(1.0));
  two.set(1, Scalar(2.0));
  EXPECT_TRUE(std::isinf(reduce_whole(make_reduction(ReduceOp::kVar, false, two.dtype(), std::nullopt, 3), two, {true})
                             .get(0)
                             .as_double()));
}

TEST(ReductionKernel, IdentitiesAndDtypeRules) {
  auto empty_value = [](ReduceOp op, DType dt) {
    Reduction r = make_reduction(op, false, dt);
    return finalize_state(r, identity_state(r, {}), {});
  };
  EXPECT_EQ(empty_value(ReduceOp::kSum, DType::kInt8).get(0).as_int(), 0);
  EXPECT_EQ(empty_value(ReduceOp::kProd, DType::kFloat32).get(0).as_double(), 1);
  EXPECT_TRUE(std::isnan(empty_value(ReduceOp::kMean, DType::kFloat64).get(0).as_double()));
  EXPECT_TRUE(std::isnan(empty_value(ReduceOp::kVar, DType::kFloat64).get(0).as_double()));
  EXPECT_TRUE(empty_value(ReduceOp::kAll, DType::kFloat64).get(0).as_bool());
  EXPECT_FALSE(empty_value(ReduceOp::kAny, DType::kFloat64).get(0).as_bool());
  EXPECT_FALSE(has_identity(make_reduction(ReduceOp::kMax, false, DType::kInt8)));

  EXPECT_EQ(make_reduction(ReduceOp::kSum, false, DType::kBool).result, DType::kInt64);
  EXPECT_EQ(make_reduction(ReduceOp::kSum, false, DType::kUInt8).result, DType::kUInt64);
  EXPECT_EQ(make_reduction(ReduceOp::kSum, false, DType::kFloat32).result, DType::kFloat32);
  EXPECT_EQ(make_reduction(ReduceOp::kProd, false, DType::kComplex64).result, DType::kComplex64);
  EXPECT_EQ(make_reduction(ReduceOp::kMean, false, DType::kInt16).result, DType::kFloat64);
  EXPECT_EQ(make_reduction(ReduceOp::kVar, false, DType::kComplex64).result, DType::kFloat32);
  Reduction narrowed = make_reduction(ReduceOp::kSum, false, DType::kFloat64, DType::kInt32);
  EXPECT_EQ(narrowed.input, DType::kInt32);  // values converted first, as numpy
  EXPECT_THROW(make_reduction(ReduceOp::kMax, false, DType::kComplex128), DTypeError);
  EXPECT_THROW(make_reduction(ReduceOp::kArgMin, false, DType::kComplex64), DTypeError);
  EXPECT_THROW(make_reduction(ReduceOp::kMax, false, DType::kInt8, DType::kInt16), DTypeError);
  EXPECT_THROW(make_reduction(ReduceOp::kMean, false, DType::kInt8, DType::kInt16), DTypeError);
  EXPECT_THROW(make_reduction(ReduceOp::kVar, false, DType::kFloat64, DType::kComplex128), DTypeError);
}

// Every (array dtype, result dtype) pair of sum, prod and the scans runs.
TEST(ReductionKernel, EveryDtypePairRuns) {
  for (int a = 0; a < kNumDTypes; ++a) {
    for (int b = 0; b < kNumDTypes; ++b) {
      const DType x = static_cast<DType>(a);
      const DType result = static_cast<DType>(b);
      for (ReduceOp op : {ReduceOp::kSum, ReduceOp::kProd}) {
        for (bool skip : {false, true}) {
          Reduction r = make_reduction(op, skip, x, result);
          NDBuffer chunk = cast(random_buffer(x, {3, 4}, 6), r.input);
          NDBuffer out = reduce_whole(r, chunk, {true, false});
          EXPECT_EQ(out.dtype(), result);
          NDBuffer carry = identity_state(r, {1, 4});
          NDBuffer scanned = scan_chunk(r, &chunk, 0, carry, {3, 4}, false);
          EXPECT_EQ(scanned.dtype(), result);
          // The last row of an inclusive scan is the reduction.
          for (std::int64_t j = 0; j < 4; ++j) EXPECT_EQ(scanned.at({2, j}), out.at({0, j})) << dtype_name(x) << "->" << dtype_name(result);
        }
      }
    }
  }
}

TEST(ScanKernel, InclusiveExclusiveAndCarry) {
  NDBuffer x(DType::kInt32, {2, 3});
  for (int i = 0; i < 6; ++i) x.set(i, Scalar(i + 1));  // [[1,2,3],[4,5,6]]
  Reduction r = make_reduction(ReduceOp::kSum, false, DType::kInt32);
  NDBuffer carry = NDBuffer::filled(DType::kInt64, {1, 3, 1}, Scalar(10));
  NDBuffer in = scan_chunk(r, &x, 0, carry, {2, 3}, false);
  EXPECT_EQ(in.dtype(), DType::kInt64);
  EXPECT_EQ(in.at({0, 0}).as_int(), 11);
  EXPECT_EQ(in.at({1, 2}).as_int(), 19);
  EXPECT_EQ(carry.get(1).as_int(), 17);
  // Exclusive along axis 1, one longer (the last chunk with include_initial).
  Reduction p = make_reduction(ReduceOp::kProd, false, DType::kInt32);
  NDBuffer one = identity_state(p, {2, 1});
  NDBuffer ex = scan_chunk(p, &x, 1, one, {2, 4}, true);
  const std::int64_t expected[] = {1, 1, 2, 6, 1, 4, 20, 120};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(ex.get(i).as_int(), expected[i]) << i;
  // No chunk: the carry alone.
  NDBuffer c2 = NDBuffer::filled(DType::kInt64, {2, 1, 1}, Scalar(7));
  NDBuffer only = scan_chunk(p, nullptr, 1, c2, {2, 1}, true);
  EXPECT_EQ(only.get(1).as_int(), 7);
  // nancumsum of float32 in float64.
  NDBuffer f(DType::kFloat32, {4});
  const double fv[] = {1e8, kNan, 1, -1e8};
  for (int i = 0; i < 4; ++i) f.set(i, Scalar(fv[i]));
  Reduction ns = make_reduction(ReduceOp::kSum, true, DType::kFloat32);
  NDBuffer fc = identity_state(ns, {1});
  NDBuffer fs = scan_chunk(ns, &f, 0, fc, {4}, false);
  EXPECT_EQ(fs.get(1).as_double(), 1e8);
  EXPECT_EQ(fs.get(3).as_double(), 1);  // float32 accumulation would give 0
}

TEST(DiffKernel, IntegersWrapAndBoolIsNotEqual) {
  NDBuffer x(DType::kUInt8, {2, 3});
  const std::int64_t v[] = {5, 3, 200, 0, 255, 1};
  for (int i = 0; i < 6; ++i) x.set(i, Scalar(v[i]));
  NDBuffer d = diff_chunk(x, 1);
  ASSERT_EQ(d.shape(), (Shape{2, 2}));
  EXPECT_EQ(d.get(0).as_int(), 254);  // 3 - 5 wraps
  EXPECT_EQ(d.get(1).as_int(), 197);
  EXPECT_EQ(d.get(3).as_int(), 2);
  NDBuffer d0 = diff_chunk(x, 0);
  EXPECT_EQ(d0.shape(), (Shape{1, 3}));
  EXPECT_EQ(d0.get(1).as_int(), 252);
  NDBuffer b(DType::kBool, {3});
  b.set(0, Scalar(true));
  b.set(1, Scalar(true));
  b.set(2, Scalar(false));
  NDBuffer db = diff_chunk(b, 0);
  EXPECT_EQ(db.dtype(), DType::kBool);
  EXPECT_FALSE(db.get(0).as_bool());
  EXPECT_TRUE(db.get(1).as_bool());
  NDBuffer big(DType::kInt64, {2});
  big.set(0, Scalar(std::numeric_limits<std::int64_t>::min()));
  big.set(1, Scalar(std::int64_t{1}));
  EXPECT_EQ(diff_chunk(big, 0).get(0).as_int(), std::numeric_limits<std::int64_t>::min() + 1);  // wraps, no UB
}

}  // namespace
}  // namespace cubed::kernels
