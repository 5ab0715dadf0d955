// Structural and type checks of a decoded expression tree (expr_check.h).
#include "engine/expr_check.h"

#include <algorithm>

namespace plume::engine {
namespace {

// The numbers but the wide types.
bool Numeric(Type t) { return IsNumeric(t) && !IsWideInteger(t); }

// abs/floor/ceil/round of a DECIMAL: a DECIMAL of its width (bind_functions.cpp).
bool DecimalRounding(const Expr& e) {
  const Type a = e.args[0].type;
  return IsDecimal(a) && IsDecimal(e.type) && DecimalWidth(a) == DecimalWidth(e.type) &&
         DecimalScale(e.type) <= DecimalScale(a) && (e.fn != ExprFn::kAbs || a == e.type);
}

bool AllOf(const Expr& e, std::size_t from, Type t) {
  return std::all_of(e.args.begin() + static_cast<std::ptrdiff_t>(from), e.args.end(),
                     [t](const Expr& a) { return a.type == t; });
}

// What each function takes: its argument count range and types, as the binder builds it.
bool FunctionFits(const Expr& e) {
  const std::size_t n = e.args.size();
  auto is = [&](std::size_t i, Type t) { return i < n && e.args[i].type == t; };
  switch (e.fn) {
    case ExprFn::kDateTrunc:
      return n == 2 && is(0, Type::kString) && is(1, Type::kTimestamp) &&
             e.type == Type::kTimestamp;
    case ExprFn::kDatePart:
      return n == 2 && is(0, Type::kString) && is(1, Type::kTimestamp) && Numeric(e.type);
    case ExprFn::kStrftime:
      return n == 2 && is(0, Type::kTimestamp) && is(1, Type::kString) && e.type == Type::kString;
    case ExprFn::kAbs:
    case ExprFn::kFloor:
    case ExprFn::kCeil:
      if (n == 1 && IsDecimal(e.args[0].type)) return DecimalRounding(e);
      if (e.fn == ExprFn::kAbs && IsWideInteger(e.args[0].type)) {
        return n == 1 && e.type == e.args[0].type;
      }
      return n == 1 && Numeric(e.args[0].type) && Numeric(e.type) && !IsDecimal(e.type);
    case ExprFn::kRound:
      if ((n == 1 || (n == 2 && is(1, Type::kInt64))) && IsDecimal(e.args[0].type)) {
        return DecimalRounding(e);
      }
      return (n == 1 || (n == 2 && is(1, Type::kInt64))) && is(0, e.type) && IsNumeric(e.type);
    case ExprFn::kSqrt:
    case ExprFn::kLn:
    case ExprFn::kLog10:
      return n == 1 && is(0, Type::kFloat64) && e.type == Type::kFloat64;
    case ExprFn::kPower:
      return n == 2 && AllOf(e, 0, Type::kFloat64) && e.type == Type::kFloat64;
    case ExprFn::kGreatest:
    case ExprFn::kLeast:
      return n >= 1 && AllOf(e, 0, e.type);
    case ExprFn::kLower:
    case ExprFn::kUpper:
    case ExprFn::kTrim:
      return n == 1 && is(0, Type::kString) && e.type == Type::kString;
    case ExprFn::kLength:
      return n == 1 && is(0, Type::kString) && e.type == Type::kInt64;
    case ExprFn::kSubstring:
      return (n == 2 || n == 3) && is(0, Type::kString) && AllOf(e, 1, Type::kInt64) &&
             e.type == Type::kString;
    case ExprFn::kStartsWith:
    case ExprFn::kContains:
    case ExprFn::kRegexpMatches:
      return n == 2 && AllOf(e, 0, Type::kString) && e.type == Type::kBool;
    case ExprFn::kReplace:
      return n == 3 && AllOf(e, 0, Type::kString) && e.type == Type::kString;
    case ExprFn::kAqi:
      return n == 2 && is(0, Type::kString) && is(1, Type::kFloat64) && e.type == Type::kInt64;
    case ExprFn::kAqiCategory:
      return n == 1 && is(0, Type::kInt64) && e.type == Type::kInt64;
    case ExprFn::kAqiCategoryName:
      return n == 1 && is(0, Type::kInt64) && e.type == Type::kString;
  }
  return false;
}

bool Arithmetic(const Expr& e) {
  const Type a = e.args[0].type, b = e.args[1].type;
  if (e.type == Type::kTimestamp) {  // TIMESTAMP +/- seconds
    return (e.op == ExprOp::kAdd || e.op == ExprOp::kSub) && a == Type::kTimestamp &&
           b == Type::kInt64;
  }
  if (IsDecimal(e.type)) {  // operands at the result's scale; a product's scales add up
    if (!IsDecimal(a) || !IsDecimal(b)) return false;
    if (e.op == ExprOp::kMul) return DecimalScale(a) + DecimalScale(b) == DecimalScale(e.type);
    return e.op != ExprOp::kDiv && e.op != ExprOp::kIntDiv &&
           DecimalScale(a) == DecimalScale(e.type) && DecimalScale(b) == DecimalScale(e.type);
  }
  return IsNumeric(e.type) && a == e.type && b == e.type;
}

bool NodeFits(const Expr& e, const std::vector<Type>& columns) {
  const std::size_t n = e.args.size();
  switch (e.op) {
    case ExprOp::kColumn:
      return n == 0 && static_cast<std::size_t>(e.column) < columns.size() &&
             columns[static_cast<std::size_t>(e.column)] == e.type;
    case ExprOp::kConstant:
      return n == 0;
    case ExprOp::kAdd:
    case ExprOp::kSub:
    case ExprOp::kMul:
    case ExprOp::kDiv:
    case ExprOp::kIntDiv:
    case ExprOp::kMod:
      return n == 2 && Arithmetic(e);
    case ExprOp::kNeg:
      return n == 1 && IsNumeric(e.type) && e.args[0].type == e.type;
    case ExprOp::kEq:
    case ExprOp::kNe:
    case ExprOp::kLt:
    case ExprOp::kLe:
    case ExprOp::kGt:
    case ExprOp::kGe:
    case ExprOp::kIsDistinct:
    case ExprOp::kIsNotDistinct:
      return n == 2 && e.type == Type::kBool && e.args[0].type == e.args[1].type;
    case ExprOp::kAnd:
    case ExprOp::kOr:
      return n >= 2 && e.type == Type::kBool && AllOf(e, 0, Type::kBool);
    case ExprOp::kNot:
      return n == 1 && e.type == Type::kBool && AllOf(e, 0, Type::kBool);
    case ExprOp::kIsNull:
    case ExprOp::kIsNotNull:
      return n == 1 && e.type == Type::kBool;
    case ExprOp::kCase: {
      if (n < 3 || n % 2 == 0) return false;
      for (std::size_t k = 0; k + 1 < n; k += 2) {
        if (e.args[k].type != Type::kBool || e.args[k + 1].type != e.type) return false;
      }
      return e.args.back().type == e.type;
    }
    case ExprOp::kCast:
      return n == 1;  // every pair of types has a kernel branch (expr_cast.cpp)
    case ExprOp::kCoalesce:
      return n >= 1 && AllOf(e, 0, e.type);
    case ExprOp::kNullIf:
      return n == 2 && AllOf(e, 0, e.type);
    case ExprOp::kIn:
      return n >= 2 && e.type == Type::kBool && AllOf(e, 0, e.args[0].type);
    case ExprOp::kLike:
      return n == 2 && e.type == Type::kBool && AllOf(e, 0, Type::kString);
    case ExprOp::kConcat:
      return n >= 1 && e.type == Type::kString && AllOf(e, 0, Type::kString);
    case ExprOp::kFunction:
      return FunctionFits(e);
  }
  return false;
}

}  // namespace

bool ExprFits(const Expr& e, const std::vector<Type>& columns, int depth) {
  if (depth > kMaxExprDepth || !NodeFits(e, columns)) return false;
  return std::all_of(e.args.begin(), e.args.end(),
                     [&](const Expr& a) { return ExprFits(a, columns, depth + 1); });
}

}  // namespace plume::engine
