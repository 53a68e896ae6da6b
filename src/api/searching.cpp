// searchsorted and isin (see include/cubed/api/searching.hpp).
//
// Decisions:
// - Streaming over the whole searched array in every task trades I/O for
//   memory: the number of reads is blocks(x2) x chunks(x1). A plan that
//   first sorted or summarised x1 would need a distributed sort; the
//   searched arrays are usually the small side.
// - Declared extra memory: the converted copy of the values block and of
//   one searched chunk when their dtype differs from the common one.
#include "cubed/api/searching.hpp"

#include "cubed/api/indexing.hpp"
#include "cubed/core/error.hpp"
#include "cubed/kernels/elementwise.hpp"
#include "cubed/kernels/searching.hpp"
#include "cubed/primitives/blockwise.hpp"

namespace cubed {
namespace {

NDBuffer read_as(TaskInputs& in, std::size_t arg, std::size_t k, DType dtype) {
  NDBuffer chunk = in.read(arg, k);
  if (chunk.dtype() != dtype) chunk = kernels::cast(chunk, dtype);
  return chunk;
}

// One task per block of `values`; every chunk of `searched`, streamed.
// `step` folds one searched chunk (sorted in place if `sort`) into the
// result block.
using Step = std::function<void(NDBuffer& searched, const NDBuffer& values, NDBuffer& result)>;
Array stream_search(const Array& values, const Array& searched, DType result, bool sort, const std::string& name,
                    Step step, std::function<void(NDBuffer&)> finish) {
  const DType common = result_type(values.dtype(), searched.dtype());
  BlockwiseOptions options;
  options.name = name;
  options.extra_memory = item_size(common) * ((values.dtype() != common) * shape_size(values.chunks()) +
                                              (searched.dtype() != common) * shape_size(searched.chunks()));
  const Shape blocks = searched.numblocks();
  KeyFunction keys = [blocks](const Shape& c) {
    std::vector<Shape> all;
    for_each_index(blocks, [&](const Shape& k) { all.push_back(k); });
    return std::vector<std::vector<Shape>>{{c}, std::move(all)};
  };
  ChunkFunction fn = [common, result, sort, step, finish](const Shape&, TaskInputs& in) {
    const NDBuffer v = read_as(in, 0, 0, common);
    NDBuffer out = NDBuffer::zeros(result, v.shape());
    for (std::size_t k = 0; k < in.count(1); ++k) {
      NDBuffer s = read_as(in, 1, k, common);
      s = std::move(s).reshaped({s.size()});
      if (sort) kernels::sort_chunk(s);
      step(s, v, out);
    }
    if (finish) finish(out);
    return out;
  };
  return general_blockwise(std::move(fn), std::move(keys), {values, searched}, values.shape(), values.chunks(), result,
                           std::move(options));
}

void check_valid(const Array& x, const char* fn, const char* what) {
  if (!x.valid()) throw InvalidArgumentError(std::string(fn) + ": " + what + " is empty (default-constructed)");
}

}  // namespace

Array searchsorted(const Array& x1_in, const Array& x2, SearchSide side, const std::optional<Array>& sorter) {
  check_valid(x1_in, "searchsorted", "x1");
  check_valid(x2, "searchsorted", "x2");
  if (x1_in.ndim() != 1) {
    throw InvalidArgumentError("searchsorted: x1 must be 1-d, got shape " + shape_to_string(x1_in.shape()));
  }
  Array x1 = x1_in;
  if (sorter) {
    check_valid(*sorter, "searchsorted", "sorter");
    if (!is_integer(sorter->dtype())) {
      throw DTypeError("searchsorted: sorter must have an integer dtype, got " +
                       std::string(dtype_name(sorter->dtype())));
    }
    if (sorter->shape() != x1.shape()) {
      throw InvalidArgumentError("searchsorted: sorter has shape " + shape_to_string(sorter->shape()) +
                                 ", x1 has shape " + shape_to_string(x1.shape()));
    }
    x1 = take(x1, *sorter, 0);
  }
  const bool right = side == SearchSide::kRight;
  return stream_search(
      x2, x1, DType::kInt64, false, "searchsorted",
      [right](NDBuffer& s, const NDBuffer& v, NDBuffer& out) { kernels::count_sorted_below(s, v, right, out); },
      nullptr);
}

Array isin(const Array& element, const Array& test_elements, bool invert) {
  check_valid(element, "isin", "element");
  check_valid(test_elements, "isin", "test_elements");
  std::function<void(NDBuffer&)> finish;
  if (invert) {
    finish = [](NDBuffer& out) {
      for (bool& b : out.span<bool>()) b = !b;
    };
  }
  return stream_search(
      element, test_elements, DType::kBool, true, "isin",
      [](NDBuffer& s, const NDBuffer& v, NDBuffer& out) { kernels::mark_members(s, v, out); }, finish);
}

}  // namespace cubed
