// The history callback: CSV files describing a computation, for analysis
// after the fact (which operations were close to their memory budget, where
// the time went).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "cubed/core/error.hpp"
#include "cubed/plan/plan.hpp"
#include "cubed/runtime/callbacks.hpp"

namespace cubed {
namespace {

std::string csv_shape(const Shape& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i > 0) out += ' ';
    out += std::to_string(s[i]);
  }
  return out;
}

class History final : public Callback {
 public:
  explicit History(std::string folder) : folder_(std::move(folder)) {}

  void on_compute_start(const Plan& plan) override {
    std::error_code ec;
    std::filesystem::create_directories(folder_, ec);
    if (ec) throw StorageError("cannot create history folder '" + folder_ + "': " + ec.message());
    std::ofstream out(folder_ + "/plan.csv");
    out << "operation,function,array,shape,chunks,dtype,num_tasks,projected_mem,allowed_mem,reserved_mem,target\n";
    for (std::size_t i = 0; i < plan.operations().size(); ++i) {
      const PlanOperation& op = plan.operations()[i];
      out << i << "," << op.node->op->function_name() << "," << op.node->name << "," << csv_shape(op.node->shape())
          << "," << csv_shape(op.node->chunks()) << "," << dtype_name(op.node->dtype) << "," << op.num_tasks << ","
          << op.projected_mem << "," << op.allowed_mem << "," << op.reserved_mem << ","
          << (op.target ? op.target->location.describe() : "") << "\n";
    }
    events_.open(folder_ + "/events.csv");
    events_ << "operation,function,array,task,attempts,created,started,ended,received,measured_peak_mem,projected_mem,"
               "worker,backup\n";
  }

  void on_operation_start(const OperationEvent& e) override { stats_[e.operation].event = e; }

  void on_task_end(const TaskEndEvent& e) override {
    events_ << e.operation << "," << e.function_name << "," << e.array_name << "," << csv_shape(e.task) << ","
            << e.attempts << "," << e.created << "," << e.started << "," << e.ended << "," << e.received << ","
            << e.measured_peak_mem << "," << e.projected_mem << "," << e.worker << "," << (e.backup ? 1 : 0) << "\n";
    Stats& s = stats_[e.operation];
    s.tasks += 1;
    s.peak = std::max(s.peak, e.measured_peak_mem);
    s.first = s.tasks == 1 ? e.started : std::min(s.first, e.started);
    s.last = std::max(s.last, e.ended);
  }

  void on_compute_end(const Plan& plan, bool) override {
    events_.close();
    std::ofstream out(folder_ + "/stats.csv");
    out << "operation,function,array,num_tasks,projected_mem,measured_peak_mem,projected_mem_utilization,seconds\n";
    for (const auto& [op, s] : stats_) {
      // measured excludes reserved_mem; utilisation compares like with like.
      const std::int64_t reserved = plan.operations()[op].reserved_mem;
      const double utilization = s.event.projected_mem > 0
                                     ? static_cast<double>(s.peak + reserved) / static_cast<double>(s.event.projected_mem)
                                     : 0.0;
      out << op << "," << s.event.function_name << "," << s.event.array_name << "," << s.tasks << ","
          << s.event.projected_mem << "," << s.peak + reserved << "," << utilization << "," << (s.last - s.first)
          << "\n";
    }
  }

 private:
  struct Stats {
    OperationEvent event;
    std::int64_t tasks = 0;
    std::int64_t peak = 0;
    double first = 0;
    double last = 0;
  };
  std::string folder_;
  std::ofstream events_;
  std::map<int, Stats> stats_;
};

}  // namespace

CallbackPtr make_history(const std::string& folder) { return std::make_shared<History>(folder); }

}  // namespace cubed
