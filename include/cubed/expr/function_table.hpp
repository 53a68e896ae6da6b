#pragma once
/// The functions an expression can call, by name, with Python's calling
/// conventions. Each function is registered with a Python-style signature,
/// as the Array API standard writes them:
///
///   table.add("add", "x1, x2, /", fn);
///   table.add("full", "shape, fill_value, *, dtype=None, chunks='auto'", fn);
///
/// Parameters before `/` are positional-only, after `*` keyword-only, the
/// others either; `*name` collects extra positional arguments into a tuple
/// (as `*arrays` in meshgrid); `name=DEFAULT` gives a default (a literal: number, string,
/// None, True/False, dtype name or tuple of these). Calls are checked
/// against the signature before the function runs, with Python's messages:
///   sum() got an unexpected keyword argument 'axes'
///   add() takes 2 positional arguments but 3 were given
///   full() missing 1 required positional argument: 'fill_value'
/// The functions themselves read their arguments through CallArguments,
/// whose typed accessors give messages such as
///   full() argument 'shape' must be an int or a tuple of ints, not float
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cubed/api/operand.hpp"
#include "cubed/array/spec.hpp"
#include "cubed/core/chunk_grid.hpp"
#include "cubed/expr/value.hpp"

namespace cubed::expr {

/// kVarPositional is Python's `*args`: it collects the positional arguments
/// left over, as a tuple (the parameters after it are keyword-only).
enum class ParameterKind : std::uint8_t { kPositionalOnly, kPositionalOrKeyword, kKeywordOnly, kVarPositional };

struct Parameter {
  std::string name;
  ParameterKind kind = ParameterKind::kPositionalOrKeyword;
  std::optional<Value> default_value;  ///< nullopt: required
};

/// The parameters of a function, parsed from their Python form.
class Signature {
 public:
  /// Throws InternalError for a malformed signature (a programming error).
  explicit Signature(std::string_view text);
  const std::vector<Parameter>& parameters() const { return parameters_; }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::vector<Parameter> parameters_;
};

/// The arguments of one call, bound to the parameters (defaults filled in).
class CallArguments {
 public:
  CallArguments(std::string function, const Signature& signature, std::vector<Value> values, std::vector<bool> given,
                SpecPtr spec)
      : function_(std::move(function)), signature_(&signature), values_(std::move(values)),
        given_(std::move(given)), spec_(std::move(spec)) {}

  /// Name of the function called, for messages.
  const std::string& function() const { return function_; }
  /// The spec for arrays the function creates (nullptr: the default spec).
  const SpecPtr& spec() const { return spec_; }
  /// The argument (or default) of a parameter.
  const Value& operator[](std::string_view name) const;
  /// True when the caller passed the argument (not its default).
  bool given(std::string_view name) const;

  // Typed accessors: each throws InvalidArgumentError
  // "f() argument 'name' must be ..., not TYPE" for a value of another type.
  /// An array.
  const Array& array(std::string_view name) const;
  /// An array or a number (bool, int, float, complex).
  Operand operand(std::string_view name) const;
  /// A number (bool, int, float or complex).
  const Scalar& number(std::string_view name) const;
  /// A real number (bool, int or float).
  double real(std::string_view name) const;
  /// An int (not bool).
  std::int64_t integer(std::string_view name) const;
  /// An int or None.
  std::optional<std::int64_t> optional_integer(std::string_view name) const;
  /// A bool.
  bool boolean(std::string_view name) const;
  /// A dtype, a dtype name ("float32") or None (nullopt).
  std::optional<DType> dtype(std::string_view name) const;
  /// An int or a tuple/list of ints (non-negative).
  Shape shape(std::string_view name) const;
  /// Chunks as users write them: an int, "auto", None (auto) or a
  /// tuple/list of ints (-1: whole axis), "auto" or None (auto) per axis.
  ChunkSpec chunks(std::string_view name) const;

  /// Throws InvalidArgumentError "f() argument 'name' must be EXPECTED, not TYPE".
  [[noreturn]] void type_error(std::string_view name, std::string_view expected) const;

 private:
  std::size_t index(std::string_view name) const;

  std::string function_;
  const Signature* signature_;
  std::vector<Value> values_;
  std::vector<bool> given_;
  SpecPtr spec_;
};

/// A callable function of the expression language.
using Function = std::function<Value(const CallArguments&)>;

class FunctionTable {
 public:
  /// Registers (or replaces) a function. Throws InternalError for a
  /// malformed signature.
  void add(std::string name, std::string_view signature, Function function);
  bool contains(std::string_view name) const { return entries_.count(name) > 0; }
  /// The signature of a registered function, or nullptr.
  const Signature* signature(std::string_view name) const;
  /// Every registered name, sorted.
  std::vector<std::string> names() const;
  /// Binds the arguments (InvalidArgumentError with Python's message when
  /// they do not fit the signature) and calls the function.
  Value call(std::string_view name, std::vector<Value> positional,
             std::vector<std::pair<std::string, Value>> keywords, const SpecPtr& spec) const;

 private:
  struct Entry {
    std::shared_ptr<const Signature> signature;
    Function function;
  };
  std::map<std::string, Entry, std::less<>> entries_;
};

/// The functions every expression can call: the library's Array API
/// functions by their standard names, plus rechunk and astype. Built once;
/// defined in src/expr/functions.cpp, one line per function.
const FunctionTable& builtin_functions();

}  // namespace cubed::expr
