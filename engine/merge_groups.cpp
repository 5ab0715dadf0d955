#include "engine/merge_groups.h"

#include "engine/expr.h"
#include "engine/group_final.h"
#include "engine/schema.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace plume::engine {
GroupMerger::GroupMerger(const PlanData& plan) : plan_(plan), layout_(MakeStreamLayout(plan)) {
  for (const AggSpec& a : plan.aggs) {
    states_.push_back(MakeAggregateStates(a, false));
    state_bytes_ += StateBytesPerGroup(a);
  }
  keys_ = EmptyBatch(std::vector<Type>(
      layout_.types.begin(), layout_.types.begin() + static_cast<std::ptrdiff_t>(layout_.keys)));
}

std::size_t GroupMerger::GroupOf(const Batch& batch, std::size_t row, std::string* scratch) {
  scratch->clear();
  for (std::size_t c = 0; c < layout_.keys; ++c) AppendKeyBytes(batch.columns[c], row, scratch);
  auto [it, inserted] = index_.try_emplace(*scratch, groups_);
  if (!inserted) return it->second;
  key_bytes_ += scratch->size();
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

bool GroupMerger::Release(std::size_t max_groups) {
  for (std::size_t i = 0; i < max_groups && !index_.empty(); ++i) index_.erase(index_.begin());
  return !index_.empty();
}

std::size_t GroupMerger::memory_bytes() const {
  // An unordered_map node with its std::string key: about 64 bytes besides the key's bytes;
  // the key columns once more in keys_.
  return groups_ * (64 + state_bytes_) + 2 * key_bytes_;
}

// Slots (the group keys, then each aggregate's final value) -> HAVING, the select-list
// expressions, the result columns; sorted by ORDER BY then the group keys; OFFSET and LIMIT
// (the exchange form keeps OFFSET + LIMIT rows: the gather skips OFFSET). GroupFinal's steps,
// all at once.
Batch GroupMerger::Final(bool exchange) const {
  GroupFinal build(*this, exchange);
  while (build.Step()) {
  }
  Batch out;
  build.Pop(build.rows(), &out);
  return out;
}

}  // namespace plume::engine
