#pragma once
/// Data type functions of the Array API: can_cast, finfo, iinfo, isdtype,
/// result_type (astype is in elementwise.hpp). They follow the promotion
/// rules of core/dtype.hpp: the standard's table, extended as numpy 1.24
/// does where the standard leaves promotion undefined (bool with numbers,
/// integers with floating types, uint64 with signed integers).
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cubed/array/array.hpp"
#include "cubed/core/dtype.hpp"
#include "cubed/core/scalar.hpp"

namespace cubed {

/// Limits of a floating type, as numpy.finfo. For a complex type they are
/// those of its real components, and `dtype` is that real type.
struct FInfo {
  int bits = 0;
  double eps = 0;              ///< 1.0 to the next larger value
  double max = 0;              ///< largest finite value
  double min = 0;              ///< smallest (most negative) finite value
  double smallest_normal = 0;  ///< smallest positive normal value
  DType dtype = DType::kFloat64;
};
/// Throws DTypeError for a type that is not floating or complex.
FInfo finfo(DType dtype);
FInfo finfo(const Array& x);

/// Limits of an integer type, as numpy.iinfo (Scalar: uint64's max does not
/// fit int64).
struct IInfo {
  int bits = 0;
  Scalar max;
  Scalar min;
  DType dtype = DType::kInt64;
};
/// Throws DTypeError for a type that is not an integer type.
IInfo iinfo(DType dtype);
IInfo iinfo(const Array& x);

/// True when `dtype` belongs to a kind: "bool", "signed integer",
/// "unsigned integer", "integral", "real floating", "complex floating",
/// "numeric". Throws InvalidArgumentError for another name.
bool isdtype(DType dtype, std::string_view kind);
/// True when `dtype` belongs to any of the kinds.
bool isdtype(DType dtype, const std::vector<std::string>& kinds);

/// An argument of result_type: a dtype, an array or a Python-like number.
using DTypeLike = std::variant<DType, Array, Scalar>;
/// The promoted type of arrays, dtypes and numbers. Arrays and dtypes
/// promote with core's result_type whatever their values (no numpy 1.24
/// value-based casting of 0-d arrays); numbers are "weak", as in
/// elementwise operations: they take the other arguments' type unless
/// their kind is higher (an int with bools gives int64, a float with
/// integers gives float64, a complex with float32 gives complex64). Throws
/// InvalidArgumentError when no dtype or array is given.
DType result_type(const std::vector<DTypeLike>& arrays_and_dtypes);

// can_cast(from, to) is core's (cubed/core/dtype.hpp): result_type(from,
// to) == to, which is numpy's can_cast(from, to, casting='safe').
/// can_cast with an array's dtype as `from`.
bool can_cast(const Array& from, DType to);

}  // namespace cubed
