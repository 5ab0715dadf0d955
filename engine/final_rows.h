// The last step of an aggregate statement at the gateway: from the final group slots (the group
// keys, then each aggregate's final value) to the result rows: HAVING, the select-list
// expressions over the slots, ORDER BY, OFFSET and LIMIT. Private to engine/ (merge_groups.cpp).
#pragma once

#include "engine/batch.h"
#include "engine/plan_data.h"

namespace plume::engine {

// `slots` has plan.group_columns.size() + plan.aggs.size() columns, one row per group. Returns
// the visible result columns. Throws std::runtime_error for errors of the data (an overflow in
// a select-list expression).
Batch FinishGroups(const PlanData& plan, const Batch& slots);

}  // namespace plume::engine
