// A run of a column's validity bytes (table.h: 1 = value, 0 = NULL). Private to engine/.
#pragma once

#include <cstddef>
#include <cstdint>

namespace plume::engine {

// Whether valid[0, n) are all 1 (a run of a column without NULLs), in one loop that vectorizes:
// aggregates over such a run skip their NULL masks.
inline bool AllValid(const std::uint8_t* valid, std::size_t n) {
  std::uint8_t all = 1;
  for (std::size_t i = 0; i < n; ++i) all &= valid[i];
  return all != 0;
}

}  // namespace plume::engine
