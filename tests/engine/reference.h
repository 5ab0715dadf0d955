// A naive row-at-a-time reference for the SQL subset, written independently of the engine: it
// evaluates a structured statement (QuerySpec) directly over rows, with SQL's 3-valued logic
// and exact numeric comparisons. The same QuerySpec renders to the SQL text the engine parses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/engine/test_table.h"

namespace plume::engine::testing {

enum class RefAgg {
  kCountStar,
  kCount,
  kSum,
  kAvg,
  kMin,
  kMax,
  kVarSamp,
  kVarPop,
  kStddevSamp,
  kStddevPop,
  kMedian,
  kQuantileCont,
  kQuantileDisc,
  kArgMin,
  kArgMax,
  kBoolAnd,
  kBoolOr,
};

// A literal as the statement spells it; `value` is what it means for its column.
struct RefLiteral {
  std::string sql;  // e.g. 42, 4.5, '4.5', 'OZONE', TIMESTAMP '2020-09-12 13:00', NULL
  Value value;      // NULL, int64, double or string (timestamps as int64 seconds)
};

struct RefExpr {
  // kColumns: (column + offset) op column2, two numeric columns (an expression leaf).
  enum class Kind { kAnd, kOr, kNot, kCompare, kBetween, kIn, kLike, kIsNull, kColumns };
  Kind kind = Kind::kCompare;
  std::vector<RefExpr> children;
  int column = 0;              // kSchema index
  std::string op;              // =, <>, !=, <, <=, >, >=
  bool literal_first = false;  // render "literal op column"
  bool negated = false;        // NOT BETWEEN / NOT IN / NOT LIKE / IS NOT NULL
  std::vector<RefLiteral> args;
  int column2 = 0;          // kColumns
  std::int64_t offset = 0;  // kColumns: added to column (rendered only when non-zero)
};

// What an aggregate call has besides its function and first column.
struct RefAggExtra {
  int column2 = 0;                 // arg_min/arg_max: b
  bool distinct = false;           // count/sum/avg(DISTINCT x)
  std::string quantile = "0.5";    // quantile_cont/quantile_disc, as written
  std::vector<RefExpr> predicate;  // bool_and/bool_or: one expression
  std::vector<RefExpr> filter;     // FILTER (WHERE ...): zero or one expression
};

struct RefItem {
  bool aggregate = false;
  RefAgg fn = RefAgg::kCountStar;
  int column = 0;
  RefAggExtra x;
  std::optional<std::string> alias;
};

struct RefOrder {
  enum class By { kColumn, kAlias, kOrdinal, kAggregate };
  By by = By::kColumn;
  int column = 0;  // kColumn, kAggregate
  RefAgg fn = RefAgg::kCountStar;
  RefAggExtra x;  // kAggregate
  int item = 0;   // kAlias, kOrdinal: index into items
  bool desc = false;
  std::optional<bool> nulls_first;  // rendered only when set
};

struct QuerySpec {
  bool star = false;
  std::vector<RefItem> items;
  std::optional<RefExpr> where;
  std::vector<int> group_by;
  std::vector<RefOrder> order_by;
  std::optional<std::uint64_t> limit;

  bool IsAggregate() const;
  std::string Sql() const;
  // DuckDB's result column names.
  std::vector<std::string> ColumnNames() const;
};

struct RefResult {
  bool error = false;  // an integer sum outside BIGINT
  // The complete result before LIMIT, sorted when ORDER BY is given; rows carry the visible
  // columns. tie_group[i] numbers the runs of rows whose ORDER BY keys are equal.
  std::vector<Row> rows;
  std::vector<int> tie_group;
};

RefResult Evaluate(const QuerySpec& q, const std::vector<Row>& table);

}  // namespace plume::engine::testing
