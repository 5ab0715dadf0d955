// EXPLAIN: the distributed plan of a bound statement as text (stages, where each runs, the
// merge tree, partition and zone-map pruning), and a plan whose result is that text. Private to
// engine/.
#pragma once

#include <string>

#include "engine/plan_data.h"

namespace plume::engine {

// The plan of `plan` as lines of text.
std::string ExplainText(const PlanData& plan);

// A plan that returns one row (explain_key 'physical_plan', explain_value the text), as
// DuckDB's EXPLAIN does, through the ordinary runtime: no partition row matches it.
PlanData ExplainPlan(const PlanData& explained);

// A VARCHAR constant expression named `name` (for ExplainPlan's result columns).
Expr MakeExplainConstant(std::string value, std::string name);

}  // namespace plume::engine
