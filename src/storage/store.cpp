#include "cubed/storage/store.hpp"

#include <map>
#include <mutex>

#include "cubed/core/error.hpp"
#include "cubed/storage/local_store.hpp"
#include "cubed/storage/memory_store.hpp"

namespace cubed::storage {

void Store::erase_prefix(std::string_view prefix) {
  for (const std::string& key : list(prefix)) erase(key);
}

std::optional<std::int64_t> Store::size(std::string_view key) const {
  auto value = get(key);
  if (!value) return std::nullopt;
  return static_cast<std::int64_t>(value->size());
}

void Store::set(std::string_view key, std::string_view text) {
  set(key, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

std::string StorePath::key(std::string_view name) const {
  if (path.empty()) return std::string(name);
  if (name.empty()) return path;
  return path + "/" + std::string(name);
}

std::string StorePath::describe() const {
  std::string where = store->describe();
  if (path.empty()) return where;
  return where + "/" + path;
}

StorePath open_store_path(std::string_view url) {
  constexpr std::string_view kMemory = "memory://";
  if (url.empty()) throw InvalidArgumentError("empty path");
  if (url.substr(0, kMemory.size()) == kMemory) {
    // One process-wide memory store; the rest of the URL is the key prefix.
    static StorePtr shared = std::make_shared<MemoryStore>();
    std::string path(url.substr(kMemory.size()));
    while (!path.empty() && path.back() == '/') path.pop_back();
    return StorePath{shared, path};
  }
  if (url.find("://") != std::string_view::npos) {
    throw InvalidArgumentError("unsupported URL scheme in '" + std::string(url) +
                               "' (supported: local paths and memory://)");
  }
  return StorePath{std::make_shared<LocalStore>(std::filesystem::path(url)), ""};
}

}  // namespace cubed::storage
