#include "cubed/storage/local_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <thread>
#include <utility>

#include "cubed/core/error.hpp"

namespace fs = std::filesystem;

namespace cubed::storage {
namespace {

constexpr std::string_view kTempMarker = ".tmp.";

[[noreturn]] void fail(const std::string& what, const fs::path& path, int error) {
  throw StorageError(what + " '" + path.string() + "': " + std::strerror(error));
}

bool is_temporary(const std::string& name) {
  return !name.empty() && name[0] == '.' && name.find(kTempMarker) != std::string::npos;
}

// Writes all of `data` to fd, retrying short writes and EINTR.
void write_all(int fd, const std::uint8_t* data, std::size_t size, const fs::path& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path, errno);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}


// A file open for reading, closed with the object.
class ReadableFile {
 public:
  explicit ReadableFile(int fd) : fd_(fd) {}
  ReadableFile(ReadableFile&& other) noexcept : size(other.size), fd_(std::exchange(other.fd_, -1)) {}
  ReadableFile(const ReadableFile&) = delete;
  ReadableFile& operator=(const ReadableFile&) = delete;
  ReadableFile& operator=(ReadableFile&&) = delete;
  ~ReadableFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }
  off_t size = 0;  ///< when opened

 private:
  int fd_;
};

// Opens `path` for reading: nullopt when it is missing or a folder (a
// missing key); StorageError for anything but a regular file. O_NONBLOCK:
// opening a named pipe must not wait for a writer.
std::optional<ReadableFile> open_regular_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR || errno == EISDIR) return std::nullopt;
    fail("cannot open", path, errno);
  }
  ReadableFile file(fd);  // closed on every way out below
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail("cannot stat", path, errno);
  if (S_ISDIR(st.st_mode)) return std::nullopt;
  if (!S_ISREG(st.st_mode)) throw StorageError("'" + path.string() + "' is not a regular file");
  file.size = st.st_size;
  return file;
}

}  // namespace

LocalStore::LocalStore(fs::path root) : root_(std::move(root)) {}

std::string LocalStore::describe() const { return root_.string(); }

fs::path LocalStore::path_of(std::string_view key) const {
  // Keys are relative paths inside the store; refuse anything that escapes.
  std::string k(key);
  if (!k.empty() && k.front() == '/') {
    throw InvalidArgumentError("store key '" + k + "' must be relative");
  }
  std::size_t start = 0;
  while (start <= k.size()) {
    std::size_t slash = k.find('/', start);
    std::string part = k.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (part == "..") throw InvalidArgumentError("store key '" + k + "' must not contain '..'");
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return k.empty() ? root_ : root_ / k;
}

std::optional<Bytes> LocalStore::get(std::string_view key) const {
  const fs::path path = path_of(key);
  const auto file = open_regular_file(path);
  if (!file) return std::nullopt;
  const int fd = file->fd();
  Bytes data;
  const off_t size = file->size;
  std::size_t expected = size > 0 ? static_cast<std::size_t>(size) : 0;
  data.resize(expected);
  std::size_t done = 0;
  while (true) {
    // Read into the buffer sized from fstat; only a file that grew since
    // then needs more room (a probe byte tells, without doubling the buffer).
    std::uint8_t probe;
    bool full = done == data.size();
    ssize_t n = full ? ::read(fd, &probe, 1) : ::read(fd, data.data() + done, data.size() - done);
    if (full && n == 1) {
      data.resize(data.size() + std::max<std::size_t>(data.size(), 4096));
      data[done] = probe;
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot read", path, errno);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  data.resize(done);
  return data;
}

std::optional<Bytes> LocalStore::get_range(std::string_view key, std::int64_t offset, std::int64_t length) const {
  const fs::path path = path_of(key);
  const auto file = open_regular_file(path);
  if (!file) return std::nullopt;
  const int fd = file->fd();
  auto [begin, end] = resolve_range(static_cast<std::size_t>(std::max<off_t>(file->size, 0)), offset, length);
  Bytes data(end - begin);
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pread(fd, data.data() + done, data.size() - done, static_cast<off_t>(begin + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot read", path, errno);
    }
    if (n == 0) break;  // shrank since fstat: return what is there
    done += static_cast<std::size_t>(n);
  }
  data.resize(done);
  return data;
}

std::optional<std::int64_t> LocalStore::get_into(std::string_view key, std::span<std::uint8_t> out) const {
  const fs::path path = path_of(key);
  const auto file = open_regular_file(path);
  if (!file) return std::nullopt;
  if (file->size != static_cast<off_t>(out.size())) return static_cast<std::int64_t>(file->size);
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(file->fd(), out.data() + done, out.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot read", path, errno);
    }
    if (n == 0) return static_cast<std::int64_t>(done);  // shrank since fstat
    done += static_cast<std::size_t>(n);
  }
  return static_cast<std::int64_t>(done);
}

void LocalStore::set(std::string_view key, std::span<const std::uint8_t> value) {
  fs::path path = path_of(key);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) fail("cannot create folder", path.parent_path(), ec.value());
  static std::atomic<std::uint64_t> counter{0};
  std::string temp_name = std::string(".") + path.filename().string() + std::string(kTempMarker) + std::to_string(::getpid()) +
                          "." + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()) % 100000) +
                          "." + std::to_string(counter++);
  fs::path temp = path.parent_path() / temp_name;
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create", temp, errno);
  try {
    write_all(fd, value.data(), value.size(), temp);
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    int error = errno;
    ::unlink(temp.c_str());
    fail("cannot write", temp, error);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int error = errno;
    ::unlink(temp.c_str());
    fail("cannot rename into", path, error);
  }
}

void LocalStore::erase(std::string_view key) {
  fs::path path = path_of(key);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR) fail("cannot remove", path, errno);
}

bool LocalStore::exists(std::string_view key) const {
  std::error_code ec;
  return fs::is_regular_file(path_of(key), ec);
}

std::optional<std::int64_t> LocalStore::size(std::string_view key) const {
  std::error_code ec;
  auto n = fs::file_size(path_of(key), ec);
  if (ec) return std::nullopt;
  return static_cast<std::int64_t>(n);
}

std::vector<std::string> LocalStore::list(std::string_view prefix) const {
  fs::path base = path_of(prefix);
  std::vector<std::string> keys;
  std::error_code ec;
  if (!fs::is_directory(base, ec)) return keys;
  for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (is_temporary(it->path().filename().string())) continue;
    keys.push_back(it->path().lexically_relative(root_).generic_string());
  }
  if (ec) fail("cannot list", base, ec.value());
  std::sort(keys.begin(), keys.end());
  return keys;
}

void LocalStore::erase_prefix(std::string_view prefix) {
  fs::path base = path_of(prefix);
  std::error_code ec;
  fs::remove_all(base, ec);
  if (ec) fail("cannot remove", base, ec.value());
}

}  // namespace cubed::storage
