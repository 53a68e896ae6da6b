#pragma once
/// The syntax tree of an expression. Every node keeps the 1-based column of
/// its first character and of its operator, so that errors found while
/// evaluating can point at the operator or function that failed.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cubed/core/scalar.hpp"

namespace cubed::expr {

enum class NodeKind : std::uint8_t {
  kNumber,     ///< number (bool for True/False)
  kString,     ///< text: the string
  kName,       ///< text: the name
  kNone,       ///< None
  kEllipsis,   ///< ...
  kTuple,      ///< children: items
  kList,       ///< children: items
  kUnary,      ///< text: "-", "+", "~" or "not"; children: operand
  kBinary,     ///< text: "+", "**", "and", ...; children: left, right
  kCompare,    ///< text: "<", "==", ...; children: left, right
  kCall,       ///< children: callee, then arguments (keyword arguments are kKeyword)
  kKeyword,    ///< text: the keyword; children: value
  kSubscript,  ///< children: value, then one node per index item
  kSlice,      ///< children: start, stop, step (nullptr when omitted)
  kAttribute,  ///< text: the attribute; children: value
};

struct AstNode;
using AstNodePtr = std::unique_ptr<AstNode>;

struct AstNode {
  NodeKind kind = NodeKind::kNone;
  int column = 0;     ///< first character
  int op_column = 0;  ///< operator, '(' of a call, '[' of a subscript, '.' of an attribute; else == column
  std::string text;
  Scalar number;
  std::vector<AstNodePtr> children;
  /// kSubscript: written with a comma (`x[1,]`, `x[1, 2]`), so the index is
  /// a tuple even with one item.
  bool tuple_index = false;
};

/// S-expression form, for tests and debugging: `(+ a (* 2 b))`,
/// `(call sum x axis=(tuple 0 1))`, `(index x 0 (slice _ _ -1) ... None)`;
/// `_` is an omitted slice part, strings are quoted.
std::string to_string(const AstNode& node);

}  // namespace cubed::expr
