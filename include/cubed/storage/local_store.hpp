#pragma once
/// A store on the local filesystem: key "a/b/c" is the file ROOT/a/b/c.
///
/// Write protocol (atomic, crash-safe for readers):
/// 1. create the parent folders;
/// 2. write the value to a temporary file in the same folder, named
///    ".<name>.tmp.<pid>.<thread>.<counter>" (hidden: `list` skips it);
/// 3. rename(2) it over the final name, atomic within one filesystem.
/// A crash before step 3 leaves only a hidden temporary file, never a torn
/// value under the real key. There is no fsync: durability across a power
/// loss is the filesystem's, as for zarr-python.
#include <filesystem>

#include "cubed/storage/store.hpp"

namespace cubed::storage {

class LocalStore final : public Store {
 public:
  /// `root` need not exist yet; it is created by the first write.
  explicit LocalStore(std::filesystem::path root);

  std::optional<Bytes> get(std::string_view key) const override;
  std::optional<Bytes> get_range(std::string_view key, std::int64_t offset, std::int64_t length) const override;
  std::optional<std::int64_t> get_into(std::string_view key, std::span<std::uint8_t> out) const override;
  void set(std::string_view key, std::span<const std::uint8_t> value) override;
  using Store::set;
  void erase(std::string_view key) override;
  bool exists(std::string_view key) const override;
  std::vector<std::string> list(std::string_view prefix) const override;
  void erase_prefix(std::string_view prefix) override;
  std::optional<std::int64_t> size(std::string_view key) const override;
  std::string describe() const override;
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path path_of(std::string_view key) const;
  std::filesystem::path root_;
};

}  // namespace cubed::storage
