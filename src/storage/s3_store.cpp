#include "cubed/storage/s3_store.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>

#include "cubed/core/error.hpp"
#include "storage/s3/s3_xml.hpp"

namespace cubed::storage {
namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// SigV4's URI encoding: every byte but the unreserved ones as %XX (and '/'
// kept in object paths). curl signs the path and query exactly as sent, so
// they must already be in this canonical form (query parameters sorted).
std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (unreserved(c) || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// One curl handle per thread, kept between requests (and stores) so that
// its connections stay open and are reused.
CURL* thread_handle() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  struct Handle {
    CURL* curl = nullptr;
    ~Handle() {
      if (curl) curl_easy_cleanup(curl);
    }
  };
  thread_local Handle handle;
  if (!handle.curl) {
    handle.curl = curl_easy_init();
    if (!handle.curl) throw StorageError("cannot initialise libcurl");
  } else {
    curl_easy_reset(handle.curl);  // keeps the connection cache
  }
  return handle.curl;
}

struct HeaderList {
  curl_slist* list = nullptr;
  void add(const std::string& header) {
    curl_slist* next = curl_slist_append(list, header.c_str());
    if (!next) throw StorageError("out of memory building an S3 request");
    list = next;
  }
  ~HeaderList() { curl_slist_free_all(list); }
};

struct Upload {
  std::span<const std::uint8_t> data;
  std::size_t done = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, upload->data.size() - upload->done);
  if (n > 0) std::memcpy(buffer, upload->data.data() + upload->done, n);
  upload->done += n;
  return n;
}

// Errors that a later attempt may not meet: everything but a malformed
// request or a missing feature of the curl build.
bool transient(CURLcode code) {
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_WRITE_ERROR:
      return false;
    default:
      return true;
  }
}

}  // namespace

struct S3Store::Request {
  const char* method;  // GET, PUT, DELETE, HEAD
  std::string key;     // for messages; "" for a listing
  std::string url;
  std::string range;   // "bytes=a-b" or ""
  std::span<const std::uint8_t> upload;
};

struct S3Store::Response {
  CURLcode code = CURLE_OK;
  std::string curl_error;
  long status = 0;
  Bytes body;
  std::int64_t content_length = -1;
  int attempts = 0;
  bool ok() const { return code == CURLE_OK && status >= 200 && status < 300; }
  std::string s3_code() const { return s3::xml_element(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()), "Code"); }
  std::string s3_message() const {
    return s3::xml_element(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()), "Message");
  }
};

namespace {

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* response = static_cast<std::pair<CURL*, Bytes*>*>(user);
  Bytes& body = *response->second;
  if (body.empty()) {
    // Reserve the announced size once: the body grows in place, no doubling.
    curl_off_t length = -1;
    if (curl_easy_getinfo(response->first, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK && length > 0) {
      body.reserve(static_cast<std::size_t>(length));
    }
  }
  body.insert(body.end(), reinterpret_cast<std::uint8_t*>(data), reinterpret_cast<std::uint8_t*>(data) + size * count);
  return size * count;
}

}  // namespace

S3Options S3Options::from_environment() {
  S3Options o;
  o.access_key_id = env("AWS_ACCESS_KEY_ID");
  o.secret_access_key = env("AWS_SECRET_ACCESS_KEY");
  o.session_token = env("AWS_SESSION_TOKEN");
  std::string region = env("AWS_REGION");
  if (region.empty()) region = env("AWS_DEFAULT_REGION");
  if (!region.empty()) o.region = region;
  o.endpoint = env("AWS_ENDPOINT_URL_S3");
  if (o.endpoint.empty()) o.endpoint = env("AWS_ENDPOINT_URL");
  std::string attempts = env("CUBED_S3_MAX_ATTEMPTS");
  if (!attempts.empty()) {
    char* end = nullptr;
    long n = std::strtol(attempts.c_str(), &end, 10);
    if (*end != '\0' || n < 1 || n > 100) {
      throw InvalidArgumentError("CUBED_S3_MAX_ATTEMPTS must be a whole number from 1 to 100, not '" + attempts + "'");
    }
    o.max_attempts = static_cast<int>(n);
  }
  return o;
}

std::pair<std::string, std::string> parse_s3_url(std::string_view url) {
  constexpr std::string_view kScheme = "s3://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    throw InvalidArgumentError("'" + std::string(url) + "' is not an s3:// URL");
  }
  std::string_view rest = url.substr(kScheme.size());
  std::size_t slash = rest.find('/');
  std::string bucket(rest.substr(0, slash));
  if (bucket.empty()) throw InvalidArgumentError("'" + std::string(url) + "' names no bucket (expected s3://bucket/prefix)");
  std::string prefix(slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1));
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  while (!prefix.empty() && prefix.front() == '/') prefix.erase(0, 1);
  return {bucket, prefix};
}

S3Store::S3Store(std::string bucket, S3Options options) : bucket_(std::move(bucket)), options_(std::move(options)) {
  if (bucket_.empty() || bucket_.find('/') != std::string::npos) {
    throw InvalidArgumentError("invalid S3 bucket name '" + bucket_ + "'");
  }
  if (options_.endpoint.empty()) options_.endpoint = "https://s3." + options_.region + ".amazonaws.com";
  while (!options_.endpoint.empty() && options_.endpoint.back() == '/') options_.endpoint.pop_back();
  options_.max_attempts = std::max(1, options_.max_attempts);
  options_.list_page_size = std::clamp(options_.list_page_size, 1, 1000);
  sigv4_ = "aws:amz:" + options_.region + ":s3";
}

std::string S3Store::object_url(std::string_view key) const {
  if (key.empty() || key.front() == '/') {
    throw InvalidArgumentError("invalid S3 object key '" + std::string(key) + "' in " + describe());
  }
  return options_.endpoint + "/" + uri_encode(bucket_, false) + "/" + uri_encode(key, true);
}

S3Store::Response S3Store::perform(const Request& request) const {
  CURL* curl = thread_handle();
  Response response;
  char error[CURL_ERROR_SIZE] = {};
  HeaderList headers;
  Upload upload{request.upload};
  std::pair<CURL*, Bytes*> sink{curl, &response.body};

  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);  // keys are sent as they are, no dot-segment removal
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, options_.stall_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  if (!options_.access_key_id.empty()) {
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4_.c_str());
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.access_key_id.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.secret_access_key.c_str());
    // curl 7.88 does not add this S3 header itself; it signs it with the rest.
    headers.add("x-amz-content-sha256: UNSIGNED-PAYLOAD");
    if (!options_.session_token.empty()) headers.add("x-amz-security-token: " + options_.session_token);
  }
  if (!request.range.empty()) headers.add("Range: " + request.range);
  const std::string_view method = request.method;
  if (method == "PUT") {
    // No waiting for "100 Continue" (it stalls some servers). curl < 8.3
    // signs an emptied "Expect:" header it then does not send (curl issue
    // #11664), which AWS refuses: there the header stays, but the body
    // follows it at once.
    static const bool signs_removed_headers = curl_version_info(CURLVERSION_NOW)->version_num < 0x080300;
    if (signs_removed_headers) {
      curl_easy_setopt(curl, CURLOPT_EXPECT_100_TIMEOUT_MS, 0L);
    } else {
      headers.add("Expect:");
    }
    headers.add("Content-Type: application/octet-stream");
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.upload.size()));
  } else if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (method == "DELETE") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "DELETE");
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);

  response.code = curl_easy_perform(curl);
  if (response.code != CURLE_OK) {
    response.curl_error = error[0] ? std::string(error) : std::string(curl_easy_strerror(response.code));
    return response;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_off_t length = -1;
  if (curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK) response.content_length = length;
  return response;
}

S3Store::Response S3Store::send(const Request& request) const {
  thread_local std::mt19937_64 random{std::random_device{}()};
  for (int attempt = 1;; ++attempt) {
    Response response = perform(request);
    response.attempts = attempt;
    bool retry = response.code != CURLE_OK
                     ? transient(response.code)
                     : response.status >= 500 || response.status == 429 || response.s3_code() == "SlowDown";
    if (!retry || attempt >= options_.max_attempts) return response;
    // Full jitter: a random wait up to base * 2^(attempt-1), capped at 20 s,
    // so that many tasks throttled together do not come back together.
    double cap = std::min(20.0, options_.backoff_seconds * static_cast<double>(1 << std::min(attempt - 1, 16)));
    double wait = std::uniform_real_distribution<double>(cap / 2, cap)(random);
    std::this_thread::sleep_for(std::chrono::duration<double>(wait));
  }
}

namespace {

[[noreturn]] void fail(const char* method, const std::string& where, const std::string& bucket, const auto& r) {
  std::string tries = r.attempts > 1 ? " after " + std::to_string(r.attempts) + " attempts" : std::string();
  if (r.code != CURLE_OK) {
    throw StorageError(std::string("S3 ") + method + " '" + where + "' failed" + tries + ": " + r.curl_error);
  }
  std::string code = r.s3_code();
  std::string message = r.s3_message();
  std::string status = "HTTP " + std::to_string(r.status) + (code.empty() ? "" : " " + code);
  if (code == "NoSuchBucket") {
    throw StorageError("S3 bucket '" + bucket + "' does not exist (" + status + ", " + method + " '" + where + "')");
  }
  std::string hint;
  if (r.status == 403) {
    hint = " (check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and the bucket's permissions)";
  }
  throw StorageError(std::string("S3 ") + method + " '" + where + "' failed" + tries + ": " + status +
                     (message.empty() ? "" : ": " + message) + hint);
}

}  // namespace

std::optional<Bytes> S3Store::get(std::string_view key) const {
  if (key.empty()) return std::nullopt;
  Response r = send(Request{"GET", std::string(key), object_url(key), "", {}});
  if (r.ok()) return std::move(r.body);
  if (r.code == CURLE_OK && r.status == 404 && r.s3_code() != "NoSuchBucket") return std::nullopt;
  fail("GET", describe() + "/" + std::string(key), bucket_, r);
}

std::optional<Bytes> S3Store::get_range(std::string_view key, std::int64_t offset, std::int64_t length) const {
  if (key.empty()) return std::nullopt;
  if (length == 0) return exists(key) ? std::optional<Bytes>(Bytes()) : std::nullopt;
  // From the end: the size first (a HEAD), since some S3-compatible servers
  // (s3rver) mishandle suffix ranges ("bytes=-n").
  if (offset < 0) {
    const auto total = size(key);
    if (!total) return std::nullopt;
    offset = std::max<std::int64_t>(0, *total + offset);
    if (offset >= *total) return Bytes();
  }
  // HTTP ranges: "o-e" (inclusive) or "o-" (to the end).
  std::string range = "bytes=" + std::to_string(offset) + "-";
  if (length > 0) range += std::to_string(offset + length - 1);
  Response r = send(Request{"GET", std::string(key), object_url(key), range, {}});
  if (r.code == CURLE_OK && r.status == 206) return std::move(r.body);
  if (r.code == CURLE_OK && r.status == 200) {
    // The server ignored the range and sent the whole value.
    auto [begin, end] = resolve_range(r.body.size(), offset, length);
    return Bytes(r.body.begin() + static_cast<std::ptrdiff_t>(begin), r.body.begin() + static_cast<std::ptrdiff_t>(end));
  }
  if (r.code == CURLE_OK && r.status == 416) return Bytes();  // the value ends before offset
  if (r.code == CURLE_OK && r.status == 404 && r.s3_code() != "NoSuchBucket") return std::nullopt;
  fail("GET", describe() + "/" + std::string(key), bucket_, r);
}

void S3Store::set(std::string_view key, std::span<const std::uint8_t> value) {
  Response r = send(Request{"PUT", std::string(key), object_url(key), "", value});
  if (!r.ok()) fail("PUT", describe() + "/" + std::string(key), bucket_, r);
}

void S3Store::erase(std::string_view key) {
  if (key.empty()) return;
  Response r = send(Request{"DELETE", std::string(key), object_url(key), "", {}});
  if (r.ok()) return;
  if (r.code == CURLE_OK && r.status == 404 && r.s3_code() != "NoSuchBucket") return;
  fail("DELETE", describe() + "/" + std::string(key), bucket_, r);
}

std::optional<std::int64_t> S3Store::size(std::string_view key) const {
  if (key.empty()) return std::nullopt;
  Response r = send(Request{"HEAD", std::string(key), object_url(key), "", {}});
  if (r.ok()) return std::max<std::int64_t>(r.content_length, 0);
  if (r.code == CURLE_OK && r.status == 404) return std::nullopt;  // a HEAD answer has no body to tell more
  fail("HEAD", describe() + "/" + std::string(key), bucket_, r);
}

bool S3Store::exists(std::string_view key) const { return size(key).has_value(); }

std::vector<std::string> S3Store::list(std::string_view prefix) const {
  std::string folder(prefix);
  if (!folder.empty() && folder.back() != '/') folder += '/';
  std::vector<std::string> keys;
  std::string token;
  while (true) {
    // Parameters in sorted order, values encoded: the canonical query SigV4 signs.
    std::string query;
    if (!token.empty()) query += "continuation-token=" + uri_encode(token, false) + "&";
    query += "list-type=2&max-keys=" + std::to_string(options_.list_page_size);
    if (!folder.empty()) query += "&prefix=" + uri_encode(folder, false);
    Response r = send(Request{"GET", "", options_.endpoint + "/" + uri_encode(bucket_, false) + "?" + query, "", {}});
    if (!r.ok()) fail("LIST", describe() + "/" + folder, bucket_, r);
    std::string_view xml(reinterpret_cast<const char*>(r.body.data()), r.body.size());
    for (std::string& key : s3::xml_elements(xml, "Key")) keys.push_back(std::move(key));
    if (s3::xml_element(xml, "IsTruncated") != "true") break;
    std::string next = s3::xml_element(xml, "NextContinuationToken");
    if (next.empty() || next == token) {
      throw StorageError("S3 LIST '" + describe() + "/" + folder + "': truncated page without a new continuation token");
    }
    token = std::move(next);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace cubed::storage
