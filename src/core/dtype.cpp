#include "cubed/core/dtype.hpp"

#include <algorithm>
#include <array>

#include "cubed/core/error.hpp"

namespace cubed {
namespace {

struct DTypeInfo {
  DType dtype;
  std::string_view name;
  char kind;  // numpy kind: b i u f c
  int size;
};

constexpr std::array<DTypeInfo, kNumDTypes> kInfo = {{
    {DType::kBool, "bool", 'b', 1},
    {DType::kInt8, "int8", 'i', 1},
    {DType::kInt16, "int16", 'i', 2},
    {DType::kInt32, "int32", 'i', 4},
    {DType::kInt64, "int64", 'i', 8},
    {DType::kUInt8, "uint8", 'u', 1},
    {DType::kUInt16, "uint16", 'u', 2},
    {DType::kUInt32, "uint32", 'u', 4},
    {DType::kUInt64, "uint64", 'u', 8},
    {DType::kFloat32, "float32", 'f', 4},
    {DType::kFloat64, "float64", 'f', 8},
    {DType::kComplex64, "complex64", 'c', 8},
    {DType::kComplex128, "complex128", 'c', 16},
}};

const DTypeInfo& info(DType dt) {
  auto index = static_cast<std::size_t>(dt);
  if (index >= kInfo.size()) detail::throw_unsupported_dtype(dt);
  return kInfo[index];
}

DType find(char kind, int size) {
  for (const auto& i : kInfo) {
    if (i.kind == kind && i.size == size) return i.dtype;
  }
  throw InternalError("no dtype of kind '" + std::string(1, kind) + "' and size " +
                      std::to_string(size));
}

// Smallest float able to hold every value of an integer type, as numpy does.
int float_bits_for_int(int int_size) { return int_size <= 2 ? 4 : 8; }

}  // namespace

namespace detail {
void throw_unsupported_dtype(DType dt) {
  throw DTypeError("unsupported dtype code " + std::to_string(static_cast<int>(dt)));
}
}  // namespace detail

std::string_view dtype_name(DType dt) { return info(dt).name; }

DType dtype_from_name(std::string_view name) {
  for (const auto& i : kInfo) {
    if (i.name == name) return i.dtype;
  }
  throw DTypeError("unknown dtype '" + std::string(name) +
                   "' (expected one of bool, int8, int16, int32, int64, uint8, uint16, "
                   "uint32, uint64, float32, float64, complex64, complex128)");
}

std::int64_t item_size(DType dt) { return info(dt).size; }
bool is_bool(DType dt) { return info(dt).kind == 'b'; }
bool is_signed_integer(DType dt) { return info(dt).kind == 'i'; }
bool is_unsigned_integer(DType dt) { return info(dt).kind == 'u'; }
bool is_integer(DType dt) { return is_signed_integer(dt) || is_unsigned_integer(dt); }
bool is_floating(DType dt) { return info(dt).kind == 'f'; }
bool is_complex(DType dt) { return info(dt).kind == 'c'; }
bool is_numeric(DType dt) { return !is_bool(dt); }

DType real_dtype(DType dt) {
  if (dt == DType::kComplex64) return DType::kFloat32;
  if (dt == DType::kComplex128) return DType::kFloat64;
  return dt;
}

DType result_type(DType a, DType b) {
  if (a == b) return a;
  const DTypeInfo& x = info(a);
  const DTypeInfo& y = info(b);
  if (x.kind == 'b') return b;
  if (y.kind == 'b') return a;
  if (x.kind == y.kind) return x.size >= y.size ? a : b;
  // Order the pair so that x has the "lower" kind: i < u is not an order, so
  // handle the mixed-integer case first.
  if ((x.kind == 'i' && y.kind == 'u') || (x.kind == 'u' && y.kind == 'i')) {
    const DTypeInfo& s = x.kind == 'i' ? x : y;
    const DTypeInfo& u = x.kind == 'u' ? x : y;
    if (s.size > u.size) return s.dtype;
    if (u.size < 8) return find('i', u.size * 2);
    return DType::kFloat64;  // numpy: no integer holds both uint64 and int64
  }
  auto rank = [](char k) { return k == 'i' || k == 'u' ? 0 : (k == 'f' ? 1 : 2); };
  const DTypeInfo& lo = rank(x.kind) < rank(y.kind) ? x : y;
  const DTypeInfo& hi = rank(x.kind) < rank(y.kind) ? y : x;
  // Component size in bytes of the higher (float or complex) type.
  int hi_component = hi.kind == 'c' ? hi.size / 2 : hi.size;
  int lo_component = lo.kind == 'c'   ? lo.size / 2
                     : lo.kind == 'f' ? lo.size
                                      : float_bits_for_int(lo.size);
  int component = std::max(hi_component, lo_component);
  return hi.kind == 'c' ? find('c', component * 2) : find('f', component);
}

bool can_cast(DType from, DType to) { return result_type(from, to) == to; }

ZarrV2Type parse_zarr_v2_dtype(std::string_view text) {
  auto fail = [&]() -> ZarrV2Type {
    throw DTypeError("unsupported Zarr dtype '" + std::string(text) +
                     "' (cubed-cpp supports bool, int8..int64, uint8..uint64, "
                     "float32/64 and complex64/128)");
  };
  if (text.size() < 3) return fail();
  char order = text[0];
  char kind = text[1];
  std::string_view digits = text.substr(2);
  if (order != '<' && order != '>' && order != '|' && order != '=') return fail();
  if (digits.empty() || digits.size() > 2 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return fail();
  }
  int size = std::stoi(std::string(digits));
  for (const auto& i : kInfo) {
    if (i.kind == kind && i.size == size) {
      Endian endian = size == 1 ? Endian::kNotApplicable
                      : order == '>' ? Endian::kBig
                                     : Endian::kLittle;
      if (size > 1 && order == '|') return fail();
      return {i.dtype, endian};
    }
  }
  return fail();
}

std::string zarr_v2_dtype(DType dt, Endian endian) {
  const DTypeInfo& i = info(dt);
  char order = i.size == 1 ? '|' : (endian == Endian::kBig ? '>' : '<');
  return std::string(1, order) + i.kind + std::to_string(i.size);
}

}  // namespace cubed
