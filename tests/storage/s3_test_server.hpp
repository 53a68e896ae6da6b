#pragma once
// Test helpers for S3Store: a real S3-compatible server (s3rver, started by
// scripts/s3rver.sh on 127.0.0.1) and a fault-injecting HTTP proxy in front
// of it.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cubed::storage::testing {

/// One s3rver process for the whole test program, started on first use.
/// Credentials are s3rver's fixed S3RVER/S3RVER; bucket "cubed-test" exists.
class S3Server {
 public:
  /// The running server, or nullptr with `why` set when it cannot run here
  /// (no Node.js). Sets the AWS_* environment of this process to reach it.
  static S3Server* instance(std::string* why) {
    static std::unique_ptr<S3Server> server = start();
    static std::string reason = server ? "" : "cannot start s3rver";
    if (!server && why) *why = reason;
    if (server) server->export_environment(server->port_);
    return server.get();
  }
  /// True when the tests must not be skipped (CI sets CUBED_REQUIRE_S3=1).
  static bool required() {
    const char* v = std::getenv("CUBED_REQUIRE_S3");
    return v && std::string(v) == "1";
  }
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void export_environment(int port) const {
    ::setenv("AWS_ACCESS_KEY_ID", "S3RVER", 1);
    ::setenv("AWS_SECRET_ACCESS_KEY", "S3RVER", 1);
    ::unsetenv("AWS_SESSION_TOKEN");
    ::unsetenv("AWS_ENDPOINT_URL_S3");
    ::setenv("AWS_REGION", "us-east-1", 1);
    ::setenv("AWS_ENDPOINT_URL", ("http://127.0.0.1:" + std::to_string(port)).c_str(), 1);
    ::unsetenv("CUBED_S3_MAX_ATTEMPTS");
  }
  /// Creates a bucket (CreateBucket is not part of the Store interface).
  bool create_bucket(const std::string& name) const {
    CURL* curl = curl_easy_init();
    std::string url = endpoint() + "/" + name;
    curl_slist* headers = curl_slist_append(nullptr, "x-amz-content-sha256: UNSIGNED-PAYLOAD");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, "aws:amz:us-east-1:s3");
    curl_easy_setopt(curl, CURLOPT_USERPWD, "S3RVER:S3RVER");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char*, std::size_t s, std::size_t n, void*) { return s * n; });
    long status = 0;
    bool ok = curl_easy_perform(curl) == CURLE_OK;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return ok && status == 200;
  }
  ~S3Server() {
    if (pid_ > 0) ::kill(pid_, SIGTERM);
    std::error_code ec;
    std::filesystem::remove_all(data_, ec);
    std::filesystem::remove(data_.string() + ".log", ec);
  }

 private:
  static std::unique_ptr<S3Server> start() {
    if (std::system("command -v node > /dev/null 2>&1") != 0) return nullptr;
    auto server = std::make_unique<S3Server>();
    server->data_ = std::filesystem::temp_directory_path() / ("cubed-s3rver-" + std::to_string(::getpid()));
    std::string command = std::string("bash '") + CUBED_SOURCE_DIR + "/scripts/s3rver.sh' start '" +
                          server->data_.string() + "'";
    FILE* out = ::popen(command.c_str(), "r");
    if (!out) return nullptr;
    long pid = 0;
    int port = 0;
    int n = std::fscanf(out, "%ld %d", &pid, &port);
    ::pclose(out);
    if (n != 2) return nullptr;
    server->pid_ = static_cast<pid_t>(pid);
    server->port_ = port;
    return server;
  }
  pid_t pid_ = 0;
  int port_ = 0;
  std::filesystem::path data_;
};

/// An HTTP proxy on 127.0.0.1 in front of `upstream_port`, one request per
/// connection: answers the first `fail_first` requests with 503 SlowDown,
/// forwards the next ones, and after `stop_after` forwarded requests (if
/// >= 0) closes its socket as a crashed server would: connections refused.
class FaultProxy {
 public:
  FaultProxy(int upstream_port, int fail_first, int stop_after = -1)
      : upstream_(upstream_port), fail_first_(fail_first), stop_after_(stop_after) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listener_, 64);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~FaultProxy() {
    stop_ = true;
    thread_.join();
    if (listener_ >= 0) ::close(listener_);
  }
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int failures_served() const { return failed_; }
  /// Every request received, as sent (head and body).
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int forwarded() const { return forwarded_; }

 private:
  void run() {
    while (!stop_ && listener_ >= 0) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      serve(client);
      ::close(client);
    }
  }
  static bool read_request(int fd, std::string& request) {
    char buffer[65536];
    std::size_t head_end = std::string::npos;
    std::size_t body = 0;
    while (true) {
      if (head_end == std::string::npos) {
        head_end = request.find("\r\n\r\n");
        if (head_end != std::string::npos) {
          head_end += 4;
          std::string lower = request.substr(0, head_end);
          for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          std::size_t at = lower.find("\r\ncontent-length:");
          if (at != std::string::npos) body = std::stoul(lower.substr(at + 17));
        }
      }
      if (head_end != std::string::npos && request.size() >= head_end + body) return true;
      ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      request.append(buffer, static_cast<std::size_t>(n));
    }
  }
  static void send_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += static_cast<std::size_t>(n);
    }
  }
  void serve(int client) {
    std::string request;
    if (!read_request(client, request)) return;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    if (failed_ < fail_first_) {
      ++failed_;
      const std::string body = "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
      send_all(client, "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nConnection: close\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n" + body);
      return;
    }
    if (stop_after_ >= 0 && forwarded_ >= stop_after_) {
      ::close(listener_);  // from now on: connection refused
      listener_ = -1;
      return;
    }
    ++forwarded_;
    // One request per upstream connection: the upstream closes after its answer.
    request.insert(request.find("\r\n") + 2, "Connection: close\r\n");
    int up = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(upstream_));
    if (::connect(up, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      send_all(up, request);
      char buffer[65536];
      ssize_t n;
      while ((n = ::recv(up, buffer, sizeof buffer, 0)) > 0) send_all(client, std::string(buffer, static_cast<std::size_t>(n)));
    }
    ::close(up);
  }
  int upstream_;
  int fail_first_;
  int stop_after_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> failed_{0};
  std::atomic<int> forwarded_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

}  // namespace cubed::storage::testing
