// Searching and set kernels (see include/cubed/kernels/searching.hpp):
// binary searches over one sorted chunk, with numpy's sort order.
#include "cubed/kernels/searching.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <type_traits>

#include "cubed/core/error.hpp"

namespace cubed::kernels {
namespace {

template <class T>
struct IsComplex : std::false_type {};
template <class T>
struct IsComplex<std::complex<T>> : std::true_type {};

template <class R>
bool real_less(R a, R b) {
  if constexpr (std::is_floating_point_v<R>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
  }
  return a < b;
}

// numpy's sort order: NaN last; complex lexicographic.
template <class T>
bool less(const T& a, const T& b) {
  if constexpr (IsComplex<T>::value) {
    if (real_less(a.real(), b.real())) return true;
    if (real_less(b.real(), a.real())) return false;
    return real_less(a.imag(), b.imag());
  } else {
    return real_less(a, b);
  }
}

void check_same(const NDBuffer& a, const NDBuffer& b, const char* fn) {
  if (a.dtype() != b.dtype()) {
    throw InvalidArgumentError(std::string(fn) + ": dtypes differ (" + std::string(dtype_name(a.dtype())) + " vs " +
                               std::string(dtype_name(b.dtype())) + ")");
  }
}

}  // namespace

void count_sorted_below(const NDBuffer& sorted, const NDBuffer& values, bool right, NDBuffer& counts) {
  check_same(sorted, values, "count_sorted_below");
  if (counts.dtype() != DType::kInt64 || counts.size() != values.size()) {
    throw InvalidArgumentError("count_sorted_below: counts must be int64 with one element per value");
  }
  visit_dtype(values.dtype(), [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    const auto s = sorted.span<T>();
    const auto v = values.span<T>();
    auto c = counts.span<std::int64_t>();
    for (std::size_t i = 0; i < v.size(); ++i) {
      const auto it = right ? std::upper_bound(s.begin(), s.end(), v[i], less<T>)
                            : std::lower_bound(s.begin(), s.end(), v[i], less<T>);
      c[i] += it - s.begin();
    }
  });
}

void sort_chunk(NDBuffer& chunk) {
  visit_dtype(chunk.dtype(), [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    auto s = chunk.span<T>();
    std::sort(s.begin(), s.end(), less<T>);
  });
}

void mark_members(const NDBuffer& sorted, const NDBuffer& values, NDBuffer& found) {
  check_same(sorted, values, "mark_members");
  if (found.dtype() != DType::kBool || found.size() != values.size()) {
    throw InvalidArgumentError("mark_members: found must be bool with one element per value");
  }
  visit_dtype(values.dtype(), [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    const auto s = sorted.span<T>();
    const auto v = values.span<T>();
    auto f = found.span<bool>();
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (f[i]) continue;
      const auto it = std::lower_bound(s.begin(), s.end(), v[i], less<T>);
      f[i] = it != s.end() && *it == v[i];
    }
  });
}

}  // namespace cubed::kernels
