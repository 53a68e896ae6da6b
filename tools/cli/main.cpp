// `cubed`: the command-line program. Dispatches to subcommands; every error
// ends as one line "error: ..." on stderr and exit status 1 (2 for usage).
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "cubed/core/error.hpp"

namespace {

using cubed::cli::Command;

const Command kCommands[] = {
    {"eval", "evaluate an array expression over Zarr arrays", cubed::cli::kEvalUsage, cubed::cli::run_eval},
    {"info", "describe a Zarr array", cubed::cli::kInfoUsage, cubed::cli::run_info},
    {"copy", "copy a Zarr array chunk by chunk", cubed::cli::kCopyUsage, cubed::cli::run_copy},
};

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: cubed COMMAND [ARGS...]\n\n"
               "Bounded-memory processing of chunked N-dimensional Zarr arrays.\n\ncommands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-8s %s\n", c.name, c.summary);
  std::fprintf(out, "\nRun 'cubed COMMAND --help' for a command's options.\n");
}

// One line, whatever the message holds.
std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fprintf(stderr, "error: no command given\n(run 'cubed --help' for the list of commands)\n");
    return 2;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_usage(stdout);
    return 0;
  }
  for (const Command& c : kCommands) {
    if (args[0] != c.name) continue;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    for (const std::string& a : rest) {
      if (a == "--help" || a == "-h") {
        std::fputs(c.usage, stdout);
        return 0;
      }
    }
    try {
      return c.run(rest);
    } catch (const cubed::InvalidArgumentError& e) {
      std::fprintf(stderr, "error: %s\n", one_line(e.what()).c_str());
      std::fprintf(stderr, "(run 'cubed %s --help' for usage)\n", c.name);
      return 2;
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "error: out of memory\n");
      return 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", one_line(e.what()).c_str());
      return 1;
    }
  }
  std::fprintf(stderr, "error: unknown command '%s' (run 'cubed --help' for the list)\n", args[0].c_str());
  return 2;
}
