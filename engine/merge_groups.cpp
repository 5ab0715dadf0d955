#include "engine/merge_groups.h"

#include "engine/expr.h"
#include "engine/schema.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace plume::engine {
GroupMerger::GroupMerger(const PlanData& plan)
    : plan_(plan), layout_(MakeStreamLayout(plan)), slots_(1024, 0) {
  for (const AggSpec& a : plan.aggs) {
    states_.push_back(MakeAggregateStates(a, false));
    state_bytes_ += StateBytesPerGroup(a);
  }
  keys_ = EmptyBatch(std::vector<Type>(
      layout_.types.begin(), layout_.types.begin() + static_cast<std::ptrdiff_t>(layout_.keys)));
}

namespace {

constexpr std::uint64_t kTagMask = ~std::uint64_t{0xffffffff};

}  // namespace

std::size_t GroupMerger::GroupOf(const Batch& batch, std::size_t row, std::string* scratch) {
  scratch->clear();
  for (std::size_t c = 0; c < layout_.keys; ++c) AppendKeyBytes(batch.columns[c], row, scratch);
  const std::uint64_t hash = std::hash<std::string_view>()(*scratch);
  const std::size_t mask = slots_.size() - 1;
  std::size_t s = hash & mask;
  for (std::uint64_t slot = slots_[s]; slot != 0; s = (s + 1) & mask, slot = slots_[s]) {
    if ((slot & kTagMask) != (hash & kTagMask)) continue;
    const std::size_t g = static_cast<std::uint32_t>(slot) - 1;
    if (KeyOf(g) == *scratch) return g;
  }
  slots_[s] = (hash & kTagMask) | (groups_ + 1);
  key_arena_ += *scratch;
  key_ends_.push_back(key_arena_.size());
  for (std::size_t c = 0; c < layout_.keys; ++c) {
    AppendValue(batch.columns[c], row, keys_.rows, &keys_.columns[c]);
  }
  ++keys_.rows;
  AddEmptyStates();
  ++groups_;
  if (groups_ * 2 > slots_.size()) GrowIndex();
  return groups_ - 1;
}

std::string_view GroupMerger::KeyOf(std::size_t group) const {
  const std::size_t begin = group == 0 ? 0 : key_ends_[group - 1];
  return std::string_view(key_arena_).substr(begin, key_ends_[group] - begin);
}

void GroupMerger::GrowIndex() {
  std::vector<std::uint64_t> slots(slots_.size() * 2, 0);
  const std::size_t mask = slots.size() - 1;
  for (std::size_t g = 0; g < groups_; ++g) {
    const std::uint64_t hash = std::hash<std::string_view>()(KeyOf(g));
    std::size_t s = hash & mask;
    while (slots[s] != 0) s = (s + 1) & mask;
    slots[s] = (hash & kTagMask) | (g + 1);
  }
  slots_ = std::move(slots);
}

void GroupMerger::AddEmptyStates() {
  for (auto& st : states_) st->Resize(groups_ + 1);
}

void GroupMerger::EnsureOneGroup() {
  if (!plan_.group_columns.empty() || groups_ > 0) return;
  key_ends_.push_back(0);  // the empty key (no index entry: no Add will look it up)
  AddEmptyStates();
  keys_.rows = 1;
  groups_ = 1;
}

void GroupMerger::Add(const Batch& batch) {
  if (distinct_) throw std::logic_error("GroupMerger::Add after AddDistinct");
  std::string scratch;
  for (std::size_t r = 0; r < batch.rows; ++r) {
    const std::size_t g = GroupOf(batch, r, &scratch);
    for (std::size_t a = 0; a < states_.size(); ++a) {
      states_[a]->Merge(batch, layout_.agg_first[a], r, g);
    }
  }
}

void GroupMerger::AddDistinct(const Batch& batch) {
  if (groups_ > 0 && !distinct_) throw std::logic_error("GroupMerger::AddDistinct after Add");
  distinct_ = true;
  for (std::size_t c = 0; c < layout_.keys; ++c) {
    const BatchColumn& from = batch.columns[c];
    AppendColumnRows(from, 0, batch.rows, keys_.rows, &keys_.columns[c]);
    distinct_key_bytes_ +=
        from.type == Type::kString ? from.chars.size() + 4 * batch.rows : 8 * batch.rows;
  }
  keys_.rows += batch.rows;
  for (auto& st : states_) st->Resize(groups_ + batch.rows);
  for (std::size_t a = 0; a < states_.size(); ++a) {
    for (std::size_t r = 0; r < batch.rows; ++r) {
      states_[a]->Merge(batch, layout_.agg_first[a], r, groups_ + r);
    }
  }
  groups_ += batch.rows;
}

Batch GroupMerger::Partial() const { return Partial(0, groups_); }

Batch GroupMerger::Partial(std::size_t begin, std::size_t end) const {
  Batch b = EmptyBatch(layout_.types);
  if (begin == 0 && end == groups_) {
    for (std::size_t c = 0; c < layout_.keys; ++c) b.columns[c] = keys_.columns[c];
  } else {
    Batch slice = SliceBatch(keys_, begin, end);
    for (std::size_t c = 0; c < layout_.keys; ++c) b.columns[c] = std::move(slice.columns[c]);
  }
  b.rows = end - begin;
  for (std::size_t a = 0; a < states_.size(); ++a) {
    BatchColumn* out = &b.columns[layout_.agg_first[a]];
    for (std::size_t g = begin; g < end; ++g) states_[a]->EmitPartial(g, out);
  }
  DropAllValid(&b);
  return b;
}

std::size_t GroupMerger::memory_bytes() const {
  // The index: its slots, the key bytes and their ends; the key columns once more in keys_
  // (AddDistinct: only keys_, no index).
  if (distinct_) return groups_ * state_bytes_ + distinct_key_bytes_;
  return groups_ * (8 + state_bytes_) + 8 * slots_.size() + 2 * key_arena_.size();
}

namespace {

// Words that order like the values of a key column (CompareValues' order: NULL last, strings
// by bytes, NaN after every number): per row a NULL flag and a value word; strings become the
// rank of the value among the column's distinct values.
void AppendOrderWords(const BatchColumn& c, std::size_t rows, std::vector<std::uint64_t>* words) {
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  std::vector<std::uint64_t> values(rows, 0);
  if (c.type == Type::kString) {
    std::unordered_map<std::string_view, std::uint64_t> rank;
    for (std::size_t r = 0; r < rows; ++r) rank.emplace(c.StringAt(r), 0);
    std::vector<std::string_view> distinct;
    distinct.reserve(rank.size());
    for (const auto& e : rank) distinct.push_back(e.first);
    std::sort(distinct.begin(), distinct.end());
    for (std::size_t i = 0; i < distinct.size(); ++i) rank[distinct[i]] = i;
    for (std::size_t r = 0; r < rows; ++r) values[r] = rank[c.StringAt(r)];
  } else if (c.type == Type::kFloat64) {
    for (std::size_t r = 0; r < rows; ++r) {
      double d = c.doubles[r] == 0 ? 0.0 : c.doubles[r];
      if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
      const auto bits = std::bit_cast<std::uint64_t>(d);
      values[r] = (bits & kSign) ? ~bits : bits | kSign;
    }
  } else {
    for (std::size_t r = 0; r < rows; ++r)
      values[r] = static_cast<std::uint64_t>(c.ints[r]) ^ kSign;
  }
  for (std::size_t r = 0; r < rows; ++r) {
    words->push_back(c.IsNull(r));
    words->push_back(c.IsNull(r) ? 0 : values[r]);
  }
}

}  // namespace

// Sorts `rows` (group indices) by ORDER BY, then the group keys, and keeps the first `keep`.
std::vector<std::size_t> GroupMerger::OutputOrder(const Batch& all, std::vector<std::size_t> rows,
                                                  std::size_t keep) const {
  keep = std::min(keep, rows.size());
  auto sort = [&](auto less) {
    if (keep < rows.size() / 8) {
      std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(keep), rows.end(),
                        less);
    } else {
      std::sort(rows.begin(), rows.end(), less);
    }
  };
  if (plan_.order.empty()) {  // by the group keys only: compare precomputed words
    const std::size_t width = 2 * layout_.keys;
    std::vector<std::uint64_t> cols;  // column-major: per key column, per group two words
    for (std::size_t k = 0; k < layout_.keys; ++k) {
      AppendOrderWords(keys_.columns[k], groups_, &cols);
    }
    auto word = [&](std::size_t g, std::size_t w) {
      return cols[(w / 2) * 2 * groups_ + 2 * g + w % 2];
    };
    if (width <= 4) {  // up to two keys: sort contiguous entries, not indices into the words
      struct Entry {
        std::uint64_t w[4];
        std::size_t group;
        bool operator<(const Entry& o) const {
          return std::lexicographical_compare(w, w + 4, o.w, o.w + 4);
        }
      };
      std::vector<Entry> entries(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        entries[i].group = rows[i];
        for (std::size_t w = 0; w < 4; ++w) entries[i].w[w] = w < width ? word(rows[i], w) : 0;
      }
      const auto mid = entries.begin() + static_cast<std::ptrdiff_t>(keep);
      if (keep < entries.size() / 8) {
        std::partial_sort(entries.begin(), mid, entries.end());
      } else {
        std::sort(entries.begin(), entries.end());
      }
      for (std::size_t i = 0; i < keep; ++i) rows[i] = entries[i].group;
      rows.resize(keep);
      return rows;
    }
    std::vector<std::uint64_t> words(cols.size());
    for (std::size_t g = 0; g < groups_; ++g) {
      for (std::size_t w = 0; w < width; ++w) words[g * width + w] = word(g, w);
    }
    sort([&](std::size_t x, std::size_t y) {
      return std::lexicographical_compare(&words[x * width], &words[x * width] + width,
                                          &words[y * width], &words[y * width] + width);
    });
  } else {
    const std::vector<SortKey> keys = ExchangeOrder(plan_);  // ORDER BY, then the group keys
    sort([&](std::size_t x, std::size_t y) { return CompareRows(keys, all, x, all, y) < 0; });
  }
  rows.resize(keep);
  return rows;
}

namespace {

// to = from's rows `order`, one typed loop per column (the final gather of many groups).
void GatherRows(const BatchColumn& from, const std::vector<std::size_t>& order, BatchColumn* to) {
  to->type = from.type;
  if (!from.valid.empty()) {
    to->valid.resize(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) to->valid[i] = from.valid[order[i]];
  }
  if (from.type == Type::kString) {
    to->offsets.resize(order.size() + 1);
    to->offsets[0] = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
      to->chars.append(from.StringAt(order[i]));
      to->offsets[i + 1] = static_cast<std::uint32_t>(to->chars.size());
    }
  } else if (from.type == Type::kFloat64) {
    to->doubles.resize(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) to->doubles[i] = from.doubles[order[i]];
  } else {
    to->ints.resize(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) to->ints[i] = from.ints[order[i]];
  }
}

BatchColumn EvaluateSlots(const Expr& e, const Batch& slots) {
  ExprInput in;
  in.batch = &slots;
  in.n = slots.rows;
  BatchColumn out;
  ExprEvaluator(e).Eval(in, &out);
  return out;
}

}  // namespace

// Slots (the group keys, then each aggregate's final value) -> HAVING, the select-list
// expressions, the result columns; sorted by ORDER BY then the group keys; OFFSET and LIMIT
// (the exchange form keeps OFFSET + LIMIT rows: the gather skips OFFSET).
Batch GroupMerger::Final(bool exchange) const {
  std::vector<Type> types(layout_.types.begin(),
                          layout_.types.begin() + static_cast<std::ptrdiff_t>(layout_.keys));
  for (const AggSpec& a : plan_.aggs) types.push_back(a.result);
  Batch slots = EmptyBatch(types);
  slots.rows = groups_;
  for (std::size_t k = 0; k < layout_.keys; ++k) slots.columns[k] = keys_.columns[k];
  for (std::size_t a = 0; a < states_.size(); ++a) {
    for (std::size_t g = 0; g < groups_; ++g) {
      states_[a]->EmitFinal(g, &slots.columns[layout_.keys + a]);
    }
  }
  DropAllValid(&slots);
  const BatchColumn pass =
      plan_.having.empty() ? BatchColumn() : EvaluateSlots(plan_.having[0], slots);
  Batch all = EmptyBatch(ExchangeTypes(plan_));
  all.rows = groups_;
  for (std::size_t k = 0; k < plan_.result.size(); ++k) {
    const ResultRef& ref = plan_.result[k];
    if (ref.kind != ResultRef::Kind::kGroup && ref.kind != ResultRef::Kind::kAgg) {
      all.columns[k] = EvaluateSlots(plan_.post[static_cast<std::size_t>(ref.index)], slots);
    }
  }
  // The slots move into the result columns (the last use of each; earlier ones copy).
  for (std::size_t k = plan_.result.size(); k-- > 0;) {
    const ResultRef& ref = plan_.result[k];
    if (ref.kind != ResultRef::Kind::kGroup && ref.kind != ResultRef::Kind::kAgg) continue;
    const std::size_t slot = static_cast<std::size_t>(ref.index) +
                             (ref.kind == ResultRef::Kind::kAgg ? layout_.keys : 0);
    bool used_before = false;  // by a column this loop reaches after k
    for (std::size_t j = 0; j < k; ++j) {
      const ResultRef& r = plan_.result[j];
      used_before |= r.kind == ref.kind && r.index == ref.index;
    }
    all.columns[k] = used_before ? slots.columns[slot] : std::move(slots.columns[slot]);
  }
  // The trailing group keys order ties (ORDER BY) and travel in the exchange form.
  const bool trailing_keys = exchange || !plan_.order.empty();
  for (std::size_t k = 0; k < layout_.keys && trailing_keys; ++k) {
    all.columns[plan_.result.size() + k] = keys_.columns[k];
  }
  DropAllValid(&all);
  std::vector<std::size_t> kept;
  for (std::size_t g = 0; g < groups_; ++g) {
    if (plan_.having.empty() || (!pass.IsNull(g) && pass.ints[g] != 0)) kept.push_back(g);
  }
  const std::uint64_t want = plan_.limit ? *plan_.limit + plan_.offset : UINT64_MAX;
  std::vector<std::size_t> order = OutputOrder(
      all, std::move(kept), static_cast<std::size_t>(std::min<std::uint64_t>(want, groups_)));
  if (!exchange) {
    const auto skip =
        static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(plan_.offset, order.size()));
    order.erase(order.begin(), order.begin() + skip);
  }
  Batch out;
  out.columns.resize(exchange ? all.columns.size() : plan_.output.size());
  for (std::size_t c = 0; c < out.columns.size(); ++c) {
    GatherRows(all.columns[c], order, &out.columns[c]);
  }
  out.rows = order.size();
  DropAllValid(&out);
  return out;
}

}  // namespace plume::engine
