// The bound form of a statement, shared by the planner, the executors and the merger.
// Private to engine/: the runtime only sees Plan (query.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/batch.h"
#include "engine/expr.h"
#include "engine/query.h"
#include "engine/row_text.h"
#include "engine/schema.h"
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
  kExpr,       // the BOOLEAN expression expr[0] over the table's columns is true
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
  std::vector<Expr> expr;     // kExpr: one expression
};

// Aggregate functions. The aggregation layer (partial.cpp, group_by.cpp, merge_groups.cpp)
// implements their states; AggregateSupported says which ones it has so far, and the binder
// rejects the others with "unsupported aggregate '<name>'".
enum class AggFn : std::uint8_t {
  kCountStar,
  kCount,
  kSum,
  kAvg,
  kMin,
  kMax,
  kStddevSamp,
  kStddevPop,
  kVarSamp,
  kVarPop,
  kMedian,
  kQuantileCont,  // param: q in [0, 1]
  kQuantileDisc,  // param: q in [0, 1]
  kArgMin,        // column: the value returned; column2: the value minimized
  kArgMax,
  kBoolAnd,
  kBoolOr,
};
inline constexpr AggFn kLastAggFn = AggFn::kBoolOr;

// True when the aggregation layer implements `fn` (with DISTINCT when `distinct`). Defined in
// partial.cpp, next to the stream layout of the states.
bool AggregateSupported(AggFn fn, bool distinct);
// True when the aggregation layer honours AggSpec::filter (FILTER (WHERE ...)). partial.cpp.
bool AggregateFilterSupported();
// DuckDB's name of an aggregate function ("count_star" for count(*)).
std::string_view AggregateName(AggFn fn);
// The result type of `fn` over an argument of type `input` (arg_min/arg_max: the type of the
// returned argument). Throws std::invalid_argument when the function does not take that type.
Type AggregateResultType(AggFn fn, Type input);

// The bound form of one aggregate call, e.g. `quantile_cont(aqi * 2, 0.9) FILTER (WHERE x)`.
// Arguments are columns of the partition's column space: a kSchema index for a plain column,
// or kSchema.size() + k for PlanData::computed[k], an expression over the table's columns that
// the partition evaluates once into a column of its own (MaterializeComputed, computed.h). So
// the aggregation layer reads every argument as a Column (values + NULL mask) at a row index.
struct AggSpec {
  AggFn fn = AggFn::kCountStar;
  bool distinct = false;       // count/sum/avg(DISTINCT x) (and min/max, where it changes nothing)
  int column = -1;             // the argument; -1 for count(*)
  int column2 = -1;            // arg_min/arg_max: the ordering argument; -1 otherwise
  int filter = -1;             // FILTER (WHERE ...): a BOOLEAN column, true = row counts; -1 = none
  double param = 0;            // quantile_cont/quantile_disc: q
  Type input = Type::kInt64;   // type of `column`
  Type input2 = Type::kInt64;  // type of `column2`
  Type result = Type::kInt64;
  bool operator==(const AggSpec& o) const {
    return fn == o.fn && distinct == o.distinct && column == o.column && column2 == o.column2 &&
           filter == o.filter && param == o.param;
  }
};

// True for the functions whose argument is a predicate (BOOLEAN).
inline bool PredicateArgument(AggFn fn) { return fn == AggFn::kBoolAnd || fn == AggFn::kBoolOr; }

// A column of the (unlimited, unordered) result: a table column for a plain SELECT, or a group
// key / aggregate for an aggregate SELECT.
struct ResultRef {
  enum class Kind : std::uint8_t { kColumn, kGroup, kAgg, kExpr };
  Kind kind = Kind::kColumn;
  // kColumn: a column of the partition's column space (a kSchema index or a computed column);
  // kGroup: a group_columns index; kAgg: an aggs index; kExpr: a PlanData::post index.
  int index = 0;
};

struct SortKey {
  int result = 0;  // index into PlanData::result
  bool desc = false;
  bool nulls_first = false;  // DuckDB's default: NULLS LAST for ASC and DESC
};

struct PlanData {
  std::string sql;
  // The columns of the table the plan reads; empty = measurements (kSchema). Another input is
  // the gathered result of an earlier stage of a multi-stage statement (stages.h).
  std::vector<InputColumn> input;
  std::vector<Field> output;      // visible columns: result[0, output.size())
  std::vector<ResultRef> result;  // visible columns, then hidden ones needed only by ORDER BY
  std::vector<Type> result_types;
  bool aggregate = false;
  // Expressions over the table's columns (kColumn = kSchema index) that each partition
  // evaluates into columns of its own: column kSchema.size() + k is computed[k].
  std::vector<Expr> computed;
  std::vector<int> group_columns;  // column space indices (see computed)
  std::vector<AggSpec> aggs;
  // Expressions over the group slots, evaluated on final groups: slot k < group_columns.size()
  // is group key k, slot group_columns.size() + j is the final value of aggs[j].
  std::vector<Expr> post;
  std::vector<Expr> having;  // zero or one BOOLEAN expression over the group slots
  FilterNode filter;         // kLeaf/kTrue when there is no WHERE
  std::vector<SortKey> order;
  std::optional<std::uint64_t> limit;
  std::uint64_t offset = 0;
  std::vector<int> needed_columns;  // kSchema indices read by the statement, ascending
  std::int64_t utc_lo = std::numeric_limits<std::int64_t>::min();
  std::int64_t utc_hi = std::numeric_limits<std::int64_t>::max();
  MergePlan merge = MergePlan::kTree;  // serialized: every rank runs the same distributed plan
  std::string merge_why;               // EXPLAIN only (gateway): why this merge was chosen
  // Plan::WithRowText (plain SELECT only): result[0] is each row's line of text in this format,
  // made from row_text_refs, the statement's visible columns (row_text_fields); result[1..] are
  // the ORDER BY keys, order[k].result = k + 1. Not serialized: every rank derives it.
  RowText row_text = RowText::kNone;
  std::vector<ResultRef> row_text_refs;
  std::vector<Field> row_text_fields;
};

// The columns `plan` reads (kSchema's, or its own input's).
const std::vector<InputColumn>& InputOf(const PlanData& plan);

// The type of column `column` of the partition's column space (a kSchema index or a computed
// column).
Type ColumnSpaceType(const PlanData& plan, int column);

// The type of result column `ref` of `plan`.
Type ResultRefType(const PlanData& plan, const ResultRef& ref);

// Sets plan->merge and merge_why by `options` (engine/merge_choice.cpp).
void ChooseMerge(PlanData* plan, const PlanOptions& options);
// The same choice for an aggregate that reads the shares a window stage left on the data ranks
// (engine/staged.h window_input): kLocal when `local` says why every group is whole in one
// share (its GROUP BY keys include the keys the windows' rows were hashed by), else ChooseMerge's
// estimate, where group key k derives from the measurements columns key_columns[k] (nullopt: a
// window's or an aggregate's value, counted as many as the rows).
void ChooseMergeOverShares(PlanData* plan, const PlanOptions& options,
                           const std::vector<std::optional<std::vector<int>>>& key_columns,
                           const std::string& local);

// The window stage whose input plan is `input` (over measurements) and whose common PARTITION BY
// keys are the output columns `keys` of it: the key that keeps every window partition inside
// one data partition (utc, or a bucket of it no partition boundary splits, over partitions
// whose utc ranges do not overlap), as text for EXPLAIN; empty when there is none, no
// statistics, or --merge exchange forces the exchange (engine/merge_choice.cpp).
std::string PartitionLocalWindowKey(const PlanData& input, const std::vector<std::size_t>& keys,
                                    const PlanOptions& options);

// Fills needed_columns and utc_lo/utc_hi from the rest of `plan`.
void FinishPlan(PlanData* plan);

}  // namespace plume::engine
