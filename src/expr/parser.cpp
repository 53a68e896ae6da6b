// Recursive-descent parser, one function per precedence level (see
// parser.hpp). Errors name the column of the offending token.
#include "cubed/expr/parser.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "cubed/core/error.hpp"
#include "cubed/expr/lexer.hpp"
#include "cubed/expr/source_error.hpp"

namespace cubed::expr {
namespace {

/// Most nested brackets and unary operators, and the tallest tree, that
/// parsing (and then evaluating, which recurses over the tree) accepts.
constexpr int kMaxNesting = 100;
constexpr int kMaxHeight = 1000;

class Parser {
 public:
  explicit Parser(std::string_view source) : source_(source), tokens_(tokenize(source)) {}

  AstNodePtr run() {
    if (peek().kind == TokenKind::kEnd) fail(peek(), "empty expression");
    AstNodePtr root = expression();
    const Token& t = peek();
    if (t.kind != TokenKind::kEnd) {
      if (is_op(t, ")") || is_op(t, "]")) fail(t, "unmatched '" + t.text + "'");
      if (is_op(t, "=")) fail(t, "unexpected '=' (use '==' to compare)");
      fail(t, "unexpected " + describe(t));
    }
    return root;
  }

 private:
  // ---- tokens ---------------------------------------------------------------

  const Token& peek(std::size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  const Token& advance() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  static bool is_op(const Token& t, std::string_view op) { return t.kind == TokenKind::kOperator && t.text == op; }
  static bool is_name(const Token& t, std::string_view name) { return t.kind == TokenKind::kName && t.text == name; }
  bool accept(std::string_view op) {
    if (!is_op(peek(), op)) return false;
    advance();
    return true;
  }

  static std::string describe(const Token& t) {
    if (t.kind == TokenKind::kEnd) return "end of expression";
    return "'" + t.text + "'";
  }

  [[noreturn]] void fail(const Token& t, const std::string& message) const {
    throw_syntax_error(source_, t.column, message);
  }
  [[noreturn]] void fail(int column, const std::string& message) const {
    throw_syntax_error(source_, column, message);
  }

  // Expects the closing bracket of `open`.
  void close(const Token& open, std::string_view closer) {
    const Token& t = peek();
    if (is_op(t, closer)) {
      advance();
      return;
    }
    if (t.kind == TokenKind::kEnd) fail(open, "'" + open.text + "' was never closed");
    if (is_op(t, ")") || is_op(t, "]")) {
      fail(t, "closing bracket '" + t.text + "' does not match opening bracket '" + open.text + "' at column " +
                  std::to_string(open.column));
    }
    fail(t, "unexpected " + describe(t) + " (expected ',' or '" + std::string(closer) + "')");
  }

  // ---- nodes ----------------------------------------------------------------

  AstNodePtr node(NodeKind kind, int column, std::string text = {}) {
    auto n = std::make_unique<AstNode>();
    n->kind = kind;
    n->column = column;
    n->op_column = column;
    n->text = std::move(text);
    return n;
  }

  // Tracks tree height so that evaluation (recursive) stays shallow.
  AstNodePtr finish(AstNodePtr n) {
    int h = 0;
    for (const AstNodePtr& c : n->children) h = std::max(h, heights_.count(c.get()) ? heights_[c.get()] : 1);
    if (h + 1 > kMaxHeight) {
      fail(n->op_column, "expression too deeply nested (more than " + std::to_string(kMaxHeight) + " levels)");
    }
    heights_[n.get()] = h + 1;
    return n;
  }

  AstNodePtr binary(NodeKind kind, const Token& op, AstNodePtr left, AstNodePtr right) {
    AstNodePtr n = node(kind, left->column, op.text);
    n->op_column = op.column;
    n->children.push_back(std::move(left));
    n->children.push_back(std::move(right));
    return finish(std::move(n));
  }

  // Counts nesting (brackets and unary operators) and remembers open
  // brackets, so that an early end names the bracket never closed.
  struct NestingGuard {
    NestingGuard(Parser& p, const Token& at) : parser(p), bracket(is_op(at, "(") || is_op(at, "[")) {
      if (++parser.nesting_ > kMaxNesting) {
        parser.fail(at, "expression too deeply nested (more than " + std::to_string(kMaxNesting) + " levels)");
      }
      if (bracket) parser.open_.push_back(at);
    }
    ~NestingGuard() {
      --parser.nesting_;
      if (bracket) parser.open_.pop_back();
    }
    Parser& parser;
    bool bracket;
  };

  // ---- grammar, lowest precedence first ----------------------------------------

  AstNodePtr expression() { return or_test(); }

  AstNodePtr or_test() {
    AstNodePtr left = and_test();
    while (is_name(peek(), "or")) {
      const Token op = advance();
      left = binary(NodeKind::kBinary, op, std::move(left), and_test());
    }
    return left;
  }

  AstNodePtr and_test() {
    AstNodePtr left = not_test();
    while (is_name(peek(), "and")) {
      const Token op = advance();
      left = binary(NodeKind::kBinary, op, std::move(left), not_test());
    }
    return left;
  }

  AstNodePtr not_test() {
    if (!is_name(peek(), "not")) return comparison();
    const Token op = advance();
    NestingGuard guard(*this, op);
    AstNodePtr n = node(NodeKind::kUnary, op.column, "not");
    n->children.push_back(not_test());
    return finish(std::move(n));
  }

  static bool is_comparison(const Token& t) {
    static const std::set<std::string, std::less<>> kOps = {"<", "<=", ">", ">=", "==", "!="};
    return t.kind == TokenKind::kOperator && kOps.count(t.text);
  }

  void reject_membership(const Token& t) const {
    if (is_name(t, "in") || (is_name(t, "not") && is_name(peek(1), "in"))) {
      fail(t, "operator '" + std::string(is_name(t, "in") ? "in" : "not in") + "' is not supported");
    }
    if (is_name(t, "is")) fail(t, "operator 'is' is not supported (use == or !=)");
  }

  AstNodePtr comparison() {
    AstNodePtr left = bit_or();
    reject_membership(peek());
    if (!is_comparison(peek())) return left;
    const Token op = advance();
    AstNodePtr result = binary(NodeKind::kCompare, op, std::move(left), bit_or());
    if (is_comparison(peek())) {
      fail(peek(), "chained comparisons are not supported (write (a " + op.text + " b) & (b " + peek().text +
                       " c) instead of a " + op.text + " b " + peek().text + " c)");
    }
    reject_membership(peek());
    return result;
  }

  template <class Next>
  AstNodePtr left_assoc(std::initializer_list<std::string_view> ops, Next next) {
    AstNodePtr left = (this->*next)();
    while (true) {
      const Token& t = peek();
      if (std::none_of(ops.begin(), ops.end(), [&](std::string_view o) { return is_op(t, o); })) return left;
      const Token op = advance();
      left = binary(NodeKind::kBinary, op, std::move(left), (this->*next)());
    }
  }

  AstNodePtr bit_or() { return left_assoc({"|"}, &Parser::bit_xor); }
  AstNodePtr bit_xor() { return left_assoc({"^"}, &Parser::bit_and); }
  AstNodePtr bit_and() { return left_assoc({"&"}, &Parser::shift); }
  AstNodePtr shift() { return left_assoc({"<<", ">>"}, &Parser::arith); }
  AstNodePtr arith() { return left_assoc({"+", "-"}, &Parser::term); }
  AstNodePtr term() { return left_assoc({"*", "@", "/", "//", "%"}, &Parser::factor); }

  AstNodePtr factor() {
    const Token& t = peek();
    if (!(is_op(t, "-") || is_op(t, "+") || is_op(t, "~"))) return power();
    const Token op = advance();
    NestingGuard guard(*this, op);
    AstNodePtr n = node(NodeKind::kUnary, op.column, op.text);
    n->children.push_back(factor());
    return finish(std::move(n));
  }

  AstNodePtr power() {
    AstNodePtr base = primary();
    if (!is_op(peek(), "**")) return base;
    const Token op = advance();
    NestingGuard guard(*this, op);
    return binary(NodeKind::kBinary, op, std::move(base), factor());
  }

  AstNodePtr primary() {
    AstNodePtr n = atom();
    while (true) {
      const Token& t = peek();
      if (is_op(t, "(")) {
        n = call(std::move(n));
      } else if (is_op(t, "[")) {
        n = subscript(std::move(n));
      } else if (is_op(t, ".")) {
        const Token dot = advance();
        const Token& name = peek();
        if (name.kind != TokenKind::kName || is_keyword(name.text)) {
          fail(name, "expected an attribute name after '.', found " + describe(name));
        }
        AstNodePtr a = node(NodeKind::kAttribute, n->column, advance().text);
        a->op_column = dot.column;
        a->children.push_back(std::move(n));
        n = finish(std::move(a));
      } else {
        return n;
      }
    }
  }

  AstNodePtr call(AstNodePtr callee) {
    const Token open = advance();
    NestingGuard guard(*this, open);
    AstNodePtr n = node(NodeKind::kCall, callee->column);
    n->op_column = open.column;
    n->children.push_back(std::move(callee));
    std::set<std::string, std::less<>> keywords;
    while (!is_op(peek(), ")")) {
      const Token& t = peek();
      if (t.kind == TokenKind::kName && is_op(peek(1), "=")) {
        const Token name = advance();
        if (is_keyword(name.text)) fail(name, "'" + name.text + "' cannot be a keyword argument");
        if (!keywords.insert(name.text).second) fail(name, "keyword argument repeated: '" + name.text + "'");
        advance();  // '='
        AstNodePtr k = node(NodeKind::kKeyword, name.column, name.text);
        k->children.push_back(expression());
        n->children.push_back(finish(std::move(k)));
      } else {
        if (is_op(t, "*") || is_op(t, "**")) fail(t, "argument unpacking ('" + t.text + "') is not supported");
        if (!keywords.empty()) fail(t, "positional argument follows keyword argument");
        if (t.kind == TokenKind::kEnd) fail(open, "'(' was never closed");
        n->children.push_back(expression());
      }
      if (!accept(",")) break;
    }
    close(open, ")");
    return finish(std::move(n));
  }

  bool at_slice_part_end() const {
    const Token& t = peek();
    return is_op(t, ":") || is_op(t, ",") || is_op(t, "]") || t.kind == TokenKind::kEnd;
  }

  AstNodePtr subscript(AstNodePtr value) {
    const Token open = advance();
    NestingGuard guard(*this, open);
    AstNodePtr n = node(NodeKind::kSubscript, value->column);
    n->op_column = open.column;
    n->children.push_back(std::move(value));
    if (is_op(peek(), "]")) fail(peek(), "expected an index");
    while (!is_op(peek(), "]")) {
      if (peek().kind == TokenKind::kEnd) fail(open, "'[' was never closed");
      n->children.push_back(subscript_item());
      if (!accept(",")) break;
      n->tuple_index = true;
    }
    close(open, "]");
    return finish(std::move(n));
  }

  AstNodePtr subscript_item() {
    const int column = peek().column;
    AstNodePtr start;
    if (!is_op(peek(), ":")) {
      start = expression();
      if (!is_op(peek(), ":")) return start;
    }
    AstNodePtr s = node(NodeKind::kSlice, column);
    s->op_column = peek().column;
    advance();  // ':'
    AstNodePtr stop, step;
    if (!at_slice_part_end()) stop = expression();
    if (accept(":")) {
      if (!at_slice_part_end()) step = expression();
    }
    s->children.push_back(std::move(start));
    s->children.push_back(std::move(stop));
    s->children.push_back(std::move(step));
    return finish(std::move(s));
  }

  // Items up to `closer`, after the opening bracket; true when a comma was seen.
  bool items(const Token& open, std::string_view closer, std::vector<AstNodePtr>& out) {
    bool comma = false;
    while (!is_op(peek(), closer)) {
      if (peek().kind == TokenKind::kEnd) fail(open, "'" + open.text + "' was never closed");
      out.push_back(expression());
      if (!accept(",")) break;
      comma = true;
    }
    close(open, closer);
    return comma;
  }

  AstNodePtr atom() {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::kNumber: {
        AstNodePtr n = node(NodeKind::kNumber, t.column, t.text);
        n->number = advance().number;
        return finish(std::move(n));
      }
      case TokenKind::kString: {
        AstNodePtr n = node(NodeKind::kString, t.column);
        while (peek().kind == TokenKind::kString) n->text += advance().value;  // "a" "b" is "ab"
        return finish(std::move(n));
      }
      case TokenKind::kName: {
        if (t.text == "True" || t.text == "False") {
          AstNodePtr n = node(NodeKind::kNumber, t.column, t.text);
          n->number = Scalar(advance().text == "True");
          return finish(std::move(n));
        }
        if (t.text == "None") return finish(node(NodeKind::kNone, advance().column, "None"));
        if (is_keyword(t.text)) {
          if (t.text == "lambda" || t.text == "if" || t.text == "for") {
            fail(t, "'" + t.text + "' expressions are not supported");
          }
          fail(t, "unexpected " + describe(t));
        }
        return finish(node(NodeKind::kName, t.column, advance().text));
      }
      case TokenKind::kEnd:
        if (!open_.empty()) fail(open_.back(), "'" + open_.back().text + "' was never closed");
        fail(t, "unexpected end of expression");
      case TokenKind::kOperator: break;
    }
    if (is_op(t, "...")) return finish(node(NodeKind::kEllipsis, advance().column, "..."));
    if (is_op(t, "(")) {
      const Token open = advance();
      NestingGuard guard(*this, open);
      std::vector<AstNodePtr> list;
      if (is_op(peek(), ")")) {
        advance();
        return finish(node(NodeKind::kTuple, open.column));
      }
      AstNodePtr first = expression();
      if (!is_op(peek(), ",")) {
        close(open, ")");
        return first;  // parentheses only group
      }
      advance();
      list.push_back(std::move(first));
      items(open, ")", list);
      AstNodePtr n = node(NodeKind::kTuple, open.column);
      n->children = std::move(list);
      return finish(std::move(n));
    }
    if (is_op(t, "[")) {
      const Token open = advance();
      NestingGuard guard(*this, open);
      AstNodePtr n = node(NodeKind::kList, open.column);
      items(open, "]", n->children);
      return finish(std::move(n));
    }
    if (is_op(t, ")") || is_op(t, "]")) {
      if (nesting_ == 0) fail(t, "unmatched '" + t.text + "'");
      fail(t, "unexpected '" + t.text + "' (expected an expression)");
    }
    if (is_op(t, "=")) fail(t, "unexpected '=' (use '==' to compare)");
    fail(t, "unexpected " + describe(t));
  }

  std::string_view source_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int nesting_ = 0;
  std::vector<Token> open_;
  std::map<const AstNode*, int> heights_;
};

void append(std::string& out, const AstNode* n);

void append_children(std::string& out, const AstNode& n, std::size_t first) {
  for (std::size_t i = first; i < n.children.size(); ++i) {
    out += ' ';
    append(out, n.children[i].get());
  }
}

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') q += '\\';
    q += c;
  }
  return q + "'";
}

void append(std::string& out, const AstNode* n) {
  if (n == nullptr) {
    out += '_';
    return;
  }
  switch (n->kind) {
    case NodeKind::kNumber: out += n->number.to_string(); return;
    case NodeKind::kString: out += quoted(n->text); return;
    case NodeKind::kName: out += n->text; return;
    case NodeKind::kNone: out += "None"; return;
    case NodeKind::kEllipsis: out += "..."; return;
    case NodeKind::kTuple:
    case NodeKind::kList:
      out += n->kind == NodeKind::kTuple ? "(tuple" : "(list";
      append_children(out, *n, 0);
      out += ')';
      return;
    case NodeKind::kUnary:
    case NodeKind::kBinary:
    case NodeKind::kCompare:
      out += '(' + n->text;
      append_children(out, *n, 0);
      out += ')';
      return;
    case NodeKind::kCall:
      out += "(call";
      append_children(out, *n, 0);
      out += ')';
      return;
    case NodeKind::kKeyword:
      out += n->text + '=';
      append(out, n->children[0].get());
      return;
    case NodeKind::kSubscript:
      out += n->tuple_index ? "(index-tuple" : "(index";
      append_children(out, *n, 0);
      out += ')';
      return;
    case NodeKind::kSlice:
      out += "(slice";
      append_children(out, *n, 0);
      out += ')';
      return;
    case NodeKind::kAttribute:
      out += "(. ";
      append(out, n->children[0].get());
      out += ' ' + n->text + ')';
      return;
  }
}

}  // namespace

Expression parse(std::string_view source) { return Expression(std::string(source), Parser(source).run()); }

std::string to_string(const AstNode& node) {
  std::string out;
  append(out, &node);
  return out;
}

}  // namespace cubed::expr
