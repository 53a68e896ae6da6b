#pragma once
/// Chunk kernels of linear algebra: the product of two chunks added into an
/// accumulator (BLAS gemm for float32/64 and complex64/128 through Debian's
/// OpenBLAS, a plain loop for integers), and sorting/search helpers live in
/// kernels/searching.hpp.
#include "cubed/core/ndbuffer.hpp"

namespace cubed::kernels {

/// acc[b..., i, j] += sum_p a[b..., i, p] * bm[b..., p, j].
/// All three have acc's dtype (numeric, not bool) and the same rank r >= 2;
/// a is (B_a..., M, K), bm (B_b..., K, N), acc (B..., M, N) where each batch
/// length of a and bm is acc's or 1 (broadcast). Integers wrap as numpy's.
/// OpenBLAS runs on the calling thread only (see src/kernels/matmul.cpp).
/// Throws InvalidArgumentError on mismatched shapes, DTypeError for bool.
void matmul_accumulate(const NDBuffer& a, const NDBuffer& bm, NDBuffer& acc);

/// acc += x elementwise (same dtype and size; integers wrap): the sum of two
/// partial products.
void add_in_place(NDBuffer& acc, const NDBuffer& x);

/// Replaces every complex element by its conjugate (no-op for real dtypes).
void conjugate_in_place(NDBuffer& x);

}  // namespace cubed::kernels
