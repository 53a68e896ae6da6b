// The progress display. On a terminal each operation's line is redrawn in
// place at most every 0.1 s; elsewhere (CI logs, pipes) one line is printed
// when an operation starts and one when it ends.
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cubed/plan/plan.hpp"
#include "cubed/runtime/callbacks.hpp"

namespace cubed {
namespace {

class ProgressBar final : public Callback {
 public:
  ProgressBar() : terminal_(::isatty(STDERR_FILENO) == 1) {}

  void on_operation_start(const OperationEvent& e) override {
    name_ = e.function_name + " -> " + e.array_name;
    total_ = e.num_tasks;
    done_ = e.resumed_tasks;  // a resumed computation's earlier work
    resumed_ = e.resumed_tasks;
    start_ = Clock::now();
    last_draw_ = start_;
    if (!terminal_) std::fprintf(stderr, "op %d %s: %lld tasks\n", e.operation, name_.c_str(), static_cast<long long>(total_));
    else draw(e.operation, false);
  }

  void on_task_end(const TaskEndEvent& e) override {
    ++done_;
    if (terminal_ && (Clock::now() - last_draw_ > std::chrono::milliseconds(100) || done_ == total_)) {
      draw(e.operation, false);
    }
  }

  void on_operation_end(const OperationEvent& e) override {
    if (terminal_) {
      draw(e.operation, true);
    } else {
      std::fprintf(stderr, "op %d %s: %lld/%lld tasks done in %.2f s\n", e.operation, name_.c_str(),
                   static_cast<long long>(done_), static_cast<long long>(total_), seconds());
    }
  }

 private:
  using Clock = std::chrono::steady_clock;
  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  void draw(int op, bool final_line) {
    last_draw_ = Clock::now();
    const double t = seconds();
    const double rate = t > 0 ? static_cast<double>(done_ - resumed_) / t : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0.0;
    const int width = 30;
    const int filled = total_ > 0 ? static_cast<int>(width * done_ / total_) : width;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r\033[Kop %d %s [%s] %lld/%lld %.1f tasks/s %s %.1fs", op, name_.c_str(), bar.c_str(),
                 static_cast<long long>(done_), static_cast<long long>(total_), rate, final_line ? "took" : "eta",
                 final_line ? t : eta);
    if (final_line) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

  bool terminal_;
  std::string name_;
  std::int64_t total_ = 0;
  std::int64_t done_ = 0;
  std::int64_t resumed_ = 0;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

}  // namespace

CallbackPtr make_progress_bar() { return std::make_shared<ProgressBar>(); }

}  // namespace cubed
