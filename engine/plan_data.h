// The bound form of a statement, shared by the planner, the executors and the merger.
// Private to engine/: the runtime only sees Plan (query.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "engine/batch.h"
#include "engine/table.h"

namespace plume::engine {

enum class CmpOp : std::uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

// One leaf of the WHERE clause after NOTs were pushed down to the leaves (negation normal
// form). Every leaf is "not true" on a NULL input, except kIsNull, so a whole filter is true
// exactly when the boolean (NULL = false) evaluation of the NNF tree is true.
enum class LeafKind : std::uint8_t {
  kCompare,    // column op value
  kIn,         // column [NOT] IN (values); a NULL in the list makes NOT IN never true
  kLike,       // column [NOT] LIKE pattern (strings only)
  kIsNull,     // column IS NULL
  kIsNotNull,  // column IS NOT NULL
  kFalse,      // never true (e.g. a comparison with a NULL literal)
  kTrue,       // always true
};

// A literal bound to its column's type: ints for kInt64/kTimestamp, d for kFloat64, s for
// kString. Int comparisons against non-integral literals are rewritten to exact int bounds.
struct Literal {
  std::int64_t i = 0;
  double d = 0;
  std::string s;
};

struct FilterNode {
  enum class Kind : std::uint8_t { kAnd, kOr, kLeaf };
  Kind kind = Kind::kLeaf;
  std::vector<FilterNode> children;  // kAnd, kOr
  // kLeaf:
  LeafKind leaf = LeafKind::kTrue;
  int column = -1;  // index into kSchema
  CmpOp op = CmpOp::kEq;
  bool negated = false;  // NOT IN, NOT LIKE
  bool list_has_null = false;
  Literal value;              // kCompare; the pattern for kLike (in value.s)
  std::vector<Literal> list;  // kIn
};

enum class AggFn : std::uint8_t {
  kCountStar,
  kCount,
  kSum,
  kAvg,
  kMin,
  kMax,
  kVarSamp,  // var_samp, variance
  kVarPop,
  kStddevSamp,  // stddev_samp, stddev
  kStddevPop,
  kMedian,
  kQuantileCont,
  kQuantileDisc,
  kArgMin,
  kArgMax,
  kBoolAnd,
  kBoolOr,
};

// One aggregate call. The functions, their result types and NULL rules follow DuckDB
// (docs/SQL.md, "Aggregates"); engine/aggregate.h holds their states.
struct AggSpec {
  AggFn fn = AggFn::kCountStar;
  int column = -1;   // the argument (kSchema index); -1 for count(*), bool_and and bool_or
  int column2 = -1;  // arg_min(a, b) / arg_max(a, b): the column b
  Type input = Type::kInt64;
  Type input2 = Type::kInt64;  // b's type
  Type result = Type::kInt64;
  bool distinct = false;  // count/sum/avg(DISTINCT x)
  double quantile = 0.5;  // quantile_cont, quantile_disc, median (0.5); in [0, 1]
  // bool_and/bool_or over a predicate: the rows where it is true and those where it is false
  // (both in negation normal form), so that a NULL (neither) is skipped as SQL requires.
  FilterNode when_true, when_false;
  // FILTER (WHERE ...): only rows where it is true reach the aggregate.
  bool has_filter = false;
  FilterNode filter;
  // DuckDB's name of the call (binder only: equal calls share one state).
  std::string signature;
  bool operator==(const AggSpec& o) const {
    return fn == o.fn && column == o.column && column2 == o.column2 && distinct == o.distinct &&
           quantile == o.quantile && signature == o.signature;
  }
};

// True for the functions whose argument is a predicate (BOOLEAN).
inline bool PredicateArgument(AggFn fn) { return fn == AggFn::kBoolAnd || fn == AggFn::kBoolOr; }

// A column of the (unlimited, unordered) result: a table column for a plain SELECT, or a group
// key / aggregate for an aggregate SELECT.
struct ResultRef {
  enum class Kind : std::uint8_t { kColumn, kGroup, kAgg };
  Kind kind = Kind::kColumn;
  int index = 0;  // kSchema index, group_columns index or aggs index
};

struct SortKey {
  int result = 0;  // index into PlanData::result
  bool desc = false;
  bool nulls_first = false;  // DuckDB's default: NULLS LAST for ASC and DESC
};

struct PlanData {
  std::string sql;
  std::vector<Field> output;      // visible columns: result[0, output.size())
  std::vector<ResultRef> result;  // visible columns, then hidden ones needed only by ORDER BY
  std::vector<Type> result_types;
  bool aggregate = false;
  std::vector<int> group_columns;  // kSchema indices
  std::vector<AggSpec> aggs;
  FilterNode filter;  // kLeaf/kTrue when there is no WHERE
  std::vector<SortKey> order;
  std::optional<std::uint64_t> limit;
  std::vector<int> needed_columns;  // kSchema indices, ascending
  std::int64_t utc_lo = std::numeric_limits<std::int64_t>::min();
  std::int64_t utc_hi = std::numeric_limits<std::int64_t>::max();
};

// Fills needed_columns and utc_lo/utc_hi from the rest of `plan`.
void FinishPlan(PlanData* plan);

}  // namespace plume::engine
