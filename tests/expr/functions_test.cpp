// The function table's entries for meshgrid, tril/triu, random, integers,
// the data type functions, broadcast_arrays, unstack, take and
// take_along_axis: what they return (lists, tuples, records, dtypes,
// numbers), `*args` binding and the messages for bad arguments. Values are
// compared with the C++ functions (tested against numpy in tests/api).
#include <gtest/gtest.h>

#include "cubed/api/creation.hpp"
#include "cubed/api/random.hpp"
#include "cubed/core/error.hpp"
#include "cubed/expr/evaluator.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/compute.hpp"

namespace cubed::expr {
namespace {

class FunctionsTest : public ::testing::Test {
 protected:
  FunctionsTest() {
    NDBuffer x(DType::kFloat64, {3, 4});
    for (std::int64_t i = 0; i < x.size(); ++i) x.set(i, Scalar(static_cast<double>(i) - 5));
    evaluator_.define("x", from_array(x, {2, 3}));
    NDBuffer v(DType::kInt16, {5});
    for (std::int64_t i = 0; i < v.size(); ++i) v.set(i, Scalar(i * 3));
    evaluator_.define("v", from_array(v, {2}));
  }
  Value eval(const std::string& source) { return evaluator_.evaluate(source); }
  NDBuffer values(const std::string& source) {
    Value v = eval(source);
    EXPECT_TRUE(v.is_array()) << source << " gave " << v.to_string();
    return compute(v.array());
  }
  std::string error(const std::string& source) {
    try {
      eval(source);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  }
  Evaluator evaluator_;
};

TEST_F(FunctionsTest, VarPositionalArguments) {
  Value grids = eval("meshgrid(v, x[0], v)");
  ASSERT_TRUE(grids.is_list());
  ASSERT_EQ(grids.items().size(), 3u);
  EXPECT_EQ(grids.items()[0].array().shape(), (Shape{4, 5, 5}));
  EXPECT_EQ(grids.items()[0].array().dtype(), DType::kInt16);
  EXPECT_EQ(grids.items()[1].array().dtype(), DType::kFloat64);
  EXPECT_EQ(eval("meshgrid(v, x[0], indexing='ij')").items()[1].array().shape(), (Shape{5, 4}));
  EXPECT_TRUE(eval("meshgrid()").items().empty());
  EXPECT_EQ(eval("broadcast_arrays(v, x[:, :1])").to_string(),
            "[array(int16, shape=(3, 5)), array(float64, shape=(3, 5))]");
  EXPECT_EQ(eval("result_type(v, x, 1j)").to_string(), "complex128");
  EXPECT_EQ(eval("result_type(int8, 1, 2)").to_string(), "int8");
  // *arrays is not a keyword; the keywords after it are keyword-only.
  EXPECT_NE(error("meshgrid(arrays=(v,))").find("meshgrid() got an unexpected keyword argument 'arrays'"),
            std::string::npos);
  EXPECT_NE(error("meshgrid(v, indexing='yx')").find("meshgrid: indexing must be 'xy' or 'ij', got 'yx'"),
            std::string::npos);
  EXPECT_NE(error("meshgrid(v, 3)").find("meshgrid() argument 'arrays' must be a tuple or list of arrays"),
            std::string::npos);
  EXPECT_NE(error("result_type()").find("result_type: needs at least one array or dtype"), std::string::npos);
  EXPECT_NE(error("result_type(int8, 'a')").find("argument 'arrays_and_dtypes' must be arrays, dtypes or numbers"),
            std::string::npos);
}

TEST_F(FunctionsTest, TriangleAndIndexing) {
  const NDBuffer lower = values("tril(x, k=1)");
  EXPECT_TRUE(lower == compute(tril(evaluator_.inputs().at("x").array(), 1)));
  EXPECT_EQ(lower.get(3).as_double(), 0.0);
  EXPECT_EQ(values("triu(x)").get(4).as_double(), 0.0);
  EXPECT_NE(error("tril(v)").find("tril: the array must have at least 2 dimensions"), std::string::npos);
  Value parts = eval("unstack(x, axis=1)");
  ASSERT_TRUE(parts.is_tuple());
  EXPECT_EQ(parts.items().size(), 4u);
  const NDBuffer taken = values("take(v, [4, 0, -2])");
  EXPECT_EQ(taken.get(0).as_int(), 12);
  EXPECT_EQ(taken.get(2).as_int(), 9);
  EXPECT_EQ(values("take(x, asarray([1]), axis=0)").shape(), (Shape{1, 4}));
  const NDBuffer along = values("take_along_axis(x, [[3], [0], [1]], axis=1)");
  EXPECT_EQ(along.shape(), (Shape{3, 1}));
  EXPECT_EQ(along.get(1).as_double(), -1.0);
  EXPECT_NE(error("take(v, 1.5)").find("take() argument 'indices' must be an array or a list of ints"),
            std::string::npos);
}

TEST_F(FunctionsTest, RandomAsTheLibrary) {
  EXPECT_TRUE(values("random((3, 5), seed=9, chunks=2)") == compute(random::random({3, 5}, 9)));
  EXPECT_TRUE(values("integers(-2, 3, (7,), seed=4, dtype=int8)") ==
              compute(random::integers(-2, 3, {7}, 4, DType::kInt8)));
  EXPECT_EQ(eval("integers(0, 10, 6, seed=1)").array().dtype(), DType::kInt64);
  EXPECT_NE(error("random((2, 2))").find("random() missing 1 required keyword-only argument: 'seed'"),
            std::string::npos);
  EXPECT_NE(error("random((2, 2), seed=-1)").find("random() argument 'seed' must be non-negative, got -1"),
            std::string::npos);
  EXPECT_NE(error("random((2, 2), seed=1.5)").find("random() argument 'seed' must be a non-negative int, not float"),
            std::string::npos);
  EXPECT_NE(error("integers(3, 3, (2,), seed=1)").find("integers: low must be less than high"), std::string::npos);
  EXPECT_NE(error("integers(0, 3, (2,), seed=1, dtype=float32)").find("integers: dtype must be an integer type"),
            std::string::npos);
}

TEST_F(FunctionsTest, DataTypeFunctions) {
  Value f = eval("finfo(float32)");
  ASSERT_TRUE(f.is_record());
  EXPECT_EQ(f.type_name(), "finfo");
  EXPECT_EQ(f.to_string(),
            "finfo(bits=32, eps=1.1920928955078125e-07, max=3.4028234663852886e+38, min=-3.4028234663852886e+38, "
            "smallest_normal=1.1754943508222875e-38, dtype=float32)");
  EXPECT_EQ(eval("finfo(x).eps").scalar().as_double(), 2.220446049250313e-16);
  EXPECT_EQ(eval("finfo(complex64).dtype").to_string(), "float32");
  EXPECT_EQ(eval("iinfo(uint64)").to_string(), "iinfo(bits=64, max=18446744073709551615, min=0, dtype=uint64)");
  EXPECT_EQ(eval("iinfo(v).min").scalar().as_int(), -32768);
  EXPECT_EQ(eval("iinfo('int8').bits").scalar().as_int(), 8);
  EXPECT_NE(error("finfo(float32).tiny").find("'finfo' object has no attribute 'tiny'"), std::string::npos);
  EXPECT_NE(error("finfo(v)").find("finfo: int16 is not a floating-point type"), std::string::npos);
  EXPECT_NE(error("iinfo(None)").find("iinfo() argument 'type' must be a dtype or an array, not None"),
            std::string::npos);

  EXPECT_TRUE(eval("can_cast(v, int32)").scalar().as_bool());
  EXPECT_FALSE(eval("can_cast(float64, float32)").scalar().as_bool());
  EXPECT_TRUE(eval("isdtype(v, 'signed integer')").scalar().as_bool());
  EXPECT_TRUE(eval("isdtype(float32, ('integral', 'real floating'))").scalar().as_bool());
  EXPECT_FALSE(eval("isdtype(bool, ('numeric', 'integral'))").scalar().as_bool());
  EXPECT_TRUE(eval("isdtype(x, float64)").scalar().as_bool());
  EXPECT_TRUE(eval("isdtype(int8, (float32, 'signed integer'))").scalar().as_bool());
  EXPECT_NE(error("isdtype(int8, 'integer')").find("isdtype: unknown kind 'integer'"), std::string::npos);
  EXPECT_NE(error("isdtype(int8, 3)").find("isdtype() argument 'kind' must be a kind name, a dtype or a tuple"),
            std::string::npos);
}

}  // namespace
}  // namespace cubed::expr
