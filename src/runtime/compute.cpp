#include "cubed/runtime/compute.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <mutex>
#include <optional>
#include <unistd.h>

#include "cubed/core/error.hpp"
#include "cubed/core/memory.hpp"
#include "cubed/primitives/rechunk.hpp"
#include "cubed/runtime/resume.hpp"
#include "cubed/storage/memory_store.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed {
namespace {

Shape unravel(std::int64_t index, const Shape& grid) {
  Shape coords(grid.size());
  for (int d = static_cast<int>(grid.size()) - 1; d >= 0; --d) {
    coords[d] = index % grid[d];
    index /= grid[d];
  }
  return coords;
}

std::string trim_slashes(std::string base) {
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base;
}

// A folder of its own, for a run that cannot use the computation's folder
// (another run of the same computation holds it).
std::string new_computation_folder(const std::string& work_dir) {
  static std::atomic<int> counter{0};
  auto now = std::chrono::system_clock::now().time_since_epoch();
  std::string id = "cubed-" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) +
                   "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  return trim_slashes(work_dir) + "/" + id;
}

// Resuming a target: the location holds the chunks of our previous attempt
// but no metadata (it is written last), which ZarrArray::create would refuse
// as foreign files or erase. This view of the store hides the location's
// listing while the array object is created, and delegates everything else.
class ResumingStore final : public storage::Store {
 public:
  explicit ResumingStore(storage::StorePtr inner) : inner_(std::move(inner)) {}
  void stop_hiding() { hiding_ = false; }
  std::optional<Bytes> get(std::string_view key) const override { return inner_->get(key); }
  void set(std::string_view key, std::span<const std::uint8_t> value) override { inner_->set(key, value); }
  void erase(std::string_view key) override { inner_->erase(key); }
  bool exists(std::string_view key) const override { return inner_->exists(key); }
  std::vector<std::string> list(std::string_view prefix) const override {
    if (hiding_) return {};
    return inner_->list(prefix);
  }
  void erase_prefix(std::string_view prefix) override { inner_->erase_prefix(prefix); }
  std::optional<std::int64_t> size(std::string_view key) const override { return inner_->size(key); }
  std::string describe() const override { return inner_->describe(); }

 private:
  storage::StorePtr inner_;
  std::atomic<bool> hiding_{true};
};

// True when every element of `data` has the fill value's bytes.
bool all_fill(const NDBuffer& data, const std::optional<Scalar>& fill) {
  const std::int64_t item = item_size(data.dtype());
  std::uint8_t pattern[16] = {};
  fill.value_or(Scalar(0)).store(data.dtype(), pattern);
  const std::uint8_t* p = data.data();
  for (std::int64_t i = 0; i < data.size(); ++i, p += item) {
    if (std::memcmp(p, pattern, static_cast<std::size_t>(item)) != 0) return false;
  }
  return true;
}

// The layout of the array an operation writes: its target's, or an
// intermediate's (the spec's compressor, fill 0).
storage::ArrayMetadata output_metadata(const PlanOperation& p) {
  const ArrayNode& node = *p.node;
  storage::ArrayMetadata meta;
  meta.shape = node.shape();
  meta.chunks = node.chunks();
  meta.dtype = node.dtype;
  meta.fill_value = Scalar(0);
  if (!p.target) {
    meta.compressor = node.spec->intermediate_compressor();
    return meta;
  }
  meta.compressor = p.target->compressor;
  meta.fill_value = p.target->fill_value;
  meta.order = p.target->order;
  meta.endian = p.target->endian;
  meta.dimension_separator = p.target->dimension_separator;
  meta.zarr_format = p.target->zarr_format;
  meta.inner_chunks = p.target->inner_chunks;
  // A chunk spanning a whole axis is the one shard there: its stored
  // shape is rounded up to whole inner chunks (same grid, same task).
  for (std::size_t d = 0; d < meta.inner_chunks.size(); ++d) {
    const std::int64_t inner = meta.inner_chunks[d];
    meta.chunks[d] = (meta.chunks[d] + inner - 1) / inner * inner;
  }
  return meta;
}

class PlanRunner final : public ExecutionPlan, public ChunkContext {
 public:
  PlanRunner(const Plan& plan, std::string folder, std::vector<CallbackPtr> callbacks, bool resume,
             ExecuteOptions execute_options)
      : plan_(plan),
        folder_(std::move(folder)),
        callbacks_(std::move(callbacks)),
        start_(Clock::now()),
        resume_(resume),
        execute_options_(execute_options),
        state_(storage::open_store_path(folder_)) {
    const auto& ops = plan_.operations();
    arrays_.resize(ops.size());
    pending_.resize(ops.size());
    resumed_.assign(ops.size(), 0);
    peaks_.assign(ops.size(), 0);
    for (std::size_t i = 0; i < ops.size(); ++i) op_of_[ops[i].node.get()] = static_cast<int>(i);
  }

  int num_operations() const override { return static_cast<int>(plan_.operations().size()); }
  std::int64_t allowed_mem() const override { return plan_.spec()->allowed_mem(); }
  std::int64_t reserved_mem() const override { return plan_.spec()->reserved_mem(); }
  const std::vector<int>& dependencies(int op) const override { return plan_.operations()[op].dependencies; }
  std::int64_t num_tasks(int op) const override { return plan_.operations()[op].num_tasks; }

  void begin_operation(int op) override {
    const PlanOperation& p = plan_.operations()[op];
    if (resume_ && resume_operation(op)) {
      std::lock_guard lock(callback_mutex_);
      for (const auto& c : callbacks_) c->on_operation_start(operation_event(op));
      return;
    }
    const storage::ArrayMetadata meta = output_metadata(p);
    storage::CreateOptions create{.overwrite = true, .defer_metadata = true, .attributes_json = ""};
    storage::StorePath where;
    if (p.target) {
      where = p.target->location;
      create.overwrite = p.target->overwrite;
      create.attributes_json = p.target->attributes_json;
    } else {
      where = intermediate_location(op);
      // Our own folder: metadata at once, so that a resumed run can open it
      // (completion is told by the markers, not by the metadata).
      create.defer_metadata = false;
    }
    storage::ZarrArray created = storage::ZarrArray::create(where, meta, create);
    state_.mark_begun(op);
    {
      std::lock_guard lock(mutex_);
      arrays_[op] = std::move(created);
      pending_[op].resize(static_cast<std::size_t>(p.num_tasks));
      for (std::int64_t t = 0; t < p.num_tasks; ++t) pending_[op][static_cast<std::size_t>(t)] = t;
    }
    std::lock_guard lock(callback_mutex_);
    for (const auto& c : callbacks_) c->on_operation_start(operation_event(op));
  }

  // Another process (rank 0 of the mpi executor) began the operation: its
  // intermediate array has metadata; a target has its metadata deferred (or
  // is complete), so its array object is made as a resumed one is, hiding
  // the chunks other ranks already wrote.
  void attach_operation(int op) override {
    const PlanOperation& p = plan_.operations()[op];
    std::optional<storage::ZarrArray> array;
    if (!p.target) {
      array = storage::ZarrArray::open(intermediate_location(op));
    } else if (storage::node_kind(p.target->location) == storage::NodeKind::kArray) {
      array = storage::ZarrArray::open(p.target->location);
    } else {
      array = continue_target(p);
    }
    std::lock_guard lock(mutex_);
    arrays_[op] = std::move(array);
  }

  const std::vector<std::int64_t>& tasks_to_run(int op) const override { return pending_[op]; }

  std::string describe_task(int op, std::int64_t index) const override {
    const PlanOperation& p = plan_.operations()[op];
    return describe_task(p, unravel(index, p.task_grid));
  }

  ExecuteOptions execute_options() const override { return execute_options_; }

  bool uses_process_local_storage() const override {
    auto in_memory = [](const storage::StorePath& where) {
      return dynamic_cast<const storage::MemoryStore*>(where.store.get()) != nullptr;
    };
    if (in_memory(storage::open_store_path(folder_))) return true;
    for (const PlanOperation& p : plan_.operations()) {
      if (p.target && in_memory(p.target->location)) return true;
    }
    return false;
  }

  double now() const override { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  void task_ended(int op, std::int64_t index, const TaskResult& result) override {
    const PlanOperation& p = plan_.operations()[op];
    TaskEndEvent e;
    e.operation = op;
    e.function_name = p.node->op->function_name();
    e.array_name = p.node->name;
    e.task = unravel(index, p.task_grid);
    e.attempts = result.attempts;
    e.backup = result.backup;
    e.created = result.created;
    e.started = result.started;
    e.ended = result.ended;
    e.received = now();
    e.measured_peak_mem = result.measured_peak_mem;
    e.projected_mem = p.projected_mem;
    e.worker = result.worker;
    std::lock_guard lock(callback_mutex_);
    peaks_[op] = std::max(peaks_[op], result.measured_peak_mem);
    if (result.measured_peak_mem + p.reserved_mem > p.allowed_mem && !warned_) {
      warned_ = true;
      std::fprintf(stderr, "warning: operation '%s' (%s) measured %lld bytes in a task, over allowed_mem %lld\n",
                   e.function_name.c_str(), e.array_name.c_str(),
                   static_cast<long long>(result.measured_peak_mem + p.reserved_mem),
                   static_cast<long long>(p.allowed_mem));
    }
    for (const auto& c : callbacks_) c->on_task_end(e);
  }

  OperationEvent operation_event(int op) const {
    const PlanOperation& p = plan_.operations()[op];
    return {op, p.node->op->function_name(), p.node->name, p.num_tasks, p.projected_mem, resumed_[op]};
  }

  TaskResult run_task(int op, std::int64_t index) override {
    const PlanOperation& p = plan_.operations()[op];
    const Shape task = unravel(index, p.task_grid);
    TaskResult result;
    result.started = now();
    try {
      // Large buffers freed by a task are reused by the next ones on this
      // thread, within the task's budget (fresh pages are slow to touch).
      set_thread_buffer_cache(p.allowed_mem - p.reserved_mem);
      PeakMemoryScope scope;
      p.node->op->run_task(*p.node, task, *this);
      result.measured_peak_mem = scope.peak();
      state_.mark_task_done(op, index);  // after every chunk of the task is stored
    } catch (const Error& e) {
      throw_error(e.kind(), describe_task(p, task) + ": " + e.what());
    } catch (const std::bad_alloc&) {
      throw ExecutorError(describe_task(p, task) + ": out of memory");
    } catch (const std::exception& e) {
      throw ExecutorError(describe_task(p, task) + ": " + e.what());
    }
    result.ended = now();
    return result;
  }

  void end_operation(int op) override {
    array(op).commit();
    state_.mark_done(op);
    std::lock_guard lock(callback_mutex_);
    for (const auto& c : callbacks_) c->on_operation_end(operation_event(op));
  }

  NDBuffer read_chunk(const ArrayNode& node, const Shape& coords) override {
    auto it = op_of_.find(&node);
    if (it != op_of_.end()) return array(it->second).read_chunk(coords);
    return node.op->compute_chunk(node, coords, *this);
  }

  void write_chunk(const ArrayNode& node, const Shape& coords, const NDBuffer& data) override {
    auto it = op_of_.find(&node);
    if (it == op_of_.end()) throw InternalError("write to array " + node.name + ", which the plan does not store");
    const PlanOperation& p = plan_.operations()[it->second];
    if (p.target && !p.target->write_empty_chunks && all_fill(data, p.target->fill_value)) return;
    array(it->second).write_chunk(coords, data);
  }

  /// The whole array of a node, in memory.
  NDBuffer read_all(const NodePtr& node) {
    auto it = op_of_.find(node.get());
    if (it != op_of_.end()) return array(it->second).read_all();
    NDBuffer out(node->dtype, node->shape());
    for_each_index(node->grid.grid_shape(), [&](const Shape& coords) {
      NDBuffer chunk = read_chunk(*node, coords);
      copy_region(chunk, Shape(coords.size(), 0), out, node->grid.chunk_origin(coords), chunk.shape());
    });
    return out;
  }

  const std::vector<std::int64_t>& peaks() const { return peaks_; }

 private:
  const storage::ZarrArray& array(int op) {
    std::lock_guard lock(mutex_);
    if (!arrays_[op]) throw InternalError("operation " + std::to_string(op) + " read before it began");
    return *arrays_[op];
  }

  // A target whose metadata is still deferred, opened to write more chunks:
  // creating it through a ResumingStore keeps the chunks already written.
  static storage::ZarrArray continue_target(const PlanOperation& p) {
    auto view = std::make_shared<ResumingStore>(p.target->location.store);
    storage::ZarrArray array = storage::ZarrArray::create(
        {view, p.target->location.path}, output_metadata(p),
        {.overwrite = false, .defer_metadata = true, .attributes_json = p.target->attributes_json});
    view->stop_hiding();
    return array;
  }

  storage::StorePath intermediate_location(int op) const {
    return storage::open_store_path(folder_ + "/" + std::to_string(op) + "-" +
                                    plan_.operations()[op].node->op->function_name() + ".zarr");
  }

  // Continues an operation begun by a previous attempt of this computation:
  // opens its array and leaves only the unfinished tasks. False when there
  // is nothing to continue (then the operation starts afresh).
  bool resume_operation(int op) {
    const PlanOperation& p = plan_.operations()[op];
    if (!state_.operation_begun(op)) return false;
    std::optional<storage::ZarrArray> array;
    const bool done = state_.operation_done(op);
    if (!p.target) {
      storage::StorePath where = intermediate_location(op);
      if (storage::node_kind(where) != storage::NodeKind::kArray) return false;
      array = storage::ZarrArray::open(where);
    } else if (done) {
      // Complete: the metadata was written after the last chunk.
      if (storage::node_kind(p.target->location) != storage::NodeKind::kArray) return false;
      array = storage::ZarrArray::open(p.target->location);
    } else {
      if (storage::node_kind(p.target->location) != storage::NodeKind::kNone) return false;
      array = continue_target(p);
    }
    std::vector<std::int64_t> pending;
    if (!done) {
      const std::vector<bool> finished = state_.tasks_done(op, p.num_tasks);
      for (std::int64_t t = 0; t < p.num_tasks; ++t) {
        if (!finished[static_cast<std::size_t>(t)]) pending.push_back(t);
      }
    }
    std::lock_guard lock(mutex_);
    arrays_[op] = std::move(array);
    resumed_[op] = p.num_tasks - static_cast<std::int64_t>(pending.size());
    pending_[op] = std::move(pending);
    return true;
  }

  static std::string describe_task(const PlanOperation& p, const Shape& task) {
    return "operation '" + p.node->op->function_name() + "' (" + p.node->name + "), task " + shape_to_string(task);
  }

  using Clock = std::chrono::steady_clock;
  const Plan& plan_;
  std::string folder_;
  std::vector<CallbackPtr> callbacks_;
  Clock::time_point start_;
  std::mutex callback_mutex_;
  bool warned_ = false;
  std::map<const ArrayNode*, int> op_of_;
  std::vector<std::optional<storage::ZarrArray>> arrays_;
  std::vector<std::int64_t> peaks_;
  std::mutex mutex_;
  bool resume_;
  ExecuteOptions execute_options_;
  ResumeState state_;
  std::vector<std::vector<std::int64_t>> pending_;
  std::vector<std::int64_t> resumed_;
};

// A location in a canonical spelling, so that "a/../a.zarr/" and "a.zarr"
// compare equal.
std::string canonical_location(const std::string& where) {
  if (where.find("://") != std::string::npos) return where;
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(std::filesystem::absolute(where, ec), ec);
  std::string s = ec ? where : canonical.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool is_inside(const std::string& inner, const std::string& outer) {
  return inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 && inner[outer.size()] == '/';
}

// Refuses targets that are, contain or lie inside an input array of the plan:
// writing them would destroy the data being read.
void check_targets_against_inputs(const Plan& plan) {
  std::vector<std::string> inputs;
  std::set<const ArrayNode*> seen;
  std::function<void(const NodePtr&)> walk = [&](const NodePtr& node) {
    if (!seen.insert(node.get()).second) return;
    std::string where = node->op->storage_location();
    if (!where.empty()) inputs.push_back(where);
    for (const NodePtr& input : node->op->inputs()) walk(input);
  };
  for (const auto& output : plan.outputs()) walk(output.array.node());
  for (const PlanOperation& op : plan.operations()) {
    if (!op.target) continue;
    const std::string target = canonical_location(op.target->location.describe());
    for (const std::string& input : inputs) {
      const std::string source = canonical_location(input);
      if (source == target) {
        throw InvalidArgumentError("cannot write '" + op.target->location.describe() + "': it is the same array as input '" +
                                   input + "'");
      }
      if (is_inside(source, target) || is_inside(target, source)) {
        throw InvalidArgumentError("cannot write '" + op.target->location.describe() + "': input '" + input +
                                   "' is inside it, or it is inside the input");
      }
    }
  }
}

void prepare_work_dir(const std::string& work_dir) {
  if (work_dir.find("://") != std::string::npos) {
    // A URL (s3://, memory://): prove it writable and readable through its
    // store before any task runs, so bad credentials or a missing bucket
    // fail here with one clear message.
    try {
      storage::StorePath where = storage::open_store_path(work_dir);
      const std::string marker = where.key(".cubed-check-" + std::to_string(::getpid()));
      where.store->set(marker, std::string_view("ok"));
      bool readable = where.store->get(marker).has_value();
      where.store->erase(marker);
      if (!readable) throw StorageError("a marker written there cannot be read back");
    } catch (const Error& e) {
      throw_error(e.kind(), "cannot use work dir '" + work_dir + "': " + e.what());
    }
    return;
  }
  std::error_code ec;
  std::filesystem::create_directories(work_dir, ec);
  if (ec) throw StorageError("cannot create work dir '" + work_dir + "': " + ec.message());
}

std::shared_ptr<Executor> choose_executor(const ComputeOptions& options, const Spec& spec) {
  if (options.executor) return options.executor;
  return make_executor(options.executor_name.empty() ? spec.executor() : options.executor_name);
}

void remove_folder(const std::string& folder) {
  try {
    storage::StorePath where = storage::open_store_path(folder);
    where.store->erase_prefix(where.path);
  } catch (const std::exception&) {
    // Cleaning up is best effort; the results are already safe.
  }
}

// Before anything runs: targets must be writable, the work dir usable and
// the computation's folder ours (else a fresh one, not resumable).
void prepare_computation(const Plan& plan, const ComputeOptions& options, std::string& folder,
                         std::optional<FolderLock>& lock, bool& resumable) {
  const ResumeState previous(storage::open_store_path(folder));
  for (std::size_t i = 0; i < plan.operations().size(); ++i) {
    const PlanOperation& op = plan.operations()[i];
    if (!op.target) continue;
    // A target our previous attempt began is ours to continue.
    if (options.resume && previous.operation_begun(static_cast<int>(i))) continue;
    storage::NodeKind kind = storage::node_kind(op.target->location);
    bool occupied = kind != storage::NodeKind::kNone || !op.target->location.store->list(op.target->location.path).empty();
    if (occupied && kind == storage::NodeKind::kNone) {
      const bool ours = previous.operation_begun(static_cast<int>(i));
      throw InvalidArgumentError("'" + op.target->location.describe() +
                                 "' exists and is not a Zarr array or group; refusing to write there" +
                                 (ours ? std::string(" (it holds an interrupted attempt of this same computation: "
                                                     "resume it with ComputeOptions::resume or cubed eval --resume)")
                                       : std::string()));
    }
    if (occupied && !op.target->overwrite) {
      throw InvalidArgumentError("'" + op.target->location.describe() +
                                 "' already exists (use --overwrite, or StoreOptions::overwrite, to replace it)");
    }
  }
  prepare_work_dir(plan.spec()->work_dir());
  lock.emplace(folder);
  if (!lock->locked()) {
    if (options.resume) {
      throw ExecutorError("cannot resume: another run of the same computation is using '" + folder + "'");
    }
    folder = new_computation_folder(plan.spec()->work_dir());
    resumable = false;
  } else if (!options.resume) {
    remove_folder(folder);  // leftovers of an earlier attempt
  }
}

void fill_report(const Plan& plan, const std::vector<std::int64_t>& peaks, ComputeReport* report) {
  if (!report) return;
  report->stats = plan.stats();
  report->measured_peak_mem = peaks;
  report->projected_mem.clear();
  report->operation_names.clear();
  for (const PlanOperation& op : plan.operations()) {
    report->projected_mem.push_back(op.projected_mem);
    report->operation_names.push_back(op.node->op->function_name());
  }
}

}  // namespace

std::string computation_folder(const Plan& plan, const ComputeOptions& options) {
  return trim_slashes(plan.spec()->work_dir()) + "/cubed-" + plan_fingerprint(plan, options.resume_key);
}

std::vector<NDBuffer> execute_plan(const Plan& plan, const ComputeOptions& options, ComputeReport* report) {
  plan.validate();
  check_targets_against_inputs(plan);
  std::shared_ptr<Executor> executor = choose_executor(options, *plan.spec());
  // SPMD executors (mpi): the coordinating process alone checks targets,
  // takes the folder's lock and clears leftovers; the others use its folder.
  const bool coordinator = executor->coordinates();
  std::string folder = computation_folder(plan, options);
  std::optional<FolderLock> lock;
  bool resumable = true;
  std::exception_ptr setup_error;
  if (coordinator) {
    try {
      prepare_computation(plan, options, folder, lock, resumable);
    } catch (...) {
      setup_error = std::current_exception();
    }
  }
  folder = executor->start_computation(plan.spec()->work_dir(), folder, setup_error);
  PlanRunner runner(plan, folder, coordinator ? options.callbacks : std::vector<CallbackPtr>{}, options.resume,
                    {options.retries, options.use_backups, options.batch_size, options.compute_arrays_in_parallel});
  std::vector<NDBuffer> results(plan.outputs().size());
  // Tasks run on this thread (single-threaded executor) keep buffers for
  // reuse; they are given back when the computation ends.
  struct ReleaseBufferCache {
    ~ReleaseBufferCache() { set_thread_buffer_cache(0); }
  } release_buffer_cache;
  if (!coordinator) {
    executor->execute(runner);
    fill_report(plan, runner.peaks(), report);  // no measurements: they went to the coordinator
    return results;                             // in-memory results live on the coordinator only
  }
  for (const auto& c : options.callbacks) c->on_compute_start(plan);
  try {
    executor->execute(runner);
    for (std::size_t i = 0; i < plan.outputs().size(); ++i) {
      if (!plan.outputs()[i].target) results[i] = runner.read_all(plan.outputs()[i].array.node());
    }
  } catch (...) {
    for (const auto& c : options.callbacks) c->on_compute_end(plan, false);
    // The folder of this computation stays, for a run with `resume`.
    if (!resumable && !options.keep_intermediates) remove_folder(folder);
    throw;
  }
  for (const auto& c : options.callbacks) c->on_compute_end(plan, true);
  if (!options.keep_intermediates) {
    remove_folder(folder);
    if (resumable) lock->remove_file();
  }
  fill_report(plan, runner.peaks(), report);
  return results;
}

std::vector<NDBuffer> compute(const std::vector<Array>& arrays, const ComputeOptions& options, ComputeReport* report) {
  std::vector<Plan::Output> outputs;
  for (const Array& a : arrays) outputs.push_back({a, std::nullopt});
  return execute_plan(Plan::build(outputs, options.plan), options, report);
}

NDBuffer compute(const Array& array, const ComputeOptions& options, ComputeReport* report) {
  return std::move(compute(std::vector<Array>{array}, options, report)[0]);
}

Plan::Output store_output(const Array& input, const std::string& path, const StoreOptions& store_options) {
  if (store_options.zarr_format != 2 && store_options.zarr_format != 3) {
    throw InvalidArgumentError("unsupported zarr_format " + std::to_string(store_options.zarr_format) +
                               " (expected 2 or 3)");
  }
  if (!store_options.shards.empty() && store_options.zarr_format != 3) {
    throw InvalidArgumentError("shards need Zarr format 3 (zarr_format = 3, --zarr-format 3)");
  }
  OutputTarget target{storage::open_store_path(path), store_options.compressor, store_options.overwrite,
                      store_options.attributes_json, store_options.fill_value, store_options.write_empty_chunks,
                      store_options.order, store_options.endian, store_options.dimension_separator};
  Array array = input;
  if (store_options.zarr_format == 3) {
    target.zarr_format = 3;
    target.dimension_separator = '/';  // v3's default keys "c/i/j" (the '.' default is v2's)
    Shape stored = array.chunks();
    if (!store_options.shards.empty()) {
      // Sharded: the task unit becomes the shard (the plan then counts a
      // whole shard's memory); the array's chunks become the inner chunks.
      const Shape inner = array.chunks();
      const Shape& shards = store_options.shards;
      if (shards.size() != inner.size()) {
        throw InvalidArgumentError("shards " + shape_to_string(shards) + " do not match the rank of the array " +
                                   shape_to_string(array.shape()));
      }
      Shape task(shards.size());
      stored = Shape(shards.size());
      for (std::size_t d = 0; d < shards.size(); ++d) {
        const std::int64_t whole = std::max<std::int64_t>(array.shape()[d], 1);
        const std::int64_t covering = (whole + inner[d] - 1) / inner[d] * inner[d];
        if (shards[d] < 1 || (shards[d] % inner[d] != 0 && shards[d] < whole)) {
          throw InvalidArgumentError("shards " + shape_to_string(shards) + " are not a multiple of the chunks " +
                                     shape_to_string(inner));
        }
        stored[d] = std::min(shards[d] / inner[d] * inner[d] == shards[d] ? shards[d] : covering, covering);
        task[d] = std::min(stored[d], whole);
      }
      target.inner_chunks = inner;
      if (task != array.chunks()) array = rechunk(array, ChunkSpec(task));
    }
    // The whole chain, so that the plan's memory bound is the chain's.
    target.compressor = storage::V3CodecChain::make(stored, array.dtype(), store_options.fill_value.value_or(Scalar(0)),
                                                    store_options.compressor, target.inner_chunks);
  }
  return {array, target};
}

void store(const std::vector<Array>& arrays, const std::vector<std::string>& paths, const StoreOptions& store_options,
           const ComputeOptions& options, ComputeReport* report) {
  if (arrays.size() != paths.size()) {
    throw InvalidArgumentError("store: " + std::to_string(arrays.size()) + " arrays but " +
                               std::to_string(paths.size()) + " paths");
  }
  std::vector<Plan::Output> outputs;
  for (std::size_t i = 0; i < arrays.size(); ++i) outputs.push_back(store_output(arrays[i], paths[i], store_options));
  execute_plan(Plan::build(outputs, options.plan), options, report);
}

void to_zarr(const Array& array, const std::string& path, const StoreOptions& store_options,
             const ComputeOptions& options, ComputeReport* report) {
  store({array}, {path}, store_options, options, report);
}

}  // namespace cubed
