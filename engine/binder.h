// Binds a parsed statement to the measurements schema: resolves names, checks types, converts
// literals and pushes NOTs down to the leaves of the filter. Private to engine/.
#pragma once

#include "engine/plan_data.h"
#include "engine/sql_ast.h"

namespace plume::engine {

// Throws SqlError (unknown column, type mismatch, bad literal, misuse of aggregates).
PlanData Bind(const StatementAst& st, std::string_view sql);

// kSchema index of a column; throws SqlError "unknown column" at its position.
int ResolveColumnIndex(const ColumnAst& c);

// The filter tree for one WHERE expression; `negate` applies a NOT above it.
FilterNode BindFilter(const ExprAst& e, bool negate);

}  // namespace plume::engine
