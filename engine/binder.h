// Binds a parsed statement to the measurements schema: resolves names, checks types with
// DuckDB's implicit casts, converts literals exactly and pushes NOTs down to the leaves of the
// filter. Private to engine/.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/plan_data.h"
#include "engine/schema.h"
#include "engine/sql_ast.h"

namespace plume::engine {

// What a statement's column names resolve against: the table it reads (measurements, or the
// gathered result of an earlier stage of a multi-stage statement, stages.h) and the name that
// qualifies its columns.
struct BindScope {
  std::string table = "measurements";
  std::optional<std::string> alias;
  const std::vector<InputColumn>* input = &MeasurementsInput();
};

// Throws SqlError (unknown column, type mismatch, bad literal, misuse of aggregates).
PlanData Bind(const StatementAst& st, std::string_view sql);
// The same over another input (`scope` must outlive the call). A kSubquery node must hold its
// value in args[0] (stages.cpp substitutes it).
PlanData Bind(const StatementAst& st, std::string_view sql, const BindScope& scope);

// Binds expressions. Row context: columns are the table's (kSchema indices). Group context
// (set_groups): an expression equal to a group key becomes that key's slot, an aggregate call
// becomes the slot the callback returns, and any other column is an error.
class ExprBinder {
 public:
  // Returns the slot (a kColumn expression over the group slots) of an aggregate call; with
  // typing_only (inside typeof, which DuckDB does not evaluate) only its type, nothing added.
  using AggregateHook = std::function<Expr(const ExprAst&, bool typing_only)>;

  // `scope` must outlive the binder.
  ExprBinder(const BindScope& scope, const char* clause) : scope_(&scope), clause_(clause) {}
  void set_groups(const std::vector<Expr>* keys, AggregateHook hook) {
    keys_ = keys;
    hook_ = std::move(hook);
  }
  void set_clause(const char* clause) { clause_ = clause; }

  Expr Bind(const ExprAst& e);
  // kSchema index of a column; throws SqlError "unknown column" (with a suggestion).
  int ResolveColumn(const ColumnAst& c) const;
  const BindScope& scope() const { return *scope_; }
  // A BOOLEAN expression (WHERE, HAVING, FILTER, CASE conditions); throws when it is not.
  Expr BindCondition(const ExprAst& e);

 private:
  Expr BindNode(const ExprAst& e);
  Expr BindOp(const ExprAst& e);
  Expr BindArith(const ExprAst& e);
  Expr BindCompare(const ExprAst& e, ExprOp op);
  Expr BindCase(const ExprAst& e);
  Expr BindBetween(const ExprAst& e);
  Expr BindIn(const ExprAst& e);
  Expr BindLike(const ExprAst& e);
  Expr BindFunction(const ExprAst& e);
  Expr BindTypeof(const ExprAst& e);
  Expr BindInterval(const ExprAst& e, const Expr& ts, bool subtract);
  std::optional<Expr> GroupSlot(const ExprAst& e);
  // `decimal`: the list's common DECIMAL (mode kDecimal), named by a string's deferred error.
  Expr CompareItem(const Expr& x, ExprOp op, const ExprAst& item, int mode, std::string name,
                   Type decimal);

  const BindScope* scope_;
  const char* clause_;
  const std::vector<Expr>* keys_ = nullptr;
  AggregateHook hook_;
  bool typing_only_ = false;  // binding typeof's argument
};

// Column names compare without regard to case (as DuckDB's do).
bool SameColumnName(std::string_view a, std::string_view b);

// True when the expression calls an aggregate function somewhere.
bool ContainsAggregate(const ExprAst& e);
// The select list's index (0-based) that the integer literal `t` of a GROUP BY or ORDER BY
// (`clause`) names among `items` select items; SqlError "<clause> position k is not in the
// select list" when it names none.
std::size_t SelectPosition(const ExprAst& t, std::size_t items, const char* clause);
// The aggregate function `name` names, if it is one (count, sum, ..., bool_or).
std::optional<AggFn> AggregateByName(std::string_view name);

// Expression helpers shared by the binder's files.
Expr MakeConstant(Type type, Scalar value, std::string text);
Expr MakeNode(ExprOp op, Type type, std::vector<Expr> args, std::string text);
// e cast to `type` (folded when e is a constant; throws SqlError at `pos` when it does not cast).
Expr CastTo(Expr e, Type type, std::size_t pos);
// The function the planner writes for lag/lead's default (stage_split.cpp): "$cast_like"(d, x)
// is CAST(d AS <x's type>), as DuckDB casts the default. No statement can name it ('$').
inline constexpr std::string_view kCastLike = "$cast_like";
// A node over constants evaluated once into a constant (SqlError at `pos` for an error of it).
Expr FoldConstant(const Expr& node, std::size_t pos);
// a and b cast to their common type (CommonNumeric) when both are numbers of different types.
void UnifyNumbers(Expr* a, Expr* b, std::size_t pos);
// Whether a value of type `from` may be cast to `to` (explicitly).
bool Castable(Type from, Type to);

Expr IntConstant(std::int64_t v);
// A string literal read as a value of `type` (DuckDB casts the literal to the other side of a
// comparison); `other` names that side in the error message.
Expr StringLiteralAs(const ExprAst& lit, Type type, const std::string& other);
// A comparison's string literal read as `type` (StringLiteralAs); one that does not convert
// becomes DeferredStringCast, as DuckDB folds a constant only when it converts, so that its
// error comes from the rows that evaluate it (`site_name = 'none' AND aqi = 'x'` is 0 rows, a
// statement whose rows reach it fails). Time literals are checked here (docs/SQL.md).
Expr StringLiteralOrDeferred(const ExprAst& lit, Type type, const std::string& other);
// CAST(lit AS type) of a string literal, unfolded: it fails on the rows that evaluate it.
Expr DeferredStringCast(const ExprAst& lit, Type type);
// Whether `e` is a string literal ('abc').
bool IsStringLiteral(const ExprAst& e);
// x (bound from `ast`) as a value of type t: a string literal read as t (StringLiteralAs, as
// DuckDB casts a string literal to the type the others give: coalesce(1, '2') is INTEGER), else
// CastTo.
Expr CastToOrRead(const ExprAst& ast, Expr x, Type t);
// The exact value of + - * over integer and decimal literals with a decimal among them, as
// decimal text (0.1 + 0.2 -> "0.3"); nullopt for anything else (bind_decimal.cpp).
std::optional<std::string> ExactDecimalText(const ExprAst& e);
// DECIMAL typing as DuckDB 1.5's (bind_decimal.cpp; tests/engine/golden/decimal.test holds the
// probes). A decimal literal is DECIMAL(its digits, its digits after the point), `text` being
// its digits; nullopt beyond 38 digits (DuckDB: DOUBLE).
std::optional<Expr> DecimalLiteral(const std::string& text, std::string name);
// Whether a literal is a DOUBLE in DuckDB: one with an exponent, a decimal of more than 38
// digits, an integer beyond UHUGEINT (or below -HUGEINT's range); an IN list or BETWEEN with one
// compares as DOUBLEs.
bool LiteralIsDouble(const LiteralAst& lit);
// The DECIMAL type `e` takes next to a DECIMAL: itself; DECIMAL(3,0) for a (U)TINYINT,
// DECIMAL(5,0) for a (U)SMALLINT, DECIMAL(10,0) for an INTEGER or UINTEGER, DECIMAL(19,0) for
// a BIGINT (DuckDB's rules).
Type DecimalView(const Expr& e);
// The common type of two integers, as DuckDB's (tests/engine/golden/small_int.test): an integer
// literal takes the other's type when it fits it (1::TINYINT = 1) unless both are literals; else
// the wider of two signed or two unsigned types; a signed type next to an unsigned one when it
// holds its range, else the next signed type wider than the unsigned one (UTINYINT and TINYINT:
// SMALLINT).
Type CommonInteger(const Expr& a, const Expr& b);
// The type of a + - * // % b over two integers: CommonInteger when it is one of the two
// operands' types, else BIGINT (DuckDB: UTINYINT + TINYINT is BIGINT).
Type ArithInteger(const Expr& a, const Expr& b);
// The common type of two numbers (comparisons, CASE, COALESCE, greatest/least): DOUBLE next to
// a DOUBLE; with a DECIMAL among them DECIMAL(the most integer digits + the largest scale, the
// largest scale), at most 38 wide; two integers CommonInteger. Both must be numbers.
Type CommonNumeric(const Expr& a, const Expr& b);
// The type of a value that is either a or b (CASE results, COALESCE, greatest/least):
// CommonNumeric, except where the DECIMAL would need more than 38 digits, as DuckDB's
// MaxLogicalType: between two DECIMALs the scale gives way to the integer digits
// (coalesce(x::DECIMAL(38,0), 2.25) is DECIMAL(38,0), 2.25 becomes 2); next to an integer the
// scale stays and the width stops at 38 (coalesce(aqi, 0.99999999999999999999) is
// DECIMAL(38,20); an aqi beyond 18 digits is then a cast error). Comparisons keep
// CommonNumeric: they stay exact.
Type CommonValueNumeric(const Expr& a, const Expr& b);
// The result type of a op b for + - * % with a DECIMAL among them and no DOUBLE (throws
// SqlError at `pos` for a scale beyond 38).
Type DecimalArithType(ExprOp op, Type a, Type b, std::size_t pos);
// The type a CAST names when it is a DECIMAL ("decimal(5,2)", "numeric(5)", "decimal" =
// DECIMAL(18,3)); nullopt for other names; SqlError for a width or scale DuckDB rejects.
std::optional<Type> DecimalCastType(const std::string& name, std::size_t pos);
// x op d for a BIGINT x and a decimal number written as `text`, compared exactly.
Expr IntVersusDecimal(Expr x, ExprOp op, const std::string& text, std::size_t pos,
                      const std::string& name);

// The filter tree for one WHERE expression; `negate` applies a NOT above it.
FilterNode BindFilter(const ExprAst& e, bool negate, ExprBinder& binder);

}  // namespace plume::engine
