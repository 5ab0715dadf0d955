// The memory guard's error (query.h MemoryLimitExceeded) and its byte formatting.
#include <cstdio>

#include "engine/query.h"

namespace plume::engine {

std::string FormatBytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double v = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (v >= 1024 && unit + 1 < std::size(kUnits)) {
    v /= 1024;
    ++unit;
  }
  char text[32];
  if (v == static_cast<double>(static_cast<std::uint64_t>(v))) {
    std::snprintf(text, sizeof(text), "%.0f %s", v, kUnits[unit]);
  } else {
    std::snprintf(text, sizeof(text), "%.1f %s", v, kUnits[unit]);
  }
  return text;
}

MemoryLimitExceeded::MemoryLimitExceeded(std::string stage, std::uint64_t limit)
    : std::runtime_error("statement needs more than " + FormatBytes(limit) + " in the " + stage +
                         " (--memory-limit)"),
      stage_(std::move(stage)),
      limit_(limit) {}

}  // namespace plume::engine
