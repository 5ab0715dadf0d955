// Sorting a partition's selected rows by the ORDER BY keys in bounded steps: each Step() either
// sorts one run of at most kRunRows rows (normalized keys inline, engine-wide order: NULLs by
// the key's NULLS FIRST/LAST, DESC inverted, ties by row index) or emits at most kRunRows rows
// of a pairwise merge of two sorted runs. Only the first `keep` rows are kept (top-k: every run
// and every merge is cut there). Private to engine/ (partition_execution.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
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
  RowSorter(const RowSorter&) = delete;
  RowSorter& operator=(const RowSorter&) = delete;

  // One bounded unit of work; false once the rows are sorted (then Take them).
  bool Step();
  // The first `keep` rows in order. Only once Step() returned false.
  std::vector<std::uint32_t> Take();
  std::size_t memory_bytes() const;

 private:
  bool Less(std::uint32_t a, std::uint32_t b) const;
  void SortRun();
  void MergeStep();

  std::vector<KeyColumn> keys_;
  std::size_t keep_;
  std::vector<std::uint32_t> input_;  // the unsorted rows
  std::size_t next_ = 0;              // the next run of input_ to sort
  std::deque<std::vector<std::uint32_t>> runs_;
  // The merge under way: runs a and b (taken from runs_), their positions, the output so far.
  std::vector<std::uint32_t> a_, b_, out_;
  std::size_t ia_ = 0, ib_ = 0;
  bool merging_ = false;
};

}  // namespace plume::engine
