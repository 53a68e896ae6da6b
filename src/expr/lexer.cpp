#include "cubed/expr/lexer.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <limits>

#include "cubed/expr/source_error.hpp"

namespace cubed::expr {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

bool is_radix_digit(char c, int radix) {
  switch (radix) {
    case 2: return c == '0' || c == '1';
    case 8: return c >= '0' && c <= '7';
    case 16: return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    default: return is_digit(c);
  }
}

// Operators, longest first so that "**" wins over "*".
constexpr std::array<std::string_view, 23> kOperators = {
    "...", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "+", "-", "*",
    "/",   "%",  "@",  "&",  "|",  "^",  "~",  "<",  ">",  "=", ",",
};
constexpr std::string_view kSingleOperators = "()[]:.";

class Lexer {
 public:
  explicit Lexer(std::string_view source) : source_(source) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    while (true) {
      while (pos_ < source_.size() && (source_[pos_] == ' ' || source_[pos_] == '\t' || source_[pos_] == '\n' ||
                                       source_[pos_] == '\r' || source_[pos_] == '\f')) {
        ++pos_;
      }
      if (pos_ >= source_.size()) break;
      tokens.push_back(next());
    }
    Token end;
    end.kind = TokenKind::kEnd;
    end.column = column_of(source_, source_.size());
    tokens.push_back(end);
    return tokens;
  }

 private:
  Token next() {
    const std::size_t start = pos_;
    const char c = source_[pos_];
    if (is_digit(c) || (c == '.' && pos_ + 1 < source_.size() && is_digit(source_[pos_ + 1]))) return number();
    if (is_name_start(c)) {
      while (pos_ < source_.size() && is_name_char(source_[pos_])) ++pos_;
      return make(TokenKind::kName, start);
    }
    if (c == '\'' || c == '"') return string();
    for (std::string_view op : kOperators) {
      if (source_.substr(pos_, op.size()) == op) {
        pos_ += op.size();
        return make(TokenKind::kOperator, start);
      }
    }
    if (kSingleOperators.find(c) != std::string_view::npos) {
      ++pos_;
      return make(TokenKind::kOperator, start);
    }
    // One whole UTF-8 character in the message.
    std::size_t end = pos_ + 1;
    while (end < source_.size() && (static_cast<unsigned char>(source_[end]) & 0xC0) == 0x80) ++end;
    std::string what(source_.substr(pos_, end - pos_));
    if (c == '!') {
      throw_syntax_error(source_, column(start), "invalid character '!' (use '!=' to compare, or logical_not)");
    }
    throw_syntax_error(source_, column(start), "invalid character '" + what + "'");
  }

  Token make(TokenKind kind, std::size_t start) {
    Token t;
    t.kind = kind;
    t.text = std::string(source_.substr(start, pos_ - start));
    t.value = t.text;
    t.column = column(start);
    return t;
  }

  int column(std::size_t offset) const { return column_of(source_, offset); }

  [[noreturn]] void bad_number(std::size_t start) {
    std::size_t end = pos_;
    while (end < source_.size() && (is_name_char(source_[end]) || source_[end] == '.')) ++end;
    throw_syntax_error(source_, column(start),
                       "invalid number '" + std::string(source_.substr(start, end - start)) + "'");
  }

  // Digits of `radix` with single '_' between digits; at least one digit.
  void digits(std::size_t start, int radix, bool leading_underscore_ok = false) {
    if (leading_underscore_ok && pos_ < source_.size() && source_[pos_] == '_') ++pos_;
    if (pos_ >= source_.size() || !is_radix_digit(source_[pos_], radix)) bad_number(start);
    while (pos_ < source_.size()) {
      if (is_radix_digit(source_[pos_], radix)) {
        ++pos_;
      } else if (source_[pos_] == '_' && pos_ + 1 < source_.size() && is_radix_digit(source_[pos_ + 1], radix)) {
        pos_ += 2;
      } else {
        break;
      }
    }
  }

  Token number() {
    const std::size_t start = pos_;
    int radix = 10;
    bool is_float = false;
    bool imaginary = false;
    if (source_[pos_] == '0' && pos_ + 1 < source_.size()) {
      const char p = static_cast<char>(source_[pos_ + 1] | 0x20);
      radix = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 10;
    }
    if (radix != 10) {
      pos_ += 2;
      digits(start, radix, true);
    } else {
      if (source_[pos_] != '.') digits(start, 10);
      if (pos_ < source_.size() && source_[pos_] == '.') {
        is_float = true;
        ++pos_;
        if (pos_ < source_.size() && is_digit(source_[pos_])) digits(start, 10);
      }
      if (pos_ < source_.size() && (source_[pos_] == 'e' || source_[pos_] == 'E')) {
        is_float = true;
        ++pos_;
        if (pos_ < source_.size() && (source_[pos_] == '+' || source_[pos_] == '-')) ++pos_;
        digits(start, 10);
      }
      if (pos_ < source_.size() && (source_[pos_] == 'j' || source_[pos_] == 'J')) {
        imaginary = true;
        ++pos_;
      }
    }
    if (pos_ < source_.size() && (is_name_char(source_[pos_]) || source_[pos_] == '.')) bad_number(start);
    Token t = make(TokenKind::kNumber, start);
    std::string clean;
    for (char ch : t.text) {
      if (ch != '_') clean += ch;
    }
    if (imaginary || is_float) {
      if (imaginary) clean.pop_back();
      const double v = std::strtod(clean.c_str(), nullptr);  // overflow gives inf, as in Python
      t.number = imaginary ? Scalar(std::complex<double>(0.0, v)) : Scalar(v);
      return t;
    }
    if (radix == 10 && clean.size() > 1 && clean[0] == '0' && clean.find_first_not_of('0') != std::string::npos) {
      throw_syntax_error(source_, t.column,
                         "leading zeros in decimal integer literals are not permitted ('" + t.text + "')");
    }
    const char* first = clean.data() + (radix == 10 ? 0 : 2);
    const char* last = clean.data() + clean.size();
    std::uint64_t u = 0;
    auto [ptr, ec] = std::from_chars(first, last, u, radix);
    if (ec != std::errc() || ptr != last) {
      throw_syntax_error(source_, t.column, "integer literal too large: " + t.text);
    }
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      t.number = Scalar(static_cast<std::int64_t>(u));
    } else {
      t.number = Scalar(u);
    }
    return t;
  }

  Token string() {
    const std::size_t start = pos_;
    const char quote = source_[pos_++];
    std::string value;
    while (true) {
      if (pos_ >= source_.size() || source_[pos_] == '\n') {
        throw_syntax_error(source_, column(start), "unterminated string");
      }
      const char c = source_[pos_++];
      if (c == quote) break;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (pos_ >= source_.size()) throw_syntax_error(source_, column(start), "unterminated string");
      const char e = source_[pos_++];
      switch (e) {
        case '\\': value += '\\'; break;
        case '\'': value += '\''; break;
        case '"': value += '"'; break;
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        default:
          throw_syntax_error(source_, column(pos_ - 2), std::string("unsupported escape '\\") + e + "' in string");
      }
    }
    Token t = make(TokenKind::kString, start);
    t.value = std::move(value);
    return t;
  }

  std::string_view source_;
  std::size_t pos_ = 0;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source) { return Lexer(source).run(); }

bool is_identifier(std::string_view name) {
  if (name.empty() || !is_name_start(name[0])) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

bool is_keyword(std::string_view name) {
  static constexpr std::array<std::string_view, 35> kKeywords = {
      "False", "None",   "True",    "and",      "as",     "assert", "async", "await", "break",
      "class", "continue", "def",   "del",      "elif",   "else",   "except", "finally", "for",
      "from",  "global", "if",      "import",   "in",     "is",     "lambda", "nonlocal", "not",
      "or",    "pass",   "raise",   "return",   "try",    "while",  "with",   "yield"};
  for (std::string_view k : kKeywords) {
    if (k == name) return true;
  }
  return false;
}

}  // namespace cubed::expr
