// Syntax tree of one statement, before binding. Private to engine/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/plan_data.h"

namespace plume::engine {

struct ColumnAst {
  std::string name;     // lower-cased (identifiers are case-insensitive)
  std::string written;  // as written, with its qualifier: how DuckDB names an aggregate's argument
  std::size_t pos = 0;
};

struct LiteralAst {
  enum class Kind : std::uint8_t { kNull, kInteger, kDecimal, kString, kTimestamp };
  Kind kind = Kind::kNull;
  std::string text;  // digits for numbers (with a leading '-' when negated), content for strings
  std::size_t pos = 0;
};

struct OperandAst {
  bool is_column = false;
  ColumnAst column;
  LiteralAst literal;
  std::size_t pos() const { return is_column ? column.pos : literal.pos; }
};

struct ExprAst {
  enum class Kind : std::uint8_t { kAnd, kOr, kNot, kCompare, kBetween, kIn, kLike, kIsNull };
  Kind kind = Kind::kCompare;
  std::vector<ExprAst> children;  // kAnd, kOr, kNot
  OperandAst lhs;
  CmpOp op = CmpOp::kEq;
  std::vector<OperandAst> args;  // kCompare: rhs; kBetween: lo, hi; kIn: list; kLike: pattern
  bool negated = false;          // NOT BETWEEN / NOT IN / NOT LIKE / IS NOT NULL
  std::size_t pos = 0;           // the operator
};

struct AggregateAst {
  AggFn fn = AggFn::kCountStar;
  ColumnAst column;  // unused for count(*), bool_and and bool_or
  bool distinct = false;
  std::optional<ColumnAst> column2;  // arg_min(a, b) / arg_max(a, b): b
  std::optional<LiteralAst> param;   // quantile_cont(x, q) / quantile_disc(x, q): q
  std::optional<ExprAst> predicate;  // bool_and(p) / bool_or(p)
  std::optional<ExprAst> filter;     // FILTER (WHERE ...)
  std::string name;                  // DuckDB's column name: "count_star()", "sum(aqi)", ...
  std::size_t pos = 0;
};

struct SelectItemAst {
  bool is_aggregate = false;
  ColumnAst column;
  AggregateAst aggregate;
  std::optional<std::string> alias;
  std::size_t pos = 0;
};

// ORDER BY / GROUP BY term: a name (column or alias), a 1-based ordinal, or an aggregate.
struct TermAst {
  enum class Kind : std::uint8_t { kName, kOrdinal, kAggregate };
  Kind kind = Kind::kName;
  ColumnAst column;
  AggregateAst aggregate;
  std::int64_t ordinal = 0;
  bool desc = false;
  bool nulls_first = false;
  std::size_t pos = 0;
};

struct StatementAst {
  bool star = false;
  std::size_t star_pos = 0;
  std::vector<SelectItemAst> items;
  std::optional<ExprAst> where;
  std::vector<TermAst> group_by;
  std::vector<TermAst> order_by;
  std::optional<std::uint64_t> limit;
};

// Parses one statement. Throws SqlError with the position of the offending token.
StatementAst ParseStatement(std::string_view sql);

}  // namespace plume::engine
