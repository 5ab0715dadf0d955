#include "engine/merge_groups.h"

#include "engine/schema.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace plume::engine {
namespace {

void KeyBytes(const BatchColumn& c, std::size_t row, std::string* out) {
  if (c.IsNull(row)) {
    out->push_back('\0');
    return;
  }
  out->push_back('\1');
  if (c.type == Type::kString) {
    const std::string_view s = c.StringAt(row);
    const auto n = static_cast<std::uint32_t>(s.size());
    out->append(reinterpret_cast<const char*>(&n), sizeof n);
    out->append(s);
  } else if (c.type == Type::kFloat64) {
    const double d = c.doubles[row] == 0 ? 0.0 : c.doubles[row];
    out->append(reinterpret_cast<const char*>(&d), sizeof d);
  } else {
    out->append(reinterpret_cast<const char*>(&c.ints[row]), sizeof(std::int64_t));
  }
}

}  // namespace

GroupMerger::GroupMerger(const PlanData& plan) : plan_(plan), layout_(MakeStreamLayout(plan)) {
  for (const AggSpec& a : plan.aggs) states_.push_back(MakeAggregateStates(a, false));
  keys_ = EmptyBatch(std::vector<Type>(
      layout_.types.begin(), layout_.types.begin() + static_cast<std::ptrdiff_t>(layout_.keys)));
}

std::size_t GroupMerger::GroupOf(const Batch& batch, std::size_t row, std::string* scratch) {
  scratch->clear();
  for (std::size_t c = 0; c < layout_.keys; ++c) KeyBytes(batch.columns[c], row, scratch);
  auto [it, inserted] = index_.try_emplace(*scratch, groups_);
  if (!inserted) return it->second;
  for (std::size_t c = 0; c < layout_.keys; ++c) {
    AppendValue(batch.columns[c], row, keys_.rows, &keys_.columns[c]);
  }
  ++keys_.rows;
  AddEmptyStates();
  return groups_++;
}

void GroupMerger::AddEmptyStates() {
  for (auto& st : states_) st->Resize(groups_ + 1);
}

void GroupMerger::EnsureOneGroup() {
  if (!plan_.group_columns.empty() || groups_ > 0) return;
  index_.emplace(std::string(), 0);
  AddEmptyStates();
  keys_.rows = 1;
  groups_ = 1;
}

void GroupMerger::Add(const Batch& batch) {
  std::string scratch;
  for (std::size_t r = 0; r < batch.rows; ++r) {
    const std::size_t g = GroupOf(batch, r, &scratch);
    for (std::size_t a = 0; a < states_.size(); ++a) {
      states_[a]->Merge(batch, layout_.agg_first[a], r, g);
    }
  }
}

Batch GroupMerger::Partial() const {
  Batch b = EmptyBatch(layout_.types);
  for (std::size_t c = 0; c < layout_.keys; ++c) b.columns[c] = keys_.columns[c];
  b.rows = groups_;
  for (std::size_t a = 0; a < states_.size(); ++a) {
    BatchColumn* out = &b.columns[layout_.agg_first[a]];
    for (std::size_t g = 0; g < groups_; ++g) states_[a]->EmitPartial(g, out);
  }
  DropAllValid(&b);
  return b;
}

std::vector<std::size_t> GroupMerger::OutputOrder(const Batch& all) const {
  std::vector<std::size_t> order(groups_);
  std::iota(order.begin(), order.end(), 0);
  auto less = [&](std::size_t x, std::size_t y) {
    const int c = CompareRows(plan_.order, all, x, all, y);
    if (c != 0) return c < 0;
    for (std::size_t k = 0; k < layout_.keys; ++k) {
      const int kc = CompareValues(keys_.columns[k], x, keys_.columns[k], y);
      if (kc != 0) return kc < 0;
    }
    return false;  // equal keys are one group
  };
  const std::size_t keep =
      plan_.limit && *plan_.limit < order.size() ? static_cast<std::size_t>(*plan_.limit) : groups_;
  if (keep < order.size() / 8) {
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep), order.end(),
                      less);
  } else {
    std::sort(order.begin(), order.end(), less);
  }
  order.resize(keep);
  return order;
}

Batch GroupMerger::Final() const {
  Batch all = EmptyBatch(plan_.result_types);
  all.rows = groups_;
  for (std::size_t k = 0; k < plan_.result.size(); ++k) {
    const ResultRef& ref = plan_.result[k];
    BatchColumn* out = &all.columns[k];
    if (ref.kind == ResultRef::Kind::kGroup) {
      *out = keys_.columns[static_cast<std::size_t>(ref.index)];
      continue;
    }
    const AggregateStates& st = *states_[static_cast<std::size_t>(ref.index)];
    for (std::size_t g = 0; g < groups_; ++g) st.EmitFinal(g, out);
  }
  DropAllValid(&all);
  Batch out = EmptyBatch(plan_.result_types);
  for (std::size_t i : OutputOrder(all)) AppendRow(all, i, &out);
  out.columns.resize(plan_.output.size());
  return out;
}

}  // namespace plume::engine
