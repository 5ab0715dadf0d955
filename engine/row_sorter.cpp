#include "engine/row_sorter.h"

#include <algorithm>
#include <bit>
#include <utility>

namespace plume::engine {
namespace {

// An unsigned word that orders like the cell: sign-flipped ints, IEEE-754 doubles with the
// usual bit trick (-0.0 as 0.0), dictionary codes (dictionaries are sorted).
std::uint64_t SortWord(const Column& c, std::uint32_t r) {
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  switch (c.type) {
    case Type::kString:
      return c.codes[r];
    case Type::kFloat64: {
      const std::uint64_t bits =
          std::bit_cast<std::uint64_t>(c.doubles[r] == 0 ? 0.0 : c.doubles[r]);
      return (bits & kSign) ? ~bits : bits | kSign;
    }
    default:
      return static_cast<std::uint64_t>(c.ints[r]) ^ kSign;
  }
}

// One row with its normalized sort keys inline, so sorting moves contiguous memory: word k
// orders like key k's value (DESC inverted) and rank k puts NULLs before (0) or after (2) the
// values (1).
template <std::size_t K>
struct SortEntry {
  std::uint64_t word[K];
  std::uint32_t row;
  std::uint8_t rank[K];

  bool operator<(const SortEntry& o) const {
    for (std::size_t k = 0; k < K; ++k) {
      if (rank[k] != o.rank[k]) return rank[k] < o.rank[k];
      if (word[k] != o.word[k]) return word[k] < o.word[k];
    }
    return row < o.row;
  }
};

template <std::size_t K>
void SortByKeys(const std::vector<KeyColumn>& keys, std::size_t keep,
                std::vector<std::uint32_t>* rows) {
  const std::size_t n = rows->size();
  std::vector<SortEntry<K>> entries(n);
  for (std::size_t i = 0; i < n; ++i) entries[i].row = (*rows)[i];
  for (std::size_t k = 0; k < K; ++k) {
    const KeyColumn& key = keys[k];
    const Column& c = *key.column;
    for (SortEntry<K>& e : entries) {
      const bool null = c.IsNull(e.row);
      e.rank[k] = null ? (key.nulls_first ? 0 : 2) : 1;
      const std::uint64_t w = null ? 0 : SortWord(c, e.row);
      e.word[k] = key.desc ? ~w : w;
    }
  }
  if (keep < n) {
    std::partial_sort(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(keep),
                      entries.end());
  } else {
    std::sort(entries.begin(), entries.end());
  }
  rows->resize(keep);
  for (std::size_t i = 0; i < keep; ++i) (*rows)[i] = entries[i].row;
}

}  // namespace

RowSorter::RowSorter(std::vector<KeyColumn> keys, std::size_t keep, std::vector<std::uint32_t> rows)
    : keys_(std::move(keys)), keep_(keep), input_(std::move(rows)) {}

// The order of SortEntry, row by row: for a small top-k, the merges, and more than four keys.
bool RowSorter::Less(std::uint32_t a, std::uint32_t b) const {
  for (const KeyColumn& k : keys_) {
    const bool an = k.column->IsNull(a), bn = k.column->IsNull(b);
    if (an || bn) {
      if (an != bn) return an == k.nulls_first;
      continue;
    }
    const std::uint64_t x = SortWord(*k.column, a), y = SortWord(*k.column, b);
    if (x != y) return k.desc ? x > y : x < y;
  }
  return a < b;
}

void RowSorter::SortRun() {
  const std::size_t end = std::min(input_.size(), next_ + kRunRows);
  std::vector<std::uint32_t> run(input_.begin() + static_cast<std::ptrdiff_t>(next_),
                                 input_.begin() + static_cast<std::ptrdiff_t>(end));
  next_ = end;
  if (next_ == input_.size()) input_ = {};
  const std::size_t keep = std::min(keep_, run.size());
  // A small top-k only compares most rows with the heap's top: normalizing every row first
  // would cost more than it saves.
  // A small top-k keeps one running top-k: the previous runs' best rows go first, so the heap
  // partial_sort builds holds the best so far and most rows cost one comparison (as one
  // partial_sort over all rows would), and nothing is left to merge.
  if (keep_ * 16 < kRunRows && !runs_.empty()) {
    std::vector<std::uint32_t>& best = runs_.back();
    best.insert(best.end(), run.begin(), run.end());
    const std::size_t k = std::min(keep_, best.size());
    std::partial_sort(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(k), best.end(),
                      [this](std::uint32_t a, std::uint32_t b) { return Less(a, b); });
    best.resize(k);
    return;
  }
  if (keep < run.size() / 16 || keys_.size() > 4) {
    std::partial_sort(run.begin(), run.begin() + static_cast<std::ptrdiff_t>(keep), run.end(),
                      [this](std::uint32_t a, std::uint32_t b) { return Less(a, b); });
    run.resize(keep);
  } else if (keys_.size() == 1) {
    SortByKeys<1>(keys_, keep, &run);
  } else if (keys_.size() == 2) {
    SortByKeys<2>(keys_, keep, &run);
  } else if (keys_.size() == 3) {
    SortByKeys<3>(keys_, keep, &run);
  } else {
    SortByKeys<4>(keys_, keep, &run);
  }
  runs_.push_back(std::move(run));
}

// Emits up to kRunRows rows of the merge of a_ and b_; a finished merge becomes a run.
void RowSorter::MergeStep() {
  if (!merging_) {
    a_ = std::move(runs_.front());
    runs_.pop_front();
    b_ = std::move(runs_.front());
    runs_.pop_front();
    ia_ = ib_ = 0;
    out_.clear();
    out_.reserve(std::min(keep_, a_.size() + b_.size()));
    merging_ = true;
  }
  const std::size_t want = std::min(keep_, a_.size() + b_.size());
  const std::size_t stop = std::min(want, out_.size() + kRunRows);
  while (out_.size() < stop) {
    if (ib_ == b_.size() || (ia_ < a_.size() && Less(a_[ia_], b_[ib_]))) {
      out_.push_back(a_[ia_++]);
    } else {
      out_.push_back(b_[ib_++]);
    }
  }
  if (out_.size() < want) return;
  runs_.push_back(std::move(out_));
  out_ = {};
  a_ = {};
  b_ = {};
  merging_ = false;
}

bool RowSorter::Step() {
  if (next_ < input_.size()) {
    SortRun();
    return true;
  }
  if (merging_ || runs_.size() > 1) {
    MergeStep();
    return true;
  }
  return false;
}

std::vector<std::uint32_t> RowSorter::Take() {
  if (runs_.empty()) return {};
  std::vector<std::uint32_t> rows = std::move(runs_.front());
  runs_.clear();
  return rows;
}

std::size_t RowSorter::memory_bytes() const {
  std::size_t rows = input_.capacity() + a_.capacity() + b_.capacity() + out_.capacity();
  for (const auto& r : runs_) rows += r.capacity();
  // A run being sorted holds a SortEntry (up to 40 bytes) per row for the moment of its step.
  return 4 * rows + 40 * std::min(input_.size(), kRunRows);
}

}  // namespace plume::engine
