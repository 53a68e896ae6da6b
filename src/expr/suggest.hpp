#pragma once
// "Did you mean ...?" for misspelt names: the closest candidate within a
// small edit distance.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cubed::expr::detail {

inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

/// The candidate closest to `name` when it is close enough to be a typo
/// (distance 1 for names of 3 or 4 characters, 2 for longer ones; none for
/// shorter names, where any two are close).
inline std::optional<std::string> closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  if (name.size() < 3) return std::nullopt;
  const std::size_t limit = name.size() <= 4 ? 1 : 2;
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best_distance && d > 0) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace cubed::expr::detail
