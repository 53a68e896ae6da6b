// The timeline callback: an SVG of the computation's tasks over time, one
// band per operation, one bar per task (stacked in lanes where tasks ran at
// the same time), backup copies in another colour. Each bar's <title> gives
// the task, its attempts and measured memory (shown on hover).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

#include "cubed/core/error.hpp"
#include "cubed/plan/plan.hpp"
#include "cubed/runtime/callbacks.hpp"

namespace cubed {
namespace {

std::string escape_xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string fixed(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", v);
  return buffer;
}

class Timeline final : public Callback {
 public:
  explicit Timeline(std::string path) : path_(std::move(path)) {}

  void on_compute_start(const Plan&) override {
    tasks_.clear();
    names_.clear();
  }
  void on_operation_start(const OperationEvent& e) override {
    names_[e.operation] = e.function_name + " -> " + e.array_name;
  }
  void on_task_end(const TaskEndEvent& e) override { tasks_.push_back(e); }

  void on_compute_end(const Plan&, bool) override {
    constexpr double kLabel = 220, kWidth = 900, kLane = 10, kGap = 8, kTop = 30;
    double end = 0;
    for (const TaskEndEvent& t : tasks_) end = std::max(end, t.ended);
    if (end <= 0) end = 1;
    const double scale = kWidth / end;
    // Lanes per operation: a task goes to the first lane free when it starts.
    std::map<int, std::vector<const TaskEndEvent*>> by_op;
    for (const TaskEndEvent& t : tasks_) by_op[t.operation].push_back(&t);
    for (const auto& [op, name] : names_) by_op[op];  // operations without tasks (resumed) get a band too
    std::string body;
    double y = kTop;
    for (auto& [op, list] : by_op) {
      std::sort(list.begin(), list.end(), [](auto* a, auto* b) { return a->started < b->started; });
      std::vector<double> lane_free;
      std::vector<std::pair<const TaskEndEvent*, std::size_t>> placed;
      for (const TaskEndEvent* t : list) {
        std::size_t lane = 0;
        while (lane < lane_free.size() && lane_free[lane] > t->started) ++lane;
        if (lane == lane_free.size()) lane_free.push_back(0);
        lane_free[lane] = t->ended;
        placed.emplace_back(t, lane);
      }
      const double band = std::max<double>(1, static_cast<double>(lane_free.size())) * kLane;
      body += "<g class=\"operation\" data-operation=\"" + std::to_string(op) + "\">\n";
      body += "<rect class=\"band\" x=\"0\" y=\"" + fixed(y - 2) + "\" width=\"" + fixed(kLabel + kWidth + 10) +
              "\" height=\"" + fixed(band + 4) + "\" fill=\"" + (op % 2 ? "#f4f4f4" : "#ffffff") + "\"/>\n";
      const auto name = names_.count(op) ? names_[op] : "operation " + std::to_string(op);
      body += "<text x=\"4\" y=\"" + fixed(y + std::min(band, 12.0) - 2) + "\" font-size=\"11\">" +
              escape_xml(std::to_string(op) + " " + name) + "</text>\n";
      for (const auto& [t, lane] : placed) {
        const double x = kLabel + t->started * scale;
        const double w = std::max(0.5, (t->ended - t->started) * scale);
        std::string task;
        for (std::size_t i = 0; i < t->task.size(); ++i) {
          if (i > 0) task += ',';
          task += std::to_string(t->task[i]);
        }
        body += "<rect class=\"task\" x=\"" + fixed(x) + "\" y=\"" + fixed(y + static_cast<double>(lane) * kLane) +
                "\" width=\"" + fixed(w) + "\" height=\"" + fixed(kLane - 2) + "\" fill=\"" +
                (t->backup ? "#d62728" : t->attempts > 1 ? "#ff7f0e" : "#1f77b4") + "\"><title>" +
                escape_xml(t->function_name + " task (" + task + "), attempt " + std::to_string(t->attempts) +
                           (t->backup ? ", backup" : "") + ", " + fixed(t->started) + "-" + fixed(t->ended) +
                           " s, peak " + std::to_string(t->measured_peak_mem) + " bytes") +
                "</title></rect>\n";
      }
      body += "</g>\n";
      y += band + kGap;
    }
    const double height = y + 20;
    std::ofstream out(path_);
    if (!out) throw StorageError("cannot write timeline '" + path_ + "'");
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << fixed(kLabel + kWidth + 20) << "\" height=\""
        << fixed(height) << "\" font-family=\"sans-serif\">\n"
        << "<text x=\"4\" y=\"16\" font-size=\"12\">tasks over time: " << tasks_.size() << " tasks, " << fixed(end)
        << " s (blue: first attempt, orange: retried, red: backup copy)</text>\n"
        << body;
    // Time axis.
    for (int i = 0; i <= 10; ++i) {
      const double x = kLabel + kWidth * i / 10.0;
      out << "<line x1=\"" << fixed(x) << "\" y1=\"" << fixed(kTop - 4) << "\" x2=\"" << fixed(x) << "\" y2=\""
          << fixed(y) << "\" stroke=\"#cccccc\" stroke-width=\"0.5\"/>\n"
          << "<text x=\"" << fixed(x) << "\" y=\"" << fixed(y + 12) << "\" font-size=\"9\" text-anchor=\"middle\">"
          << fixed(end * i / 10.0) << " s</text>\n";
    }
    out << "</svg>\n";
  }

 private:
  std::string path_;
  std::vector<TaskEndEvent> tasks_;
  std::map<int, std::string> names_;
};

}  // namespace

CallbackPtr make_timeline(const std::string& svg_path) { return std::make_shared<Timeline>(svg_path); }

}  // namespace cubed
