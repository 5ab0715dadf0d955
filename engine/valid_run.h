// A run of a column's validity bytes (table.h: 1 = value, 0 = NULL). Private to engine/.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "engine/table.h"

namespace plume::engine {

// Whether valid[0, n) are all 1 (a run of a column without NULLs), in one loop that vectorizes:
// aggregates over such a run skip their NULL masks.
inline bool AllValid(const std::uint8_t* valid, std::size_t n) {
  std::uint8_t all = 1;
  for (std::size_t i = 0; i < n; ++i) all &= valid[i];
  return all != 0;
}

// The zone map of the block of column c that rows[0, n) are, when they are exactly one whole
// block (ascending, contiguous, from the block's first row to its last), else nullptr. A run
// of one group over a whole block (a GROUP BY on the partitions' leading sort key without a
// WHERE) takes its NULL count, and integer min/max, from there without reading the values.
inline const BlockStats* WholeBlock(const Column& c, const std::uint32_t* rows, std::size_t n) {
  if (n == 0 || rows[0] % kBlockRows != 0 || rows[n - 1] - rows[0] != n - 1) return nullptr;
  const std::size_t size = c.size(), block = rows[0] / kBlockRows;
  if (c.blocks.size() != (size + kBlockRows - 1) / kBlockRows || block >= c.blocks.size()) {
    return nullptr;
  }
  return n == std::min(kBlockRows, size - rows[0]) ? &c.blocks[block] : nullptr;
}

// The number of rows of the block of c that starts at row `first`, when it does and c has zone
// maps; else 0.
inline std::size_t BlockRowsFrom(const Column& c, std::uint32_t first) {
  const std::size_t size = c.size();
  if (first % kBlockRows != 0 || first >= size ||
      c.blocks.size() != (size + kBlockRows - 1) / kBlockRows) {
    return 0;
  }
  return std::min(kBlockRows, size - first);
}

}  // namespace plume::engine
