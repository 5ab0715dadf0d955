// Merging of partial aggregate states (stream form, partial.h) coming from many partitions or
// teams, keyed by the group key values. Private to engine/ (used by Merger).
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/aggregate.h"
#include "engine/partial.h"
#include "engine/plan_data.h"

namespace plume::engine {

class GroupMerger {
 public:
  explicit GroupMerger(const PlanData& plan);
  // Folds every row of a stream batch (already checked against the layout) into the groups.
  void Add(const Batch& batch);
  // A plan without GROUP BY has one group even when no input had a row (count 0, others NULL).
  void EnsureOneGroup();
  // All groups as partial states (for another level of merging).
  Batch Partial() const;
  // Groups [begin, end) as partial states (bounded emission: a slice per Merger::Pop).
  Batch Partial(std::size_t begin, std::size_t end) const;
  std::size_t groups() const { return groups_; }
  // Frees up to `max_groups` entries of the index (a bounded step of tearing down a million
  // groups, whose frees would otherwise be one long destructor call); true while some remain.
  // Only once the groups are no longer needed (the result was popped or dropped).
  bool Release(std::size_t max_groups);
  // Bytes held by the keys, the index and the states (an estimate: StateBytesPerGroup).
  std::size_t memory_bytes() const;
  // All groups as final values, sorted by ORDER BY and then by the group keys, cut to LIMIT:
  // the visible result columns, or with `exchange` the exchange form (ExchangeTypes). Throws
  // std::runtime_error when a value is out of its type's range (an integer sum beyond BIGINT).
  // Unbounded: GroupFinal (engine/group_final.h) builds the same rows in bounded steps.
  Batch Final(bool exchange = false) const;

 private:
  friend class GroupFinal;  // builds Final() in bounded steps from the keys and states
  std::size_t GroupOf(const Batch& batch, std::size_t row, std::string* scratch);
  void AddEmptyStates();

  const PlanData& plan_;
  StreamLayout layout_;
  Batch keys_;  // one row per group: the key columns
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::unique_ptr<AggregateStates>> states_;
  std::size_t groups_ = 0;
  std::size_t key_bytes_ = 0;    // bytes of the index's keys
  std::size_t state_bytes_ = 0;  // per group
};

}  // namespace plume::engine
