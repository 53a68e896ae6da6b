#include "cubed/expr/value.hpp"

#include "cubed/core/error.hpp"

namespace cubed::expr {
namespace {

template <class T, class V>
const T& get(const V& v, const char* what) {
  if (const T* p = std::get_if<T>(&v)) return *p;
  throw InternalError(std::string("expression value is not ") + what);
}

std::string optional_text(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "None"; }

}  // namespace

bool Value::is_int() const {
  if (!is_scalar()) return false;
  const auto kind = scalar().kind();
  return kind == Scalar::Kind::kInt || kind == Scalar::Kind::kUInt;
}

const Scalar& Value::scalar() const { return get<Scalar>(v_, "a number"); }
const Array& Value::array() const { return get<Array>(v_, "an array"); }
DType Value::dtype() const { return get<DType>(v_, "a dtype"); }
const std::string& Value::string() const { return get<std::string>(v_, "a string"); }
const Sequence& Value::sequence() const { return get<Sequence>(v_, "a tuple or list"); }
const Slice& Value::slice() const { return get<Slice>(v_, "a slice"); }
const Record& Value::record() const { return get<Record>(v_, "a record"); }

const Value* Value::field(std::string_view name) const {
  if (!is_record()) return nullptr;
  const Record& r = record();
  for (std::size_t i = 0; i < r.names.size(); ++i) {
    if (r.names[i] == name) return &r.values[i];
  }
  return nullptr;
}

std::string Value::type_name() const {
  if (is_none()) return "None";
  if (is_ellipsis()) return "ellipsis";
  if (is_array()) return "array";
  if (is_dtype()) return "dtype";
  if (is_string()) return "str";
  if (is_slice()) return "slice";
  if (is_record()) return record().type;
  if (is_sequence()) return sequence().is_list ? "list" : "tuple";
  switch (scalar().kind()) {
    case Scalar::Kind::kBool: return "bool";
    case Scalar::Kind::kInt:
    case Scalar::Kind::kUInt: return "int";
    case Scalar::Kind::kFloat: return "float";
    case Scalar::Kind::kComplex: return "complex";
  }
  return "number";
}

std::string Value::to_string() const {
  if (is_none()) return "None";
  if (is_ellipsis()) return "Ellipsis";
  if (is_array()) {
    return "array(" + std::string(dtype_name(array().dtype())) + ", shape=" + shape_to_string(array().shape()) + ")";
  }
  if (is_dtype()) return std::string(dtype_name(dtype()));
  if (is_string()) return "'" + string() + "'";
  if (is_slice()) {
    return "slice(" + optional_text(slice().start) + ", " + optional_text(slice().stop) + ", " +
           optional_text(slice().step) + ")";
  }
  if (is_record()) {
    const Record& r = record();
    std::string s = r.type + "(";
    for (std::size_t i = 0; i < r.names.size(); ++i) s += (i > 0 ? ", " : "") + r.names[i] + "=" + r.values[i].to_string();
    return s + ")";
  }
  if (is_sequence()) {
    const auto& seq = sequence();
    std::string s = seq.is_list ? "[" : "(";
    for (std::size_t i = 0; i < seq.items.size(); ++i) {
      if (i > 0) s += ", ";
      s += seq.items[i].to_string();
    }
    if (!seq.is_list && seq.items.size() == 1) s += ",";
    return s + (seq.is_list ? "]" : ")");
  }
  return scalar().to_string();
}

}  // namespace cubed::expr
