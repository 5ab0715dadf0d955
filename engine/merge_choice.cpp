// The planner's choice between the tree merge and the hash exchange (query.h MergePlan): an
// estimate of the number of groups from the data set's statistics, against a threshold.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/plan_data.h"
#include "engine/schema.h"

namespace plume::engine {
namespace {

std::uint64_t SaturatingMul(std::uint64_t a, std::uint64_t b) {
  if (a != 0 && b > UINT64_MAX / a) return UINT64_MAX;
  return a * b;
}

// An upper bound (or, for utc, an estimate: the data are hourly) of the distinct values of
// table column `c`, NULL included; stats.rows when nothing better is known.
std::uint64_t DistinctOf(const DataStats& stats, int c) {
  const auto k = static_cast<std::size_t>(c);
  if (k < stats.distinct.size() && stats.distinct[k] > 0) return stats.distinct[k] + 1;
  if (c == static_cast<int>(Col::kUtc) && !stats.utc_min.empty()) {
    std::uint64_t hours = 0;
    for (std::size_t p = 0; p < stats.utc_min.size(); ++p) {
      hours += static_cast<std::uint64_t>(stats.utc_max[p] - stats.utc_min[p]) / 3600 + 1;
    }
    return hours;
  }
  if (c == static_cast<int>(Col::kAqi) && stats.aqi_min <= stats.aqi_max) {
    return static_cast<std::uint64_t>(stats.aqi_max - stats.aqi_min) + 2;
  }
  return stats.rows;
}

// The product of the distinct values of the table columns `columns` (each counted once); at
// most the rows.
std::uint64_t EstimateOf(std::vector<int> columns, const DataStats& stats) {
  std::sort(columns.begin(), columns.end());
  columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  std::uint64_t groups = 1;
  for (int c : columns) groups = SaturatingMul(groups, DistinctOf(stats, c));
  return std::min(groups, stats.rows);
}

// Groups of the plan's GROUP BY: the product of its keys' distinct values, where a computed
// key counts as the product of the table columns it reads; at most the rows.
std::uint64_t EstimateGroups(const PlanData& plan, const DataStats& stats) {
  std::vector<int> columns;
  for (int c : plan.group_columns) {
    if (c < static_cast<int>(kSchema.size())) {
      columns.push_back(c);
    } else {
      CollectExprColumns(plan.computed[static_cast<std::size_t>(c) - kSchema.size()], &columns);
    }
  }
  return EstimateOf(std::move(columns), stats);
}

// The estimate's rule, shared by both choices: the exchange from `groups` on.
void ChooseByEstimate(PlanData* plan, const PlanOptions& options, std::uint64_t groups) {
  const bool many = groups >= options.exchange_groups;
  plan->merge = many ? MergePlan::kExchange : MergePlan::kTree;
  plan->merge_why = "about " + std::to_string(groups) + " groups estimated " +
                    (many ? ">= " : "< ") + std::to_string(options.exchange_groups) +
                    " (--exchange-groups)";
}

// ChooseMerge's first rules: true when they decided (no keys, --merge, no statistics).
bool ChooseWithoutEstimate(PlanData* plan, const PlanOptions& options) {
  plan->merge = MergePlan::kTree;
  if (!plan->aggregate || plan->group_columns.empty()) {
    plan->merge_why = "no GROUP BY keys to hash";
    return true;
  }
  if (options.merge != MergeChoice::kAuto) {
    plan->merge = options.merge == MergeChoice::kExchange ? MergePlan::kExchange : MergePlan::kTree;
    plan->merge_why = "forced by --merge";
    return true;
  }
  if (options.stats == nullptr) {
    plan->merge_why = "no data statistics";
    return true;
  }
  return false;
}

bool IsUtc(const Expr& e) { return e.op == ExprOp::kColumn && e.column == int(Col::kUtc); }

// A key that is a non-decreasing function of utc alone: date_trunc(unit, utc), CAST(utc AS
// DATE / TIMESTAMP), utc +/- a constant.
bool MonotoneOfUtc(const Expr& e) {
  switch (e.op) {
    case ExprOp::kFunction:
      return e.fn == ExprFn::kDateTrunc && e.args.size() == 2 &&
             e.args[0].op == ExprOp::kConstant && IsUtc(e.args[1]);
    case ExprOp::kCast:
      return (e.type == Type::kDate || e.type == Type::kTimestamp) && IsUtc(e.args[0]);
    case ExprOp::kAdd:
    case ExprOp::kSub:
      return IsUtc(e.args[0]) && e.args[1].op == ExprOp::kConstant;
    default:
      return false;
  }
}

// The partitions' utc ranges as (min, max), sorted; empty when two overlap.
std::vector<std::pair<std::int64_t, std::int64_t>> DisjointUtcRanges(const DataStats& stats) {
  std::vector<std::pair<std::int64_t, std::int64_t>> r;
  for (std::size_t p = 0; p < stats.utc_min.size(); ++p) {
    r.emplace_back(stats.utc_min[p], stats.utc_max[p]);
  }
  std::sort(r.begin(), r.end());
  for (std::size_t p = 1; p < r.size(); ++p) {
    if (r[p].first <= r[p - 1].second) return {};
  }
  return r;
}

// True when no partition boundary splits a bucket of `key` (a MonotoneOfUtc expression): the
// bucket of one partition's last utc differs from the next partition's first one.
bool BucketsRespectBoundaries(const Expr& key,
                              const std::vector<std::pair<std::int64_t, std::int64_t>>& ranges) {
  Batch b;
  b.columns.resize(kSchema.size());
  BatchColumn& utc = b.columns[static_cast<std::size_t>(Col::kUtc)];
  utc.type = Type::kTimestamp;
  for (std::size_t p = 1; p < ranges.size(); ++p) {
    utc.ints.push_back(ranges[p - 1].second);
    utc.ints.push_back(ranges[p].first);
  }
  b.rows = utc.ints.size();
  BatchColumn out;
  ExprInput in;
  in.batch = &b;
  in.n = b.rows;
  ExprEvaluator(key).Eval(in, &out);
  if (out.ints.size() != b.rows) return false;
  for (std::size_t i = 0; i + 1 < b.rows; i += 2) {
    if (out.IsNull(i) || out.IsNull(i + 1) || out.ints[i] >= out.ints[i + 1]) return false;
  }
  return true;
}

// Column `c` of the plan's column space as a partition-local key: its text ("utc", or the
// bucket of utc no partition boundary splits), empty when it is not one.
std::string LocalKeyText(const PlanData& plan, int c,
                         const std::vector<std::pair<std::int64_t, std::int64_t>>& ranges) {
  if (c == static_cast<int>(Col::kUtc)) return "utc";
  if (c < static_cast<int>(kSchema.size())) return "";
  const Expr& key = plan.computed[static_cast<std::size_t>(c) - kSchema.size()];
  return MonotoneOfUtc(key) && BucketsRespectBoundaries(key, ranges) ? key.text : "";
}

// The GROUP BY key that makes every group partition-local, as text for EXPLAIN; empty if none.
std::string PartitionLocalKey(const PlanData& plan, const DataStats& stats) {
  const auto ranges = DisjointUtcRanges(stats);
  if (ranges.empty()) return "";
  for (int c : plan.group_columns) {
    std::string text = LocalKeyText(plan, c, ranges);
    if (!text.empty()) return text;
  }
  return "";
}

}  // namespace

std::string PartitionLocalWindowKey(const PlanData& input, const std::vector<std::size_t>& keys,
                                    const PlanOptions& options) {
  if (options.merge == MergeChoice::kExchange || options.stats == nullptr) return "";
  const auto ranges = DisjointUtcRanges(*options.stats);
  if (ranges.empty()) return "";
  for (std::size_t k : keys) {
    const ResultRef& ref = input.result.at(k);
    if (input.aggregate || ref.kind != ResultRef::Kind::kColumn) continue;
    std::string text = LocalKeyText(input, ref.index, ranges);
    if (!text.empty()) return text;
  }
  return "";
}

void ChooseMerge(PlanData* plan, const PlanOptions& options) {
  if (ChooseWithoutEstimate(plan, options)) return;
  const std::string local = PartitionLocalKey(*plan, *options.stats);
  if (!local.empty()) {
    plan->merge = MergePlan::kLocal;
    plan->merge_why = "groups are partition-local: GROUP BY " + local +
                      " and the partitions' utc ranges do not overlap";
    return;
  }
  ChooseByEstimate(plan, options, EstimateGroups(*plan, *options.stats));
}

void ChooseMergeOverShares(PlanData* plan, const PlanOptions& options,
                           const std::vector<std::optional<std::vector<int>>>& key_columns,
                           const std::string& local) {
  if (ChooseWithoutEstimate(plan, options)) return;
  if (!local.empty()) {
    plan->merge = MergePlan::kLocal;
    plan->merge_why = "groups are whole in each data rank's share: " + local;
    return;
  }
  std::vector<int> columns;
  for (const std::optional<std::vector<int>>& c : key_columns) {
    if (!c) {  // a window's value or an aggregate's: as many as the rows, at most
      ChooseByEstimate(plan, options, options.stats->rows);
      return;
    }
    columns.insert(columns.end(), c->begin(), c->end());
  }
  ChooseByEstimate(plan, options, EstimateOf(std::move(columns), *options.stats));
}

}  // namespace plume::engine
