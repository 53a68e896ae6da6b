// The function table of the expression language: every function of the
// library by its Array API name. To add one, write one line in
// builtin_functions() (and, if it needs more than a call, a small adapter
// above it); signatures are written as in the Array API standard.
#include <functional>

#include "cubed/api/creation.hpp"
#include "cubed/api/data_types.hpp"
#include "cubed/api/indexing.hpp"
#include "cubed/api/linalg.hpp"
#include "cubed/api/manipulation.hpp"
#include "cubed/api/random.hpp"
#include "cubed/api/searching.hpp"
#include "cubed/api/statistical.hpp"
#include "cubed/api/elementwise.hpp"
#include "cubed/core/error.hpp"
#include "cubed/expr/function_table.hpp"
#include "cubed/primitives/rechunk.hpp"
#include "cubed/runtime/compute.hpp"
#include "scalar_ops.hpp"

namespace cubed::expr {
namespace {

using kernels::BinaryOp;
using kernels::UnaryOp;

// ---- adapters ---------------------------------------------------------------------

// f(x1, x2): arrays or numbers; two numbers give a number.
Function binary(BinaryOp op, Array (*fn)(const Operand&, const Operand&)) {
  return [op, fn](const CallArguments& args) -> Value {
    const Value& a = args["x1"];
    const Value& b = args["x2"];
    if (a.is_scalar() && b.is_scalar()) return detail::scalar_binary(op, a.scalar(), b.scalar());
    return fn(args.operand("x1"), args.operand("x2"));
  };
}

// f(x): an array or a number.
Function unary(UnaryOp op, Array (*fn)(const Array&)) {
  return [op, fn](const CallArguments& args) -> Value {
    const Value& x = args["x"];
    if (x.is_scalar()) return detail::scalar_unary(op, x.scalar());
    return fn(args.array("x"));
  };
}

// A function the library does not have yet: a clear error instead of
// "unknown function".
[[maybe_unused]] Function not_available(const std::string& name) {
  return [name](const CallArguments&) -> Value { throw NotImplementedError(name + " is not available yet"); };
}

// A 0-d array holding a number.
Array scalar_array(const Scalar& value, DType dtype, const SpecPtr& spec) {
  NDBuffer buffer(dtype, {});
  value.store(dtype, buffer.data());
  return cubed::asarray(std::move(buffer), AutoChunks{}, spec);
}

// The dtype numpy gives a Python number.
DType number_dtype(const Scalar& s) { return s.natural_dtype(); }

// ---- creation -----------------------------------------------------------------------

Value full(const CallArguments& a) {
  const Scalar& value = a.number("fill_value");
  return cubed::full(a.shape("shape"), value, a.dtype("dtype").value_or(number_dtype(value)), a.chunks("chunks"),
                     a.spec());
}

// zeros, ones, empty: float64 unless dtype is given.
Function filled(Array (*fn)(const Shape&, DType, const ChunkSpec&, SpecPtr)) {
  return [fn](const CallArguments& a) -> Value {
    return fn(a.shape("shape"), a.dtype("dtype").value_or(kDefaultFloat), a.chunks("chunks"), a.spec());
  };
}

Value arange(const CallArguments& a) {
  Scalar start = a.number("start");
  Scalar stop = start;
  if (a["stop"].is_none()) {
    start = Scalar(std::int64_t{0});
  } else {
    stop = a.number("stop");
  }
  return cubed::arange(start, stop, a.number("step"), a.dtype("dtype"), a.chunks("chunks"), a.spec());
}

Value linspace(const CallArguments& a) {
  const std::int64_t num = a.integer("num");
  return cubed::linspace(a.real("start"), a.real("stop"), num, a.boolean("endpoint"),
                         a.dtype("dtype").value_or(kDefaultFloat), a.chunks("chunks"), a.spec());
}

Value eye(const CallArguments& a) {
  return cubed::eye(a.integer("n_rows"), a.optional_integer("n_cols"), a.integer("k"),
                    a.dtype("dtype").value_or(kDefaultFloat), a.chunks("chunks"), a.spec());
}

// Checks that nested tuples/lists are rectangular with the given shape and
// collects their numbers in C order.
void flatten(const CallArguments& a, const Value& v, std::size_t depth, const Shape& shape,
             std::vector<Scalar>& out) {
  const bool leaf = depth == shape.size();
  if (v.is_scalar() && leaf) {
    out.push_back(v.scalar());
    return;
  }
  if (!v.is_scalar() && !v.is_sequence()) a.type_error("obj", "an array, a number or nested sequences of numbers");
  if (leaf || !v.is_sequence() || static_cast<std::int64_t>(v.items().size()) != shape[depth]) {
    throw InvalidArgumentError(a.function() + "(): the nested sequences are not rectangular (expected shape " +
                               shape_to_string(shape) + ")");
  }
  for (const Value& item : v.items()) flatten(a, item, depth + 1, shape, out);
}

// The shape of nested sequences, from their first items.
Shape nested_shape(const Value& obj) {
  Shape shape;
  const Value* v = &obj;
  while (v->is_sequence()) {
    shape.push_back(static_cast<std::int64_t>(v->items().size()));
    if (v->items().empty()) break;
    v = &v->items()[0];
  }
  return shape;
}

// The dtype numpy infers for Python numbers.
DType infer_dtype(const std::vector<Scalar>& values) {
  bool any_complex = false, any_float = false, any_int = false, any_uint = false, any_negative = false;
  for (const Scalar& s : values) {
    switch (s.kind()) {
      case Scalar::Kind::kBool: break;
      case Scalar::Kind::kInt:
        any_int = true;
        any_negative = any_negative || s.as_int() < 0;
        break;
      case Scalar::Kind::kUInt: any_uint = true; break;
      case Scalar::Kind::kFloat: any_float = true; break;
      case Scalar::Kind::kComplex: any_complex = true; break;
    }
  }
  if (values.empty()) return kDefaultFloat;
  if (any_complex) return DType::kComplex128;
  if (any_float) return DType::kFloat64;
  if (any_uint) return any_negative ? DType::kFloat64 : DType::kUInt64;
  return any_int ? DType::kInt64 : DType::kBool;
}

Value asarray(const CallArguments& a) {
  const Value& obj = a["obj"];
  const std::optional<DType> dtype = a.dtype("dtype");
  if (obj.is_array()) {
    if (dtype && *dtype != obj.array().dtype()) return cubed::astype(obj.array(), *dtype);
    return obj;
  }
  const Shape shape = nested_shape(obj);
  std::vector<Scalar> values;
  flatten(a, obj, 0, shape, values);
  const DType dt = dtype.value_or(infer_dtype(values));
  NDBuffer buffer(dt, shape);
  for (std::size_t i = 0; i < values.size(); ++i) buffer.set(static_cast<std::int64_t>(i), values[i]);
  return cubed::asarray(std::move(buffer), a.chunks("chunks"), a.spec());
}

// *_like(x, ...): x's shape, and x's dtype and chunks unless given.
ChunkSpec like_chunks(const CallArguments& a) {
  if (a["chunks"].is_none()) {
    const Shape& c = a.array("x").chunks();
    return std::vector<std::int64_t>(c.begin(), c.end());
  }
  return a.chunks("chunks");
}

Value full_like(const CallArguments& a) {
  const Array& x = a.array("x");
  return cubed::full(x.shape(), a.number("fill_value"), a.dtype("dtype").value_or(x.dtype()), like_chunks(a),
                     a.spec());
}

Function filled_like(Array (*fn)(const Shape&, DType, const ChunkSpec&, SpecPtr)) {
  return [fn](const CallArguments& a) -> Value {
    const Array& x = a.array("x");
    return fn(x.shape(), a.dtype("dtype").value_or(x.dtype()), like_chunks(a), a.spec());
  };
}

// ---- conversion and chunks ---------------------------------------------------------

Value astype(const CallArguments& a) {
  const std::optional<DType> dtype = a.dtype("dtype");
  if (!dtype) a.type_error("dtype", "a dtype");
  if (a["x"].is_scalar()) return scalar_array(a.number("x"), *dtype, a.spec());
  return cubed::astype(a.array("x"), *dtype);
}

// rechunk(x, chunks): an int, "auto", or one entry per axis (-1: the whole
// axis, None: unchanged, "auto").
Value rechunk(const CallArguments& a) {
  const Array& x = a.array("x");
  const Value& chunks = a["chunks"];
  if (chunks.is_sequence()) {
    std::vector<Value> items = chunks.items();
    if (static_cast<int>(items.size()) != x.ndim()) {
      throw InvalidArgumentError("rechunk(): chunks " + chunks.to_string() + " have " +
                                 std::to_string(items.size()) + " entries but the array has " +
                                 std::to_string(x.ndim()) + " axes");
    }
    for (std::size_t d = 0; d < items.size(); ++d) {
      if (items[d].is_none()) items[d] = Scalar(x.chunks()[d]);
    }
    static const Signature kChunks("chunks");
    CallArguments resolved(a.function(), kChunks, {Value::tuple(std::move(items))}, {true}, a.spec());
    return cubed::rechunk(x, resolved.chunks("chunks"));
  }
  if (chunks.is_none()) return x;
  return cubed::rechunk(x, a.chunks("chunks"));
}


// ---- manipulation (api/manipulation.hpp) --------------------------------------------

// Integers given as one int or a tuple/list of ints (negative allowed).
std::vector<std::int64_t> int_list(const CallArguments& a, std::string_view name) {
  const Value& v = a[name];
  if (v.is_int()) return {v.scalar().as_int()};
  if (!v.is_sequence()) a.type_error(name, "an int or a tuple of ints");
  std::vector<std::int64_t> out;
  for (const Value& item : v.items()) {
    if (!item.is_int()) a.type_error(name, "an int or a tuple of ints");
    out.push_back(item.scalar().as_int());
  }
  return out;
}

std::vector<int> axes(const CallArguments& a, std::string_view name) {
  std::vector<int> out;
  for (std::int64_t v : int_list(a, name)) out.push_back(static_cast<int>(v));
  return out;
}

std::optional<std::vector<int>> optional_axes(const CallArguments& a, std::string_view name) {
  if (a[name].is_none()) return std::nullopt;
  return axes(a, name);
}

std::vector<Array> array_list(const CallArguments& a, std::string_view name) {
  const Value& v = a[name];
  if (!v.is_sequence()) a.type_error(name, "a tuple or list of arrays");
  std::vector<Array> out;
  for (const Value& item : v.items()) {
    if (!item.is_array()) a.type_error(name, "a tuple or list of arrays");
    out.push_back(item.array());
  }
  return out;
}

std::optional<int> optional_axis(const CallArguments& a, std::string_view name) {
  auto v = a.optional_integer(name);
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

Value reshape(const CallArguments& a) {
  std::vector<std::int64_t> shape = int_list(a, "shape");
  return cubed::reshape(a.array("x"), Shape(shape.begin(), shape.end()));
}
Value broadcast_to(const CallArguments& a) { return cubed::broadcast_to(a.array("x"), a.shape("shape")); }
Value concat(const CallArguments& a) { return cubed::concat(array_list(a, "arrays"), optional_axis(a, "axis")); }
Value stack(const CallArguments& a) {
  return cubed::stack(array_list(a, "arrays"), static_cast<int>(a.integer("axis")));
}
Value expand_dims(const CallArguments& a) { return cubed::expand_dims(a.array("x"), axes(a, "axis")); }
Value squeeze(const CallArguments& a) { return cubed::squeeze(a.array("x"), optional_axes(a, "axis")); }
Value flip(const CallArguments& a) { return cubed::flip(a.array("x"), optional_axes(a, "axis")); }
Value permute_dims(const CallArguments& a) { return cubed::permute_dims(a.array("x"), axes(a, "axes")); }
Value moveaxis(const CallArguments& a) {
  return cubed::moveaxis(a.array("x"), axes(a, "source"), axes(a, "destination"));
}
Value roll(const CallArguments& a) {
  return cubed::roll(a.array("x"), int_list(a, "shift"), optional_axes(a, "axis"));
}
Value repeat(const CallArguments& a) {
  return cubed::repeat(a.array("x"), int_list(a, "repeats"), optional_axis(a, "axis"));
}
Value tile(const CallArguments& a) { return cubed::tile(a.array("x"), int_list(a, "repetitions")); }

// ---- linear algebra and searching (api/linalg.hpp, api/searching.hpp) --------------

LinalgOptions linalg_options(const CallArguments& a) {
  return LinalgOptions{.split_every = static_cast<int>(a.integer("split_every"))};
}
Value matmul(const CallArguments& a) { return cubed::matmul(a.array("x1"), a.array("x2"), linalg_options(a)); }
// axes: an int, or a pair of sequences of axes (of x1, of x2).
Value tensordot(const CallArguments& a) {
  const Value& v = a["axes"];
  if (v.is_int()) {
    return cubed::tensordot(a.array("x1"), a.array("x2"), static_cast<int>(v.scalar().as_int()), linalg_options(a));
  }
  if (!v.is_sequence() || v.items().size() != 2) a.type_error("axes", "an int or a pair of sequences of ints");
  std::vector<int> lists[2];
  for (int i = 0; i < 2; ++i) {
    const Value& part = v.items()[static_cast<std::size_t>(i)];
    if (part.is_int()) {
      lists[i].push_back(static_cast<int>(part.scalar().as_int()));
      continue;
    }
    if (!part.is_sequence()) a.type_error("axes", "an int or a pair of sequences of ints");
    for (const Value& item : part.items()) {
      if (!item.is_int()) a.type_error("axes", "an int or a pair of sequences of ints");
      lists[i].push_back(static_cast<int>(item.scalar().as_int()));
    }
  }
  return cubed::tensordot(a.array("x1"), a.array("x2"), TensordotAxes{lists[0], lists[1]}, linalg_options(a));
}
Value vecdot(const CallArguments& a) {
  return cubed::vecdot(a.array("x1"), a.array("x2"), static_cast<int>(a.integer("axis")), linalg_options(a));
}
Value matrix_transpose(const CallArguments& a) { return cubed::matrix_transpose(a.array("x")); }
Value outer(const CallArguments& a) { return cubed::outer(a.array("x1"), a.array("x2")); }
Value searchsorted(const CallArguments& a) {
  const Value& side = a["side"];
  if (!side.is_string() || (side.string() != "left" && side.string() != "right")) {
    a.type_error("side", "'left' or 'right'");
  }
  std::optional<Array> sorter;
  if (!a["sorter"].is_none()) sorter = a.array("sorter");
  return cubed::searchsorted(a.array("x1"), a.array("x2"),
                             side.string() == "left" ? SearchSide::kLeft : SearchSide::kRight, sorter);
}
Value isin(const CallArguments& a) {
  return cubed::isin(a.array("element"), a.array("test_elements"), a.boolean("invert"));
}

// ---- statistics (api/statistical.hpp) ---------------------------------------------

// Keyword arguments shared by the reductions; a function without one of
// them in its signature never sees it.
ReduceOptions reduce_options(const CallArguments& a, bool has_dtype, bool has_correction, bool has_keepdims) {
  ReduceOptions o;
  o.axis = optional_axes(a, "axis");
  if (has_keepdims) o.keepdims = a.boolean("keepdims");
  if (has_dtype) o.dtype = a.dtype("dtype");
  if (has_correction) o.correction = a.real("correction");
  o.split_every = static_cast<int>(a.integer("split_every"));
  return o;
}

using Reduction = Array (*)(const Array&, const ReduceOptions&);

Function reduction(Reduction fn, bool has_dtype, bool has_correction) {
  return [=](const CallArguments& a) -> Value {
    return fn(a.array("x"), reduce_options(a, has_dtype, has_correction, true));
  };
}

Function cumulative(Reduction fn) {
  return [=](const CallArguments& a) -> Value {
    ReduceOptions o = reduce_options(a, true, false, false);
    o.include_initial = a.boolean("include_initial");
    return fn(a.array("x"), o);
  };
}

Value diff(const CallArguments& a) {
  auto optional_operand = [&](std::string_view name) -> std::optional<Operand> {
    if (a[name].is_none()) return std::nullopt;
    return a.operand(name);
  };
  return cubed::diff(a.array("x"), static_cast<int>(a.integer("axis")), static_cast<int>(a.integer("n")),
                     optional_operand("prepend"), optional_operand("append"));
}

// ---- elementwise math (api/elementwise.hpp) ------------------------------------------

// An array, or a number made a 0-d array (math on numbers gives 0-d results).
Array array_or_number(const CallArguments& a, std::string_view name) {
  const Value& v = a[name];
  if (v.is_scalar()) return scalar_array(v.scalar(), v.scalar().natural_dtype(), a.spec());
  return a.array(name);
}

Function math_unary(Array (*fn)(const Array&)) {
  return [fn](const CallArguments& a) -> Value { return fn(array_or_number(a, "x")); };
}

Function math_binary(Array (*fn)(const Operand&, const Operand&)) {
  return [fn](const CallArguments& a) -> Value {
    if (a["x1"].is_scalar() && a["x2"].is_scalar()) return fn(array_or_number(a, "x1"), a.operand("x2"));
    return fn(a.operand("x1"), a.operand("x2"));
  };
}

Value where(const CallArguments& a) {
  return cubed::where(array_or_number(a, "condition"), a.operand("x1"), a.operand("x2"));
}

Value clip(const CallArguments& a) {
  auto bound = [&](std::string_view name) -> std::optional<Operand> {
    if (a[name].is_none()) return std::nullopt;
    return a.operand(name);
  };
  return cubed::clip(array_or_number(a, "x"), bound("min"), bound("max"));
}

// ---- arrays from arrays, random arrays, list results --------------------------------

Value array_values(std::vector<Array> arrays, bool list) {
  std::vector<Value> out(std::make_move_iterator(arrays.begin()), std::make_move_iterator(arrays.end()));
  return list ? Value::list(std::move(out)) : Value::tuple(std::move(out));
}

Value meshgrid(const CallArguments& a) {
  if (!a["indexing"].is_string()) a.type_error("indexing", "'xy' or 'ij'");
  return array_values(cubed::meshgrid(array_list(a, "arrays"), mesh_indexing_from_name(a["indexing"].string())), true);
}
Value tril(const CallArguments& a) { return cubed::tril(a.array("x"), a.integer("k")); }
Value triu(const CallArguments& a) { return cubed::triu(a.array("x"), a.integer("k")); }
Value broadcast_arrays(const CallArguments& a) { return array_values(cubed::broadcast_arrays(array_list(a, "arrays")), true); }
Value unstack(const CallArguments& a) {
  return array_values(cubed::unstack(a.array("x"), static_cast<int>(a.integer("axis"))), false);
}

// Indices: an array, or nested lists of ints made one.
Array indices_array(const CallArguments& a, std::string_view name) {
  const Value& v = a[name];
  if (v.is_array()) return v.array();
  if (!v.is_sequence() && !v.is_int()) a.type_error(name, "an array or a list of ints");
  const Shape shape = nested_shape(v);
  std::vector<Scalar> values;
  flatten(a, v, 0, shape, values);
  NDBuffer buffer(values.empty() ? DType::kInt64 : infer_dtype(values), shape);
  for (std::size_t i = 0; i < values.size(); ++i) buffer.set(static_cast<std::int64_t>(i), values[i]);
  return cubed::asarray(std::move(buffer), AutoChunks{}, a.spec());
}
Value take(const CallArguments& a) {
  return cubed::take(a.array("x"), indices_array(a, "indices"), optional_axis(a, "axis"));
}
// The indices are computed first: the plan needs their values.
Value take_along_axis(const CallArguments& a) {
  return cubed::take_along_axis(a.array("x"), compute(indices_array(a, "indices")), static_cast<int>(a.integer("axis")));
}

std::uint64_t seed(const CallArguments& a) {
  const Value& v = a["seed"];
  if (!v.is_int()) a.type_error("seed", "a non-negative int");
  if (v.scalar().kind() == Scalar::Kind::kInt && v.scalar().as_int() < 0) {
    throw InvalidArgumentError(a.function() + "() argument 'seed' must be non-negative, got " + v.to_string());
  }
  return v.scalar().as_uint();
}
Value random_array(const CallArguments& a) {
  return cubed::random::random(a.shape("shape"), seed(a), a.chunks("chunks"), a.spec());
}
Value integers(const CallArguments& a) {
  return cubed::random::integers(a.integer("low"), a.integer("high"), a.shape("shape"), seed(a),
                                 a.dtype("dtype").value_or(DType::kInt64), a.chunks("chunks"), a.spec());
}

// ---- data types (api/data_types.hpp) --------------------------------------------------

// A dtype, a dtype name or an array's dtype.
DType dtype_or_array(const CallArguments& a, std::string_view name) {
  if (a[name].is_array()) return a.array(name).dtype();
  if (a[name].is_none()) a.type_error(name, "a dtype or an array");
  return *a.dtype(name);
}
Value can_cast(const CallArguments& a) {
  return Scalar(cubed::can_cast(dtype_or_array(a, "from_"), dtype_or_array(a, "to")));
}
Value finfo(const CallArguments& a) {
  const FInfo f = cubed::finfo(dtype_or_array(a, "type"));
  return Record{"finfo",
                {"bits", "eps", "max", "min", "smallest_normal", "dtype"},
                {Scalar(std::int64_t{f.bits}), Scalar(f.eps), Scalar(f.max), Scalar(f.min), Scalar(f.smallest_normal),
                 f.dtype}};
}
Value iinfo(const CallArguments& a) {
  const IInfo i = cubed::iinfo(dtype_or_array(a, "type"));
  return Record{"iinfo", {"bits", "max", "min", "dtype"}, {Scalar(std::int64_t{i.bits}), i.max, i.min, i.dtype}};
}
// kind: a kind name, a dtype, or a tuple of these.
Value isdtype(const CallArguments& a) {
  const DType dtype = dtype_or_array(a, "dtype");
  const Value& kind = a["kind"];
  auto matches = [&](const Value& k) {
    if (k.is_string()) return cubed::isdtype(dtype, k.string());
    if (k.is_dtype()) return dtype == k.dtype();
    a.type_error("kind", "a kind name, a dtype or a tuple of these");
  };
  bool any = false;
  if (kind.is_tuple()) {
    for (const Value& k : kind.items()) any = matches(k) || any;
  } else {
    any = matches(kind);
  }
  return Scalar(any);
}
Value result_type(const CallArguments& a) {
  std::vector<DTypeLike> args;
  for (const Value& v : a["arrays_and_dtypes"].items()) {
    if (v.is_array()) {
      args.emplace_back(v.array());
    } else if (v.is_dtype()) {
      args.emplace_back(v.dtype());
    } else if (v.is_scalar()) {
      args.emplace_back(v.scalar());
    } else {
      a.type_error("arrays_and_dtypes", "arrays, dtypes or numbers");
    }
  }
  return cubed::result_type(args);
}
}  // namespace

const FunctionTable& builtin_functions() {
  static const FunctionTable table = [] {
    FunctionTable t;
    // Elementwise (api/elementwise.hpp). Two numbers give a number.
    t.add("abs", "x, /", unary(UnaryOp::kAbs, &cubed::abs));
    t.add("add", "x1, x2, /", binary(BinaryOp::kAdd, &cubed::add));
    t.add("bitwise_and", "x1, x2, /", binary(BinaryOp::kBitwiseAnd, &cubed::bitwise_and));
    t.add("bitwise_invert", "x, /", unary(UnaryOp::kBitwiseInvert, &cubed::bitwise_invert));
    t.add("bitwise_left_shift", "x1, x2, /", binary(BinaryOp::kBitwiseLeftShift, &cubed::bitwise_left_shift));
    t.add("bitwise_or", "x1, x2, /", binary(BinaryOp::kBitwiseOr, &cubed::bitwise_or));
    t.add("bitwise_right_shift", "x1, x2, /", binary(BinaryOp::kBitwiseRightShift, &cubed::bitwise_right_shift));
    t.add("bitwise_xor", "x1, x2, /", binary(BinaryOp::kBitwiseXor, &cubed::bitwise_xor));
    t.add("divide", "x1, x2, /", binary(BinaryOp::kDivide, &cubed::divide));
    t.add("equal", "x1, x2, /", binary(BinaryOp::kEqual, &cubed::equal));
    t.add("floor_divide", "x1, x2, /", binary(BinaryOp::kFloorDivide, &cubed::floor_divide));
    t.add("greater", "x1, x2, /", binary(BinaryOp::kGreater, &cubed::greater));
    t.add("greater_equal", "x1, x2, /", binary(BinaryOp::kGreaterEqual, &cubed::greater_equal));
    t.add("less", "x1, x2, /", binary(BinaryOp::kLess, &cubed::less));
    t.add("less_equal", "x1, x2, /", binary(BinaryOp::kLessEqual, &cubed::less_equal));
    t.add("logical_and", "x1, x2, /", binary(BinaryOp::kLogicalAnd, &cubed::logical_and));
    t.add("logical_not", "x, /", unary(UnaryOp::kLogicalNot, &cubed::logical_not));
    t.add("logical_or", "x1, x2, /", binary(BinaryOp::kLogicalOr, &cubed::logical_or));
    t.add("logical_xor", "x1, x2, /", binary(BinaryOp::kLogicalXor, &cubed::logical_xor));
    t.add("maximum", "x1, x2, /", binary(BinaryOp::kMaximum, &cubed::maximum));
    t.add("minimum", "x1, x2, /", binary(BinaryOp::kMinimum, &cubed::minimum));
    t.add("multiply", "x1, x2, /", binary(BinaryOp::kMultiply, &cubed::multiply));
    t.add("negative", "x, /", unary(UnaryOp::kNegative, &cubed::negative));
    t.add("not_equal", "x1, x2, /", binary(BinaryOp::kNotEqual, &cubed::not_equal));
    t.add("positive", "x, /", unary(UnaryOp::kPositive, &cubed::positive));
    t.add("pow", "x1, x2, /", binary(BinaryOp::kPow, &cubed::pow));
    t.add("remainder", "x1, x2, /", binary(BinaryOp::kRemainder, &cubed::remainder));
    t.add("square", "x, /", unary(UnaryOp::kSquare, &cubed::square));
    t.add("subtract", "x1, x2, /", binary(BinaryOp::kSubtract, &cubed::subtract));
    // Data types (api/data_types.hpp).
    t.add("astype", "x, /, dtype, *, copy=True", astype);  // dtype may be a keyword, as in numpy
    t.add("can_cast", "from_, to, /", can_cast);
    t.add("finfo", "type, /", finfo);
    t.add("iinfo", "type, /", iinfo);
    t.add("isdtype", "dtype, kind", isdtype);
    t.add("result_type", "*arrays_and_dtypes", result_type);
    // Creation (api/creation.hpp); `chunks` as in Cubed.
    t.add("arange", "start, /, stop=None, step=1, *, dtype=None, chunks='auto'", arange);
    t.add("asarray", "obj, /, *, dtype=None, chunks='auto'", asarray);
    t.add("empty", "shape, *, dtype=None, chunks='auto'", filled(&cubed::empty));
    t.add("empty_like", "x, /, *, dtype=None, chunks=None", filled_like(&cubed::empty));
    t.add("eye", "n_rows, n_cols=None, /, *, k=0, dtype=None, chunks='auto'", eye);
    t.add("full", "shape, fill_value, *, dtype=None, chunks='auto'", full);
    t.add("full_like", "x, /, fill_value, *, dtype=None, chunks=None", full_like);
    t.add("linspace", "start, stop, /, num, *, dtype=None, endpoint=True, chunks='auto'", linspace);
    t.add("ones", "shape, *, dtype=None, chunks='auto'", filled(&cubed::ones));
    t.add("ones_like", "x, /, *, dtype=None, chunks=None", filled_like(&cubed::ones));
    t.add("zeros", "shape, *, dtype=None, chunks='auto'", filled(&cubed::zeros));
    t.add("zeros_like", "x, /, *, dtype=None, chunks=None", filled_like(&cubed::zeros));
    t.add("meshgrid", "*arrays, indexing='xy'", meshgrid);
    t.add("tril", "x, /, *, k=0", tril);
    t.add("triu", "x, /, *, k=0", triu);
    // Random arrays (api/random.hpp): the same for a seed whatever the chunks.
    t.add("random", "shape, *, seed, chunks='auto'", random_array);
    t.add("integers", "low, high, shape, *, seed, dtype=None, chunks='auto'", integers);
    // Chunks (primitives/rechunk.hpp).
    t.add("rechunk", "x, /, chunks", rechunk);
    // Elementwise math (api/elementwise.hpp); numbers give 0-d arrays.
    t.add("acos", "x, /", math_unary(&cubed::acos));
    t.add("acosh", "x, /", math_unary(&cubed::acosh));
    t.add("asin", "x, /", math_unary(&cubed::asin));
    t.add("asinh", "x, /", math_unary(&cubed::asinh));
    t.add("atan", "x, /", math_unary(&cubed::atan));
    t.add("atanh", "x, /", math_unary(&cubed::atanh));
    t.add("ceil", "x, /", math_unary(&cubed::ceil));
    t.add("conj", "x, /", math_unary(&cubed::conj));
    t.add("cos", "x, /", math_unary(&cubed::cos));
    t.add("cosh", "x, /", math_unary(&cubed::cosh));
    t.add("exp", "x, /", math_unary(&cubed::exp));
    t.add("expm1", "x, /", math_unary(&cubed::expm1));
    t.add("floor", "x, /", math_unary(&cubed::floor));
    t.add("imag", "x, /", math_unary(&cubed::imag));
    t.add("isfinite", "x, /", math_unary(&cubed::isfinite));
    t.add("isinf", "x, /", math_unary(&cubed::isinf));
    t.add("isnan", "x, /", math_unary(&cubed::isnan));
    t.add("log", "x, /", math_unary(&cubed::log));
    t.add("log1p", "x, /", math_unary(&cubed::log1p));
    t.add("log2", "x, /", math_unary(&cubed::log2));
    t.add("log10", "x, /", math_unary(&cubed::log10));
    t.add("real", "x, /", math_unary(&cubed::real));
    t.add("reciprocal", "x, /", math_unary(&cubed::reciprocal));
    t.add("round", "x, /", math_unary(&cubed::round));
    t.add("sign", "x, /", math_unary(&cubed::sign));
    t.add("signbit", "x, /", math_unary(&cubed::signbit));
    t.add("sin", "x, /", math_unary(&cubed::sin));
    t.add("sinh", "x, /", math_unary(&cubed::sinh));
    t.add("sqrt", "x, /", math_unary(&cubed::sqrt));
    t.add("tan", "x, /", math_unary(&cubed::tan));
    t.add("tanh", "x, /", math_unary(&cubed::tanh));
    t.add("trunc", "x, /", math_unary(&cubed::trunc));
    t.add("atan2", "x1, x2, /", math_binary(&cubed::atan2));
    t.add("copysign", "x1, x2, /", math_binary(&cubed::copysign));
    t.add("hypot", "x1, x2, /", math_binary(&cubed::hypot));
    t.add("logaddexp", "x1, x2, /", math_binary(&cubed::logaddexp));
    t.add("nextafter", "x1, x2, /", math_binary(&cubed::nextafter));
    t.add("where", "condition, x1, x2, /", where);
    t.add("clip", "x, /, min=None, max=None", clip);
    // Statistics (api/statistical.hpp): tree reductions with split_every.
    constexpr const char* kSum = "x, /, *, axis=None, dtype=None, keepdims=False, split_every=8";
    constexpr const char* kPlain = "x, /, *, axis=None, keepdims=False, split_every=8";
    constexpr const char* kVar = "x, /, *, axis=None, correction=0.0, keepdims=False, split_every=8";
    constexpr const char* kScan = "x, /, *, axis=None, dtype=None, include_initial=False, split_every=8";
    t.add("sum", kSum, reduction(&cubed::sum, true, false));
    t.add("prod", kSum, reduction(&cubed::prod, true, false));
    t.add("mean", kSum, reduction(&cubed::mean, true, false));
    t.add("nansum", kSum, reduction(&cubed::nansum, true, false));
    t.add("nanprod", kSum, reduction(&cubed::nanprod, true, false));
    t.add("nanmean", kSum, reduction(&cubed::nanmean, true, false));
    t.add("min", kPlain, reduction(&cubed::min, false, false));
    t.add("max", kPlain, reduction(&cubed::max, false, false));
    t.add("nanmin", kPlain, reduction(&cubed::nanmin, false, false));
    t.add("nanmax", kPlain, reduction(&cubed::nanmax, false, false));
    t.add("all", kPlain, reduction(&cubed::all, false, false));
    t.add("any", kPlain, reduction(&cubed::any, false, false));
    t.add("count_nonzero", kPlain, reduction(&cubed::count_nonzero, false, false));
    t.add("argmin", kPlain, reduction(&cubed::argmin, false, false));
    t.add("argmax", kPlain, reduction(&cubed::argmax, false, false));
    t.add("nanargmin", kPlain, reduction(&cubed::nanargmin, false, false));
    t.add("nanargmax", kPlain, reduction(&cubed::nanargmax, false, false));
    t.add("var", kVar, reduction(&cubed::var, false, true));
    t.add("std", kVar, reduction(&cubed::std, false, true));
    t.add("nanvar", kVar, reduction(&cubed::nanvar, false, true));
    t.add("nanstd", kVar, reduction(&cubed::nanstd, false, true));
    t.add("cumulative_sum", kScan, cumulative(&cubed::cumulative_sum));
    t.add("cumulative_prod", kScan, cumulative(&cubed::cumulative_prod));
    t.add("nancumsum", kScan, cumulative(&cubed::nancumsum));
    t.add("nancumprod", kScan, cumulative(&cubed::nancumprod));
    // Manipulation (api/manipulation.hpp).
    t.add("broadcast_arrays", "*arrays", broadcast_arrays);
    t.add("broadcast_to", "x, /, shape", broadcast_to);
    t.add("concat", "arrays, /, *, axis=0", concat);
    t.add("expand_dims", "x, /, *, axis=0", expand_dims);
    t.add("flip", "x, /, *, axis=None", flip);
    t.add("moveaxis", "x, source, destination, /", moveaxis);
    t.add("permute_dims", "x, /, axes", permute_dims);
    t.add("repeat", "x, repeats, /, *, axis=None", repeat);
    t.add("reshape", "x, /, shape, *, copy=None", reshape);
    t.add("roll", "x, /, shift, *, axis=None", roll);
    t.add("squeeze", "x, /, axis", squeeze);
    t.add("stack", "arrays, /, *, axis=0", stack);
    t.add("tile", "x, repetitions, /", tile);
    t.add("diff", "x, /, *, axis=-1, n=1, prepend=None, append=None", diff);
    // Linear algebra (api/linalg.hpp): `@` calls matmul.
    t.add("matmul", "x1, x2, /, *, split_every=8", matmul);
    t.add("matrix_transpose", "x, /", matrix_transpose);
    t.add("outer", "x1, x2, /", outer);
    t.add("tensordot", "x1, x2, /, *, axes=2, split_every=8", tensordot);
    t.add("vecdot", "x1, x2, /, *, axis=-1, split_every=8", vecdot);
    // Searching and sets (api/searching.hpp).
    t.add("isin", "element, test_elements, *, invert=False", isin);
    t.add("searchsorted", "x1, x2, /, *, side='left', sorter=None", searchsorted);
    t.add("unstack", "x, /, *, axis=0", unstack);
    // Indexing beyond x[...] (api/indexing.hpp).
    t.add("take", "x, indices, /, *, axis=None", take);
    t.add("take_along_axis", "x, indices, /, *, axis=-1", take_along_axis);
    return t;
  }();
  return table;
}

}  // namespace cubed::expr
