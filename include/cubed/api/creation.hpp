#pragma once
/// Array creation. All but asarray/from_* make *virtual* arrays: their chunks
/// are generated when read and never stored, so `ones((10**6, 10**6))` costs
/// nothing until used. `chunks` accepts an int, per-axis lengths (-1 = whole
/// axis) or AutoChunks{} (the default).
#include <optional>

#include "cubed/array/array.hpp"
#include "cubed/core/chunk_grid.hpp"
#include "cubed/primitives/source.hpp"

namespace cubed {

/// Every element `value` converted to `dtype`.
Array full(const Shape& shape, const Scalar& value, DType dtype, const ChunkSpec& chunks = AutoChunks{},
           SpecPtr spec = nullptr);
/// Unspecified contents (cubed-cpp gives zeros, deterministically).
Array empty(const Shape& shape, DType dtype = DType::kFloat64, const ChunkSpec& chunks = AutoChunks{},
            SpecPtr spec = nullptr);
Array zeros(const Shape& shape, DType dtype = DType::kFloat64, const ChunkSpec& chunks = AutoChunks{},
            SpecPtr spec = nullptr);
Array ones(const Shape& shape, DType dtype = DType::kFloat64, const ChunkSpec& chunks = AutoChunks{},
           SpecPtr spec = nullptr);
/// Values start, start + step, ... below stop (above for a negative step),
/// computed as start + i * step as numpy does. dtype defaults to int64 when
/// start, stop and step are integers, else float64. Throws
/// InvalidArgumentError for step 0.
Array arange(const Scalar& start, const Scalar& stop, const Scalar& step = Scalar(1),
             std::optional<DType> dtype = std::nullopt, const ChunkSpec& chunks = AutoChunks{}, SpecPtr spec = nullptr);
/// `num` evenly spaced values from start to stop (included when endpoint).
Array linspace(double start, double stop, std::int64_t num, bool endpoint = true, DType dtype = DType::kFloat64,
               const ChunkSpec& chunks = AutoChunks{}, SpecPtr spec = nullptr);
/// An n x m matrix with ones on diagonal k (m defaults to n).
Array eye(std::int64_t n, std::optional<std::int64_t> m = std::nullopt, std::int64_t k = 0,
          DType dtype = DType::kFloat64, const ChunkSpec& chunks = AutoChunks{}, SpecPtr spec = nullptr);
/// A small in-memory array (one chunk unless chunks are given).
Array asarray(NDBuffer data, const ChunkSpec& chunks = AutoChunks{}, SpecPtr spec = nullptr);

}  // namespace cubed
