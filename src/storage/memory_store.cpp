#include "cubed/storage/memory_store.hpp"

namespace cubed::storage {

std::optional<Bytes> MemoryStore::get(std::string_view key) const {
  std::lock_guard lock(mutex_);
  auto it = data_.find(key);
  if (it == data_.end()) return std::nullopt;
  return Bytes(it->second.begin(), it->second.end());
}

std::optional<Bytes> MemoryStore::get_range(std::string_view key, std::int64_t offset, std::int64_t length) const {
  std::lock_guard lock(mutex_);
  auto it = data_.find(key);
  if (it == data_.end()) return std::nullopt;
  auto [begin, end] = resolve_range(it->second.size(), offset, length);
  return Bytes(it->second.begin() + static_cast<std::ptrdiff_t>(begin),
               it->second.begin() + static_cast<std::ptrdiff_t>(end));
}

void MemoryStore::set(std::string_view key, std::span<const std::uint8_t> value) {
  std::vector<std::uint8_t> copy(value.begin(), value.end());
  std::lock_guard lock(mutex_);
  data_.insert_or_assign(std::string(key), std::move(copy));
}

void MemoryStore::erase(std::string_view key) {
  std::lock_guard lock(mutex_);
  auto it = data_.find(key);
  if (it != data_.end()) data_.erase(it);
}

bool MemoryStore::exists(std::string_view key) const {
  std::lock_guard lock(mutex_);
  return data_.find(key) != data_.end();
}

std::vector<std::string> MemoryStore::list(std::string_view prefix) const {
  std::string folder(prefix);
  if (!folder.empty() && folder.back() != '/') folder += '/';
  std::lock_guard lock(mutex_);
  std::vector<std::string> keys;
  for (auto it = data_.lower_bound(folder); it != data_.end(); ++it) {
    if (it->first.compare(0, folder.size(), folder) != 0) break;
    keys.push_back(it->first);
  }
  return keys;
}

}  // namespace cubed::storage
