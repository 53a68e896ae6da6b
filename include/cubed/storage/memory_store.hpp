#pragma once
/// An in-memory store (thread-safe), for tests and small intermediates.
#include <map>
#include <mutex>

#include "cubed/storage/store.hpp"

namespace cubed::storage {

class MemoryStore final : public Store {
 public:
  std::optional<Bytes> get(std::string_view key) const override;
  std::optional<Bytes> get_range(std::string_view key, std::int64_t offset, std::int64_t length) const override;
  void set(std::string_view key, std::span<const std::uint8_t> value) override;
  using Store::set;
  void erase(std::string_view key) override;
  bool exists(std::string_view key) const override;
  std::vector<std::string> list(std::string_view prefix) const override;
  std::string describe() const override { return "memory"; }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::uint8_t>, std::less<>> data_;
};

}  // namespace cubed::storage
