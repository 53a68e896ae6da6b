// Evaluating expressions on small in-memory arrays, compared with values
// computed by hand; arithmetic on numbers with Python's rules; the function
// table's checks and messages; numpy's repr.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <limits>
#include <string>
#include <vector>

#include "cubed/api/creation.hpp"
#include "cubed/core/error.hpp"
#include "cubed/expr/array_repr.hpp"
#include "cubed/expr/evaluator.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/compute.hpp"

namespace cubed::expr {
namespace {

NDBuffer buffer(DType dtype, const Shape& shape, const std::vector<double>& values) {
  NDBuffer b(dtype, shape);
  for (std::size_t i = 0; i < values.size(); ++i) b.set(static_cast<std::int64_t>(i), Scalar(values[i]));
  return b;
}

std::vector<double> values_of(const NDBuffer& b) {
  std::vector<double> v;
  for (std::int64_t i = 0; i < b.size(); ++i) v.push_back(b.get(i).as_double());
  return v;
}

// Inputs of every test: a and b (2, 3) float64 with different chunks, i and
// j (2, 3) int32, k (3,) int8, m (2, 3) bool.
class EvaluatorTest : public ::testing::Test {
 protected:
  EvaluatorTest() {
    a_ = {1, 2, 3, 4, 5, 6};
    b_ = {-1.5, 0.5, 2, -3, 8, 0.25};
    evaluator_.define("a", from_array(buffer(DType::kFloat64, {2, 3}, a_), {1, 2}));
    evaluator_.define("b", from_array(buffer(DType::kFloat64, {2, 3}, b_), {2, 1}));
    evaluator_.define("i", from_array(buffer(DType::kInt32, {2, 3}, {-7, 7, 9, -9, 5, 0}), {1, 3}));
    evaluator_.define("j", from_array(buffer(DType::kInt32, {2, 3}, {2, -2, 4, 4, -3, 1}), {2, 3}));
    evaluator_.define("k", from_array(buffer(DType::kInt8, {3}, {1, 2, 3}), {2}));
    evaluator_.define("m", from_array(buffer(DType::kBool, {2, 3}, {1, 0, 1, 0, 0, 1}), {1, 1}));
  }

  Value eval(const std::string& source) { return evaluator_.evaluate(source); }

  NDBuffer compute_array(const std::string& source) {
    Value v = eval(source);
    EXPECT_TRUE(v.is_array()) << source << " gave " << v.to_string();
    return compute(v.array());
  }

  std::vector<double> values(const std::string& source) { return values_of(compute_array(source)); }

  Scalar number(const std::string& source) {
    Value v = eval(source);
    EXPECT_TRUE(v.is_scalar()) << source << " gave " << v.to_string();
    return v.is_scalar() ? v.scalar() : Scalar();
  }

  std::string error(const std::string& source) {
    try {
      eval(source);
    } catch (const Error& e) {
      return e.what();
    }
    return "no error";
  }

  ErrorKind error_kind(const std::string& source) {
    try {
      eval(source);
    } catch (const Error& e) {
      return e.kind();
    }
    return ErrorKind::kInternal;
  }

  std::vector<double> a_, b_;
  Evaluator evaluator_;
};

// ---- arrays -------------------------------------------------------------------------

TEST_F(EvaluatorTest, ArithmeticOnArrays) {
  std::vector<double> expected;
  for (int n = 0; n < 6; ++n) expected.push_back((a_[n] + 2 * b_[n]) / 3);
  EXPECT_EQ(values("(a + 2 * b) / 3"), expected);
  expected.clear();
  for (int n = 0; n < 6; ++n) expected.push_back(a_[n] - b_[n] * a_[n] - -b_[n]);
  EXPECT_EQ(values("a - b * a - -b"), expected);
  expected.clear();
  for (int n = 0; n < 6; ++n) expected.push_back(std::pow(a_[n], 2) + std::pow(2.0, a_[n]));
  EXPECT_EQ(values("a ** 2 + 2 ** a"), expected);
  expected.clear();
  for (int n = 0; n < 6; ++n) expected.push_back(-std::pow(a_[n], 2));
  EXPECT_EQ(values("-a**2"), expected);
}

TEST_F(EvaluatorTest, ScalarsCombineFirst) {
  NDBuffer r = compute_array("a * (1/3)");
  for (int n = 0; n < 6; ++n) EXPECT_EQ(r.get(n).as_double(), a_[n] * (1.0 / 3.0));
  EXPECT_EQ(values("a * (2 ** -1)"), values("a / 2"));
}

TEST_F(EvaluatorTest, IntegerOperatorsFollowPython) {
  EXPECT_EQ(values("i // j"), (std::vector<double>{-4, -4, 2, -3, -2, 0}));
  EXPECT_EQ(values("i % j"), (std::vector<double>{1, -1, 1, 3, -1, 0}));
  EXPECT_EQ(values("i & j"), (std::vector<double>{-7 & 2, 7 & -2, 9 & 4, -9 & 4, 5 & -3, 0}));
  EXPECT_EQ(values("i << 2"), (std::vector<double>{-28, 28, 36, -36, 20, 0}));
  EXPECT_EQ(values("~i"), (std::vector<double>{6, -8, -10, 8, -6, -1}));
  EXPECT_EQ(compute_array("i // j").dtype(), DType::kInt32);
}

TEST_F(EvaluatorTest, ComparisonsAndLogic) {
  NDBuffer r = compute_array("a > b");
  EXPECT_EQ(r.dtype(), DType::kBool);
  EXPECT_EQ(values_of(r), (std::vector<double>{1, 1, 1, 1, 0, 1}));
  EXPECT_EQ(values("a == 2"), (std::vector<double>{0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(values("(a >= 2) & (b < 1)"), (std::vector<double>{0, 1, 0, 1, 0, 1}));
  EXPECT_EQ(values("not m"), (std::vector<double>{0, 1, 0, 1, 1, 0}));
  EXPECT_EQ(values("m and a > 2"), (std::vector<double>{0, 0, 1, 0, 0, 1}));
  EXPECT_EQ(values("m or a > 4"), (std::vector<double>{1, 0, 1, 0, 1, 1}));
  EXPECT_EQ(values("~m"), values("logical_not(m)"));
}

TEST_F(EvaluatorTest, DtypePromotion) {
  EXPECT_EQ(eval("k + 1").array().dtype(), DType::kInt8);
  EXPECT_EQ(eval("k + 1.5").array().dtype(), DType::kFloat64);
  EXPECT_EQ(eval("i + k").array().dtype(), DType::kInt32);
  EXPECT_EQ(eval("i + a").array().dtype(), DType::kFloat64);
  EXPECT_EQ(eval("i / j").array().dtype(), DType::kFloat64);
  EXPECT_EQ(eval("astype(a, float32) + 1").array().dtype(), DType::kFloat32);
  EXPECT_EQ(eval("astype(a, float32) + astype(i, int16)").array().dtype(), DType::kFloat32);
  EXPECT_EQ(eval("astype(a, float32) + i").array().dtype(), DType::kFloat64);
  EXPECT_EQ(eval("a + 1j").array().dtype(), DType::kComplex128);
  EXPECT_EQ(eval("m & m").array().dtype(), DType::kBool);
  EXPECT_EQ(error_kind("m + m"), ErrorKind::kDType);  // the Array API's add takes numbers only
  EXPECT_NE(error("m + m").find("(at column 3 of 'm + m')"), std::string::npos);
}

TEST_F(EvaluatorTest, Broadcasting) {
  NDBuffer r = compute_array("a + k");
  EXPECT_EQ(r.shape(), (Shape{2, 3}));
  EXPECT_EQ(values_of(r), (std::vector<double>{2, 4, 6, 5, 7, 9}));
  EXPECT_NE(error("a + arange(4)").find("(at column 3 of 'a + arange(4)')"), std::string::npos);
}

TEST_F(EvaluatorTest, FunctionsByArrayApiName) {
  EXPECT_EQ(values("add(a, b)"), values("a + b"));
  EXPECT_EQ(values("subtract(a, 1)"), values("a - 1"));
  EXPECT_EQ(values("pow(a, 2)"), values("a ** 2"));
  EXPECT_EQ(values("maximum(a, b)"), (std::vector<double>{1, 2, 3, 4, 8, 6}));
  EXPECT_EQ(values("minimum(a, b)"), (std::vector<double>{-1.5, 0.5, 2, -3, 5, 0.25}));
  EXPECT_EQ(values("abs(b)"), (std::vector<double>{1.5, 0.5, 2, 3, 8, 0.25}));
  EXPECT_EQ(values("square(b)"), (std::vector<double>{2.25, 0.25, 4, 9, 64, 0.0625}));
  EXPECT_EQ(values("negative(a)"), values("-a"));
  EXPECT_EQ(values("bitwise_left_shift(i, 1)"), values("i << 1"));
  EXPECT_EQ(values("logical_xor(m, a > 2)"), (std::vector<double>{1, 0, 0, 1, 1, 0}));
}

TEST_F(EvaluatorTest, AstypeAcceptsDtypesAndTheirNames) {
  for (const char* source : {"astype(a, int8)", "astype(a, 'int8')", "astype(a, dtype=\"int8\")", "a.astype(int8)"}) {
    EXPECT_EQ(eval(source).array().dtype(), DType::kInt8) << source;
  }
  EXPECT_EQ(eval("astype(a, float)").array().dtype(), DType::kFloat64);
  EXPECT_EQ(eval("astype(3, int8)").array().dtype(), DType::kInt8);
  EXPECT_EQ(eval("astype(3, int8)").array().shape(), Shape{});
  EXPECT_NE(error("astype(a, 'flot32')").find("unknown dtype 'flot32'"), std::string::npos);
  EXPECT_EQ(error_kind("astype(a, 'flot32')"), ErrorKind::kDType);
}

TEST_F(EvaluatorTest, Creation) {
  Value v = eval("ones((2, 3), dtype=int8, chunks=1)");
  EXPECT_EQ(v.array().shape(), (Shape{2, 3}));
  EXPECT_EQ(v.array().chunks(), (Shape{1, 1}));
  EXPECT_EQ(v.array().dtype(), DType::kInt8);
  EXPECT_EQ(values("ones(3)"), (std::vector<double>{1, 1, 1}));
  EXPECT_EQ(eval("zeros(4)").array().dtype(), DType::kFloat64);
  EXPECT_EQ(eval("empty((2, 2), dtype='uint16')").array().dtype(), DType::kUInt16);
  EXPECT_EQ(values("full((2,), 7)"), (std::vector<double>{7, 7}));
  EXPECT_EQ(eval("full((2,), 7)").array().dtype(), DType::kInt64);
  EXPECT_EQ(eval("full((2,), True)").array().dtype(), DType::kBool);
  EXPECT_EQ(eval("full((2,), 7, dtype=float32)").array().dtype(), DType::kFloat32);
  EXPECT_EQ(values("arange(5)"), (std::vector<double>{0, 1, 2, 3, 4}));
  EXPECT_EQ(values("arange(1, 2, 0.25)"), (std::vector<double>{1, 1.25, 1.5, 1.75}));
  EXPECT_EQ(values("arange(5, 0, -2)"), (std::vector<double>{5, 3, 1}));
  EXPECT_EQ(values("linspace(0, 1, 5)"), (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
  EXPECT_EQ(values("linspace(0, 1, 4, endpoint=False)"), (std::vector<double>{0, 0.25, 0.5, 0.75}));
  EXPECT_EQ(values("eye(2, 3, k=1)"), (std::vector<double>{0, 1, 0, 0, 0, 1}));
  EXPECT_EQ(values("zeros_like(a) + ones_like(b)"), (std::vector<double>{1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(eval("full_like(i, 2.5)").array().dtype(), DType::kInt32);
  EXPECT_EQ(eval("empty_like(a, dtype=int8)").array().chunks(), (Shape{1, 2}));
  EXPECT_EQ(values("asarray([[1, 2], [3, 4]])"), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(eval("asarray([[1, 2], [3, 4]])").array().dtype(), DType::kInt64);
  EXPECT_EQ(eval("asarray([1, 2.5])").array().dtype(), DType::kFloat64);
  EXPECT_EQ(eval("asarray([True, False])").array().dtype(), DType::kBool);
  EXPECT_EQ(eval("asarray((1, 2), dtype=uint8)").array().dtype(), DType::kUInt8);
  EXPECT_EQ(eval("asarray(2.5)").array().shape(), Shape{});
  EXPECT_NE(error("asarray([[1], [2, 3]])").find("not rectangular"), std::string::npos);
  EXPECT_NE(error("asarray([1, [2]])").find("not rectangular"), std::string::npos);
  EXPECT_NE(error("zeros((2, -1))").find("zeros() argument 'shape' has a negative dimension: (2, -1)"),
            std::string::npos);
}

TEST_F(EvaluatorTest, Rechunk) {
  EXPECT_EQ(eval("rechunk(a, 1)").array().chunks(), (Shape{1, 1}));
  EXPECT_EQ(eval("rechunk(a, (-1, 2))").array().chunks(), (Shape{2, 2}));
  EXPECT_EQ(eval("rechunk(a, [2, None])").array().chunks(), (Shape{2, 2}));
  EXPECT_EQ(eval("rechunk(a, chunks='auto')").array().chunks(), (Shape{2, 3}));
  EXPECT_EQ(values("rechunk(a, (2, 3)) + b"), values("a + b"));
  EXPECT_NE(error("rechunk(a, (1, 2, 3))").find("3 entries but the array has 2 axes"), std::string::npos);
  EXPECT_NE(error("rechunk(a, 'big')").find("unknown chunks 'big'"), std::string::npos);
}

TEST_F(EvaluatorTest, AttributesAndSequences) {
  EXPECT_EQ(eval("a.shape").to_string(), "(2, 3)");
  EXPECT_EQ(eval("k.chunks").to_string(), "(2,)");
  EXPECT_EQ(eval("a.shape[1]").to_string(), "3");
  EXPECT_EQ(eval("a.shape[-1]").to_string(), "3");
  EXPECT_EQ(eval("a.ndim").to_string(), "2");
  EXPECT_EQ(eval("a.size * 2").to_string(), "12");
  EXPECT_EQ(eval("a.dtype").to_string(), "float64");
  EXPECT_EQ(eval("a.dtype == float64").to_string(), "True");
  EXPECT_EQ(eval("i.dtype != 'int32'").to_string(), "True");
  EXPECT_EQ(eval("(1, 2, 3, 4)[1:3]").to_string(), "(2, 3)");
  EXPECT_EQ(eval("[1, 2, 3, 4][::-2]").to_string(), "[4, 2]");
  EXPECT_EQ(eval("(1,)").to_string(), "(1,)");
  EXPECT_EQ(eval("None").to_string(), "None");
  EXPECT_EQ(eval("...").to_string(), "Ellipsis");
  EXPECT_EQ(eval("'abc'").to_string(), "'abc'");
  EXPECT_EQ(eval("a").to_string(), "array(float64, shape=(2, 3))");
  EXPECT_EQ(eval("zeros(a.shape, dtype=a.dtype)").array().shape(), (Shape{2, 3}));
  EXPECT_NE(error("(1, 2)[5]").find("index 5 is out of range"), std::string::npos);
  EXPECT_NE(error("a.foo").find("'array' object has no attribute 'foo' (at column 2 of 'a.foo')"),
            std::string::npos);
  EXPECT_EQ(eval("a.T").array().shape(), (Shape{3, 2}));
  EXPECT_EQ(eval("a.mT").array().shape(), (Shape{3, 2}));
  EXPECT_EQ(values_of(compute(eval("a.T").array())), (std::vector<double>{1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(error("k.mT"),
            "matrix_transpose: needs an array of at least two dimensions, got shape (3,) (at column 2 of 'k.mT')");
}

// ---- numbers ------------------------------------------------------------------------

TEST_F(EvaluatorTest, NumbersFollowPython) {
  EXPECT_EQ(number("1 + 2"), Scalar(std::int64_t{3}));
  EXPECT_EQ(number("7 // 2"), Scalar(std::int64_t{3}));
  EXPECT_EQ(number("-7 // 2"), Scalar(std::int64_t{-4}));
  EXPECT_EQ(number("-7 % 3"), Scalar(std::int64_t{2}));
  EXPECT_EQ(number("7 % -3"), Scalar(std::int64_t{-2}));
  EXPECT_EQ(number("2 ** -1"), Scalar(0.5));
  EXPECT_EQ(number("-2**2"), Scalar(std::int64_t{-4}));
  EXPECT_EQ(number("2**3**2"), Scalar(std::int64_t{512}));
  EXPECT_EQ(number("(-2)**2"), Scalar(std::int64_t{4}));
  EXPECT_EQ(number("1/3"), Scalar(1.0 / 3.0));
  EXPECT_EQ(number("6/3"), Scalar(2.0));
  EXPECT_EQ(number("7.5 // 2"), Scalar(3.0));
  EXPECT_EQ(number("-7.5 // 2"), Scalar(-4.0));
  EXPECT_EQ(number("-7.5 % 2"), Scalar(0.5));
  EXPECT_EQ(number("7.5 % -2"), Scalar(-0.5));
  EXPECT_EQ(number("2.0 ** 0.5"), Scalar(std::sqrt(2.0)));
  EXPECT_EQ(number("1 + 2j"), Scalar(std::complex<double>(1, 2)));
  EXPECT_EQ(number("1j ** 2"), Scalar(std::complex<double>(-1, 0)));
  EXPECT_EQ(number("(1 + 1j) * (1 - 1j)"), Scalar(std::complex<double>(2, 0)));
  EXPECT_EQ(number("True + True"), Scalar(std::int64_t{2}));
  EXPECT_EQ(number("True & False"), Scalar(false));
  EXPECT_EQ(number("3 & 5"), Scalar(std::int64_t{1}));
  EXPECT_EQ(number("3 | 5"), Scalar(std::int64_t{7}));
  EXPECT_EQ(number("3 ^ 5"), Scalar(std::int64_t{6}));
  EXPECT_EQ(number("1 << 3"), Scalar(std::int64_t{8}));
  EXPECT_EQ(number("-9 >> 1"), Scalar(std::int64_t{-5}));
  EXPECT_EQ(number("~5"), Scalar(std::int64_t{-6}));
  EXPECT_EQ(number("~True"), Scalar(false));
  EXPECT_EQ(number("-True"), Scalar(std::int64_t{-1}));
  EXPECT_EQ(number("1 < 2"), Scalar(true));
  EXPECT_EQ(number("2 <= 2.0"), Scalar(true));
  EXPECT_EQ(number("0.1 + 0.2 == 0.3"), Scalar(false));
  EXPECT_EQ(number("nan == nan"), Scalar(false));
  EXPECT_EQ(number("nan != nan"), Scalar(true));
  EXPECT_EQ(number("1j == 1j"), Scalar(true));
  EXPECT_EQ(number("not 0"), Scalar(true));
  EXPECT_EQ(number("1 and 0"), Scalar(false));
  EXPECT_EQ(number("abs(-3)"), Scalar(std::int64_t{3}));
  EXPECT_EQ(number("abs(3 + 4j)"), Scalar(5.0));
  EXPECT_EQ(number("square(-3)"), Scalar(std::int64_t{9}));
  EXPECT_EQ(number("maximum(1, 2.5)"), Scalar(2.5));
  EXPECT_TRUE(std::isnan(number("maximum(nan, 1)").as_double()));
  EXPECT_EQ(number("inf"), Scalar(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(number("-inf < 0"), Scalar(true));
  EXPECT_NEAR(number("pi").as_double(), 3.141592653589793, 0);
  EXPECT_NEAR(number("e").as_double(), 2.718281828459045, 0);
  EXPECT_EQ(number("9223372036854775807 + 1"), Scalar(std::uint64_t{9223372036854775808ull}));
  EXPECT_EQ(number("-9223372036854775807 - 1"), Scalar(std::numeric_limits<std::int64_t>::min()));
  EXPECT_EQ(number("2 ** 63"), Scalar(std::uint64_t{1} << 63));
  EXPECT_EQ(number("(-8) ** (1/3)").kind(), Scalar::Kind::kComplex);
}

TEST_F(EvaluatorTest, NumberErrorsNameTheOperator) {
  EXPECT_EQ(error("1 / 0"), "divide: division by zero (at column 3 of '1 / 0')");
  EXPECT_NE(error("1 // 0").find("division by zero (at column 3"), std::string::npos);
  EXPECT_NE(error("a + 5 % 0.0").find("division by zero (at column 7"), std::string::npos);
  EXPECT_NE(error("0 ** -1").find("negative power"), std::string::npos);
  EXPECT_NE(error("2 ** 64").find("does not fit in 64 bits"), std::string::npos);
  EXPECT_NE(error("18446744073709551615 + 1").find("does not fit in 64 bits"), std::string::npos);
  EXPECT_NE(error("1 << -1").find("negative shift count"), std::string::npos);
  EXPECT_EQ(error("1.5 & 1"), "bitwise_and: unsupported operand types 'float' and 'int' (at column 5 of '1.5 & 1')");
  EXPECT_NE(error("1j < 2").find("unsupported operand types 'complex' and 'int'"), std::string::npos);
  EXPECT_NE(error("~1.5").find("bitwise_invert: unsupported operand type 'float'"), std::string::npos);
}

// ---- errors -------------------------------------------------------------------------

TEST_F(EvaluatorTest, UnknownNamesAndFunctionsPointAtThem) {
  EXPECT_EQ(error("a + foo"), "unknown name 'foo' at column 5 of 'a + foo' (inputs: a, b, i, j, k, m)");
  EXPECT_EQ(error("astype(a, flot32)"),
            "unknown name 'flot32' at column 11 of 'astype(a, flot32)'; did you mean 'float32'? "
            "(inputs: a, b, i, j, k, m)");
  EXPECT_EQ(error("foo(a)"), "unknown function 'foo' at column 1 of 'foo(a)'");
  EXPECT_EQ(error("1 + ad(a, b)"), "unknown function 'ad' at column 5 of '1 + ad(a, b)'");
  EXPECT_EQ(error("substract(a, b)"),
            "unknown function 'substract' at column 1 of 'substract(a, b)'; did you mean 'subtract'?");
  EXPECT_NE(error("a(1)").find("'a' is not a function (at column 1"), std::string::npos);
  EXPECT_NE(error("add + 1").find("'add' is a function; call it as add(...)"), std::string::npos);
  EXPECT_NE(error("(1)(2)").find("'int' object is not callable"), std::string::npos);
  EXPECT_NE(error("a.foo(1)").find("'array' object has no attribute 'foo'"), std::string::npos);
  try {
    Evaluator().evaluate("x + 1");
    FAIL() << "no error";
  } catch (const InvalidArgumentError& e) {
    EXPECT_EQ(std::string(e.what()), "unknown name 'x' at column 1 of 'x + 1' (no inputs)");
  }
}

TEST_F(EvaluatorTest, OperandTypesAreChecked) {
  EXPECT_EQ(error("a + float32"), "unsupported operand types for +: 'array' and 'dtype' (at column 3 of 'a + float32')");
  EXPECT_NE(error("'x' * 2").find("unsupported operand types for *: 'str' and 'int'"), std::string::npos);
  EXPECT_NE(error("-(1, 2)").find("bad operand type for unary -: 'tuple' (at column 1"), std::string::npos);
  EXPECT_NE(error("a == None").find("unsupported operand types for ==: 'array' and 'None'"), std::string::npos);
}

TEST_F(EvaluatorTest, NotYetAvailable) {
  // matmul is there now: its errors come from the library.
  EXPECT_EQ(error("a @ b"),
            "matmul: contracted axes differ: 3 vs 2 (axis 1 of x1 (2, 3), axis 0 of x2 (2, 3)) (at column 3 of 'a @ b')");
  EXPECT_EQ(error_kind("a @ b"), ErrorKind::kInvalidArgument);
  EXPECT_EQ(values_of(compute(eval("a @ b.T").array())), (std::vector<double>{5.5, 13.75, 8.5, 29.5}));
  EXPECT_EQ(values_of(compute(eval("matmul(a, k)").array())), (std::vector<double>{14, 32}));
  // Indexing goes to the library: shapes, values and its errors.
  EXPECT_EQ(eval("a[0, 1:2, ..., None]").array().shape(), (Shape{1, 1}));
  NDBuffer row = compute(eval("a[1, ::-1]").array());
  ASSERT_EQ(row.shape(), Shape{3});
  EXPECT_EQ(row.get(0).as_double(), 6.0);
  EXPECT_EQ(row.get(2).as_double(), 4.0);
  EXPECT_NE(error("a[5]").find("index 5 is out of bounds for axis 0 with size 2"), std::string::npos);
  EXPECT_EQ(error_kind("a[5]"), ErrorKind::kInvalidArgument);
  EXPECT_NE(error("a[1.5]").find("array indices must be integers, slices (':'), ellipsis ('...') or None, not float "
                                 "(at column 3"),
            std::string::npos);
  EXPECT_NE(error("a[::0]").find("slice step cannot be zero"), std::string::npos);
  EXPECT_NE(error("a[0.5:]").find("slice indices must be integers or None, not float (at column 3"),
            std::string::npos);
  EXPECT_NE(error("float32[0]").find("'dtype' object is not subscriptable"), std::string::npos);
}

TEST_F(EvaluatorTest, CallsAreCheckedAgainstSignatures) {
  EXPECT_EQ(error("add(a)"), "add() missing 1 required positional argument: 'x2' (at column 1 of 'add(a)')");
  EXPECT_NE(error("full()").find("full() missing 2 required positional arguments: 'shape' and 'fill_value'"),
            std::string::npos);
  EXPECT_NE(error("add(a, b, i)").find("add() takes 2 positional arguments but 3 were given"), std::string::npos);
  EXPECT_NE(error("abs(a, b)").find("abs() takes 1 positional argument but 2 were given"), std::string::npos);
  EXPECT_NE(error("arange(1, 2, 3, 4)").find("arange() takes from 1 to 3 positional arguments but 4 were given"),
            std::string::npos);
  EXPECT_NE(error("full((2,), 1, dtipe=int8)")
                .find("full() got an unexpected keyword argument 'dtipe' (did you mean 'dtype'?)"),
            std::string::npos);
  EXPECT_NE(error("add(x1=a, x2=b)")
                .find("add() got some positional-only arguments passed as keyword arguments: 'x1' and 'x2'"),
            std::string::npos);
  EXPECT_NE(error("full((2,), 1, shape=3)").find("full() got multiple values for argument 'shape'"),
            std::string::npos);
  EXPECT_NE(error("full(2.5, 1)").find("full() argument 'shape' must be an int or a tuple of ints, not float"),
            std::string::npos);
  EXPECT_NE(error("eye(3, k=1.5)").find("eye() argument 'k' must be an int, not float"), std::string::npos);
  EXPECT_NE(error("ones(3, chunks=1.5)").find("ones() argument 'chunks' must be"), std::string::npos);
  EXPECT_NE(error("abs((1, 2))").find("abs() argument 'x' must be an array, not tuple"), std::string::npos);
  EXPECT_NE(error("add(a, 'x')").find("add() argument 'x2' must be an array or a number, not str"),
            std::string::npos);
  EXPECT_NE(error("linspace(0, 1, 5, endpoint=1)").find("argument 'endpoint' must be a bool, not int"),
            std::string::npos);
}

TEST(FunctionTable, ExtendsWithOneLinePerFunction) {
  // What a later issue does to add a reduction: one add() call.
  FunctionTable table = builtin_functions();
  table.add("sum", "x, /, *, axis=None, dtype=None, keepdims=False", [](const CallArguments& args) -> Value {
    return Scalar(static_cast<std::int64_t>(args.array("x").size() + (args.boolean("keepdims") ? 100 : 0)));
  });
  Evaluator evaluator(nullptr, table);
  evaluator.define("x", ones({2, 3}));
  EXPECT_EQ(evaluator.evaluate("sum(x)").to_string(), "6");
  EXPECT_EQ(evaluator.evaluate("sum(x, axis=(0, 1), keepdims=True)").to_string(), "106");
  EXPECT_EQ(evaluator.evaluate("x.sum(keepdims=True)").to_string(), "106");
  try {
    evaluator.evaluate("sum(x, axes=1)");
    FAIL() << "no error";
  } catch (const InvalidArgumentError& e) {
    EXPECT_EQ(std::string(e.what()),
              "sum() got an unexpected keyword argument 'axes' (did you mean 'axis'?) (at column 1 of 'sum(x, axes=1)')");
  }
  const Signature* sig = table.signature("sum");
  ASSERT_NE(sig, nullptr);
  ASSERT_EQ(sig->parameters().size(), 4u);
  EXPECT_EQ(sig->parameters()[0].kind, ParameterKind::kPositionalOnly);
  EXPECT_EQ(sig->parameters()[1].kind, ParameterKind::kKeywordOnly);
  EXPECT_TRUE(sig->parameters()[1].default_value->is_none());
  EXPECT_FALSE(builtin_functions().contains("no_such_function"));
}

TEST(FunctionTable, BuiltinsCoverTheLibrary) {
  for (const char* name :
       {"add", "subtract", "multiply", "divide", "floor_divide", "remainder", "pow", "maximum", "minimum", "equal",
        "not_equal", "less", "less_equal", "greater", "greater_equal", "bitwise_and", "bitwise_or", "bitwise_xor",
        "bitwise_left_shift", "bitwise_right_shift", "logical_and", "logical_or", "logical_xor", "negative",
        "positive", "abs", "bitwise_invert", "logical_not", "square", "astype", "full", "zeros", "ones", "empty",
        "arange", "linspace", "eye", "asarray", "rechunk", "matmul", "sum", "mean", "var", "std", "argmax",
        "cumulative_sum", "reshape", "concat", "flip", "roll"}) {
    EXPECT_TRUE(builtin_functions().contains(name)) << name;
  }
}

TEST(FunctionTable, MalformedSignaturesAreProgrammingErrors) {
  EXPECT_THROW(Signature("x, x"), InternalError);
  EXPECT_THROW(Signature("x=1, y"), InternalError);
  EXPECT_THROW(Signature("x, *, *"), InternalError);
  EXPECT_THROW(Signature("x=foo(1)"), InternalError);
  EXPECT_NO_THROW(Signature(""));
  EXPECT_NO_THROW(Signature("x, /, y=(1, -2), *, z='auto', w=float32"));
}

TEST(Evaluator, InputNamesMustBeIdentifiers) {
  Evaluator evaluator;
  EXPECT_THROW(evaluator.define("1a", ones({1})), InvalidArgumentError);
  EXPECT_THROW(evaluator.define("a-b", ones({1})), InvalidArgumentError);
  EXPECT_THROW(evaluator.define("and", ones({1})), InvalidArgumentError);
  evaluator.define("pi", ones({1}));  // inputs hide built-in names
  EXPECT_TRUE(evaluator.evaluate("pi").is_array());
  EXPECT_EQ(evaluate("a * 2", {{"a", ones({2})}}).array().shape(), Shape{2});
}

TEST(Evaluator, CreatedArraysGetTheSpec) {
  auto spec = std::make_shared<const Spec>(SpecOptions{.allowed_mem = 123'000'000, .reserved_mem = 1'000'000});
  Evaluator evaluator(spec);
  EXPECT_EQ(evaluator.evaluate("ones(3) + arange(3)").array().spec()->allowed_mem(), 123'000'000);
  EXPECT_EQ(evaluator.evaluate("astype(1, int8)").array().spec()->allowed_mem(), 123'000'000);
  // Without a spec, the inputs' is used.
  Evaluator implicit;
  implicit.define("x", from_array(NDBuffer::zeros(DType::kFloat64, {3}), {}, spec));
  EXPECT_EQ(implicit.evaluate("x + ones(3)").array().spec()->allowed_mem(), 123'000'000);
}

// ---- repr ---------------------------------------------------------------------------

std::string repr(const std::string& source) { return array_repr(compute(Evaluator().evaluate(source).array())); }

TEST(ArrayRepr, MatchesNumpy) {
  // Expected texts printed by numpy 1.24.
  EXPECT_EQ(repr("asarray([[1., 2], [3, 4]])"), "array([[1., 2.],\n       [3., 4.]])");
  EXPECT_EQ(repr("asarray([[1.5, 2], [3, -4.25]])"), "array([[ 1.5 ,  2.  ],\n       [ 3.  , -4.25]])");
  EXPECT_EQ(repr("asarray([1, 2], dtype=int8)"), "array([1, 2], dtype=int8)");
  EXPECT_EQ(repr("asarray([-1, 10])"), "array([-1, 10])");
  EXPECT_EQ(repr("asarray(3)"), "array(3)");
  EXPECT_EQ(repr("asarray(1/3)"), "array(0.33333333)");
  EXPECT_EQ(repr("asarray(True)"), "array(True)");
  EXPECT_EQ(repr("asarray([True, False])"), "array([ True, False])");
  EXPECT_EQ(repr("asarray([True, True])"), "array([ True,  True])");
  EXPECT_EQ(repr("asarray([1e-5, 1, nan, -inf])"), "array([1.e-05, 1.e+00,    nan,   -inf])");
  EXPECT_EQ(repr("asarray([nan, 1.])"), "array([nan,  1.])");
  EXPECT_EQ(repr("asarray([1/512, 0.1 + 0.2])"), "array([0.00195312, 0.3       ])");
  EXPECT_EQ(repr("asarray([1e20, -1.5e-30j])"), "array([ 1.e+20+0.0e+00j, -0.e+00-1.5e-30j])");
  EXPECT_EQ(repr("full((2, 2), 1 + 2j)"), "array([[1.+2.j, 1.+2.j],\n       [1.+2.j, 1.+2.j]])");
  EXPECT_EQ(repr("zeros((2, 0))"), "array([], shape=(2, 0), dtype=float64)");
  EXPECT_EQ(repr("zeros(0, dtype=int8)"), "array([], dtype=int8)");
  EXPECT_EQ(repr("arange(2000)"), "array([   0,    1,    2, ..., 1997, 1998, 1999])");
  EXPECT_EQ(repr("arange(30)"),
            "array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16,\n"
            "       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])");
  EXPECT_EQ(repr("linspace(0, 1, 7)"),
            "array([0.        , 0.16666667, 0.33333333, 0.5       , 0.66666667,\n"
            "       0.83333333, 1.        ])");
  EXPECT_EQ(repr("arange(24, dtype=float32) / 7"),
            "array([0.        , 0.14285715, 0.2857143 , 0.42857143, 0.5714286 ,\n"
            "       0.71428573, 0.85714287, 1.        , 1.1428572 , 1.2857143 ,\n"
            "       1.4285715 , 1.5714285 , 1.7142857 , 1.8571428 , 2.        ,\n"
            "       2.142857  , 2.2857144 , 2.4285715 , 2.5714285 , 2.7142856 ,\n"
            "       2.857143  , 3.        , 3.142857  , 3.2857144 ], dtype=float32)");
  EXPECT_EQ(repr("arange(100, dtype=int16)"),
            "array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16,\n"
            "       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,\n"
            "       34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50,\n"
            "       51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67,\n"
            "       68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84,\n"
            "       85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99],\n"
            "      dtype=int16)");
  EXPECT_EQ(repr("asarray([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])"),
            "array([[[1, 2],\n        [3, 4]],\n\n       [[5, 6],\n        [7, 8]]])");
  EXPECT_EQ(repr("ones((40, 40), dtype=int64) * arange(40)"),
            "array([[ 0,  1,  2, ..., 37, 38, 39],\n"
            "       [ 0,  1,  2, ..., 37, 38, 39],\n"
            "       [ 0,  1,  2, ..., 37, 38, 39],\n"
            "       ...,\n"
            "       [ 0,  1,  2, ..., 37, 38, 39],\n"
            "       [ 0,  1,  2, ..., 37, 38, 39],\n"
            "       [ 0,  1,  2, ..., 37, 38, 39]])");
  EXPECT_EQ(repr("ones((40, 40), dtype=float32)"),
            "array([[1., 1., 1., ..., 1., 1., 1.],\n"
            "       [1., 1., 1., ..., 1., 1., 1.],\n"
            "       [1., 1., 1., ..., 1., 1., 1.],\n"
            "       ...,\n"
            "       [1., 1., 1., ..., 1., 1., 1.],\n"
            "       [1., 1., 1., ..., 1., 1., 1.],\n"
            "       [1., 1., 1., ..., 1., 1., 1.]], dtype=float32)");
  EXPECT_EQ(repr("arange(3000) * 1.5"),
            "array([0.0000e+00, 1.5000e+00, 3.0000e+00, ..., 4.4955e+03, 4.4970e+03,\n"
            "       4.4985e+03])");
  EXPECT_EQ(repr("asarray([1e8, 1])"), "array([1.e+08, 1.e+00])");
  EXPECT_EQ(repr("asarray([123456789.0])"), "array([1.23456789e+08])");
  EXPECT_EQ(repr("asarray([0.0, -0.0])"), "array([ 0., -0.])");
  EXPECT_EQ(repr("asarray([1e-300, 1e300])"), "array([1.e-300, 1.e+300])");
  EXPECT_EQ(repr("asarray([9223372036854775808])"), "array([9223372036854775808], dtype=uint64)");
  EXPECT_EQ(repr("asarray([inf, nan])"), "array([inf, nan])");
}

}  // namespace
}  // namespace cubed::expr
