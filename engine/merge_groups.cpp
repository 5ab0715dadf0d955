#include "engine/merge_groups.h"

#include "engine/expr.h"
#include "engine/group_final.h"
#include "engine/schema.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

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
  const std::uint64_t hash = std::hash<std::string_view>()(*scratch);
  std::size_t at = 0;
  const std::uint64_t found = index_.Find(
      hash, [&](std::uint64_t g) { return KeyOf(g) == *scratch; }, &at);
  if (found != GroupIndex::kNone) return found;
  key_arena_ += *scratch;
  key_ends_.push_back(key_arena_.size());
  for (std::size_t c = 0; c < layout_.keys; ++c) {
    AppendValue(batch.columns[c], row, keys_.rows, &keys_.columns[c]);
  }
  ++keys_.rows;
  AddEmptyStates();
  ++groups_;
  index_.Insert(at, hash, groups_ - 1, groups_,
                [&](std::uint64_t g) { return std::hash<std::string_view>()(KeyOf(g)); });
  return groups_ - 1;
}

std::string_view GroupMerger::KeyOf(std::size_t group) const {
  const std::size_t begin = group == 0 ? 0 : key_ends_[group - 1];
  return std::string_view(key_arena_).substr(begin, key_ends_[group] - begin);
}

void GroupMerger::AddEmptyStates() {
  for (auto& st : states_) st->Resize(groups_ + 1);
}

void GroupMerger::Reserve(std::size_t groups) {
  if (groups <= groups_) return;
  for (BatchColumn& c : keys_.columns) {
    if (c.type == Type::kString) {
      c.offsets.reserve(groups + 1);
    } else if (c.type == Type::kFloat64) {
      c.doubles.reserve(groups);
    } else if (IsWidePhysical(c.type)) {
      c.wide.reserve(groups);
    } else {
      c.ints.reserve(groups);
    }
    if (!c.valid.empty()) c.valid.reserve(groups);
  }
  if (!distinct_) key_ends_.reserve(groups);
  for (auto& st : states_) st->Reserve(groups);
  reserve_bytes_for_ = groups;
  if (groups_ > 0) ReserveBytes();
}

// The key bytes (the arena, string key columns' chars) at 1.25x the average so far, once there
// are groups to average over: 7.9M groups' keys doubled as one 240 MB copy otherwise.
void GroupMerger::ReserveBytes() {
  const std::size_t groups = reserve_bytes_for_;
  reserve_bytes_for_ = 0;
  auto room = [&](std::size_t bytes) { return bytes / groups_ * groups / 4 * 5; };
  for (BatchColumn& c : keys_.columns) {
    if (c.type == Type::kString) c.chars.reserve(room(c.chars.size()));
  }
  if (!distinct_) key_arena_.reserve(room(key_arena_.size()));
}

std::size_t GroupMerger::reserved() const {
  std::size_t room = distinct_ ? static_cast<std::size_t>(-1) : key_ends_.capacity();
  for (const BatchColumn& c : keys_.columns) {
    room = std::min(room, c.type == Type::kString    ? c.offsets.capacity() - 1
                          : c.type == Type::kFloat64 ? c.doubles.capacity()
                          : IsWidePhysical(c.type)   ? c.wide.capacity()
                                                     : c.ints.capacity());
  }
  return room;
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
  if (reserve_bytes_for_ > 0 && groups_ > 0) ReserveBytes();
}

void GroupMerger::AddDistinct(const Batch& batch) {
  if (groups_ > 0 && !distinct_) throw std::logic_error("GroupMerger::AddDistinct after Add");
  distinct_ = true;
  for (std::size_t c = 0; c < layout_.keys; ++c) {
    const BatchColumn& from = batch.columns[c];
    AppendColumnRows(from, 0, batch.rows, keys_.rows, &keys_.columns[c]);
    distinct_key_bytes_ += from.type == Type::kString  ? from.chars.size() + 4 * batch.rows
                           : IsWidePhysical(from.type) ? 16 * batch.rows
                                                       : 8 * batch.rows;
  }
  keys_.rows += batch.rows;
  for (auto& st : states_) st->Resize(groups_ + batch.rows);
  for (std::size_t a = 0; a < states_.size(); ++a) {
    for (std::size_t r = 0; r < batch.rows; ++r) {
      states_[a]->Merge(batch, layout_.agg_first[a], r, groups_ + r);
    }
  }
  groups_ += batch.rows;
  if (reserve_bytes_for_ > 0 && groups_ > 0) ReserveBytes();
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
  return groups_ * (8 + state_bytes_) + index_.memory_bytes() + 2 * key_arena_.size();
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
