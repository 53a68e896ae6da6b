#pragma once
/// Memory and storage sizes as users write them: "2GB", "500MB", "10kB",
/// "1.5GB" (decimal units, as Cubed's), "1GiB" (binary), or a plain number of
/// bytes.
#include <cstdint>
#include <string>
#include <string_view>

namespace cubed {

/// Parses a size. Throws InvalidArgumentError naming the text when it is not
/// a non-negative number with an optional unit (B, kB, KB, MB, GB, TB, PB,
/// KiB, MiB, GiB, TiB).
std::int64_t parse_size(std::string_view text);
/// A readable size with decimal units: "512 B", "1.5 kB", "2.0 GB".
std::string format_size(std::int64_t bytes);

}  // namespace cubed
