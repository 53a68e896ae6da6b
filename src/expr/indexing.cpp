#include "cubed/expr/indexing.hpp"

#include "cubed/api/indexing.hpp"

namespace cubed::expr {

// The evaluator has parsed and checked every subscript; the library does the
// indexing (and names out-of-range indices).
Array index_array(const Array& x, const std::vector<IndexItem>& items) {
  std::vector<cubed::IndexItem> converted;
  converted.reserve(items.size());
  for (const IndexItem& item : items) {
    if (const auto* i = std::get_if<std::int64_t>(&item)) {
      converted.emplace_back(*i);
    } else if (const auto* s = std::get_if<Slice>(&item)) {
      converted.emplace_back(cubed::Slice{s->start, s->stop, s->step});
    } else if (std::holds_alternative<NewAxis>(item)) {
      converted.emplace_back(cubed::NewAxis{});
    } else {
      converted.emplace_back(cubed::Ellipsis{});
    }
  }
  return cubed::index(x, converted);
}

}  // namespace cubed::expr
