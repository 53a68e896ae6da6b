#include "cubed/expr/function_table.hpp"

#include <algorithm>

#include "cubed/core/error.hpp"
#include "cubed/expr/parser.hpp"
#include "suggest.hpp"

namespace cubed::expr {
namespace {

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

// Splits at commas outside brackets and quotes.
std::vector<std::string> split_parameters(std::string_view text) {
  std::vector<std::string> parts;
  int depth = 0;
  char quote = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '(' || c == '[') {
      ++depth;
    } else if (c == ')' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 0) {
      parts.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  std::string last = trim(text.substr(start));
  if (!last.empty() || !parts.empty()) parts.push_back(last);
  return parts;
}

// The value of a default: literals, tuples of literals and dtype names.
Value literal_value(const AstNode& n) {
  switch (n.kind) {
    case NodeKind::kNumber: return n.number;
    case NodeKind::kString: return n.text;
    case NodeKind::kNone: return Value();
    case NodeKind::kName: return dtype_from_name(n.text);
    case NodeKind::kTuple:
    case NodeKind::kList: {
      std::vector<Value> items;
      for (const AstNodePtr& c : n.children) items.push_back(literal_value(*c));
      return n.kind == NodeKind::kTuple ? Value::tuple(std::move(items)) : Value::list(std::move(items));
    }
    case NodeKind::kUnary:
      if (n.text == "-" && n.children[0]->kind == NodeKind::kNumber) {
        const Scalar& s = n.children[0]->number;
        if (s.kind() == Scalar::Kind::kInt) return Scalar(-s.as_int());
        if (s.kind() == Scalar::Kind::kFloat) return Scalar(-s.as_double());
      }
      break;
    default: break;
  }
  throw InternalError("a default value must be a literal, not '" + to_string(n) + "'");
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) s += names.size() == 2 ? " and " : (i + 1 == names.size() ? ", and " : ", ");
    s += "'" + names[i] + "'";
  }
  return s;
}

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

// ---- Signature ------------------------------------------------------------------

Signature::Signature(std::string_view text) : text_(text) {
  bool keyword_only = false;
  bool seen_slash = false;
  for (const std::string& part : split_parameters(text)) {
    if (part == "/") {
      if (seen_slash || keyword_only) throw InternalError("misplaced '/' in signature '" + text_ + "'");
      seen_slash = true;
      for (Parameter& p : parameters_) p.kind = ParameterKind::kPositionalOnly;
      continue;
    }
    if (part == "*") {
      if (keyword_only) throw InternalError("two '*' in signature '" + text_ + "'");
      keyword_only = true;
      continue;
    }
    Parameter p;
    if (part.size() > 1 && part[0] == '*') {  // *args
      if (keyword_only) throw InternalError("misplaced '" + part + "' in signature '" + text_ + "'");
      keyword_only = true;
      p.name = trim(part.substr(1));
      p.kind = ParameterKind::kVarPositional;
      p.default_value = Value::tuple({});
      parameters_.push_back(std::move(p));
      continue;
    }
    const auto eq = part.find('=');
    p.name = trim(part.substr(0, eq));
    if (p.name.empty()) throw InternalError("empty parameter in signature '" + text_ + "'");
    if (eq != std::string::npos) {
      try {
        p.default_value = literal_value(parse(part.substr(eq + 1)).root());
      } catch (const Error& e) {
        throw InternalError("bad default of '" + p.name + "' in signature '" + text_ + "': " + e.what());
      }
    } else if (!keyword_only && !parameters_.empty() && parameters_.back().default_value) {
      throw InternalError("parameter without default after one with a default in '" + text_ + "'");
    }
    p.kind = keyword_only ? ParameterKind::kKeywordOnly : ParameterKind::kPositionalOrKeyword;
    for (const Parameter& q : parameters_) {
      if (q.name == p.name) throw InternalError("duplicate parameter '" + p.name + "' in '" + text_ + "'");
    }
    parameters_.push_back(std::move(p));
  }
}

// ---- CallArguments ----------------------------------------------------------------

std::size_t CallArguments::index(std::string_view name) const {
  const auto& params = signature_->parameters();
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (params[i].name == name) return i;
  }
  throw InternalError(function_ + "() has no parameter '" + std::string(name) + "'");
}

const Value& CallArguments::operator[](std::string_view name) const { return values_[index(name)]; }
bool CallArguments::given(std::string_view name) const { return given_[index(name)]; }

void CallArguments::type_error(std::string_view name, std::string_view expected) const {
  throw InvalidArgumentError(function_ + "() argument '" + std::string(name) + "' must be " + std::string(expected) +
                             ", not " + (*this)[name].type_name());
}

const Array& CallArguments::array(std::string_view name) const {
  const Value& v = (*this)[name];
  if (!v.is_array()) type_error(name, "an array");
  return v.array();
}

Operand CallArguments::operand(std::string_view name) const {
  const Value& v = (*this)[name];
  if (v.is_array()) return Operand(v.array());
  if (v.is_scalar()) return Operand(v.scalar());
  type_error(name, "an array or a number");
}

const Scalar& CallArguments::number(std::string_view name) const {
  const Value& v = (*this)[name];
  if (!v.is_scalar()) type_error(name, "a number");
  return v.scalar();
}

double CallArguments::real(std::string_view name) const {
  const Value& v = (*this)[name];
  if (!v.is_scalar() || v.scalar().kind() == Scalar::Kind::kComplex) type_error(name, "a real number");
  return v.scalar().as_double();
}

std::int64_t CallArguments::integer(std::string_view name) const {
  const Value& v = (*this)[name];
  if (!v.is_int()) type_error(name, "an int");
  if (v.scalar().kind() == Scalar::Kind::kUInt) {
    throw InvalidArgumentError(function_ + "() argument '" + std::string(name) + "' is too large: " +
                               v.scalar().to_string());
  }
  return v.scalar().as_int();
}

std::optional<std::int64_t> CallArguments::optional_integer(std::string_view name) const {
  if ((*this)[name].is_none()) return std::nullopt;
  if (!(*this)[name].is_int()) type_error(name, "an int or None");
  return integer(name);
}

bool CallArguments::boolean(std::string_view name) const {
  const Value& v = (*this)[name];
  if (!v.is_scalar() || v.scalar().kind() != Scalar::Kind::kBool) type_error(name, "a bool");
  return v.scalar().as_bool();
}

std::optional<DType> CallArguments::dtype(std::string_view name) const {
  const Value& v = (*this)[name];
  if (v.is_none()) return std::nullopt;
  if (v.is_dtype()) return v.dtype();
  if (v.is_string()) {
    try {
      return dtype_from_name(v.string());
    } catch (const DTypeError&) {
      throw DTypeError(function_ + "() argument '" + std::string(name) + "': unknown dtype '" + v.string() +
                       "' (bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64, "
                       "complex64, complex128)");
    }
  }
  type_error(name, "a dtype");
}

Shape CallArguments::shape(std::string_view name) const {
  const Value& v = (*this)[name];
  Shape shape;
  if (v.is_int()) {
    shape.push_back(integer(name));
  } else if (v.is_sequence()) {
    for (const Value& item : v.items()) {
      if (!item.is_int() || item.scalar().kind() == Scalar::Kind::kUInt) {
        type_error(name, "an int or a tuple of ints");
      }
      shape.push_back(item.scalar().as_int());
    }
  } else {
    type_error(name, "an int or a tuple of ints");
  }
  for (std::int64_t d : shape) {
    if (d < 0) {
      throw InvalidArgumentError(function_ + "() argument '" + std::string(name) +
                                 "' has a negative dimension: " + shape_to_string(shape));
    }
  }
  return shape;
}

ChunkSpec CallArguments::chunks(std::string_view name) const {
  const Value& v = (*this)[name];
  const char* expected = "an int, 'auto', None or a tuple of ints";
  auto is_auto = [](const Value& x) { return x.is_none() || (x.is_string() && x.string() == "auto"); };
  if (is_auto(v)) return AutoChunks{};
  if (v.is_int()) return integer(name);
  if (!v.is_sequence()) {
    if (v.is_string()) {
      throw InvalidArgumentError(function_ + "() argument '" + std::string(name) + "': unknown chunks '" +
                                 v.string() + "' (expected " + expected + ")");
    }
    type_error(name, expected);
  }
  std::vector<std::int64_t> per_axis;
  for (const Value& item : v.items()) {
    if (is_auto(item)) {
      per_axis.push_back(0);
    } else if (item.is_int() && item.scalar().kind() == Scalar::Kind::kInt) {
      per_axis.push_back(item.scalar().as_int());
    } else {
      type_error(name, expected);
    }
  }
  return per_axis;
}

// ---- FunctionTable ----------------------------------------------------------------

void FunctionTable::add(std::string name, std::string_view signature, Function function) {
  entries_[std::move(name)] = Entry{std::make_shared<const Signature>(signature), std::move(function)};
}

const Signature* FunctionTable::signature(std::string_view name) const {
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : it->second.signature.get();
}

std::vector<std::string> FunctionTable::names() const {
  std::vector<std::string> names;
  for (const auto& [name, entry] : entries_) names.push_back(name);
  return names;
}

Value FunctionTable::call(std::string_view name, std::vector<Value> positional,
                          std::vector<std::pair<std::string, Value>> keywords, const SpecPtr& spec) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) throw InvalidArgumentError("unknown function '" + std::string(name) + "'");
  const std::string fn(name);
  const Signature& sig = *it->second.signature;
  const auto& params = sig.parameters();
  std::vector<Value> values(params.size());
  std::vector<bool> given(params.size(), false);

  // Positional arguments fill the parameters that can take them, in order.
  std::size_t max_positional = 0, min_positional = 0;
  const auto var = std::find_if(params.begin(), params.end(),
                                [](const Parameter& p) { return p.kind == ParameterKind::kVarPositional; });
  for (const Parameter& p : params) {
    if (p.kind == ParameterKind::kKeywordOnly || p.kind == ParameterKind::kVarPositional) continue;
    ++max_positional;
    if (!p.default_value) ++min_positional;
  }
  if (var != params.end() && positional.size() > max_positional) {
    const std::size_t v = static_cast<std::size_t>(var - params.begin());
    values[v] = Value::tuple({std::make_move_iterator(positional.begin() + static_cast<std::ptrdiff_t>(max_positional)),
                              std::make_move_iterator(positional.end())});
    given[v] = true;
    positional.resize(max_positional);
  }
  if (positional.size() > max_positional) {
    const std::string takes = min_positional == max_positional
                                  ? std::to_string(max_positional)
                                  : "from " + std::to_string(min_positional) + " to " + std::to_string(max_positional);
    throw InvalidArgumentError(fn + "() takes " + takes + " positional argument" + (max_positional == 1 ? "" : "s") +
                               " but " + std::to_string(positional.size()) +
                               (positional.size() == 1 ? " was" : " were") + " given");
  }
  for (std::size_t i = 0; i < positional.size(); ++i) {
    values[i] = std::move(positional[i]);
    given[i] = true;
  }

  // Keywords by name.
  std::vector<std::string> positional_only_passed;
  for (auto& [keyword, value] : keywords) {
    auto p = std::find_if(params.begin(), params.end(), [&](const Parameter& q) { return q.name == keyword; });
    if (p == params.end() || p->kind == ParameterKind::kVarPositional) {
      std::vector<std::string> candidates;
      for (const Parameter& q : params) {
        if (q.kind != ParameterKind::kPositionalOnly && q.kind != ParameterKind::kVarPositional) {
          candidates.push_back(q.name);
        }
      }
      std::string message = fn + "() got an unexpected keyword argument '" + keyword + "'";
      if (auto near = detail::closest_name(keyword, candidates)) message += " (did you mean '" + *near + "'?)";
      throw InvalidArgumentError(message);
    }
    if (p->kind == ParameterKind::kPositionalOnly) {
      positional_only_passed.push_back(keyword);
      continue;
    }
    const std::size_t i = static_cast<std::size_t>(p - params.begin());
    if (given[i]) throw InvalidArgumentError(fn + "() got multiple values for argument '" + keyword + "'");
    values[i] = std::move(value);
    given[i] = true;
  }
  if (!positional_only_passed.empty()) {
    throw InvalidArgumentError(fn + "() got some positional-only arguments passed as keyword arguments: " +
                               quoted_list(positional_only_passed));
  }

  // Defaults, and what is still missing.
  std::vector<std::string> missing_positional, missing_keyword;
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (given[i]) continue;
    if (params[i].default_value) {
      values[i] = *params[i].default_value;
    } else if (params[i].kind == ParameterKind::kKeywordOnly) {
      missing_keyword.push_back(params[i].name);
    } else {
      missing_positional.push_back(params[i].name);
    }
  }
  if (!missing_positional.empty()) {
    throw InvalidArgumentError(fn + "() missing " + plural(missing_positional.size(), "required positional argument") +
                               ": " + quoted_list(missing_positional));
  }
  if (!missing_keyword.empty()) {
    throw InvalidArgumentError(fn + "() missing " + plural(missing_keyword.size(), "required keyword-only argument") +
                               ": " + quoted_list(missing_keyword));
  }
  return it->second.function(CallArguments(fn, sig, std::move(values), std::move(given), spec));
}

}  // namespace cubed::expr
