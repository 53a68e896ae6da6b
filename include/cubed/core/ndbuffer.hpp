#pragma once
/// NDBuffer: one in-memory chunk. A dtype, a shape and C-order (row-major)
/// native-endian elements in one aligned, counted allocation (see memory.hpp).
#include <cstdint>
#include <span>
#include <vector>

#include "cubed/core/dtype.hpp"
#include "cubed/core/scalar.hpp"
#include "cubed/core/shape.hpp"

namespace cubed {

class NDBuffer {
 public:
  /// An empty float64 buffer of shape (0,); allocates nothing (a placeholder,
  /// as a moved-from buffer is).
  NDBuffer();
  /// Uninitialised elements. Throws InvalidArgumentError on a bad shape.
  NDBuffer(DType dtype, Shape shape);
  /// Every element set to `value` converted to `dtype`.
  static NDBuffer filled(DType dtype, Shape shape, const Scalar& value);
  static NDBuffer zeros(DType dtype, Shape shape) { return filled(dtype, std::move(shape), Scalar(0)); }

  NDBuffer(const NDBuffer& other);
  NDBuffer& operator=(const NDBuffer& other);
  NDBuffer(NDBuffer&& other) noexcept;
  NDBuffer& operator=(NDBuffer&& other) noexcept;
  ~NDBuffer();

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int ndim() const { return static_cast<int>(shape_.size()); }
  std::int64_t size() const { return size_; }
  std::int64_t nbytes() const { return size_ * item_size(dtype_); }
  std::uint8_t* data() { return data_; }
  const std::uint8_t* data() const { return data_; }
  std::span<std::uint8_t> bytes() { return {data_, static_cast<std::size_t>(nbytes())}; }
  std::span<const std::uint8_t> bytes() const { return {data_, static_cast<std::size_t>(nbytes())}; }
  /// The elements as T; T must be the dtype's C++ type (checked by size).
  template <class T>
  std::span<T> span() {
    check_element_size(sizeof(T));
    return {reinterpret_cast<T*>(data_), static_cast<std::size_t>(size_)};
  }
  template <class T>
  std::span<const T> span() const {
    check_element_size(sizeof(T));
    return {reinterpret_cast<const T*>(data_), static_cast<std::size_t>(size_)};
  }

  void fill(const Scalar& value);
  /// The element at a C-order flat index, or at an N-d index.
  Scalar get(std::int64_t flat_index) const;
  Scalar at(const Shape& index) const;
  void set(std::int64_t flat_index, const Scalar& value);
  /// Same dtype, shape and bytes.
  bool operator==(const NDBuffer& other) const;
  /// Same data viewed with another shape of the same size.
  NDBuffer reshaped(Shape shape) const&;
  NDBuffer reshaped(Shape shape) &&;

 private:
  void check_element_size(std::size_t size) const;
  void release() noexcept;

  DType dtype_ = DType::kFloat64;
  Shape shape_;
  std::int64_t size_ = 0;
  std::uint8_t* data_ = nullptr;
};

/// Copies the box [src_offset, src_offset + extent) of `src` into `dst` at
/// `dst_offset`. Same dtype and rank; the boxes must lie inside the buffers
/// (InvalidArgumentError otherwise).
void copy_region(const NDBuffer& src, const Shape& src_offset, NDBuffer& dst, const Shape& dst_offset,
                 const Shape& extent);
/// A new buffer with axes permuted: result.shape[i] = src.shape[perm[i]].
NDBuffer transpose(const NDBuffer& src, const std::vector<int>& perm);
/// Reverses the byte order of every element in place (complex: each part).
void byteswap_elements(DType dtype, std::span<std::uint8_t> data);

}  // namespace cubed
