#include "arguments.hpp"

#include "cubed/core/error.hpp"

namespace cubed::cli {

Arguments::Arguments(const std::vector<std::string>& args, const ArgumentSpec& spec) {
  bool only_positional = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (auto alias = spec.aliases.find(arg); !only_positional && alias != spec.aliases.end()) arg = alias->second;
    if (only_positional || arg.size() < 2 || arg.compare(0, 2, "--") != 0) {
      positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    std::string name = arg;
    std::optional<std::string> value;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    if (spec.flags.count(name)) {
      if (value) throw InvalidArgumentError("option " + name + " takes no value");
      flags_.insert(name);
    } else if (spec.options.count(name)) {
      if (!value) {
        if (i + 1 >= args.size()) throw InvalidArgumentError("option " + name + " needs a value");
        value = args[++i];
      }
      options_[name] = *value;
    } else {
      throw InvalidArgumentError("unknown option " + name);
    }
  }
}

std::optional<std::string> Arguments::option(const std::string& name) const {
  auto it = options_.find(name);
  if (it == options_.end()) return std::nullopt;
  return it->second;
}

}  // namespace cubed::cli
