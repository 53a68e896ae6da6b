#include "cubed/core/size.hpp"

#include <gtest/gtest.h>

#include "cubed/core/error.hpp"

namespace cubed {
namespace {

TEST(Size, ParsesDecimalAndBinaryUnits) {
  EXPECT_EQ(parse_size("2GB"), 2'000'000'000);
  EXPECT_EQ(parse_size("500MB"), 500'000'000);
  EXPECT_EQ(parse_size("10kB"), 10'000);
  EXPECT_EQ(parse_size("10KB"), 10'000);
  EXPECT_EQ(parse_size("1.5GB"), 1'500'000'000);
  EXPECT_EQ(parse_size("1GiB"), 1'073'741'824);
  EXPECT_EQ(parse_size("123"), 123);
  EXPECT_EQ(parse_size("100 MB"), 100'000'000);
  EXPECT_EQ(parse_size("7B"), 7);
}

TEST(Size, RejectsGarbage) {
  for (const char* bad : {"", "GB", "-1GB", "2XB", "1e3", "1..5MB", "99999999999PB"}) {
    try {
      parse_size(bad);
      ADD_FAILURE() << bad;
    } catch (const InvalidArgumentError& e) {
      EXPECT_NE(std::string(e.what()).find("invalid size"), std::string::npos);
    }
  }
}

TEST(Size, Formats) {
  EXPECT_EQ(format_size(512), "512 B");
  EXPECT_EQ(format_size(1500), "1.5 kB");
  EXPECT_EQ(format_size(2'000'000'000), "2.0 GB");
}

}  // namespace
}  // namespace cubed
