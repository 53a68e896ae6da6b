// One conformance suite run against every Store implementation.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "cubed/core/error.hpp"
#include "cubed/storage/local_store.hpp"
#include "cubed/storage/memory_store.hpp"

namespace cubed::storage {
namespace {

namespace fs = std::filesystem;

std::string text(const std::optional<Bytes>& b) { return b ? std::string(b->begin(), b->end()) : "<missing>"; }

fs::path unique_dir(const std::string& name) {
  static int counter = 0;
  return fs::temp_directory_path() / ("cubed-test-" + name + "-" + std::to_string(::getpid()) + "-" +
                                      std::to_string(counter++));
}

template <class S>
struct StoreFactory;
template <>
struct StoreFactory<MemoryStore> {
  std::shared_ptr<Store> make() { return std::make_shared<MemoryStore>(); }
};
template <>
struct StoreFactory<LocalStore> {
  fs::path root = unique_dir("store");
  std::shared_ptr<Store> make() { return std::make_shared<LocalStore>(root); }
  ~StoreFactory() { fs::remove_all(root); }
};

template <class S>
class StoreConformance : public ::testing::Test {
 protected:
  StoreFactory<S> factory;
  std::shared_ptr<Store> store = factory.make();
};

using StoreTypes = ::testing::Types<MemoryStore, LocalStore>;
TYPED_TEST_SUITE(StoreConformance, StoreTypes);

TYPED_TEST(StoreConformance, GetSetEraseExists) {
  Store& s = *this->store;
  EXPECT_FALSE(s.get("a/b").has_value());
  EXPECT_FALSE(s.exists("a/b"));
  s.set("a/b", std::string_view("hello"));
  EXPECT_EQ(text(s.get("a/b")), "hello");
  EXPECT_TRUE(s.exists("a/b"));
  EXPECT_EQ(s.size("a/b"), 5);
  s.set("a/b", std::string_view("replaced value"));
  EXPECT_EQ(text(s.get("a/b")), "replaced value");
  s.set("empty", std::string_view(""));
  EXPECT_TRUE(s.get("empty").has_value());
  EXPECT_EQ(s.get("empty")->size(), 0u);
  s.erase("a/b");
  EXPECT_FALSE(s.exists("a/b"));
  EXPECT_NO_THROW(s.erase("never/was"));
}

TYPED_TEST(StoreConformance, ListIsSortedAndScoped) {
  Store& s = *this->store;
  for (const char* key : {"x/2", "x/1", "x/sub/3", "xy/4", "y/5"}) s.set(key, std::string_view("v"));
  EXPECT_EQ(s.list("x"), (std::vector<std::string>{"x/1", "x/2", "x/sub/3"}));
  EXPECT_EQ(s.list("x/"), (std::vector<std::string>{"x/1", "x/2", "x/sub/3"}));
  EXPECT_EQ(s.list("").size(), 5u);
  EXPECT_TRUE(s.list("nothing").empty());
  s.erase_prefix("x");
  EXPECT_EQ(s.list(""), (std::vector<std::string>{"xy/4", "y/5"}));
}

TYPED_TEST(StoreConformance, ConcurrentWritersNeverTear) {
  Store& s = *this->store;
  const std::string a(100000, 'a');
  const std::string b(200000, 'b');
  std::thread w1([&] {
    for (int i = 0; i < 50; ++i) s.set("k", std::string_view(a));
  });
  std::thread w2([&] {
    for (int i = 0; i < 50; ++i) s.set("k", std::string_view(b));
  });
  for (int i = 0; i < 100; ++i) {
    std::string v = text(s.get("k"));
    EXPECT_TRUE(v == "<missing>" || v == a || v == b) << "torn value of size " << v.size();
  }
  w1.join();
  w2.join();
  EXPECT_EQ(s.list("").size(), 1u);  // no temporary files left behind
}

TEST(LocalStore, RefusesKeysThatEscapeTheRoot) {
  LocalStore s(unique_dir("escape"));
  EXPECT_THROW(s.get("../etc/passwd"), InvalidArgumentError);
  EXPECT_THROW(s.set("a/../../b", std::string_view("x")), InvalidArgumentError);
  EXPECT_THROW(s.get("/etc/passwd"), InvalidArgumentError);
}

TEST(LocalStore, IgnoresLeftoverTemporaryFiles) {
  fs::path root = unique_dir("leftover");
  fs::create_directories(root / "a");
  std::ofstream(root / "a" / ".0.0.tmp.123.4.5") << "partial";
  LocalStore s(root);
  s.set("a/0.1", std::string_view("whole"));
  EXPECT_EQ(s.list("a"), (std::vector<std::string>{"a/0.1"}));
  fs::remove_all(root);
}

TEST(LocalStore, UnwritableRootIsStorageError) {
  if (::geteuid() == 0) {
    // root bypasses permissions; use a path under a regular file instead.
    fs::path file = unique_dir("file");
    std::ofstream(file) << "x";
    LocalStore s(file / "sub");
    try {
      s.set("k", std::string_view("v"));
      FAIL() << "expected StorageError";
    } catch (const StorageError& e) {
      EXPECT_NE(std::string(e.what()).find("cannot"), std::string::npos);
    }
    fs::remove(file);
  }
}

TEST(OpenStorePath, MemoryAndLocal) {
  StorePath m = open_store_path("memory://abc/def/");
  EXPECT_EQ(m.path, "abc/def");
  EXPECT_EQ(m.key(".zarray"), "abc/def/.zarray");
  StorePath l = open_store_path("/tmp/somewhere.zarr");
  EXPECT_EQ(l.path, "");
  EXPECT_EQ(l.describe(), "/tmp/somewhere.zarr");
  EXPECT_THROW(open_store_path("ftp://x/y"), InvalidArgumentError);
  EXPECT_THROW(open_store_path(""), InvalidArgumentError);
}

}  // namespace
}  // namespace cubed::storage
