// Merging of partial aggregate states (stream form, partial.h) coming from many partitions or
// teams, keyed by the group key values. Private to engine/ (used by Merger).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/aggregate.h"
#include "engine/group_index.h"
#include "engine/partial.h"
#include "engine/plan_data.h"

namespace plume::engine {

class GroupMerger {
 public:
  explicit GroupMerger(const PlanData& plan);
  // Folds every row of a stream batch (already checked against the layout) into the groups.
  void Add(const Batch& batch);
  // The same for rows that are each a group no earlier row had (the one stream of a partition's
  // aggregator, MergePlan::kLocal): appended without hashing. Not mixed with Add (logic_error).
  void AddDistinct(const Batch& batch);
  // A plan without GROUP BY has one group even when no input had a row (count 0, others NULL).
  void EnsureOneGroup();
  // All groups as partial states (for another level of merging).
  Batch Partial() const;
  // Groups [begin, end) as partial states (bounded emission: a slice per Merger::Pop).
  Batch Partial(std::size_t begin, std::size_t end) const;
  std::size_t groups() const { return groups_; }
  // Makes room for `groups` groups in the key columns, the key bytes and the states (no index:
  // it grows in bounded steps), so the Adds up to there never copy a whole table in one call.
  // The key bytes are reserved at 1.25x the average key length, after the first Add when the
  // table is empty.
  // Copies what the table holds (call it while that is small: the gateway calls it once the
  // partitions' counts bound the groups). Never shrinks; the groups() stay as they are.
  void Reserve(std::size_t groups);
  // The estimate memory_bytes() counts per group, without the key bytes.
  std::size_t BytesPerGroup() const { return 8 + state_bytes_ + 16; }
  // Groups the key columns hold room for (Reserve's effect; tests).
  std::size_t reserved() const;
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
  std::string_view KeyOf(std::size_t group) const;  // its key bytes (AppendKeyBytes)
  void AddEmptyStates();
  void ReserveBytes();

  const PlanData& plan_;
  StreamLayout layout_;
  Batch keys_;  // one row per group: the key columns
  // Over the key bytes: group g's are key_arena_[key_ends_[g - 1], key_ends_[g]).
  GroupIndex index_;
  std::string key_arena_;
  std::vector<std::size_t> key_ends_;
  std::vector<std::unique_ptr<AggregateStates>> states_;
  std::size_t groups_ = 0;
  bool distinct_ = false;               // fed by AddDistinct: the index stays empty
  std::size_t distinct_key_bytes_ = 0;  // AddDistinct: bytes of the key columns
  std::size_t state_bytes_ = 0;         // per group
  std::size_t reserve_bytes_for_ = 0;   // Reserve's groups, until the key bytes are reserved
};

}  // namespace plume::engine
