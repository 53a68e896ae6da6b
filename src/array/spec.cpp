#include "cubed/array/spec.hpp"

#include <filesystem>

#include "cubed/core/error.hpp"
#include "cubed/core/size.hpp"

namespace cubed {

Spec::Spec(SpecOptions options) : options_(std::move(options)) {
  if (options_.allowed_mem <= 0) {
    throw InvalidArgumentError("allowed_mem must be positive, got " + std::to_string(options_.allowed_mem));
  }
  if (options_.reserved_mem < 0) {
    throw InvalidArgumentError("reserved_mem must not be negative, got " + std::to_string(options_.reserved_mem));
  }
  if (options_.work_dir.empty()) {
    options_.work_dir = (std::filesystem::temp_directory_path() / "cubed-work").string();
  }
}

std::shared_ptr<const Spec> Spec::make(const std::string& work_dir, const std::string& allowed_mem,
                                       const std::string& reserved_mem) {
  SpecOptions options;
  options.work_dir = work_dir;
  options.allowed_mem = parse_size(allowed_mem);
  options.reserved_mem = parse_size(reserved_mem);
  return std::make_shared<const Spec>(options);
}

bool Spec::operator==(const Spec& other) const {
  auto codec_json = [](const storage::CodecPtr& c) { return c ? c->config_json() : std::string("null"); };
  return options_.work_dir == other.options_.work_dir && options_.allowed_mem == other.options_.allowed_mem &&
         options_.reserved_mem == other.options_.reserved_mem && options_.executor == other.options_.executor &&
         codec_json(options_.intermediate_compressor) == codec_json(other.options_.intermediate_compressor);
}

SpecPtr default_spec() {
  static SpecPtr spec = std::make_shared<const Spec>();
  return spec;
}

}  // namespace cubed
