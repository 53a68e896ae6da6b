// The processes executor (see process_executor.hpp). Protocol on each
// worker's socket: the coordinator writes a Request, the worker answers
// with a Reply followed by `message_size` bytes of error text.
#include "cubed/runtime/process_executor.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "cubed/core/error.hpp"
#include "cubed/core/memory.hpp"
#include "cubed/runtime/scheduler.hpp"
#include "cubed/runtime/thread_executor.hpp"

namespace cubed {
namespace {

struct Request {
  std::int32_t op;
  std::int64_t task;
};

struct Reply {
  std::int32_t ok;
  std::int32_t kind;
  double started, ended;
  std::int64_t peak;
  std::uint32_t message_size;
};

bool write_all(int fd, const void* data, std::size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool read_all(int fd, void* data, std::size_t n) {
  auto* p = static_cast<char*>(data);
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// A worker's life: run the tasks it is sent until the socket closes. Never
// returns, and never runs the parent's exit handlers or destructors.
[[noreturn]] void worker_main(ExecutionPlan& plan, int fd, std::int64_t memory_limit) {
  for (;;) {
    Request request{};
    if (!read_all(fd, &request, sizeof request)) ::_exit(0);
    Reply reply{};
    std::string message;
    set_thread_memory_limit(memory_limit);
    try {
      TaskResult r = plan.run_task(request.op, request.task);
      reply.ok = 1;
      reply.started = r.started;
      reply.ended = r.ended;
      reply.peak = r.measured_peak_mem;
    } catch (const Error& e) {
      reply.kind = static_cast<std::int32_t>(e.kind());
      message = e.what();
    } catch (const std::exception& e) {
      reply.kind = static_cast<std::int32_t>(ErrorKind::kExecutor);
      message = e.what();
    }
    set_thread_memory_limit(-1);
    reply.message_size = static_cast<std::uint32_t>(message.size());
    if (!write_all(fd, &reply, sizeof reply) || !write_all(fd, message.data(), message.size())) ::_exit(0);
  }
}

struct Worker {
  pid_t pid = -1;
  int fd = -1;
  int generation = 0;  // operations begun when it was forked
  std::optional<Assignment> run;
};

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    std::string text = "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
    if (sig == SIGKILL) text += "; out of memory?";
    return text;
  }
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  return "stopped";
}

class Pool {
 public:
  Pool(ExecutionPlan& plan, std::int64_t memory_limit) : plan_(plan), memory_limit_(memory_limit) {}
  ~Pool() {
    for (Worker& w : workers_) stop(w, w.run.has_value());
  }

  std::vector<Worker>& workers() { return workers_; }

  Worker& spawn(int generation) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
      throw ExecutorError(std::string("cannot create a worker's socket: ") + std::strerror(errno));
    }
    std::fflush(nullptr);  // no buffered output printed twice
    const pid_t pid = ::fork();
    if (pid < 0) {
      ::close(fds[0]);
      ::close(fds[1]);
      throw ExecutorError(std::string("cannot fork a worker process: ") + std::strerror(errno));
    }
    if (pid == 0) {
      // The child keeps only its own end: the coordinator must see EOF when
      // any other worker dies.
      for (const Worker& w : workers_) {
        if (w.fd >= 0) ::close(w.fd);
      }
      ::close(fds[0]);
      worker_main(plan_, fds[1], memory_limit_);
    }
    ::close(fds[1]);
    workers_.push_back({pid, fds[0], generation, std::nullopt});
    return workers_.back();
  }

  // Ends a worker: closing its socket makes an idle one exit; a busy one
  // (an abandoned backup copy, or a failed computation) is killed.
  static void stop(Worker& w, bool kill) {
    if (w.pid < 0) return;
    if (kill) ::kill(w.pid, SIGKILL);
    ::close(w.fd);
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
    w.pid = -1;
    w.fd = -1;
  }

  void remove(std::size_t i) { workers_.erase(workers_.begin() + static_cast<std::ptrdiff_t>(i)); }

 private:
  ExecutionPlan& plan_;
  std::int64_t memory_limit_;
  std::vector<Worker> workers_;
};

}  // namespace

ProcessExecutor::ProcessExecutor(int num_processes, bool hard_memory_limit)
    : num_processes_(num_processes > 0 ? num_processes : std::max(1u, std::thread::hardware_concurrency())),
      hard_memory_limit_(hard_memory_limit) {}

std::string ProcessExecutor::name() const {
  return "processes:" + std::to_string(num_processes_) + (hard_memory_limit_ ? ":hard-limit" : "");
}

void ProcessExecutor::execute(ExecutionPlan& plan) {
  check_workers_fit(name(), num_processes_, plan.allowed_mem());
  if (plan.uses_process_local_storage()) {
    throw InvalidArgumentError("executor " + name() +
                               ": the plan uses in-memory stores (memory://), which worker processes cannot share; "
                               "use a folder for work_dir and outputs, or the threads executor");
  }
  Scheduler scheduler(plan, plan.execute_options());
  Pool pool(plan, hard_memory_limit_ ? plan.allowed_mem() - plan.reserved_mem() : -1);
  std::exception_ptr unexpected;
  try {
    while (!scheduler.finished() && !scheduler.has_failed()) {
      // Give every free slot a run.
      for (;;) {
        std::vector<Worker>& workers = pool.workers();
        int busy = 0;
        for (const Worker& w : workers) busy += w.run ? 1 : 0;
        if (busy >= num_processes_) break;
        std::optional<Assignment> run = scheduler.next();
        if (!run) break;
        // An idle worker that knows the operation, else a fresh one.
        Worker* chosen = nullptr;
        for (std::size_t i = 0; i < workers.size(); ++i) {
          if (workers[i].run) continue;
          if (workers[i].generation > scheduler.begin_order(run->op)) {
            chosen = &workers[i];
            break;
          }
          Pool::stop(workers[i], false);  // forked too early: retire it
          pool.remove(i);
          --i;
        }
        if (chosen == nullptr) chosen = &pool.spawn(scheduler.operations_begun());
        chosen->run = run;
        Request request{run->op, run->task};
        if (!write_all(chosen->fd, &request, sizeof request)) {
          // Dead before it could start: handled below as a death.
        }
      }
      // Wait for replies (or deaths); wake up now and then for backups.
      std::vector<pollfd> fds;
      std::vector<std::size_t> index;
      for (std::size_t i = 0; i < pool.workers().size(); ++i) {
        if (!pool.workers()[i].run) continue;
        fds.push_back({pool.workers()[i].fd, POLLIN, 0});
        index.push_back(i);
      }
      if (fds.empty()) {
        if (scheduler.finished() || scheduler.has_failed()) break;
        throw InternalError("processes executor: no task can start and none is running");
      }
      const int ready = ::poll(fds.data(), fds.size(), 20);
      if (ready < 0 && errno != EINTR) throw ExecutorError(std::string("poll failed: ") + std::strerror(errno));
      std::vector<std::size_t> dead;
      for (std::size_t k = 0; k < fds.size(); ++k) {
        if (fds[k].revents == 0) continue;
        Worker& w = pool.workers()[index[k]];
        const Assignment run = *w.run;
        Reply reply{};
        std::string message;
        bool alive = read_all(w.fd, &reply, sizeof reply);
        if (alive) {
          message.resize(reply.message_size);
          alive = read_all(w.fd, message.data(), message.size());
        }
        if (!alive) {
          int status = 0;
          ::close(w.fd);
          while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
          }
          w.pid = -1;
          dead.push_back(index[k]);
          scheduler.failed(run, ErrorKind::kExecutor,
                           plan.describe_task(run.op, run.task) + ": worker process " + describe_status(status));
          continue;
        }
        w.run.reset();
        if (reply.ok) {
          TaskResult result;
          result.started = reply.started;
          result.ended = reply.ended;
          result.measured_peak_mem = reply.peak;
          result.worker = "process " + std::to_string(w.pid);
          scheduler.succeeded(run, result);
        } else {
          scheduler.failed(run, static_cast<ErrorKind>(reply.kind), message);
        }
      }
      for (auto it = dead.rbegin(); it != dead.rend(); ++it) pool.remove(*it);
    }
  } catch (...) {
    unexpected = std::current_exception();
  }
  // Abandoned copies of finished tasks are waited for, so that nothing is
  // written after compute() returns; after a failure, workers are killed.
  const bool failed = unexpected || scheduler.has_failed();
  for (Worker& w : pool.workers()) {
    if (w.run && !failed) {
      Reply reply{};
      if (read_all(w.fd, &reply, sizeof reply)) {
        std::string message(reply.message_size, '\0');
        read_all(w.fd, message.data(), message.size());
      }
      w.run.reset();
    }
    Pool::stop(w, w.run.has_value());
  }
  if (unexpected) std::rethrow_exception(unexpected);
  if (scheduler.has_failed()) std::rethrow_exception(scheduler.error());
}

}  // namespace cubed
