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

struct RefExpr;

// A scalar expression (select items, aggregate arguments, WHERE leaves): numbers with plume's
// type rules (BIGINT op BIGINT is BIGINT, an overflow an error; with a DOUBLE or a decimal
// literal DOUBLE; `/` DOUBLE), CASE and COALESCE (lazy), `||` and length() of strings.
struct RefScalar {
  enum class Kind {
    kColumn,
    kConst,  // lit (an integer, a decimal or a string)
    kAdd,    // args[0] + args[1]
    kSub,
    kMul,
    kDiv,     // args[1] a non-zero constant
    kIntDiv,  // `//` of a BIGINT by a positive constant
    kMod,     // `%` of a BIGINT by a positive constant
    kNeg,
    kAbs,
    kCase,      // CASE WHEN cond[0] THEN args[0] ELSE args[1] END
    kCoalesce,  // args[0], args[1]
    kConcat,    // args[0] || args[1] (strings)
    kLength,    // length(args[0]) (characters)
  };
  Kind kind = Kind::kColumn;
  int column = 0;
  RefLiteral lit;
  std::vector<RefScalar> args;
  std::vector<RefExpr> cond;
  bool real = false;  // the result is DOUBLE (else BIGINT, or VARCHAR for strings)
  bool text = false;  // the result is VARCHAR
  // The result is INTEGER (DuckDB's type of an integer literal within INT32 and of arithmetic
  // of INTEGERs): beyond INT32 it overflows, as DuckDB's INTEGER does.
  bool int32 = false;
};

struct RefExpr {
  // kColumns: (column + offset) op column2, two numeric columns (an expression leaf).
  // kScalar: scalar[0] op args[0] (an expression compared with a literal).
  enum class Kind { kAnd, kOr, kNot, kCompare, kBetween, kIn, kLike, kIsNull, kColumns, kScalar };
  Kind kind = Kind::kCompare;
  std::vector<RefExpr> children;
  int column = 0;              // kSchema index
  std::string op;              // =, <>, !=, <, <=, >, >=
  bool literal_first = false;  // render "literal op column"
  bool negated = false;        // NOT BETWEEN / NOT IN / NOT LIKE / IS NOT NULL
  std::vector<RefLiteral> args;
  int column2 = 0;                // kColumns
  std::int64_t offset = 0;        // kColumns: added to column (rendered only when non-zero)
  std::vector<RefScalar> scalar;  // kScalar
  // kBetween / kIn over a BIGINT with a DOUBLE literal among them (1e-400): DuckDB's common type
  // is DOUBLE, the column's values are compared as DOUBLEs (args hold doubles then).
  bool doubles = false;
};

// What an aggregate call has besides its function and first column.
struct RefAggExtra {
  int column2 = 0;                 // arg_min/arg_max: b
  bool distinct = false;           // count/sum/avg(DISTINCT x)
  std::string quantile = "0.5";    // quantile_cont/quantile_disc, as written
  std::vector<RefExpr> predicate;  // bool_and/bool_or: one expression
  std::vector<RefExpr> filter;     // FILTER (WHERE ...): zero or one expression
  std::vector<RefScalar> arg;      // zero, or one expression in place of the column
};

struct RefItem {
  bool aggregate = false;
  RefAgg fn = RefAgg::kCountStar;
  int column = 0;
  RefAggExtra x;
  std::optional<std::string> alias;
  std::vector<RefScalar> expr;  // a plain item: zero, or one expression in place of the column
};

// HAVING fn(...) op literal.
struct RefHaving {
  RefAgg fn = RefAgg::kCountStar;
  int column = 0;
  RefAggExtra x;
  std::string op;
  RefLiteral lit;
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
  bool distinct = false;  // SELECT DISTINCT (plain statements)
  std::optional<RefHaving> having;
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
  bool error = false;     // an integer sum outside BIGINT, a DECIMAL beyond 38 digits
  bool overflow = false;  // a BIGINT expression overflowed on a row the statement evaluates
  // The complete result before LIMIT, sorted when ORDER BY is given; rows carry the visible
  // columns. tie_group[i] numbers the runs of rows whose ORDER BY keys are equal.
  std::vector<Row> rows;
  std::vector<int> tie_group;
};

RefResult Evaluate(const QuerySpec& q, const std::vector<Row>& table);
// The integer type of each result column the reference types exactly (an integer expression
// in the select list, or min/max/quantile_disc/sum/count over one): kInt32 or kInt64, in
// ColumnNames' order; nullopt for the columns it leaves unchecked.
std::vector<std::optional<Type>> IntegerTypes(const QuerySpec& q);
// One scalar expression over one row (a BIGINT overflow gives NULL and is reported by Evaluate).
Value EvalScalar(const RefScalar& e, const Row& row);

// Whether the engine types `e` DECIMAL: a decimal literal in + - * CASE COALESCE neg abs with no
// DOUBLE (a DOUBLE column, `/`) among its operands. Its arithmetic is exact, as DuckDB's.
bool IsDecimalExpr(const RefScalar& e);

}  // namespace plume::engine::testing
