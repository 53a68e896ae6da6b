#pragma once
/// Where in an expression something went wrong. Every error about an
/// expression names its position as a 1-based column (counted in characters)
/// and quotes the expression, on one line, so that the command line can print
/// it as "error: ...":
///   syntax error at column 6 of 'a + b)': unmatched ')'
#include <string>
#include <string_view>

namespace cubed::expr {

/// 1-based character column of byte `offset` in UTF-8 `source`.
int column_of(std::string_view source, std::size_t offset);
/// "at column 6 of 'a + b)'".
std::string describe_position(std::string_view source, int column);
/// Two lines for interactive tools: the expression indented by two spaces,
/// then a caret under `column`.
std::string caret_lines(std::string_view source, int column);
/// Throws InvalidArgumentError "syntax error at column N of 'SOURCE': MESSAGE".
[[noreturn]] void throw_syntax_error(std::string_view source, int column, const std::string& message);

}  // namespace cubed::expr
