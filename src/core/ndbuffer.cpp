#include "cubed/core/ndbuffer.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "cubed/core/error.hpp"
#include "cubed/core/memory.hpp"

namespace cubed {

NDBuffer::NDBuffer() : shape_{0} {}  // empty, allocates nothing

NDBuffer::NDBuffer(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  size_ = shape_size(shape_);
  std::int64_t bytes = size_ * item_size(dtype_);
  data_ = static_cast<std::uint8_t*>(counted_allocate(static_cast<std::size_t>(bytes)));
}

NDBuffer NDBuffer::filled(DType dtype, Shape shape, const Scalar& value) {
  NDBuffer b(dtype, std::move(shape));
  b.fill(value);
  return b;
}

NDBuffer::NDBuffer(const NDBuffer& other) : NDBuffer(other.dtype_, other.shape_) {
  if (size_ > 0) std::memcpy(data_, other.data_, static_cast<std::size_t>(nbytes()));
}

NDBuffer& NDBuffer::operator=(const NDBuffer& other) {
  if (this != &other) *this = NDBuffer(other);
  return *this;
}

NDBuffer::NDBuffer(NDBuffer&& other) noexcept
    : dtype_(other.dtype_), shape_(std::move(other.shape_)), size_(other.size_), data_(other.data_) {
  other.data_ = nullptr;
  other.size_ = 0;
  other.shape_ = Shape{0};
}

NDBuffer& NDBuffer::operator=(NDBuffer&& other) noexcept {
  if (this != &other) {
    release();
    dtype_ = other.dtype_;
    shape_ = std::move(other.shape_);
    size_ = other.size_;
    data_ = other.data_;
    other.data_ = nullptr;
    other.size_ = 0;
    other.shape_ = Shape{0};
  }
  return *this;
}

NDBuffer::~NDBuffer() { release(); }

void NDBuffer::release() noexcept {
  if (data_ != nullptr) counted_free(data_, static_cast<std::size_t>(nbytes()));
  data_ = nullptr;
}

void NDBuffer::check_element_size(std::size_t size) const {
  if (static_cast<std::int64_t>(size) != item_size(dtype_)) {
    throw InternalError("NDBuffer of dtype " + std::string(dtype_name(dtype_)) + " viewed with an element of " +
                        std::to_string(size) + " bytes");
  }
}

void NDBuffer::fill(const Scalar& value) {
  const std::int64_t n = item_size(dtype_);
  if (size_ == 0) return;
  value.store(dtype_, data_);
  bool all_zero = std::all_of(data_, data_ + n, [](std::uint8_t b) { return b == 0; });
  if (all_zero) {
    std::memset(data_, 0, static_cast<std::size_t>(nbytes()));
    return;
  }
  // Double the filled prefix each step: log2(size) memcpy calls.
  std::int64_t done = n;
  const std::int64_t total = nbytes();
  while (done < total) {
    std::int64_t step = std::min(done, total - done);
    std::memcpy(data_ + done, data_, static_cast<std::size_t>(step));
    done += step;
  }
}

Scalar NDBuffer::get(std::int64_t flat_index) const {
  if (flat_index < 0 || flat_index >= size_) {
    throw InvalidArgumentError("index " + std::to_string(flat_index) + " out of range for a buffer of " +
                               std::to_string(size_) + " elements");
  }
  return Scalar::load(dtype_, data_ + flat_index * item_size(dtype_));
}

Scalar NDBuffer::at(const Shape& index) const {
  if (index.size() != shape_.size()) {
    throw InvalidArgumentError("index " + shape_to_string(index) + " does not match shape " + shape_to_string(shape_));
  }
  std::int64_t flat = 0;
  for (std::size_t i = 0; i < index.size(); ++i) {
    if (index[i] < 0 || index[i] >= shape_[i]) {
      throw InvalidArgumentError("index " + shape_to_string(index) + " out of bounds for shape " +
                                 shape_to_string(shape_));
    }
    flat = flat * shape_[i] + index[i];
  }
  return get(flat);
}

void NDBuffer::set(std::int64_t flat_index, const Scalar& value) {
  if (flat_index < 0 || flat_index >= size_) {
    throw InvalidArgumentError("index " + std::to_string(flat_index) + " out of range for a buffer of " +
                               std::to_string(size_) + " elements");
  }
  value.store(dtype_, data_ + flat_index * item_size(dtype_));
}

bool NDBuffer::operator==(const NDBuffer& other) const {
  return dtype_ == other.dtype_ && shape_ == other.shape_ &&
         (size_ == 0 || std::memcmp(data_, other.data_, static_cast<std::size_t>(nbytes())) == 0);
}

NDBuffer NDBuffer::reshaped(Shape shape) const& { return NDBuffer(*this).reshaped(std::move(shape)); }

NDBuffer NDBuffer::reshaped(Shape shape) && {
  if (shape_size(shape) != size_) {
    throw InvalidArgumentError("cannot reshape a buffer of shape " + shape_to_string(shape_) + " to " +
                               shape_to_string(shape));
  }
  NDBuffer result(std::move(*this));
  result.shape_ = std::move(shape);
  return result;
}

void copy_region(const NDBuffer& src, const Shape& src_offset, NDBuffer& dst, const Shape& dst_offset,
                 const Shape& extent) {
  const std::size_t ndim = extent.size();
  if (src.dtype() != dst.dtype() || src.shape().size() != ndim || dst.shape().size() != ndim ||
      src_offset.size() != ndim || dst_offset.size() != ndim) {
    throw InvalidArgumentError("copy_region: buffers of shape " + shape_to_string(src.shape()) + " and " +
                               shape_to_string(dst.shape()) + " do not match extent " + shape_to_string(extent));
  }
  for (std::size_t i = 0; i < ndim; ++i) {
    if (extent[i] < 0 || src_offset[i] < 0 || dst_offset[i] < 0 || src_offset[i] + extent[i] > src.shape()[i] ||
        dst_offset[i] + extent[i] > dst.shape()[i]) {
      throw InvalidArgumentError("copy_region: box of extent " + shape_to_string(extent) + " at " +
                                 shape_to_string(src_offset) + " -> " + shape_to_string(dst_offset) +
                                 " does not fit buffers of shape " + shape_to_string(src.shape()) + " and " +
                                 shape_to_string(dst.shape()));
    }
  }
  const std::int64_t item = item_size(src.dtype());
  if (ndim == 0) {
    std::memcpy(dst.data(), src.data(), static_cast<std::size_t>(item));
    return;
  }
  // Merge trailing axes that are whole in source, destination and box, so
  // the innermost memcpy is as long as possible.
  int inner = static_cast<int>(ndim) - 1;
  std::int64_t run = extent[inner];
  while (inner > 0 && extent[inner] == src.shape()[inner] && extent[inner] == dst.shape()[inner] &&
         src_offset[inner] == 0 && dst_offset[inner] == 0) {
    --inner;
    run *= extent[inner];
  }
  const Shape src_strides = c_strides(src.shape());
  const Shape dst_strides = c_strides(dst.shape());
  Shape outer(extent.begin(), extent.begin() + inner);
  const std::size_t run_bytes = static_cast<std::size_t>(run * item);
  if (run_bytes == 0) return;
  for_each_index(outer, [&](const Shape& index) {
    std::int64_t s = 0;
    std::int64_t d = 0;
    for (int i = 0; i < inner; ++i) {
      s += (src_offset[i] + index[i]) * src_strides[i];
      d += (dst_offset[i] + index[i]) * dst_strides[i];
    }
    s += src_offset[inner] * src_strides[inner];
    d += dst_offset[inner] * dst_strides[inner];
    std::memcpy(dst.data() + d * item, src.data() + s * item, run_bytes);
  });
}

NDBuffer transpose(const NDBuffer& src, const std::vector<int>& perm) {
  const int ndim = src.ndim();
  std::vector<bool> seen(static_cast<std::size_t>(ndim), false);
  bool valid = static_cast<int>(perm.size()) == ndim;
  for (int p : perm) {
    if (!valid || p < 0 || p >= ndim || seen[p]) {
      valid = false;
      break;
    }
    seen[p] = true;
  }
  if (!valid) {
    throw InvalidArgumentError("invalid axis permutation for an array of " + std::to_string(ndim) + " dimensions");
  }
  Shape out_shape(ndim);
  for (int i = 0; i < ndim; ++i) out_shape[i] = src.shape()[perm[i]];
  NDBuffer out(src.dtype(), out_shape);
  const std::int64_t item = item_size(src.dtype());
  const Shape src_strides = c_strides(src.shape());
  Shape stride_of_out(ndim);
  for (int i = 0; i < ndim; ++i) stride_of_out[i] = src_strides[perm[i]];
  std::uint8_t* o = out.data();
  for_each_index(out_shape, [&](const Shape& index) {
    std::int64_t s = 0;
    for (int i = 0; i < ndim; ++i) s += index[i] * stride_of_out[i];
    std::memcpy(o, src.data() + s * item, static_cast<std::size_t>(item));
    o += item;
  });
  return out;
}

void byteswap_elements(DType dtype, std::span<std::uint8_t> data) {
  std::size_t width = static_cast<std::size_t>(is_complex(dtype) ? item_size(dtype) / 2 : item_size(dtype));
  if (width <= 1) return;
  for (std::size_t i = 0; i + width <= data.size(); i += width) {
    std::reverse(data.begin() + static_cast<std::ptrdiff_t>(i),
                 data.begin() + static_cast<std::ptrdiff_t>(i + width));
  }
}

}  // namespace cubed
