#pragma once
/// A store in an S3 bucket (AWS or any S3-compatible server), on libcurl
/// with its built-in AWS Signature V4 signing. Key "a/b" is the object
/// "a/b" of the bucket, addressed path-style: ENDPOINT/BUCKET/a/b.
///
/// Protocol and guarantees:
/// - `set` is one PutObject: S3 makes a whole object visible at once or not
///   at all, so a reader never sees a torn value, even if the writer dies
///   mid-upload (the Store contract's atomicity comes from S3 itself).
/// - `get`/`get_range`/`size` are GetObject (with a Range header)/HeadObject;
///   a missing key (404 NoSuchKey) is nullopt, a missing bucket an error.
/// - `list` is ListObjectsV2, following continuation tokens page by page.
/// - Transient failures (connection errors, timeouts, HTTP 5xx, 429 and
///   SlowDown) are retried up to `max_attempts` times in all, waiting
///   base * 2^attempt with full jitter between attempts; other failures
///   throw StorageError naming the bucket, key, HTTP status and S3 error
///   code. Credentials never appear in messages.
/// - Each thread reuses one curl handle (and its open connections) for all
///   S3 stores, so a thread executor runs as many requests at once as it
///   has threads.
/// A PUT never waits for "100 Continue" (see perform()).
/// Payloads are sent as UNSIGNED-PAYLOAD (the headers are signed, the body
/// is not hashed): no extra pass over each chunk.
#include <string>
#include <utility>

#include "cubed/storage/store.hpp"

namespace cubed::storage {

struct S3Options {
  std::string endpoint;  ///< "http://127.0.0.1:9000"; default https://s3.REGION.amazonaws.com
  std::string region = "us-east-1";
  std::string access_key_id;  ///< empty: anonymous (unsigned) requests
  std::string secret_access_key;
  std::string session_token;
  int max_attempts = 5;              ///< attempts per request, including the first
  double backoff_seconds = 0.05;     ///< base of the exponential backoff
  int list_page_size = 1000;         ///< max-keys of each ListObjectsV2 page
  long connect_timeout_seconds = 10;
  long stall_timeout_seconds = 30;   ///< abort a transfer that moves no byte for this long

  /// From AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
  /// AWS_REGION (else AWS_DEFAULT_REGION), AWS_ENDPOINT_URL_S3 (else
  /// AWS_ENDPOINT_URL) and CUBED_S3_MAX_ATTEMPTS.
  static S3Options from_environment();
};

/// Splits "s3://bucket/some/prefix/" into {"bucket", "some/prefix"}.
std::pair<std::string, std::string> parse_s3_url(std::string_view url);

class S3Store final : public Store {
 public:
  S3Store(std::string bucket, S3Options options);

  std::optional<Bytes> get(std::string_view key) const override;
  std::optional<Bytes> get_range(std::string_view key, std::int64_t offset, std::int64_t length) const override;
  void set(std::string_view key, std::span<const std::uint8_t> value) override;
  using Store::set;
  void erase(std::string_view key) override;
  bool exists(std::string_view key) const override;
  std::optional<std::int64_t> size(std::string_view key) const override;
  std::vector<std::string> list(std::string_view prefix) const override;
  std::string describe() const override { return "s3://" + bucket_; }
  bool is_remote() const override { return true; }
  /// As Cubed counts for object stores: room for the HTTP client's copy of
  /// a chunk besides the encoded bytes.
  int extra_copies_on_io() const override { return 2; }

  const std::string& bucket() const { return bucket_; }
  const S3Options& options() const { return options_; }

 private:
  struct Request;
  struct Response;
  Response perform(const Request& request) const;
  Response send(const Request& request) const;  // with retries
  std::string object_url(std::string_view key) const;

  std::string bucket_;
  S3Options options_;
  std::string sigv4_;  // "aws:amz:REGION:s3"
};

}  // namespace cubed::storage
