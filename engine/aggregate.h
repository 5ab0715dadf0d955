// The aggregate-function abstraction: one AggregateStates object holds the per-group states of
// one aggregate of a statement, for every group of a group table. The same class serves both
// sides of a distributed aggregation:
//   - a partition folds its selected rows into the states (Update), reading the argument
//     column(s) of its table by row index, and emits them in stream form (EmitPartial);
//   - a leader or the gateway folds stream rows of many partial states into its own states
//     (Merge) and emits them again (EmitPartial) or finalizes them (EmitFinal).
// Every function's partial state, merge and finalize live in one place (aggregate_*.cpp).
// Merging is exact or order-independent for every function (docs/SQL.md, "Determinism"), so an
// answer does not depend on how partitions are grouped into teams or when their states arrive.
// Private to engine/.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "engine/batch.h"
#include "engine/plan_data.h"
#include "engine/table.h"

namespace plume::engine {

// The arguments of one aggregate over a partition: columns of the partition's column space
// (table or computed columns, plan_data.h) indexed by row id.
//   arg:    the value argument (nullptr for count(*)); for bool_and/bool_or a BOOLEAN column
//   arg2:   the ordering argument b of arg_min(a, b) / arg_max(a, b), else nullptr
//   filter: FILTER (WHERE ...) as a BOOLEAN column (rows where it is true count), else nullptr;
//           applied by the caller before Update.
struct AggArgs {
  const Column* arg = nullptr;
  const Column* arg2 = nullptr;
  const Column* filter = nullptr;
};

class AggregateStates {
 public:
  virtual ~AggregateStates() = default;
  // Grows the table to `groups` groups; the new ones hold the empty state.
  virtual void Resize(std::size_t groups) = 0;
  // Reserves room for `groups` groups without growing the table, so the Resizes up to there
  // copy nothing (a doubling at millions of groups was one long call: issue 12 item 2).
  virtual void Reserve(std::size_t groups) = 0;
  // Partition side: folds table row rows[i] into group gids[i], i < n. NULL arguments are
  // skipped as DuckDB does (count(*) counts every row).
  virtual void Update(const AggArgs& args, const std::uint32_t* rows, const std::uint32_t* gids,
                      std::size_t n) = 0;
  // Update when every gids[i] is `group` (the partitions are sorted, so a GROUP BY on a leading
  // sort key sees long runs of one group). rows ascend, as in Update. States override it to
  // fold the run in registers; the default calls Update.
  virtual void UpdateOneGroup(const AggArgs& args, const std::uint32_t* rows,
                              const std::uint32_t* gids, std::size_t n);
  // Merge side: folds the partial state in row `row` of `batch` (its columns from `first`, as
  // PartialTypes says) into `group`. Throws std::runtime_error for a malformed state.
  virtual void Merge(const Batch& batch, std::size_t first, std::size_t row, std::size_t group) = 0;
  // Appends the partial state of `group` to out[0, PartialTypes().size()).
  virtual void EmitPartial(std::size_t group, BatchColumn* out) const = 0;
  // Appends the final value of `group` (type spec.result) to *out. Throws std::runtime_error
  // when the value is out of its type's range (an integer sum beyond BIGINT, ...).
  virtual void EmitFinal(std::size_t group, BatchColumn* out) const = 0;
};

// True when `spec` is a DISTINCT aggregate whose answer the DISTINCT changes (count, sum, avg,
// the quantiles, the variances): its state is then the set of distinct values.
bool DistinctByValues(const AggSpec& spec);
// The stream columns of an aggregate's partial state (docs/PROTOCOL.md, "Partial states").
std::vector<Type> PartialTypes(const AggSpec& spec);
// What one group's state of `spec` holds in memory, for the memory guard (--memory-limit): 16
// bytes per partial column; value-count states (DISTINCT, quantiles) count their first value.
std::size_t StateBytesPerGroup(const AggSpec& spec);
// `partition`: states fed by Update (string values held as dictionary codes of the column
// given to Update, which must outlive the states); otherwise fed by Merge.
std::unique_ptr<AggregateStates> MakeAggregateStates(const AggSpec& spec, bool partition);

// Appending one value to a stream column (the valid vector is kept in step).
void PushInt(BatchColumn* c, std::int64_t v, bool null);
void PushDouble(BatchColumn* c, double v, bool null);
void PushWide(BatchColumn* c, Int128 v, bool null);  // HUGEINT
void PushString(BatchColumn* c, std::string_view v, bool null);
void PushNull(BatchColumn* c);  // by c->type
// *sum += v for a HUGEINT sum, with DuckDB's error ("Overflow in HUGEINT addition") beyond
// INT128.
void AddHuge(Int128* sum, Int128 v);

// The factories of each family (aggregate_*.cpp), used by MakeAggregateStates.
std::unique_ptr<AggregateStates> MakeBasicStates(const AggSpec& spec, bool partition);
std::unique_ptr<AggregateStates> MakeMomentStates(const AggSpec& spec);
// Appends the final value of the variance or standard deviation `spec.fn` of `values` (one
// group) to *out, as MomentStates computes it: var_samp(DISTINCT x) and the like.
void EmitMomentsOf(const AggSpec& spec, const std::vector<double>& values, BatchColumn* out);
std::unique_ptr<AggregateStates> MakeValueStates(const AggSpec& spec, bool partition);
std::unique_ptr<AggregateStates> MakeArgStates(const AggSpec& spec, bool partition);

// 10^scale for a DECIMAL type (its values are units of 10^-scale), 1 for any other type.
inline long double DecimalUnit(Type t) {
  long double u = 1;
  for (int i = 0; IsDecimal(t) && i < DecimalScale(t); ++i) u *= 10;
  return u;
}

}  // namespace plume::engine
