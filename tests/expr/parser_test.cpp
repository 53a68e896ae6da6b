// The expression parser: Python's precedence and associativity, literals,
// tuples, calls with keywords, subscripts, and the exact column of every
// syntax error.
#include <gtest/gtest.h>

#include <string>

#include "cubed/core/error.hpp"
#include "cubed/expr/lexer.hpp"
#include "cubed/expr/parser.hpp"
#include "cubed/expr/source_error.hpp"

namespace cubed::expr {
namespace {

std::string tree(const std::string& source) { return to_string(parse(source).root()); }

// The message of the syntax error `source` raises ("" when it parses).
std::string syntax_error(const std::string& source) {
  try {
    parse(source);
  } catch (const InvalidArgumentError& e) {
    return e.what();
  }
  return "";
}

// ---- precedence and associativity ------------------------------------------------------

TEST(Parser, ArithmeticPrecedence) {
  EXPECT_EQ(tree("a + b * c"), "(+ a (* b c))");
  EXPECT_EQ(tree("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(tree("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(tree("a / b / c"), "(/ (/ a b) c)");
  EXPECT_EQ(tree("a // b % c"), "(% (// a b) c)");
  EXPECT_EQ(tree("a @ b * c"), "(* (@ a b) c)");
  EXPECT_EQ(tree("a + b @ c"), "(+ a (@ b c))");
  EXPECT_EQ(tree("(a + 2 * b) / 3"), "(/ (+ a (* 2 b)) 3)");
}

TEST(Parser, PowerBindsTighterThanUnaryOnItsLeftAndIsRightAssociative) {
  EXPECT_EQ(tree("-2**2"), "(- (** 2 2))");
  EXPECT_EQ(tree("2**-1"), "(** 2 (- 1))");
  EXPECT_EQ(tree("2**3**2"), "(** 2 (** 3 2))");
  EXPECT_EQ(tree("-a**-b**c"), "(- (** a (- (** b c))))");
  EXPECT_EQ(tree("~x ** 2"), "(~ (** x 2))");
  EXPECT_EQ(tree("a * b ** 2"), "(* a (** b 2))");
  EXPECT_EQ(tree("--a"), "(- (- a))");
  EXPECT_EQ(tree("-+~a"), "(- (+ (~ a)))");
  EXPECT_EQ(tree("f(x)**2"), "(** (call f x) 2)");
}

TEST(Parser, BitwiseShiftAndComparisonPrecedence) {
  EXPECT_EQ(tree("a | b ^ c & d"), "(| a (^ b (& c d)))");
  EXPECT_EQ(tree("a & b | c"), "(| (& a b) c)");
  EXPECT_EQ(tree("a << 1 + 2"), "(<< a (+ 1 2))");
  EXPECT_EQ(tree("a >> b << c"), "(<< (>> a b) c)");
  EXPECT_EQ(tree("a & b << c"), "(& a (<< b c))");
  EXPECT_EQ(tree("a < b + 1"), "(< a (+ b 1))");
  EXPECT_EQ(tree("a & b == c"), "(== (& a b) c)");
  EXPECT_EQ(tree("a | b != c ^ d"), "(!= (| a b) (^ c d))");
  for (std::string op : {"<", "<=", ">", ">=", "==", "!="}) {
    EXPECT_EQ(tree("a " + op + " b"), "(" + op + " a b)");
  }
}

TEST(Parser, BooleanOperators) {
  EXPECT_EQ(tree("a or b and not c"), "(or a (and b (not c)))");
  EXPECT_EQ(tree("not a == b"), "(not (== a b))");
  EXPECT_EQ(tree("not not a"), "(not (not a))");
  EXPECT_EQ(tree("a and b and c"), "(and (and a b) c)");
  EXPECT_EQ(tree("(a < 1) & (b > 2)"), "(& (< a 1) (> b 2))");
}

// ---- literals -------------------------------------------------------------------------

Scalar number(const std::string& source) {
  Expression e = parse(source);
  EXPECT_EQ(e.root().kind, NodeKind::kNumber) << source;
  return e.root().number;
}

TEST(Parser, IntegerLiterals) {
  EXPECT_EQ(number("0"), Scalar(std::int64_t{0}));
  EXPECT_EQ(number("00"), Scalar(std::int64_t{0}));
  EXPECT_EQ(number("42"), Scalar(std::int64_t{42}));
  EXPECT_EQ(number("1_000_000"), Scalar(std::int64_t{1000000}));
  EXPECT_EQ(number("0x1f"), Scalar(std::int64_t{31}));
  EXPECT_EQ(number("0X_FF"), Scalar(std::int64_t{255}));
  EXPECT_EQ(number("0o17"), Scalar(std::int64_t{15}));
  EXPECT_EQ(number("0b101"), Scalar(std::int64_t{5}));
  EXPECT_EQ(number("9223372036854775807"), Scalar(std::int64_t{9223372036854775807}));
  EXPECT_EQ(number("18446744073709551615"), Scalar(std::uint64_t{18446744073709551615ull}));
}

TEST(Parser, FloatAndImaginaryLiterals) {
  EXPECT_EQ(number("1.5"), Scalar(1.5));
  EXPECT_EQ(number("1e-3"), Scalar(1e-3));
  EXPECT_EQ(number("2.5E+4"), Scalar(2.5e4));
  EXPECT_EQ(number(".5"), Scalar(0.5));
  EXPECT_EQ(number("5."), Scalar(5.0));
  EXPECT_EQ(number("1_0.2_5"), Scalar(10.25));
  EXPECT_EQ(number("1.e3"), Scalar(1000.0));
  EXPECT_EQ(number("1e999"), Scalar(std::numeric_limits<double>::infinity()));
  EXPECT_EQ(number("0123.5"), Scalar(123.5));
  EXPECT_EQ(number("2j"), Scalar(std::complex<double>(0, 2)));
  EXPECT_EQ(number("1.5e3J"), Scalar(std::complex<double>(0, 1500)));
  EXPECT_EQ(number("True"), Scalar(true));
  EXPECT_EQ(number("False"), Scalar(false));
}

TEST(Parser, OtherAtoms) {
  EXPECT_EQ(tree("None"), "None");
  EXPECT_EQ(tree("..."), "...");
  EXPECT_EQ(tree("'float32'"), "'float32'");
  EXPECT_EQ(tree("\"float32\""), "'float32'");
  EXPECT_EQ(tree("'a' \"b\""), "'ab'");
  EXPECT_EQ(parse(R"('it\'s\n')").root().text, "it's\n");
  EXPECT_EQ(tree("x_1"), "x_1");
  EXPECT_EQ(tree("_"), "_");
  EXPECT_EQ(tree("  a\t+\nb  "), "(+ a b)");
}

TEST(Parser, TuplesAndLists) {
  EXPECT_EQ(tree("()"), "(tuple)");
  EXPECT_EQ(tree("(1,)"), "(tuple 1)");
  EXPECT_EQ(tree("(1, 2)"), "(tuple 1 2)");
  EXPECT_EQ(tree("(1, 2,)"), "(tuple 1 2)");
  EXPECT_EQ(tree("(1)"), "1");
  EXPECT_EQ(tree("((1, 2), (3,))"), "(tuple (tuple 1 2) (tuple 3))");
  EXPECT_EQ(tree("[]"), "(list)");
  EXPECT_EQ(tree("[1, [2, 3],]"), "(list 1 (list 2 3))");
}

TEST(Parser, CallsWithKeywords) {
  EXPECT_EQ(tree("f()"), "(call f)");
  EXPECT_EQ(tree("sum(x, axis=(0, 1), keepdims=True)"), "(call sum x axis=(tuple 0 1) keepdims=True)");
  EXPECT_EQ(tree("astype(x, dtype='float32')"), "(call astype x dtype='float32')");
  EXPECT_EQ(tree("astype(x, dtype=float32)"), "(call astype x dtype=float32)");
  EXPECT_EQ(tree("f(a, b,)"), "(call f a b)");
  EXPECT_EQ(tree("f(g(x), y)(z)"), "(call (call f (call g x) y) z)");
  EXPECT_EQ(tree("x.astype(int8)"), "(call (. x astype) int8)");
  EXPECT_EQ(tree("x.shape[0]"), "(index (. x shape) 0)");
  EXPECT_EQ(tree("-x.T"), "(- (. x T))");
}

TEST(Parser, Subscripts) {
  EXPECT_EQ(tree("x[0]"), "(index x 0)");
  EXPECT_EQ(tree("x[-1]"), "(index x (- 1))");
  EXPECT_EQ(tree("x[0, 1:5:2, ..., None]"), "(index-tuple x 0 (slice 1 5 2) ... None)");
  EXPECT_EQ(tree("x[::-1]"), "(index x (slice _ _ (- 1)))");
  EXPECT_EQ(tree("x[:]"), "(index x (slice _ _ _))");
  EXPECT_EQ(tree("x[1:]"), "(index x (slice 1 _ _))");
  EXPECT_EQ(tree("x[:n - 1]"), "(index x (slice _ (- n 1) _))");
  EXPECT_EQ(tree("x[::]"), "(index x (slice _ _ _))");
  EXPECT_EQ(tree("x[:, None]"), "(index-tuple x (slice _ _ _) None)");
  EXPECT_EQ(tree("x[1,]"), "(index-tuple x 1)");
  EXPECT_EQ(tree("x[(1, 2)]"), "(index x (tuple 1 2))");
  EXPECT_EQ(tree("x[0][1]"), "(index (index x 0) 1)");
  EXPECT_EQ(tree("x[i] ** 2"), "(** (index x i) 2)");
}

TEST(Parser, NodesKeepTheirColumns) {
  Expression e = parse("a + f(b)[1]");
  const AstNode& root = e.root();
  EXPECT_EQ(root.column, 1);
  EXPECT_EQ(root.op_column, 3);
  const AstNode& sub = *root.children[1];
  EXPECT_EQ(sub.kind, NodeKind::kSubscript);
  EXPECT_EQ(sub.column, 5);
  EXPECT_EQ(sub.op_column, 9);
  const AstNode& call = *sub.children[0];
  EXPECT_EQ(call.column, 5);
  EXPECT_EQ(call.op_column, 6);
  EXPECT_EQ(call.children[1]->column, 7);
}

// ---- errors ---------------------------------------------------------------------------

TEST(Parser, ErrorMessageFormat) {
  EXPECT_EQ(syntax_error("a + b)"), "syntax error at column 6 of 'a + b)': unmatched ')'");
  EXPECT_EQ(caret_lines("a + b)", 6), "  a + b)\n       ^");
  EXPECT_THROW(parse("a +"), InvalidArgumentError);
}

struct BadExpression {
  std::string source;
  int column;
  std::string fragment;
};
// One line for gtest's listing (CTest discovery reads it line by line).
void PrintTo(const BadExpression& b, std::ostream* os) { *os << "column " << b.column; }

class ParserErrors : public ::testing::TestWithParam<BadExpression> {};

TEST_P(ParserErrors, NameTheColumn) {
  const BadExpression& bad = GetParam();
  const std::string message = syntax_error(bad.source);
  ASSERT_FALSE(message.empty()) << "'" << bad.source << "' parsed";
  EXPECT_NE(message.find("syntax error at column " + std::to_string(bad.column) + " of '" + bad.source + "': "),
            std::string::npos)
      << message;
  EXPECT_NE(message.find(bad.fragment), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Bad, ParserErrors,
    ::testing::Values(
        BadExpression{"", 1, "empty expression"}, BadExpression{"   ", 4, "empty expression"},
        BadExpression{"a + b)", 6, "unmatched ')'"}, BadExpression{"a]", 2, "unmatched ']'"},
        BadExpression{"a +", 4, "unexpected end of expression"}, BadExpression{"a * ", 5, "unexpected end"},
        BadExpression{"(a + b", 1, "'(' was never closed"}, BadExpression{"f(a, b", 2, "'(' was never closed"},
        BadExpression{"x[1", 2, "'[' was never closed"}, BadExpression{"[1, 2", 1, "'[' was never closed"},
        BadExpression{"(a]", 3, "closing bracket ']' does not match opening bracket '(' at column 1"},
        BadExpression{"f(a]", 4, "does not match"}, BadExpression{"(a + )", 6, "unexpected ')'"},
        BadExpression{"a $ b", 3, "invalid character '$'"}, BadExpression{"a !b", 3, "invalid character '!'"},
        BadExpression{"a ; b", 3, "invalid character ';'"}, BadExpression{"{1}", 1, "invalid character '{'"},
        BadExpression{"\xC3\xA9 + 1", 1, "invalid character '\xC3\xA9'"},
        BadExpression{"'\xC3\xA9' + $", 7, "invalid character '$'"},
        BadExpression{"a < b < c", 7, "chained comparisons are not supported"},
        BadExpression{"a == b != c", 8, "chained comparisons"},
        BadExpression{"f(x=1, 2)", 8, "positional argument follows keyword argument"},
        BadExpression{"f(x=1, x=2)", 8, "keyword argument repeated: 'x'"},
        BadExpression{"f(if=1)", 3, "'if' cannot be a keyword argument"}, BadExpression{"f(None=1)", 3, "cannot be a keyword"},
        BadExpression{"f(*x)", 3, "unpacking"}, BadExpression{"f(**x)", 3, "unpacking"},
        BadExpression{"1 2", 3, "unexpected '2'"}, BadExpression{"a b", 3, "unexpected 'b'"},
        BadExpression{"f(a b)", 5, "unexpected 'b' (expected ',' or ')')"},
        BadExpression{"x[1 2]", 5, "expected ',' or ']'"}, BadExpression{"a = 1", 3, "use '=='"},
        BadExpression{"2x", 1, "invalid number '2x'"}, BadExpression{"1__0", 1, "invalid number '1__0'"},
        BadExpression{"1_", 1, "invalid number '1_'"}, BadExpression{"a + 1e", 5, "invalid number '1e'"},
        BadExpression{"0x", 1, "invalid number '0x'"}, BadExpression{"0b102", 1, "invalid number '0b102'"},
        BadExpression{"1.5.2", 1, "invalid number"}, BadExpression{"3jx", 1, "invalid number"},
        BadExpression{"0123", 1, "leading zeros"}, BadExpression{"99999999999999999999", 1, "too large"},
        BadExpression{"'abc", 1, "unterminated string"}, BadExpression{"a + \"abc", 5, "unterminated string"},
        BadExpression{"'a\\qb'", 3, "unsupported escape"}, BadExpression{"x[]", 3, "expected an index"},
        BadExpression{"a is b", 3, "'is' is not supported"}, BadExpression{"a in b", 3, "'in' is not supported"},
        BadExpression{"a not in b", 3, "'not in' is not supported"},
        BadExpression{"lambda: 1", 1, "'lambda' expressions are not supported"},
        BadExpression{"a if b else c", 3, "unexpected 'if'"}, BadExpression{"x.", 3, "expected an attribute name"},
        BadExpression{"x.1", 2, "unexpected '.1'"}, BadExpression{"a == not b", 6, "unexpected 'not'"},
        BadExpression{"a + and", 5, "unexpected 'and'"}, BadExpression{"(,)", 2, "unexpected ','"},
        BadExpression{"f(,)", 3, "unexpected ','"}, BadExpression{"a:b", 2, "unexpected ':'"},
        BadExpression{"1:2", 2, "unexpected ':'"}, BadExpression{"a ** ", 6, "unexpected end"},
        BadExpression{"(a + ", 1, "'(' was never closed"}, BadExpression{"f(1, [2, ", 6, "'[' was never closed"},
        BadExpression{"x[1:", 2, "'[' was never closed"}));

TEST(Parser, RejectsDeepNestingWithoutCrashing) {
  const std::string ok = std::string(100, '(') + "1" + std::string(100, ')');
  EXPECT_EQ(tree(ok), "1");
  const std::string deep = std::string(5000, '(') + "1" + std::string(5000, ')');
  EXPECT_NE(syntax_error(deep).find("too deeply nested"), std::string::npos);
  EXPECT_NE(syntax_error(std::string(5000, '-') + "1").find("too deeply nested"), std::string::npos);
  std::string sum = "1";
  for (int i = 0; i < 500; ++i) sum += "+1";
  EXPECT_NO_THROW(parse(sum));
  for (int i = 0; i < 5000; ++i) sum += "+1";
  EXPECT_NE(syntax_error(sum).find("too deeply nested"), std::string::npos);
}

TEST(Lexer, ColumnsCountCharacters) {
  const auto tokens = tokenize("'\xC3\xA9t\xC3\xA9' + x");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kString);
  EXPECT_EQ(tokens[0].value, "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(tokens[1].column, 7);
  EXPECT_EQ(tokens[2].column, 9);
  EXPECT_EQ(tokens[3].kind, TokenKind::kEnd);
  EXPECT_EQ(tokens[3].column, 10);
}

TEST(Lexer, OperatorsTakeTheLongestMatch) {
  std::string joined;
  for (const Token& t : tokenize("a**b//c<<d>>e<=f>=g==h!=i...")) joined += t.text + " ";
  EXPECT_EQ(joined, "a ** b // c << d >> e <= f >= g == h != i ...  ");
}

TEST(Lexer, IdentifiersAndKeywords) {
  EXPECT_TRUE(is_identifier("a"));
  EXPECT_TRUE(is_identifier("_x1"));
  EXPECT_FALSE(is_identifier("1a"));
  EXPECT_FALSE(is_identifier("a-b"));
  EXPECT_FALSE(is_identifier(""));
  EXPECT_TRUE(is_keyword("and"));
  EXPECT_TRUE(is_keyword("None"));
  EXPECT_FALSE(is_keyword("sum"));
}

}  // namespace
}  // namespace cubed::expr
