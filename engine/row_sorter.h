// Sorting a partition's selected rows by the ORDER BY keys in bounded steps (engine-wide order:
// NULLs by the key's NULLS FIRST/LAST, DESC inverted, ties by row index). Up to four keys, each
// Step() normalizes the keys of kRunRows rows into entries (words inline, so sorting moves and
// compares contiguous memory), then sorts one run of at most kRunRows entries or emits as many
// of a pairwise merge of two sorted runs (engine/bounded_sort.h). More keys, or a small top-k
// (one running top-k, where most rows cost one comparison), sort row indices by comparing the
// cells. Only the first `keep` rows are kept (top-k: every run and every merge is cut there).
// Private to engine/ (partition_execution.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/table.h"

namespace plume::engine {

struct KeyColumn {
  const Column* column;
  bool desc, nulls_first;
};

class RowSorter {
 public:
  static constexpr std::size_t kRunRows = 32768;

  // `rows`: the selected rows (ascending). The key columns must outlive the sorter.
  RowSorter(std::vector<KeyColumn> keys, std::size_t keep, std::vector<std::uint32_t> rows);
  ~RowSorter();
  RowSorter(const RowSorter&) = delete;
  RowSorter& operator=(const RowSorter&) = delete;

  // One bounded unit of work; false once the rows are sorted (then Take them).
  bool Step();
  // The first `keep` rows in order. Only once Step() returned false.
  std::vector<std::uint32_t> Take();
  std::size_t memory_bytes() const;

  class Sort;  // over normalized entries or row indices (row_sorter.cpp)

 private:
  std::vector<KeyColumn> keys_;
  std::unique_ptr<Sort> sort_;
};

}  // namespace plume::engine
