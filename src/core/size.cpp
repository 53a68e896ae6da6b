#include "cubed/core/size.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "cubed/core/error.hpp"

namespace cubed {

std::int64_t parse_size(std::string_view text) {
  std::string s(text);
  auto fail = [&]() -> std::int64_t {
    throw InvalidArgumentError("invalid size '" + s +
                               "' (expected bytes or a number with a unit such as 500MB, 2GB, 1GiB)");
  };
  std::size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == 0) return fail();
  std::string number = s.substr(0, i);
  std::string unit = s.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
  char* end = nullptr;
  double value = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(value)) return fail();
  static const std::pair<const char*, double> kUnits[] = {
      {"", 1},       {"B", 1},       {"kB", 1e3},    {"KB", 1e3},     {"MB", 1e6},
      {"GB", 1e9},   {"TB", 1e12},   {"PB", 1e15},   {"KiB", 1024.0}, {"MiB", 1048576.0},
      {"GiB", 1073741824.0}, {"TiB", 1099511627776.0}};
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) {
      double bytes = value * factor;
      if (bytes >= 9.2e18) return fail();
      return static_cast<std::int64_t>(std::llround(bytes));
    }
  }
  return fail();
}

std::string format_size(std::int64_t bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (std::fabs(value) >= 1000.0 && unit < 5) {
    value /= 1000.0;
    ++unit;
  }
  char buffer[48];
  if (unit == 0) {
    std::snprintf(buffer, sizeof buffer, "%lld B", static_cast<long long>(bytes));
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f %s", value, kUnits[unit]);
  }
  return buffer;
}

}  // namespace cubed
