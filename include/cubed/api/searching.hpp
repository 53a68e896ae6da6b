#pragma once
/// searchsorted and isin on lazy arrays, in bounded memory whatever the sizes
/// of the searched arrays.
///
/// Both are one blockwise operation over the blocks of the values (x2 for
/// searchsorted, element for isin): a task reads its block, then streams
/// every chunk of the other array (x1, test_elements) one at a time.
/// - searchsorted: x1 is sorted, so the insertion index of a value is the
///   sum over x1's chunks of the elements below it in each chunk (a binary
///   search per chunk); the task accumulates these counts.
/// - isin: each chunk of test_elements is sorted in place (it is the task's
///   own copy) and the block's values are looked up in it.
/// A task holds one block of values, one chunk of the other array, their
/// converted copies and the result block. The cost of a large x1 or
/// test_elements is I/O (each task reads all of it), never memory.
/// Values are compared in result_type(x1, x2), in numpy's sort order (NaN
/// last).
#include <optional>

#include "cubed/array/array.hpp"

namespace cubed {

enum class SearchSide { kLeft, kRight };

/// Indices (int64, x2's shape and chunks) where x2's values would be
/// inserted into the 1-d ascending x1 to keep it sorted: the first such
/// index (left) or the last (right). With `sorter` (int indices that sort
/// x1), x1 is take(x1, sorter). Throws InvalidArgumentError when x1 is not
/// 1-d or sorter's shape differs from x1's; DTypeError for a non-integer
/// sorter.
Array searchsorted(const Array& x1, const Array& x2, SearchSide side = SearchSide::kLeft,
                   const std::optional<Array>& sorter = std::nullopt);

/// For each element, whether it equals some element of test_elements (any
/// shape); `invert` negates. A bool array of element's shape and chunks. NaN
/// equals nothing.
Array isin(const Array& element, const Array& test_elements, bool invert = false);

}  // namespace cubed
