#pragma once
/// Tokens of the expression language, a subset of Python's expression
/// syntax:
/// - names: ASCII letters, digits and '_', not starting with a digit;
/// - numbers: integers (`12`, `1_000`, `0x1f`, `0o17`, `0b101`), floats
///   (`1.5`, `.5`, `5.`, `1e-3`, `2.5E+4`) and imaginary numbers (`2j`,
///   `1.5e3J`), with '_' allowed between digits as in Python;
/// - strings in single or double quotes, with the escapes \\ \' \" \n \t;
/// - operators and punctuation: + - * / // % ** @ & | ^ ~ << >> < > <= >=
///   == != ( ) [ ] , : . ... =
/// Keywords (`and`, `not`, `True`, ...) are names; the parser gives them
/// their meaning.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cubed/core/scalar.hpp"

namespace cubed::expr {

enum class TokenKind : std::uint8_t { kName, kNumber, kString, kOperator, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  /// The token as written in the source ("1_000", "'abc'", "**").
  std::string text;
  /// kString: the decoded string; kName and kOperator: same as text.
  std::string value;
  /// kNumber: the value (int64, uint64 when above int64's range, float64 or
  /// complex128 for imaginary literals).
  Scalar number;
  int column = 0;  ///< 1-based character column of the first character
};

/// Splits `source` into tokens, ending with one kEnd token (column one past
/// the last character). Throws InvalidArgumentError naming the column for an
/// invalid character, number or unterminated string.
std::vector<Token> tokenize(std::string_view source);

/// True for an ASCII identifier ([A-Za-z_][A-Za-z0-9_]*).
bool is_identifier(std::string_view name);
/// True for Python's reserved words (`and`, `None`, `lambda`, ...), which
/// cannot name inputs.
bool is_keyword(std::string_view name);

}  // namespace cubed::expr
