#include "cubed/core/chunk_grid.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "cubed/core/error.hpp"

namespace cubed {

ChunkGrid::ChunkGrid(Shape shape, Shape chunks) : shape_(std::move(shape)), chunks_(std::move(chunks)) {
  if (shape_.size() != chunks_.size()) {
    throw InvalidArgumentError("chunks " + shape_to_string(chunks_) + " do not match the rank of shape " +
                               shape_to_string(shape_));
  }
  shape_size(shape_);  // validates extents
  grid_shape_.resize(shape_.size());
  for (std::size_t i = 0; i < shape_.size(); ++i) {
    if (chunks_[i] < 1) {
      throw InvalidArgumentError("chunks " + shape_to_string(chunks_) + " for shape " +
                                 shape_to_string(shape_) + ": chunk lengths must be >= 1");
    }
    grid_shape_[i] = shape_[i] == 0 ? 0 : (shape_[i] - 1) / chunks_[i] + 1;  // no overflow near INT64_MAX
  }
}

std::int64_t ChunkGrid::num_chunks() const { return shape_size(grid_shape_); }

void ChunkGrid::check_coords(const Shape& coords) const {
  bool ok = coords.size() == grid_shape_.size();
  for (std::size_t i = 0; ok && i < coords.size(); ++i) {
    ok = coords[i] >= 0 && coords[i] < grid_shape_[i];
  }
  if (!ok) {
    throw InvalidArgumentError("chunk coordinates " + shape_to_string(coords) +
                               " are outside the chunk grid " + shape_to_string(grid_shape_));
  }
}

Shape ChunkGrid::chunk_shape(const Shape& coords) const {
  check_coords(coords);
  Shape s(coords.size());
  for (std::size_t i = 0; i < coords.size(); ++i) {
    s[i] = std::min(chunks_[i], shape_[i] - coords[i] * chunks_[i]);
  }
  return s;
}

Shape ChunkGrid::chunk_origin(const Shape& coords) const {
  check_coords(coords);
  Shape o(coords.size());
  for (std::size_t i = 0; i < coords.size(); ++i) o[i] = coords[i] * chunks_[i];
  return o;
}

Shape normalize_chunks(const ChunkSpec& spec, const Shape& shape, DType dtype, std::int64_t auto_bytes) {
  const std::size_t ndim = shape.size();
  std::vector<std::int64_t> per_axis;
  if (const auto* n = std::get_if<std::int64_t>(&spec)) {
    per_axis.assign(ndim, *n);
  } else if (const auto* v = std::get_if<std::vector<std::int64_t>>(&spec)) {
    per_axis = *v;
  } else {
    per_axis.assign(ndim, 0);
  }
  if (per_axis.size() != ndim) {
    throw InvalidArgumentError("chunks " + shape_to_string(per_axis) + " have " +
                               std::to_string(per_axis.size()) + " axes but the array has shape " +
                               shape_to_string(shape));
  }
  Shape chunks(ndim);
  std::vector<bool> is_auto(ndim, false);
  for (std::size_t i = 0; i < ndim; ++i) {
    std::int64_t c = per_axis[i];
    if (c < -1) {
      throw InvalidArgumentError("invalid chunk length " + std::to_string(c) + " on axis " +
                                 std::to_string(i) + " (use a positive length, -1 for the whole axis or auto)");
    }
    if (c == 0) {
      is_auto[i] = true;
      c = -1;
    }
    chunks[i] = c == -1 ? std::max<std::int64_t>(shape[i], 1) : std::min(c, std::max<std::int64_t>(shape[i], 1));
  }
  // Halve the longest auto axis until a chunk fits the byte target.
  const std::int64_t target = std::max<std::int64_t>(auto_bytes, item_size(dtype));
  while (true) {
    std::int64_t bytes = item_size(dtype);
    for (std::int64_t c : chunks) bytes *= c;
    if (bytes <= target) break;
    int longest = -1;
    for (std::size_t i = 0; i < ndim; ++i) {
      if (is_auto[i] && chunks[i] > 1 && (longest < 0 || chunks[i] > chunks[longest])) longest = static_cast<int>(i);
    }
    if (longest < 0) break;
    chunks[longest] = (chunks[longest] + 1) / 2;
  }
  return chunks;
}

ChunkSpec parse_chunk_spec(std::string_view text) {
  std::string s(text);
  if (s == "auto") return AutoChunks{};
  std::vector<std::int64_t> values;
  std::size_t start = 0;
  if (!s.empty() && s.front() == '(' && s.back() == ')') s = s.substr(1, s.size() - 2);
  while (start <= s.size()) {
    std::size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    if (part.empty() && comma == std::string::npos && !values.empty()) break;  // trailing comma
    if (part == "auto") {
      values.push_back(0);
    } else {
      char* end = nullptr;
      errno = 0;
      long long v = std::strtoll(part.c_str(), &end, 10);
      if (part.empty() || *end != '\0' || v == 0 || v < -1 || errno == ERANGE) {
        throw InvalidArgumentError("invalid chunks '" + std::string(text) +
                                   "' (expected lengths separated by commas, -1 for a whole axis, or auto)");
      }
      values.push_back(v);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  // A single length without a comma applies to every axis, as in Dask.
  if (values.size() == 1 && s.find(',') == std::string::npos && values[0] != 0) {
    return ChunkSpec(std::int64_t{values[0]});
  }
  return values;
}

}  // namespace cubed
