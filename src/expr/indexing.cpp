#include "cubed/expr/indexing.hpp"

#include "cubed/core/error.hpp"

namespace cubed::expr {

// When the library gains indexing (api/indexing.hpp), convert the items and
// call it here; the evaluator already parses and checks every subscript.
Array index_array(const Array&, const std::vector<IndexItem>&) {
  throw NotImplementedError("indexing is not available yet");
}

}  // namespace cubed::expr
