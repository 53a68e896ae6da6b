// Plan fingerprints and resume markers (see resume.hpp).
#include "cubed/runtime/resume.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cubed/core/error.hpp"
#include "cubed/plan/plan.hpp"
#include "cubed/storage/local_store.hpp"

namespace cubed {
namespace {

// Two FNV-1a 64-bit hashes with different bases: 128 bits, so that distinct
// computations never meet in one work_dir by accident.
class Hasher {
 public:
  void bytes(const void* data, std::size_t n) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    for (std::size_t i = 0; i < n; ++i) {
      a_ = (a_ ^ p[i]) * 0x100000001b3ULL;
      b_ = (b_ ^ static_cast<std::uint8_t>(p[i] ^ 0x5c)) * 0x100000001b3ULL;
    }
  }
  void text(const std::string& s) {
    bytes(s.data(), s.size());
    bytes("\0", 1);  // field separator: ("ab","c") != ("a","bc")
  }
  void number(std::int64_t v) { text(std::to_string(v)); }
  void shape(const Shape& s) {
    number(static_cast<std::int64_t>(s.size()));
    for (std::int64_t v : s) number(v);
  }
  std::string hex() const {
    char out[33];
    std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(a_),
                  static_cast<unsigned long long>(b_));
    return out;
  }

 private:
  std::uint64_t a_ = 0xcbf29ce484222325ULL;
  std::uint64_t b_ = 0x84222325cbf29ce4ULL;
};

// Generated chunks never read other arrays; anything else is a bug.
class NoContext final : public ChunkContext {
 public:
  NDBuffer read_chunk(const ArrayNode& node, const Shape&) override {
    throw InternalError("fingerprint: virtual array read " + node.name);
  }
  void write_chunk(const ArrayNode& node, const Shape&, const NDBuffer&) override {
    throw InternalError("fingerprint: virtual array wrote " + node.name);
  }
};

constexpr std::int64_t kContentBudget = 64'000'000;

void hash_codec(Hasher& h, const storage::CodecPtr& codec) { h.text(codec ? codec->config_json() : "null"); }

}  // namespace

std::string plan_fingerprint(const Plan& plan, const std::string& key) {
  Hasher h;
  h.text("cubed-plan-v1");
  h.text(key);
  std::map<const ArrayNode*, std::int64_t> ids;
  std::int64_t content_left = kContentBudget;
  NoContext no_context;
  std::function<std::int64_t(const NodePtr&)> walk = [&](const NodePtr& node) -> std::int64_t {
    auto it = ids.find(node.get());
    if (it != ids.end()) return it->second;
    std::vector<std::int64_t> inputs;
    for (const NodePtr& input : node->op->inputs()) inputs.push_back(walk(input));
    const std::int64_t id = static_cast<std::int64_t>(ids.size());
    ids[node.get()] = id;
    h.text("node");
    h.number(id);
    h.text(node->op->function_name());
    h.number(static_cast<std::int64_t>(node->op->kind()));
    h.shape(node->shape());
    h.shape(node->chunks());
    h.text(std::string(dtype_name(node->dtype)));
    h.text(node->op->storage_location());
    for (std::int64_t input : inputs) h.number(input);
    if (node->op->is_virtual() && node->grid.num_chunks() > 0) {
      // In-memory and generated arrays: their values, as far as is cheap
      // (all chunks, or the first one of a large array).
      const bool all = node->nbytes() <= content_left;
      const Shape grid = node->grid.grid_shape();
      std::int64_t n = all ? node->grid.num_chunks() : 1;
      for (std::int64_t i = 0; i < n && content_left >= node->chunk_nbytes(); ++i) {
        Shape coords(grid.size());
        std::int64_t rest = i;
        for (int d = static_cast<int>(grid.size()) - 1; d >= 0; --d) {
          coords[d] = rest % grid[d];
          rest /= grid[d];
        }
        NDBuffer chunk = node->op->compute_chunk(*node, coords, no_context);
        h.bytes(chunk.data(), static_cast<std::size_t>(chunk.nbytes()));
        content_left -= chunk.nbytes();
      }
    }
    return id;
  };
  for (const auto& output : plan.outputs()) walk(output.array.node());
  for (const PlanOperation& op : plan.operations()) {
    h.text("operation");
    h.number(walk(op.node));
    h.shape(op.task_grid);
    for (int d : op.dependencies) h.number(d);
    h.number(op.output_index);
    if (op.target) {
      const OutputTarget& t = *op.target;
      h.text(t.location.describe());
      hash_codec(h, t.compressor);
      h.text(t.attributes_json);
      h.text(t.fill_value ? t.fill_value->to_string() : "null");
      h.number(t.write_empty_chunks);
      h.number(static_cast<std::int64_t>(t.order));
      h.number(static_cast<std::int64_t>(t.endian));
      h.number(t.dimension_separator);
    } else {
      hash_codec(h, op.node->spec->intermediate_compressor());
    }
  }
  return h.hex();
}

std::string ResumeState::key(const std::string& name) const { return folder_.key(".resume/" + name); }

bool ResumeState::operation_begun(int op) const {
  return folder_.store->exists(key("op-" + std::to_string(op) + ".begun"));
}

bool ResumeState::operation_done(int op) const {
  return folder_.store->exists(key("op-" + std::to_string(op) + ".done"));
}

void ResumeState::mark_begun(int op) { folder_.store->set(key("op-" + std::to_string(op) + ".begun"), std::string_view("")); }

void ResumeState::mark_done(int op) { folder_.store->set(key("op-" + std::to_string(op) + ".done"), std::string_view("")); }

namespace {
// A task log record: the task and a check that tells a record from a torn one.
constexpr std::uint64_t kRecordCheck = 0x5bd1e9955bd1e995ULL;
struct TaskRecord {
  std::int64_t task;
  std::uint64_t check;
};
}  // namespace

ResumeState::ResumeState(storage::StorePath folder) : folder_(std::move(folder)) {
  if (const auto* local = dynamic_cast<const storage::LocalStore*>(folder_.store.get())) {
    local_root_ = (local->root() / folder_.path).string();
  }
}

ResumeState::~ResumeState() {
  for (const auto& [op, fd] : task_logs_) ::close(fd);
}

std::vector<bool> ResumeState::tasks_done(int op, std::int64_t num_tasks) const {
  std::vector<bool> done(static_cast<std::size_t>(num_tasks), false);
  const std::string prefix = key("op-" + std::to_string(op));
  for (const std::string& k : folder_.store->list(prefix)) {
    const std::string name = k.substr(k.rfind('/') + 1);
    if (name.ends_with(".log")) {
      const std::optional<Bytes> log = folder_.store->get(k);
      if (!log) continue;
      for (std::size_t at = 0; at + sizeof(TaskRecord) <= log->size(); at += sizeof(TaskRecord)) {
        TaskRecord r;
        std::memcpy(&r, log->data() + at, sizeof r);
        if ((static_cast<std::uint64_t>(r.task) ^ kRecordCheck) == r.check && r.task >= 0 && r.task < num_tasks) {
          done[static_cast<std::size_t>(r.task)] = true;
        }
      }
      continue;
    }
    char* end = nullptr;
    const long long t = std::strtoll(name.c_str(), &end, 10);
    if (!name.empty() && *end == '\0' && t >= 0 && t < num_tasks) done[static_cast<std::size_t>(t)] = true;
  }
  return done;
}

int ResumeState::task_log(int op) {
  std::lock_guard lock(mutex_);
  auto it = task_logs_.find(op);
  if (it != task_logs_.end()) return it->second;
  const std::filesystem::path dir = std::filesystem::path(local_root_) / ".resume" / ("op-" + std::to_string(op));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const std::string path = (dir / (std::string(host) + "-" + std::to_string(::getpid()) + ".log")).string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw StorageError("cannot open the resume log " + path + ": " + std::strerror(errno));
  task_logs_[op] = fd;
  return fd;
}

void ResumeState::mark_task_done(int op, std::int64_t task) {
  if (local_root_.empty()) {
    folder_.store->set(key("op-" + std::to_string(op) + "/" + std::to_string(task)), std::string_view(""));
    return;
  }
  // One write(2) of a whole record with O_APPEND: records of threads and
  // processes sharing the file never interleave.
  const TaskRecord r{task, static_cast<std::uint64_t>(task) ^ kRecordCheck};
  const ssize_t n = ::write(task_log(op), &r, sizeof r);
  if (n != static_cast<ssize_t>(sizeof r)) {
    throw StorageError("cannot append to the resume log of operation " + std::to_string(op) + ": " +
                       (n < 0 ? std::strerror(errno) : "short write"));
  }
}

FolderLock::FolderLock(const std::string& folder) {
  if (folder.find("://") != std::string::npos) {
    locked_ = true;  // in-memory or remote: nothing to lock
    return;
  }
  path_ = folder + ".lock";
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) return;
  locked_ = ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
}

void FolderLock::remove_file() {
  if (fd_ >= 0 && locked_) ::unlink(path_.c_str());
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock; the lock file stays (removing it would race)
}

}  // namespace cubed
