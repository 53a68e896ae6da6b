#pragma once
/// Operand: an argument that may be an array or a scalar (`x + 1`).
#include <optional>

#include "cubed/array/array.hpp"
#include "cubed/core/scalar.hpp"

namespace cubed {

class Operand {
 public:
  Operand(const Array& array) : array_(array) {}
  Operand(const Scalar& scalar) : scalar_(scalar) {}
  Operand(int v) : scalar_(Scalar(v)) {}
  Operand(std::int64_t v) : scalar_(Scalar(v)) {}
  Operand(double v) : scalar_(Scalar(v)) {}
  Operand(bool v) : scalar_(Scalar(v)) {}

  bool is_array() const { return array_.valid(); }
  const Array& array() const { return array_; }
  const Scalar& scalar() const { return *scalar_; }

 private:
  Array array_;
  std::optional<Scalar> scalar_;
};

}  // namespace cubed
