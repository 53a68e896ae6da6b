#pragma once
/// One number of any of the 13 dtypes, held losslessly: a fill value, the
/// `value` of `full`, a scalar operand, or an element read from a buffer.
#include <complex>
#include <cstdint>
#include <string>

#include "cubed/core/dtype.hpp"

namespace cubed {

class Scalar {
 public:
  enum class Kind : std::uint8_t { kBool, kInt, kUInt, kFloat, kComplex };

  Scalar() : Scalar(std::int64_t{0}) {}
  explicit Scalar(bool v) : kind_(Kind::kBool), b_(v) {}
  Scalar(int v) : Scalar(static_cast<std::int64_t>(v)) {}
  Scalar(std::int64_t v) : kind_(Kind::kInt), i_(v) {}
  Scalar(std::uint64_t v) : kind_(Kind::kUInt), u_(v) {}
  Scalar(double v) : kind_(Kind::kFloat), f_(v) {}
  Scalar(std::complex<double> v) : kind_(Kind::kComplex), c_(v) {}

  Kind kind() const { return kind_; }
  bool as_bool() const;
  std::int64_t as_int() const;
  std::uint64_t as_uint() const;
  double as_double() const;  ///< real part for complex values
  std::complex<double> as_complex() const;

  /// Writes the value converted to `dt` (native byte order) at `dst`.
  /// Conversions follow C++ casts, except that NaN and infinities become 0
  /// in integer types and out-of-range floats saturate (no undefined
  /// behaviour on any input).
  void store(DType dt, void* dst) const;
  /// Reads an element of type `dt` (native byte order) from `src`.
  static Scalar load(DType dt, const void* src);
  /// The smallest dtype of this scalar's kind (bool, int64, uint64,
  /// float64, complex128).
  DType natural_dtype() const;

  /// numpy-like text: "True", "-3", "1.5", "nan", "inf", "(1+2j)".
  std::string to_string() const;
  /// Exact equality of kind and value (NaN equals NaN).
  bool operator==(const Scalar& other) const;

 private:
  Kind kind_;
  union {
    bool b_;
    std::int64_t i_;
    std::uint64_t u_;
    double f_;
  };
  std::complex<double> c_{};
};

}  // namespace cubed
