#pragma once
// Runs numpy on the same inputs as a test, in one /usr/bin/python3 process
// per batch of cases (tests/api/numpy_manipulation.py describes the files).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "cubed/core/ndbuffer.hpp"

namespace cubed::testing {

class NumpyOracle {
 public:
  explicit NumpyOracle(std::filesystem::path dir) : dir_(std::move(dir)) { std::filesystem::create_directories(dir_); }

  /// Registers `expr` over inputs bound to a, b, ...; returns its id.
  int add(const std::string& expr, const std::vector<NDBuffer>& inputs) {
    const int id = static_cast<int>(cases_.size());
    nlohmann::json c;
    c["expr"] = expr;
    c["out"] = (dir_ / ("out" + std::to_string(id))).string();
    c["inputs"] = nlohmann::json::array();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const std::string path = (dir_ / ("in" + std::to_string(id) + "_" + std::to_string(i) + ".raw")).string();
      std::ofstream f(path, std::ios::binary);
      f.write(reinterpret_cast<const char*>(inputs[i].data()), static_cast<std::streamsize>(inputs[i].nbytes()));
      c["inputs"].push_back({{"path", path}, {"dtype", std::string(dtype_name(inputs[i].dtype()))},
                             {"shape", inputs[i].shape()}});
    }
    cases_.push_back(c);
    return id;
  }

  /// Runs numpy on every registered case. Throws std::runtime_error when
  /// python fails as a whole.
  void run() {
    const auto manifest = dir_ / "manifest.json";
    std::ofstream(manifest) << nlohmann::json(cases_).dump();
    const std::string command = "/usr/bin/python3 " + std::string(CUBED_SOURCE_DIR) +
                                "/tests/api/numpy_manipulation.py " + manifest.string();
    if (std::system(command.c_str()) != 0) throw std::runtime_error("numpy oracle failed: " + command);
  }

  /// numpy's error message for case `id`, or "" when it succeeded.
  std::string error(int id) const {
    nlohmann::json d = description(id);
    return d.contains("error") ? d["error"].get<std::string>() : std::string();
  }

  /// The result arrays of case `id` (one unless the expression gave a list).
  std::vector<NDBuffer> results(int id) const {
    nlohmann::json d = description(id);
    if (d.contains("error")) throw std::runtime_error("numpy raised: " + d["error"].get<std::string>());
    std::vector<NDBuffer> out;
    for (std::size_t i = 0; i < d["items"].size(); ++i) {
      const auto& item = d["items"][i];
      NDBuffer b(dtype_from_name(item["dtype"].get<std::string>()), item["shape"].get<Shape>());
      std::ifstream f(cases_[id]["out"].get<std::string>() + "." + std::to_string(i), std::ios::binary);
      f.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(b.nbytes()));
      if (f.gcount() != static_cast<std::streamsize>(b.nbytes())) throw std::runtime_error("short numpy result");
      out.push_back(std::move(b));
    }
    return out;
  }

 private:
  nlohmann::json description(int id) const {
    std::ifstream f(cases_.at(id)["out"].get<std::string>() + ".json");
    return nlohmann::json::parse(f);
  }

  std::filesystem::path dir_;
  std::vector<nlohmann::json> cases_;
};

/// Deterministic test data: distinct, dtype-typical values.
inline NDBuffer test_data(DType dt, const Shape& shape, int seed = 0) {
  NDBuffer b(dt, shape);
  for (std::int64_t i = 0; i < b.size(); ++i) {
    const std::int64_t v = (i * 7 + seed * 13) % 23 - 11 + i;
    switch (dt) {
      case DType::kBool: b.set(i, Scalar((i + seed) % 3 == 0)); break;
      case DType::kFloat32:
      case DType::kFloat64: b.set(i, Scalar(0.5 * static_cast<double>(v))); break;
      case DType::kComplex64:
      case DType::kComplex128:
        b.set(i, Scalar(std::complex<double>(static_cast<double>(v), 0.25 * static_cast<double>(i))));
        break;
      default:
        if (is_unsigned_integer(dt)) {
          b.set(i, Scalar(static_cast<std::int64_t>((i * 5 + seed) % 200)));
        } else {
          b.set(i, Scalar(v % 100));
        }
    }
  }
  return b;
}

}  // namespace cubed::testing
