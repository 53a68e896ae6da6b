#include "cubed/core/dtype.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "cubed/core/error.hpp"

namespace cubed {
namespace {

const std::vector<std::string> kNames = {"bool",   "int8",   "int16",  "int32",   "int64",     "uint8",     "uint16",
                                         "uint32", "uint64", "float32", "float64", "complex64", "complex128"};

TEST(DType, NamesRoundTrip) {
  ASSERT_EQ(kNames.size(), static_cast<std::size_t>(kNumDTypes));
  for (const auto& name : kNames) EXPECT_EQ(dtype_name(dtype_from_name(name)), name);
}

TEST(DType, UnknownNameIsDTypeError) {
  try {
    dtype_from_name("float16");
    FAIL() << "expected DTypeError";
  } catch (const DTypeError& e) {
    EXPECT_NE(std::string(e.what()).find("float16"), std::string::npos);
    EXPECT_EQ(e.kind(), ErrorKind::kDType);
  }
}

TEST(DType, ItemSizes) {
  std::map<std::string, int> sizes = {{"bool", 1},   {"int8", 1},    {"int16", 2},   {"int32", 4},     {"int64", 8},
                                      {"uint8", 1},  {"uint16", 2},  {"uint32", 4},  {"uint64", 8},    {"float32", 4},
                                      {"float64", 8}, {"complex64", 8}, {"complex128", 16}};
  for (const auto& [name, size] : sizes) EXPECT_EQ(item_size(dtype_from_name(name)), size) << name;
}

// Reference: numpy 1.24's np.result_type over every pair, which equals the
// Array API table wherever the standard defines one.
TEST(DType, PromotionMatchesNumpy) {
  const std::map<std::string, std::vector<std::string>> expected = {
      {"bool", {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "complex64", "complex128"}},
      {"int8", {"int8", "int8", "int16", "int32", "int64", "int16", "int32", "int64", "float64", "float32", "float64", "complex64", "complex128"}},
      {"int16", {"int16", "int16", "int16", "int32", "int64", "int16", "int32", "int64", "float64", "float32", "float64", "complex64", "complex128"}},
      {"int32", {"int32", "int32", "int32", "int32", "int64", "int32", "int32", "int64", "float64", "float64", "float64", "complex128", "complex128"}},
      {"int64", {"int64", "int64", "int64", "int64", "int64", "int64", "int64", "int64", "float64", "float64", "float64", "complex128", "complex128"}},
      {"uint8", {"uint8", "int16", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "complex64", "complex128"}},
      {"uint16", {"uint16", "int32", "int32", "int32", "int64", "uint16", "uint16", "uint32", "uint64", "float32", "float64", "complex64", "complex128"}},
      {"uint32", {"uint32", "int64", "int64", "int64", "int64", "uint32", "uint32", "uint32", "uint64", "float64", "float64", "complex128", "complex128"}},
      {"uint64", {"uint64", "float64", "float64", "float64", "float64", "uint64", "uint64", "uint64", "uint64", "float64", "float64", "complex128", "complex128"}},
      {"float32", {"float32", "float32", "float32", "float64", "float64", "float32", "float32", "float64", "float64", "float32", "float64", "complex64", "complex128"}},
      {"float64", {"float64", "float64", "float64", "float64", "float64", "float64", "float64", "float64", "float64", "float64", "float64", "complex128", "complex128"}},
      {"complex64", {"complex64", "complex64", "complex64", "complex128", "complex128", "complex64", "complex64", "complex128", "complex128", "complex64", "complex128", "complex64", "complex128"}},
      {"complex128", {"complex128", "complex128", "complex128", "complex128", "complex128", "complex128", "complex128", "complex128", "complex128", "complex128", "complex128", "complex128", "complex128"}},
  };
  for (const auto& a : kNames) {
    for (std::size_t j = 0; j < kNames.size(); ++j) {
      DType got = result_type(dtype_from_name(a), dtype_from_name(kNames[j]));
      EXPECT_EQ(dtype_name(got), expected.at(a)[j]) << a << " + " << kNames[j];
    }
  }
}

TEST(DType, CanCast) {
  EXPECT_TRUE(can_cast(DType::kInt8, DType::kInt64));
  EXPECT_FALSE(can_cast(DType::kInt64, DType::kInt8));
  EXPECT_TRUE(can_cast(DType::kUInt8, DType::kInt16));
  EXPECT_FALSE(can_cast(DType::kUInt8, DType::kInt8));
  EXPECT_TRUE(can_cast(DType::kBool, DType::kFloat32));
  EXPECT_FALSE(can_cast(DType::kFloat32, DType::kBool));
  EXPECT_TRUE(can_cast(DType::kFloat32, DType::kComplex64));
  EXPECT_FALSE(can_cast(DType::kFloat64, DType::kComplex64));
  EXPECT_FALSE(can_cast(DType::kComplex64, DType::kFloat64));
}

TEST(DType, ZarrV2Strings) {
  EXPECT_EQ(zarr_v2_dtype(DType::kFloat64), "<f8");
  EXPECT_EQ(zarr_v2_dtype(DType::kInt16, Endian::kBig), ">i2");
  EXPECT_EQ(zarr_v2_dtype(DType::kBool), "|b1");
  EXPECT_EQ(zarr_v2_dtype(DType::kUInt8, Endian::kBig), "|u1");
  EXPECT_EQ(zarr_v2_dtype(DType::kComplex128), "<c16");
  for (int i = 0; i < kNumDTypes; ++i) {
    auto dt = static_cast<DType>(i);
    for (Endian e : {Endian::kLittle, Endian::kBig}) {
      ZarrV2Type t = parse_zarr_v2_dtype(zarr_v2_dtype(dt, e));
      EXPECT_EQ(t.dtype, dt);
      EXPECT_EQ(t.endian, item_size(dt) == 1 ? Endian::kNotApplicable : e);
    }
  }
  EXPECT_EQ(parse_zarr_v2_dtype(">c8").dtype, DType::kComplex64);
  for (const char* bad : {"<f2", "<M8[ns]", "|S10", "<U4", "f8", "", "<i3", "|f8", "<b2", "<i16x"}) {
    EXPECT_THROW(parse_zarr_v2_dtype(bad), DTypeError) << bad;
  }
}

TEST(DType, VisitDTypeGivesTheRightType) {
  for (int i = 0; i < kNumDTypes; ++i) {
    auto dt = static_cast<DType>(i);
    std::size_t size = visit_dtype(dt, []<class Tag>(Tag) { return sizeof(typename Tag::type); });
    EXPECT_EQ(static_cast<std::int64_t>(size), item_size(dt));
  }
}

}  // namespace
}  // namespace cubed
