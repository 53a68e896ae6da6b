#pragma once
// Shared by the elementwise API files: running a kernel blockwise over
// operands broadcast together.
#include <functional>
#include <string>
#include <vector>

#include "cubed/api/operand.hpp"
#include "cubed/array/array.hpp"
#include "cubed/core/ndbuffer.hpp"

namespace cubed::detail {

/// One operand of broadcast_blockwise: an array, or (when `array` is not
/// valid) a scalar already stored as a 0-d buffer of `dtype`. Array chunks
/// of another dtype are converted to `dtype` before the kernel sees them.
struct BroadcastInput {
  Array array;
  NDBuffer scalar;
  DType dtype;
};

/// An operand computed in `dtype` (a scalar is converted to it now).
BroadcastInput broadcast_input(const Operand& operand, DType dtype);

/// Computes one output chunk from the operands' chunks (in input order).
using BroadcastKernel = std::function<void(const std::vector<const NDBuffer*>& operands, NDBuffer& out)>;

/// The output of `kernel` applied over the broadcast shape of the inputs
/// (at least one an array). Output chunks along each axis come from the
/// first array that spans it; other arrays are rechunked to match. Throws
/// InvalidArgumentError naming `name` and the shapes when they do not
/// broadcast.
Array broadcast_blockwise(const std::string& name, const std::vector<BroadcastInput>& inputs, DType result,
                          BroadcastKernel kernel);

}  // namespace cubed::detail
