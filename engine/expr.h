// Bound scalar expressions and their vectorized evaluator. Private to engine/.
//
// An Expr is a typed tree built by the binder. Leaves are columns (an index into the inputs the
// evaluator is given: table columns for expressions over rows, result slots for expressions over
// groups) and constants. ExprEvaluator evaluates a tree for a whole run of rows at a time: each
// node runs one loop over the run, so no row walks the tree.
//
// Threading: an evaluator holds scratch buffers, so one evaluator serves one thread.
// Errors: Eval throws std::runtime_error for errors of the data (BIGINT overflow, a string that
// does not cast), with the expression's text in the message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/batch.h"
#include "engine/table.h"

namespace plume::engine {

enum class ExprOp : std::uint8_t {
  kColumn,    // input column `column`
  kConstant,  // `value`
  // Arithmetic: BIGINT (overflow is an error), DOUBLE, TIMESTAMP +/- seconds (BIGINT).
  kAdd,
  kSub,
  kMul,
  kDiv,     // DOUBLE division (x / 0 is NULL, as DuckDB)
  kIntDiv,  // `//`: integer division of BIGINTs (x // 0 is NULL)
  kMod,
  kNeg,
  // Comparisons of two values of one type (the binder casts to the common type).
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIsDistinct,     // IS DISTINCT FROM
  kIsNotDistinct,  // IS NOT DISTINCT FROM
  // Three-valued logic.
  kAnd,
  kOr,
  kNot,
  kIsNull,
  kIsNotNull,
  kCase,      // args: when, then, when, then, ..., else (the binder always adds the else)
  kCast,      // args[0] cast to `type`
  kCoalesce,  // first non-NULL argument
  kNullIf,    // NULL when args[0] = args[1]
  kIn,        // args[0] IN (args[1..]); `negated` for NOT IN
  kLike,      // args[0] LIKE args[1]; `negated`; `flag` = case-insensitive (ILIKE)
  kConcat,    // `||` and concat(): NULL-propagating for `||`; `flag` = concat() (skips NULLs)
  kFunction,  // `fn` over args
};

// Scalar functions (kFunction). Result types are fixed by the binder (docs/SQL.md).
enum class ExprFn : std::uint8_t {
  kDateTrunc,  // args: unit (constant VARCHAR), ts
  kDatePart,   // args: part (constant VARCHAR), ts -> BIGINT (DOUBLE for epoch)
  kStrftime,   // args: ts, format (constant VARCHAR)
  kAbs,
  kRound,  // args: x [, digits]
  kFloor,
  kCeil,
  kSqrt,
  kLn,
  kLog10,
  kPower,
  kGreatest,
  kLeast,
  kLower,
  kUpper,
  kLength,
  kSubstring,  // args: s, start [, length] (1-based, as DuckDB)
  kTrim,
  kStartsWith,
  kContains,
  kReplace,
  kRegexpMatches,
  kAqi,              // args: parameter (VARCHAR), concentration (DOUBLE) -> BIGINT (engine/aqi.h)
  kAqiCategory,      // args: aqi (BIGINT) -> BIGINT 1..6
  kAqiCategoryName,  // args: aqi (BIGINT) -> VARCHAR 'Good' ... 'Hazardous'
};

// A constant. kBool, kInt64, kTimestamp and kDate use i; kFloat64 d; kString s. A DECIMAL's
// units are in i, or, for a width of 19-38 when they do not fit 64 bits (a folded cast such as
// CAST(1 AS DECIMAL(38,20))), in w with `wide` set.
struct Scalar {
  bool null = true;
  std::int64_t i = 0;
  double d = 0;
  std::string s;
  bool wide = false;
  Int128 w = 0;
  // NaN equals NaN here: an expression holding a NaN constant equals itself (GROUP BY and
  // DISTINCT find their keys by equality).
  bool operator==(const Scalar& o) const {
    return null == o.null && i == o.i && s == o.s && (d == o.d || (d != d && o.d != o.d)) &&
           wide == o.wide && w == o.w;
  }
};

struct Expr {
  ExprOp op = ExprOp::kConstant;
  Type type = Type::kInt64;
  int column = -1;  // kColumn
  Scalar value;     // kConstant
  ExprFn fn = ExprFn::kAbs;
  bool negated = false;
  bool flag = false;
  std::vector<Expr> args;
  std::string text;  // how the expression was written (error messages, result names)

  bool operator==(const Expr&) const = default;
};

// Columns an expression reads (ascending, unique), appended to *out.
void CollectExprColumns(const Expr& e, std::vector<int>* out);

// An IN list whose elements are all constants, sorted once (expr_eval.cpp): each row is then
// one binary search, O(log m), instead of m comparisons.
struct ConstantInList;

// What an evaluator builds once per expression node and reuses for every run of rows (keyed by
// the node, which outlives the evaluator).
struct ExprCache {
  std::map<const Expr*, std::shared_ptr<const ConstantInList>> in_lists;
};

// What an evaluator reads: table columns with a row selection, or the columns of a batch.
struct ExprInput {
  const std::vector<const Column*>* columns = nullptr;  // kColumn indexes this, or
  const Batch* batch = nullptr;                         // this (rows 0..n)
  const std::uint32_t* rows = nullptr;                  // table rows (columns only)
  std::size_t n = 0;
  ExprCache* cache = nullptr;  // set by ExprEvaluator::Eval
};

class ExprEvaluator {
 public:
  explicit ExprEvaluator(const Expr& root) : root_(root) {}
  // Evaluates the expression for the input's n rows into *out (out->type == root.type; valid
  // empty when no value is NULL; BOOLEAN values are 0/1 in ints). Keep one evaluator for many
  // runs of rows: what it prepares once (sorted IN lists) is kept in it.
  void Eval(const ExprInput& in, BatchColumn* out) const;

 private:
  const Expr& root_;
  mutable std::shared_ptr<ExprCache> cache_ = std::make_shared<ExprCache>();
};

// Copies column `c` at `rows` into the vector form (strings materialized).
void GatherColumn(const Column& c, const std::uint32_t* rows, std::size_t n, BatchColumn* out);

// Evaluates function `fn` (ExprOp::kFunction) over evaluated arguments (expr_functions.cpp).
void EvalFunction(const Expr& e, std::vector<BatchColumn>& args, std::size_t n, BatchColumn* out);

}  // namespace plume::engine
