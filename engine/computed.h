// Computed columns (PlanData::computed): expressions over a partition's table columns that the
// partition evaluates once into columns of its own, so that aggregates, group keys and results
// read them like table columns (column kSchema.size() + k is computed[k]). Private to engine/.
#pragma once

#include <cstddef>
#include <vector>

#include "engine/expr.h"
#include "engine/table.h"

namespace plume::engine {

// Evaluates `e` for every row [0, rows) of the table whose columns are `columns` (by kSchema
// index; nullptr where not needed) in runs of kBlockRows. Strings become a sorted dictionary
// with codes, as in a table column. Throws what the evaluator throws (errors of the data).
Column MaterializeComputed(const Expr& e, const std::vector<const Column*>& columns,
                           std::size_t rows);

}  // namespace plume::engine
