#pragma once
// What tests share: temporary folders, text files, running a program with a
// time limit (its output captured), and expecting an error with a message.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cubed/core/error.hpp"

namespace cubed::testing {

/// `arg` quoted for /bin/sh.
inline std::string shell_quote(const std::string& arg) {
  std::string q = "'";
  for (char c : arg) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Writes `text` to `path`, creating its folders.
inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

/// A fresh folder under the system temp folder, removed at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "cubed-test") {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int status = -1;  ///< exit status; 128 + N when killed by signal N; 124 when timed out
  std::string out;
  std::string err;
  std::string command;
};

/// Runs `program` with a time limit, stdin from /dev/null, stdout and stderr
/// captured (in files of a scratch folder of this process).
inline RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                             int timeout_seconds = 120) {
  static const TempDir scratch("cubed-run");
  static std::atomic<int> counter{0};
  const int n = counter++;
  const std::string out = scratch / (std::string("stdout.") + std::to_string(n));
  const std::string err = scratch / (std::string("stderr.") + std::to_string(n));
  std::string command = "timeout -k 5 ";
  command += std::to_string(timeout_seconds);
  command += ' ';
  command += shell_quote(program);
  for (const std::string& a : args) {
    command += ' ';
    command += shell_quote(a);
  }
  RunResult r;
  r.command = command;
  const std::string full = command + " </dev/null >" + shell_quote(out) + " 2>" + shell_quote(err);
  const int raw = std::system(full.c_str());
  if (raw != -1 && WIFEXITED(raw)) r.status = WEXITSTATUS(raw);
  if (raw != -1 && WIFSIGNALED(raw)) r.status = 128 + WTERMSIG(raw);
  r.out = read_text(out);
  r.err = read_text(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

/// Calls `f` and expects an exception of type E whose message contains
/// `fragment`.
template <class E, class F>
void expect_error(F f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one containing '" << fragment << "'";
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

template <class F>
void expect_invalid(F f, const std::string& fragment) {
  expect_error<InvalidArgumentError>(f, fragment);
}

}  // namespace cubed::testing
