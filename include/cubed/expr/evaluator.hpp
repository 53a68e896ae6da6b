#pragma once
/// Evaluation of parsed expressions into lazy arrays (or other values).
///
/// - Names are looked up in the defined inputs first, then in the built-in
///   names: inf, nan, pi, e, newaxis, the dtype names (bool, int8, ...,
///   complex128) and the aliases int (int64), float (float64) and complex
///   (complex128).
/// - Operators call the function table by their Array API names: + add,
///   - subtract, * multiply, / divide, // floor_divide, % remainder,
///   ** pow, @ matmul, & bitwise_and, | bitwise_or, ^ bitwise_xor,
///   << bitwise_left_shift, >> bitwise_right_shift, comparisons equal,
///   not_equal, less, less_equal, greater, greater_equal; unary - negative,
///   + positive, ~ bitwise_invert; `not`, `and`, `or` are logical_not,
///   logical_and, logical_or (elementwise). Two numbers give a number,
///   computed with Python's rules (7 // 2 == 3, 2 ** -1 == 0.5).
/// - Calls f(...) call the function table; x.f(...) is f(x, ...); arrays
///   have the attributes dtype, shape, ndim, size and chunks.
/// - x[...] on an array calls index_array (indexing.hpp); on a tuple or list
///   it indexes as Python does.
///
/// Errors raised while evaluating a part of the expression say where:
///   "bitwise_and: ... (at column 3 of 'a & 1.5')"; unknown names and
/// functions are InvalidArgumentError "unknown name 'c' at column 5 of
/// 'a + c' (inputs: a, b)".
#include <map>
#include <string>
#include <string_view>

#include "cubed/array/spec.hpp"
#include "cubed/expr/function_table.hpp"
#include "cubed/expr/parser.hpp"
#include "cubed/expr/value.hpp"

namespace cubed::expr {

/// The built-in names (see the file comment).
const std::map<std::string, Value, std::less<>>& builtin_names();

class Evaluator {
 public:
  /// `spec` is given to the arrays that functions create (ones, arange...);
  /// it should be the spec of the inputs. nullptr: the spec of the first
  /// input array, or the default spec when there is none.
  explicit Evaluator(SpecPtr spec = nullptr, const FunctionTable& functions = builtin_functions());

  /// Defines an input. Throws InvalidArgumentError when `name` is not an
  /// identifier or is a Python keyword.
  void define(const std::string& name, Value value);
  const std::map<std::string, Value, std::less<>>& inputs() const { return inputs_; }

  Value evaluate(const Expression& expression) const;
  /// Parses and evaluates.
  Value evaluate(std::string_view source) const;

 private:
  SpecPtr spec_;
  const FunctionTable* functions_;
  std::map<std::string, Value, std::less<>> inputs_;
};

/// Parses and evaluates `source` with the given input arrays.
Value evaluate(std::string_view source, const std::map<std::string, Array>& inputs, SpecPtr spec = nullptr);

}  // namespace cubed::expr
