#include "cubed/core/scalar.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace cubed {
namespace {

// Saturating, UB-free conversion of a double to an integer type.
template <class T>
T float_to_int(double v) {
  if (!std::isfinite(v)) return T{0};
  if (v <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
  if (v >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
  return static_cast<T>(v);
}

// double -> float without undefined behaviour: out of range gives +-inf, as
// IEEE rounding would.
template <class T>
T narrow_float(double v) {
  if constexpr (std::is_same_v<T, float>) {
    if (v > std::numeric_limits<float>::max()) return std::numeric_limits<float>::infinity();
    if (v < -std::numeric_limits<float>::max()) return -std::numeric_limits<float>::infinity();
  }
  return static_cast<T>(v);
}

std::string format_double(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  // Prefer the shortest text that reads back to the same value.
  for (int precision = 1; precision <= 17; ++precision) {
    char shorter[40];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, v);
    if (std::strtod(shorter, nullptr) == v) {
      std::string s = shorter;
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
      return s;
    }
  }
  return buffer;
}

}  // namespace

bool Scalar::as_bool() const {
  switch (kind_) {
    case Kind::kBool: return b_;
    case Kind::kInt: return i_ != 0;
    case Kind::kUInt: return u_ != 0;
    case Kind::kFloat: return f_ != 0.0;
    case Kind::kComplex: return c_ != std::complex<double>{};
  }
  return false;
}

std::int64_t Scalar::as_int() const {
  switch (kind_) {
    case Kind::kBool: return b_ ? 1 : 0;
    case Kind::kInt: return i_;
    case Kind::kUInt: return static_cast<std::int64_t>(u_);
    case Kind::kFloat: return float_to_int<std::int64_t>(f_);
    case Kind::kComplex: return float_to_int<std::int64_t>(c_.real());
  }
  return 0;
}

std::uint64_t Scalar::as_uint() const {
  switch (kind_) {
    case Kind::kBool: return b_ ? 1 : 0;
    case Kind::kInt: return static_cast<std::uint64_t>(i_);
    case Kind::kUInt: return u_;
    case Kind::kFloat: return float_to_int<std::uint64_t>(f_);
    case Kind::kComplex: return float_to_int<std::uint64_t>(c_.real());
  }
  return 0;
}

double Scalar::as_double() const {
  switch (kind_) {
    case Kind::kBool: return b_ ? 1.0 : 0.0;
    case Kind::kInt: return static_cast<double>(i_);
    case Kind::kUInt: return static_cast<double>(u_);
    case Kind::kFloat: return f_;
    case Kind::kComplex: return c_.real();
  }
  return 0.0;
}

std::complex<double> Scalar::as_complex() const {
  return kind_ == Kind::kComplex ? c_ : std::complex<double>(as_double(), 0.0);
}

void Scalar::store(DType dt, void* dst) const {
  visit_dtype(dt, [&]<class Tag>(Tag) {
    using T = typename Tag::type;
    T value;
    if constexpr (std::is_same_v<T, bool>) {
      value = as_bool();
    } else if constexpr (std::is_integral_v<T>) {
      if (kind_ == Kind::kFloat || kind_ == Kind::kComplex) {
        value = float_to_int<T>(as_double());
      } else if constexpr (std::is_signed_v<T>) {
        value = static_cast<T>(as_int());
      } else {
        value = static_cast<T>(as_uint());
      }
    } else if constexpr (std::is_floating_point_v<T>) {
      value = narrow_float<T>(as_double());
    } else {
      std::complex<double> c = as_complex();
      using C = typename T::value_type;
      value = T(narrow_float<C>(c.real()), narrow_float<C>(c.imag()));
    }
    std::memcpy(dst, &value, sizeof(T));
  });
}

Scalar Scalar::load(DType dt, const void* src) {
  return visit_dtype(dt, [&]<class Tag>(Tag) -> Scalar {
    using T = typename Tag::type;
    T value;
    std::memcpy(&value, src, sizeof(T));
    if constexpr (std::is_same_v<T, bool>) {
      return Scalar(value);
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      return Scalar(static_cast<std::int64_t>(value));
    } else if constexpr (std::is_integral_v<T>) {
      return Scalar(static_cast<std::uint64_t>(value));
    } else if constexpr (std::is_floating_point_v<T>) {
      return Scalar(static_cast<double>(value));
    } else {
      return Scalar(std::complex<double>(value.real(), value.imag()));
    }
  });
}

DType Scalar::natural_dtype() const {
  switch (kind_) {
    case Kind::kBool: return DType::kBool;
    case Kind::kInt: return DType::kInt64;
    case Kind::kUInt: return DType::kUInt64;
    case Kind::kFloat: return DType::kFloat64;
    case Kind::kComplex: return DType::kComplex128;
  }
  return DType::kFloat64;
}

std::string Scalar::to_string() const {
  switch (kind_) {
    case Kind::kBool: return b_ ? "True" : "False";
    case Kind::kInt: return std::to_string(i_);
    case Kind::kUInt: return std::to_string(u_);
    case Kind::kFloat: return format_double(f_);
    case Kind::kComplex: {
      // Appended piece by piece: GCC 12 warns falsely on "literal" + string&&.
      std::string text(1, '(');
      text += format_double(c_.real());
      std::string im = format_double(c_.imag());
      if (im[0] != '-') text += '+';
      text += im;
      text += "j)";
      return text;
    }
  }
  return "";
}

bool Scalar::operator==(const Scalar& other) const {
  if (kind_ != other.kind_) return false;
  auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
  switch (kind_) {
    case Kind::kBool: return b_ == other.b_;
    case Kind::kInt: return i_ == other.i_;
    case Kind::kUInt: return u_ == other.u_;
    case Kind::kFloat: return same(f_, other.f_);
    case Kind::kComplex:
      return same(c_.real(), other.c_.real()) && same(c_.imag(), other.c_.imag());
  }
  return false;
}

}  // namespace cubed
