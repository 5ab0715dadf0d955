#include "engine/row_sorter.h"

#include <algorithm>
#include <bit>
#include <functional>
#include <utility>

#include "engine/bounded_sort.h"

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
void Normalize(const std::vector<KeyColumn>& keys, SortEntry<K>* e) {
  for (std::size_t k = 0; k < K; ++k) {
    const KeyColumn& key = keys[k];
    const Column& c = *key.column;
    const bool null = c.IsNull(e->row);
    e->rank[k] = null ? (key.nulls_first ? 0 : 2) : 1;
    const std::uint64_t w = null ? 0 : SortWord(c, e->row);
    e->word[k] = key.desc ? ~w : w;
  }
}

// The order of SortEntry, cell by cell: for a small top-k and more than four keys.
struct RowLess {
  const std::vector<KeyColumn>* keys;
  bool operator()(std::uint32_t a, std::uint32_t b) const {
    for (const KeyColumn& k : *keys) {
      const bool an = k.column->IsNull(a), bn = k.column->IsNull(b);
      if (an || bn) {
        if (an != bn) return an == k.nulls_first;
        continue;
      }
      if (IsWidePhysical(k.column->type)) {  // HUGEINT, wide DECIMAL: no 64-bit word orders it
        const Int128 x = k.column->wide[a], y = k.column->wide[b];
        if (x != y) return k.desc ? x > y : x < y;
        continue;
      }
      const std::uint64_t x = SortWord(*k.column, a), y = SortWord(*k.column, b);
      if (x != y) return k.desc ? x > y : x < y;
    }
    return a < b;
  }
};

}  // namespace

class RowSorter::Sort {
 public:
  virtual ~Sort() = default;
  virtual bool Step() = 0;
  virtual std::vector<std::uint32_t> Take() = 0;
  virtual std::size_t memory_bytes() const = 0;
};

namespace {

// kRunRows rows normalized a step, then the bounded sort of the entries.
template <std::size_t K>
class EntrySort final : public RowSorter::Sort {
 public:
  EntrySort(const std::vector<KeyColumn>& keys, std::size_t keep, std::vector<std::uint32_t> rows)
      : keys_(keys), keep_(keep), rows_(std::move(rows)) {
    entries_.reserve(rows_.size());
  }
  bool Step() override {
    if (sort_) return sort_->Step();
    const std::size_t end = std::min(rows_.size(), entries_.size() + RowSorter::kRunRows);
    for (std::size_t i = entries_.size(); i < end; ++i) {
      SortEntry<K>& e = entries_.emplace_back();
      e.row = rows_[i];
      Normalize<K>(keys_, &e);
    }
    if (entries_.size() < rows_.size()) return true;
    rows_ = {};
    sort_ = std::make_unique<Entries>(std::move(entries_), keep_, std::less<>());
    return true;
  }
  std::vector<std::uint32_t> Take() override {
    const std::vector<SortEntry<K>> sorted = sort_->Take();
    std::vector<std::uint32_t> rows(sorted.size());
    for (std::size_t i = 0; i < sorted.size(); ++i) rows[i] = sorted[i].row;
    return rows;
  }
  std::size_t memory_bytes() const override {
    return 4 * rows_.capacity() + sizeof(SortEntry<K>) * entries_.capacity() +
           (sort_ ? sort_->memory_bytes() : 0);
  }

 private:
  using Entries = BoundedSort<SortEntry<K>, std::less<>>;
  const std::vector<KeyColumn>& keys_;
  std::size_t keep_;
  std::vector<std::uint32_t> rows_;
  std::vector<SortEntry<K>> entries_;
  std::unique_ptr<Entries> sort_;
};

class IndexSort final : public RowSorter::Sort {
 public:
  IndexSort(const std::vector<KeyColumn>& keys, std::size_t keep, std::vector<std::uint32_t> rows)
      : sort_(std::move(rows), keep, RowLess{&keys}) {}
  bool Step() override { return sort_.Step(); }
  std::vector<std::uint32_t> Take() override { return sort_.Take(); }
  std::size_t memory_bytes() const override { return sort_.memory_bytes(); }

 private:
  BoundedSort<std::uint32_t, RowLess> sort_;
};

std::unique_ptr<RowSorter::Sort> MakeSort(const std::vector<KeyColumn>& keys, std::size_t keep,
                                          std::vector<std::uint32_t> rows) {
  const bool wide = std::any_of(keys.begin(), keys.end(),
                                [](const KeyColumn& k) { return IsWidePhysical(k.column->type); });
  if (keys.empty() || keys.size() > 4 || keep * 16 < RowSorter::kRunRows || wide) {
    return std::make_unique<IndexSort>(keys, keep, std::move(rows));
  }
  switch (keys.size()) {
    case 1:
      return std::make_unique<EntrySort<1>>(keys, keep, std::move(rows));
    case 2:
      return std::make_unique<EntrySort<2>>(keys, keep, std::move(rows));
    case 3:
      return std::make_unique<EntrySort<3>>(keys, keep, std::move(rows));
    default:
      return std::make_unique<EntrySort<4>>(keys, keep, std::move(rows));
  }
}

}  // namespace

RowSorter::RowSorter(std::vector<KeyColumn> keys, std::size_t keep, std::vector<std::uint32_t> rows)
    : keys_(std::move(keys)), sort_(MakeSort(keys_, keep, std::move(rows))) {}

RowSorter::~RowSorter() = default;

bool RowSorter::Step() { return sort_->Step(); }

std::vector<std::uint32_t> RowSorter::Take() { return sort_->Take(); }

std::size_t RowSorter::memory_bytes() const { return sort_->memory_bytes(); }

}  // namespace plume::engine
