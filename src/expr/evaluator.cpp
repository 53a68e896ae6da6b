#include "cubed/expr/evaluator.hpp"

#include <cmath>
#include <limits>
#include <numbers>

#include "cubed/core/error.hpp"
#include "cubed/expr/indexing.hpp"
#include "cubed/expr/lexer.hpp"
#include "cubed/expr/source_error.hpp"
#include "scalar_ops.hpp"
#include "suggest.hpp"

namespace cubed::expr {
namespace {

const std::map<std::string, std::string, std::less<>>& binary_functions() {
  static const std::map<std::string, std::string, std::less<>> kMap = {
      {"+", "add"},          {"-", "subtract"},           {"*", "multiply"},
      {"/", "divide"},       {"//", "floor_divide"},      {"%", "remainder"},
      {"**", "pow"},         {"@", "matmul"},             {"&", "bitwise_and"},
      {"|", "bitwise_or"},   {"^", "bitwise_xor"},        {"<<", "bitwise_left_shift"},
      {">>", "bitwise_right_shift"}, {"and", "logical_and"}, {"or", "logical_or"},
      {"==", "equal"},       {"!=", "not_equal"},         {"<", "less"},
      {"<=", "less_equal"},  {">", "greater"},            {">=", "greater_equal"},
  };
  return kMap;
}

const std::map<std::string, std::string, std::less<>>& unary_functions() {
  static const std::map<std::string, std::string, std::less<>> kMap = {
      {"-", "negative"}, {"+", "positive"}, {"~", "bitwise_invert"}, {"not", "logical_not"}};
  return kMap;
}

bool is_numeric(const Value& v) { return v.is_array() || v.is_scalar(); }

// Python's == for values that are not arrays.
bool same_value(const Value& a, const Value& b) {
  if (a.is_scalar() && b.is_scalar()) {
    return detail::scalar_binary(kernels::BinaryOp::kEqual, a.scalar(), b.scalar()).as_bool();
  }
  if (a.is_none() || b.is_none()) return a.is_none() && b.is_none();
  if (a.is_ellipsis() || b.is_ellipsis()) return a.is_ellipsis() && b.is_ellipsis();
  if (a.is_dtype() && b.is_dtype()) return a.dtype() == b.dtype();
  if (a.is_string() && b.is_string()) return a.string() == b.string();
  if (a.is_sequence() && b.is_sequence()) {
    if (a.is_list() != b.is_list() || a.items().size() != b.items().size()) return false;
    for (std::size_t i = 0; i < a.items().size(); ++i) {
      if (!same_value(a.items()[i], b.items()[i])) return false;
    }
    return true;
  }
  return false;
}

// Python's index normalisation for sequences.
std::int64_t sequence_index(std::int64_t i, std::int64_t n) {
  const std::int64_t j = i < 0 ? i + n : i;
  if (j < 0 || j >= n) throw InvalidArgumentError("index " + std::to_string(i) + " is out of range for length " + std::to_string(n));
  return j;
}

// Python's slice.indices(n) and the selected items.
std::vector<Value> slice_items(const std::vector<Value>& items, const Slice& s) {
  const auto n = static_cast<std::int64_t>(items.size());
  const std::int64_t step = s.step.value_or(1);
  auto clamp = [&](std::optional<std::int64_t> v, std::int64_t def) {
    if (!v) return def;
    std::int64_t x = *v < 0 ? *v + n : *v;
    if (step > 0) return std::clamp<std::int64_t>(x, 0, n);
    return std::clamp<std::int64_t>(x, -1, n - 1);
  };
  const std::int64_t start = clamp(s.start, step > 0 ? 0 : n - 1);
  const std::int64_t stop = clamp(s.stop, step > 0 ? n : -1);
  std::vector<Value> out;
  for (std::int64_t i = start; step > 0 ? i < stop : i > stop; i += step) out.push_back(items[i]);
  return out;
}

class Run {
 public:
  Run(const std::string& source, const SpecPtr& spec, const FunctionTable& functions,
      const std::map<std::string, Value, std::less<>>& inputs)
      : source_(source), spec_(spec), functions_(functions), inputs_(inputs) {}

  Value eval(const AstNode& n) {
    switch (n.kind) {
      case NodeKind::kNumber: return n.number;
      case NodeKind::kString: return n.text;
      case NodeKind::kNone: return Value();
      case NodeKind::kEllipsis: return EllipsisValue{};
      case NodeKind::kName: return name(n);
      case NodeKind::kTuple:
      case NodeKind::kList: {
        std::vector<Value> items;
        for (const AstNodePtr& c : n.children) items.push_back(eval(*c));
        return n.kind == NodeKind::kTuple ? Value::tuple(std::move(items)) : Value::list(std::move(items));
      }
      case NodeKind::kUnary: return unary(n);
      case NodeKind::kBinary:
      case NodeKind::kCompare: return binary(n);
      case NodeKind::kCall: return call(n);
      case NodeKind::kSubscript: return subscript(n);
      case NodeKind::kAttribute: return attribute(n);
      case NodeKind::kKeyword:
      case NodeKind::kSlice: break;
    }
    fail(n.column, "unexpected " + to_string(n));
  }

 private:
  std::string at(int column) const { return describe_position(source_, column); }

  [[noreturn]] void fail(int column, const std::string& message) const {
    throw InvalidArgumentError(message + " (" + at(column) + ")");
  }

  // Runs one step of the evaluation; its errors get the step's position.
  template <class F>
  Value located(int column, F&& f) const {
    try {
      return f();
    } catch (const Error& e) {
      throw_error(e.kind(), std::string(e.what()) + " (" + at(column) + ")");
    }
  }

  std::vector<std::string> input_names() const {
    std::vector<std::string> names;
    for (const auto& [k, v] : inputs_) names.push_back(k);
    return names;
  }

  Value name(const AstNode& n) const {
    if (auto it = inputs_.find(n.text); it != inputs_.end()) return it->second;
    if (auto it = builtin_names().find(n.text); it != builtin_names().end()) return it->second;
    if (functions_.contains(n.text)) {
      fail(n.column, "'" + n.text + "' is a function; call it as " + n.text + "(...)");
    }
    std::vector<std::string> candidates = input_names();
    for (const auto& [k, v] : builtin_names()) candidates.push_back(k);
    std::string message = "unknown name '" + n.text + "' " + at(n.column);
    if (auto near = detail::closest_name(n.text, candidates)) message += "; did you mean '" + *near + "'?";
    std::string inputs;
    for (const std::string& k : input_names()) inputs += (inputs.empty() ? "" : ", ") + k;
    message += inputs.empty() ? " (no inputs)" : " (inputs: " + inputs + ")";
    throw InvalidArgumentError(message);
  }

  Value unary(const AstNode& n) {
    Value x = eval(*n.children[0]);
    if (!is_numeric(x)) {
      fail(n.op_column, "bad operand type for unary " + n.text + ": '" + x.type_name() + "'");
    }
    const std::string& fn = unary_functions().at(n.text);
    return located(n.op_column, [&] { return functions_.call(fn, {std::move(x)}, {}, spec_); });
  }

  Value binary(const AstNode& n) {
    Value a = eval(*n.children[0]);
    Value b = eval(*n.children[1]);
    if (!is_numeric(a) || !is_numeric(b)) {
      const bool equality = n.text == "==" || n.text == "!=";
      if (equality && !a.is_array() && !b.is_array()) {
        return Scalar(same_value(a, b) == (n.text == "=="));
      }
      fail(n.op_column, "unsupported operand types for " + n.text + ": '" + a.type_name() + "' and '" +
                            b.type_name() + "'");
    }
    const std::string& fn = binary_functions().at(n.text);
    return located(n.op_column, [&] { return functions_.call(fn, {std::move(a), std::move(b)}, {}, spec_); });
  }

  Value call(const AstNode& n) {
    const AstNode& callee = *n.children[0];
    std::vector<Value> positional;
    std::string fn;
    if (callee.kind == NodeKind::kName) {
      fn = callee.text;
      if (!functions_.contains(fn)) unknown_function(callee);
    } else if (callee.kind == NodeKind::kAttribute) {
      // x.f(...) is f(x, ...).
      Value self = eval(*callee.children[0]);
      fn = callee.text;
      if (!functions_.contains(fn)) {
        fail(callee.op_column, "'" + self.type_name() + "' object has no attribute '" + fn + "'");
      }
      positional.push_back(std::move(self));
    } else {
      Value v = eval(callee);
      fail(n.op_column, "'" + v.type_name() + "' object is not callable");
    }
    std::vector<std::pair<std::string, Value>> keywords;
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      const AstNode& arg = *n.children[i];
      if (arg.kind == NodeKind::kKeyword) {
        keywords.emplace_back(arg.text, eval(*arg.children[0]));
      } else {
        positional.push_back(eval(arg));
      }
    }
    return located(callee.kind == NodeKind::kAttribute ? callee.op_column : callee.column, [&] {
      return functions_.call(fn, std::move(positional), std::move(keywords), spec_);
    });
  }

  [[noreturn]] void unknown_function(const AstNode& callee) const {
    if (inputs_.count(callee.text) || builtin_names().count(callee.text)) {
      fail(callee.column, "'" + callee.text + "' is not a function");
    }
    std::string message = "unknown function '" + callee.text + "' " + at(callee.column);
    if (auto near = detail::closest_name(callee.text, functions_.names())) message += "; did you mean '" + *near + "'?";
    throw InvalidArgumentError(message);
  }

  Value attribute(const AstNode& n) {
    Value x = eval(*n.children[0]);
    const std::string& attr = n.text;
    if (x.is_array()) {
      const Array& a = x.array();
      auto shape_value = [](const Shape& s) {
        std::vector<Value> items;
        for (std::int64_t d : s) items.push_back(Scalar(d));
        return Value::tuple(std::move(items));
      };
      if (attr == "dtype") return a.dtype();
      if (attr == "shape") return shape_value(a.shape());
      if (attr == "chunks") return shape_value(a.chunks());
      if (attr == "ndim") return Scalar(std::int64_t{a.ndim()});
      if (attr == "size") return Scalar(a.size());
      // x.mT swaps the last two axes; x.T reverses all of them, as numpy.
      if (attr == "mT") {
        return located(n.op_column, [&] { return functions_.call("matrix_transpose", {x}, {}, spec_); });
      }
      if (attr == "T") {
        std::vector<Value> reversed;
        for (int d = a.ndim() - 1; d >= 0; --d) reversed.push_back(Scalar(std::int64_t{d}));
        return located(n.op_column,
                       [&] { return functions_.call("permute_dims", {x, Value::tuple(std::move(reversed))}, {}, spec_); });
      }
    }
    if (const Value* field = x.field(attr)) return *field;
    if (functions_.contains(attr)) {
      fail(n.op_column, "'" + attr + "' is a method; call it as ." + attr + "(...)");
    }
    fail(n.op_column, std::string(1, '\'') + x.type_name() + "' object has no attribute '" + attr + "'");
  }

  std::optional<std::int64_t> slice_part(const AstNode* part) {
    if (part == nullptr) return std::nullopt;
    Value v = eval(*part);
    if (v.is_none()) return std::nullopt;
    if (!v.is_int() || v.scalar().kind() == Scalar::Kind::kUInt) {
      fail(part->column, "slice indices must be integers or None, not " + v.type_name());
    }
    return v.scalar().as_int();
  }

  Value subscript(const AstNode& n) {
    Value x = eval(*n.children[0]);
    // Each item as a value (slices evaluated here: they exist only in subscripts).
    std::vector<Value> items;
    std::vector<int> columns;
    for (std::size_t i = 1; i < n.children.size(); ++i) {
      const AstNode& item = *n.children[i];
      columns.push_back(item.column);
      if (item.kind == NodeKind::kSlice) {
        Slice s{slice_part(item.children[0].get()), slice_part(item.children[1].get()),
                slice_part(item.children[2].get())};
        if (s.step && *s.step == 0) fail(item.column, "slice step cannot be zero");
        items.push_back(s);
      } else {
        items.push_back(eval(item));
      }
    }
    if (x.is_array()) {
      std::vector<IndexItem> index;
      for (std::size_t i = 0; i < items.size(); ++i) {
        const Value& v = items[i];
        if (v.is_int() && v.scalar().kind() == Scalar::Kind::kInt) {
          index.emplace_back(v.scalar().as_int());
        } else if (v.is_slice()) {
          index.emplace_back(v.slice());
        } else if (v.is_ellipsis()) {
          index.emplace_back(EllipsisValue{});
        } else if (v.is_none()) {
          index.emplace_back(NewAxis{});
        } else {
          fail(columns[i], "array indices must be integers, slices (':'), ellipsis ('...') or None, not " +
                               v.type_name());
        }
      }
      const Array array = x.array();
      return located(n.op_column, [&] { return Value(index_array(array, index)); });
    }
    if (!x.is_sequence()) fail(n.op_column, "'" + x.type_name() + "' object is not subscriptable");
    if (n.tuple_index || items.size() != 1) {
      fail(n.op_column, x.type_name() + " indices must be integers or slices, not tuple");
    }
    const Value& i = items[0];
    if (i.is_slice()) {
      std::vector<Value> picked = slice_items(x.items(), i.slice());
      return x.is_list() ? Value::list(std::move(picked)) : Value::tuple(std::move(picked));
    }
    if (!i.is_int() || i.scalar().kind() == Scalar::Kind::kUInt) {
      fail(columns[0], x.type_name() + " indices must be integers or slices, not " + i.type_name());
    }
    return located(n.op_column, [&] {
      return x.items()[sequence_index(i.scalar().as_int(), static_cast<std::int64_t>(x.items().size()))];
    });
  }

  const std::string& source_;
  const SpecPtr& spec_;
  const FunctionTable& functions_;
  const std::map<std::string, Value, std::less<>>& inputs_;
};

}  // namespace

const std::map<std::string, Value, std::less<>>& builtin_names() {
  static const std::map<std::string, Value, std::less<>> kNames = [] {
    std::map<std::string, Value, std::less<>> names;
    names["inf"] = Scalar(std::numeric_limits<double>::infinity());
    names["nan"] = Scalar(std::numeric_limits<double>::quiet_NaN());
    names["pi"] = Scalar(std::numbers::pi);
    names["e"] = Scalar(std::numbers::e);
    names["newaxis"] = Value();
    for (int i = 0; i < kNumDTypes; ++i) {
      const auto dt = static_cast<DType>(i);
      names[std::string(dtype_name(dt))] = dt;
    }
    names["int"] = DType::kInt64;
    names["float"] = DType::kFloat64;
    names["complex"] = DType::kComplex128;
    return names;
  }();
  return kNames;
}

Evaluator::Evaluator(SpecPtr spec, const FunctionTable& functions) : spec_(std::move(spec)), functions_(&functions) {}

void Evaluator::define(const std::string& name, Value value) {
  if (!is_identifier(name) || is_keyword(name)) {
    throw InvalidArgumentError("'" + name + "' cannot name an input (use letters, digits and '_', not starting "
                               "with a digit, and not a Python keyword)");
  }
  inputs_[name] = std::move(value);
}

Value Evaluator::evaluate(const Expression& expression) const {
  // Without a spec, created arrays share the inputs' (so that they mix).
  SpecPtr spec = spec_;
  for (auto it = inputs_.begin(); !spec && it != inputs_.end(); ++it) {
    if (it->second.is_array()) spec = it->second.array().spec();
  }
  Run run(expression.source(), spec, *functions_, inputs_);
  return run.eval(expression.root());
}

Value Evaluator::evaluate(std::string_view source) const { return evaluate(parse(source)); }

Value evaluate(std::string_view source, const std::map<std::string, Array>& inputs, SpecPtr spec) {
  Evaluator evaluator(std::move(spec));
  for (const auto& [name, array] : inputs) evaluator.define(name, array);
  return evaluator.evaluate(source);
}

}  // namespace cubed::expr
