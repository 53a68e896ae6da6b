#pragma once
// The one loop behind every binary kernel: walks the output in C order with
// per-operand strides (0 on broadcast axes). Axes are first merged where both
// operands are contiguous, so same-shape operands run as one flat loop the
// compiler vectorises; the inner loop is specialised on whether each operand
// moves (stride 1) or stays (stride 0).
#include <cstdint>
#include <vector>

#include "cubed/core/error.hpp"
#include "cubed/core/ndbuffer.hpp"

namespace cubed::kernels::detail {

struct BroadcastLayout {
  Shape extent;     // merged output extent
  Shape stride_a;   // element strides of a per merged axis
  Shape stride_b;
};

// Strides of `in` aligned against `out`: 0 where `in` broadcasts.
inline Shape aligned_strides(const Shape& in, const Shape& out) {
  Shape strides(out.size(), 0);
  std::int64_t s = 1;
  const int offset = static_cast<int>(out.size()) - static_cast<int>(in.size());
  for (int d = static_cast<int>(in.size()) - 1; d >= 0; --d) {
    strides[d + offset] = in[d] == 1 && out[d + offset] != 1 ? 0 : s;
    s *= in[d];
  }
  return strides;
}

inline BroadcastLayout make_layout(const Shape& a, const Shape& b, const Shape& out) {
  Shape sa = aligned_strides(a, out);
  Shape sb = aligned_strides(b, out);
  BroadcastLayout layout;
  // Merge axis d into the next inner one when both operands are contiguous
  // across them (or both broadcast along both).
  for (std::size_t d = 0; d < out.size(); ++d) {
    if (!layout.extent.empty()) {
      std::int64_t e = out[d];
      bool merge_a = layout.stride_a.back() == sa[d] * e;
      bool merge_b = layout.stride_b.back() == sb[d] * e;
      if (merge_a && merge_b) {
        layout.extent.back() *= e;
        layout.stride_a.back() = sa[d];
        layout.stride_b.back() = sb[d];
        continue;
      }
    }
    layout.extent.push_back(out[d]);
    layout.stride_a.push_back(sa[d]);
    layout.stride_b.push_back(sb[d]);
  }
  if (layout.extent.empty()) {
    layout.extent = {1};
    layout.stride_a = {0};
    layout.stride_b = {0};
  }
  return layout;
}

template <class T, class R, class F>
void inner(const T* a, std::int64_t sa, const T* b, std::int64_t sb, R* out, std::int64_t n, F f) {
  if (sa == 1 && sb == 1) {
    for (std::int64_t i = 0; i < n; ++i) out[i] = f(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const T y = *b;
    for (std::int64_t i = 0; i < n; ++i) out[i] = f(a[i], y);
  } else if (sa == 0 && sb == 1) {
    const T x = *a;
    for (std::int64_t i = 0; i < n; ++i) out[i] = f(x, b[i]);
  } else {
    for (std::int64_t i = 0; i < n; ++i) out[i] = f(a[i * sa], b[i * sb]);
  }
}

// out[i] = f(a[...], b[...]) over the broadcast shape of a and b.
template <class T, class R, class F>
void broadcast_binary(const NDBuffer& a, const NDBuffer& b, NDBuffer& out, F f) {
  const BroadcastLayout layout = make_layout(a.shape(), b.shape(), out.shape());
  const T* pa = reinterpret_cast<const T*>(a.data());
  const T* pb = reinterpret_cast<const T*>(b.data());
  R* po = reinterpret_cast<R*>(out.data());
  if (out.size() == 0) return;
  const std::size_t nd = layout.extent.size();
  const std::int64_t n = layout.extent[nd - 1];
  const std::int64_t ia = layout.stride_a[nd - 1];
  const std::int64_t ib = layout.stride_b[nd - 1];
  if (nd == 1) {
    inner<T, R>(pa, ia, pb, ib, po, n, f);
    return;
  }
  Shape index(nd - 1, 0);
  std::int64_t offset_out = 0;
  while (true) {
    std::int64_t oa = 0, ob = 0;
    for (std::size_t d = 0; d + 1 < nd; ++d) {
      oa += index[d] * layout.stride_a[d];
      ob += index[d] * layout.stride_b[d];
    }
    inner<T, R>(pa + oa, ia, pb + ob, ib, po + offset_out, n, f);
    offset_out += n;
    int d = static_cast<int>(nd) - 2;
    while (d >= 0 && ++index[d] == layout.extent[d]) index[d--] = 0;
    if (d < 0) break;
  }
}

}  // namespace cubed::kernels::detail
