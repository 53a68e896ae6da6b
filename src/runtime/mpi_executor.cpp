// The mpi executor (see mpi_executor.hpp). Messages on a communicator of
// our own (a duplicate of MPI_COMM_WORLD): rank 0 sends kTask (op, task) or
// kStop (error kind, or -1 for success, then the error's text); a worker
// answers kTask with kReply (a Reply, then the error's text).
#include "cubed/runtime/mpi_executor.hpp"

#include <mpi.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstring>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "cubed/core/error.hpp"
#include "cubed/runtime/scheduler.hpp"
#include "cubed/storage/store.hpp"

namespace cubed {
namespace {

constexpr int kTask = 1, kStop = 2, kReply = 3;

struct Reply {
  std::int32_t ok;
  std::int32_t kind;
  double seconds;  // the task's own running time
  std::int64_t peak;
};

// MPI for this process: initialised on first use, finalised at exit when we
// initialised it.
struct Session {
  bool ours = false;
  MPI_Comm comm = MPI_COMM_NULL;
  ~Session() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (ours && !finalized) MPI_Finalize();
  }
};

Session& session();

int free_comm(MPI_Comm, int, void*, void*) {
  MPI_Comm_free(&session().comm);
  return MPI_SUCCESS;
}

Session& session() {
  static Session s;
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
      throw ExecutorError("mpi executor: MPI_Init_thread failed");
    }
    s.ours = true;
  }
  if (s.comm == MPI_COMM_NULL) {
    MPI_Comm_dup(MPI_COMM_WORLD, &s.comm);
    // Freed when MPI is finalised, whoever does it (an attribute of
    // MPI_COMM_SELF is deleted first thing in MPI_Finalize).
    int key = MPI_KEYVAL_INVALID;
    MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, &free_comm, &key, nullptr);
    MPI_Comm_set_attr(MPI_COMM_SELF, key, nullptr);
  }
  return s;
}

MPI_Comm comm() { return session().comm; }

std::string host_name() {
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int length = 0;
  MPI_Get_processor_name(name, &length);
  return std::string(name, static_cast<std::size_t>(length));
}

// Sleeps between polls, from 20 µs doubling up to 1 ms: a reply that comes
// at once is seen at once, and a long wait costs the cores little. (OpenMPI's
// blocking calls spin, taking a core from the tasks of ranks on the same host.)
class Backoff {
 public:
  void wait() {
    std::this_thread::sleep_for(delay_);
    delay_ = std::min(delay_ * 2, std::chrono::microseconds(1000));
  }

 private:
  std::chrono::microseconds delay_{20};
};

// Waits for a message without spinning; `status` tells its source and tag.
void probe(int source, int tag, MPI_Status& status) {
  Backoff backoff;
  for (int flag = 0;;) {
    MPI_Iprobe(source, tag, comm(), &flag, &status);
    if (flag) return;
    backoff.wait();
  }
}

std::vector<char> receive(int source, int tag, MPI_Status& status) {
  probe(source, tag, status);
  int n = 0;
  MPI_Get_count(&status, MPI_BYTE, &n);
  std::vector<char> buffer(static_cast<std::size_t>(n));
  MPI_Recv(buffer.data(), n, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, comm(), MPI_STATUS_IGNORE);
  return buffer;
}

void send(int dest, int tag, const void* header, std::size_t header_size, const std::string& text) {
  std::vector<char> buffer(header_size + text.size());
  std::memcpy(buffer.data(), header, header_size);
  std::memcpy(buffer.data() + header_size, text.data(), text.size());
  MPI_Send(buffer.data(), static_cast<int>(buffer.size()), MPI_BYTE, dest, tag, comm());
}

// The kind and text of an error, to send it to other ranks.
std::pair<ErrorKind, std::string> describe(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return {e.kind(), e.what()};
  } catch (const std::bad_alloc&) {
    return {ErrorKind::kExecutor, "out of memory"};
  } catch (const std::exception& e) {
    return {ErrorKind::kExecutor, e.what()};
  }
}

// Rank 0 broadcasts a status (-1: fine, else an error kind) and a text.
std::pair<int, std::string> broadcast(int status, std::string text) {
  std::int64_t header[2] = {status, static_cast<std::int64_t>(text.size())};
  MPI_Bcast(header, 2, MPI_INT64_T, 0, comm());
  text.resize(static_cast<std::size_t>(header[1]));
  MPI_Bcast(text.data(), static_cast<int>(header[1]), MPI_CHAR, 0, comm());
  return {static_cast<int>(header[0]), text};
}

// Runs one task here, as a Reply and an error text.
std::pair<Reply, std::string> run_here(ExecutionPlan& plan, int op, std::int64_t task) {
  Reply reply{};
  std::string message;
  try {
    TaskResult r = plan.run_task(op, task);
    reply.ok = 1;
    reply.seconds = r.ended - r.started;
    reply.peak = r.measured_peak_mem;
  } catch (...) {
    auto [kind, text] = describe(std::current_exception());
    reply.kind = static_cast<std::int32_t>(kind);
    message = std::move(text);
  }
  return {reply, message};
}

// A worker rank: runs what rank 0 sends until it says stop.
void worker_loop(ExecutionPlan& plan) {
  std::vector<bool> attached(static_cast<std::size_t>(plan.num_operations()), false);
  // An operation and everything it reads (begun by rank 0 before it sent us
  // one of its tasks).
  auto attach = [&](auto& self, int op) -> void {
    if (attached[static_cast<std::size_t>(op)]) return;
    for (int d : plan.dependencies(op)) self(self, d);
    plan.attach_operation(op);
    attached[static_cast<std::size_t>(op)] = true;
  };

  for (;;) {
    MPI_Status status;
    std::vector<char> message = receive(0, MPI_ANY_TAG, status);
    if (status.MPI_TAG == kStop) {
      std::int32_t kind = -1;
      std::memcpy(&kind, message.data(), sizeof kind);
      if (kind < 0) return;
      throw_error(static_cast<ErrorKind>(kind), std::string(message.begin() + sizeof kind, message.end()));
    }
    std::int64_t request[2];
    std::memcpy(request, message.data(), sizeof request);
    const int op = static_cast<int>(request[0]);
    std::pair<Reply, std::string> reply;
    try {
      attach(attach, op);
      reply = run_here(plan, op, request[1]);
    } catch (...) {
      auto [kind, text] = describe(std::current_exception());
      reply.first = Reply{0, static_cast<std::int32_t>(kind), 0, 0};
      reply.second = plan.describe_task(op, request[1]) + ": " + text;
    }
    send(0, kReply, &reply.first, sizeof(Reply), reply.second);
  }
}

// Rank 0 alone: runs every task itself, with the scheduler's retries.
void run_alone(ExecutionPlan& plan) {
  Scheduler scheduler(plan, plan.execute_options());
  while (!scheduler.finished() && !scheduler.has_failed()) {
    std::optional<Assignment> run = scheduler.next();
    if (!run) throw InternalError("mpi executor: no task can start and none is running");
    TaskResult result;
    result.started = plan.now();
    auto [reply, message] = run_here(plan, run->op, run->task);
    result.ended = plan.now();
    result.measured_peak_mem = reply.peak;
    result.worker = "rank 0";
    if (reply.ok) {
      scheduler.succeeded(*run, result);
    } else {
      scheduler.failed(*run, static_cast<ErrorKind>(reply.kind), message);
    }
  }
  if (scheduler.has_failed()) std::rethrow_exception(scheduler.error());
}

// Rank 0's own worker: one thread for the whole computation, so that its
// buffer cache and stack are reused from task to task (a thread per task
// pays for fresh pages every time).
class LocalWorker {
 public:
  explicit LocalWorker(ExecutionPlan& plan) : plan_(plan), thread_([this] { loop(); }) {}
  ~LocalWorker() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  void start(int op, std::int64_t task) {
    {
      std::lock_guard lock(mutex_);
      task_ = {op, task};
      done_ = false;
    }
    changed_.notify_all();
  }
  bool done() {
    std::lock_guard lock(mutex_);
    return done_;
  }
  // The result of the task started last; waits for it.
  std::pair<Reply, std::string> result() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return done_; });
    return std::move(result_);
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return stopping_ || task_; });
      if (!task_) return;
      const auto [op, task] = *task_;
      task_.reset();
      lock.unlock();
      std::pair<Reply, std::string> r = run_here(plan_, op, task);
      lock.lock();
      result_ = std::move(r);
      done_ = true;
      changed_.notify_all();
    }
  }

  ExecutionPlan& plan_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<std::pair<int, std::int64_t>> task_;
  std::pair<Reply, std::string> result_;
  bool done_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the members above exist
};

// Rank 0 with workers: hands out tasks, collects their results, and runs
// tasks itself on a thread of its own (slot 0) so that no core idles.
void coordinate(ExecutionPlan& plan, int size) {
  Scheduler scheduler(plan, plan.execute_options());
  std::vector<std::optional<Assignment>> running(static_cast<std::size_t>(size));
  std::map<std::pair<int, std::int64_t>, int> failed_on;  // task -> rank of its last failure
  std::optional<Assignment> waiting;  // a retry waiting for another rank than the one it failed on
  std::exception_ptr unexpected;
  auto idle_rank = [&](const Assignment& run) {
    auto it = failed_on.find({run.op, run.task});
    int fallback = -1;
    // Workers first: rank 0 also answers them.
    for (int k = 1; k <= size; ++k) {
      const int r = k % size;
      if (running[static_cast<std::size_t>(r)]) continue;
      if (it == failed_on.end() || it->second != r) return r;
      fallback = r;
    }
    return fallback;  // only the rank it failed on is idle
  };
  LocalWorker local(plan);  // runs rank 0's own task
  // Waits for a retry to find another rank only while some other one is busy.
  auto others_busy = [&](int except) {
    for (int r = 0; r < size; ++r) {
      if (r != except && running[static_cast<std::size_t>(r)]) return true;
    }
    return false;
  };
  // Reports a run's outcome to the scheduler.
  auto finished = [&](int r, const Reply& reply, const std::string& text) {
    const Assignment run = *running[static_cast<std::size_t>(r)];
    running[static_cast<std::size_t>(r)].reset();
    if (reply.ok) {
      // A worker's clock started apart from ours: its running time, ending
      // when we heard of it.
      TaskResult result;
      result.ended = plan.now();
      result.started = std::max(run.created, result.ended - reply.seconds);
      result.measured_peak_mem = reply.peak;
      result.worker = "rank " + std::to_string(r);
      scheduler.succeeded(run, result);
    } else {
      failed_on[{run.op, run.task}] = r;
      scheduler.failed(run, static_cast<ErrorKind>(reply.kind), text + " (on rank " + std::to_string(r) + ")");
    }
  };
  try {
    while (!scheduler.finished() && !scheduler.has_failed()) {
      for (;;) {
        bool any_idle = false;
        for (int r = 0; r < size; ++r) any_idle = any_idle || !running[static_cast<std::size_t>(r)];
        if (!any_idle) break;
        std::optional<Assignment> run = waiting ? waiting : scheduler.next();
        waiting.reset();
        if (!run) break;
        const int r = idle_rank(*run);
        auto it = failed_on.find({run->op, run->task});
        if (r < 0 || (it != failed_on.end() && it->second == r && others_busy(r))) {
          waiting = run;
          break;
        }
        running[static_cast<std::size_t>(r)] = run;
        if (r == 0) {
          local.start(run->op, run->task);
        } else {
          std::int64_t request[2] = {run->op, run->task};
          send(r, kTask, request, sizeof request, std::string());
        }
      }
      bool busy = false;
      for (const auto& run : running) busy = busy || run.has_value();
      if (!busy) {
        if (scheduler.finished() || scheduler.has_failed()) break;
        throw InternalError("mpi executor: no task can start and none is running");
      }
      // Wait up to 20 ms for a reply, then look again for backups.
      int flag = 0;
      MPI_Status status;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(20);
      bool local_done = false;
      Backoff backoff;
      while (!flag && !local_done && std::chrono::steady_clock::now() < deadline) {
        local_done = running[0] && local.done();
        MPI_Iprobe(MPI_ANY_SOURCE, kReply, comm(), &flag, &status);
        if (!flag && !local_done) backoff.wait();
      }
      if (local_done) {
        auto [reply, text] = local.result();
        finished(0, reply, text);
      }
      if (flag) {
        std::vector<char> message = receive(status.MPI_SOURCE, kReply, status);
        Reply reply;
        std::memcpy(&reply, message.data(), sizeof reply);
        finished(status.MPI_SOURCE, reply, std::string(message.begin() + sizeof reply, message.end()));
      }
    }
  } catch (...) {
    unexpected = std::current_exception();
  }
  // Busy ranks finish their task (nothing is written after compute()
  // returns), then every rank stops with the outcome.
  if (running[0]) local.result();
  for (int r = 1; r < size; ++r) {
    if (!running[static_cast<std::size_t>(r)]) continue;
    MPI_Status status;
    receive(r, kReply, status);
  }
  std::exception_ptr error = unexpected ? unexpected : scheduler.error();
  std::int32_t kind = -1;
  std::string text;
  if (error) {
    auto [k, t] = describe(error);
    kind = static_cast<std::int32_t>(k);
    text = std::move(t);
  }
  for (int r = 1; r < size; ++r) send(r, kStop, &kind, sizeof kind, text);
  if (error) std::rethrow_exception(error);
}

}  // namespace

MpiExecutor::MpiExecutor() {
  MPI_Comm c = comm();
  MPI_Comm_rank(c, &rank_);
  MPI_Comm_size(c, &size_);
}

std::string MpiExecutor::start_computation(const std::string& work_dir, const std::string& folder,
                                           std::exception_ptr error) {
  // The same on every rank, before any message.
  if (work_dir.rfind("memory://", 0) == 0) {
    throw InvalidArgumentError("executor mpi: work_dir '" + work_dir +
                               "' is in this process's memory, which other ranks cannot see; use a shared folder");
  }
  // Rank 0 writes a marker every rank must read back.
  std::string marker;
  if (rank_ == 0 && !error) {
    try {
      storage::StorePath where = storage::open_store_path(work_dir);
      marker = ".cubed-mpi-check-" + std::to_string(::getpid()) + "-" +
               std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
      where.store->set(where.key(marker), std::string_view(folder));
    } catch (...) {
      error = std::current_exception();
    }
  }
  std::int32_t status = -1;
  std::string text = folder + '\n' + marker;
  if (rank_ == 0 && error) {
    auto [kind, message] = describe(error);
    status = static_cast<std::int32_t>(kind);
    text = std::move(message);
  }
  auto [shared_status, shared_text] = broadcast(status, text);
  if (shared_status >= 0) {
    if (rank_ == 0) std::rethrow_exception(error);
    throw_error(static_cast<ErrorKind>(shared_status), shared_text);
  }
  const std::size_t newline = shared_text.find('\n');
  const std::string shared_folder = shared_text.substr(0, newline);
  marker = shared_text.substr(newline + 1);
  // Every rank reads the marker; all learn who could not.
  std::int32_t seen = 0;
  try {
    storage::StorePath where = storage::open_store_path(work_dir);
    auto value = where.store->get(where.key(marker));
    seen = value && std::string(value->begin(), value->end()) == shared_folder ? 1 : 0;
  } catch (const std::exception&) {
    seen = 0;
  }
  std::vector<std::int32_t> all(static_cast<std::size_t>(size_));
  MPI_Allgather(&seen, 1, MPI_INT32_T, all.data(), 1, MPI_INT32_T, comm());
  char host[MPI_MAX_PROCESSOR_NAME] = {};
  const std::string me = host_name();
  std::memcpy(host, me.data(), std::min<std::size_t>(me.size(), MPI_MAX_PROCESSOR_NAME - 1));
  std::vector<char> hosts(static_cast<std::size_t>(size_) * MPI_MAX_PROCESSOR_NAME);
  MPI_Allgather(host, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, hosts.data(), MPI_MAX_PROCESSOR_NAME, MPI_CHAR, comm());
  if (rank_ == 0) {
    try {
      storage::StorePath where = storage::open_store_path(work_dir);
      where.store->erase(where.key(marker));
    } catch (const std::exception&) {
      // Best effort: a stray marker harms nothing.
    }
  }
  std::string blind;
  for (int r = 0; r < size_; ++r) {
    if (all[static_cast<std::size_t>(r)]) continue;
    if (!blind.empty()) blind += ", ";
    blind += "rank " + std::to_string(r) + " on host '" + std::string(&hosts[static_cast<std::size_t>(r) * MPI_MAX_PROCESSOR_NAME]) + "'";
  }
  if (!blind.empty()) {
    throw StorageError("executor mpi: work_dir '" + work_dir + "' is not shared: " + blind + " cannot read the marker rank 0 (host '" +
                       std::string(hosts.data()) + "') wrote there; use a folder on a filesystem every rank mounts");
  }
  return shared_folder;
}

void MpiExecutor::execute(ExecutionPlan& plan) {
  if (plan.uses_process_local_storage()) {
    throw InvalidArgumentError(
        "executor mpi: the plan uses in-memory stores (memory://), which other ranks cannot see; use folders on a "
        "shared filesystem for work_dir and outputs");
  }
  if (size_ == 1) return run_alone(plan);
  if (rank_ != 0) return worker_loop(plan);
  coordinate(plan, size_);
}

}  // namespace cubed
