#pragma once
/// The one exception hierarchy of cubed-cpp. Every failure that ends a
/// computation is thrown as a subclass of `cubed::Error`; its `kind()` lets
/// executors carry it across process boundaries and rethrow the same type.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cubed {

enum class ErrorKind : std::uint8_t {
  kInvalidArgument,  ///< bad shape, chunks, option, expression...
  kDType,            ///< unknown or unsupported data type
  kMetadata,         ///< malformed or unsupported Zarr metadata
  kStorage,          ///< missing path, I/O failure
  kCodec,            ///< corrupt or truncated chunk, unknown codec
  kMemoryBudget,     ///< a task would exceed allowed_mem
  kPlan,             ///< an invalid plan
  kExecutor,         ///< a task failed after all retries
  kNotImplemented,
  kInternal,
};

/// Name of an error kind ("InvalidArgument", ...), used when an error is
/// serialised between processes.
std::string_view error_kind_name(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

#define CUBED_DEFINE_ERROR(Name, Kind)                                  \
  class Name final : public Error {                                     \
   public:                                                              \
    explicit Name(const std::string& message) : Error(Kind, message) {} \
  };
CUBED_DEFINE_ERROR(InvalidArgumentError, ErrorKind::kInvalidArgument)
CUBED_DEFINE_ERROR(DTypeError, ErrorKind::kDType)
CUBED_DEFINE_ERROR(MetadataError, ErrorKind::kMetadata)
CUBED_DEFINE_ERROR(StorageError, ErrorKind::kStorage)
CUBED_DEFINE_ERROR(CodecError, ErrorKind::kCodec)
CUBED_DEFINE_ERROR(MemoryBudgetError, ErrorKind::kMemoryBudget)
CUBED_DEFINE_ERROR(PlanError, ErrorKind::kPlan)
CUBED_DEFINE_ERROR(ExecutorError, ErrorKind::kExecutor)
CUBED_DEFINE_ERROR(NotImplementedError, ErrorKind::kNotImplemented)
CUBED_DEFINE_ERROR(InternalError, ErrorKind::kInternal)
#undef CUBED_DEFINE_ERROR

/// Rethrows an error of the given kind with a new message (same type), so a
/// layer can add context ("chunk 'x/0.1': ...") without losing the kind.
[[noreturn]] void throw_error(ErrorKind kind, const std::string& message);

}  // namespace cubed
