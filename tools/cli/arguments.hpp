#pragma once
// Command-line parsing shared by the subcommands: positional arguments,
// `--name VALUE` / `--name=VALUE` options, `--flag` switches and short
// aliases (`-o VALUE` for `--output VALUE`). Unknown options are errors that
// name the option.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cubed::cli {

struct ArgumentSpec {
  std::set<std::string> options;  ///< take a value, e.g. "--compressor"
  std::set<std::string> flags;    ///< no value, e.g. "--json"
  std::map<std::string, std::string> aliases;  ///< short forms, e.g. {"-o", "--output"}
};

class Arguments {
 public:
  /// Throws InvalidArgumentError for unknown options or a missing value.
  Arguments(const std::vector<std::string>& args, const ArgumentSpec& spec);
  const std::vector<std::string>& positional() const { return positional_; }
  std::optional<std::string> option(const std::string& name) const;
  bool flag(const std::string& name) const { return flags_.count(name) > 0; }

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> options_;
  std::set<std::string> flags_;
};

}  // namespace cubed::cli
