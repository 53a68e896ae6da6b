#pragma once
/// Array creation. All but asarray/from_* make *virtual* arrays: their chunks
/// are generated when read and never stored, so `ones((10**6, 10**6))` costs
/// nothing until used. `chunks` accepts an int, per-axis lengths (-1 = whole
/// axis) or AutoChunks{} (the default).
#include <optional>
#include <string>
#include <vector>

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

/// *_like: virtual arrays of x's shape and spec, with x's dtype and chunks
/// unless given.
Array empty_like(const Array& x, std::optional<DType> dtype = std::nullopt,
                 std::optional<ChunkSpec> chunks = std::nullopt);
Array zeros_like(const Array& x, std::optional<DType> dtype = std::nullopt,
                 std::optional<ChunkSpec> chunks = std::nullopt);
Array ones_like(const Array& x, std::optional<DType> dtype = std::nullopt,
                std::optional<ChunkSpec> chunks = std::nullopt);
Array full_like(const Array& x, const Scalar& value, std::optional<DType> dtype = std::nullopt,
                std::optional<ChunkSpec> chunks = std::nullopt);

enum class MeshIndexing : std::uint8_t { kXY, kIJ };
/// Coordinate grids from 1-d arrays, as numpy.meshgrid: with n inputs of
/// lengths N1..Nn every output has shape (N1, ..., Nn) for kIJ, and
/// (N2, N1, N3, ..., Nn) for kXY (the default, Cartesian). Output i holds
/// input i along its axis (each keeps its dtype, as numpy does). Every
/// output reads only chunks of its own input; chunks follow the inputs'
/// unless a chunk would pass the auto-chunk target. Throws
/// InvalidArgumentError for an input that is not 1-d or inputs with
/// different specs.
std::vector<Array> meshgrid(const std::vector<Array>& arrays, MeshIndexing indexing = MeshIndexing::kXY);
/// "xy" or "ij"; throws InvalidArgumentError otherwise.
MeshIndexing mesh_indexing_from_name(const std::string& name);

/// The lower (tril) or upper (triu) triangle of the last two axes of x
/// (batched over the others): elements (i, j) with j - i <= k (tril) or
/// j - i >= k (triu) are kept, the others are zero. Blockwise: a chunk
/// wholly outside the triangle is not read, one wholly inside is passed
/// through. Throws InvalidArgumentError when x has fewer than 2 axes.
Array tril(const Array& x, std::int64_t k = 0);
Array triu(const Array& x, std::int64_t k = 0);

}  // namespace cubed
