#pragma once
/// Subscripts of arrays in expressions: `x[0, 1:5:2, ..., None]`. The
/// evaluator turns each item into an IndexItem and calls index_array, the
/// one place where the indexing API of the library plugs in.
#include <cstdint>
#include <variant>
#include <vector>

#include "cubed/array/array.hpp"
#include "cubed/expr/value.hpp"

namespace cubed::expr {

/// `None` in a subscript: a new axis of length 1.
struct NewAxis {};
/// One item of a subscript: an integer, a slice, `...` or None.
using IndexItem = std::variant<std::int64_t, Slice, EllipsisValue, NewAxis>;

/// x[items]. Throws NotImplementedError "indexing is not available yet"
/// until the library has indexing.
Array index_array(const Array& x, const std::vector<IndexItem>& items);

}  // namespace cubed::expr
