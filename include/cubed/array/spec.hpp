#pragma once
/// Spec: the resources of one computation, shared by every array in it.
#include <cstdint>
#include <memory>
#include <string>

#include "cubed/storage/codecs/codec.hpp"

namespace cubed {

struct SpecOptions {
  /// Folder (or URL) where intermediate arrays are written. Empty: a folder
  /// under the system's temporary directory.
  std::string work_dir;
  /// Most memory one task may use, reserved_mem included. "2GB" by default.
  std::int64_t allowed_mem = 2'000'000'000;
  /// A worker's own baseline memory, counted in every task.
  std::int64_t reserved_mem = 100'000'000;
  /// Executor name ("single-threaded", later "threads:N", ...).
  std::string executor = "single-threaded";
  /// Compressor of intermediate arrays; nullptr = uncompressed. By default
  /// blosc lz4 (fast, zarr-python's default).
  storage::CodecPtr intermediate_compressor = storage::default_codec();
};

class Spec {
 public:
  /// Throws InvalidArgumentError when allowed_mem is not positive or
  /// reserved_mem is negative. (reserved_mem >= allowed_mem is allowed here:
  /// every plan is then refused by validation, which names the numbers.)
  explicit Spec(SpecOptions options = {});
  /// Sizes as text ("2GB", "100MB").
  static std::shared_ptr<const Spec> make(const std::string& work_dir, const std::string& allowed_mem = "2GB",
                                          const std::string& reserved_mem = "100MB");

  const std::string& work_dir() const { return options_.work_dir; }
  std::int64_t allowed_mem() const { return options_.allowed_mem; }
  std::int64_t reserved_mem() const { return options_.reserved_mem; }
  const std::string& executor() const { return options_.executor; }
  const storage::CodecPtr& intermediate_compressor() const { return options_.intermediate_compressor; }
  const SpecOptions& options() const { return options_; }
  /// Same settings (specs compare by value, so two equal specs may mix).
  bool operator==(const Spec& other) const;

 private:
  SpecOptions options_;
};

using SpecPtr = std::shared_ptr<const Spec>;
/// The spec used when none is given: defaults, work_dir under /tmp.
SpecPtr default_spec();

}  // namespace cubed
