// Splitting a parsed statement into stages, and substituting the results of subquery stages
// into the stages that use them. Private to engine/ (the public side is staged.h).
#pragma once

#include <string>
#include <vector>

#include "engine/sql_ast.h"
#include "engine/table.h"
#include "engine/window.h"

namespace plume::engine {

struct StageAst {
  enum class Role : std::uint8_t { kTable, kScalar, kIn, kResult, kWindow };
  std::string name;
  Role role = Role::kTable;
  // Resolved: `source` is the stage FROM reads (-1: measurements), every kSubquery node has its
  // `stage` and no `subquery`, `with` and `from_subquery` are empty.
  StatementAst ast;
  // kWindow: the window functions computed over the stage's gathered result (their arguments
  // and keys are columns "$eN" of it) into columns "$wN" that the next stage reads.
  std::vector<WindowCall> windows;
};

// Children first; the last stage is `st` itself (role kResult). A CTE that nothing reads is not
// a stage (DuckDB does not run it either); one read twice is one stage.
std::vector<StageAst> SplitStages(const StatementAst& st);

// Replaces every kSubquery node of `st` by its value: with `results` (results[k]: the result of
// stage k), a scalar subquery's one value (NULL for no row; SqlError for more than one) cast to
// its type and an IN subquery's distinct values as the IN list; without (`results` null), typed
// NULLs. `types[k]` is stage k's one column type.
void SubstituteSubqueries(StatementAst* st, const std::vector<Table>* results,
                          const std::vector<Type>& types);

}  // namespace plume::engine
