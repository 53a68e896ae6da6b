// Plan drawings: DOT content, Graphviz rendering and errors.
#include "cubed/plan/visualize.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "cubed/api/creation.hpp"
#include "cubed/api/elementwise.hpp"
#include "cubed/core/error.hpp"

namespace cubed {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class VisualizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cubed-visualize-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(VisualizeTest, DotNamesOperationsArraysAndFusion) {
  const auto spec = Spec::make(dir_.string(), "10MB", "0");
  const Array x = ones({100, 80}, DType::kFloat32, std::int64_t{25}, spec);
  const Array y = sqrt(x + 2.0f);
  visualize({y}, (dir_ / "p.dot").string());
  const std::string dot = read_file(dir_ / "p.dot");
  for (const char* text : {"digraph plan {", "op 0: sqrt", "fused: add", "tasks 16, chunk (25, 25)", "virtual",
                           "style=dashed", "output", "shape (100, 80)", "float32, 32.0 kB", "\\n"}) {
    EXPECT_NE(dot.find(text), std::string::npos) << text << " in\n" << dot;
  }
  EXPECT_EQ(dot.find("OVER"), std::string::npos);
  // Unfused, the add has its own box and intermediate array.
  visualize({y}, (dir_ / "u.gv").string(), PlanOptions{.optimize = false});
  const std::string unfused = read_file(dir_ / "u.gv");
  EXPECT_NE(unfused.find("op 0: add"), std::string::npos) << unfused;
  EXPECT_NE(unfused.find("intermediate"), std::string::npos) << unfused;
}

TEST_F(VisualizeTest, RendersPngAndSvgThroughGraphviz) {
  const Array y = -ones({10}, DType::kInt8, std::int64_t{5}, Spec::make(dir_.string()));
  visualize({y}, (dir_ / "p.png").string());
  EXPECT_EQ(read_file(dir_ / "p.png").substr(1, 3), "PNG");
  visualize({y}, (dir_ / "p.svg").string());
  EXPECT_NE(read_file(dir_ / "p.svg").find("<svg"), std::string::npos);
  // No temporary files left beside them.
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 2);
}

TEST_F(VisualizeTest, BadPathsAreClearErrors) {
  const Array y = -ones({10}, DType::kInt8, std::int64_t{5}, Spec::make(dir_.string()));
  try {
    visualize({y}, (dir_ / "p.pdf").string());
    FAIL() << "expected an error";
  } catch (const InvalidArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("must end in .dot, .gv, .svg or .png"), std::string::npos) << e.what();
  }
  try {
    visualize({y}, (dir_ / "missing" / "p.svg").string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing/p.svg"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cubed
