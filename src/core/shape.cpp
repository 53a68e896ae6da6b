#include "cubed/core/shape.hpp"

#include "cubed/core/error.hpp"

namespace cubed {

std::int64_t shape_size(const Shape& shape) {
  std::int64_t n = 1;
  for (std::int64_t d : shape) {
    if (d < 0) throw InvalidArgumentError("negative extent in shape " + shape_to_string(shape));
    if (d != 0 && n > INT64_MAX / d) {
      throw InvalidArgumentError("shape " + shape_to_string(shape) + " has too many elements");
    }
    n *= d;
  }
  return n;
}

std::string shape_to_string(const Shape& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

void for_each_index(const Shape& extent, const std::function<void(const Shape&)>& fn) {
  for (std::int64_t d : extent) {
    if (d <= 0) return;
  }
  Shape index(extent.size(), 0);
  while (true) {
    fn(index);
    int axis = static_cast<int>(extent.size()) - 1;
    while (axis >= 0) {
      if (++index[axis] < extent[axis]) break;
      index[axis] = 0;
      --axis;
    }
    if (axis < 0) return;
  }
}

Shape c_strides(const Shape& shape) {
  Shape strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) {
    strides[i] = strides[i + 1] * shape[i + 1];
  }
  return strides;
}

}  // namespace cubed
