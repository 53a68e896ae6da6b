#pragma once
/// Store: a flat key -> bytes map, the only way cubed-cpp touches storage.
/// Keys are '/'-separated relative paths ("x.zarr/.zarray", "x.zarr/0.1").
///
/// Contract every store keeps (tests/storage/store_conformance.hpp):
/// - `set` is atomic: a concurrent or later `get` sees the old value or the
///   whole new one, never a torn write, even if the process dies mid-write.
/// - `get` of a missing key returns std::nullopt (not an error).
/// - `erase` of a missing key is not an error.
/// - Failures (permissions, I/O) throw StorageError naming the key.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cubed/core/memory.hpp"

namespace cubed::storage {

class Store {
 public:
  virtual ~Store() = default;
  virtual std::optional<Bytes> get(std::string_view key) const = 0;
  virtual void set(std::string_view key, std::span<const std::uint8_t> value) = 0;
  virtual void erase(std::string_view key) = 0;
  virtual bool exists(std::string_view key) const = 0;
  /// Every key under `prefix` (a folder: "a/b" lists "a/b/..."), sorted,
  /// relative to the store's root. "" lists the whole store.
  virtual std::vector<std::string> list(std::string_view prefix) const = 0;
  /// Erases every key under `prefix`.
  virtual void erase_prefix(std::string_view prefix);
  /// Reads a value straight into `out` when it has exactly out.size() bytes
  /// (an uncompressed chunk into its buffer, sparing a copy). Returns the
  /// value's size (out is filled only when it equals out.size()), nullopt
  /// when the key is missing. The default gets the value, then copies.
  virtual std::optional<std::int64_t> get_into(std::string_view key, std::span<std::uint8_t> out) const;
  /// A ranged read: `length` bytes from `offset` (a negative offset counts
  /// from the end, so (-n, n) is the last n bytes; a negative length reads
  /// to the end), clipped to the value's end; nullopt when the key is
  /// missing. Only these bytes are read (the
  /// default reads the whole value; local and memory stores override it).
  virtual std::optional<Bytes> get_range(std::string_view key, std::int64_t offset, std::int64_t length) const;
  /// Stored size of a key in bytes, or nullopt when missing.
  virtual std::optional<std::int64_t> size(std::string_view key) const;
  /// Where the store lives, for messages: "/data/x", "memory".
  virtual std::string describe() const = 0;
  /// True when the store is reached over a network (object storage): the
  /// runtime turns on backup tasks for a work_dir there, as Cubed does.
  virtual bool is_remote() const { return false; }
  /// Extra copies of an encoded chunk a read or a write through this store
  /// holds besides the encoded bytes themselves (network buffers), counted
  /// by the memory model (projected_memory.hpp). 0 for local stores.
  virtual int extra_copies_on_io() const { return 0; }

  void set(std::string_view key, std::string_view text);
};

using StorePtr = std::shared_ptr<Store>;

/// The [begin, end) bytes get_range(offset, length) means in a value of
/// `size` bytes (for Store implementations).
std::pair<std::size_t, std::size_t> resolve_range(std::size_t size, std::int64_t offset, std::int64_t length);

/// A Zarr location: a store and the key prefix of an array or group in it.
struct StorePath {
  StorePtr store;
  std::string path;  ///< key prefix, no leading or trailing '/'; "" = root
  /// Joins path and name with '/'.
  std::string key(std::string_view name) const;
  std::string describe() const;
};

/// Opens a location from a user's path: a local filesystem folder (created
/// on write), "memory://name" (a process-wide in-memory store) or
/// "s3://bucket/prefix" (S3Store, configured from the environment).
StorePath open_store_path(std::string_view url);

}  // namespace cubed::storage
