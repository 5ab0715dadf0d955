#include "engine/final_rows.h"

#include <algorithm>
#include <numeric>

#include "engine/expr.h"
#include "engine/partial.h"

namespace plume::engine {
namespace {

BatchColumn Evaluate(const Expr& e, const Batch& slots) {
  ExprInput in;
  in.batch = &slots;
  in.n = slots.rows;
  BatchColumn out;
  ExprEvaluator(e).Eval(in, &out);
  return out;
}

// The rows of `slots` for which HAVING is true (all rows without HAVING).
std::vector<std::size_t> Kept(const PlanData& plan, const Batch& slots) {
  std::vector<std::size_t> rows;
  if (plan.having.empty()) {
    rows.resize(slots.rows);
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
  }
  const BatchColumn pass = Evaluate(plan.having[0], slots);
  for (std::size_t r = 0; r < slots.rows; ++r) {
    if (!pass.IsNull(r) && pass.ints[r] != 0) rows.push_back(r);
  }
  return rows;
}

}  // namespace

Batch FinishGroups(const PlanData& plan, const Batch& slots) {
  const std::size_t groups = plan.group_columns.size();
  Batch all = EmptyBatch(plan.result_types);
  all.rows = slots.rows;
  for (std::size_t k = 0; k < plan.result.size(); ++k) {
    const ResultRef& ref = plan.result[k];
    const auto i = static_cast<std::size_t>(ref.index);
    if (ref.kind == ResultRef::Kind::kGroup) {
      all.columns[k] = slots.columns[i];
    } else if (ref.kind == ResultRef::Kind::kAgg) {
      all.columns[k] = slots.columns[groups + i];
    } else {
      all.columns[k] = Evaluate(plan.post[i], slots);
    }
  }
  std::vector<std::size_t> order = Kept(plan, slots);
  if (!plan.order.empty()) {
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      return CompareRows(plan.order, all, x, all, y) < 0;
    });
  }
  const std::size_t skip =
      static_cast<std::size_t>(std::min<std::uint64_t>(plan.offset, order.size()));
  order.erase(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(skip));
  if (plan.limit && *plan.limit < order.size()) order.resize(static_cast<std::size_t>(*plan.limit));
  Batch out = EmptyBatch(plan.result_types);
  for (std::size_t i : order) AppendRow(all, i, &out);
  out.columns.resize(plan.output.size());
  return out;
}

}  // namespace plume::engine
