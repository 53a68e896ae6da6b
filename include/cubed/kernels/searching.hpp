#pragma once
/// Chunk kernels of searching and sets: counting the elements of a sorted
/// chunk below each value (searchsorted) and membership (isin). Values are
/// ordered as numpy sorts them: NaN after every number; complex numbers by
/// real part, then imaginary part.
#include "cubed/core/ndbuffer.hpp"

namespace cubed::kernels {

/// counts[i] += the number of elements of `sorted` that are < values[i]
/// (right: <=). `sorted` (1-d, ascending) and `values` have one dtype;
/// counts is int64 with values' size.
void count_sorted_below(const NDBuffer& sorted, const NDBuffer& values, bool right, NDBuffer& counts);

/// Sorts a 1-d chunk in place (the order above).
void sort_chunk(NDBuffer& chunk);

/// found[i] |= values[i] equals an element of `sorted` (ascending, same
/// dtype; NaN equals nothing). found is bool with values' size.
void mark_members(const NDBuffer& sorted, const NDBuffer& values, NDBuffer& found);

}  // namespace cubed::kernels
