#include "cubed/core/error.hpp"

namespace cubed {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return "InvalidArgument";
    case ErrorKind::kDType: return "DType";
    case ErrorKind::kMetadata: return "Metadata";
    case ErrorKind::kStorage: return "Storage";
    case ErrorKind::kCodec: return "Codec";
    case ErrorKind::kMemoryBudget: return "MemoryBudget";
    case ErrorKind::kPlan: return "Plan";
    case ErrorKind::kExecutor: return "Executor";
    case ErrorKind::kNotImplemented: return "NotImplemented";
    case ErrorKind::kInternal: return "Internal";
  }
  return "Internal";
}

void throw_error(ErrorKind kind, const std::string& message) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: throw InvalidArgumentError(message);
    case ErrorKind::kDType: throw DTypeError(message);
    case ErrorKind::kMetadata: throw MetadataError(message);
    case ErrorKind::kStorage: throw StorageError(message);
    case ErrorKind::kCodec: throw CodecError(message);
    case ErrorKind::kMemoryBudget: throw MemoryBudgetError(message);
    case ErrorKind::kPlan: throw PlanError(message);
    case ErrorKind::kExecutor: throw ExecutorError(message);
    case ErrorKind::kNotImplemented: throw NotImplementedError(message);
    case ErrorKind::kInternal: throw InternalError(message);
  }
  throw InternalError(message);
}

}  // namespace cubed
