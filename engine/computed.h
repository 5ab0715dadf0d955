// Computed columns of a partition: PlanData::computed evaluated once, for the rows the filter
// selected, into Columns of their own (column kSchema.size() + k of the partition's column
// space), so that group keys, aggregate arguments, sort keys and output columns that are
// expressions are read like table columns. Private to engine/.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/plan_data.h"
#include "engine/table.h"

namespace plume::engine {

class ComputedColumns {
 public:
  ComputedColumns();
  ~ComputedColumns();
  ComputedColumns(const ComputedColumns&) = delete;
  ComputedColumns& operator=(const ComputedColumns&) = delete;

  // Evaluates every computed column of `plan` for rows[0, n) of a table of `table_rows` rows
  // (rows not listed hold NULL) and appends pointers to them to *columns, which holds the
  // kSchema columns. Throws std::runtime_error for errors of the data (e.g. BIGINT overflow).
  void Materialize(const PlanData& plan, const std::uint32_t* rows, std::size_t n,
                   std::size_t table_rows, std::vector<const Column*>* columns);

  // The same in bounded steps: Begin, then Add for consecutive slices of the selected rows (each
  // evaluates the slice only), then Finish with all of them (renumbers string codes: one pass),
  // which appends the column pointers. `plan` and the table columns must outlive the steps.
  void Begin(const PlanData& plan, std::size_t table_rows,
             const std::vector<const Column*>& columns);
  void Add(const std::uint32_t* rows, std::size_t n);
  void Finish(const std::uint32_t* rows, std::size_t n, std::vector<const Column*>* columns);
  // Bytes held by the computed columns.
  std::size_t memory_bytes() const;

 private:
  struct State;  // per column while Adding: its evaluator, first-seen string ids
  const PlanData* plan_ = nullptr;
  std::vector<const Column*> inputs_;  // the table columns the expressions read
  std::vector<Column> storage_;
  std::vector<std::unique_ptr<State>> states_;
};

// Scatters evaluated non-string values (and the NULL mask) for table rows `rows` into `out`,
// whose vectors hold a value per table row. Computed columns have no zone maps: filters never
// read them. Strings get a sorted dictionary in Materialize (codes compare like the strings).
void ScatterInto(const BatchColumn& values, const std::uint32_t* rows, Column* out);

}  // namespace plume::engine
