#pragma once
/// The 13 data types of the Python Array API standard, their Zarr v2 type
/// strings, and the type-promotion rules.
///
/// Promotion follows the Array API table where it defines one (within bools,
/// within signed integers, within unsigned integers, mixed signed/unsigned up
/// to 32 bits, within floating types). Where the standard leaves promotion
/// undefined (uint64 with a signed integer, integers with floating types),
/// cubed-cpp follows numpy, which is what our users' reference results come
/// from: uint64 + int64 -> float64, int16 + float32 -> float32,
/// int32 + float32 -> float64.
#include <complex>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace cubed {

enum class DType : std::uint8_t {
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kComplex64,
  kComplex128,
};
inline constexpr int kNumDTypes = 13;

/// Byte order of stored data. kNotApplicable is Zarr's '|' (one-byte types).
enum class Endian : std::uint8_t { kLittle, kBig, kNotApplicable };

/// Array API name: "bool", "int8", ..., "complex128".
std::string_view dtype_name(DType dt);
/// Inverse of dtype_name. Throws DTypeError naming the unknown type.
DType dtype_from_name(std::string_view name);
/// Bytes per element.
std::int64_t item_size(DType dt);

bool is_bool(DType dt);
bool is_signed_integer(DType dt);
bool is_unsigned_integer(DType dt);
bool is_integer(DType dt);
bool is_floating(DType dt);  ///< float32, float64
bool is_complex(DType dt);
/// Integer, floating or complex (not bool).
bool is_numeric(DType dt);

/// The promoted type of two operands (see the file comment). Never throws.
DType result_type(DType a, DType b);
/// True when every value of `from` is representable in `to` under the
/// promotion rules, i.e. result_type(from, to) == to.
bool can_cast(DType from, DType to);
/// The floating type of the same precision as a complex type, or `dt` itself.
DType real_dtype(DType dt);
/// The default floating type for results of integer inputs (e.g. mean).
inline constexpr DType kDefaultFloat = DType::kFloat64;

/// A parsed Zarr v2 `dtype` string such as "<f8", ">i4" or "|b1".
struct ZarrV2Type {
  DType dtype;
  Endian endian;
};
/// Parses a Zarr v2 dtype string. Throws DTypeError naming the string when it
/// is not one of the 13 supported types (e.g. "<M8[ns]", "|S10", "<f2").
ZarrV2Type parse_zarr_v2_dtype(std::string_view text);
/// The Zarr v2 dtype string for a type in a byte order ("|" for 1-byte types).
std::string zarr_v2_dtype(DType dt, Endian endian = Endian::kLittle);

/// The C++ element type of each DType.
template <DType D> struct DTypeTraits;
#define CUBED_DTYPE_TRAIT(D, T) \
  template <> struct DTypeTraits<DType::D> { using type = T; };
CUBED_DTYPE_TRAIT(kBool, bool)
CUBED_DTYPE_TRAIT(kInt8, std::int8_t)
CUBED_DTYPE_TRAIT(kInt16, std::int16_t)
CUBED_DTYPE_TRAIT(kInt32, std::int32_t)
CUBED_DTYPE_TRAIT(kInt64, std::int64_t)
CUBED_DTYPE_TRAIT(kUInt8, std::uint8_t)
CUBED_DTYPE_TRAIT(kUInt16, std::uint16_t)
CUBED_DTYPE_TRAIT(kUInt32, std::uint32_t)
CUBED_DTYPE_TRAIT(kUInt64, std::uint64_t)
CUBED_DTYPE_TRAIT(kFloat32, float)
CUBED_DTYPE_TRAIT(kFloat64, double)
CUBED_DTYPE_TRAIT(kComplex64, std::complex<float>)
CUBED_DTYPE_TRAIT(kComplex128, std::complex<double>)
#undef CUBED_DTYPE_TRAIT

namespace detail {
[[noreturn]] void throw_unsupported_dtype(DType dt);
}

/// Calls f(std::type_identity<T>{}) with the C++ type of `dt`. The one place
/// that maps a runtime dtype to a template instantiation.
template <class F>
decltype(auto) visit_dtype(DType dt, F&& f) {
  switch (dt) {
    case DType::kBool: return f(std::type_identity<bool>{});
    case DType::kInt8: return f(std::type_identity<std::int8_t>{});
    case DType::kInt16: return f(std::type_identity<std::int16_t>{});
    case DType::kInt32: return f(std::type_identity<std::int32_t>{});
    case DType::kInt64: return f(std::type_identity<std::int64_t>{});
    case DType::kUInt8: return f(std::type_identity<std::uint8_t>{});
    case DType::kUInt16: return f(std::type_identity<std::uint16_t>{});
    case DType::kUInt32: return f(std::type_identity<std::uint32_t>{});
    case DType::kUInt64: return f(std::type_identity<std::uint64_t>{});
    case DType::kFloat32: return f(std::type_identity<float>{});
    case DType::kFloat64: return f(std::type_identity<double>{});
    case DType::kComplex64: return f(std::type_identity<std::complex<float>>{});
    case DType::kComplex128: return f(std::type_identity<std::complex<double>>{});
  }
  detail::throw_unsupported_dtype(dt);
}

}  // namespace cubed
