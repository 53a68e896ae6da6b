#include "cubed/api/elementwise.hpp"

#include <map>
#include <optional>

#include "api/elementwise_internal.hpp"
#include "cubed/core/error.hpp"
#include "cubed/primitives/blockwise.hpp"
#include "cubed/primitives/rechunk.hpp"

namespace cubed {
namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;

// The dtype a weak scalar takes next to an array of dtype `array`.
DType weak_scalar_dtype(const Scalar& s, DType array) {
  switch (s.kind()) {
    case Scalar::Kind::kBool: return array;
    case Scalar::Kind::kInt:
    case Scalar::Kind::kUInt: return is_bool(array) ? DType::kInt64 : array;
    case Scalar::Kind::kFloat: return is_bool(array) || is_integer(array) ? DType::kFloat64 : array;
    case Scalar::Kind::kComplex:
      if (is_complex(array)) return array;
      return array == DType::kFloat32 ? DType::kComplex64 : DType::kComplex128;
  }
  return array;
}

NDBuffer scalar_buffer(const Scalar& s, DType dt) {
  NDBuffer b(dt, {});
  s.store(dt, b.data());
  return b;
}

std::string letters(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('a' + i);
  return s;
}

}  // namespace

DType promoted_dtype(const Operand& a, const Operand& b) {
  if (a.is_array() && b.is_array()) return result_type(a.array().dtype(), b.array().dtype());
  if (a.is_array()) return weak_scalar_dtype(b.scalar(), a.array().dtype());
  if (b.is_array()) return weak_scalar_dtype(a.scalar(), b.array().dtype());
  throw InvalidArgumentError("an elementwise operation needs at least one array operand");
}

Array detail::broadcast_blockwise(const std::string& name, const std::vector<BroadcastInput>& inputs, DType result,
                                  BroadcastKernel kernel) {
  // Output shape and chunks: broadcast shapes; chunks from the first array
  // operand that spans the axis.
  std::vector<Array> arrays;
  for (const BroadcastInput& in : inputs) {
    if (in.array.valid()) arrays.push_back(in.array);
  }
  if (arrays.empty()) throw InvalidArgumentError(name + " needs at least one array operand");
  Shape shape;
  for (const Array& x : arrays) {
    try {
      shape = kernels::broadcast_shapes(shape, x.shape());
    } catch (const InvalidArgumentError&) {
      std::string shapes;
      for (const Array& y : arrays) shapes += (shapes.empty() ? "" : " and ") + shape_to_string(y.shape());
      throw InvalidArgumentError(name + ": shapes " + shapes + " do not broadcast");
    }
  }
  const int ndim = static_cast<int>(shape.size());
  Shape chunks(ndim, 0);
  for (const Array& x : arrays) {
    const int offset = ndim - x.ndim();
    for (int d = 0; d < x.ndim(); ++d) {
      if (chunks[d + offset] == 0 && x.shape()[d] == shape[d + offset] && (shape[d + offset] != 1 || x.shape()[d] == 1)) {
        chunks[d + offset] = x.chunks()[d];
      }
    }
  }
  for (auto& c : chunks) c = std::max<std::int64_t>(c, 1);
  // Align the other arrays' chunks on the chosen ones.
  std::vector<std::pair<Array, std::string>> args;
  const std::string out_index = letters(ndim);
  BlockwiseOptions options;
  options.name = name;
  // An array given twice (x * x) is one blockwise input, so that its chunk
  // is read and decoded once per task and counted once in memory.
  std::vector<std::size_t> arg_of;  // per array operand: its blockwise input
  std::map<const ArrayNode*, std::size_t> arg_of_node;
  for (const BroadcastInput& in : inputs) {
    if (!in.array.valid()) continue;
    Array x = in.array;
    const int offset = ndim - x.ndim();
    if (x.dtype() != in.dtype) options.extra_memory += shape_size(x.chunks()) * item_size(in.dtype);
    if (auto seen = arg_of_node.find(x.node().get()); seen != arg_of_node.end()) {
      arg_of.push_back(seen->second);
      continue;
    }
    arg_of_node[x.node().get()] = args.size();
    arg_of.push_back(args.size());
    Shape wanted = x.chunks();
    for (int d = 0; d < x.ndim(); ++d) {
      if (x.shape()[d] == shape[d + offset] && x.shape()[d] != 1) wanted[d] = chunks[d + offset];
    }
    if (wanted != x.chunks()) x = rechunk(x, std::vector<std::int64_t>(wanted.begin(), wanted.end()));
    args.emplace_back(x, out_index.substr(static_cast<std::size_t>(offset)));
  }
  // Scalars are captured as 0-d buffers of their compute dtype.
  std::vector<std::optional<NDBuffer>> scalars;
  std::vector<DType> dtypes;
  for (const BroadcastInput& in : inputs) {
    scalars.push_back(in.array.valid() ? std::nullopt : std::optional<NDBuffer>(in.scalar));
    dtypes.push_back(in.dtype);
  }
  BlockFunction fn = [kernel = std::move(kernel), scalars, dtypes, result, arg_of](const std::vector<NDBuffer>& in,
                                                                                   const Shape& out_shape) {
    std::size_t next = 0;
    std::vector<NDBuffer> converted;  // reserved: the pointers below stay valid
    converted.reserve(scalars.size());
    std::vector<const NDBuffer*> operands;
    for (std::size_t i = 0; i < scalars.size(); ++i) {
      if (scalars[i]) {
        operands.push_back(&*scalars[i]);
        continue;
      }
      const NDBuffer& chunk = in[arg_of[next++]];
      if (chunk.dtype() == dtypes[i]) {
        operands.push_back(&chunk);
      } else {
        converted.push_back(kernels::cast(chunk, dtypes[i]));
        operands.push_back(&converted.back());
      }
    }
    NDBuffer out(result, out_shape);
    kernel(operands, out);
    return out;
  };
  return blockwise(std::move(fn), out_index, args, result, std::move(options));
}

detail::BroadcastInput detail::broadcast_input(const Operand& o, DType dtype) {
  if (o.is_array()) return {o.array(), NDBuffer(), dtype};
  return {Array(), scalar_buffer(o.scalar(), dtype), dtype};
}

Array elementwise(BinaryOp op, const Operand& a, const Operand& b) {
  const DType compute = kernels::binary_compute_dtype(op, promoted_dtype(a, b));
  const DType result = kernels::binary_result_dtype(op, compute);
  return detail::broadcast_blockwise(std::string(kernels::binary_op_name(op)),
                                     {detail::broadcast_input(a, compute), detail::broadcast_input(b, compute)}, result,
                                     [op](const std::vector<const NDBuffer*>& in, NDBuffer& out) {
                                       kernels::binary(op, *in[0], *in[1], out);
                                     });
}

Array elementwise(UnaryOp op, const Array& a) {
  const DType result = kernels::unary_result_dtype(op, a.dtype());
  const DType compute = kernels::unary_compute_dtype(op, a.dtype());
  BlockwiseOptions options;
  options.name = std::string(kernels::unary_op_name(op));
  // The kernel converts integer chunks of floating-point functions itself.
  if (compute != a.dtype()) options.extra_memory = shape_size(a.chunks()) * item_size(compute);
  return map_blocks(
      [op, result](const std::vector<NDBuffer>& in, const Shape& out_shape) {
        NDBuffer out(result, out_shape);
        kernels::unary(op, in[0], out);
        return out;
      },
      {a}, result, options);
}

Array astype(const Array& a, DType dtype) {
  BlockwiseOptions options;
  options.name = "astype";
  return map_blocks([dtype](const std::vector<NDBuffer>& in, const Shape&) { return kernels::cast(in[0], dtype); },
                    {a}, dtype, options);
}

#define CUBED_BINARY(FN, OP) \
  Array FN(const Operand& a, const Operand& b) { return elementwise(BinaryOp::OP, a, b); }
CUBED_BINARY(add, kAdd)
CUBED_BINARY(subtract, kSubtract)
CUBED_BINARY(multiply, kMultiply)
CUBED_BINARY(divide, kDivide)
CUBED_BINARY(floor_divide, kFloorDivide)
CUBED_BINARY(remainder, kRemainder)
CUBED_BINARY(pow, kPow)
CUBED_BINARY(maximum, kMaximum)
CUBED_BINARY(minimum, kMinimum)
CUBED_BINARY(equal, kEqual)
CUBED_BINARY(not_equal, kNotEqual)
CUBED_BINARY(less, kLess)
CUBED_BINARY(less_equal, kLessEqual)
CUBED_BINARY(greater, kGreater)
CUBED_BINARY(greater_equal, kGreaterEqual)
CUBED_BINARY(bitwise_and, kBitwiseAnd)
CUBED_BINARY(bitwise_or, kBitwiseOr)
CUBED_BINARY(bitwise_xor, kBitwiseXor)
CUBED_BINARY(bitwise_left_shift, kBitwiseLeftShift)
CUBED_BINARY(bitwise_right_shift, kBitwiseRightShift)
CUBED_BINARY(logical_and, kLogicalAnd)
CUBED_BINARY(logical_or, kLogicalOr)
CUBED_BINARY(logical_xor, kLogicalXor)
#undef CUBED_BINARY

Array negative(const Array& a) { return elementwise(UnaryOp::kNegative, a); }
Array positive(const Array& a) { return elementwise(UnaryOp::kPositive, a); }
Array abs(const Array& a) { return elementwise(UnaryOp::kAbs, a); }
Array bitwise_invert(const Array& a) { return elementwise(UnaryOp::kBitwiseInvert, a); }
Array logical_not(const Array& a) { return elementwise(UnaryOp::kLogicalNot, a); }
Array square(const Array& a) { return elementwise(UnaryOp::kSquare, a); }

}  // namespace cubed
