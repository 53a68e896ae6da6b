#pragma once
/// Random arrays, the same for a seed whatever the chunking or the executor.
///
/// Every element comes from a counter-based generator keyed by the seed and
/// its flat (C-order) index n in the whole array: Philox-4x64-10 (Salmon et
/// al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011) with key
/// (seed, 0) and counter (n / 4, 0, 0, 0) gives four 64-bit words; element n
/// takes word n % 4. That is the stream of numpy's Philox bit generator
/// started at counter 0, so `random` equals
///   np.random.Generator(np.random.Philox(key=seed, counter=2**256 - 1)).random(size)
/// (numpy increments the counter before its first block). The arrays are
/// virtual: chunks are generated when read, never stored.
#include <cstdint>

#include "cubed/array/array.hpp"
#include "cubed/core/chunk_grid.hpp"

namespace cubed::random {

/// Uniform float64 values in [0, 1): (word >> 11) * 2^-53, as numpy.
/// Throws InvalidArgumentError for a negative dimension.
Array random(const Shape& shape, std::uint64_t seed, const ChunkSpec& chunks = AutoChunks{}, SpecPtr spec = nullptr);

/// Integers in [low, high) of an integer dtype: low + floor(word * (high -
/// low) / 2^64) (Lemire's multiply-shift without rejection, so each element
/// reads one word; the bias is below (high - low) / 2^64). Throws
/// InvalidArgumentError when low >= high or [low, high) does not fit
/// `dtype`, DTypeError when `dtype` is not an integer type.
Array integers(std::int64_t low, std::int64_t high, const Shape& shape, std::uint64_t seed,
               DType dtype = DType::kInt64, const ChunkSpec& chunks = AutoChunks{}, SpecPtr spec = nullptr);

}  // namespace cubed::random
