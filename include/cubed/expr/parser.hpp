#pragma once
/// Parser of the expression language: Python's expression grammar, minus
/// what array expressions do not need (lambdas, comprehensions, `x if c
/// else y`, starred arguments, `in`, `is`, chained comparisons).
///
/// Precedence, lowest first (all binary operators left-associative except
/// `**`):
///   or | and | not | comparisons (< <= > >= == !=, no chaining)
///   | '|' | '^' | '&' | << >> | + - | * @ / // % | unary - + ~
///   | ** (right-associative; binds tighter than a unary operator on its left:
///     -2**2 == -4, and its right operand may be unary: 2**-1)
///   | calls f(...), subscripts x[...], attributes x.name | atoms
/// Atoms: numbers, strings, names, True, False, None, ..., (expr),
/// tuples `()`, `(1,)`, `(1, 2)`, lists `[1, 2]`. Subscripts take integers,
/// slices `a:b:c` (each part optional), `...` and None, separated by commas.
#include <string>
#include <string_view>

#include "cubed/expr/ast.hpp"

namespace cubed::expr {

/// A parsed expression and its source text (for error messages).
class Expression {
 public:
  Expression(std::string source, AstNodePtr root) : source_(std::move(source)), root_(std::move(root)) {}
  const std::string& source() const { return source_; }
  const AstNode& root() const { return *root_; }

 private:
  std::string source_;
  AstNodePtr root_;
};

/// Parses an expression. Throws InvalidArgumentError
/// "syntax error at column N of 'SOURCE': WHAT" (see source_error.hpp).
Expression parse(std::string_view source);

}  // namespace cubed::expr
