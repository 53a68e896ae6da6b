#include "cubed/expr/source_error.hpp"

#include "cubed/core/error.hpp"

namespace cubed::expr {

int column_of(std::string_view source, std::size_t offset) {
  int column = 1;
  for (std::size_t i = 0; i < offset && i < source.size(); ++i) {
    // UTF-8 continuation bytes (10xxxxxx) do not start a character.
    if ((static_cast<unsigned char>(source[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

std::string describe_position(std::string_view source, int column) {
  return "at column " + std::to_string(column) + " of '" + std::string(source) + "'";
}

std::string caret_lines(std::string_view source, int column) {
  return "  " + std::string(source) + "\n" + std::string(static_cast<std::size_t>(column + 1), ' ') + "^";
}

void throw_syntax_error(std::string_view source, int column, const std::string& message) {
  throw InvalidArgumentError("syntax error " + describe_position(source, column) + ": " + message);
}

}  // namespace cubed::expr
