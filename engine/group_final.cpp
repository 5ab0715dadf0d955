#include "engine/group_final.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <new>

#include "engine/bounded_sort.h"
#include "engine/merge_groups.h"
#include "engine/partial.h"

namespace plume::engine {

bool GroupFinal::Entry::operator<(const Entry& o) const {
  for (std::size_t i = 0; i < 4; ++i) {
    if (w[i] != o.w[i]) return w[i] < o.w[i];
  }
  return group < o.group;
}

struct GroupFinal::IndexLess {
  const GroupFinal* f;
  bool operator()(std::size_t x, std::size_t y) const { return f->IndexBefore(x, y); }
};

struct GroupFinal::StringSort {
  explicit StringSort(std::vector<std::string_view> values)
      : sort(std::move(values), SIZE_MAX, std::less<>()) {}
  BoundedSort<std::string_view, std::less<>> sort;
};

struct GroupFinal::Sorter {
  std::unique_ptr<BoundedSort<Entry, std::less<>>> entries;
  std::unique_ptr<BoundedSort<std::size_t, IndexLess>> indices;
};

GroupFinal::GroupFinal(const GroupMerger& groups, bool exchange)
    : g_(groups),
      exchange_(exchange),
      trailing_keys_(exchange || !groups.plan_.order.empty()),
      groups_(groups.groups_) {
  const PlanData& plan = g_.plan_;
  const std::size_t keys = g_.layout_.keys;
  slot_types_.assign(g_.layout_.types.begin(),
                     g_.layout_.types.begin() + static_cast<std::ptrdiff_t>(keys));
  for (const AggSpec& a : plan.aggs) slot_types_.push_back(a.result);
  for (const Expr& e : plan.post) post_.push_back(std::make_unique<ExprEvaluator>(e));
  for (const Expr& e : plan.having) having_.push_back(std::make_unique<ExprEvaluator>(e));
  std::vector<Type> types = ExchangeTypes(plan);
  types.resize(plan.result.size() + (trailing_keys_ ? keys : 0));
  all_ = EmptyBatch(types);
  const std::uint64_t want = plan.limit ? *plan.limit + plan.offset : UINT64_MAX;
  keep_ = static_cast<std::size_t>(std::min<std::uint64_t>(want, groups_));
  if (plan.order.empty()) {
    for (std::size_t k = 0; k < keys; ++k) {  // a wide key (IsWidePhysical): two value words
      word_at_.push_back(width_);
      width_ += IsWidePhysical(slot_types_[k]) ? 3 : 2;
    }
  } else {
    order_keys_ = ExchangeOrder(plan);
  }
}

GroupFinal::~GroupFinal() = default;

bool GroupFinal::Step() {
  for (const std::size_t start = work_; phase_ != Phase::kReady && work_ - start < kStepGroups;) {
    OneStep();
  }
  return phase_ != Phase::kReady;
}

void GroupFinal::OneStep() {
  ++work_;  // every step counts, so a call ends even over empty phases
  switch (phase_) {
    case Phase::kSlots:
      return SlotsStep();
    case Phase::kWords:
      return WordsStep();
    case Phase::kEntries:
      return EntriesStep();
    case Phase::kSort:
      work_ += std::min(kStepGroups, sort_items_);  // a run or a merge step: at most that
      return SortStep();
    case Phase::kReady:
      return;
  }
}

namespace {

BatchColumn Evaluate(const ExprEvaluator& e, const Batch& slots) {
  ExprInput in;
  in.batch = &slots;
  in.n = slots.rows;
  BatchColumn out;
  e.Eval(in, &out);
  return out;
}

}  // namespace

// The group key column that column k of all_ is (a kGroup result or a trailing key), or -1.
int GroupFinal::KeyOfColumn(std::size_t k) const {
  const PlanData& plan = g_.plan_;
  if (k >= plan.result.size()) return static_cast<int>(k - plan.result.size());
  return plan.result[k].kind == ResultRef::Kind::kGroup ? plan.result[k].index : -1;
}

// all_'s arrays sized for every group at once (the key columns' bytes known), so that the
// slices' appends do not reallocate and copy what was appended before.
void GroupFinal::ReserveAll() {
  kept_.reserve(groups_);
  for (std::size_t k = 0; k < all_.columns.size(); ++k) {
    BatchColumn& c = all_.columns[k];
    const int key = KeyOfColumn(k);
    if (c.type == Type::kString) {
      c.offsets.reserve(groups_ + 1);
      if (key >= 0) c.chars.reserve(g_.keys_.columns[static_cast<std::size_t>(key)].chars.size());
    } else if (c.type == Type::kFloat64) {
      c.doubles.reserve(groups_);
    } else if (IsWidePhysical(c.type)) {
      c.wide.reserve(groups_);
    } else {
      c.ints.reserve(groups_);
    }
  }
}

// Groups [next_, next_ + kStepGroups): the slots (the group keys, then each aggregate's final
// value) -> HAVING, the select-list expressions, the result columns (+ trailing group keys).
// The columns that are group keys are appended to all_ straight from the GroupMerger's keys: the
// slots hold the keys only for HAVING and the select-list expressions to read (copying each key
// into the slots, the step's batch and then all_ took a third of a partition-local final stage).
void GroupFinal::SlotsStep() {
  const PlanData& plan = g_.plan_;
  const std::size_t keys = g_.layout_.keys;
  const std::size_t begin = next_, end = std::min(groups_, next_ + kStepGroups);
  if (begin == 0) ReserveAll();
  Batch slots = EmptyBatch(slot_types_);
  if (!post_.empty() || !having_.empty()) {
    Batch key_slice = SliceBatch(g_.keys_, begin, end);
    for (std::size_t k = 0; k < keys; ++k) slots.columns[k] = std::move(key_slice.columns[k]);
  }
  slots.rows = end - begin;
  for (std::size_t a = 0; a < g_.states_.size(); ++a) {
    for (std::size_t g = begin; g < end; ++g) g_.states_[a]->EmitFinal(g, &slots.columns[keys + a]);
  }
  DropAllValid(&slots);
  const BatchColumn pass = having_.empty() ? BatchColumn() : Evaluate(*having_[0], slots);
  for (std::size_t i = 0; i < slots.rows; ++i) {
    if (having_.empty() || (!pass.IsNull(i) && pass.ints[i] != 0)) kept_.push_back(begin + i);
  }
  for (std::size_t k = 0; k < all_.columns.size(); ++k) {
    BatchColumn* to = &all_.columns[k];
    const int key = KeyOfColumn(k);
    if (key >= 0) {
      AppendColumnRows(g_.keys_.columns[static_cast<std::size_t>(key)], begin, end, all_.rows, to);
      continue;
    }
    const ResultRef& ref = plan.result[k];
    if (ref.kind == ResultRef::Kind::kAgg) {
      AppendColumnRows(slots.columns[keys + static_cast<std::size_t>(ref.index)], 0, slots.rows,
                       all_.rows, to);
    } else {
      const BatchColumn v = Evaluate(*post_[static_cast<std::size_t>(ref.index)], slots);
      AppendColumnRows(v, 0, slots.rows, all_.rows, to);
    }
  }
  all_.rows += slots.rows;
  work_ += end - begin;
  next_ = end;
  if (next_ < groups_) return;
  next_ = 0;
  if (width_ > 0) {
    words_size_ = width_ * groups_;
    words_.reset(static_cast<std::uint64_t*>(std::calloc(words_size_, sizeof(std::uint64_t))));
    if (!words_ && words_size_ > 0) throw std::bad_alloc();
    phase_ = Phase::kWords;
  } else {
    phase_ = Phase::kEntries;
  }
}

namespace {

constexpr std::uint64_t kSign = std::uint64_t{1} << 63;

// A word that orders like the value (CompareValues' order: strings by bytes via their rank,
// NaN after every number, -0.0 as 0.0).
std::uint64_t NumberWord(const BatchColumn& c, std::size_t r) {
  if (c.type != Type::kFloat64) return static_cast<std::uint64_t>(c.ints[r]) ^ kSign;
  double d = c.doubles[r] == 0 ? 0.0 : c.doubles[r];
  if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
  const auto bits = std::bit_cast<std::uint64_t>(d);
  return (bits & kSign) ? ~bits : bits | kSign;
}

}  // namespace

// The order words of key column word_column_ (per group a NULL flag and a value word), one
// slice of groups per step; a string column first ranks its distinct values.
void GroupFinal::FreeWords::operator()(std::uint64_t* p) const { std::free(p); }

void GroupFinal::WordsStep() {
  const std::size_t k = word_column_;
  const BatchColumn& c = g_.keys_.columns[k];
  if (c.type == Type::kString && !StringWordsStep(k)) return;
  if (c.type != Type::kString) {
    const std::size_t end = std::min(groups_, next_ + kStepGroups);
    const bool wide = IsWidePhysical(c.type);
    for (std::size_t g = next_; g < end; ++g) {
      std::uint64_t* w = &words_[g * width_ + word_at_[k]];
      const bool null = c.IsNull(g);
      w[0] = null;
      if (wide) {  // the high half signed, then the low half unsigned
        w[1] = null ? 0 : static_cast<std::uint64_t>(High(c.wide[g])) ^ kSign;
        w[2] = null ? 0 : static_cast<std::uint64_t>(Low(c.wide[g]));
      } else {
        w[1] = null ? 0 : NumberWord(c, g);
      }
    }
    work_ += end - next_;
    next_ = end;
    if (next_ < groups_) return;
  }
  next_ = 0;
  if (++word_column_ == g_.layout_.keys) phase_ = Phase::kEntries;
}

// One step of a string column's words; true once its words are all made.
bool GroupFinal::StringWordsStep(std::size_t k) {
  const BatchColumn& c = g_.keys_.columns[k];
  const std::size_t end = std::min(groups_, next_ + kStepGroups);
  switch (strings_) {
    case Strings::kCollect:
      for (std::size_t g = next_; g < end; ++g) rank_.emplace(c.StringAt(g), 0);
      work_ += end - next_;
      next_ = end;
      if (next_ < groups_) return false;
      distinct_.clear();
      for (const auto& e : rank_) distinct_.push_back(e.first);
      string_sort_ = std::make_unique<StringSort>(std::move(distinct_));
      strings_ = Strings::kSort;
      next_ = 0;
      return false;
    case Strings::kSort:
      work_ += std::min(kStepGroups, rank_.size());
      if (string_sort_->sort.Step()) return false;
      distinct_ = string_sort_->sort.Take();
      string_sort_.reset();
      strings_ = Strings::kRank;
      return false;
    case Strings::kRank: {
      const std::size_t stop = std::min(distinct_.size(), next_ + kStepGroups);
      for (std::size_t i = next_; i < stop; ++i) rank_[distinct_[i]] = i;
      work_ += stop - next_;
      next_ = stop;
      if (next_ < distinct_.size()) return false;
      strings_ = Strings::kWords;
      next_ = 0;
      return false;
    }
    case Strings::kWords:
      for (std::size_t g = next_; g < end; ++g) {
        const bool null = c.IsNull(g);
        words_[g * width_ + word_at_[k]] = null;
        words_[g * width_ + word_at_[k] + 1] = null ? 0 : rank_.find(c.StringAt(g))->second;
      }
      work_ += end - next_;
      next_ = end;
      if (next_ < groups_) return false;
      rank_.clear();
      distinct_ = {};
      strings_ = Strings::kCollect;
      return true;
  }
  return false;
}

// The sort entries of the kept groups (up to two key columns without ORDER BY), a slice a step;
// then the sort starts.
void GroupFinal::EntriesStep() {
  if (width_ == 0 || width_ > 4) return StartSort();
  if (next_ == 0) entries_.reserve(kept_.size());
  const std::size_t end = std::min(kept_.size(), next_ + kStepGroups);
  for (std::size_t i = next_; i < end; ++i) {
    Entry e{{0, 0, 0, 0}, kept_[i]};
    for (std::size_t w = 0; w < width_; ++w) e.w[w] = words_[kept_[i] * width_ + w];
    entries_.push_back(e);
  }
  work_ += end - next_;
  next_ = end;
  if (next_ < kept_.size()) return;
  FreeWordArray();
  kept_ = {};
  StartSort();
}

void GroupFinal::StartSort() {
  sort_items_ = width_ > 0 && width_ <= 4 ? entries_.size() : kept_.size();
  sorter_ = std::make_unique<Sorter>();
  if (width_ > 0 && width_ <= 4) {
    sorter_->entries = std::make_unique<BoundedSort<Entry, std::less<>>>(std::move(entries_), keep_,
                                                                         std::less<>());
  } else {
    sorter_->indices = std::make_unique<BoundedSort<std::size_t, IndexLess>>(
        std::move(kept_), keep_, IndexLess{this});
  }
  phase_ = Phase::kSort;
}

// Group x before group y: by the order words (no ORDER BY), else by ORDER BY then the keys.
bool GroupFinal::IndexBefore(std::size_t x, std::size_t y) const {
  if (width_ > 0) {
    const std::uint64_t* a = &words_[x * width_];
    const std::uint64_t* b = &words_[y * width_];
    for (std::size_t w = 0; w < width_; ++w) {
      if (a[w] != b[w]) return a[w] < b[w];
    }
    return x < y;
  }
  const int c = CompareRows(order_keys_, all_, x, all_, y);
  return c != 0 ? c < 0 : x < y;
}

void GroupFinal::SortStep() {
  if (sorter_->entries ? sorter_->entries->Step() : sorter_->indices->Step()) return;
  if (sorter_->entries) {
    const std::vector<Entry> sorted = sorter_->entries->Take();
    order_.resize(sorted.size());
    for (std::size_t i = 0; i < sorted.size(); ++i) order_[i] = sorted[i].group;
  } else {
    order_ = sorter_->indices->Take();
  }
  sorter_.reset();
  FreeWordArray();
  if (!exchange_) {
    pos_begin_ = static_cast<std::size_t>(std::min<std::uint64_t>(g_.plan_.offset, order_.size()));
  }
  pos_ = pos_begin_;
  phase_ = Phase::kReady;
}

namespace {

// to = from's rows order[begin, end), one typed loop per column.
void GatherRows(const BatchColumn& from, const std::vector<std::size_t>& order, std::size_t begin,
                std::size_t end, BatchColumn* to) {
  const std::size_t n = end - begin;
  to->type = from.type;
  if (!from.valid.empty()) {
    to->valid.resize(n);
    for (std::size_t i = 0; i < n; ++i) to->valid[i] = from.valid[order[begin + i]];
  }
  if (from.type == Type::kString) {
    to->offsets.resize(n + 1);
    to->offsets[0] = 0;
    for (std::size_t i = 0; i < n; ++i) {
      to->chars.append(from.StringAt(order[begin + i]));
      to->offsets[i + 1] = static_cast<std::uint32_t>(to->chars.size());
    }
  } else if (from.type == Type::kFloat64) {
    to->doubles.resize(n);
    for (std::size_t i = 0; i < n; ++i) to->doubles[i] = from.doubles[order[begin + i]];
  } else if (IsWidePhysical(from.type)) {
    to->wide.resize(n);
    for (std::size_t i = 0; i < n; ++i) to->wide[i] = from.wide[order[begin + i]];
  } else {
    to->ints.resize(n);
    for (std::size_t i = 0; i < n; ++i) to->ints[i] = from.ints[order[begin + i]];
  }
}

}  // namespace

bool GroupFinal::Pop(std::size_t max_rows, Batch* out) {
  const std::size_t columns = exchange_ ? all_.columns.size() : g_.plan_.output.size();
  const std::size_t n = std::min(std::max<std::size_t>(max_rows, 1), order_.size() - pos_);
  *out = Batch{};
  out->columns.resize(columns);
  for (std::size_t c = 0; c < columns; ++c) {
    GatherRows(all_.columns[c], order_, pos_, pos_ + n, &out->columns[c]);
  }
  out->rows = n;
  pos_ += n;
  DropAllValid(out);
  return n > 0;
}

std::size_t GroupFinal::memory_bytes() const {
  std::size_t bytes = MemoryBytes(all_) + 8 * (kept_.capacity() + words_size_) +
                      sizeof(Entry) * entries_.capacity() + 8 * order_.capacity() +
                      48 * rank_.size() + 16 * distinct_.capacity();
  if (string_sort_) bytes += string_sort_->sort.memory_bytes();
  if (sorter_ && sorter_->entries) bytes += sorter_->entries->memory_bytes();
  if (sorter_ && sorter_->indices) bytes += sorter_->indices->memory_bytes();
  return bytes;
}

}  // namespace plume::engine
