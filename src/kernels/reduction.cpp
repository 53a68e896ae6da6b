// Reduction kernels: a chunk to a state, two states to one, a state to the
// result (the state layouts are in include/cubed/kernels/reduction.hpp).
//
// Decisions:
// - One walk for every reduction: the chunk's axes of length 1 are dropped
//   and neighbouring axes merged where the chunk, the state and the element
//   numbering (argmin/argmax) are all contiguous across them, so that
//   axis=None is one flat loop and axis=0 of a matrix is a loop over rows
//   adding into a row of slots. The innermost loop either folds a run into
//   one slot or updates consecutive slots.
// - A run folded into one slot is folded pairwise (blocks of 8 partial
//   results, halves above 128 elements), as numpy's pairwise summation, so a
//   float sum over a long chunk loses little; sums and products are
//   accumulated in the widest type of their kind (float32 in float64).
// - mean/var/std: per chunk, two passes (sum and count, then the sum of
//   |x - mean|^2), so a state never holds a sum of squares; states merge by
//   Chan et al.'s formula
//       n = na + nb, d = mean_b - mean_a, mean = mean_a + d nb / n,
//       M2 = M2a + M2b + |d|^2 na nb / n,
//   which is exact up to rounding whatever the data's offset.
// - min/max keep the input dtype (no widening is needed) and propagate NaN;
//   complex min/max/argmin/argmax are refused (the Array API defines them
//   for real types only).
// - argmin/argmax carry (value, index) in int64 pairs: the value widened
//   exactly (int64, uint64 or float64) and stored bit for bit, so int64
//   values are compared exactly (two float64 components would not be).
#include "cubed/kernels/reduction.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include "cubed/kernels/elementwise.hpp"
#include "reduction_internal.hpp"

namespace cubed::kernels {
namespace detail {

DType accumulator_dtype(DType result) {
  if (is_complex(result)) return DType::kComplex128;
  if (is_floating(result)) return DType::kFloat64;
  if (is_unsigned_integer(result)) return DType::kUInt64;
  return DType::kInt64;
}

}  // namespace detail

namespace {

using detail::is_nan;
using detail::kHasNan;
using detail::kIsBool;
using detail::kIsComplex;
using detail::widen;

bool is_fold(ReduceOp op) {
  return op == ReduceOp::kSum || op == ReduceOp::kProd || op == ReduceOp::kMin || op == ReduceOp::kMax ||
         op == ReduceOp::kAll || op == ReduceOp::kAny || op == ReduceOp::kCountNonzero;
}
bool is_moments(ReduceOp op) { return op == ReduceOp::kMean || op == ReduceOp::kVar || op == ReduceOp::kStd; }
bool is_arg(ReduceOp op) { return op == ReduceOp::kArgMin || op == ReduceOp::kArgMax; }

// ---- the walk ------------------------------------------------------------------

// Merged axes of a chunk: per axis its extent and the strides of the chunk
// (elements), the state (slots) and the element numbering (argmin/argmax).
struct Layout {
  Shape extent;
  Shape in;
  Shape out;
  Shape index;
  std::int64_t index_base = 0;
};

Layout make_layout(const Shape& shape, const std::vector<bool>& reduced, const Shape& origin, const Shape& full_shape) {
  const int nd = static_cast<int>(shape.size());
  const Shape in = c_strides(shape);
  Shape slots = shape;
  for (int d = 0; d < nd; ++d) {
    if (reduced[d]) slots[d] = 1;
  }
  Shape out = c_strides(slots);
  Shape index(nd, 0);
  std::int64_t base = 0;
  if (!full_shape.empty()) {
    std::int64_t s = 1;
    for (int d = nd - 1; d >= 0; --d) {
      if (!reduced[d]) continue;
      index[d] = s;
      base += origin[d] * s;
      s *= full_shape[d];
    }
  }
  for (int d = 0; d < nd; ++d) {
    if (!reduced[d]) continue;
    out[d] = 0;
  }
  Layout l;
  l.index_base = base;
  for (int d = 0; d < nd; ++d) {
    const std::int64_t e = shape[d];
    if (e == 1) continue;
    if (!l.extent.empty() && l.in.back() == in[d] * e && l.out.back() == out[d] * e && l.index.back() == index[d] * e) {
      l.extent.back() *= e;
      l.in.back() = in[d];
      l.out.back() = out[d];
      l.index.back() = index[d];
      continue;
    }
    l.extent.push_back(e);
    l.in.push_back(in[d]);
    l.out.push_back(out[d]);
    l.index.push_back(index[d]);
  }
  if (l.extent.empty()) {
    l.extent = {1};
    l.in = {1};
    l.out = {0};
    l.index = {0};
  }
  // Outer reduced axes innermost among the outer axes: the runs that fold
  // into the same slots then follow one another, so that a slot row stays in
  // cache instead of the whole state being swept once per reduced position
  // (mean over the leading axis of a 150 MB chunk: 10 sweeps of a 90 MB
  // state). Each slot still receives its elements in the same order, so the
  // results are bit for bit those of the plain C-order walk.
  const std::size_t outer = l.extent.size() - 1;
  std::vector<std::size_t> order;
  for (std::size_t d = 0; d < outer; ++d) {
    if (l.out[d] != 0) order.push_back(d);
  }
  for (std::size_t d = 0; d < outer; ++d) {
    if (l.out[d] == 0) order.push_back(d);
  }
  Layout sorted = l;
  for (std::size_t i = 0; i < outer; ++i) {
    sorted.extent[i] = l.extent[order[i]];
    sorted.in[i] = l.in[order[i]];
    sorted.out[i] = l.out[order[i]];
    sorted.index[i] = l.index[order[i]];
  }
  return sorted;
}

// Calls inner(in_offset, slot_offset, index_offset, n, slot_step, index_step)
// for each run of the innermost merged axis (whose chunk stride is 1).
template <class F>
void walk(const Layout& l, F&& inner) {
  const std::size_t nd = l.extent.size();
  const std::int64_t n = l.extent[nd - 1];
  const std::int64_t slot_step = l.out[nd - 1];
  const std::int64_t index_step = l.index[nd - 1];
  Shape idx(nd - 1, 0);
  std::int64_t in = 0, out = 0, index = l.index_base;
  while (true) {
    inner(in, out, index, n, slot_step, index_step);
    int d = static_cast<int>(nd) - 2;
    for (; d >= 0; --d) {
      if (++idx[d] < l.extent[d]) {
        in += l.in[d];
        out += l.out[d];
        index += l.index[d];
        break;
      }
      in -= l.in[d] * (l.extent[d] - 1);
      out -= l.out[d] * (l.extent[d] - 1);
      index -= l.index[d] * (l.extent[d] - 1);
      idx[d] = 0;
    }
    if (d < 0) break;
  }
}

// Folds one block x[0..n) (n >= 1) with 8 partial results (which the
// compiler keeps in vector registers): s = combine(lift(x0), lift(x1), ...).
template <class S, class T, class Lift, class Combine>
S fold_block(const T* x, std::int64_t n, const Lift& lift, const Combine& combine) {
  if (n < 8) {
    S s = lift(x[0]);
    for (std::int64_t i = 1; i < n; ++i) s = combine(s, lift(x[i]));
    return s;
  }
  S r[8];
  for (int j = 0; j < 8; ++j) r[j] = lift(x[j]);
  std::int64_t i = 8;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) r[j] = combine(r[j], lift(x[i + j]));
  }
  S s = combine(combine(combine(r[0], r[1]), combine(r[2], r[3])), combine(combine(r[4], r[5]), combine(r[6], r[7])));
  for (; i < n; ++i) s = combine(s, lift(x[i]));
  return s;
}

// Folds x[0..n) (n >= 1) block by block (`block(x, len)` folds one block)
// and combines the block results pairwise, as a binary counter: partial k
// holds 2^k blocks. The result is numpy's pairwise summation, computed in
// one forward pass (a recursive split measured 3-5x slower here).
template <class S, class T, class Block, class Combine>
S fold_run(const T* x, std::int64_t n, const Block& block, const Combine& combine) {
  constexpr std::int64_t kBlock = 128;
  if (n <= kBlock) return block(x, n);
  S partial[64];
  int top = 0;
  std::uint64_t count = 0;
  for (std::int64_t i = 0; i < n; i += kBlock) {
    S s = block(x + i, std::min(kBlock, n - i));
    for (std::uint64_t c = count++; c & 1; c >>= 1) s = combine(partial[--top], s);
    partial[top++] = s;
  }
  S s = partial[--top];
  while (top > 0) s = combine(partial[--top], s);
  return s;
}

// fold_run with the generic block fold.
template <class S, class T, class Lift, class Combine>
S fold_pairwise(const T* x, std::int64_t n, const Lift& lift, const Combine& combine) {
  auto block = [&](const T* b, std::int64_t len) { return fold_block<S>(b, len, lift, combine); };
  return fold_run<S>(x, n, block, combine);
}

// ---- folds: sum, prod, min, max, all, any, count_nonzero ------------------------

template <ReduceOp Op, bool Skip, class S>
S combine(S a, S b) {
  if constexpr (Op == ReduceOp::kSum || Op == ReduceOp::kCountNonzero) {
    return detail::wrap_add(a, b);
  } else if constexpr (Op == ReduceOp::kProd) {
    return detail::wrap_mul(a, b);
  } else if constexpr (Op == ReduceOp::kAll) {
    return a && b;
  } else if constexpr (Op == ReduceOp::kAny) {
    return a || b;
  } else {
    constexpr bool kMin = Op == ReduceOp::kMin;
    if constexpr (Skip) {
      // nanmin/nanmax: NaN is "no value".
      if (is_nan(b)) return a;
      if (is_nan(a)) return b;
    } else {
      if (is_nan(a)) return a;
      if (is_nan(b)) return b;
    }
    if constexpr (kMin) {
      return b < a ? b : a;
    } else {
      return a < b ? b : a;
    }
  }
}

template <ReduceOp Op, bool Skip, class S, class T>
S lift(T x) {
  if constexpr (Op == ReduceOp::kSum || Op == ReduceOp::kProd) {
    if constexpr (Skip) {
      if (is_nan(x)) return Op == ReduceOp::kSum ? S(0) : S(1);
    }
    return widen<S>(x);
  } else if constexpr (Op == ReduceOp::kAll || Op == ReduceOp::kAny) {
    return x != T{};
  } else if constexpr (Op == ReduceOp::kCountNonzero) {
    return x != T{} ? S(1) : S(0);
  } else {
    return x;  // min, max: S is T
  }
}

// min/max of one block in a form the compiler vectorises: 8 lanes of
// `x < lane ? x : lane` (which passes NaN over) plus a flag, NaN seen
// (min, max: the result is NaN) or a value seen (nanmin, nanmax: an all-NaN
// block gives NaN).
template <bool IsMin, bool Skip, class T>
T min_max_block(const T* x, std::int64_t n) {
  T init;
  if constexpr (std::is_floating_point_v<T>) {
    init = IsMin ? std::numeric_limits<T>::infinity() : -std::numeric_limits<T>::infinity();
  } else {
    init = IsMin ? std::numeric_limits<T>::max() : std::numeric_limits<T>::lowest();
  }
  T r[8];
  for (T& v : r) v = init;
  bool flag = false;  // NaN seen (min/max) or value seen (nanmin/nanmax)
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) {
      const T v = x[i + j];
      if constexpr (IsMin) {
        r[j] = v < r[j] ? v : r[j];
      } else {
        r[j] = r[j] < v ? v : r[j];
      }
      if constexpr (kHasNan<T>) flag |= Skip ? v == v : v != v;
    }
  }
  T m = r[0];
  for (int j = 1; j < 8; ++j) m = IsMin ? (r[j] < m ? r[j] : m) : (m < r[j] ? r[j] : m);
  for (; i < n; ++i) {
    const T v = x[i];
    m = IsMin ? (v < m ? v : m) : (m < v ? v : m);
    if constexpr (kHasNan<T>) flag |= Skip ? v == v : v != v;
  }
  if constexpr (kHasNan<T>) {
    if (Skip ? !flag : flag) return std::numeric_limits<T>::quiet_NaN();
  }
  return m;
}

// The type a fold computes in: int64 sums, products and counts run in
// uint64 on the same bits (two's complement), which wraps without undefined
// behaviour. (Besides, GCC 12 at -O3 miscompiles the 8-lane pairwise loop
// when int8/uint8 values are widened to int64 and added through unsigned
// casts; plain uint64 arithmetic compiles correctly.)
template <ReduceOp Op, class S>
using Working = std::conditional_t<std::is_same_v<S, std::int64_t> &&
                                       (Op == ReduceOp::kSum || Op == ReduceOp::kProd || Op == ReduceOp::kCountNonzero),
                                   std::uint64_t, S>;

template <ReduceOp Op, bool Skip, class S, class T>
void fold_chunk(const NDBuffer& chunk, NDBuffer& state, const Layout& l) {
  using A = Working<Op, S>;
  static_assert(sizeof(A) == sizeof(S));
  const T* x = reinterpret_cast<const T*>(chunk.data());
  A* s = reinterpret_cast<A*>(state.data());
  auto lifted = [](T v) { return static_cast<A>(lift<Op, Skip, S>(v)); };
  auto combined = [](A a, A b) { return combine<Op, Skip>(a, b); };
  walk(l, [&](std::int64_t in, std::int64_t out, std::int64_t, std::int64_t n, std::int64_t step, std::int64_t) {
    if (step == 0) {
      if constexpr (Op == ReduceOp::kMin || Op == ReduceOp::kMax) {
        auto block = [](const T* b, std::int64_t len) { return min_max_block<Op == ReduceOp::kMin, Skip>(b, len); };
        s[out] = combined(s[out], fold_run<A>(x + in, n, block, combined));
      } else {
        s[out] = combined(s[out], fold_pairwise<A>(x + in, n, lifted, combined));
      }
    } else {
      for (std::int64_t i = 0; i < n; ++i) {
        A& slot = s[out + i * step];
        slot = combined(slot, lifted(x[in + i]));
      }
    }
  });
}

template <ReduceOp Op, bool Skip, class S>
void fold_merge(NDBuffer& acc, const NDBuffer& other) {
  using A = Working<Op, S>;
  A* a = reinterpret_cast<A*>(acc.data());
  const A* b = reinterpret_cast<const A*>(other.data());
  for (std::int64_t i = 0; i < acc.size(); ++i) a[i] = combine<Op, Skip>(a[i], b[i]);
}

// ---- moments: mean, var, std ------------------------------------------------------

// Slot layout: n, mean.real (hi, lo), mean.imag (hi, lo), M2.
constexpr int kN = 0, kReHi = 1, kReLo = 2, kImHi = 3, kImLo = 4, kM2 = 5;
constexpr std::int64_t kMomentComponents = 6;

template <class T>
using Moment = std::conditional_t<kIsComplex<T>, std::complex<double>, double>;

// s + e = a + b exactly (Knuth's TwoSum).
void two_sum(double a, double b, double& s, double& e) {
  s = a + b;
  const double bb = s - a;
  e = (a - (s - bb)) + (b - bb);
}

// Distances to a chunk mean: their sum (the mean's rounding error, times n)
// and the sum of their squared magnitudes.
template <class V>
struct Residual {
  V r{};
  double q = 0;
};

template <class T, bool Skip, bool NeedM2>
void moments_chunk(const NDBuffer& chunk, NDBuffer& state, const Layout& l) {
  using V = Moment<T>;
  const T* x = reinterpret_cast<const T*>(chunk.data());
  double* s = reinterpret_cast<double*>(state.data());
  constexpr std::int64_t k = kMomentComponents;
  auto add = [](V a, V b) { return a + b; };
  auto value = [](T v) {
    if constexpr (Skip) {
      if (is_nan(v)) return V(0);
    }
    return widen<V>(v);
  };
  auto put_sum = [](double* slot, V sum) {
    if constexpr (kIsComplex<T>) {
      slot[kReHi] += sum.real();
      slot[kImHi] += sum.imag();
    } else {
      slot[kReHi] += sum;
    }
  };
  // Pass 1: counts and sums, then the means. Without NaN skipping every
  // slot counts the same number of elements, added once at the end.
  walk(l, [&](std::int64_t in, std::int64_t out, std::int64_t, std::int64_t n, std::int64_t step, std::int64_t) {
    if (step == 0) {
      double* slot = s + k * out;
      if constexpr (Skip) {
        std::int64_t count = n;
        for (std::int64_t i = 0; i < n; ++i) count -= is_nan(x[in + i]) ? 1 : 0;
        slot[kN] += static_cast<double>(count);
      }
      put_sum(slot, fold_pairwise<V>(x + in, n, value, add));
    } else {
      for (std::int64_t i = 0; i < n; ++i) {
        const T v = x[in + i];
        if (Skip && is_nan(v)) continue;
        double* slot = s + k * (out + i * step);
        if constexpr (Skip) slot[kN] += 1;
        put_sum(slot, widen<V>(v));
      }
    }
  });
  const std::int64_t slots = state.size() / k;
  if constexpr (!Skip) {
    const double per_slot = static_cast<double>(chunk.size() / slots);
    for (std::int64_t i = 0; i < slots; ++i) s[k * i + kN] += per_slot;
  }
  for (std::int64_t i = 0; i < slots; ++i) {
    double* slot = s + k * i;
    if (slot[kN] > 0) {
      slot[kReHi] /= slot[kN];
      slot[kImHi] /= slot[kN];
    }
  }
  if constexpr (!NeedM2) return;
  // Pass 2: distances to the means. Their sum r corrects the mean (mean =
  // hi + r / n, kept as a second double) and M2 = sum |x - hi|^2 - |r|^2 / n,
  // so the mean's rounding does not leak into M2 or into later merges.
  using R = Residual<V>;
  auto mean_of = [](const double* slot) {
    if constexpr (kIsComplex<T>) {
      return V(slot[kReHi], slot[kImHi]);
    } else {
      return slot[kReHi];
    }
  };
  auto put_residual = [](double* slot, const R& res) {
    if constexpr (kIsComplex<T>) {
      slot[kReLo] += res.r.real();
      slot[kImLo] += res.r.imag();
    } else {
      slot[kReLo] += res.r;
    }
    slot[kM2] += res.q;
  };
  walk(l, [&](std::int64_t in, std::int64_t out, std::int64_t, std::int64_t n, std::int64_t step, std::int64_t) {
    if (step == 0) {
      double* slot = s + k * out;
      const V mean = mean_of(slot);
      auto residual = [mean](T v) {
        if constexpr (Skip) {
          if (is_nan(v)) return R{};
        }
        const V d = widen<V>(v) - mean;
        return R{d, std::norm(d)};
      };
      auto combine_residuals = [](const R& a, const R& b) { return R{a.r + b.r, a.q + b.q}; };
      put_residual(slot, fold_pairwise<R>(x + in, n, residual, combine_residuals));
    } else {
      for (std::int64_t i = 0; i < n; ++i) {
        const T v = x[in + i];
        if (Skip && is_nan(v)) continue;
        double* slot = s + k * (out + i * step);
        const V d = widen<V>(v) - mean_of(slot);
        put_residual(slot, R{d, std::norm(d)});
      }
    }
  });
  for (std::int64_t i = 0; i < slots; ++i) {
    double* slot = s + k * i;
    const double n = slot[kN];
    if (n <= 0) continue;
    const double rr = slot[kReLo];
    const double ri = slot[kImLo];
    slot[kM2] = std::max(slot[kM2] - (rr * rr + ri * ri) / n, 0.0);
    two_sum(slot[kReHi], rr / n, slot[kReHi], slot[kReLo]);
    two_sum(slot[kImHi], ri / n, slot[kImHi], slot[kImLo]);
  }
}

// Chan et al.: n = na + nb, d = mean_b - mean_a, mean = mean_a + d nb / n,
// M2 = M2a + M2b + |d|^2 na nb / n; means are (hi, lo) pairs, so d is
// accurate even when the means are large and close.
void moments_merge(NDBuffer& acc, const NDBuffer& other) {
  constexpr std::int64_t k = kMomentComponents;
  double* a = reinterpret_cast<double*>(acc.data());
  const double* b = reinterpret_cast<const double*>(other.data());
  const std::int64_t slots = acc.size() / k;
  for (std::int64_t i = 0; i < slots; ++i, a += k, b += k) {
    const double nb = b[kN];
    if (nb == 0) continue;
    const double na = a[kN];
    if (na == 0) {
      for (std::int64_t c = 0; c < k; ++c) a[c] = b[c];
      continue;
    }
    const double n = na + nb;
    const double dr = (b[kReHi] - a[kReHi]) + (b[kReLo] - a[kReLo]);
    const double di = (b[kImHi] - a[kImHi]) + (b[kImLo] - a[kImLo]);
    a[kN] = n;
    a[kM2] += b[kM2] + (dr * dr + di * di) * (na * (nb / n));
    two_sum(a[kReHi], a[kReLo] + dr * (nb / n), a[kReHi], a[kReLo]);
    two_sum(a[kImHi], a[kImLo] + di * (nb / n), a[kImHi], a[kImLo]);
  }
}

// ---- argmin, argmax ---------------------------------------------------------------

template <class T>
using Wide = std::conditional_t<std::is_floating_point_v<T>, double,
                                std::conditional_t<std::is_unsigned_v<T> && !kIsBool<T>, std::uint64_t, std::int64_t>>;

// True when (v, i) should replace (w, j) (j < 0: empty).
template <bool IsMax, class W>
bool arg_better(W v, std::int64_t i, W w, std::int64_t j) {
  if (j < 0) return true;
  if (i < 0) return false;
  const bool nv = is_nan(v);
  const bool nw = is_nan(w);
  if (nv || nw) return nv && nw ? i < j : nv;
  if (IsMax ? w < v : v < w) return true;
  return v == w && i < j;
}

template <class T, bool IsMax, bool Skip>
void arg_chunk(const NDBuffer& chunk, NDBuffer& state, const Layout& l) {
  using W = Wide<T>;
  const T* x = reinterpret_cast<const T*>(chunk.data());
  std::int64_t* s = reinterpret_cast<std::int64_t*>(state.data());
  walk(l, [&](std::int64_t in, std::int64_t out, std::int64_t index, std::int64_t n, std::int64_t step,
              std::int64_t index_step) {
    if (step == 0) {
      // A run into one slot: its extreme (vectorised), then its first
      // position, then one comparison with the slot.
      const T* run = x + in;
      const T best = min_max_block<!IsMax, Skip>(run, n);
      const bool nan = is_nan(best);
      if (Skip && nan) return;  // all NaN
      std::int64_t i = 0;
      if (nan) {
        while (!is_nan(run[i])) ++i;
      } else {
        while (run[i] != best) ++i;
      }
      std::int64_t* slot = s + 2 * out;
      const W wv = static_cast<W>(best);
      const std::int64_t g = index + i * index_step;
      if (arg_better<IsMax>(wv, g, std::bit_cast<W>(slot[0]), slot[1])) {
        slot[0] = std::bit_cast<std::int64_t>(wv);
        slot[1] = g;
      }
      return;
    }
    for (std::int64_t i = 0; i < n; ++i) {
      const T v = x[in + i];
      if (Skip && is_nan(v)) continue;
      std::int64_t* slot = s + 2 * (out + i * step);
      const W wv = static_cast<W>(v);
      const std::int64_t g = index + i * index_step;
      if (arg_better<IsMax>(wv, g, std::bit_cast<W>(slot[0]), slot[1])) {
        slot[0] = std::bit_cast<std::int64_t>(wv);
        slot[1] = g;
      }
    }
  });
}

template <class W, bool IsMax>
void arg_merge(NDBuffer& acc, const NDBuffer& other) {
  std::int64_t* a = reinterpret_cast<std::int64_t*>(acc.data());
  const std::int64_t* b = reinterpret_cast<const std::int64_t*>(other.data());
  const std::int64_t slots = acc.size() / 2;
  for (std::int64_t i = 0; i < slots; ++i, a += 2, b += 2) {
    if (arg_better<IsMax>(std::bit_cast<W>(b[0]), b[1], std::bit_cast<W>(a[0]), a[1])) {
      a[0] = b[0];
      a[1] = b[1];
    }
  }
}

// Calls f(std::type_identity<W>{}) for the wide value type of argmin/argmax.
template <class F>
void visit_wide(DType input, F&& f) {
  if (is_floating(input)) {
    f(std::type_identity<double>{});
  } else if (is_unsigned_integer(input)) {
    f(std::type_identity<std::uint64_t>{});
  } else {
    f(std::type_identity<std::int64_t>{});
  }
}

// ---- dispatch helpers ---------------------------------------------------------------

[[noreturn]] [[gnu::noinline]] void no_accumulator(const Reduction& r, DType dt) {
  throw InternalError(reduce_op_name(r.op) + ": no accumulator " + std::string(dtype_name(state_dtype(r))) + " for " +
                      std::string(dtype_name(dt)) + " chunks");
}

[[noreturn]] [[gnu::noinline]] void unsupported(const Reduction& r, DType dt) {
  throw DTypeError(reduce_op_name(r.op, r.skip_nan) + " does not support dtype " + std::string(dtype_name(dt)));
}

template <class T>
void reduce_typed(const Reduction& r, const NDBuffer& chunk, NDBuffer& state, const Layout& l) {
  const bool skip = r.skip_nan && kHasNan<T>;
  auto fold_acc = [&]<ReduceOp Op>() {
    detail::visit_accumulator(state.dtype(), [&]<class STag>(STag) {
      using S = typename STag::type;
      if constexpr (!detail::kWidens<T, S>) {
        no_accumulator(r, chunk.dtype());
      } else if constexpr (kHasNan<T>) {
        if (skip) {
          fold_chunk<Op, true, S, T>(chunk, state, l);
        } else {
          fold_chunk<Op, false, S, T>(chunk, state, l);
        }
      } else {
        fold_chunk<Op, false, S, T>(chunk, state, l);
      }
    });
  };
  switch (r.op) {
    case ReduceOp::kSum: fold_acc.template operator()<ReduceOp::kSum>(); return;
    case ReduceOp::kProd: fold_acc.template operator()<ReduceOp::kProd>(); return;
    case ReduceOp::kAll: fold_chunk<ReduceOp::kAll, false, bool, T>(chunk, state, l); return;
    case ReduceOp::kAny: fold_chunk<ReduceOp::kAny, false, bool, T>(chunk, state, l); return;
    case ReduceOp::kCountNonzero: fold_chunk<ReduceOp::kCountNonzero, false, std::int64_t, T>(chunk, state, l); return;
    case ReduceOp::kMin:
    case ReduceOp::kMax:
      if constexpr (kIsComplex<T>) {
        unsupported(r, chunk.dtype());
      } else {
        const bool is_min = r.op == ReduceOp::kMin;
        if (skip) {
          if constexpr (kHasNan<T>) {
            if (is_min) fold_chunk<ReduceOp::kMin, true, T, T>(chunk, state, l);
            else fold_chunk<ReduceOp::kMax, true, T, T>(chunk, state, l);
          }
        } else {
          if (is_min) fold_chunk<ReduceOp::kMin, false, T, T>(chunk, state, l);
          else fold_chunk<ReduceOp::kMax, false, T, T>(chunk, state, l);
        }
      }
      return;
    case ReduceOp::kMean:
    case ReduceOp::kVar:
    case ReduceOp::kStd: {
      const bool m2 = r.op != ReduceOp::kMean;
      if constexpr (kHasNan<T>) {
        if (skip) {
          if (m2) moments_chunk<T, true, true>(chunk, state, l);
          else moments_chunk<T, true, false>(chunk, state, l);
          return;
        }
      }
      if (m2) moments_chunk<T, false, true>(chunk, state, l);
      else moments_chunk<T, false, false>(chunk, state, l);
      return;
    }
    case ReduceOp::kArgMin:
    case ReduceOp::kArgMax:
      if constexpr (kIsComplex<T>) {
        unsupported(r, chunk.dtype());
      } else {
        const bool is_max = r.op == ReduceOp::kArgMax;
        if constexpr (kHasNan<T>) {
          if (skip) {
            if (is_max) arg_chunk<T, true, true>(chunk, state, l);
            else arg_chunk<T, false, true>(chunk, state, l);
            return;
          }
        }
        if (is_max) arg_chunk<T, true, false>(chunk, state, l);
        else arg_chunk<T, false, false>(chunk, state, l);
      }
      return;
  }
}

Shape with_components(Shape slots, std::int64_t k) {
  slots.push_back(k);
  return slots;
}

}  // namespace

std::string reduce_op_name(ReduceOp op, bool skip_nan) {
  std::string name;
  switch (op) {
    case ReduceOp::kSum: name = "sum"; break;
    case ReduceOp::kProd: name = "prod"; break;
    case ReduceOp::kMin: name = "min"; break;
    case ReduceOp::kMax: name = "max"; break;
    case ReduceOp::kAll: name = "all"; break;
    case ReduceOp::kAny: name = "any"; break;
    case ReduceOp::kCountNonzero: name = "count_nonzero"; break;
    case ReduceOp::kMean: name = "mean"; break;
    case ReduceOp::kVar: name = "var"; break;
    case ReduceOp::kStd: name = "std"; break;
    case ReduceOp::kArgMin: name = "argmin"; break;
    case ReduceOp::kArgMax: name = "argmax"; break;
  }
  return skip_nan ? "nan" + name : name;
}

Reduction make_reduction(ReduceOp op, bool skip_nan, DType x, std::optional<DType> dtype, double correction) {
  Reduction r;
  r.op = op;
  r.skip_nan = skip_nan;
  r.input = x;
  r.correction = correction;
  const std::string name = reduce_op_name(op, skip_nan);
  auto refuse_dtype = [&] {
    if (dtype) throw DTypeError(name + " does not take a dtype (given " + std::string(dtype_name(*dtype)) + ")");
  };
  auto bad_dtype = [&](const char* why) {
    throw DTypeError(name + " of " + std::string(dtype_name(x)) + " cannot give dtype " +
                     std::string(dtype_name(*dtype)) + ": " + why);
  };
  switch (op) {
    case ReduceOp::kSum:
    case ReduceOp::kProd:
      if (dtype) {
        r.result = *dtype;
      } else if (is_bool(x) || is_signed_integer(x)) {
        r.result = DType::kInt64;
      } else if (is_unsigned_integer(x)) {
        r.result = DType::kUInt64;
      } else {
        r.result = x;
      }
      // Values the result type cannot hold exactly are converted first.
      if (!can_cast(x, r.result)) r.input = r.result;
      break;
    case ReduceOp::kMin:
    case ReduceOp::kMax:
    case ReduceOp::kArgMin:
    case ReduceOp::kArgMax:
      refuse_dtype();
      if (is_complex(x)) {
        throw DTypeError(name + " does not support dtype " + std::string(dtype_name(x)) +
                         " (the Array API orders real values only)");
      }
      r.result = is_arg(op) ? DType::kInt64 : x;
      break;
    case ReduceOp::kAll:
    case ReduceOp::kAny:
      refuse_dtype();
      r.result = DType::kBool;
      break;
    case ReduceOp::kCountNonzero:
      refuse_dtype();
      r.result = DType::kInt64;
      break;
    case ReduceOp::kMean:
      if (dtype) {
        if (!is_floating(*dtype) && !is_complex(*dtype)) bad_dtype("mean needs a floating or complex dtype");
        if (is_complex(x) && !is_complex(*dtype)) bad_dtype("the imaginary part would be lost");
        r.result = *dtype;
      } else {
        r.result = is_floating(x) || is_complex(x) ? x : kDefaultFloat;
      }
      break;
    case ReduceOp::kVar:
    case ReduceOp::kStd:
      if (dtype) {
        if (!is_floating(*dtype)) bad_dtype("variance is real; give a real floating dtype");
        r.result = *dtype;
      } else {
        r.result = is_floating(x) || is_complex(x) ? real_dtype(x) : kDefaultFloat;
      }
      break;
  }
  return r;
}

DType state_dtype(const Reduction& r) {
  switch (r.op) {
    case ReduceOp::kSum:
    case ReduceOp::kProd: return detail::accumulator_dtype(r.result);
    case ReduceOp::kMin:
    case ReduceOp::kMax: return r.input;
    case ReduceOp::kAll:
    case ReduceOp::kAny: return DType::kBool;
    case ReduceOp::kCountNonzero:
    case ReduceOp::kArgMin:
    case ReduceOp::kArgMax: return DType::kInt64;
    case ReduceOp::kMean:
    case ReduceOp::kVar:
    case ReduceOp::kStd: return DType::kFloat64;
  }
  throw InternalError("unknown reduction");
}

std::int64_t state_components(const Reduction& r) {
  if (is_moments(r.op)) return kMomentComponents;
  if (is_arg(r.op)) return 2;
  return 1;
}

bool has_identity(const Reduction& r) {
  return !(r.op == ReduceOp::kMin || r.op == ReduceOp::kMax || is_arg(r.op));
}

NDBuffer identity_state(const Reduction& r, const Shape& slots) {
  const DType dt = state_dtype(r);
  const Shape shape = with_components(slots, state_components(r));
  switch (r.op) {
    case ReduceOp::kProd: return NDBuffer::filled(dt, shape, Scalar(1));
    case ReduceOp::kAll: return NDBuffer::filled(dt, shape, Scalar(true));
    case ReduceOp::kMin:
    case ReduceOp::kMax: {
      NDBuffer state(dt, shape);
      const bool is_min = r.op == ReduceOp::kMin;
      visit_dtype(dt, [&]<class Tag>(Tag) {
        using T = typename Tag::type;
        if constexpr (kIsComplex<T>) {
          unsupported(r, dt);
        } else {
          T init;
          if constexpr (std::is_floating_point_v<T>) {
            init = r.skip_nan ? std::numeric_limits<T>::quiet_NaN()
                              : (is_min ? std::numeric_limits<T>::infinity() : -std::numeric_limits<T>::infinity());
          } else {
            init = is_min ? std::numeric_limits<T>::max() : std::numeric_limits<T>::lowest();
          }
          for (T& v : state.span<T>()) v = init;
        }
      });
      return state;
    }
    case ReduceOp::kArgMin:
    case ReduceOp::kArgMax: {
      NDBuffer state = NDBuffer::zeros(dt, shape);
      auto v = state.span<std::int64_t>();
      for (std::size_t i = 1; i < v.size(); i += 2) v[i] = -1;
      return state;
    }
    default: return NDBuffer::zeros(dt, shape);
  }
}

NDBuffer reduce_chunk(const Reduction& r, const NDBuffer& chunk, const std::vector<bool>& reduced, const Shape& origin,
                      const Shape& full_shape) {
  const std::string name = reduce_op_name(r.op, r.skip_nan);
  if (chunk.dtype() != r.input) {
    throw InternalError(name + ": chunk of dtype " + std::string(dtype_name(chunk.dtype())) + ", expected " +
                        std::string(dtype_name(r.input)));
  }
  if (static_cast<int>(reduced.size()) != chunk.ndim()) {
    throw InternalError(name + ": " + std::to_string(reduced.size()) + " axis flags for a chunk of shape " +
                        shape_to_string(chunk.shape()));
  }
  const bool numbered = is_arg(r.op);
  if (numbered && (origin.size() != reduced.size() || full_shape.size() != reduced.size())) {
    throw InternalError(name + ": needs the chunk's origin and the array's shape");
  }
  Shape slots = chunk.shape();
  for (std::size_t d = 0; d < slots.size(); ++d) {
    if (reduced[d]) slots[d] = 1;
  }
  NDBuffer state = identity_state(r, slots);
  if (chunk.size() == 0) return state;
  const Layout l = make_layout(chunk.shape(), reduced, origin, numbered ? full_shape : Shape{});
  visit_dtype(chunk.dtype(), [&]<class Tag>(Tag) { reduce_typed<typename Tag::type>(r, chunk, state, l); });
  return state;
}

void merge_states(const Reduction& r, NDBuffer& acc, const NDBuffer& other) {
  if (acc.dtype() != other.dtype() || acc.shape() != other.shape() || acc.dtype() != state_dtype(r)) {
    throw InternalError(reduce_op_name(r.op, r.skip_nan) + ": cannot merge states " +
                        std::string(dtype_name(acc.dtype())) + " " + shape_to_string(acc.shape()) + " and " +
                        std::string(dtype_name(other.dtype())) + " " + shape_to_string(other.shape()));
  }
  switch (r.op) {
    case ReduceOp::kSum:
      detail::visit_accumulator(acc.dtype(), [&]<class Tag>(Tag) { fold_merge<ReduceOp::kSum, false, typename Tag::type>(acc, other); });
      return;
    case ReduceOp::kProd:
      detail::visit_accumulator(acc.dtype(), [&]<class Tag>(Tag) { fold_merge<ReduceOp::kProd, false, typename Tag::type>(acc, other); });
      return;
    case ReduceOp::kAll: fold_merge<ReduceOp::kAll, false, bool>(acc, other); return;
    case ReduceOp::kAny: fold_merge<ReduceOp::kAny, false, bool>(acc, other); return;
    case ReduceOp::kCountNonzero: fold_merge<ReduceOp::kCountNonzero, false, std::int64_t>(acc, other); return;
    case ReduceOp::kMin:
    case ReduceOp::kMax:
      visit_dtype(acc.dtype(), [&]<class Tag>(Tag) {
        using T = typename Tag::type;
        if constexpr (kIsComplex<T>) {
          unsupported(r, acc.dtype());
        } else if (r.op == ReduceOp::kMin) {
          if (r.skip_nan) fold_merge<ReduceOp::kMin, true, T>(acc, other);
          else fold_merge<ReduceOp::kMin, false, T>(acc, other);
        } else {
          if (r.skip_nan) fold_merge<ReduceOp::kMax, true, T>(acc, other);
          else fold_merge<ReduceOp::kMax, false, T>(acc, other);
        }
      });
      return;
    case ReduceOp::kMean:
    case ReduceOp::kVar:
    case ReduceOp::kStd: moments_merge(acc, other); return;
    case ReduceOp::kArgMin:
    case ReduceOp::kArgMax:
      visit_wide(r.input, [&]<class Tag>(Tag) {
        using W = typename Tag::type;
        if (r.op == ReduceOp::kArgMax) arg_merge<W, true>(acc, other);
        else arg_merge<W, false>(acc, other);
      });
      return;
  }
}

NDBuffer finalize_state(const Reduction& r, NDBuffer state, const Shape& out_shape) {
  const std::string name = reduce_op_name(r.op, r.skip_nan);
  const std::int64_t k = state_components(r);
  const std::int64_t slots = shape_size(out_shape);
  if (state.dtype() != state_dtype(r) || state.size() != slots * k) {
    throw InternalError(name + ": state " + std::string(dtype_name(state.dtype())) + " " +
                        shape_to_string(state.shape()) + " does not give a result of shape " +
                        shape_to_string(out_shape));
  }
  if (is_fold(r.op)) {
    NDBuffer flat = std::move(state).reshaped(out_shape);
    if (flat.dtype() == r.result) return flat;
    return cast(flat, r.result);
  }
  NDBuffer out(r.result, out_shape);
  if (is_arg(r.op)) {
    const std::int64_t* s = reinterpret_cast<const std::int64_t*>(state.data());
    std::int64_t* o = reinterpret_cast<std::int64_t*>(out.data());
    for (std::int64_t i = 0; i < slots; ++i) {
      o[i] = s[2 * i + 1];
      if (o[i] < 0) throw InvalidArgumentError(name + ": All-NaN slice encountered (no value to point to)");
    }
    return out;
  }
  // Moments.
  const double* s = reinterpret_cast<const double*>(state.data());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  visit_dtype(r.result, [&]<class Tag>(Tag) {
    using R = typename Tag::type;
    if constexpr (std::is_floating_point_v<R> || kIsComplex<R>) {
      R* o = reinterpret_cast<R*>(out.data());
      for (std::int64_t i = 0; i < slots; ++i) {
        const double* slot = s + kMomentComponents * i;
        const double n = slot[kN];
        if (r.op == ReduceOp::kMean) {
          double re = n > 0 ? slot[kReHi] + slot[kReLo] : nan;
          double im = n > 0 ? slot[kImHi] + slot[kImLo] : nan;
          if constexpr (kIsComplex<R>) {
            using C = typename R::value_type;
            if (std::isnan(re) || std::isnan(im)) re = im = nan;  // as numpy's complex division by n
            o[i] = R(static_cast<C>(re), static_cast<C>(im));
          } else {
            o[i] = static_cast<R>(re);
          }
          continue;
        }
        const double dof = n - r.correction;
        double v;
        if (r.skip_nan) {
          v = dof > 0 ? slot[kM2] / dof : nan;
        } else {
          v = slot[kM2] / std::max(dof, 0.0);  // numpy: M2 / 0 is inf (or nan for M2 = 0)
        }
        if (r.op == ReduceOp::kStd) v = std::sqrt(v);
        if constexpr (kIsComplex<R>) {
          using C = typename R::value_type;
          o[i] = R(static_cast<C>(v), C(0));
        } else {
          o[i] = static_cast<R>(v);
        }
      }
    } else {
      throw InternalError(name + " cannot give dtype " + std::string(dtype_name(r.result)));
    }
  });
  return out;
}

}  // namespace cubed::kernels
