#pragma once
/// Shapes and N-dimensional indices, plus the helpers every layer uses to
/// walk them in C order.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cubed {

/// Extent per axis (or an index, or chunk coordinates). Empty = 0-d.
using Shape = std::vector<std::int64_t>;

/// Number of elements. Throws InvalidArgumentError on a negative extent or
/// when the product overflows int64.
std::int64_t shape_size(const Shape& shape);
/// "(10, 20)" as numpy prints shapes; "()" for 0-d; "(5,)" for 1-d.
std::string shape_to_string(const Shape& shape);
/// Calls fn(index) for every index in [0, extent) in C order (last axis
/// fastest). Calls it once with an empty index for a 0-d extent, never when
/// any extent is 0.
void for_each_index(const Shape& extent, const std::function<void(const Shape&)>& fn);
/// C-order strides in elements.
Shape c_strides(const Shape& shape);

}  // namespace cubed
