#include "cubed/api/creation.hpp"

#include <cmath>

#include "cubed/core/error.hpp"
#include "creation_internal.hpp"

namespace cubed {

namespace detail {

Shape creation_chunks(const ChunkSpec& chunks, const Shape& shape, DType dtype, const SpecPtr& spec) {
  const Spec& s = spec ? *spec : *default_spec();
  const std::int64_t budget = std::max<std::int64_t>(s.allowed_mem() - s.reserved_mem(), 0) / 4;
  return normalize_chunks(chunks, shape, dtype, std::min(kDefaultAutoChunkBytes, std::max<std::int64_t>(budget, 1)));
}

void check_shape(const std::string& fn, const Shape& shape) {
  for (std::int64_t d : shape) {
    if (d < 0) throw InvalidArgumentError(fn + ": negative dimension in shape " + shape_to_string(shape));
  }
  shape_size(shape);
}

}  // namespace detail

namespace {

using detail::check_shape;
using detail::creation_chunks;

// Fills a 1-d chunk with f(global index).
template <class F>
NDBuffer generate_1d(DType dtype, std::int64_t origin, std::int64_t length, F f) {
  NDBuffer chunk(dtype, {length});
  for (std::int64_t i = 0; i < length; ++i) chunk.set(i, f(origin + i));
  return chunk;
}

}  // namespace

Array full(const Shape& shape, const Scalar& value, DType dtype, const ChunkSpec& chunks, SpecPtr spec) {
  check_shape("full", shape);
  Shape c = creation_chunks(chunks, shape, dtype, spec);
  return virtual_array(
      "full", shape, c, dtype,
      [dtype, value](const Shape&, const Shape&, const Shape& chunk_shape) {
        return NDBuffer::filled(dtype, chunk_shape, value);
      },
      std::move(spec));
}

Array empty(const Shape& shape, DType dtype, const ChunkSpec& chunks, SpecPtr spec) {
  return full(shape, Scalar(0), dtype, chunks, std::move(spec));
}
Array zeros(const Shape& shape, DType dtype, const ChunkSpec& chunks, SpecPtr spec) {
  return full(shape, Scalar(0), dtype, chunks, std::move(spec));
}
Array ones(const Shape& shape, DType dtype, const ChunkSpec& chunks, SpecPtr spec) {
  return full(shape, Scalar(1), dtype, chunks, std::move(spec));
}

Array arange(const Scalar& start, const Scalar& stop, const Scalar& step, std::optional<DType> dtype,
             const ChunkSpec& chunks, SpecPtr spec) {
  auto is_int = [](const Scalar& s) { return s.kind() == Scalar::Kind::kInt || s.kind() == Scalar::Kind::kUInt; };
  const bool integral = is_int(start) && is_int(stop) && is_int(step);
  DType dt = dtype.value_or(integral ? DType::kInt64 : DType::kFloat64);
  if (is_complex(start.natural_dtype()) || is_complex(stop.natural_dtype()) || is_complex(step.natural_dtype())) {
    throw InvalidArgumentError("arange: complex start, stop or step are not supported");
  }
  std::int64_t length = 0;
  if (integral) {
    std::int64_t a = start.as_int(), b = stop.as_int(), s = step.as_int();
    if (s == 0) throw InvalidArgumentError("arange: step must not be zero");
    if ((s > 0 && b > a) || (s < 0 && b < a)) length = (b - a + s + (s > 0 ? -1 : 1)) / s;
  } else {
    double a = start.as_double(), b = stop.as_double(), s = step.as_double();
    if (s == 0) throw InvalidArgumentError("arange: step must not be zero");
    if (!std::isfinite(a) || !std::isfinite(b) || !std::isfinite(s)) {
      throw InvalidArgumentError("arange: start, stop and step must be finite");
    }
    length = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::ceil((b - a) / s)));
  }
  Shape shape{length};
  Shape c = creation_chunks(chunks, shape, dt, spec);
  return virtual_array(
      "arange", shape, c, dt,
      [dt, start, step, integral](const Shape&, const Shape& origin, const Shape& chunk_shape) {
        if (integral) {
          const std::int64_t a = start.as_int(), s = step.as_int();
          return generate_1d(dt, origin[0], chunk_shape[0], [&](std::int64_t i) { return Scalar(a + i * s); });
        }
        const double a = start.as_double(), s = step.as_double();
        return generate_1d(dt, origin[0], chunk_shape[0],
                           [&](std::int64_t i) { return Scalar(a + static_cast<double>(i) * s); });
      },
      std::move(spec));
}

Array linspace(double start, double stop, std::int64_t num, bool endpoint, DType dtype, const ChunkSpec& chunks,
               SpecPtr spec) {
  if (num < 0) throw InvalidArgumentError("linspace: num must be non-negative, got " + std::to_string(num));
  const std::int64_t div = endpoint ? num - 1 : num;
  const double step = div > 0 ? (stop - start) / static_cast<double>(div) : 0.0;
  Shape shape{num};
  Shape c = creation_chunks(chunks, shape, dtype, spec);
  return virtual_array(
      "linspace", shape, c, dtype,
      [=](const Shape&, const Shape& origin, const Shape& chunk_shape) {
        return generate_1d(dtype, origin[0], chunk_shape[0], [&](std::int64_t i) {
          if (endpoint && num > 1 && i == num - 1) return Scalar(stop);
          return Scalar(start + static_cast<double>(i) * step);
        });
      },
      std::move(spec));
}

Array eye(std::int64_t n, std::optional<std::int64_t> m, std::int64_t k, DType dtype, const ChunkSpec& chunks,
          SpecPtr spec) {
  const std::int64_t cols = m.value_or(n);
  if (n < 0 || cols < 0) throw InvalidArgumentError("eye: negative dimension");
  Shape shape{n, cols};
  Shape c = creation_chunks(chunks, shape, dtype, spec);
  return virtual_array(
      "eye", shape, c, dtype,
      [dtype, k](const Shape&, const Shape& origin, const Shape& chunk_shape) {
        NDBuffer chunk = NDBuffer::zeros(dtype, chunk_shape);
        for (std::int64_t i = 0; i < chunk_shape[0]; ++i) {
          std::int64_t j = origin[0] + i + k - origin[1];
          if (j >= 0 && j < chunk_shape[1]) chunk.set(i * chunk_shape[1] + j, Scalar(1));
        }
        return chunk;
      },
      std::move(spec));
}

Array asarray(NDBuffer data, const ChunkSpec& chunks, SpecPtr spec) {
  Shape c = creation_chunks(chunks, data.shape(), data.dtype(), spec);
  return from_array(std::move(data), c, std::move(spec));
}

}  // namespace cubed
