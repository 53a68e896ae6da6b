// Bitwise kernels (integers and bool; shifts integers only) and logical
// kernels (bool). A shift by a negative count or by at least the bit width
// gives 0 (left) or the sign fill (right), with no undefined behaviour.
#include "broadcast_loop.hpp"
#include "elementwise_internal.hpp"

namespace cubed::kernels::detail {
namespace {

template <class T>
T shift_left(T a, T count) {
  constexpr int kBits = sizeof(T) * 8;
  if (count < 0 || count >= kBits) return 0;
  using U = std::make_unsigned_t<T>;
  return static_cast<T>(static_cast<U>(static_cast<U>(a) << count));
}

template <class T>
T shift_right(T a, T count) {
  constexpr int kBits = sizeof(T) * 8;
  if (count < 0 || count >= kBits) {
    if constexpr (std::is_signed_v<T>) return a < 0 ? T(-1) : T(0);
    else return 0;
  }
  return static_cast<T>(a >> count);
}

template <class T>
void run(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out) {
  if constexpr (kIsBool<T>) {
    switch (op) {
      case BinaryOp::kBitwiseAnd:
      case BinaryOp::kLogicalAnd: return broadcast_binary<T, bool>(a, b, out, [](T x, T y) { return x && y; });
      case BinaryOp::kBitwiseOr:
      case BinaryOp::kLogicalOr: return broadcast_binary<T, bool>(a, b, out, [](T x, T y) { return x || y; });
      case BinaryOp::kBitwiseXor:
      case BinaryOp::kLogicalXor: return broadcast_binary<T, bool>(a, b, out, [](T x, T y) { return x != y; });
      default: break;
    }
  } else if constexpr (kIsInteger<T>) {
    switch (op) {
      case BinaryOp::kBitwiseAnd: return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return static_cast<T>(x & y); });
      case BinaryOp::kBitwiseOr: return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return static_cast<T>(x | y); });
      case BinaryOp::kBitwiseXor: return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return static_cast<T>(x ^ y); });
      case BinaryOp::kBitwiseLeftShift: return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return shift_left(x, y); });
      case BinaryOp::kBitwiseRightShift: return broadcast_binary<T, T>(a, b, out, [](T x, T y) { return shift_right(x, y); });
      default: break;
    }
  }
  throw InternalError("bitwise kernel called with an unsupported op/dtype");
}

}  // namespace

bool bitwise(BinaryOp op, const NDBuffer& a, const NDBuffer& b, NDBuffer& out) {
  if (op < BinaryOp::kBitwiseAnd || op > BinaryOp::kLogicalXor) return false;
  visit_dtype(a.dtype(), [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    if constexpr (kIsBool<T> || kIsInteger<T>) {
      run<T>(op, a, b, out);
    } else {
      throw InternalError("bitwise kernel called on a floating dtype");
    }
  });
  return true;
}

}  // namespace cubed::kernels::detail
