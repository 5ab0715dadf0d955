// Vectorized WHERE evaluation over one partition: per kBlockRows block, zone maps first (skip a
// block no row of which can match, accept a block every row of which matches), then branchless
// selection-vector loops over the raw arrays; string predicates are evaluated once per
// dictionary entry and mapped over the codes. Private to engine/.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/plan_data.h"
#include "engine/table.h"

namespace plume::engine {

class CompiledFilter {
 public:
  // columns[i] is the table column of kSchema index i (nullptr when the plan does not need it).
  // Throws std::runtime_error when a leaf does not fit its column's type.
  CompiledFilter(const FilterNode& root, const std::vector<const Column*>& columns,
                 std::size_t rows);
  ~CompiledFilter();
  CompiledFilter(const CompiledFilter&) = delete;
  CompiledFilter& operator=(const CompiledFilter&) = delete;

  // The ascending indices of the rows that pass.
  std::vector<std::uint32_t> Select() const;
  // Bounded form: appends the passing rows of the blocks from `first` on (kBlockRows rows
  // each, clipped to the table) to *out: `count` blocks evaluated, plus the blocks the zone maps
  // rule out on the way (up to 64 x count of them, O(1) each). Returns the block after the last
  // one looked at (blocks() at the end).
  std::size_t SelectBlocks(std::size_t first, std::size_t count,
                           std::vector<std::uint32_t>* out) const;
  std::size_t blocks() const { return (rows_ + kBlockRows - 1) / kBlockRows; }

  struct Node;

 private:
  std::unique_ptr<Node> root_;
  std::size_t rows_;
};

// SQL LIKE with '%' (any run) and '_' (one UTF-8 character, as DuckDB's); no escape character.
// Linear in the text (like_match.cpp): no backtracking.
bool LikeMatch(std::string_view text, std::string_view pattern);

}  // namespace plume::engine
