// Chunk products for matmul and the other contractions (see
// include/cubed/kernels/matmul.hpp).
//
// Decisions:
// - float32/64 and complex64/128 go to OpenBLAS's cblas_?gemm with beta = 1,
//   so the product is added into the accumulator without a temporary.
// - OpenBLAS is set to one thread (once, before the first call): executors
//   already run one task per core, and OpenBLAS's own threads would
//   oversubscribe the cores and hold per-thread buffers nobody counted.
//   OpenBLAS's work buffer (allocated once per calling thread, outside
//   cubed's counted allocations) is part of the worker baseline that
//   reserved_mem stands for.
// - Integers use an i-p-j loop in unsigned arithmetic of at least 32 bits,
//   which wraps as numpy's integer matmul does and is never signed overflow.
// - Vector-vector products (M = N = 1, as vecdot's) skip BLAS: one call per
//   batch element would cost more than the loop.
#include "cubed/kernels/matmul.hpp"

#include <cblas.h>

#include <climits>
#include <complex>
#include <mutex>
#include <type_traits>

#include "cubed/core/error.hpp"

namespace cubed::kernels {
namespace {

void single_threaded_blas() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

template <class T>
void gemm_loop(const T* a, const T* b, T* c, std::int64_t m, std::int64_t n, std::int64_t k) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::conditional_t<(sizeof(T) < 4), std::uint32_t, std::make_unsigned_t<T>>;
    for (std::int64_t i = 0; i < m; ++i) {
      T* row = c + i * n;
      for (std::int64_t p = 0; p < k; ++p) {
        const U x = static_cast<U>(a[i * k + p]);
        const T* brow = b + p * n;
        for (std::int64_t j = 0; j < n; ++j) {
          row[j] = static_cast<T>(static_cast<U>(static_cast<U>(row[j]) + x * static_cast<U>(brow[j])));
        }
      }
    }
  } else {
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t p = 0; p < k; ++p) {
        const T x = a[i * k + p];
        for (std::int64_t j = 0; j < n; ++j) c[i * n + j] += x * b[p * n + j];
      }
    }
  }
}

template <class T>
void gemm(const T* a, const T* b, T* c, std::int64_t m, std::int64_t n, std::int64_t k) {
  constexpr bool kBlas = std::is_same_v<T, float> || std::is_same_v<T, double> ||
                         std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>;
  if constexpr (!kBlas) {
    gemm_loop(a, b, c, m, n, k);
  } else {
    if (m == 1 && n == 1) {
      T sum{};
      for (std::int64_t p = 0; p < k; ++p) sum += a[p] * b[p];
      c[0] += sum;
      return;
    }
    const int im = static_cast<int>(m), in = static_cast<int>(n), ik = static_cast<int>(k);
    const auto order = CblasRowMajor;
    const auto no = CblasNoTrans;
    if constexpr (std::is_same_v<T, float>) {
      cblas_sgemm(order, no, no, im, in, ik, 1.0f, a, ik, b, in, 1.0f, c, in);
    } else if constexpr (std::is_same_v<T, double>) {
      cblas_dgemm(order, no, no, im, in, ik, 1.0, a, ik, b, in, 1.0, c, in);
    } else {
      const T one(1);
      // OpenBLAS takes complex scalars and matrices as void pointers (float* in
      // some versions); pass them through the element type's pointer.
      using R = typename T::value_type;
      auto p = [](const T* x) { return reinterpret_cast<const R*>(x); };
      if constexpr (std::is_same_v<R, float>) {
        cblas_cgemm(order, no, no, im, in, ik, p(&one), p(a), ik, p(b), in, p(&one), reinterpret_cast<R*>(c), in);
      } else {
        cblas_zgemm(order, no, no, im, in, ik, p(&one), p(a), ik, p(b), in, p(&one), reinterpret_cast<R*>(c), in);
      }
    }
  }
}

}  // namespace

void matmul_accumulate(const NDBuffer& a, const NDBuffer& bm, NDBuffer& acc) {
  const int r = acc.ndim();
  auto fail = [&](const std::string& why) {
    throw InvalidArgumentError("matmul_accumulate: " + why + " (a " + shape_to_string(a.shape()) + ", b " +
                               shape_to_string(bm.shape()) + ", acc " + shape_to_string(acc.shape()) + ")");
  };
  if (r < 2 || a.ndim() != r || bm.ndim() != r) fail("ranks differ or are below 2");
  if (a.dtype() != acc.dtype() || bm.dtype() != acc.dtype()) fail("dtypes differ");
  if (is_bool(acc.dtype())) throw DTypeError("matmul_accumulate: bool is not a numeric dtype");
  const std::int64_t m = acc.shape()[r - 2], n = acc.shape()[r - 1], k = a.shape()[r - 1];
  if (a.shape()[r - 2] != m || bm.shape()[r - 2] != k || bm.shape()[r - 1] != n) fail("matrix shapes do not match");
  if (m > INT_MAX || n > INT_MAX || k > INT_MAX) fail("a matrix side exceeds the BLAS integer range");
  const Shape batch(acc.shape().begin(), acc.shape().end() - 2);
  Shape sa(r - 2, 0), sb(r - 2, 0);  // batch strides in matrices, 0 where broadcast
  std::int64_t stride_a = 1, stride_b = 1;
  for (int d = r - 3; d >= 0; --d) {
    if (a.shape()[d] != batch[d] && a.shape()[d] != 1) fail("batch axis " + std::to_string(d) + " does not broadcast");
    if (bm.shape()[d] != batch[d] && bm.shape()[d] != 1) fail("batch axis " + std::to_string(d) + " does not broadcast");
    sa[d] = a.shape()[d] == 1 ? 0 : stride_a;
    sb[d] = bm.shape()[d] == 1 ? 0 : stride_b;
    stride_a *= a.shape()[d];
    stride_b *= bm.shape()[d];
  }
  if (acc.size() == 0 || k == 0) return;
  single_threaded_blas();
  visit_dtype(acc.dtype(), [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    if constexpr (std::is_same_v<T, bool>) {
      return;
    } else {
      const T* pa = a.span<T>().data();
      const T* pb = bm.span<T>().data();
      T* pc = acc.span<T>().data();
      std::int64_t out = 0;
      for_each_index(batch, [&](const Shape& idx) {
        std::int64_t ia = 0, ib = 0;
        for (std::size_t d = 0; d < idx.size(); ++d) {
          ia += idx[d] * sa[d];
          ib += idx[d] * sb[d];
        }
        gemm<T>(pa + ia * m * k, pb + ib * k * n, pc + out * m * n, m, n, k);
        ++out;
      });
    }
  });
}

void add_in_place(NDBuffer& acc, const NDBuffer& x) {
  if (acc.dtype() != x.dtype() || acc.size() != x.size()) {
    throw InvalidArgumentError("add_in_place: " + std::string(dtype_name(acc.dtype())) + " " +
                               shape_to_string(acc.shape()) + " and " + std::string(dtype_name(x.dtype())) + " " +
                               shape_to_string(x.shape()) + " differ");
  }
  visit_dtype(acc.dtype(), [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    auto a = acc.span<T>();
    const auto b = x.span<T>();
    if constexpr (std::is_same_v<T, bool>) {
      throw DTypeError("add_in_place: bool is not a numeric dtype");
    } else if constexpr (std::is_integral_v<T>) {
      using U = std::conditional_t<(sizeof(T) < 4), std::uint32_t, std::make_unsigned_t<T>>;
      for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<T>(static_cast<U>(static_cast<U>(a[i]) + static_cast<U>(b[i])));
    } else {
      for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
    }
  });
}

void conjugate_in_place(NDBuffer& x) {
  if (x.dtype() == DType::kComplex64) {
    for (auto& v : x.span<std::complex<float>>()) v = std::conj(v);
  } else if (x.dtype() == DType::kComplex128) {
    for (auto& v : x.span<std::complex<double>>()) v = std::conj(v);
  }
}

}  // namespace cubed::kernels
