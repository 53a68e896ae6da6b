#include "cubed/api/data_types.hpp"

#include <limits>
#include <optional>

#include "cubed/core/error.hpp"

namespace cubed {
namespace {

template <class T>
FInfo float_info(DType dtype) {
  using L = std::numeric_limits<T>;
  return {static_cast<int>(sizeof(T) * 8), L::epsilon(), L::max(), L::lowest(), L::min(), dtype};
}

template <class T>
IInfo int_info(DType dtype) {
  using L = std::numeric_limits<T>;
  if constexpr (std::is_signed_v<T>) {
    return {static_cast<int>(sizeof(T) * 8), Scalar(static_cast<std::int64_t>(L::max())),
            Scalar(static_cast<std::int64_t>(L::min())), dtype};
  } else {
    return {static_cast<int>(sizeof(T) * 8), Scalar(static_cast<std::uint64_t>(L::max())),
            Scalar(static_cast<std::int64_t>(0)), dtype};
  }
}

void check_valid(const std::string& fn, const Array& x) {
  if (!x.valid()) throw InvalidArgumentError(fn + ": the array is empty (default-constructed)");
}

// The type a weak number takes next to arguments of type `dtype` (the rule
// of elementwise operations with a scalar operand).
DType weak_number_dtype(const Scalar& s, DType dtype) {
  switch (s.kind()) {
    case Scalar::Kind::kBool: return dtype;
    case Scalar::Kind::kInt:
    case Scalar::Kind::kUInt: return is_bool(dtype) ? DType::kInt64 : dtype;
    case Scalar::Kind::kFloat: return is_bool(dtype) || is_integer(dtype) ? kDefaultFloat : dtype;
    case Scalar::Kind::kComplex:
      if (is_complex(dtype)) return dtype;
      return dtype == DType::kFloat32 ? DType::kComplex64 : DType::kComplex128;
  }
  return dtype;
}

}  // namespace

FInfo finfo(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
    case DType::kComplex64: return float_info<float>(DType::kFloat32);
    case DType::kFloat64:
    case DType::kComplex128: return float_info<double>(DType::kFloat64);
    default:
      throw DTypeError("finfo: " + std::string(dtype_name(dtype)) +
                       " is not a floating-point type (use iinfo for integer types)");
  }
}
FInfo finfo(const Array& x) {
  check_valid("finfo", x);
  return finfo(x.dtype());
}

IInfo iinfo(DType dtype) {
  switch (dtype) {
    case DType::kInt8: return int_info<std::int8_t>(dtype);
    case DType::kInt16: return int_info<std::int16_t>(dtype);
    case DType::kInt32: return int_info<std::int32_t>(dtype);
    case DType::kInt64: return int_info<std::int64_t>(dtype);
    case DType::kUInt8: return int_info<std::uint8_t>(dtype);
    case DType::kUInt16: return int_info<std::uint16_t>(dtype);
    case DType::kUInt32: return int_info<std::uint32_t>(dtype);
    case DType::kUInt64: return int_info<std::uint64_t>(dtype);
    default:
      throw DTypeError("iinfo: " + std::string(dtype_name(dtype)) +
                       " is not an integer type (use finfo for floating-point types)");
  }
}
IInfo iinfo(const Array& x) {
  check_valid("iinfo", x);
  return iinfo(x.dtype());
}

bool isdtype(DType dtype, std::string_view kind) {
  if (kind == "bool") return is_bool(dtype);
  if (kind == "signed integer") return is_signed_integer(dtype);
  if (kind == "unsigned integer") return is_unsigned_integer(dtype);
  if (kind == "integral") return is_integer(dtype);
  if (kind == "real floating") return is_floating(dtype);
  if (kind == "complex floating") return is_complex(dtype);
  if (kind == "numeric") return is_numeric(dtype);
  throw InvalidArgumentError("isdtype: unknown kind '" + std::string(kind) +
                             "' (kinds: 'bool', 'signed integer', 'unsigned integer', 'integral', "
                             "'real floating', 'complex floating', 'numeric')");
}

bool isdtype(DType dtype, const std::vector<std::string>& kinds) {
  bool any = false;
  for (const std::string& k : kinds) any = isdtype(dtype, k) || any;  // every kind is checked
  return any;
}

DType result_type(const std::vector<DTypeLike>& arrays_and_dtypes) {
  std::optional<DType> result;
  for (const DTypeLike& a : arrays_and_dtypes) {
    std::optional<DType> dt;
    if (const auto* d = std::get_if<DType>(&a)) dt = *d;
    if (const auto* x = std::get_if<Array>(&a)) {
      check_valid("result_type", *x);
      dt = x->dtype();
    }
    if (dt) result = result ? cubed::result_type(*result, *dt) : *dt;
  }
  if (!result) {
    throw InvalidArgumentError("result_type: needs at least one array or dtype (numbers alone have no dtype)");
  }
  for (const DTypeLike& a : arrays_and_dtypes) {
    if (const auto* s = std::get_if<Scalar>(&a)) result = weak_number_dtype(*s, *result);
  }
  return *result;
}

bool can_cast(const Array& from, DType to) {
  check_valid("can_cast", from);
  return can_cast(from.dtype(), to);
}

}  // namespace cubed
