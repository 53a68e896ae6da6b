#pragma once
/// Regular chunk grids (every chunk the same shape; the last chunk along an
/// axis may be short) and the normalisation of chunk specifications as users
/// write them: one int for every axis, one value per axis (-1 = the whole
/// axis), or "auto" (chunks near a byte target).
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cubed/core/dtype.hpp"
#include "cubed/core/shape.hpp"

namespace cubed {

class ChunkGrid {
 public:
  ChunkGrid() = default;
  /// Throws InvalidArgumentError when ranks differ, an extent is negative or
  /// a chunk length is < 1.
  ChunkGrid(Shape shape, Shape chunks);

  const Shape& shape() const { return shape_; }
  const Shape& chunks() const { return chunks_; }
  int ndim() const { return static_cast<int>(shape_.size()); }
  /// Number of chunks per axis (0 along an empty axis).
  const Shape& grid_shape() const { return grid_shape_; }
  std::int64_t num_chunks() const;
  /// The shape of the chunk at `coords`, clipped at the array's edge.
  Shape chunk_shape(const Shape& coords) const;
  /// The element index of the chunk's first element.
  Shape chunk_origin(const Shape& coords) const;
  /// Throws InvalidArgumentError when coords are outside the grid.
  void check_coords(const Shape& coords) const;
  bool operator==(const ChunkGrid& other) const = default;

 private:
  Shape shape_;
  Shape chunks_;
  Shape grid_shape_;
};

/// Chunks as a user writes them.
/// - an int: that length on every axis (capped at the axis length);
/// - a vector: one length per axis; -1 means the whole axis, 0 means "auto"
///   for that axis;
/// - AutoChunks: every axis "auto".
struct AutoChunks {};
using ChunkSpec = std::variant<std::int64_t, std::vector<std::int64_t>, AutoChunks>;

/// Default byte target for "auto" chunks (as Dask's array.chunk-size).
inline constexpr std::int64_t kDefaultAutoChunkBytes = 128 * 1000 * 1000;

/// Turns a ChunkSpec into one chunk length per axis for an array of `shape`
/// and `dtype`. "auto" axes are split evenly, largest first, until a chunk is
/// at most `auto_bytes`. Throws InvalidArgumentError naming the spec when it
/// has the wrong rank or a length < -1.
Shape normalize_chunks(const ChunkSpec& spec, const Shape& shape, DType dtype,
                       std::int64_t auto_bytes = kDefaultAutoChunkBytes);
/// Parses "100", "100,200", "-1,10", "auto", "auto,10" (the CLI form).
ChunkSpec parse_chunk_spec(std::string_view text);

}  // namespace cubed
