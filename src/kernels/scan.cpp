// Scan kernels (cumulative sum and product of one chunk from a carried
// state) and differences along an axis.
//
// The carry is the sum/prod state of reduction.cpp (accumulator int64,
// uint64, float64 or complex128), one slot per position across the axis, so
// the plan can compute it by merging the states of the preceding chunks;
// each output element is the running accumulator converted to the result
// dtype, so float32 scans accumulate in float64. Integers wrap.
#include <cstring>

#include "cubed/kernels/reduction.hpp"
#include "reduction_internal.hpp"

namespace cubed::kernels {
namespace {

using detail::is_nan;
using detail::kHasNan;
using detail::kIsBool;
using detail::kIsComplex;
using detail::widen;

// The sum/prod accumulator of a result type (as detail::accumulator_dtype).
template <class R>
using Accumulator = std::conditional_t<kIsComplex<R>, std::complex<double>,
                                       std::conditional_t<std::is_floating_point_v<R>, double,
                                                          std::conditional_t<detail::kIsUnsigned<R>, std::uint64_t,
                                                                             std::int64_t>>>;

template <class S>
DType dtype_of() {
  if constexpr (std::is_same_v<S, std::int64_t>) return DType::kInt64;
  else if constexpr (std::is_same_v<S, std::uint64_t>) return DType::kUInt64;
  else if constexpr (std::is_same_v<S, double>) return DType::kFloat64;
  else return DType::kComplex128;
}

[[noreturn]] [[gnu::noinline]] void no_scan(const std::string& name, const Reduction& r) {
  throw InternalError(name + ": no scan from " + std::string(dtype_name(r.input)) + " to " +
                      std::string(dtype_name(r.result)));
}

template <class R, class A>
R narrow(A v) {
  if constexpr (kIsBool<R>) {
    return v != A(0);
  } else {
    return static_cast<R>(v);
  }
}

// int64 carries are scanned as uint64 on the same bits (wrapping, no
// undefined behaviour; see Working in reduction.cpp).
template <class T, class S, class R, bool IsSum, bool Skip>
void scan_loop(const T* x, std::int64_t chunk_length, S* carry_data, R* out, std::int64_t outer, std::int64_t length,
               std::int64_t inner, bool exclusive) {
  using A = std::conditional_t<std::is_same_v<S, std::int64_t>, std::uint64_t, S>;
  A* carry = reinterpret_cast<A*>(carry_data);
  auto step = [](A c, T v) -> A {
    if constexpr (Skip) {
      if (is_nan(v)) return c;
    }
    const A w = static_cast<A>(widen<S>(v));
    return IsSum ? c + w : c * w;
  };
  for (std::int64_t o = 0; o < outer; ++o) {
    A* c = carry + o * inner;
    const T* xo = x ? x + o * chunk_length * inner : nullptr;
    R* ro = out + o * length * inner;
    for (std::int64_t t = 0; t < length; ++t) {
      const T* xr = xo && t < chunk_length ? xo + t * inner : nullptr;
      R* rr = ro + t * inner;
      if (exclusive) {
        for (std::int64_t i = 0; i < inner; ++i) rr[i] = narrow<R>(c[i]);
        if (xr) {
          for (std::int64_t i = 0; i < inner; ++i) c[i] = step(c[i], xr[i]);
        }
      } else {
        for (std::int64_t i = 0; i < inner; ++i) {
          c[i] = step(c[i], xr[i]);
          rr[i] = narrow<R>(c[i]);
        }
      }
    }
    // The carry covers the whole chunk, also what the output does not show.
    for (std::int64_t t = length; xo && t < chunk_length; ++t) {
      for (std::int64_t i = 0; i < inner; ++i) c[i] = step(c[i], xo[t * inner + i]);
    }
  }
}

}  // namespace

NDBuffer scan_chunk(const Reduction& r, const NDBuffer* chunk, int axis, NDBuffer& carry, const Shape& out_shape,
                    bool exclusive) {
  const bool is_sum = r.op == ReduceOp::kSum;
  const std::string name = r.skip_nan ? (is_sum ? "nancumsum" : "nancumprod") : (is_sum ? "cumulative_sum" : "cumulative_prod");
  if (r.op != ReduceOp::kSum && r.op != ReduceOp::kProd) throw InternalError(name + ": scans are sums or products");
  const int nd = static_cast<int>(out_shape.size());
  if (axis < 0 || axis >= nd) throw InternalError(name + ": axis out of range");
  std::int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= out_shape[d];
  for (int d = axis + 1; d < nd; ++d) inner *= out_shape[d];
  const std::int64_t length = out_shape[axis];
  std::int64_t chunk_length = 0;
  if (chunk) {
    Shape expected = out_shape;
    if (chunk->ndim() == nd) expected[axis] = chunk->shape()[axis];
    const bool fits = chunk->shape() == expected && chunk->dtype() == r.input;
    chunk_length = chunk->ndim() == nd ? chunk->shape()[axis] : 0;
    const bool lengths = exclusive ? chunk_length + 1 >= length : chunk_length == length;
    if (!fits || !lengths) {
      throw InternalError(name + ": chunk " + std::string(dtype_name(chunk->dtype())) + " " +
                          shape_to_string(chunk->shape()) + " does not fit output " + shape_to_string(out_shape));
    }
  } else if (!exclusive || length > 1) {
    throw InternalError(name + ": no chunk for an output of shape " + shape_to_string(out_shape));
  }
  if (carry.dtype() != state_dtype(r) || carry.size() != outer * inner) {
    throw InternalError(name + ": carry " + shape_to_string(carry.shape()) + " does not fit output " +
                        shape_to_string(out_shape));
  }
  NDBuffer out(r.result, out_shape);
  if (out.size() == 0) return out;
  visit_dtype(r.result, [&]<class RTag>(RTag) {
    using R = typename RTag::type;
    using S = Accumulator<R>;
    visit_dtype(r.input, [&]<class TTag>(TTag) {
      using T = typename TTag::type;
      if constexpr (!detail::kSafeCast<T, R>) {
        no_scan(name, r);
      } else {
        if (carry.dtype() != dtype_of<S>()) no_scan(name, r);
        const T* x = chunk ? reinterpret_cast<const T*>(chunk->data()) : nullptr;
        S* c = reinterpret_cast<S*>(carry.data());
        R* o = reinterpret_cast<R*>(out.data());
        if (r.skip_nan && kHasNan<T>) {
          if (is_sum) scan_loop<T, S, R, true, kHasNan<T>>(x, chunk_length, c, o, outer, length, inner, exclusive);
          else scan_loop<T, S, R, false, kHasNan<T>>(x, chunk_length, c, o, outer, length, inner, exclusive);
        } else {
          if (is_sum) scan_loop<T, S, R, true, false>(x, chunk_length, c, o, outer, length, inner, exclusive);
          else scan_loop<T, S, R, false, false>(x, chunk_length, c, o, outer, length, inner, exclusive);
        }
      }
    });
  });
  return out;
}

NDBuffer diff_chunk(const NDBuffer& in, int axis) {
  const int nd = in.ndim();
  if (axis < 0 || axis >= nd || in.shape()[axis] < 1) {
    throw InternalError("diff: axis " + std::to_string(axis) + " does not fit a chunk of shape " +
                        shape_to_string(in.shape()));
  }
  Shape out_shape = in.shape();
  out_shape[axis] -= 1;
  NDBuffer out(in.dtype(), out_shape);
  std::int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= in.shape()[d];
  for (int d = axis + 1; d < nd; ++d) inner *= in.shape()[d];
  const std::int64_t length = in.shape()[axis];
  visit_dtype(in.dtype(), [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    const T* x = reinterpret_cast<const T*>(in.data());
    T* y = reinterpret_cast<T*>(out.data());
    for (std::int64_t o = 0; o < outer; ++o) {
      for (std::int64_t t = 0; t + 1 < length; ++t) {
        const T* a = x + (o * length + t) * inner;
        const T* b = a + inner;
        T* r = y + (o * (length - 1) + t) * inner;
        for (std::int64_t i = 0; i < inner; ++i) {
          if constexpr (kIsBool<T>) {
            r[i] = a[i] != b[i];
          } else if constexpr (std::is_integral_v<T>) {
            using U = std::make_unsigned_t<T>;
            using W = std::common_type_t<U, unsigned int>;  // no promotion to signed int
            r[i] = static_cast<T>(static_cast<U>(static_cast<W>(static_cast<U>(b[i])) - static_cast<W>(static_cast<U>(a[i]))));
          } else {
            r[i] = b[i] - a[i];
          }
        }
      }
    }
  });
  return out;
}

}  // namespace cubed::kernels
