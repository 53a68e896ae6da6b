#include "cubed/storage/store.hpp"

#include <cstring>

#include <algorithm>
#include <map>
#include <mutex>

#include "cubed/core/error.hpp"
#include "cubed/storage/local_store.hpp"
#include "cubed/storage/memory_store.hpp"
#include "cubed/storage/s3_store.hpp"

namespace cubed::storage {

void Store::erase_prefix(std::string_view prefix) {
  for (const std::string& key : list(prefix)) erase(key);
}

// Resolves a possibly negative offset against a value of `size` bytes: the
// [begin, end) byte range that get_range returns.
std::pair<std::size_t, std::size_t> resolve_range(std::size_t size, std::int64_t offset, std::int64_t length) {
  std::int64_t n = static_cast<std::int64_t>(size);
  std::int64_t begin = offset < 0 ? std::max<std::int64_t>(0, n + offset) : std::min(offset, n);
  std::int64_t end = length < 0 ? n : begin + std::min(length, n - begin);
  return {static_cast<std::size_t>(begin), static_cast<std::size_t>(end)};
}

std::optional<std::int64_t> Store::get_into(std::string_view key, std::span<std::uint8_t> out) const {
  std::optional<Bytes> value = get(key);
  if (!value) return std::nullopt;
  if (value->size() == out.size()) std::memcpy(out.data(), value->data(), out.size());
  return static_cast<std::int64_t>(value->size());
}

std::optional<Bytes> Store::get_range(std::string_view key, std::int64_t offset, std::int64_t length) const {
  auto value = get(key);
  if (!value) return std::nullopt;
  auto [begin, end] = resolve_range(value->size(), offset, length);
  return Bytes(value->begin() + static_cast<std::ptrdiff_t>(begin), value->begin() + static_cast<std::ptrdiff_t>(end));
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
  constexpr std::string_view kS3 = "s3://";
  if (url.substr(0, kS3.size()) == kS3) {
    auto [bucket, prefix] = parse_s3_url(url);
    return StorePath{std::make_shared<S3Store>(bucket, S3Options::from_environment()), prefix};
  }
  if (url.find("://") != std::string_view::npos) {
    throw InvalidArgumentError("unsupported URL scheme in '" + std::string(url) +
                               "' (supported: local paths, memory:// and s3://)");
  }
  return StorePath{std::make_shared<LocalStore>(std::filesystem::path(url)), ""};
}

}  // namespace cubed::storage
