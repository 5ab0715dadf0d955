// Syntax tree of one statement, before binding. Private to engine/.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/plan_data.h"

namespace plume::engine {

struct ColumnAst {
  std::string name;     // lower-cased (identifiers are case-insensitive)
  std::string written;  // as written, with its qualifier: how DuckDB names an aggregate's argument
  std::string qualifier;  // lower-cased table name or alias before '.', empty when none
  std::size_t pos = 0;
  bool quoted = false;  // written "like this"
  std::string spelled;  // the name without its qualifier, as written (quotes removed)
};

struct LiteralAst {
  // kDecimal: digits with a '.', no exponent (DuckDB's DECIMAL); kDouble: with an exponent.
  enum class Kind : std::uint8_t {
    kNull,
    kInteger,
    kDecimal,
    kDouble,
    kString,
    kTimestamp,
    kDate,
    kBool
  };
  Kind kind = Kind::kNull;
  std::string text;  // digits for numbers (with a leading '-' when negated), content for strings
  std::size_t pos = 0;
};

struct StatementAst;
struct WindowAst;

// One expression node. `op` names the operator for kOp ("+", "-", "*", "/", "//", "%", "||",
// "=", "<>", "<", "<=", ">", ">=", "and", "or", "not", "neg", "is distinct", "is not distinct"),
// the function for kFunction (lower-cased), the target type for kCast, the unit for kInterval.
struct ExprAst {
  enum class Kind : std::uint8_t {
    kColumn,
    kLiteral,
    kOp,
    kFunction,  // args; distinct/star/filter for aggregates
    kCase,      // args: [operand,] when, then, ..., [else]; has_operand, has_else
    kCast,      // args[0] AS op
    kBetween,   // args: value, lo, hi; negated
    kIn,        // args: value, list...; negated
    kLike,      // args: value, pattern; negated; ilike
    kIsNull,    // args[0]; negated = IS NOT NULL
    kInterval,  // args[0] (a number) of unit op: hour, day, minute, second
    kStar,      // '*' as a function argument (count(*))
    kSubquery,  // (SELECT ...): a scalar subquery, or IN's only list item for IN (SELECT ...)
  };
  Kind kind = Kind::kLiteral;
  std::string op;
  ColumnAst column;
  LiteralAst literal;
  std::vector<ExprAst> args;
  std::vector<ExprAst> filter;  // FILTER (WHERE ...): zero or one
  bool negated = false;
  bool ilike = false;
  bool ignore_nulls = false;  // a window function's IGNORE NULLS (RESPECT NULLS: false)
  bool nulls_clause = false;  // IGNORE NULLS or RESPECT NULLS was written
  bool distinct = false;
  bool has_operand = false;
  bool has_else = false;
  bool from_extract = false;  // kFunction date_part written as EXTRACT (DuckDB names it main.)
  std::size_t pos = 0;
  // kSubquery: the parsed subquery, and (once the statement is split into stages, stages.h)
  // the index of the stage whose result it reads.
  std::shared_ptr<const StatementAst> subquery;
  int stage = -1;
  // kFunction with OVER (...): a window function call.
  std::shared_ptr<const WindowAst> window;
};

// One end of a window frame: UNBOUNDED PRECEDING, n PRECEDING, CURRENT ROW, n FOLLOWING,
// UNBOUNDED FOLLOWING.
struct FrameBound {
  enum class Kind : std::uint8_t {
    kUnboundedPreceding,
    kPreceding,
    kCurrentRow,
    kFollowing,
    kUnboundedFollowing
  };
  FrameBound() = default;
  FrameBound(Kind k, std::int64_t n) : kind(k), offset(n) {}

  Kind kind = Kind::kCurrentRow;
  // kPreceding, kFollowing: offset / 10^scale (a decimal's digits and scale), or an INTERVAL's
  // seconds (is_interval).
  std::int64_t offset = 0;
  int scale = 0;
  bool is_interval = false;
  // The offset as DuckDB names it (to_hours(...), 0.50); empty: an integer's digits.
  std::string text;

  // The offset is an INTERVAL (RANGE over a TIMESTAMP or DATE).
  bool interval() const { return is_interval; }
};

// A frame's EXCLUDE clause: which rows around the current one leave its frame.
enum class FrameExclude : std::uint8_t {
  kNoOthers,    // none (the default)
  kCurrentRow,  // the row itself
  kGroup,       // the row and its peers
  kTies,        // its peers, not the row
};

struct OrderAst {
  ExprAst expr;
  bool desc = false;
  bool nulls_first = false;
};

// OVER (PARTITION BY ... ORDER BY ... [ROWS | RANGE BETWEEN ... AND ...]).
struct WindowAst {
  std::vector<ExprAst> partition;
  std::vector<OrderAst> order;
  bool has_frame = false;
  bool rows = false;    // ROWS (positions) or RANGE (peers of the ORDER BY value)
  bool groups = false;  // GROUPS (offsets count peer groups; rows is false)
  FrameBound start, end;
  FrameExclude exclude = FrameExclude::kNoOthers;
  // While parsing: the named window (WINDOW clause) this one builds on, lower-cased, with
  // copy = written OVER (name ...) (else OVER name); empty once the parser resolved it.
  std::string base;
  std::size_t base_pos = 0;
  bool copy = false;
};

// Where an expression starts in the statement (its leftmost token).
inline std::size_t StartOf(const ExprAst& e) {
  std::size_t p = e.pos;
  for (const ExprAst& a : e.args) p = std::min(p, StartOf(a));
  return p;
}

// An expression node holding just a literal.
inline ExprAst LiteralExpr(LiteralAst l) {
  ExprAst e;
  e.kind = ExprAst::Kind::kLiteral;
  e.pos = l.pos;
  e.literal = std::move(l);
  return e;
}

struct SelectItemAst {
  ExprAst expr;
  bool star = false;  // '*'
  std::optional<std::string> alias;
  std::size_t pos = 0;
};

// WITH name AS (SELECT ...)
struct CteAst {
  std::string name;  // lower-cased
  std::size_t pos = 0;
  std::shared_ptr<const StatementAst> body;
};

struct StatementAst {
  bool explain = false;
  std::vector<CteAst> with;
  // FROM: a table name (measurements or a CTE, lower-cased) or a subquery; `source` is the stage
  // whose result FROM reads once the statement is split into stages (-1: measurements).
  std::string table = "measurements";
  std::size_t table_pos = 0;
  bool no_from = false;  // SELECT without FROM: one row of constants (table is empty)
  std::shared_ptr<const StatementAst> from_subquery;
  int source = -1;
  bool distinct = false;
  std::vector<SelectItemAst> items;
  std::optional<std::string> table_alias;
  std::optional<ExprAst> where;
  bool group_all = false;
  std::size_t group_pos = 0;
  std::vector<ExprAst> group_by;
  std::optional<ExprAst> having;
  std::optional<ExprAst> qualify;
  std::vector<OrderAst> order_by;
  std::optional<ExprAst> limit;
  std::optional<ExprAst> offset;
};

// Parses one statement. Throws SqlError with the position of the offending token.
StatementAst ParseStatement(std::string_view sql);

// DuckDB's name of an expression as a result column ("(aqi + 1)", "count_star()", ...).
std::string ExprName(const ExprAst& e);
// The seconds of one INTERVAL unit (SECOND, MINUTE, HOUR, DAY, WEEK, lower case, with or
// without a plural 's'); 0 for the others (a month or a year has no fixed length).
std::int64_t IntervalUnitSeconds(std::string unit);
// Whether a CAST's lower-case type name is DuckDB's INTEGER (integer, int, int4, int32, signed).
bool IsIntegerTypeName(const std::string& type);
// The type a CAST's lower-case type name names when it is SMALLINT, TINYINT, UTINYINT,
// USMALLINT or UINTEGER (or one of their aliases: int2, short, int1, uint8, uint16, uint32),
// else kInt64.
Type SmallIntegerType(const std::string& type);

}  // namespace plume::engine
