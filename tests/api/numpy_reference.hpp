#pragma once
// numpy reference results for the elementwise tests (kernels and api): a
// batch of cases is written to a temp dir, tests/api/numpy_elementwise.py
// computes them all in one run of /usr/bin/python3 (Debian's python3-numpy;
// the python3 first on PATH may lack numpy), and the results are read back
// for comparison. One run per batch keeps numpy's start-up cost to one per
// test.
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cubed/core/ndbuffer.hpp"

namespace cubed::test {

inline constexpr const char* kPython = "/usr/bin/python3";

class NumpyBatch {
 public:
  NumpyBatch() {
    std::random_device random;
    for (int attempt = 0;; ++attempt) {
      dir_ = std::filesystem::temp_directory_path() /
             ("cubed-numpy-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
      if (std::filesystem::create_directory(dir_)) break;
      if (attempt > 100) throw std::runtime_error("cannot make a temp dir under " + dir_.parent_path().string());
    }
  }
  NumpyBatch(const NumpyBatch&) = delete;
  NumpyBatch& operator=(const NumpyBatch&) = delete;
  ~NumpyBatch() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  /// Adds a case (std::nullopt is an absent argument, e.g. a bound of clip);
  /// returns its index for result().
  std::size_t add(const std::string& function, const std::vector<std::optional<NDBuffer>>& inputs) {
    const std::size_t index = cases_.size();
    std::string line = function + " " + path("out" + std::to_string(index));
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      if (!inputs[k]) {
        line += " none";
        continue;
      }
      const NDBuffer& b = *inputs[k];
      const std::string file = path("in" + std::to_string(index) + "_" + std::to_string(k));
      std::ofstream out(file, std::ios::binary);
      out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.nbytes()));
      if (!out) throw std::runtime_error("cannot write " + file);
      // Appended piece by piece: g++ 12 warns (-Wrestrict, wrongly) on "literal" + std::string&&.
      line += ' ';
      line += dtype_name(b.dtype());
      line += ':';
      for (std::size_t d = 0; d < b.shape().size(); ++d) {
        if (d > 0) line += ',';
        line += std::to_string(b.shape()[d]);
      }
      line += ':';
      line += file;
    }
    cases_.push_back(line);
    return index;
  }

  /// Runs numpy on every case added. Throws std::runtime_error with the
  /// script's output when it fails (numpy missing included: no skipping).
  void run() {
    const std::string manifest = path("manifest.txt");
    {
      std::ofstream out(manifest);
      for (const std::string& line : cases_) out << line << "\n";
    }
    const std::string script = std::string(CUBED_SOURCE_DIR) + "/tests/api/numpy_elementwise.py";
    const std::string command = std::string(kPython) + " '" + script + "' '" + manifest + "' 2>&1";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) throw std::runtime_error("popen failed: " + std::string(std::strerror(errno)));
    std::string output;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
    const int status = ::pclose(pipe);
    if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      throw std::runtime_error(command + " failed (Debian's python3-numpy must be installed for " + kPython +
                               "):\n" + output);
    }
    results_.clear();
    std::istringstream lines(output);
    std::string file, dtype, shape_text;
    while (lines >> file >> dtype) {
      std::string rest;
      std::getline(lines, rest);
      std::istringstream fields(rest);
      shape_text.clear();
      fields >> shape_text;
      Shape shape;
      std::istringstream dims(shape_text);
      for (std::string d; std::getline(dims, d, ',');) shape.push_back(std::stoll(d));
      NDBuffer b(dtype_from_name(dtype), shape);
      std::ifstream in(file, std::ios::binary);
      in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(b.nbytes()));
      if (!in && b.nbytes() > 0) throw std::runtime_error("cannot read " + file);
      results_.push_back(std::move(b));
    }
    if (results_.size() != cases_.size()) {
      throw std::runtime_error(std::to_string(results_.size()) + " results for " + std::to_string(cases_.size()) +
                               " cases:\n" + output);
    }
  }

  const NDBuffer& result(std::size_t index) const { return results_.at(index); }
  std::size_t size() const { return cases_.size(); }

 private:
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
  std::vector<std::string> cases_;
  std::vector<NDBuffer> results_;
};

// ---- comparing ------------------------------------------------------------------

// Distance in units in the last place between two finite floats of one sign
// (or zero); the maximum when the signs differ.
template <class F>
std::uint64_t ulp_distance(F a, F b) {
  using I = std::conditional_t<sizeof(F) == 4, std::int32_t, std::int64_t>;
  if (a == b) return 0;
  if ((a < 0) != (b < 0) && a != 0 && b != 0) return std::numeric_limits<std::uint64_t>::max();
  I ia, ib;
  std::memcpy(&ia, &a, sizeof(F));
  std::memcpy(&ib, &b, sizeof(F));
  // Magnitudes of one sign: the bit patterns are ordered like the values.
  ia &= std::numeric_limits<I>::max();
  ib &= std::numeric_limits<I>::max();
  return static_cast<std::uint64_t>(ia > ib ? ia - ib : ib - ia);
}

// Whether a float result matches: NaN equals NaN; infinities and zeros
// (with their signs) exactly; other values within `ulps`.
template <class F>
bool float_matches(F got, F expected, int ulps) {
  if (std::isnan(expected) || std::isnan(got)) return std::isnan(expected) && std::isnan(got);
  if (std::isinf(expected) || std::isinf(got) || expected == 0 || ulps == 0) {
    return got == expected && std::signbit(got) == std::signbit(expected);
  }
  return ulp_distance(got, expected) <= static_cast<std::uint64_t>(ulps);
}

// Complex: each part matches, or (both finite) the difference is within
// ulps * epsilon * |expected|, so a part much smaller than the other may
// differ by more than its own ulps.
template <class F>
bool complex_matches(std::complex<F> got, std::complex<F> expected, int ulps) {
  if (float_matches(got.real(), expected.real(), ulps) && float_matches(got.imag(), expected.imag(), ulps)) {
    return true;
  }
  if (ulps == 0) return false;
  const bool finite = std::isfinite(got.real()) && std::isfinite(got.imag()) && std::isfinite(expected.real()) &&
                      std::isfinite(expected.imag());
  if (!finite) return false;
  const long double diff = std::abs(std::complex<long double>(got) - std::complex<long double>(expected));
  return diff <= static_cast<long double>(ulps) * std::numeric_limits<F>::epsilon() *
                     std::abs(std::complex<long double>(expected));
}

/// "" when `got` matches numpy's `expected`: the same dtype and shape; bool
/// and integers exactly; floats as float_matches, complex as complex_matches
/// (ulps = 0: exactly, NaN equal to NaN). Otherwise a description of the
/// first mismatches; `input`, when given and of the same size, is printed
/// next to them.
inline std::string compare(const NDBuffer& got, const NDBuffer& expected, int ulps, const NDBuffer* input = nullptr) {
  if (got.dtype() != expected.dtype()) {
    return "dtype " + std::string(dtype_name(got.dtype())) + ", numpy " + std::string(dtype_name(expected.dtype()));
  }
  if (got.shape() != expected.shape()) {
    return "shape " + shape_to_string(got.shape()) + ", numpy " + shape_to_string(expected.shape());
  }
  std::string report;
  int mismatches = 0;
  for (std::int64_t i = 0; i < got.size(); ++i) {
    bool same = false;
    switch (got.dtype()) {
      case DType::kFloat32: same = float_matches(got.span<float>()[i], expected.span<float>()[i], ulps); break;
      case DType::kFloat64: same = float_matches(got.span<double>()[i], expected.span<double>()[i], ulps); break;
      case DType::kComplex64:
        same = complex_matches(got.span<std::complex<float>>()[i], expected.span<std::complex<float>>()[i], ulps);
        break;
      case DType::kComplex128:
        same = complex_matches(got.span<std::complex<double>>()[i], expected.span<std::complex<double>>()[i], ulps);
        break;
      default: same = got.get(i) == expected.get(i); break;
    }
    if (same) continue;
    if (++mismatches <= 5) {
      report += "\n  [" + std::to_string(i) + "]";
      if (input != nullptr && input->size() == got.size()) report += " x=" + input->get(i).to_string();
      char text[128];
      auto show = [&](const NDBuffer& b) -> std::string {
        switch (b.dtype()) {
          case DType::kFloat32: std::snprintf(text, sizeof text, "%.9g", b.span<float>()[i]); return text;
          case DType::kFloat64: std::snprintf(text, sizeof text, "%.17g", b.span<double>()[i]); return text;
          case DType::kComplex64: {
            auto v = b.span<std::complex<float>>()[i];
            std::snprintf(text, sizeof text, "(%.9g, %.9g)", v.real(), v.imag());
            return text;
          }
          case DType::kComplex128: {
            auto v = b.span<std::complex<double>>()[i];
            std::snprintf(text, sizeof text, "(%.17g, %.17g)", v.real(), v.imag());
            return text;
          }
          default: return b.get(i).to_string();
        }
      };
      report += " got " + show(got) + ", numpy " + show(expected);
    }
  }
  if (mismatches == 0) return "";
  return std::to_string(mismatches) + " of " + std::to_string(got.size()) + " values differ:" + report;
}

// ---- inputs ---------------------------------------------------------------------

/// A buffer of `shape` whose elements cycle through `values` (converted to
/// `dtype`).
inline NDBuffer cycle(DType dtype, const Shape& shape, const std::vector<Scalar>& values) {
  NDBuffer b(dtype, shape);
  for (std::int64_t i = 0; i < b.size(); ++i) b.set(i, values[static_cast<std::size_t>(i) % values.size()]);
  return b;
}

/// Special and ordinary values of a real floating type: signed zeros,
/// infinities, NaN, halves (rounding), +-1, the extremes (largest,
/// smallest normal, smallest subnormal), huge and tiny values, and values
/// inside the domains of acos/atanh (|x| < 1) and acosh (x > 1).
template <class F>
std::vector<Scalar> special_values() {
  using L = std::numeric_limits<F>;
  const double huge = sizeof(F) == 4 ? 1e30 : 1e300;
  const double tiny = sizeof(F) == 4 ? 1e-30 : 1e-300;
  return {Scalar(0.0), Scalar(-0.0), Scalar(L::infinity()), Scalar(-L::infinity()), Scalar(L::quiet_NaN()),
          Scalar(1.0), Scalar(-1.0), Scalar(0.5), Scalar(-0.5), Scalar(1.5), Scalar(2.5), Scalar(-2.5),
          Scalar(0.3), Scalar(-0.7), Scalar(0.999), Scalar(3.7), Scalar(-3.7), Scalar(10.0), Scalar(88.5),
          Scalar(-100.0), Scalar(710.0), Scalar(huge), Scalar(-huge), Scalar(tiny), Scalar(-tiny),
          Scalar(static_cast<double>(L::max())), Scalar(static_cast<double>(L::lowest())),
          Scalar(static_cast<double>(L::min())), Scalar(static_cast<double>(L::denorm_min())), Scalar(1e-8),
          Scalar(-1e-8), Scalar(4503599627370497.0), Scalar(1.0000001), Scalar(2.0), Scalar(3.14159265358979)};
}

/// Complex values: the products of a set of special and ordinary parts.
template <class F>
std::vector<Scalar> special_complex_values() {
  using L = std::numeric_limits<F>;
  const double huge = sizeof(F) == 4 ? 1e30 : 1e300;
  const std::vector<double> parts = {0.0, -0.0, L::infinity(), -L::infinity(), L::quiet_NaN(), 1.0, -1.0, 0.5,
                                     -2.5, 1e-8, huge, 0.75};
  std::vector<Scalar> values;
  for (double re : parts) {
    for (double im : parts) values.emplace_back(std::complex<double>(re, im));
  }
  return values;
}

}  // namespace cubed::test
