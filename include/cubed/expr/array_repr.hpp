#pragma once
/// Text of an in-memory array as numpy 1.24 prints it with repr(), so that
/// results can be compared with numpy's by eye (or by string):
///   array([[1. , 2.5],
///          [3. , 4. ]])
///   array([1, 2], dtype=int8)
///   array([ 0,  1,  2, ..., 97, 98, 99])   (more than 1000 elements)
/// Floats use numpy's default options: 8 fractional digits at most, shortest
/// text that reads back, scientific notation when the values span a wide
/// range; rows wrap at 75 characters.
#include <cstdint>
#include <string>

#include "cubed/core/ndbuffer.hpp"

namespace cubed::expr {

struct ReprOptions {
  int line_width = 75;            ///< numpy's linewidth
  std::int64_t threshold = 1000;  ///< more elements than this are summarised
  int edge_items = 3;             ///< items kept at each end when summarised
};

std::string array_repr(const NDBuffer& array, const ReprOptions& options = {});

}  // namespace cubed::expr
