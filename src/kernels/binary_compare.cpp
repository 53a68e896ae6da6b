// Comparison kernels: equal, not_equal, less, less_equal, greater,
// greater_equal. Results are bool; ordering comparisons take no complex.
#include "broadcast_loop.hpp"
#include "elementwise_internal.hpp"

namespace cubed::kernels::detail {
namespace {

template <class T>
void run(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out) {
  switch (op) {
    case BinaryOp::kEqual: return broadcast_binary<T, bool>(a, b, out, [](T x, T y) { return x == y; });
    case BinaryOp::kNotEqual: return broadcast_binary<T, bool>(a, b, out, [](T x, T y) { return x != y; });
    default: break;
  }
  if constexpr (!kIsComplex<T>) {
    switch (op) {
      case BinaryOp::kLess: return broadcast_binary<T, bool>(a, b, out, [](T x, T y) { return x < y; });
      case BinaryOp::kLessEqual: return broadcast_binary<T, bool>(a, b, out, [](T x, T y) { return x <= y; });
      case BinaryOp::kGreater: return broadcast_binary<T, bool>(a, b, out, [](T x, T y) { return x > y; });
      case BinaryOp::kGreaterEqual: return broadcast_binary<T, bool>(a, b, out, [](T x, T y) { return x >= y; });
      default: break;
    }
  }
  throw InternalError("comparison kernel called with an unsupported op/dtype");
}

}  // namespace

bool compare(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out) {
  if (op < BinaryOp::kEqual || op > BinaryOp::kGreaterEqual) return false;
  visit_dtype(a.dtype(), [&]<class Tag>(Tag) { run<typename Tag::type>(op, a, b, out); });
  return true;
}

}  // namespace cubed::kernels::detail
