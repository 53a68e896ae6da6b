// S3Store against a real S3-compatible server (s3rver on 127.0.0.1) and a
// fault-injecting proxy. Skipped with a message when Node.js is missing,
// except where CUBED_REQUIRE_S3=1 (the CI test script) makes that a failure.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cubed/api/creation.hpp"
#include "cubed/api/elementwise.hpp"
#include "cubed/core/error.hpp"
#include "cubed/primitives/projected_memory.hpp"
#include "cubed/storage/s3_store.hpp"
#include "storage/s3/s3_xml.hpp"
#include "storage/s3_test_server.hpp"

namespace cubed::storage {
namespace {

namespace fs = std::filesystem;
using testing::FaultProxy;
using testing::S3Server;

std::string text(const std::optional<Bytes>& b) { return b ? std::string(b->begin(), b->end()) : "<missing>"; }

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    server = S3Server::instance(&why);
    if (!server) {
      if (S3Server::required()) FAIL() << why << " but CUBED_REQUIRE_S3=1";
      GTEST_SKIP() << "S3 tests need Node.js (node, npm) to run s3rver: " << why;
    }
    // A bucket of its own per test: list("") sees only this test's keys.
    static int counter = 0;
    bucket = "t" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    ASSERT_TRUE(server->create_bucket(bucket));
  }
  S3Options options() const {
    S3Options o = S3Options::from_environment();
    o.backoff_seconds = 0.01;
    return o;
  }
  std::shared_ptr<S3Store> store(S3Options o) const { return std::make_shared<S3Store>(bucket, o); }
  std::shared_ptr<S3Store> store() const { return store(options()); }

  S3Server* server = nullptr;
  std::string bucket;
};

// ---- the Store contract (as tests/storage/store_test.cpp for the others) ----

TEST_F(S3StoreTest, GetSetEraseExists) {
  auto s = store();
  EXPECT_FALSE(s->get("a/b").has_value());
  EXPECT_FALSE(s->exists("a/b"));
  EXPECT_EQ(s->size("a/b"), std::nullopt);
  s->set("a/b", std::string_view("hello"));
  EXPECT_EQ(text(s->get("a/b")), "hello");
  EXPECT_TRUE(s->exists("a/b"));
  EXPECT_EQ(s->size("a/b"), 5);
  s->set("a/b", std::string_view("replaced value"));
  EXPECT_EQ(text(s->get("a/b")), "replaced value");
  s->set("empty", std::string_view(""));
  ASSERT_TRUE(s->get("empty").has_value());
  EXPECT_EQ(s->get("empty")->size(), 0u);
  EXPECT_EQ(s->size("empty"), 0);
  s->erase("a/b");
  EXPECT_FALSE(s->exists("a/b"));
  EXPECT_NO_THROW(s->erase("never/was"));
  EXPECT_TRUE(s->is_remote());
  EXPECT_EQ(s->extra_copies_on_io(), 2);
  EXPECT_EQ(s->describe(), "s3://" + bucket);
}

TEST_F(S3StoreTest, BinaryValuesAndOddKeysRoundTrip) {
  auto s = store();
  std::vector<std::uint8_t> bytes(3 << 20);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>((i * 7919) >> 3);
  s->set("x.zarr/0.0", bytes);
  auto back = s->get("x.zarr/0.0");
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(std::equal(back->begin(), back->end(), bytes.begin(), bytes.end()));
  for (std::string key : {"odd/a&b<c>\"d'", "odd/with space+plus", "odd/percent%20", "odd/ünï", "odd/x=1?y#z"}) {
    s->set(key, std::string_view(key));
    EXPECT_EQ(text(s->get(key)), key) << key;
  }
  EXPECT_EQ(s->list("odd").size(), 5u);
  for (const std::string& key : s->list("odd")) EXPECT_EQ(text(s->get(key)), key) << "listed key " << key;
}

TEST_F(S3StoreTest, ListIsSortedScopedAndPaged) {
  S3Options o = options();
  o.list_page_size = 3;  // s3rver honours max-keys: 5 pages for 13 keys
  auto s = store(o);
  std::vector<std::string> expected;
  for (int i = 12; i >= 0; --i) {
    std::string key = "x/" + std::to_string(100 + i) + (i % 4 == 0 ? "/a&amp;b" : "");
    s->set(key, std::string_view("v"));
    expected.push_back(key);
  }
  for (const char* key : {"xy/4", "y/5"}) s->set(key, std::string_view("v"));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(s->list("x"), expected);
  EXPECT_EQ(s->list("x/"), expected);
  EXPECT_EQ(s->list("").size(), 15u);
  EXPECT_TRUE(s->list("nothing").empty());
  s->erase_prefix("x");
  EXPECT_EQ(s->list(""), (std::vector<std::string>{"xy/4", "y/5"}));
}

// Real S3 makes each PUT visible whole or not at all, so the Store contract's
// "never torn" holds there; s3rver writes its files in place, so concurrent
// writers of one key can tear there and that case cannot be tested here.
// Many requests in flight from several threads (one connection each) can.
TEST_F(S3StoreTest, ConcurrentRequestsFromManyThreads) {
  auto s = store();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&s, t] {
      for (int i = 0; i < 10; ++i) {
        std::string key = "c/" + std::to_string(t) + "/" + std::to_string(i);
        std::string value(1000 * (i + 1), static_cast<char>('a' + t));
        s->set(key, std::string_view(value));
        EXPECT_EQ(text(s->get(key)), value);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(s->list("c").size(), 40u);
}

TEST_F(S3StoreTest, RangedReads) {
  auto s = store();
  s->set("r", std::string_view("0123456789"));
  EXPECT_EQ(text(s->get_range("r", 0, 4)), "0123");
  EXPECT_EQ(text(s->get_range("r", 3, 2)), "34");
  EXPECT_EQ(text(s->get_range("r", 8, 100)), "89");  // clipped at the end
  EXPECT_EQ(text(s->get_range("r", 10, 5)), "");     // past the end: empty
  EXPECT_EQ(text(s->get_range("r", 2, 0)), "");
  EXPECT_EQ(s->get_range("missing", 0, 4), std::nullopt);
  EXPECT_EQ(s->get_range("missing", 0, 0), std::nullopt);
  EXPECT_EQ(text(s->get_range("r", -3, 3)), "789");  // the last 3 bytes
  EXPECT_EQ(text(s->get_range("r", -3, 2)), "78");
  EXPECT_EQ(text(s->get_range("r", 6, -1)), "6789");  // to the end
}

TEST(StoreGetRange, DefaultSlicesTheWholeValue) {
  auto s = open_store_path("memory://range-default").store;
  s->set("range-default/v", std::string_view("abcdef"));
  EXPECT_EQ(text(s->get_range("range-default/v", 1, 3)), "bcd");
  EXPECT_EQ(text(s->get_range("range-default/v", 4, 10)), "ef");
  EXPECT_EQ(text(s->get_range("range-default/v", 9, 1)), "");
  EXPECT_EQ(s->get_range("range-default/none", 0, 1), std::nullopt);
  EXPECT_EQ(text(s->get_range("range-default/v", -2, 2)), "ef");  // from the end
  EXPECT_EQ(text(s->get_range("range-default/v", 2, -1)), "cdef");
  EXPECT_FALSE(s->is_remote());
  EXPECT_EQ(s->extra_copies_on_io(), 0);
}

// ---- errors ----

TEST_F(S3StoreTest, WrongCredentialsAreRefusedWithoutPrintingThem) {
  // s3rver checks the access key id (not the V4 signature itself): an
  // unknown key is refused with 403 InvalidAccessKeyId.
  S3Options o = options();
  o.access_key_id = "NOT-A-KEY-ID";
  o.secret_access_key = "very-secret-value";
  auto s = store(o);
  try {
    s->set("k", std::string_view("v"));
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("HTTP 403"), std::string::npos) << m;
    EXPECT_NE(m.find("s3://" + bucket + "/k"), std::string::npos) << m;
    EXPECT_NE(m.find("AWS_ACCESS_KEY_ID"), std::string::npos) << m;
    EXPECT_EQ(m.find("very-secret-value"), std::string::npos) << m;
  }
  EXPECT_THROW(s->get("k"), StorageError);
  EXPECT_THROW(s->list(""), StorageError);
  EXPECT_FALSE(store()->exists("k"));  // nothing was written
}

// s3rver does not check V4 signatures: an independent implementation of the
// AWS algorithm (tests/storage/sigv4_check.py) checks the requests we send,
// with keys and continuation tokens that need encoding.
TEST_F(S3StoreTest, RequestsCarryValidSignatures) {
  FaultProxy proxy(server->port(), 0);
  S3Options o = options();
  o.endpoint = proxy.endpoint();
  o.list_page_size = 1;
  auto s = store(o);
  for (std::string key : {"sig/a&b=c+d", "sig/with space/percent%20", "sig/ünï~*'()"}) s->set(key, std::string_view("v"));
  EXPECT_EQ(s->list("sig").size(), 3u);  // 3 pages: continuation tokens with '/', '+', '='
  EXPECT_EQ(text(s->get_range("sig/a&b=c+d", 0, 1)), "v");
  EXPECT_TRUE(s->exists("sig/with space/percent%20"));
  s->erase("sig/a&b=c+d");
  std::vector<std::string> requests = proxy.requests();
  ASSERT_EQ(requests.size(), 9u);
  fs::path folder = fs::temp_directory_path() / ("cubed-sigv4-" + bucket);
  fs::create_directories(folder);
  std::string files;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    fs::path file = folder / std::to_string(i);
    std::ofstream(file, std::ios::binary) << requests[i];
    files += " '" + file.string() + "'";
  }
  auto check = [&](const std::string& secret) {
    std::string command = std::string("/usr/bin/python3 '") + CUBED_SOURCE_DIR + "/tests/storage/sigv4_check.py' " + secret + files;
    FILE* pipe = ::popen(command.c_str(), "r");
    std::string out;
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    ::pclose(pipe);
    return out;
  };
  std::string all_ok;
  for (std::size_t i = 0; i < requests.size(); ++i) all_ok += "ok\n";
  EXPECT_EQ(check("S3RVER"), all_ok);
  EXPECT_EQ(check("wrong-secret").find("ok"), std::string::npos);  // the check can fail
  fs::remove_all(folder);
}

TEST_F(S3StoreTest, MissingBucketIsAnErrorNamingIt) {
  auto s = std::make_shared<S3Store>("no-such-bucket-here", options());
  try {
    s->get("a/.zarray");
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("'no-such-bucket-here' does not exist"), std::string::npos) << m;
    EXPECT_NE(m.find("HTTP 404 NoSuchBucket"), std::string::npos) << m;
    EXPECT_NE(m.find("a/.zarray"), std::string::npos) << m;
  }
  EXPECT_THROW(s->set("k", std::string_view("v")), StorageError);
  EXPECT_THROW(s->list(""), StorageError);
}

TEST_F(S3StoreTest, ThrottlingIsRetriedWithBackoff) {
  FaultProxy proxy(server->port(), 3);
  S3Options o = options();
  o.endpoint = proxy.endpoint();
  auto s = store(o);
  auto start = std::chrono::steady_clock::now();
  s->set("k", std::string_view("after retries"));  // 3 x 503 SlowDown, then through
  EXPECT_EQ(proxy.failures_served(), 3);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(30));  // 10+20+40 ms, jittered down to half
  EXPECT_EQ(text(store()->get("k")), "after retries");
  EXPECT_EQ(text(s->get("k")), "after retries");
}

TEST_F(S3StoreTest, ThrottlingBeyondTheAttemptsIsAClearError) {
  FaultProxy proxy(server->port(), 100);
  S3Options o = options();
  o.endpoint = proxy.endpoint();
  o.max_attempts = 2;
  auto s = store(o);
  try {
    s->get("k");
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("after 2 attempts: HTTP 503 SlowDown"), std::string::npos) << m;
    EXPECT_NE(m.find("s3://" + bucket + "/k"), std::string::npos) << m;
  }
  EXPECT_EQ(proxy.failures_served(), 2);
}

TEST_F(S3StoreTest, StoppedServerIsAClearErrorAfterRetries) {
  int port;
  {
    FaultProxy gone(server->port(), 0, 0);  // a free port, closed again
    port = gone.port();
  }
  S3Options o = options();
  o.endpoint = "http://127.0.0.1:" + std::to_string(port);
  o.max_attempts = 3;
  auto s = store(o);
  try {
    s->set("k", std::string_view("v"));
    FAIL() << "expected StorageError";
  } catch (const StorageError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("S3 PUT 's3://" + bucket + "/k' failed after 3 attempts"), std::string::npos) << m;
  }
}

TEST(S3Environment, OptionsAndUrls) {
  EXPECT_EQ(parse_s3_url("s3://b/some/prefix/"), (std::pair<std::string, std::string>{"b", "some/prefix"}));
  EXPECT_EQ(parse_s3_url("s3://b"), (std::pair<std::string, std::string>{"b", ""}));
  EXPECT_THROW(parse_s3_url("s3:///x"), InvalidArgumentError);
  ::setenv("CUBED_S3_MAX_ATTEMPTS", "zero", 1);
  EXPECT_THROW(S3Options::from_environment(), InvalidArgumentError);
  ::setenv("CUBED_S3_MAX_ATTEMPTS", "7", 1);
  EXPECT_EQ(S3Options::from_environment().max_attempts, 7);
  ::unsetenv("CUBED_S3_MAX_ATTEMPTS");
  StorePath p = open_store_path("s3://bucket/a/b.zarr/");
  EXPECT_EQ(p.path, "a/b.zarr");
  EXPECT_EQ(p.describe(), "s3://bucket/a/b.zarr");
  EXPECT_TRUE(p.store->is_remote());
}

TEST(S3Xml, UnescapesEntitiesAndFindsElements) {
  EXPECT_EQ(s3::xml_unescape("a&amp;b&lt;c&gt;&quot;&apos;&#38;&#x26;&#xE9;"), "a&b<c>\"'&&\xC3\xA9");
  EXPECT_EQ(s3::xml_unescape("lone & and &unknown; stay"), "lone & and &unknown; stay");
  const char* xml = "<R><IsTruncated>true</IsTruncated><Contents><Key>a&amp;1</Key></Contents>"
                    "<Contents><Key>b</Key></Contents><Contents><Key/></Contents><NextContinuationToken>t&lt;</NextContinuationToken></R>";
  EXPECT_EQ(s3::xml_elements(xml, "Key"), (std::vector<std::string>{"a&1", "b", ""}));
  EXPECT_EQ(s3::xml_element(xml, "NextContinuationToken"), "t<");
  EXPECT_EQ(s3::xml_element(xml, "Missing"), "");
}

// ---- the memory model ----

TEST(S3MemoryModel, ObjectStorageCountsTwoMoreCopiesOfEachChunk) {
  auto memory_with = [](const std::string& work_dir, storage::CodecPtr codec) {
    SpecOptions options;
    options.work_dir = work_dir;
    options.intermediate_compressor = codec;
    auto spec = std::make_shared<const Spec>(options);
    NDBuffer data(DType::kFloat64, Shape{100, 100});
    Array y = add(from_array(data, Shape{50, 50}, spec), 1.0);
    return std::pair{write_memory(*y.node()), y.node()->op->read_memory(*y.node())};
  };
  const std::int64_t chunk = 50 * 50 * 8;
  auto [local_write, local_read] = memory_with("/tmp/cubed-work", nullptr);
  auto [s3_write, s3_read] = memory_with("s3://bucket/tmp", nullptr);
  EXPECT_EQ(s3_write - local_write, 2 * chunk);
  EXPECT_EQ(s3_read - local_read, 2 * chunk);
  auto zstd = SpecOptions().intermediate_compressor;  // the default codec
  ASSERT_TRUE(zstd);
  auto [local_zwrite, local_zread] = memory_with("/tmp/cubed-work", zstd);
  auto [s3_zwrite, s3_zread] = memory_with("s3://bucket/tmp", zstd);
  EXPECT_EQ(s3_zwrite - local_zwrite, 2 * zstd->max_encoded_size(chunk));
  EXPECT_EQ(s3_zread - local_zread, 2 * zstd->max_encoded_size(chunk));
  EXPECT_EQ(memory_with("memory://w", nullptr).first, local_write);
}

// ---- the command-line program on object storage ----

struct CliRun {
  int status = -1;
  std::string out;
};

CliRun run(const std::string& command) {
  CliRun r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) r.out.append(buffer, n);
  int raw = ::pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

std::string cli() { return std::string("timeout -k 5 120 '") + CUBED_CLI_PATH + "'"; }

class S3CliTest : public S3StoreTest {
 protected:
  void SetUp() override {
    S3StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    dir = fs::temp_directory_path() / ("cubed-s3-cli-" + std::to_string(::getpid()) + "-" + bucket);
    fs::create_directories(dir);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
  // A 60 x 50 float64 array written by zarr-python, a[i, j] = i * 0.5 - j.
  void make_input(const fs::path& where) {
    std::string py = "import zarr, numpy as np\n"
                     "a = np.fromfunction(lambda i, j: i * 0.5 - j, (60, 50))\n"
                     "z = zarr.open('" + where.string() + "', mode='w', shape=a.shape, chunks=(16, 16), dtype='f8')\n"
                     "z[:] = a\n";
    std::ofstream(dir / "make.py") << py;
    ASSERT_EQ(run("/usr/bin/python3 '" + (dir / "make.py").string() + "'").status, 0);
  }
  fs::path dir;
};

TEST_F(S3CliTest, EvalWithInputOutputAndWorkDirOnObjectStorage) {
  const std::string s3 = "s3://" + bucket;
  make_input(dir / "in.zarr");
  CliRun r = run(cli() + " copy '" + (dir / "in.zarr").string() + "' " + s3 + "/data/in.zarr");
  ASSERT_EQ(r.status, 0) << r.out;
  // A rechunk needs an intermediate array in work_dir, on the server too.
  r = run(cli() + " eval 'rechunk(a * 2 + 1, (60, 10))' a=" + s3 + "/data/in.zarr -o " + s3 +
          "/data/out.zarr --work-dir " + s3 + "/tmp --allowed-mem 200MB --stats --executor threads:3");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.find("intermediate arrays  0"), std::string::npos) << r.out;
  r = run(cli() + " info " + s3 + "/data/out.zarr");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("(60, 50)"), std::string::npos) << r.out;
  EXPECT_TRUE(store()->list("tmp").empty()) << "intermediates left in the work dir";
  r = run(cli() + " copy " + s3 + "/data/out.zarr '" + (dir / "out.zarr").string() + "'");
  ASSERT_EQ(r.status, 0) << r.out;
  std::string py = "import zarr, numpy as np, sys\n"
                   "a = np.fromfunction(lambda i, j: i * 0.5 - j, (60, 50))\n"
                   "z = zarr.open('" + (dir / "out.zarr").string() + "', mode='r')\n"
                   "assert z.shape == (60, 50) and z.chunks == (60, 10), (z.shape, z.chunks)\n"
                   "np.testing.assert_array_equal(z[:], a * 2 + 1)\n"
                   "print('checked', z.shape)\n";
  std::ofstream(dir / "check.py") << py;
  r = run("/usr/bin/python3 '" + (dir / "check.py").string() + "'");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("checked (60, 50)"), std::string::npos) << r.out;
}

TEST_F(S3CliTest, ServerStoppedMidRunLeavesNoOutputLookingComplete) {
  const std::string s3 = "s3://" + bucket;
  make_input(dir / "in.zarr");
  ASSERT_EQ(run(cli() + " copy '" + (dir / "in.zarr").string() + "' " + s3 + "/in.zarr").status, 0);
  // The proxy dies after 15 requests: a few chunks of 16 are written.
  FaultProxy proxy(server->port(), 0, 15);

  std::string env = "AWS_ENDPOINT_URL=" + proxy.endpoint() + " CUBED_S3_MAX_ATTEMPTS=2 ";
  CliRun r = run(env + cli() + " eval 'a + 1' a=" + s3 + "/in.zarr -o " + s3 + "/out.zarr --work-dir " + s3 + "/tmp");
  EXPECT_NE(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("failed after 2 attempts"), std::string::npos) << r.out;
  EXPECT_GE(proxy.forwarded(), 15);
  auto s = store();
  EXPECT_FALSE(s->exists("out.zarr/.zarray")) << "metadata of a half-written array";
  r = run(cli() + " info " + s3 + "/out.zarr");
  EXPECT_NE(r.status, 0) << r.out;
}

TEST_F(S3CliTest, UnusableWorkDirFailsBeforeAnyTask) {
  const std::string s3 = "s3://" + bucket;
  make_input(dir / "in.zarr");
  const std::string eval = cli() + " eval 'a + 1' a='" + (dir / "in.zarr").string() + "' -o '" + (dir / "out.zarr").string() + "'";
  CliRun r = run(eval + " --work-dir s3://no-such-bucket-here/tmp");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.out.find("cannot use work dir 's3://no-such-bucket-here/tmp': S3 bucket 'no-such-bucket-here' does not exist"),
            std::string::npos) << r.out;
  r = run("AWS_ACCESS_KEY_ID=WRONG AWS_SECRET_ACCESS_KEY=hush-hush " + eval + " --work-dir " + s3 + "/tmp");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.out.find("cannot use work dir '" + s3 + "/tmp': S3 PUT"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("HTTP 403 InvalidAccessKeyId"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("hush-hush"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "out.zarr" / "0.0")) << "a task ran";
  // The same with a usable work dir on the server runs, and leaves it clean.
  r = run(eval + " --work-dir " + s3 + "/tmp");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(store()->list("").empty());
}

}  // namespace
}  // namespace cubed::storage
