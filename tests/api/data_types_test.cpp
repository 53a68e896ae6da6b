// Data type functions against numpy 1.24: can_cast and result_type on every
// pair of the 13 dtypes, finfo, iinfo and isdtype's kinds (through numpy's
// issubdtype, as numpy 1.24 has no isdtype); the weak numbers of
// result_type and its difference from numpy 1.24's value-based rules; errors.
#include "cubed/api/data_types.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "api/numpy_oracle.hpp"
#include "cubed/api/creation.hpp"
#include "cubed/core/error.hpp"
#include "test_util.hpp"

namespace cubed {
namespace {

using testing::expect_error;

namespace fs = std::filesystem;
using testing::NumpyOracle;

std::vector<DType> all_dtypes() {
  std::vector<DType> out;
  for (int i = 0; i < kNumDTypes; ++i) out.push_back(static_cast<DType>(i));
  return out;
}

// The 13 names as a Python list literal.
std::string names_literal() {
  std::string s = "[";
  for (DType dt : all_dtypes()) {
    s += '\'';
    s += dtype_name(dt);
    s += "', ";
  }
  return s + "]";
}

class DataTypesVsNumpy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("cubed-dtypes-" + std::to_string(::getpid())));
    oracle_ = new NumpyOracle(*dir_);
    const std::string n = names_literal();
    can_cast_ = oracle_->add("(lambda N: np.array([[np.can_cast(np.dtype(x), np.dtype(y)) for y in N] for x in N]))(" +
                                 n + ")",
                             {});
    result_type_ = oracle_->add(
        "(lambda N: np.array([[N.index(str(np.result_type(np.dtype(x), np.dtype(y)))) for y in N] for x in N]))(" +
            n + ")",
        {});
    const std::string floats = "['float32', 'float64', 'complex64', 'complex128']";
    finfo_ = oracle_->add("np.array([[np.finfo(t).bits, np.finfo(t).eps, np.finfo(t).max, np.finfo(t).min, "
                          "np.finfo(t).smallest_normal] for t in " + floats + "], dtype=np.float64)",
                          {});
    finfo_dtype_ = oracle_->add("(lambda N: np.array([N.index(str(np.finfo(t).dtype)) for t in " + floats + "]))(" +
                                    n + ")",
                                {});
    const std::string ints = "['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']";
    iinfo_bits_ = oracle_->add("np.array([np.iinfo(t).bits for t in " + ints + "])", {});
    iinfo_min_ = oracle_->add("np.array([np.iinfo(t).min for t in " + ints + "], dtype=np.int64)", {});
    iinfo_max_ = oracle_->add("np.array([np.iinfo(t).max for t in " + ints + "], dtype=np.uint64)", {});
    kinds_ = oracle_->add(
        "(lambda N: np.array([[t == 'bool', np.issubdtype(t, np.signedinteger), np.issubdtype(t, np.unsignedinteger), "
        "np.issubdtype(t, np.integer), np.issubdtype(t, np.floating), np.issubdtype(t, np.complexfloating), "
        "np.issubdtype(t, np.number)] for t in N]))(" + n + ")",
        {});
    value_based_ = oracle_->add("np.array(np.result_type(np.zeros((), np.int64), np.zeros(3, np.int8)) == np.int8)", {});
    oracle_->run();
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete oracle_;
    delete dir_;
  }
  static NDBuffer result(int id) { return oracle_->results(id).at(0); }

  static fs::path* dir_;
  static NumpyOracle* oracle_;
  static int can_cast_, result_type_, finfo_, finfo_dtype_, iinfo_bits_, iinfo_min_, iinfo_max_, kinds_,
      value_based_;
};
fs::path* DataTypesVsNumpy::dir_ = nullptr;
NumpyOracle* DataTypesVsNumpy::oracle_ = nullptr;
int DataTypesVsNumpy::can_cast_, DataTypesVsNumpy::result_type_, DataTypesVsNumpy::finfo_,
    DataTypesVsNumpy::finfo_dtype_, DataTypesVsNumpy::iinfo_bits_, DataTypesVsNumpy::iinfo_min_,
    DataTypesVsNumpy::iinfo_max_, DataTypesVsNumpy::kinds_, DataTypesVsNumpy::value_based_;

TEST_F(DataTypesVsNumpy, CanCastAndResultTypeOnEveryPair) {
  const NDBuffer cast = result(can_cast_);
  const NDBuffer promoted = result(result_type_);
  const auto dts = all_dtypes();
  int mismatches = 0;
  for (std::size_t i = 0; i < dts.size(); ++i) {
    for (std::size_t j = 0; j < dts.size(); ++j) {
      const std::int64_t k = static_cast<std::int64_t>(i * dts.size() + j);
      const bool expected_cast = cast.get(k).as_bool();
      const DType expected_type = dts.at(static_cast<std::size_t>(promoted.get(k).as_int()));
      EXPECT_EQ(can_cast(dts[i], dts[j]), expected_cast) << dtype_name(dts[i]) << " -> " << dtype_name(dts[j]);
      EXPECT_EQ(result_type({dts[i], dts[j]}), expected_type) << dtype_name(dts[i]) << ", " << dtype_name(dts[j]);
      mismatches += can_cast(dts[i], dts[j]) != expected_cast ? 1 : 0;
    }
  }
  EXPECT_EQ(mismatches, 0);
  // Three and more arguments fold pairwise.
  EXPECT_EQ(result_type({DType::kInt8, DType::kUInt8, DType::kFloat32}), DType::kFloat32);
  EXPECT_EQ(result_type({DType::kInt64, DType::kUInt64, DType::kComplex64}), DType::kComplex128);
}

TEST_F(DataTypesVsNumpy, FinfoAsNumpy) {
  const NDBuffer f = result(finfo_);
  const NDBuffer d = result(finfo_dtype_);
  const std::vector<DType> floats = {DType::kFloat32, DType::kFloat64, DType::kComplex64, DType::kComplex128};
  for (std::size_t i = 0; i < floats.size(); ++i) {
    SCOPED_TRACE(dtype_name(floats[i]));
    const FInfo info = finfo(floats[i]);
    const std::int64_t row = static_cast<std::int64_t>(i) * 5;
    EXPECT_EQ(info.bits, f.get(row).as_double());
    EXPECT_EQ(info.eps, f.get(row + 1).as_double());
    EXPECT_EQ(info.max, f.get(row + 2).as_double());
    EXPECT_EQ(info.min, f.get(row + 3).as_double());
    EXPECT_EQ(info.smallest_normal, f.get(row + 4).as_double());
    EXPECT_EQ(info.dtype, all_dtypes().at(static_cast<std::size_t>(d.get(static_cast<std::int64_t>(i)).as_int())));
  }
}

TEST_F(DataTypesVsNumpy, IinfoAsNumpy) {
  const NDBuffer bits = result(iinfo_bits_);
  const NDBuffer mins = result(iinfo_min_);
  const NDBuffer maxs = result(iinfo_max_);
  const std::vector<DType> ints = {DType::kInt8,  DType::kInt16,  DType::kInt32,  DType::kInt64,
                                   DType::kUInt8, DType::kUInt16, DType::kUInt32, DType::kUInt64};
  for (std::size_t i = 0; i < ints.size(); ++i) {
    SCOPED_TRACE(dtype_name(ints[i]));
    const IInfo info = iinfo(ints[i]);
    const auto k = static_cast<std::int64_t>(i);
    EXPECT_EQ(info.bits, bits.get(k).as_int());
    EXPECT_EQ(info.min.as_int(), mins.get(k).as_int());
    EXPECT_EQ(info.max.as_uint(), maxs.get(k).as_uint());
    EXPECT_EQ(info.dtype, ints[i]);
  }
  EXPECT_EQ(iinfo(DType::kUInt64).max.kind(), Scalar::Kind::kUInt);
}

TEST_F(DataTypesVsNumpy, IsdtypeKindsAsNumpysSubtypes) {
  const NDBuffer k = result(kinds_);
  const std::vector<std::string> kinds = {"bool",           "signed integer",   "unsigned integer", "integral",
                                          "real floating", "complex floating", "numeric"};
  const auto dts = all_dtypes();
  for (std::size_t i = 0; i < dts.size(); ++i) {
    for (std::size_t j = 0; j < kinds.size(); ++j) {
      EXPECT_EQ(isdtype(dts[i], kinds[j]), k.get(static_cast<std::int64_t>(i * kinds.size() + j)).as_bool())
          << dtype_name(dts[i]) << " " << kinds[j];
    }
  }
  EXPECT_TRUE(isdtype(DType::kUInt8, std::vector<std::string>{"real floating", "unsigned integer"}));
  EXPECT_FALSE(isdtype(DType::kBool, std::vector<std::string>{"numeric", "integral"}));
  EXPECT_FALSE(isdtype(DType::kInt8, std::vector<std::string>{}));
}

// numpy 1.24 looks at the value of a 0-d array (np.result_type(int64 0-d,
// int8 array) is int8); the Array API and cubed-cpp look only at dtypes.
TEST_F(DataTypesVsNumpy, NoValueBasedPromotionOfZeroDimensionalArrays) {
  EXPECT_TRUE(result(value_based_).get(0).as_bool());  // numpy 1.24 gives int8
  auto spec = Spec::make((*dir_ / "work").string(), "100MB", "1MB");
  const Array zero_d = zeros({}, DType::kInt64, AutoChunks{}, spec);
  const Array v = zeros({3}, DType::kInt8, AutoChunks{}, spec);
  EXPECT_EQ(result_type({zero_d, v}), DType::kInt64);
  EXPECT_TRUE(can_cast(v, DType::kInt16));
  EXPECT_FALSE(can_cast(zero_d, DType::kInt8));
}

TEST(ResultType, NumbersAreWeak) {
  EXPECT_EQ(result_type({DType::kInt8, Scalar(1000)}), DType::kInt8);
  EXPECT_EQ(result_type({DType::kBool, Scalar(1)}), DType::kInt64);
  EXPECT_EQ(result_type({DType::kUInt8, Scalar(true)}), DType::kUInt8);
  EXPECT_EQ(result_type({DType::kInt16, Scalar(1.5)}), DType::kFloat64);
  EXPECT_EQ(result_type({DType::kFloat32, Scalar(1.5)}), DType::kFloat32);
  EXPECT_EQ(result_type({Scalar(std::complex<double>(0, 1)), DType::kFloat32}), DType::kComplex64);
  EXPECT_EQ(result_type({DType::kFloat64, Scalar(std::complex<double>(0, 1))}), DType::kComplex128);
  EXPECT_EQ(result_type({Scalar(2.0), DType::kInt8, DType::kUInt8}), DType::kFloat64);
  EXPECT_EQ(result_type({DType::kComplex64, Scalar(1.5), Scalar(3)}), DType::kComplex64);
}

TEST(DataTypeErrors, BadArguments) {
  expect_error<DTypeError>([] { finfo(DType::kInt32); }, "finfo: int32 is not a floating-point type");
  expect_error<DTypeError>([] { finfo(DType::kBool); }, "finfo: bool is not a floating-point type");
  expect_error<DTypeError>([] { iinfo(DType::kFloat32); }, "iinfo: float32 is not an integer type");
  expect_error<DTypeError>([] { iinfo(DType::kBool); }, "iinfo: bool is not an integer type");
  expect_error<InvalidArgumentError>([] { isdtype(DType::kInt8, "integer"); }, "isdtype: unknown kind 'integer'");
  expect_error<InvalidArgumentError>([] { isdtype(DType::kInt8, std::vector<std::string>{"integral", "real"}); },
                                     "isdtype: unknown kind 'real'");
  expect_error<InvalidArgumentError>([] { result_type({Scalar(1), Scalar(2.0)}); },
                                     "result_type: needs at least one array or dtype");
  expect_error<InvalidArgumentError>([] { result_type({}); }, "result_type: needs at least one array or dtype");
  expect_error<InvalidArgumentError>([] { finfo(Array()); }, "finfo: the array is empty");
}

}  // namespace
}  // namespace cubed
