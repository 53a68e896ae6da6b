#pragma once
/// Value: what an expression (or a part of one) evaluates to. Arrays are
/// lazy; scalars are Python numbers (bool, int, float, complex), computed
/// directly when both operands of an operator are scalars.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cubed/array/array.hpp"
#include "cubed/core/dtype.hpp"
#include "cubed/core/scalar.hpp"

namespace cubed::expr {

struct NoneValue {};
struct EllipsisValue {};
/// A slice `start:stop:step`; omitted parts (or None) are nullopt.
struct Slice {
  std::optional<std::int64_t> start;
  std::optional<std::int64_t> stop;
  std::optional<std::int64_t> step;
};

class Value;
/// A tuple `(1, 2)` or a list `[1, 2]`.
struct Sequence {
  std::vector<Value> items;
  bool is_list = false;
};

/// A small read-only object with named fields, such as finfo(float32):
/// printed `finfo(bits=32, eps=..., ...)`, fields read as attributes.
struct Record {
  std::string type;
  std::vector<std::string> names;
  std::vector<Value> values;
};

class Value {
 public:
  Value() = default;  ///< None
  Value(NoneValue) {}
  Value(EllipsisValue v) : v_(v) {}
  Value(Scalar v) : v_(std::move(v)) {}
  Value(Array v) : v_(std::move(v)) {}
  Value(DType v) : v_(v) {}
  Value(std::string v) : v_(std::move(v)) {}
  Value(Sequence v) : v_(std::move(v)) {}
  Value(Slice v) : v_(v) {}
  Value(Record v) : v_(std::move(v)) {}

  static Value tuple(std::vector<Value> items) { return Value(Sequence{std::move(items), false}); }
  static Value list(std::vector<Value> items) { return Value(Sequence{std::move(items), true}); }

  bool is_none() const { return std::holds_alternative<NoneValue>(v_); }
  bool is_ellipsis() const { return std::holds_alternative<EllipsisValue>(v_); }
  bool is_scalar() const { return std::holds_alternative<Scalar>(v_); }
  bool is_array() const { return std::holds_alternative<Array>(v_); }
  bool is_dtype() const { return std::holds_alternative<DType>(v_); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_sequence() const { return std::holds_alternative<Sequence>(v_); }
  bool is_tuple() const { return is_sequence() && !sequence().is_list; }
  bool is_list() const { return is_sequence() && sequence().is_list; }
  bool is_slice() const { return std::holds_alternative<Slice>(v_); }
  bool is_record() const { return std::holds_alternative<Record>(v_); }
  /// An int (not bool) scalar.
  bool is_int() const;

  /// Accessors; calling the wrong one throws InternalError.
  const Scalar& scalar() const;
  const Array& array() const;
  DType dtype() const;
  const std::string& string() const;
  const Sequence& sequence() const;
  const std::vector<Value>& items() const { return sequence().items; }
  const Slice& slice() const;
  const Record& record() const;
  /// A field of a record, or nullptr.
  const Value* field(std::string_view name) const;

  /// Python-style type name for messages: "array", "bool", "int", "float",
  /// "complex", "tuple", "list", "dtype", "None", "ellipsis", "slice", "str",
  /// or a record's type ("finfo").
  std::string type_name() const;
  /// Short text for messages and tests: "array(float64, shape=(4, 5))",
  /// "3", "1.5", "(1, 2)", "[1]", "float32", "'abc'", "None", "Ellipsis",
  /// "slice(1, None, 2)", "iinfo(bits=8, max=127, min=-128, dtype=int8)".
  std::string to_string() const;

 private:
  std::variant<NoneValue, EllipsisValue, Scalar, Array, DType, std::string, Sequence, Slice, Record> v_;
};

}  // namespace cubed::expr
