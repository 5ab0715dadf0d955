// Partial aggregation of one partition: hashes the group keys of the selected rows (string keys
// by dictionary code) and folds the aggregates into per-group states, then emits the states in
// the stream form of partial.h. Private to engine/.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/aggregate.h"
#include "engine/group_index.h"
#include "engine/partial.h"
#include "engine/plan_data.h"
#include "engine/table.h"

namespace plume::engine {

class PartitionAggregator {
 public:
  // columns[i]: the column of column-space index i (table columns by kSchema index, then the
  // plan's computed columns; nullptr if not needed). They must outlive the aggregator.
  PartitionAggregator(const PlanData& plan, const std::vector<const Column*>& columns);
  // Reserves (allocates, does not touch) the keys and states of at most `groups` groups (fewer
  // when the keys are dense and their codes are fewer), so that no Consume copies the group
  // table to grow it: at 10x a doubling of a million groups' keys and states was one 10-27 ms
  // step of a data rank, for which a cancel waited. Reserved room counts in memory_bytes() only
  // as groups fill it (untouched pages are not resident).
  void ReserveGroups(std::size_t groups);
  void Consume(const std::uint32_t* rows, std::size_t n);
  // Groups so far. A plan without GROUP BY always has exactly one group.
  std::size_t groups() const { return groups_; }
  // The states of groups [begin, end) in stream form.
  Batch Emit(std::size_t begin, std::size_t end) const;
  // Bytes held by the group table and the states (an estimate: StateBytesPerGroup).
  std::size_t memory_bytes() const;
  // Bytes of one group's key (a wide key column takes two words).
  std::size_t key_bytes() const { return 8 * width_; }

 private:
  struct DenseKey {
    std::int64_t base = 0;
    std::int64_t step = 1;
    std::uint64_t card = 0;  // codes, NULL's included; 0 = the column is not dense
  };
  static DenseKey DenseKeyOf(const Column& c);
  std::uint32_t FindOrAdd(const std::uint64_t* key, std::uint64_t hash);
  std::uint32_t AddGroup(const std::uint64_t* key);
  void DenseIds(const std::uint32_t* rows, std::size_t n);
  bool OneKeyChunk(const std::uint32_t* rows, std::size_t n);
  std::size_t OneKeyBlock(const std::uint32_t* rows, std::size_t n);
  void KeysOf(const std::uint32_t* rows, std::size_t n);
  void EmitKeys(std::size_t column, std::size_t begin, std::size_t end, BatchColumn* out) const;
  // one_group: every row of the chunk is in one group (AggregateStates::UpdateOneGroup).
  void Update(std::size_t agg, const std::uint32_t* rows, std::size_t n, bool one_group);
  void BindArguments(const std::vector<const Column*>& columns);

  const PlanData& plan_;
  StreamLayout layout_;
  std::vector<const Column*> key_columns_;
  std::vector<const Column*> agg_columns_;
  std::size_t width_;  // words per key: per group column one (wide: two) + a NULL mask
  std::vector<std::size_t> key_word_;  // per group column its first word in a key
  bool wide_keys_ = false;             // a group column is wide (IsWidePhysical)
  std::vector<std::uint64_t> keys_;    // groups_ * width_
  std::size_t reserved_words_ = 0;     // keys_'s capacity from ReserveGroups
  GroupIndex index_;
  // Keys whose codes (dictionary codes of strings, (value - min) / step of integers with zone
  // maps; NULL the last code) have a small product: the combined code indexes this table
  // directly (group + 1, 0 = none) instead of hashing.
  std::vector<DenseKey> dense_keys_;
  std::vector<std::uint32_t> dense_;
  std::size_t groups_ = 0;
  std::vector<std::unique_ptr<AggregateStates>> states_;
  std::vector<AggArgs> args_;
  std::vector<Column> predicates_;                    // BOOLEAN arguments of bool_and/bool_or
  std::vector<std::vector<std::uint8_t>> masks_;      // per aggregate: FILTER (1 = row passes)
  std::vector<std::uint64_t> row_keys_;               // scratch: keys of one chunk
  std::vector<std::uint32_t> gids_;                   // scratch: group of each row of one chunk
  std::vector<std::uint32_t> kept_rows_, kept_gids_;  // scratch: rows passing a FILTER
};

}  // namespace plume::engine
