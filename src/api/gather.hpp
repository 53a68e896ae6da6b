#pragma once
/// The blockwise operation behind indexing and most manipulation functions
/// (internal to the api layer).
///
/// A *gather* fills each output chunk from one or more inputs through
/// separable maps: along every output axis, an input either reads one of its
/// own axes at positions given by a map (slices, flips, rolls, repeats,
/// tiles, take, broadcasting of a length-1 axis) or has no axis there (new
/// axes, broadcast leading axes); input axes no output axis reads sit at a
/// fixed position (integer indices, squeezed axes). An input may cover only
/// a range of an output axis (concat, stack).
///
/// Keys: along each input axis, the input chunks holding the positions the
/// output chunk reads; the task reads their product one chunk at a time,
/// copying what it needs into the output chunk, so a task holds the output
/// chunk, one input chunk and (when the input's dtype differs from the
/// output's) a converted copy of it. That is the projected memory declared.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cubed/api/indexing.hpp"
#include "cubed/array/array.hpp"

namespace cubed::detail {

/// How one output axis reads one input.
struct AxisRead {
  /// Input axis read along this output axis, or -1 when the input has no
  /// axis here (every output position reads the same input elements).
  int input_axis = -1;
  /// The output positions [begin, end) this input fills; end -1: to the end
  /// of the output axis.
  std::int64_t begin = 0;
  std::int64_t end = -1;
  /// Input position read by output position begin + i; nullptr: i.
  std::function<std::int64_t(std::int64_t)> map;
};

struct GatherInput {
  Array array;
  /// One per output axis.
  std::vector<AxisRead> axes;
  /// Per input axis: its position when no output axis reads it (ignored
  /// for the axes that are read).
  Shape fixed;
};

/// The gather operation (see file comment). The inputs' ranges must cover
/// the output. Maps must return positions inside the input axis (checked
/// when tasks run: InvalidArgumentError). Throws InvalidArgumentError for
/// inconsistent arguments and for inputs with different specs.
Array gather(std::vector<GatherInput> inputs, Shape shape, Shape chunks, DType dtype, std::string name);

/// index(x, items) with another operation name in plans ("flip", "squeeze").
Array index_named(const Array& x, const std::vector<IndexItem>& items, const std::string& name);

/// Normalises a possibly negative axis against `ndim` axes. Throws
/// InvalidArgumentError "<function>: axis 3 is out of bounds for array of
/// dimension 2".
int normalize_axis(const std::string& function, int axis, int ndim);
/// Normalises a list of axes, refusing repeats ("<function>: repeated axis 1").
std::vector<int> normalize_axes(const std::string& function, const std::vector<int>& axes, int ndim);

/// "(1, 2)" for messages.
std::string ints_to_string(const std::vector<int>& values);

}  // namespace cubed::detail
