// `cubed eval EXPR [NAME=PATH ...] -o OUT`: evaluates an array expression
// over Zarr arrays and writes the result, through one plan whose memory is
// checked before anything runs.
#include <cstdio>
#include <set>

#include "arguments.hpp"
#include "commands.hpp"
#include "format_options.hpp"
#include "cubed/api/creation.hpp"
#include "cubed/core/error.hpp"
#include "cubed/core/size.hpp"
#include "cubed/expr/array_repr.hpp"
#include "cubed/expr/evaluator.hpp"
#include "cubed/expr/lexer.hpp"
#include "cubed/plan/plan.hpp"
#include "cubed/plan/visualize.hpp"
#include "cubed/primitives/rechunk.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/compute.hpp"
#include "cubed/runtime/callbacks.hpp"
#include "cubed/runtime/executor.hpp"
#include "cubed/storage/codecs/codec.hpp"

namespace cubed::cli {
namespace {

// The result as an array: numbers become 0-d arrays of their numpy dtype.
Array result_array(const expr::Value& value, const SpecPtr& spec) {
  if (value.is_array()) return value.array();
  if (value.is_scalar()) {
    const Scalar& s = value.scalar();
    NDBuffer buffer(s.natural_dtype(), {});
    s.store(buffer.dtype(), buffer.data());
    return asarray(std::move(buffer), AutoChunks{}, spec);
  }
  throw InvalidArgumentError("the expression gives " + value.type_name() + " " + value.to_string() +
                             ", not an array or a number");
}

// A positive whole number given to `option`.
std::int64_t parse_count(const std::string& text, const std::string& option, std::int64_t minimum = 1) {
  std::size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || n < minimum) {
    throw InvalidArgumentError(option + (minimum > 0 ? std::string(" needs a positive whole number")
                                                     : std::string(" needs a whole number, 0 or more")) +
                               ", got '" + text + "'");
  }
  return n;
}

// Opens NAME=PATH inputs.
void define_inputs(const std::vector<std::string>& specs, const SpecPtr& spec, expr::Evaluator& evaluator) {
  std::set<std::string> names;
  for (const std::string& s : specs) {
    const auto eq = s.find('=');
    if (eq == std::string::npos) {
      throw InvalidArgumentError("input '" + s + "' must be written NAME=PATH (e.g. a=data/a.zarr)");
    }
    const std::string name = s.substr(0, eq);
    const std::string path = s.substr(eq + 1);
    if (!expr::is_identifier(name) || expr::is_keyword(name)) {
      throw InvalidArgumentError("invalid input name '" + name + "' in '" + s +
                                 "' (use letters, digits and '_', not starting with a digit, not a Python keyword)");
    }
    if (!names.insert(name).second) throw InvalidArgumentError("input name '" + name + "' is given twice");
    if (path.empty()) throw InvalidArgumentError("input '" + name + "' has an empty PATH");
    try {
      evaluator.define(name, from_zarr(path, spec));
    } catch (const Error& e) {
      throw_error(e.kind(), "input " + name + " ('" + path + "'): " + e.what());
    }
  }
}

// Figures of the plan as written (without fusion) next to the plan run.
void print_stats(const PlanStats& unoptimised, const ComputeReport& report, const Spec& spec) {
  const PlanStats& s = report.stats;
  auto row = [](const char* name, const std::string& before, const std::string& after) {
    std::printf("  %-20s %-14s %s\n", name, before.c_str(), after.c_str());
  };
  auto count = [](std::int64_t n) { return std::to_string(n); };
  std::printf("stats:\n");
  row("", "unoptimised", "run");
  row("operations", count(unoptimised.num_operations), count(s.num_operations));
  row("tasks", count(unoptimised.num_tasks), count(s.num_tasks));
  row("intermediate arrays", count(unoptimised.num_intermediate_arrays), count(s.num_intermediate_arrays));
  row("rechunk stages", count(unoptimised.num_rechunk_stages), count(s.num_rechunk_stages));
  row("max projected_mem", format_size(unoptimised.max_projected_mem), format_size(s.max_projected_mem));
  row("bytes read", format_size(unoptimised.bytes_read), format_size(s.bytes_read));
  row("bytes written", format_size(unoptimised.bytes_written), format_size(s.bytes_written));
  std::printf("  allowed_mem %s, reserved_mem %s\n", format_size(spec.allowed_mem()).c_str(),
              format_size(spec.reserved_mem()).c_str());
  for (std::size_t i = 0; i < report.operation_names.size(); ++i) {
    const std::int64_t measured = i < report.measured_peak_mem.size() ? report.measured_peak_mem[i] : 0;
    std::printf("  op %zu %s: projected_mem %s, measured peak %s + reserved_mem\n", i,
                report.operation_names[i].c_str(), format_size(report.projected_mem[i]).c_str(),
                format_size(measured).c_str());
  }
}

}  // namespace

const char* const kEvalUsage =
    "usage: cubed eval EXPR [NAME=PATH ...] -o OUT [--chunks C] [--compressor SPEC]\n"
    "                  [--allowed-mem SIZE] [--reserved-mem SIZE] [--work-dir DIR]\n"
    "                  [--executor NAME] [--overwrite] [--explain] [--stats] [--print]\n"
    "                  [--progress] [--history DIR] [--timeline FILE.svg] [--resume]\n"
    "                  [--plan FILE] [--no-optimize] [--zarr-format N] [--shards S]\n\n"
    "Evaluates the array expression EXPR over the Zarr arrays NAME=PATH (v2 or v3) and\n"
    "writes the result to the Zarr array OUT (v2 unless --zarr-format 3), chunk by chunk\n"
    "within the memory budget. EXPR is written as in Python with numpy or the Array API,\n"
    "for example:\n\n"
    "  cubed eval '(a + 2 * b) / 3' a=a.zarr b=b.zarr -o out.zarr\n"
    "  cubed eval 'astype(x > 0, int8)' x=x.zarr -o mask.zarr --chunks 1000,1000\n"
    "  cubed eval 'arange(6) * pi' --print\n\n"
    "expressions:\n"
    "  numbers (2, 2.5, 1e-3, 1_000, 0x1f, 2j), True, False, None, inf, nan, pi, e,\n"
    "  strings, dtype names (bool, int8, ..., float32, float64, complex128), the input\n"
    "  NAMEs, tuples (1, 2) and lists [1, 2]; operators, loosest first:\n"
    "    or | and | not | < <= > >= == != | '|' | ^ | & | << >> | + - | * @ / // % |\n"
    "    unary - + ~ | ** (as in Python: -2**2 == -4, 2**-1 == 0.5)\n"
    "  (`and`, `or`, `not` are elementwise logical_and, logical_or, logical_not);\n"
    "  calls of the library's functions by their Array API names, with keywords:\n"
    "    add, abs, astype(x, float32), full((2, 3), 7, dtype=int8), zeros, ones, empty,\n"
    "    arange, linspace, eye, asarray([1, 2]), zeros_like, ..., rechunk(x, (100, -1)),\n"
    "    meshgrid(x, y)[0], tril, random((100, 100), seed=1), integers(0, 6, 10, seed=2),\n"
    "    finfo(float32).eps, result_type(x, int8), can_cast, isdtype;\n"
    "  methods x.astype(float32); attributes x.dtype, x.shape, x.ndim, x.size, x.chunks,\n"
    "  x.T, x.mT; a @ b is matmul(a, b, split_every=8);\n"
    "  subscripts x[0, 1:5:2, ..., None]. Numbers are computed at once (x * (1/3)), and\n"
    "  a number as the result gives a 0-d array. With --print (and no -o), a dtype or\n"
    "  a record such as finfo(float32) is printed as it is.\n\n"
    "options:\n"
    "  -o, --output OUT     the Zarr array to write (optional with --print or --explain)\n"
    "  --chunks C           chunks of OUT: one length for every axis (100), one per axis\n"
    "                       (100,-1,10; -1 = whole axis) or auto (default: the result's)\n"
    "  --compressor SPEC    compressor of OUT: none, zstd[:LEVEL], lz4[:ACCELERATION],\n"
    "                       zlib[:LEVEL], gzip[:LEVEL], bz2[:LEVEL], lzma[:PRESET],\n"
    "                       blosc[:CNAME[:CLEVEL[:SHUFFLE]]] (default: blosc lz4)\n"
    "  --zarr-format N      2 (default: every reader on Debian 12 reads it) or 3\n"
    "  --shards S           Zarr v3 shards of OUT, as --chunks (multiples of the chunks,\n"
    "                       -1 = whole axis); implies --zarr-format 3. A task writes one shard\n"
    "  --allowed-mem SIZE   most memory one task may use, e.g. 500MB, 2GB (default 2GB)\n"
    "  --reserved-mem SIZE  memory a worker needs for itself (default 100MB)\n"
    "  --work-dir DIR       folder for intermediate arrays (default: system temp)\n"
    "  --executor NAME      single-threaded (default), threads[:N] or processes[:N]\n"
    "                       (N workers, default the number of cores), processes:N:hard-limit\n"
    "                       (a task over allowed-mem fails instead of running on), or mpi\n"
    "                       (under mpirun: every rank runs the same command, rank 0 prints)\n"
    "  --overwrite          replace OUT if it is already a Zarr array or group\n"
    "  --explain            print the plan (operations, tasks, memory) before running;\n"
    "                       with neither -o nor --print, only print it\n"
    "  --stats              print what the computation did, afterwards, next to the\n"
    "                       figures of the plan without fusion\n"
    "  --plan FILE          draw the plan as Graphviz DOT, or SVG/PNG when FILE ends so;\n"
    "                       with neither -o nor --print, only draw it\n"
    "  --no-optimize        do not fuse blockwise operations (every step is stored)\n"
    "  --max-total-source-arrays N, --max-total-num-input-blocks N\n"
    "                       fusion limits per task (defaults 4 and 10)\n"
    "  --progress           show progress per operation on stderr\n"
    "  --history DIR        write plan.csv, events.csv and stats.csv of the run into DIR\n"
    "  --timeline FILE.svg  draw the run's tasks over time, one band per operation\n"
    "  --retries N          runs of a failed task after the first (default 2)\n"
    "  --no-backups         no backup copies of straggling tasks (on by default for\n"
    "                       the threads, processes and mpi executors)\n"
    "  --batch-size N       start at most N tasks of an operation at a time\n"
    "  --compute-arrays-in-parallel\n"
    "                       run operations that do not depend on each other at the\n"
    "                       same time (more tasks for the workers; same memory per task)\n"
    "  --resume             continue the same computation (same EXPR, inputs, options,\n"
    "                       work dir) after a failure or a kill: completed operations\n"
    "                       and finished tasks are not run again\n"
    "  --print              print the result as numpy prints arrays (instead of the line\n"
    "                       describing OUT); the result must fit in allowed-mem\n";

int run_eval(const std::vector<std::string>& args) {
  Arguments parsed(args,
                   {{"--output", "--chunks", "--compressor", "--allowed-mem", "--reserved-mem", "--work-dir",
                     "--executor", "--history", "--timeline", "--plan", "--max-total-source-arrays",
                     "--max-total-num-input-blocks", "--zarr-format", "--shards", "--retries", "--batch-size"},
                    {"--explain", "--stats", "--print", "--overwrite", "--progress", "--resume", "--no-optimize",
                     "--no-backups", "--compute-arrays-in-parallel"},
                    {{"-o", "--output"}}});
  if (parsed.positional().empty()) throw InvalidArgumentError("eval needs an expression EXPR");
  const std::optional<std::string> output = parsed.option("--output");
  const bool print = parsed.flag("--print");
  const bool explain = parsed.flag("--explain");
  const std::optional<std::string> plan_file = parsed.option("--plan");
  if (!output && !print && !explain && !plan_file) {
    throw InvalidArgumentError("eval needs -o OUT (or --print, --explain or --plan FILE)");
  }

  // Syntax errors first, before any input is opened.
  const expr::Expression expression = expr::parse(parsed.positional()[0]);

  SpecOptions spec_options;
  spec_options.work_dir = parsed.option("--work-dir").value_or("");
  spec_options.allowed_mem = parse_size(parsed.option("--allowed-mem").value_or("2GB"));
  spec_options.reserved_mem = parse_size(parsed.option("--reserved-mem").value_or("100MB"));
  ComputeOptions compute_options;
  if (parsed.flag("--progress")) compute_options.callbacks.push_back(make_progress_bar());
  if (auto history = parsed.option("--history")) compute_options.callbacks.push_back(make_history(*history));
  compute_options.plan.optimize = !parsed.flag("--no-optimize");
  if (auto n = parsed.option("--max-total-source-arrays")) {
    compute_options.plan.max_total_source_arrays = static_cast<int>(parse_count(*n, "--max-total-source-arrays"));
  }
  if (auto n = parsed.option("--max-total-num-input-blocks")) {
    compute_options.plan.max_total_num_input_blocks = parse_count(*n, "--max-total-num-input-blocks");
  }
  if (auto timeline = parsed.option("--timeline")) compute_options.callbacks.push_back(make_timeline(*timeline));
  if (auto n = parsed.option("--retries")) compute_options.retries = static_cast<int>(parse_count(*n, "--retries", 0));
  if (auto n = parsed.option("--batch-size")) compute_options.batch_size = parse_count(*n, "--batch-size");
  compute_options.use_backups = !parsed.flag("--no-backups");
  compute_options.compute_arrays_in_parallel = parsed.flag("--compute-arrays-in-parallel");
  // Values inside the expression (the 2 in x * 2) are invisible in the plan:
  // the expression and what shapes the result name the computation too.
  compute_options.resume = parsed.flag("--resume");
  for (const std::string& p : parsed.positional()) compute_options.resume_key += p + '\n';
  for (const char* option : {"--chunks", "--zarr-format", "--shards"}) {
    compute_options.resume_key += parsed.option(option).value_or("") + '\n';
  }
  if (auto executor = parsed.option("--executor")) {
    // An unknown name is an error before anything runs.
    if (!make_executor(*executor)->coordinates()) {
      // A worker rank of the mpi executor: rank 0 alone prints (results,
      // progress and errors: every error reaches rank 0 too).
      if (!std::freopen("/dev/null", "w", stdout) || !std::freopen("/dev/null", "w", stderr)) {
        throw ExecutorError("cannot silence a worker rank's output");
      }
    }
    spec_options.executor = *executor;
    compute_options.executor_name = *executor;
  }
  const auto spec = std::make_shared<const Spec>(spec_options);
  storage::CodecPtr compressor = storage::default_codec();
  if (auto codec = parsed.option("--compressor")) compressor = storage::codec_from_spec(*codec);

  expr::Evaluator evaluator(spec);
  define_inputs({parsed.positional().begin() + 1, parsed.positional().end()}, spec, evaluator);
  const expr::Value value = evaluator.evaluate(expression);
  // A dtype or a record (result_type, finfo, ...) has nothing to compute.
  if (print && !output && !explain && !value.is_array() && !value.is_scalar()) {
    std::printf("%s\n", value.to_string().c_str());
    return 0;
  }
  Array result = result_array(value, spec);
  if (auto chunks = parsed.option("--chunks")) result = rechunk(result, parse_chunk_spec(*chunks));

  std::vector<Plan::Output> outputs;
  if (output) {
    StoreOptions store_options;
    store_options.compressor = compressor;
    store_options.overwrite = parsed.flag("--overwrite");
    apply_format_options(parsed, result.shape(), result.dtype(), store_options);
    outputs.push_back(store_output(result, *output, store_options));
  }
  if (print || !output) outputs.push_back({result, std::nullopt});
  const Plan plan = Plan::build(outputs, compute_options.plan);
  if (explain) std::fputs(plan.explain().c_str(), stdout);
  if (plan_file) visualize(plan, *plan_file);
  if (!output && !print) return 0;
  if (print && result.nbytes() > spec->allowed_mem()) {
    throw MemoryBudgetError("--print holds the whole result in memory: " + format_size(result.nbytes()) +
                            " exceeds allowed_mem " + format_size(spec->allowed_mem()) +
                            "; write it with -o OUT instead");
  }

  ComputeReport report;
  std::vector<NDBuffer> results = execute_plan(plan, compute_options, &report);
  if (print) {
    std::printf("%s\n", expr::array_repr(results.back()).c_str());
  } else {
    std::printf("wrote %s %s array, chunks %s, to %s\n", std::string(dtype_name(result.dtype())).c_str(),
                shape_to_string(result.shape()).c_str(), shape_to_string(result.chunks()).c_str(), output->c_str());
  }
  if (parsed.flag("--stats")) {
    print_stats(Plan::build(outputs, PlanOptions{.optimize = false}).stats(), report, *spec);
  }
  return 0;
}

}  // namespace cubed::cli
