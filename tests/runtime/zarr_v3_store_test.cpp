// to_zarr with Zarr v3: a sharded output makes the shard the unit a task
// writes, and the plan counts the shard's memory; a sharded source is read
// by inner chunk.
#include <gtest/gtest.h>

#include "cubed/api/elementwise.hpp"
#include "cubed/core/error.hpp"
#include "cubed/primitives/source.hpp"
#include "cubed/runtime/compute.hpp"
#include "cubed/storage/zarr/zarr_array.hpp"

namespace cubed {
namespace {

SpecPtr spec() {
  SpecOptions o;
  o.reserved_mem = 0;
  return std::make_shared<const Spec>(o);
}

NDBuffer iota(const Shape& shape) {
  NDBuffer b(DType::kFloat64, shape);
  for (std::int64_t i = 0; i < b.size(); ++i) b.set(i, Scalar(static_cast<double>(i)));
  return b;
}

TEST(ZarrV3Store, ShardedOutputWritesWholeShardsAndCountsTheirMemory) {
  const Shape shape{100, 60};
  Array x = from_array(iota(shape), {10, 10}, spec());
  StoreOptions plain;
  plain.zarr_format = 3;
  plain.compressor = nullptr;
  StoreOptions sharded = plain;
  sharded.shards = {50, 60};  // 5 x 6 inner chunks of 800 bytes per shard
  Plan::Output a = store_output(x, "memory://v3-plain", plain);
  Plan::Output b = store_output(x, "memory://v3-sharded", sharded);
  EXPECT_EQ(a.array.chunks(), (Shape{10, 10}));
  EXPECT_EQ(b.array.chunks(), (Shape{50, 60}));  // a task writes one shard
  EXPECT_EQ(b.target->inner_chunks, (Shape{10, 10}));
  const std::int64_t shard_bytes = 50 * 60 * 8;
  Plan pa = Plan::build({a});
  Plan pb = Plan::build({b});
  const PlanOperation& wa = pa.operations().back();
  const PlanOperation& wb = pb.operations().back();
  EXPECT_EQ(wb.num_tasks, 2);
  EXPECT_LT(wa.projected_mem, shard_bytes);
  // The shard in memory and its encoded copy (inner chunks + 30 index entries).
  EXPECT_GE(wb.projected_mem, 2 * shard_bytes + 30 * 16);
  execute_plan(pb, {}, nullptr);
  storage::ZarrArray written = storage::ZarrArray::open(storage::open_store_path("memory://v3-sharded"));
  EXPECT_EQ(written.metadata().zarr_format, 3);
  EXPECT_EQ(written.chunks(), (Shape{50, 60}));
  EXPECT_EQ(written.read_chunks(), (Shape{10, 10}));
  EXPECT_EQ(written.read_all(), iota(shape));
  EXPECT_EQ(written.nchunks_initialized(), 2);

  // Read back through from_zarr: by inner chunk, each task's memory a
  // fraction of the shard.
  Array y = from_zarr(written, spec());
  EXPECT_EQ(y.chunks(), (Shape{10, 10}));
  EXPECT_EQ(compute(y), iota(shape));
  to_zarr(y * Scalar(2.0), "memory://v3-doubled", StoreOptions{});  // v2 by default
  storage::ZarrArray doubled = storage::ZarrArray::open(storage::open_store_path("memory://v3-doubled"));
  EXPECT_EQ(doubled.metadata().zarr_format, 2);
  EXPECT_EQ(doubled.read_all().get(7).as_double(), 14.0);
}

TEST(ZarrV3Store, BadFormatOptions) {
  Array x = from_array(iota({4, 4}), {2, 2}, spec());
  StoreOptions o;
  o.zarr_format = 4;
  EXPECT_THROW(store_output(x, "memory://bad", o), InvalidArgumentError);
  o.zarr_format = 2;
  o.shards = {4, 4};
  try {
    store_output(x, "memory://bad", o);
    FAIL();
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("shards need Zarr format 3"), std::string::npos) << e.what();
  }
  o.zarr_format = 3;
  o.shards = {3, 4};
  try {
    store_output(x, "memory://bad", o);
    FAIL();
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("shards (3, 4) are not a multiple of the chunks (2, 2)"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cubed
