// Counter-based random arrays (see include/cubed/api/random.hpp for the
// generator and its correspondence with numpy's Philox).
#include "cubed/api/random.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "cubed/core/error.hpp"
#include "cubed/primitives/source.hpp"
#include "creation_internal.hpp"

namespace cubed::random {
namespace {

using Block = std::array<std::uint64_t, 4>;

// Philox-4x64: the multipliers and Weyl key increments of the published
// algorithm; 10 rounds.
constexpr std::uint64_t kMultiplier0 = 0xD2E7470EE14C6C93ULL;
constexpr std::uint64_t kMultiplier1 = 0xCA5A826395121157ULL;
constexpr std::uint64_t kWeyl0 = 0x9E3779B97F4A7C15ULL;  // golden ratio
constexpr std::uint64_t kWeyl1 = 0xBB67AE8584CAA73BULL;  // sqrt(3) - 1

inline void mul_hi_lo(std::uint64_t a, std::uint64_t b, std::uint64_t& hi, std::uint64_t& lo) {
  const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  hi = static_cast<std::uint64_t>(p >> 64);
  lo = static_cast<std::uint64_t>(p);
}

Block philox(std::uint64_t block, std::uint64_t seed) {
  Block c{block, 0, 0, 0};
  std::uint64_t k0 = seed, k1 = 0;
  for (int round = 0; round < 10; ++round) {
    std::uint64_t hi0, lo0, hi1, lo1;
    mul_hi_lo(kMultiplier0, c[0], hi0, lo0);
    mul_hi_lo(kMultiplier1, c[2], hi1, lo1);
    c = {hi1 ^ c[1] ^ k0, lo1, hi0 ^ c[3] ^ k1, lo0};
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return c;
}

using detail::check_shape;
using detail::creation_chunks;

// Fills a chunk with convert(word of element n) for the global flat index n
// of each element, one Philox block per 4 consecutive elements of a row.
template <class T, class Convert>
NDBuffer generate(DType dtype, std::uint64_t seed, const Shape& array_shape, const Shape& origin,
                  const Shape& chunk_shape, Convert convert) {
  NDBuffer chunk(dtype, chunk_shape);
  if (chunk.size() == 0) return chunk;
  T* out = chunk.span<T>().data();
  const int ndim = static_cast<int>(chunk_shape.size());
  const std::int64_t row = ndim == 0 ? 1 : chunk_shape[ndim - 1];
  const std::int64_t rows = chunk.size() / row;
  Shape index(static_cast<std::size_t>(ndim), 0);  // position of the row in the chunk
  std::uint64_t cached = std::numeric_limits<std::uint64_t>::max();
  Block words{};
  for (std::int64_t r = 0; r < rows; ++r) {
    std::uint64_t base = 0;
    for (int d = 0; d < ndim; ++d) base = base * static_cast<std::uint64_t>(array_shape[d]) +
                                          static_cast<std::uint64_t>(origin[d] + index[d]);
    for (std::int64_t j = 0; j < row; ++j) {
      const std::uint64_t n = base + static_cast<std::uint64_t>(j);
      if (n / 4 != cached) {
        cached = n / 4;
        words = philox(cached, seed);
      }
      *out++ = convert(words[n % 4]);
    }
    for (int d = ndim - 2; d >= 0; --d) {
      if (++index[d] < chunk_shape[d]) break;
      index[d] = 0;
    }
  }
  return chunk;
}

}  // namespace

Array random(const Shape& shape, std::uint64_t seed, const ChunkSpec& chunks, SpecPtr spec) {
  check_shape("random", shape);
  const DType dtype = DType::kFloat64;
  Shape c = creation_chunks(chunks, shape, dtype, spec);
  return virtual_array(
      "random", shape, c, dtype,
      [seed, shape](const Shape&, const Shape& origin, const Shape& chunk_shape) {
        return generate<double>(DType::kFloat64, seed, shape, origin, chunk_shape, [](std::uint64_t w) {
          return static_cast<double>(w >> 11) * 0x1.0p-53;
        });
      },
      std::move(spec));
}

Array integers(std::int64_t low, std::int64_t high, const Shape& shape, std::uint64_t seed, DType dtype,
               const ChunkSpec& chunks, SpecPtr spec) {
  check_shape("integers", shape);
  if (!is_integer(dtype)) {
    throw DTypeError("integers: dtype must be an integer type, got " + std::string(dtype_name(dtype)));
  }
  if (low >= high) {
    throw InvalidArgumentError("integers: low must be less than high, got low=" + std::to_string(low) +
                               " and high=" + std::to_string(high));
  }
  const bool fits = visit_dtype(dtype, [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      using L = std::numeric_limits<T>;
      const bool low_ok = std::is_signed_v<T> ? low >= static_cast<std::int64_t>(L::min()) : low >= 0;
      const bool high_ok = static_cast<std::uint64_t>(L::max()) >=
                               static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
                           high - 1 <= static_cast<std::int64_t>(L::max());
      return low_ok && high_ok;
    }
    return false;
  });
  if (!fits) {
    throw InvalidArgumentError("integers: [" + std::to_string(low) + ", " + std::to_string(high) +
                               ") does not fit " + std::string(dtype_name(dtype)));
  }
  // high - low in two's complement is the range even when it passes INT64_MAX.
  const std::uint64_t range = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
  Shape c = creation_chunks(chunks, shape, dtype, spec);
  return virtual_array(
      "integers", shape, c, dtype,
      [=](const Shape&, const Shape& origin, const Shape& chunk_shape) {
        return visit_dtype(dtype, [&]<class Tag>(Tag) -> NDBuffer {
          using T = typename Tag::type;
          if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
            return generate<T>(dtype, seed, shape, origin, chunk_shape, [low, range](std::uint64_t w) {
              const auto offset = static_cast<std::uint64_t>((static_cast<unsigned __int128>(w) * range) >> 64);
              return static_cast<T>(static_cast<std::uint64_t>(low) + offset);
            });
          }
          throw InternalError("integers: non-integer dtype");
        });
      },
      std::move(spec));
}

}  // namespace cubed::random
