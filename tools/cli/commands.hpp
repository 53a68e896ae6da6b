#pragma once
// The subcommands of the `cubed` program. Each takes the arguments after its
// name, prints its result on stdout and returns the exit code; errors are
// thrown as cubed::Error and reported by main.
#include <string>
#include <vector>

namespace cubed::cli {

struct Command {
  const char* name;
  const char* summary;
  const char* usage;  ///< full --help text
  int (*run)(const std::vector<std::string>& args);
};

int run_eval(const std::vector<std::string>& args);
int run_info(const std::vector<std::string>& args);
int run_copy(const std::vector<std::string>& args);

extern const char* const kEvalUsage;
extern const char* const kInfoUsage;
extern const char* const kCopyUsage;

}  // namespace cubed::cli
