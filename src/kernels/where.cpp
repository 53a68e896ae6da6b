// Three-operand kernels: where(condition, x, y) and clip(x, lo, hi), with
// broadcasting by strides as in broadcast_loop.hpp, extended to three
// operands: axes are merged where all three are contiguous (or broadcast)
// across them, and the inner loop is specialised on which operands move
// (stride 1) and which stay (stride 0), so every row is a flat loop the
// compiler vectorises (same shapes or scalar operands: one row).
//
// where only moves bytes, so it is instantiated per element size (1, 2, 4, 8
// and 16 bytes), not per dtype; NaN payloads and signed zeros are kept.
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "broadcast_loop.hpp"
#include "cubed/core/error.hpp"
#include "elementwise_internal.hpp"

namespace cubed::kernels::detail {
namespace {

struct TernaryLayout {
  Shape extent;                 // merged output extent
  std::array<Shape, 3> stride;  // element strides of each operand per merged axis
};

TernaryLayout make_ternary_layout(const Shape& s0, const Shape& s1, const Shape& s2, const Shape& out) {
  const std::array<Shape, 3> aligned = {aligned_strides(s0, out), aligned_strides(s1, out), aligned_strides(s2, out)};
  TernaryLayout layout;
  for (std::size_t d = 0; d < out.size(); ++d) {
    if (!layout.extent.empty()) {
      bool merge = true;
      for (int k = 0; k < 3; ++k) merge = merge && layout.stride[k].back() == aligned[k][d] * out[d];
      if (merge) {
        layout.extent.back() *= out[d];
        for (int k = 0; k < 3; ++k) layout.stride[k].back() = aligned[k][d];
        continue;
      }
    }
    layout.extent.push_back(out[d]);
    for (int k = 0; k < 3; ++k) layout.stride[k].push_back(aligned[k][d]);
  }
  if (layout.extent.empty()) {
    layout.extent = {1};
    for (int k = 0; k < 3; ++k) layout.stride[k] = {0};
  }
  return layout;
}

// One row where each operand either moves (M = true, stride 1) or stays.
template <bool M0, bool M1, bool M2, class T0, class T1, class T2, class R, class F>
void row_fixed(const T0* a, const T1* b, const T2* c, R* out, std::int64_t n, F f) {
  const T0 a0 = *a;
  const T1 b0 = *b;
  const T2 c0 = *c;
  for (std::int64_t i = 0; i < n; ++i) out[i] = f(M0 ? a[i] : a0, M1 ? b[i] : b0, M2 ? c[i] : c0);
}

// Every row of the layout, each with `row(a, b, c, out, n)`.
template <class T0, class T1, class T2, class R, class Row>
void for_each_row(const TernaryLayout& layout, const T0* a, const T1* b, const T2* c, R* out, Row row) {
  const std::size_t nd = layout.extent.size();
  const std::int64_t n = layout.extent[nd - 1];
  Shape index(nd - 1, 0);
  std::int64_t offset_out = 0;
  while (true) {
    std::array<std::int64_t, 3> offset = {0, 0, 0};
    for (std::size_t d = 0; d + 1 < nd; ++d) {
      for (int k = 0; k < 3; ++k) offset[k] += index[d] * layout.stride[k][d];
    }
    row(a + offset[0], b + offset[1], c + offset[2], out + offset_out, n);
    offset_out += n;
    int d = static_cast<int>(nd) - 2;
    while (d >= 0 && ++index[d] == layout.extent[d]) index[d--] = 0;
    if (d < 0) break;
  }
}

// out[i] = f(a[...], b[...], c[...]) over the broadcast shape of a, b and c.
template <class T0, class T1, class T2, class R, class F>
void broadcast_ternary(const NDBuffer& a, const NDBuffer& b, const NDBuffer& c, NDBuffer& out, F f) {
  if (out.size() == 0) return;
  const TernaryLayout layout = make_ternary_layout(a.shape(), b.shape(), c.shape(), out.shape());
  const T0* pa = reinterpret_cast<const T0*>(a.data());
  const T1* pb = reinterpret_cast<const T1*>(b.data());
  const T2* pc = reinterpret_cast<const T2*>(c.data());
  R* po = reinterpret_cast<R*>(out.data());
  const std::size_t inner = layout.extent.size() - 1;
  const std::int64_t s0 = layout.stride[0][inner];
  const std::int64_t s1 = layout.stride[1][inner];
  const std::int64_t s2 = layout.stride[2][inner];
  auto fixed = [&]<bool M0, bool M1, bool M2>() {
    for_each_row(layout, pa, pb, pc, po, [&](const T0* x, const T1* y, const T2* z, R* o, std::int64_t n) {
      row_fixed<M0, M1, M2>(x, y, z, o, n, f);
    });
  };
  // In C order the innermost axis (merged or not) has stride 1, or 0 where
  // an operand broadcasts.
  if ((s0 != 0 && s0 != 1) || (s1 != 0 && s1 != 1) || (s2 != 0 && s2 != 1)) {
    throw InternalError("ternary kernel: inner strides must be 0 or 1");
  }
  switch ((s0 == 1 ? 4 : 0) | (s1 == 1 ? 2 : 0) | (s2 == 1 ? 1 : 0)) {
    case 0: return fixed.template operator()<false, false, false>();
    case 1: return fixed.template operator()<false, false, true>();
    case 2: return fixed.template operator()<false, true, false>();
    case 3: return fixed.template operator()<false, true, true>();
    case 4: return fixed.template operator()<true, false, false>();
    case 5: return fixed.template operator()<true, false, true>();
    case 6: return fixed.template operator()<true, true, false>();
    default: return fixed.template operator()<true, true, true>();
  }
}

struct Bytes16 {
  std::uint64_t lo;
  std::uint64_t hi;
};

template <class U>
void where_bytes(const NDBuffer& condition, const NDBuffer& x, const NDBuffer& y, NDBuffer& out) {
  broadcast_ternary<bool, U, U, U>(condition, x, y, out, [](bool c, U a, U b) { return c ? a : b; });
}

template <class T>
T clip_value(T x, T lo, T hi) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(x) || std::isnan(lo) || std::isnan(hi)) return std::numeric_limits<T>::quiet_NaN();
  }
  // In numpy's order, which decides the sign of a zero result: clip(-0.0, 0.0, 1.0) is +0.
  const T low = x > lo ? x : lo;
  return low < hi ? low : hi;
}

void check_shape(std::string_view name, const NDBuffer& a, const NDBuffer& b, const NDBuffer& c, const NDBuffer& out) {
  if (out.shape() != broadcast_shapes(broadcast_shapes(a.shape(), b.shape()), c.shape())) {
    throw InternalError(std::string(name) + ": output buffer has the wrong shape");
  }
}

}  // namespace
}  // namespace cubed::kernels::detail

namespace cubed::kernels {

void where(const NDBuffer& condition, const NDBuffer& x, const NDBuffer& y, NDBuffer& out) {
  if (condition.dtype() != DType::kBool || x.dtype() != y.dtype() || out.dtype() != x.dtype()) {
    throw InternalError("where: condition must be bool and x, y and the output of one dtype (got " +
                        std::string(dtype_name(condition.dtype())) + ", " + std::string(dtype_name(x.dtype())) +
                        ", " + std::string(dtype_name(y.dtype())) + ", " + std::string(dtype_name(out.dtype())) + ")");
  }
  detail::check_shape("where", condition, x, y, out);
  switch (item_size(x.dtype())) {
    case 1: return detail::where_bytes<std::uint8_t>(condition, x, y, out);
    case 2: return detail::where_bytes<std::uint16_t>(condition, x, y, out);
    case 4: return detail::where_bytes<std::uint32_t>(condition, x, y, out);
    case 8: return detail::where_bytes<std::uint64_t>(condition, x, y, out);
    case 16: return detail::where_bytes<detail::Bytes16>(condition, x, y, out);
    default: throw InternalError("where: no kernel for dtype " + std::string(dtype_name(x.dtype())));
  }
}

void clip(const NDBuffer& x, const NDBuffer& lo, const NDBuffer& hi, NDBuffer& out) {
  const DType dt = x.dtype();
  if (lo.dtype() != dt || hi.dtype() != dt || out.dtype() != dt || is_bool(dt) || is_complex(dt)) {
    throw InternalError("clip: x, lo, hi and the output must have one real numeric dtype (got " +
                        std::string(dtype_name(dt)) + ", " + std::string(dtype_name(lo.dtype())) + ", " +
                        std::string(dtype_name(hi.dtype())) + ", " + std::string(dtype_name(out.dtype())) + ")");
  }
  detail::check_shape("clip", x, lo, hi, out);
  visit_dtype(dt, [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    if constexpr (!detail::kIsBool<T> && !detail::kIsComplex<T>) {
      detail::broadcast_ternary<T, T, T, T>(x, lo, hi, out, [](T v, T l, T h) { return detail::clip_value(v, l, h); });
    }
  });
}

}  // namespace cubed::kernels
