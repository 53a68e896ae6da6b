#include "cubed/primitives/rechunk.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include "cubed/core/error.hpp"
#include "cubed/primitives/projected_memory.hpp"

namespace cubed {
namespace {

// Elements read along one axis when regions of length `region` are filled
// from input chunks of length `input` (whole input chunks are read).
std::int64_t axis_reads(std::int64_t length, std::int64_t input, std::int64_t region) {
  std::int64_t total = 0;
  for (std::int64_t start = 0; start < length; start += region) {
    std::int64_t end = std::min(start + region, length);
    std::int64_t covered_start = start / input * input;
    std::int64_t covered_end = std::min((end + input - 1) / input * input, length);
    total += covered_end - covered_start;
  }
  return total;
}

// The intermediate chunk length along one axis near `ideal` (the geometric
// mean of source and target): a multiple of the smaller of the two that
// divides their lcm, when one lies within a factor of 2. Such a length lines
// up with both neighbours, so that neither stage reads a chunk partly (a
// (1, 1000, 1000) -> (500, 50, 50) rechunk through (22, 224, 224) read its
// intermediate 7 times over; through (20, 200, 200), once).
std::int64_t aligned_length(double ideal, std::int64_t source, std::int64_t target, std::int64_t length) {
  const std::int64_t rounded = std::clamp<std::int64_t>(std::llround(ideal), 1, std::max<std::int64_t>(length, 1));
  const std::int64_t step = std::min(source, target);
  if (step <= 0) return rounded;
  const std::int64_t g = std::gcd(source, target);
  if (source / g > std::numeric_limits<std::int64_t>::max() / target) return rounded;  // lcm would overflow
  const std::int64_t lcm = source / g * target;
  if (lcm / step > 100000) return rounded;
  std::int64_t best = rounded;
  double best_distance = std::log(2.0);
  for (std::int64_t c = step; c <= lcm && c <= length; c += step) {
    if (lcm % c != 0) continue;
    const double distance = std::abs(std::log(static_cast<double>(c)) - std::log(ideal));
    if (distance < best_distance) {
      best_distance = distance;
      best = c;
    }
  }
  return best;
}

std::int64_t product(const Shape& s) {
  std::int64_t p = 1;
  for (auto v : s) p *= v;
  return p;
}

struct StagePlanner {
  const Shape& shape;
  std::int64_t item_bytes;
  std::int64_t budget;
  int stage;
  const ChunkReadMemory& read_memory;
  const ChunkWriteMemory& write_memory;

  std::int64_t memory(const Shape& source, const Shape& target, const Shape& region) const {
    std::int64_t extract = region == target ? 0 : product(target) * item_bytes;
    return product(region) * item_bytes + read_memory(stage, source) + extract + write_memory(target);
  }

  RechunkStage plan(const Shape& source, const Shape& target) const {
    const std::size_t ndim = shape.size();
    Shape region = target;
    std::vector<std::int64_t> reads(ndim);
    for (std::size_t d = 0; d < ndim; ++d) reads[d] = axis_reads(shape[d], source[d], region[d]);
    auto total_reads = [&](const std::vector<std::int64_t>& r) {
      double t = 1;
      for (auto v : r) t *= static_cast<double>(v);
      return t;
    };
    // Grow the region greedily: the change that saves the most reads per
    // byte of memory, while it fits.
    while (true) {
      double best_score = 0;
      std::size_t best_axis = 0;
      std::int64_t best_length = 0;
      std::int64_t best_reads = 0;
      const std::int64_t current_memory = memory(source, target, region);
      for (std::size_t d = 0; d < ndim; ++d) {
        std::vector<std::int64_t> candidates;
        const std::int64_t y = target[d];
        const std::int64_t lcm = std::lcm(source[d], y);
        if (lcm <= shape[d]) candidates.push_back(lcm);
        // Regions that divide the lcm line up with the input chunks at
        // every lcm boundary, so they re-read less than other lengths.
        for (std::int64_t k = 2; k <= 64; ++k) {
          if (lcm % k == 0 && (lcm / k) % y == 0 && lcm / k <= shape[d]) candidates.push_back(lcm / k);
        }
        for (std::int64_t k = 1; k <= shape[d] / std::max<std::int64_t>(source[d], 1) && candidates.size() < 40; k *= 2) {
          candidates.push_back((k * source[d] + y - 1) / y * y);
        }
        for (std::int64_t m = 2; m * region[d] <= shape[d] && candidates.size() < 80; m *= 2) {
          candidates.push_back(m * region[d]);
        }
        candidates.push_back(shape[d]);
        for (std::int64_t length : candidates) {
          length = std::min(length, shape[d]);
          if (length <= region[d]) continue;
          if (length % y != 0 && length != shape[d]) continue;
          std::int64_t new_reads = axis_reads(shape[d], source[d], length);
          if (new_reads >= reads[d]) continue;
          Shape grown = region;
          grown[d] = length;
          std::int64_t new_memory = memory(source, target, grown);
          if (new_memory > budget) continue;
          std::vector<std::int64_t> r = reads;
          r[d] = new_reads;
          double saved = total_reads(reads) - total_reads(r);
          double score = saved / static_cast<double>(std::max<std::int64_t>(new_memory - current_memory, 1));
          if (score > best_score) {
            best_score = score;
            best_axis = d;
            best_length = length;
            best_reads = new_reads;
          }
        }
      }
      if (best_score <= 0) break;
      region[best_axis] = best_length;
      reads[best_axis] = best_reads;
    }
    RechunkStage s;
    s.source_chunks = source;
    s.target_chunks = target;
    s.region = region;
    s.num_tasks = 1;
    for (std::size_t d = 0; d < ndim; ++d) s.num_tasks *= (shape[d] + region[d] - 1) / region[d];
    s.bytes_read = static_cast<std::int64_t>(total_reads(reads)) * item_bytes;
    s.bytes_written = product(shape) * item_bytes;
    s.task_memory = memory(source, target, region);
    return s;
  }
};

// Copies regions of whole output chunks from the input (see file comment of
// rechunk.hpp).
class RegionCopyOp final : public Operation {
 public:
  RegionCopyOp(NodePtr input, Shape region, int stage, int num_stages)
      : input_(std::move(input)), region_(std::move(region)), stage_(stage), num_stages_(num_stages) {}
  OperationKind kind() const override { return OperationKind::kRegionCopy; }
  std::string function_name() const override {
    return num_stages_ == 1 ? "rechunk" : "rechunk-stage-" + std::to_string(stage_ + 1) + "/" + std::to_string(num_stages_);
  }
  std::vector<NodePtr> inputs() const override { return {input_}; }
  Shape task_grid(const ArrayNode& self) const override {
    Shape grid(region_.size());
    for (std::size_t d = 0; d < grid.size(); ++d) grid[d] = (self.shape()[d] + region_[d] - 1) / region_[d];
    return grid;
  }
  std::int64_t task_memory(const ArrayNode& self) const override {
    std::int64_t extract = region_ == self.chunks() ? 0 : self.chunk_nbytes();
    return shape_size(region_) * item_size(self.dtype) + input_->op->read_memory(*input_) + extract +
           write_memory(self);
  }
  // Input chunks a region touches: per axis, the most over the task
  // positions (counts) and their sum (reads); the tasks form a grid, so the
  // totals multiply across axes.
  std::vector<std::int64_t> input_chunk_counts(const ArrayNode& self) const override {
    std::int64_t n = 1;
    for (std::size_t d = 0; d < region_.size(); ++d) n *= touched(self, d).first;
    return {n};
  }
  std::vector<std::int64_t> input_chunk_reads(const ArrayNode& self) const override {
    std::int64_t n = 1;
    for (std::size_t d = 0; d < region_.size(); ++d) n *= touched(self, d).second;
    return {n};
  }
  const Shape& region() const { return region_; }

  // Along axis d: the most input chunks one region touches, and the sum over
  // the regions.
  std::pair<std::int64_t, std::int64_t> touched(const ArrayNode& self, std::size_t d) const {
    const std::int64_t length = self.shape()[d];
    const std::int64_t c = std::max<std::int64_t>(input_->chunks()[d], 1);
    std::int64_t most = 0, sum = 0;
    for (std::int64_t start = 0; start < length; start += region_[d]) {
      const std::int64_t end = std::min(start + region_[d], length);
      const std::int64_t n = (end - 1) / c - start / c + 1;
      most = std::max(most, n);
      sum += n;
    }
    return {std::max<std::int64_t>(most, 1), std::max<std::int64_t>(sum, 1)};
  }

  void run_task(const ArrayNode& self, const Shape& task, ChunkContext& context) const override {
    const std::size_t ndim = region_.size();
    Shape origin(ndim), extent(ndim), first(ndim), count(ndim);
    for (std::size_t d = 0; d < ndim; ++d) {
      origin[d] = task[d] * region_[d];
      extent[d] = std::min(region_[d], self.shape()[d] - origin[d]);
      first[d] = origin[d] / input_->chunks()[d];
      std::int64_t last = (origin[d] + extent[d] - 1) / input_->chunks()[d];
      count[d] = last - first[d] + 1;
    }
    // Fill the region, streaming one input chunk at a time.
    NDBuffer region(self.dtype, extent);
    for_each_index(count, [&](const Shape& offset) {
      Shape coords(ndim);
      for (std::size_t d = 0; d < ndim; ++d) coords[d] = first[d] + offset[d];
      NDBuffer chunk = context.read_chunk(*input_, coords);
      Shape chunk_origin = input_->grid.chunk_origin(coords);
      Shape src(ndim), dst(ndim), box(ndim);
      for (std::size_t d = 0; d < ndim; ++d) {
        std::int64_t lo = std::max(origin[d], chunk_origin[d]);
        std::int64_t hi = std::min(origin[d] + extent[d], chunk_origin[d] + chunk.shape()[d]);
        src[d] = lo - chunk_origin[d];
        dst[d] = lo - origin[d];
        box[d] = hi - lo;
      }
      copy_region(chunk, src, region, dst, box);
    });
    // Write the region's output chunks.
    Shape out_first(ndim), out_count(ndim);
    for (std::size_t d = 0; d < ndim; ++d) {
      out_first[d] = origin[d] / self.chunks()[d];
      out_count[d] = (extent[d] + self.chunks()[d] - 1) / self.chunks()[d];
    }
    if (out_count == Shape(ndim, 1)) {
      context.write_chunk(self, out_first, region);
      return;
    }
    for_each_index(out_count, [&](const Shape& offset) {
      Shape coords(ndim);
      for (std::size_t d = 0; d < ndim; ++d) coords[d] = out_first[d] + offset[d];
      Shape chunk_shape = self.grid.chunk_shape(coords);
      Shape chunk_origin = self.grid.chunk_origin(coords);
      Shape src(ndim);
      for (std::size_t d = 0; d < ndim; ++d) src[d] = chunk_origin[d] - origin[d];
      NDBuffer chunk(self.dtype, chunk_shape);
      copy_region(region, src, chunk, Shape(ndim, 0), chunk_shape);
      context.write_chunk(self, coords, chunk);
    });
  }

 private:
  NodePtr input_;
  Shape region_;
  int stage_;
  int num_stages_;
};

}  // namespace

std::int64_t RechunkPlan::bytes_read() const {
  std::int64_t total = 0;
  for (const auto& s : stages) total += s.bytes_read;
  return total;
}

std::int64_t RechunkPlan::bytes_written() const {
  std::int64_t total = 0;
  for (const auto& s : stages) total += s.bytes_written;
  return total;
}

RechunkPlan plan_rechunk(const Shape& shape, std::int64_t item_bytes, const Shape& source, const Shape& target,
                         std::int64_t budget, const ChunkReadMemory& read_memory, const ChunkWriteMemory& write_memory) {
  const std::size_t ndim = shape.size();
  auto plan_with = [&](int num_stages) -> std::optional<RechunkPlan> {
    RechunkPlan plan;
    Shape previous = source;
    for (int i = 1; i <= num_stages; ++i) {
      Shape next(ndim);
      if (i == num_stages) {
        next = target;
      } else {
        double t = static_cast<double>(i) / num_stages;
        for (std::size_t d = 0; d < ndim; ++d) {
          double v = std::exp(std::log(static_cast<double>(source[d])) * (1 - t) +
                              std::log(static_cast<double>(target[d])) * t);
          next[d] = aligned_length(v, previous[d], target[d], shape[d]);
        }
      }
      StagePlanner planner{shape, item_bytes, budget, i - 1, read_memory, write_memory};
      RechunkStage stage = planner.plan(previous, next);
      if (stage.task_memory > budget && num_stages > 1) return std::nullopt;
      plan.stages.push_back(stage);
      previous = next;
    }
    return plan;
  };
  RechunkPlan best = *plan_with(1);
  const std::int64_t nbytes = product(shape) * item_bytes;
  if (best.stages[0].task_memory > budget || best.bytes_read() <= nbytes) return best;
  for (int n = 2; n <= 4; ++n) {
    auto candidate = plan_with(n);
    if (!candidate) continue;
    double cost = static_cast<double>(candidate->bytes_read() + candidate->bytes_written());
    double best_cost = static_cast<double>(best.bytes_read() + best.bytes_written());
    if (cost < 0.95 * best_cost) best = *candidate;
  }
  return best;
}

Array rechunk(const Array& x, const ChunkSpec& spec) {
  if (!x.valid()) throw InvalidArgumentError("rechunk: the array is empty (default-constructed)");
  // "auto" chunks stay well within the budget (a quarter of a task's share).
  const std::int64_t auto_bytes = std::clamp<std::int64_t>(
      (x.spec()->allowed_mem() - x.spec()->reserved_mem()) / 4, 1, kDefaultAutoChunkBytes);
  const Shape target = normalize_chunks(spec, x.shape(), x.dtype(), auto_bytes);
  if (target == x.chunks()) return x;
  if (shape_size(x.shape()) == 0) {
    // Nothing to copy: an empty array with the new chunks.
    return Array(make_node(x.shape(), target, x.dtype(), x.spec(),
                           std::make_shared<RegionCopyOp>(x.node(), target, 0, 1)));
  }
  const SpecPtr& spec_ptr = x.spec();
  const std::int64_t item = item_size(x.dtype());
  const NodePtr source = x.node();
  ChunkReadMemory read_memory = [&](int stage, const Shape& chunks) -> std::int64_t {
    if (stage == 0) return source->op->read_memory(*source);
    return stored_chunk_memory(shape_size(chunks) * item, spec_ptr->intermediate_compressor(),
                               work_dir_io_copies(*spec_ptr));
  };
  ChunkWriteMemory write = [&](const Shape& chunks) -> std::int64_t {
    ArrayNode probe;
    probe.grid = ChunkGrid(x.shape(), chunks);
    probe.dtype = x.dtype();
    probe.spec = spec_ptr;
    return write_memory(probe);
  };
  const std::int64_t budget = spec_ptr->allowed_mem() - spec_ptr->reserved_mem();
  RechunkPlan plan = plan_rechunk(x.shape(), item, x.chunks(), target, budget, read_memory, write);
  NodePtr current = source;
  const int n = static_cast<int>(plan.stages.size());
  for (int i = 0; i < n; ++i) {
    const RechunkStage& stage = plan.stages[i];
    current = make_node(x.shape(), stage.target_chunks, x.dtype(), spec_ptr,
                        std::make_shared<RegionCopyOp>(current, stage.region, i, n));
  }
  return Array(current);
}

}  // namespace cubed
